"""Header rows of imported CSV files: a column named twice is refused, by name.

A spreadsheet export with two ``quantity`` columns (or ``qty`` beside
``quantity``, which an importer reads as the same column) is ambiguous: which
one the supplier meant is unknowable, and taking the first (or the last)
silently imports the other one's numbers as if they were never there.
"""

from __future__ import annotations

from collections.abc import Sequence


def repeated_column(names: Sequence[str]) -> tuple[str, int, int] | None:
    """The first name (as given, already normalised by the caller) that occurs
    twice, with both 1-based column numbers; None when every name is unique.
    Empty names (a trailing comma) are not columns and never count."""
    first: dict[str, int] = {}
    for i, name in enumerate(names, start=1):
        if not name:
            continue
        if name in first:
            return name, first[name], i
        first[name] = i
    return None


def repeated_message(found: tuple[str, int, int]) -> str:
    name, a, b = found
    return f"column '{name}' is in the header twice (columns {a} and {b}): keep one"
