"""Importing expected deliveries (advance shipping notices) from a supplier CSV.

One row per SKU of a delivery; consecutive rows sharing a ``reference`` form one
delivery. The file is streamed (flat memory however large) and imported in one
transaction: one bad row and nothing is imported, with every problem reported
by row number and column (the first 500 kept). See docs/receiving.md for the format.

Re-importing is safe: a delivery whose lines are unchanged is left alone, one not
yet being received is updated, and one being received or closed is refused.
"""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, BinaryIO, TextIO

from sqlmodel import col, select

from wms_tui.adapters.csv_headers import repeated_column, repeated_message
from wms_tui.domain.actor import Actor
from wms_tui.domain.enums import DeliveryStatus, EventKind, Role
from wms_tui.domain.errors import DomainError
from wms_tui.domain.models import Delivery, DeliveryLine, Product
from wms_tui.domain.numbers import read_int
from wms_tui.domain.receiving import MAX_LINE_UNITS
from wms_tui.domain.text import plural
from wms_tui.services.core import events
from wms_tui.store import Store, UnitOfWork, retrying

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


class AsnImportError(DomainError):
    """The file has problems; nothing was imported. ``errors`` holds the first
    :data:`MAX_ERRORS` of them (a million bad rows are not kept in memory)."""

    def __init__(self, errors: list[RowError], total: int | None = None) -> None:
        self.errors = errors
        n = total if total is not None else len(errors)
        super().__init__(f"{plural(n, 'problem')} in the ASN file; nothing imported")


MAX_ERRORS = 500


class _Problems:
    """Problems in file order, the first MAX_ERRORS kept, all counted."""

    def __init__(self) -> None:
        self.kept: list[RowError] = []
        self.total = 0

    def append(self, error: RowError) -> None:
        self.total += 1
        if len(self.kept) < MAX_ERRORS:
            self.kept.append(error)

    def __bool__(self) -> bool:
        return self.total > 0

    def sorted(self) -> list[RowError]:
        return sorted(self.kept, key=lambda e: (e.row, COLUMNS.index(e.column) if e.column else -1))


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


@dataclass(frozen=True)
class ImportedDelivery:
    reference: str
    supplier: str
    expected_date: date | None
    skus: int
    units: int
    action: str  # new | updated | unchanged


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


def read_asn(stream: TextIO | _Utf8Lines) -> Iterator[AsnDelivery | RowError]:
    """Deliveries and problems, in file order, one delivery in memory at a time.

    The rows of one delivery must be together (as every export writes them);
    a reference that comes back after another is a problem, not a merge, so
    a file of any size is read with flat memory.
    """
    try:
        first = stream.readline()
    except _NotUtf8 as exc:
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
        except _NotUtf8 as exc:
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


class _NotUtf8(Exception):
    def __init__(self, line: int) -> None:
        self.line = line


class _Utf8Lines:
    """Lines of a binary file decoded one at a time: a bad byte names its line."""

    def __init__(self, fh: BinaryIO) -> None:
        self._fh, self._n = fh, 0

    def __iter__(self) -> _Utf8Lines:
        return self

    def __next__(self) -> str:
        raw = next(self._fh)
        self._n += 1
        try:
            return raw.decode("utf-8-sig" if self._n == 1 else "utf-8")
        except UnicodeDecodeError:
            raise _NotUtf8(self._n) from None

    def readline(self) -> str:
        return next(self, "")


@contextmanager
def _text(data: bytes | Path) -> Iterator[Any]:
    """The file as text, streamed from disk when it is a path."""
    if isinstance(data, Path):
        with data.open("rb") as fh:
            yield _Utf8Lines(fh)
        return
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        row = data[: exc.start].count(b"\n") + 1
        raise AsnImportError(
            [RowError(row, "", "the file is not UTF-8 (save it as CSV UTF-8)")]
        ) from None
    yield io.StringIO(text, newline="")


@retrying
def import_asn(
    store: Store, actor: Actor, data: bytes | Path, *, dry_run: bool = False
) -> list[ImportedDelivery]:
    """Import (or with ``dry_run`` only check) an ASN file; raises :class:`AsnImportError`.

    Streamed: each delivery is checked and written as it is read, inside one
    transaction that commits only when the whole file had no problem, so the
    memory used stays flat however large the file.
    """
    actor.require(Role.RECEIVER, Role.SUPERVISOR, action="import expected deliveries")
    problems = _Problems()
    result: list[ImportedDelivery] = []
    products: dict[str, tuple[int, bool]] = {}  # sku -> (id, active): at most the catalogue
    with store.unit_of_work() as uow, _text(data) as stream:
        s = uow.session
        for item in read_asn(stream):
            if isinstance(item, RowError):
                problems.append(item)
                continue
            d = item
            wanted = [sku for sku in d.rows if sku not in products]
            if wanted:
                for sku, pid, active in s.exec(
                    select(Product.sku, Product.id, Product.active).where(
                        col(Product.sku).in_(wanted)
                    )
                ):
                    products[sku] = (pid, active)
            for sku, row in d.rows.items():
                if sku not in products:
                    problems.append(RowError(row, "sku", f"unknown SKU {sku[:40]!r}"))
                elif not products[sku][1]:
                    problems.append(RowError(row, "sku", f"SKU {sku} is not active"))
            old = s.exec(select(Delivery).where(Delivery.reference == d.reference)).first()
            old_lines = _delivery_lines(s, old) if old is not None else {}
            if old is not None:
                status = DeliveryStatus(old.status)
                if status is not DeliveryStatus.EXPECTED and (
                    status is DeliveryStatus.CLOSED or old_lines != d.lines
                ):
                    what = "closed" if status is DeliveryStatus.CLOSED else "already being received"
                    problems.append(
                        RowError(d.first_row, "reference", f"delivery {d.reference} is {what}")
                    )
            if problems:
                continue  # keep checking the rest; nothing will be written
            action = "new"
            if old is not None:
                same = (
                    old_lines == d.lines
                    and old.supplier == d.supplier
                    and old.expected_date == d.expected_date
                )
                if same or DeliveryStatus(old.status) is not DeliveryStatus.EXPECTED:
                    action = "unchanged"
                else:
                    action = "updated"
            result.append(
                ImportedDelivery(
                    d.reference, d.supplier, d.expected_date, len(d.lines), d.units, action
                )
            )
            if dry_run or action == "unchanged":
                continue
            _write(uow, actor, d, old, action, products)
        if problems:
            raise AsnImportError(problems.sorted(), problems.total)
        if not dry_run:
            uow.commit()
    return result


def _write(
    uow: UnitOfWork,
    actor: Actor,
    d: AsnDelivery,
    old: Delivery | None,
    action: str,
    products: dict[str, tuple[int, bool]],
) -> None:
    s = uow.session
    if old is None:
        old = Delivery(reference=d.reference)
    old.supplier = d.supplier
    old.expected_date = d.expected_date
    uow.add(old)
    uow.flush()
    current = {
        ln.product_id: ln
        for ln in s.exec(select(DeliveryLine).where(DeliveryLine.delivery_id == old.id))
    }
    for sku, qty in d.lines.items():
        pid = products[sku][0]
        line = current.pop(pid, None) or DeliveryLine(delivery_id=old.id, product_id=pid)
        line.expected_qty = qty
        uow.add(line)
    for gone in current.values():
        s.delete(gone)
    events.log(
        uow,
        actor,
        EventKind.DELIVERY_IMPORTED,
        delivery_ref=d.reference,
        qty=d.units,
        detail=f"{action}: {plural(len(d.lines), 'SKU')} from {d.supplier or 'unknown supplier'}",
    )
    # Written: let the session forget this delivery's rows (flat memory).
    uow.flush()
    s.expunge_all()


def _delivery_lines(session, d: Delivery) -> dict[str, int]:
    rows = session.exec(
        select(Product.sku, DeliveryLine.expected_qty)
        .join(Product, col(Product.id) == DeliveryLine.product_id)
        .where(DeliveryLine.delivery_id == d.id)
    ).all()
    return {sku: qty for sku, qty in rows if qty > 0}
