"""Country codes: ISO 3166-1 alpha-2, the one check every way in uses.

A ship-to country comes from the API, the shop's CSV and webhooks, and setup
files; each refused "ZZ" on its own terms before, or let it through to fail at
the label. The list is the standard's 249 officially assigned codes (as
Debian's iso-codes 4.x has them) plus XK, Kosovo's user-assigned code, which
Shopify, the EU and the carriers use: a real order to Pristina must not be
held for it.
"""

from __future__ import annotations

COUNTRIES = frozenset(
    {
        "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW",
        "AX", "AZ", "BA", "BB", "BD", "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN",
        "BO", "BQ", "BR", "BS", "BT", "BV", "BW", "BY", "BZ", "CA", "CC", "CD", "CF", "CG",
        "CH", "CI", "CK", "CL", "CM", "CN", "CO", "CR", "CU", "CV", "CW", "CX", "CY", "CZ",
        "DE", "DJ", "DK", "DM", "DO", "DZ", "EC", "EE", "EG", "EH", "ER", "ES", "ET", "FI",
        "FJ", "FK", "FM", "FO", "FR", "GA", "GB", "GD", "GE", "GF", "GG", "GH", "GI", "GL",
        "GM", "GN", "GP", "GQ", "GR", "GS", "GT", "GU", "GW", "GY", "HK", "HM", "HN", "HR",
        "HT", "HU", "ID", "IE", "IL", "IM", "IN", "IO", "IQ", "IR", "IS", "IT", "JE", "JM",
        "JO", "JP", "KE", "KG", "KH", "KI", "KM", "KN", "KP", "KR", "KW", "KY", "KZ", "LA",
        "LB", "LC", "LI", "LK", "LR", "LS", "LT", "LU", "LV", "LY", "MA", "MC", "MD", "ME",
        "MF", "MG", "MH", "MK", "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS", "MT", "MU",
        "MV", "MW", "MX", "MY", "MZ", "NA", "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP",
        "NR", "NU", "NZ", "OM", "PA", "PE", "PF", "PG", "PH", "PK", "PL", "PM", "PN", "PR",
        "PS", "PT", "PW", "PY", "QA", "RE", "RO", "RS", "RU", "RW", "SA", "SB", "SC", "SD",
        "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS", "ST", "SV",
        "SX", "SY", "SZ", "TC", "TD", "TF", "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO",
        "TR", "TT", "TV", "TW", "TZ", "UA", "UG", "UM", "US", "UY", "UZ", "VA", "VC", "VE",
        "VG", "VI", "VN", "VU", "WF", "WS", "YE", "YT", "ZA", "ZM", "ZW",
        "XK",
    }
)  # fmt: skip

#: Codes people write that ISO does not use for the country they mean.
_INSTEAD = {"UK": "GB", "EL": "GR"}


def is_country(code: str) -> bool:
    """True for an ISO 3166-1 alpha-2 code, in either case (``se``, ``SE``)."""
    return code.upper() in COUNTRIES if code.isascii() else False


def country_problem(raw: str) -> str:
    """Why ``raw`` is not a country code, in a few words; "" when it is one."""
    if is_country(raw):
        return ""
    shown = repr(raw[:20])
    if hint := _INSTEAD.get(raw.upper()):
        return f"{shown} is not an ISO country code: use {hint}"
    return f"{shown} is not an ISO 3166-1 country code like SE"
