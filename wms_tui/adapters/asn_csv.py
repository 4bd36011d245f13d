"""A supplier's advance shipping notice (ASN) as a CSV file: read and checked, no database.

One row per SKU of a delivery; consecutive rows sharing a ``reference`` form one
delivery, read one at a time (flat memory however large the file). Every
problem is a :class:`RowError` naming its row and column, as a spreadsheet
numbers them. Importing the deliveries is
:mod:`wms_tui.services.receiving.asn`; the format is in docs/receiving.md.
"""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import BinaryIO, TextIO

from wms_tui.adapters.csv_headers import repeated_column, repeated_message
from wms_tui.domain.errors import DomainError
from wms_tui.domain.numbers import read_int
from wms_tui.domain.receiving import MAX_LINE_UNITS

COLUMNS = ("reference", "supplier", "expected_date", "sku", "quantity")
# Spellings seen in supplier exports, mapped to our column names.
ALIASES = {
    "ref": "reference",
    "delivery": "reference",
    "delivery_reference": "reference",
    "asn": "reference",
    "expected": "expected_date",
    "date": "expected_date",
    "qty": "quantity",
}
MAX_REFERENCE = 64
MAX_QUANTITY = MAX_LINE_UNITS


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        where = f"row {self.row}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.reason}"


@dataclass
class AsnDelivery:
    reference: str
    supplier: str
    expected_date: date | None
    first_row: int
    lines: dict[str, int] = field(default_factory=dict)  # sku -> quantity
    # sku -> first row naming it, even a row with other problems: all get checked
    rows: dict[str, int] = field(default_factory=dict)

    @property
    def units(self) -> int:
        return sum(self.lines.values())


def _decode(data: bytes) -> tuple[str, list[RowError]]:
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        row = data[: exc.start].count(b"\n") + 1
        return "", [RowError(row, "", "the file is not UTF-8 (save it as CSV UTF-8)")]


def _dialect(first_line: str) -> str:
    # Spreadsheets in Sweden and Germany save "CSV" with semicolons.
    if first_line.count(";") > first_line.count(","):
        return ";"
    return ","


def read_asn(stream: TextIO | Utf8Lines) -> Iterator[AsnDelivery | RowError]:
    """Deliveries and problems, in file order, one delivery in memory at a time.

    The rows of one delivery must be together (as every export writes them);
    a reference that comes back after another is a problem, not a merge, so
    a file of any size is read with flat memory.
    """
    try:
        first = stream.readline()
    except NotUtf8 as exc:
        yield RowError(exc.line, "", "the file is not UTF-8 (save it as CSV UTF-8)")
        return
    if not first.strip():
        yield RowError(1, "", "the file is empty; expected a header row")
        return
    reader = csv.reader(itertools.chain([first], stream), delimiter=_dialect(first))
    try:
        header = next(reader)
    except csv.Error as exc:
        yield RowError(1, "", f"unreadable CSV: {exc}")
        return
    names = [ALIASES.get(h.strip().lower(), h.strip().lower()) for h in header]
    if twice := repeated_column(names):
        yield RowError(1, twice[0], repeated_message(twice))
        return
    missing = [c for c in COLUMNS if c not in names]
    if missing:
        for c in missing:
            yield RowError(1, c, f"missing column (the header needs {', '.join(COLUMNS)})")
        return
    index = {c: names.index(c) for c in COLUMNS}
    seen: dict[str, int] = {}  # reference -> its first row
    d: AsnDelivery | None = None
    seen_rows = 0
    needed = max(index.values()) + 1
    while True:
        # Rows are numbered as a spreadsheet shows them: where the record starts.
        row = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            yield RowError(row, "", f"unreadable CSV: {exc}")
            break
        except NotUtf8 as exc:
            yield RowError(exc.line, "", "the file is not UTF-8 (save it as CSV UTF-8)")
            break
        if not any(c.strip() for c in cells):
            continue
        seen_rows += 1
        if any("\n" in c for c in cells):
            yield RowError(row, "", 'a quote (") is not closed; it swallows later rows')
            continue
        if len(cells) < needed:
            yield RowError(row, "", f"{len(cells)} cells, the header has {len(header)}")
            continue

        def cell(name: str, cells: list[str] = cells) -> str:
            return cells[index[name]].strip()

        ref = cell("reference")
        if not ref:
            yield RowError(row, "reference", "empty")
        elif len(ref) > MAX_REFERENCE:
            yield RowError(row, "reference", f"longer than {MAX_REFERENCE} characters")
        when: date | None = None
        raw_date = cell("expected_date")
        if raw_date:
            try:
                when = date.fromisoformat(raw_date)
            except ValueError:
                yield RowError(
                    row, "expected_date", f"{raw_date[:24]!r} is not a date like 2025-03-31"
                )
        sku = cell("sku")
        if not sku:
            yield RowError(row, "sku", "empty")
        raw_qty = cell("quantity")
        qty = 0
        try:
            qty = read_int(raw_qty, low=None)
            if qty < 1:
                yield RowError(row, "quantity", f"{qty} is not a positive quantity")
            elif qty > MAX_QUANTITY:
                yield RowError(row, "quantity", f"{qty} is more than {MAX_QUANTITY:,}")
        except DomainError:
            yield RowError(row, "quantity", f"{raw_qty[:24]!r} is not a whole number")
        if not ref or len(ref) > MAX_REFERENCE:
            continue
        supplier = cell("supplier")
        if d is None or d.reference != ref:
            if ref in seen:
                yield RowError(
                    row,
                    "reference",
                    f"{ref} is on row {seen[ref]} and again here after another delivery: "
                    "keep the rows of one delivery together",
                )
                continue
            if d is not None:
                yield d
            d = AsnDelivery(ref, supplier, when, row)
            seen[ref] = row
        else:
            if supplier and d.supplier and supplier != d.supplier:
                yield RowError(
                    row,
                    "supplier",
                    f"{supplier!r} differs from {d.supplier!r} on row {d.first_row} "
                    f"for the same reference",
                )
            if when and d.expected_date and when != d.expected_date:
                yield RowError(
                    row,
                    "expected_date",
                    f"{when} differs from {d.expected_date} on row {d.first_row} "
                    f"for the same reference",
                )
            d.supplier = d.supplier or supplier
            d.expected_date = d.expected_date or when
        if sku:
            d.rows.setdefault(sku, row)
        if sku and qty > 0:
            # A SKU listed twice (two cartons) adds up.
            d.lines[sku] = d.lines.get(sku, 0) + qty
    if d is not None:
        yield d
    elif not seen_rows:
        yield RowError(2, "", "no deliveries in the file (only a header)")


def parse_asn(data: bytes) -> tuple[list[AsnDelivery], list[RowError]]:
    """Check the file without a database: (deliveries, problems)."""
    text, errors = _decode(data)
    if errors:
        return [], errors
    deliveries: list[AsnDelivery] = []
    for item in read_asn(io.StringIO(text, newline="")):
        (errors if isinstance(item, RowError) else deliveries).append(item)  # type: ignore[arg-type]
    return deliveries, errors


class NotUtf8(Exception):
    def __init__(self, line: int) -> None:
        self.line = line


class Utf8Lines:
    """Lines of a binary file decoded one at a time: a bad byte names its line."""

    def __init__(self, fh: BinaryIO) -> None:
        self._fh, self._n = fh, 0

    def __iter__(self) -> Utf8Lines:
        return self

    def __next__(self) -> str:
        raw = next(self._fh)
        self._n += 1
        try:
            return raw.decode("utf-8-sig" if self._n == 1 else "utf-8")
        except UnicodeDecodeError:
            raise NotUtf8(self._n) from None

    def readline(self) -> str:
        return next(self, "")
