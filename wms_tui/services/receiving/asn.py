"""Importing expected deliveries (advance shipping notices) from a supplier CSV.

One row per SKU of a delivery; rows sharing a ``reference`` form one delivery. The
whole file is checked first and imported in one transaction: one bad row and
nothing is imported, with every problem reported by row number and column. See
docs/receiving.md for the format.

Re-importing is safe: a delivery whose lines are unchanged is left alone, one not
yet being received is updated, and one being received or closed is refused.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlmodel import col, select

from wms_tui.adapters.csv_headers import repeated_column, repeated_message
from wms_tui.domain.actor import Actor
from wms_tui.domain.enums import DeliveryStatus, EventKind, Role
from wms_tui.domain.errors import DomainError
from wms_tui.domain.models import Delivery, DeliveryLine, Product
from wms_tui.domain.numbers import read_int
from wms_tui.domain.text import plural
from wms_tui.services.core import events
from wms_tui.store import Store, retrying

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
MAX_QUANTITY = 1_000_000


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        where = f"row {self.row}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.reason}"


class AsnImportError(DomainError):
    """The file has problems; nothing was imported."""

    def __init__(self, errors: list[RowError]) -> None:
        self.errors = errors
        n = len(errors)
        super().__init__(f"{plural(n, 'problem')} in the ASN file; nothing imported")


@dataclass
class AsnDelivery:
    reference: str
    supplier: str
    expected_date: date | None
    first_row: int
    lines: dict[str, int] = field(default_factory=dict)  # sku -> quantity
    rows: dict[str, int] = field(default_factory=dict)  # sku -> first row, for errors
    # every (row, sku) named, even on rows with other problems: all get checked
    sku_rows: list[tuple[int, str]] = field(default_factory=list)

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


def _dialect(text: str) -> str:
    first = text.split("\n", 1)[0]
    # Spreadsheets in Sweden and Germany save "CSV" with semicolons.
    if first.count(";") > first.count(","):
        return ";"
    return ","


def parse_asn(data: bytes) -> tuple[list[AsnDelivery], list[RowError]]:
    """Check the file without a database: (deliveries, problems)."""
    text, errors = _decode(data)
    if errors:
        return [], errors
    if not text.strip():
        return [], [RowError(1, "", "the file is empty; expected a header row")]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_dialect(text))
    try:
        header = next(reader)
    except csv.Error as exc:
        return [], [RowError(1, "", f"unreadable CSV: {exc}")]
    names = [ALIASES.get(h.strip().lower(), h.strip().lower()) for h in header]
    if twice := repeated_column(names):
        return [], [RowError(1, twice[0], repeated_message(twice))]
    missing = [c for c in COLUMNS if c not in names]
    if missing:
        return [], [
            RowError(1, c, f"missing column (the header needs {', '.join(COLUMNS)})")
            for c in missing
        ]
    index = {c: names.index(c) for c in COLUMNS}
    deliveries: dict[str, AsnDelivery] = {}
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
            errors.append(RowError(row, "", f"unreadable CSV: {exc}"))
            break
        if not any(c.strip() for c in cells):
            continue
        seen_rows += 1
        if any("\n" in c for c in cells):
            errors.append(RowError(row, "", 'a quote (") is not closed; it swallows later rows'))
            continue
        if len(cells) < needed:
            errors.append(RowError(row, "", f"{len(cells)} cells, the header has {len(header)}"))
            continue

        def cell(name: str, cells: list[str] = cells) -> str:
            return cells[index[name]].strip()

        ref = cell("reference")
        if not ref:
            errors.append(RowError(row, "reference", "empty"))
        elif len(ref) > MAX_REFERENCE:
            errors.append(RowError(row, "reference", f"longer than {MAX_REFERENCE} characters"))
        when: date | None = None
        raw_date = cell("expected_date")
        if raw_date:
            try:
                when = date.fromisoformat(raw_date)
            except ValueError:
                errors.append(
                    RowError(row, "expected_date", f"{raw_date!r} is not a date like 2025-03-31")
                )
        sku = cell("sku")
        if not sku:
            errors.append(RowError(row, "sku", "empty"))
        raw_qty = cell("quantity")
        qty = 0
        try:
            qty = read_int(raw_qty, low=None)
            if qty < 1:
                errors.append(RowError(row, "quantity", f"{qty} is not a positive quantity"))
            elif qty > MAX_QUANTITY:
                errors.append(RowError(row, "quantity", f"{qty} is more than {MAX_QUANTITY:,}"))
        except DomainError:
            errors.append(RowError(row, "quantity", f"{raw_qty!r} is not a whole number"))
        if not ref or len(ref) > MAX_REFERENCE:
            continue
        supplier = cell("supplier")
        d = deliveries.get(ref)
        if d is None:
            d = deliveries[ref] = AsnDelivery(ref, supplier, when, row)
        else:
            if supplier and d.supplier and supplier != d.supplier:
                errors.append(
                    RowError(
                        row,
                        "supplier",
                        f"{supplier!r} differs from {d.supplier!r} on row {d.first_row} "
                        f"for the same reference",
                    )
                )
            if when and d.expected_date and when != d.expected_date:
                errors.append(
                    RowError(
                        row,
                        "expected_date",
                        f"{when} differs from {d.expected_date} on row {d.first_row} "
                        f"for the same reference",
                    )
                )
            d.supplier = d.supplier or supplier
            d.expected_date = d.expected_date or when
        if sku:
            d.sku_rows.append((row, sku))
        if sku and qty > 0:
            # A SKU listed twice (two cartons) adds up.
            d.lines[sku] = d.lines.get(sku, 0) + qty
            d.rows.setdefault(sku, row)
    if not seen_rows and not errors:
        errors.append(RowError(2, "", "no deliveries in the file (only a header)"))
    return list(deliveries.values()), errors


@retrying
def import_asn(
    store: Store, actor: Actor, data: bytes | Path, *, dry_run: bool = False
) -> list[ImportedDelivery]:
    """Import (or with ``dry_run`` only check) an ASN file; raises :class:`AsnImportError`."""
    actor.require(Role.RECEIVER, Role.SUPERVISOR, action="import expected deliveries")
    raw = data.read_bytes() if isinstance(data, Path) else data
    parsed, errors = parse_asn(raw)
    result: list[ImportedDelivery] = []
    with store.unit_of_work() as uow:
        s = uow.session
        skus = {sku for d in parsed for _, sku in d.sku_rows}
        products = {
            p.sku: p for p in s.exec(select(Product).where(col(Product.sku).in_(skus))).all()
        }
        for d in parsed:
            for row, sku in d.sku_rows:
                if sku not in products:
                    errors.append(RowError(row, "sku", f"unknown SKU {sku!r}"))
                elif not products[sku].active:
                    errors.append(RowError(row, "sku", f"SKU {sku} is not active"))
        existing = {
            x.reference: x
            for x in s.exec(
                select(Delivery).where(col(Delivery.reference).in_([d.reference for d in parsed]))
            ).all()
        }
        for d in parsed:
            old = existing.get(d.reference)
            if old is None:
                continue
            status = DeliveryStatus(old.status)
            if status is DeliveryStatus.EXPECTED:
                continue
            old_lines = _delivery_lines(s, old)
            if status is DeliveryStatus.CLOSED or old_lines != d.lines:
                what = "closed" if status is DeliveryStatus.CLOSED else "already being received"
                errors.append(
                    RowError(d.first_row, "reference", f"delivery {d.reference} is {what}")
                )
        if errors:
            errors.sort(key=lambda e: (e.row, COLUMNS.index(e.column) if e.column else -1))
            raise AsnImportError(errors)
        for d in parsed:
            lines = d.lines
            old = existing.get(d.reference)
            action = "new"
            if old is not None:
                same = (
                    _delivery_lines(s, old) == lines
                    and old.supplier == d.supplier
                    and old.expected_date == d.expected_date
                )
                if same or DeliveryStatus(old.status) is not DeliveryStatus.EXPECTED:
                    action = "unchanged"
                else:
                    action = "updated"
            result.append(
                ImportedDelivery(
                    d.reference, d.supplier, d.expected_date, len(lines), sum(lines.values()),
                    action,
                )
            )  # fmt: skip
            if dry_run or action == "unchanged":
                continue
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
            for sku, qty in lines.items():
                pid = products[sku].id
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
                qty=sum(lines.values()),
                detail=f"{action}: {plural(len(lines), 'SKU')} from "
                f"{d.supplier or 'unknown supplier'}",
            )
        if not dry_run:
            uow.commit()
    return result


def _delivery_lines(session, d: Delivery) -> dict[str, int]:
    rows = session.exec(
        select(Product.sku, DeliveryLine.expected_qty)
        .join(Product, col(Product.id) == DeliveryLine.product_id)
        .where(DeliveryLine.delivery_id == d.id)
    ).all()
    return {sku: qty for sku, qty in rows if qty > 0}
