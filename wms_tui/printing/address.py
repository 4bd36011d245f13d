"""A postal address as every document prints it: street lines, the town line in the
order its country writes it (postcode first, last or on a line of its own), the country.
"""

from __future__ import annotations

from dataclasses import dataclass

# The few destinations the warehouse ships to most; anything else prints its ISO code, which
# carriers accept on international labels.
COUNTRY_NAMES: dict[str, str] = {
    "AT": "AUSTRIA",
    "BE": "BELGIUM",
    "CH": "SWITZERLAND",
    "DE": "GERMANY",
    "DK": "DENMARK",
    "ES": "SPAIN",
    "FI": "FINLAND",
    "FR": "FRANCE",
    "GB": "UNITED KINGDOM",
    "IE": "IRELAND",
    "IT": "ITALY",
    "JP": "JAPAN",
    "KR": "REPUBLIC OF KOREA",
    "NL": "NETHERLANDS",
    "NO": "NORWAY",
    "PL": "POLAND",
    "SE": "SWEDEN",
    "US": "UNITED STATES",
}

# Countries that write "CITY REGION POSTCODE" on one line.
_CITY_REGION_POSTCODE = frozenset({"US", "CA", "AU"})
# Countries where the postcode goes on a line of its own below the town.
_POSTCODE_OWN_LINE = frozenset({"GB", "IE"})


@dataclass(frozen=True, slots=True, kw_only=True)
class Address:
    """A postal address.

    Attributes:
        name: Person the parcel is for (or the contact at a business).
        company: Company name, empty for private customers.
        line1: Street and number.
        line2: Flat, floor, c/o, ... (optional).
        city: Town or city; for Korean addresses the district (구/군) works well here.
        postcode: Postal code as written locally (``114 55``, ``06236``, ``SW1A 1AA``).
        region: State, province or 도/특별시 (optional).
        country_code: ISO 3166-1 alpha-2, upper case.
        phone: Contact phone for the courier (optional).
    """

    name: str
    company: str = ""
    line1: str
    line2: str = ""
    city: str
    postcode: str
    region: str = ""
    country_code: str
    phone: str = ""

    def __post_init__(self) -> None:
        code = self.country_code.strip().upper()
        if len(code) != 2 or not code.isascii() or not code.isalpha():
            raise ValueError(f"country_code must be ISO 3166-1 alpha-2, got {self.country_code!r}")
        object.__setattr__(self, "country_code", code)

    @property
    def country_name(self) -> str:
        return COUNTRY_NAMES.get(self.country_code, self.country_code)

    def street_lines(self) -> list[str]:
        """Company and street lines, without the name and the town/country lines."""
        return [line for line in (self.company, self.line1, self.line2) if line.strip()]

    def locality_lines(self) -> list[str]:
        """Town/postcode line(s) in the order the destination country's post expects."""
        code = self.country_code
        if code in _CITY_REGION_POSTCODE:
            return [" ".join(p for p in (self.city, self.region, self.postcode) if p)]
        if code in _POSTCODE_OWN_LINE:
            return [p for p in (self.city, self.region, self.postcode) if p]
        if code == "KR":
            # Korean addresses run from the largest unit down; the postcode leads the line.
            return [" ".join(p for p in (self.postcode, self.region, self.city) if p)]
        lines = [" ".join(p for p in (self.postcode, self.city) if p)]
        if self.region:
            lines.append(self.region)
        return lines

    def lines(self, *, include_name: bool = True, include_country: bool = True) -> list[str]:
        """The address as printed lines."""
        out = [self.name] if include_name and self.name.strip() else []
        out += self.street_lines()
        out += self.locality_lines()
        if include_country:
            out.append(self.country_name)
        return out
