"""Text in and out: counted words in messages ("1 unit", "2 units", never "1 units"
or "unit(s)"), and the one check of characters a person cannot see in text that
comes from outside (the API, the shop, setup files)."""

from __future__ import annotations

import unicodedata


def plural(n: int, word: str, many: str | None = None) -> str:
    """``n`` and ``word``, in the plural unless ``n`` is 1.

    ``many`` is the plural where adding "s" is wrong:
    ``plural(n, "delivery", "deliveries")``.
    """
    return f"{n} {noun(n, word, many)}"


def noun(n: int, word: str, many: str | None = None) -> str:
    """``word`` as it reads after ``n``, for a count printed apart from it (a padded column)."""
    return word if n == 1 else (many or word + "s")


def option_values(options: str) -> str:
    """``"Colour: Black / Size: M"`` as ``"Black / M"``: what tells variants apart,
    for a table column too narrow for the option names (which hid the sizes)."""
    return " / ".join(part.split(": ", 1)[-1] for part in options.split(" / ") if part)


# ZWNJ and ZWJ are how Persian, the Indic scripts and emoji spell some words: a name
# written with them is a real name, not a trick.
_SPELLING = frozenset("\u200c\u200d")


def invisible_char(text: str) -> str:
    """The first character of ``text`` that shows nothing or reorders what is shown —
    a bidi control (U+202A-U+202E, U+2066-U+2069), a direction mark, a zero-width
    space, a byte-order mark, a soft hyphen, a line separator — as ``U+202E
    (RIGHT-TO-LEFT OVERRIDE)``; "" when there is none.

    Such a character makes a label or a slip read otherwise than the data it was
    printed from ("Anna" + U+202E + "knaB" prints as "AnnaBank"), and two names that
    look alike compare apart. Control characters (Cc) are each caller's own check."""
    if text.isascii():
        return ""
    for ch in text:
        if ch in _SPELLING:
            continue
        if unicodedata.category(ch) in ("Cf", "Zl", "Zp"):
            return f"U+{ord(ch):04X} ({unicodedata.name(ch, 'unnamed')})"
    return ""


def invisible_problem(text: str) -> str:
    """Why ``text`` is refused, in a few words; "" when it holds nothing invisible."""
    if shown := invisible_char(text):
        return f"holds the invisible character {shown}; retype it"
    return ""
