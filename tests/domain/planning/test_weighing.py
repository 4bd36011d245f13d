"""Reading the scale and judging a parcel's weight (pure functions)."""

from __future__ import annotations

import pytest

from wms_tui.domain.errors import DomainError
from wms_tui.domain.planning import weighing

RULES = weighing.WeightRules(tolerance_pct=10, tolerance_min_g=50, max_parcel_g=31500)


@pytest.mark.parametrize(
    ("text", "grams"),
    [
        ("1450", 1450),
        ("1450 g", 1450),
        ("1450G", 1450),
        ("1.45 kg", 1450),
        ("1,45kg", 1450),
        ("0.0015 kg", 2),
        ("W 1450 g", 1450),
        ("ST,GS,+  1.450kg", 1450),
        ("US,NT, 0.250 kg", 250),
    ],
)
def test_weights_as_keyed_or_sent_by_a_scale(text: str, grams: int) -> None:
    assert weighing.parse_weight(text) == grams


@pytest.mark.parametrize("text", ["0", "0 g", "-5", "-0.2 kg", "+0 g"])
def test_zero_and_negative_are_refused(text: str) -> None:
    with pytest.raises(DomainError, match="more than 0 g"):
        weighing.parse_weight(text)


@pytest.mark.parametrize("text", ["", "abc", "12 lb", "1.2.3", "kg"])
def test_unreadable_is_refused(text: str) -> None:
    with pytest.raises(DomainError, match="is not a number"):
        weighing.parse_weight(text)


def test_only_weights_with_a_unit_are_weights_in_the_scan_field() -> None:
    assert weighing.looks_like_weight("1450 g") and weighing.looks_like_weight("ST,GS,1.4kg")
    assert not weighing.looks_like_weight("7350053000018")  # an EAN is a product
    assert not weighing.looks_like_weight("1450")
    # Meant as a weight, not a number: parse_weight says so, not "Unknown barcode".
    assert weighing.looks_like_weight("abc g") and weighing.looks_like_weight("1.4.5 KG")
    with pytest.raises(DomainError, match="not a number"):
        weighing.parse_weight("abc g")


def test_tolerance_and_absurd_weights() -> None:
    assert RULES.tolerance_g(200) == 50  # the floor
    assert RULES.tolerance_g(2000) == 200
    assert weighing.within_tolerance(2190, 2000, RULES)
    assert not weighing.within_tolerance(2210, 2000, RULES)
    weighing.check_believable(31500, 20000, RULES)
    with pytest.raises(DomainError, match="over the 31500 g parcel limit"):
        weighing.check_believable(31501, 20000, RULES)
    with pytest.raises(DomainError, match="more than 10× the expected 300 g"):
        weighing.check_believable(3001, 300, RULES)
