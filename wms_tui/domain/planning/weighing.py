"""Parcel weight: reading what the packer keyed or the scale sent, and judging it.

Pure functions (no database): the pack service passes in the house rules
(``weight_tolerance_pct``, ``weight_tolerance_min_g``, ``max_parcel_weight_g``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from wms_tui.domain.errors import DomainError

# "1450", "1450 g", "1450g", "1.45 kg", "1,45kg", "W 1450 g", "ST,GS,+  1.450kg"
# (scales prefix their output with W, ST/US for stable/unstable, GS/NT for gross/
# net); a scanned value must carry a unit to count as a weight.
_WEIGHT = re.compile(
    r"^(?:(?:W|ST|US|GS|NT|NET|GROSS)[ ,:=]*)*"
    r"(?P<num>[-+]?\s*\d+(?:[.,]\d+)?)\s*(?P<unit>kg|g)?$",
    re.IGNORECASE,
)
# A keyed value that ends in a unit after a space ("abc g", "1.4.5 kg") was meant
# as a weight: no barcode has a space before a final g.
_UNIT_AT_END = re.compile(r"\s(?:kg|g)$", re.IGNORECASE)
ABSURD_FACTOR = 10


@dataclass(frozen=True)
class WeightRules:
    tolerance_pct: int
    tolerance_min_g: int
    max_parcel_g: int

    def tolerance_g(self, expected_g: int) -> int:
        return max(self.tolerance_min_g, round(expected_g * self.tolerance_pct / 100))


def looks_like_weight(code: str) -> bool:
    """A scan that is a weight rather than a barcode: it names its unit (g or kg)."""
    m = _WEIGHT.match(code.strip())
    return bool(m and m.group("unit")) or bool(_UNIT_AT_END.search(code.strip()))


def parse_weight(text: str) -> int:
    """Grams from what the packer keyed; a bare number is grams."""
    raw = text.strip()
    m = _WEIGHT.match(raw)
    if not raw or m is None:
        raise DomainError(f"Weight {raw!r} is not a number: key grams, e.g. 1450 or 1.45 kg")
    try:
        value = Decimal(m.group("num").replace(",", ".").replace(" ", ""))
    except InvalidOperation:  # pragma: no cover - the pattern only lets numbers through
        raise DomainError(f"Weight {raw!r} is not a number") from None
    if (m.group("unit") or "g").lower() == "kg":
        value *= 1000
    grams = int(value.to_integral_value())
    if grams <= 0:
        raise DomainError(f"Weight must be more than 0 g (got {raw}): put the parcel on the scale")
    return grams


def check_believable(grams: int, expected_g: int, rules: WeightRules) -> None:
    """Refuse weights no parcel of this order can have (a finger on the keypad)."""
    if grams > rules.max_parcel_g:
        raise DomainError(
            f"{grams} g is over the {rules.max_parcel_g} g parcel limit: check the scale"
        )
    if expected_g > 0 and grams > ABSURD_FACTOR * expected_g:
        raise DomainError(
            f"{grams} g is more than {ABSURD_FACTOR}× the expected {expected_g} g: check the scale"
        )


def within_tolerance(grams: int, expected_g: int, rules: WeightRules) -> bool:
    return abs(grams - expected_g) <= rules.tolerance_g(expected_g)


def describe(grams: int, expected_g: int, rules: WeightRules) -> str:
    diff = grams - expected_g
    sign = "+" if diff >= 0 else "−"
    return (
        f"{grams} g, expected {expected_g} ± {rules.tolerance_g(expected_g)} g "
        f"({sign}{abs(diff)} g)"
    )
