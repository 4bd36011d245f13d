"""Which parcels need customs papers, and which papers.

A parcel from an EU country to a country outside the EU customs union needs a
declaration. Postal items (UPU S10 numbers: PostNord, Korea Post) carry the
UPU forms: CN22 up to :data:`CN22_LIMIT` in declared value, CN23 above it.
Couriers (DHL Express, UPS, CJ) want a commercial invoice instead.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

# EU member states (ISO 3166-1 alpha-2). Greece is "GR" in ISO, "EL" in EU texts.
EU = frozenset(
    {
        "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU",
        "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
    }
)  # fmt: skip

#: UPU: a CN22 covers items up to 300 SDR; in the shop's currency (SEK) that is about 3,700.
#: Kept in SEK like the products' customs values; above it the CN23 is used.
CN22_LIMIT = Decimal("3700")

Form = Literal["CN22", "CN23", "INVOICE"]


def needs_declaration(origin: str, destination: str) -> bool:
    """True when a parcel from ``origin`` to ``destination`` leaves the EU customs union."""
    origin, destination = origin.upper(), destination.upper()
    if origin == destination or not (destination.isascii() and destination.isalpha()):
        # Not a country code: the address check refuses it with its own message.
        return False
    return not (origin in EU and destination in EU)


def form_for(postal: bool, total_value: Decimal) -> Form:
    """The paper a parcel carries: a UPU form for postal items, else a commercial invoice."""
    if not postal:
        return "INVOICE"
    return "CN22" if total_value <= CN22_LIMIT else "CN23"


def valid_hs_code(code: str) -> bool:
    """6 to 10 digits: the 6-digit Harmonized System heading plus national digits."""
    return code.isascii() and code.isdigit() and 6 <= len(code) <= 10
