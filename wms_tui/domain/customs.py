"""Which parcels need customs papers, and which papers.

A parcel from an EU country to a country outside the EU customs union needs a
declaration. Postal items (UPU S10 numbers: PostNord, Korea Post) carry the
UPU forms: CN22 up to :data:`CN22_LIMIT` in declared value, CN23 above it.
Couriers (DHL Express, UPS, CJ) want a commercial invoice instead.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from wms_tui.domain.countries import is_country

# EU member states (ISO 3166-1 alpha-2). Greece is "GR" in ISO, "EL" in EU texts.
EU = frozenset(
    {
        "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU",
        "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
    }
)  # fmt: skip

#: UPU: a CN22 covers items up to 300 SDR (special drawing rights). The same limit in the
#: currencies a shop here keeps its values in, rounded down so that a rate that moves
#: against us still leaves the item under 300 SDR; checked against the IMF rate yearly.
CN22_LIMITS: dict[str, Decimal] = {
    "SEK": Decimal("3700"),
    "NOK": Decimal("4000"),
    "DKK": Decimal("2600"),
    "EUR": Decimal("350"),
    "GBP": Decimal("300"),
    "USD": Decimal("390"),
    "KRW": Decimal("520000"),
}
CN22_LIMIT = CN22_LIMITS["SEK"]

Form = Literal["CN22", "CN23", "INVOICE"]


def needs_declaration(origin: str, destination: str) -> bool:
    """True when a parcel from ``origin`` to ``destination`` leaves the EU customs union."""
    origin, destination = origin.upper(), destination.upper()
    if origin == destination or not is_country(destination):
        # Not a country code: the address check refuses it with its own message.
        return False
    return not (origin in EU and destination in EU)


def form_for(postal: bool, total_value: Decimal, currency: str = "SEK") -> Form:
    """The paper a parcel carries: a UPU form for postal items, else a commercial invoice.

    A currency without a known CN22 limit gets the CN23, which the UPU accepts at any value.
    """
    if not postal:
        return "INVOICE"
    limit = CN22_LIMITS.get(currency.upper())
    return "CN22" if limit is not None and total_value <= limit else "CN23"


#: Terms of delivery (Incoterms 2020) a shop ships parcels under: who pays the import
#: duties and taxes. The other nine rules are for trade where the buyer arranges carriage
#: or takes the goods at a port, not for parcels a shop sends to a customer's door.
INCOTERMS: dict[str, str] = {
    "DAP": "Delivered At Place: the recipient pays import duties and taxes",
    "DDP": "Delivered Duty Paid: the shop pays import duties and taxes",
}
DEFAULT_INCOTERMS = "DAP"


def valid_currency(code: str) -> bool:
    """An ISO 4217 alphabetic code: three letters A-Z (``SEK``, ``EUR``)."""
    return len(code) == 3 and code.isascii() and code.isalpha() and code.isupper()


def valid_hs_code(code: str) -> bool:
    """6 to 10 digits: the 6-digit Harmonized System heading plus national digits."""
    return code.isascii() and code.isdigit() and 6 <= len(code) <= 10
