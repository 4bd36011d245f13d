"""Counted words: "1 unit", "2 units"."""

from __future__ import annotations

from wms_tui.domain.text import noun, plural


def test_one_is_singular_everything_else_plural() -> None:
    assert plural(1, "unit") == "1 unit"
    assert [plural(n, "label") for n in (0, 2, 12)] == ["0 labels", "2 labels", "12 labels"]
    assert plural(1, "packed parcel") == "1 packed parcel"


def test_irregular_plurals_are_given() -> None:
    assert plural(1, "delivery", "deliveries") == "1 delivery"
    assert plural(3, "delivery", "deliveries") == "3 deliveries"


def test_the_word_alone_for_a_count_printed_apart() -> None:
    assert [noun(n, "parcel") for n in (0, 1, 2)] == ["parcels", "parcel", "parcels"]
    assert noun(2, "entry", "entries") == "entries"


def test_option_values_keep_what_tells_variants_apart() -> None:
    from wms_tui.domain.text import option_values

    assert option_values("Colour: Black / Size: M") == "Black / M"
    assert option_values("Scent: Cedar & Sage") == "Cedar & Sage"
    assert option_values("Natural") == "Natural" and option_values("") == ""
