"""Counted words in messages: "1 unit", "2 units", never "1 units" or "unit(s)"."""

from __future__ import annotations


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
