"""Counted words in messages: "1 unit", "2 units", never "1 units" or "unit(s)"."""

from __future__ import annotations


def plural(n: int, word: str, many: str | None = None) -> str:
    """``n`` and ``word``, in the plural unless ``n`` is 1.

    ``many`` is the plural where adding "s" is wrong:
    ``plural(n, "delivery", "deliveries")``.
    """
    return f"{n} {word if n == 1 else (many or word + 's')}"
