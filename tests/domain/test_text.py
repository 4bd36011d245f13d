"""Counted words ("1 unit", "2 units") and the invisible characters text from outside
may not hold."""

from __future__ import annotations

import pytest

from wms_tui.domain.text import invisible_char, invisible_problem, noun, plural


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


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("Anna\u202eknaB", "U+202E (RIGHT-TO-LEFT OVERRIDE)"),
        *[(f"a{chr(c)}b", f"U+{c:04X}") for c in range(0x202A, 0x202F)],
        *[(f"a{chr(c)}b", f"U+{c:04X}") for c in range(0x2066, 0x206A)],
        ("\u200bx", "U+200B (ZERO WIDTH SPACE)"),
        ("x\u200f", "U+200F (RIGHT-TO-LEFT MARK)"),
        ("\ufeffA", "U+FEFF"),
        ("a\u00adb", "U+00AD (SOFT HYPHEN)"),
        ("a\u2028b", "U+2028 (LINE SEPARATOR)"),
    ],
)
def test_invisible_characters_are_named(text: str, shown: str) -> None:
    assert invisible_char(text).startswith(shown)
    assert invisible_problem(text).startswith(f"holds the invisible character {shown}")


@pytest.mark.parametrize(
    "text", ["Åsa Öberg", "김지훈", "می\u200cخواهم", "👨\u200d👩\u200d👧", "شارع الملك", "a\tb"]
)
def test_what_a_person_sees_is_kept(text: str) -> None:
    # ZWNJ and ZWJ spell Persian and emoji; a tab is each caller's control-character rule.
    assert invisible_char(text) == "" and invisible_problem(text) == ""
