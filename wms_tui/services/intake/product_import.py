"""Importing Shopify's products export: every variant becomes a product keyed by SKU.

Same shape as the orders import (see ``order_import``): one write transaction
that parses and writes in batches, commits only a file without errors, and on
the first error rolls back at once and keeps reading only to list every
problem; ``dry_run`` rolls back too.

Per variant: Title -> ``name``, Handle, the first two options (Shopify's
"Title: Default Title" placeholder is dropped by the parser; a third option
only shows in the name), Variant Grams -> ``weight_g`` (kept as it was when the
cell is empty), Variant Barcode -> a unit ``ProductBarcode``. A barcode is only
ever added, never moved or removed: labels with the old code may still be on
stock. A barcode that already belongs to another SKU is a row error.
Re-importing the same file changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import bindparam, insert, update
from sqlmodel import col, select

from wms_tui.adapters.shopify.csv_format import (
    CsvFileError,
    ProductRecord,
    RowError,
    parse_products,
)
from wms_tui.domain.actor import SYSTEM, Actor
from wms_tui.domain.enums import EventKind, Role
from wms_tui.domain.models import Product, ProductBarcode
from wms_tui.services.core import events
from wms_tui.services.core.import_report import ImportReport, Progress, check_readable, tracked
from wms_tui.store import Store, UnitOfWork, retrying

BATCH = 1000
_FIELDS = (
    "name",
    "handle",
    "option1_name",
    "option1_value",
    "option2_name",
    "option2_value",
    "weight_g",
)


@dataclass(frozen=True)
class _Known:
    id: int
    values: tuple


def _values(rec: ProductRecord, weight_g: int) -> dict:
    options = list(rec.options.items())
    (n1, v1), (n2, v2) = (options + [("", ""), ("", "")])[:2]
    name = rec.title if len(options) <= 2 else rec.name
    return {
        "name": name,
        "handle": rec.handle,
        "option1_name": n1,
        "option1_value": v1,
        "option2_name": n2,
        "option2_value": v2,
        "weight_g": weight_g,
    }


class _BarcodeCheck:
    """Barcodes must name one product: across the file and against the store."""

    def __init__(self, owners: dict[str, str]) -> None:
        self.owners = owners  # code -> SKU, from the store
        self.in_file: dict[str, tuple[str, int]] = {}

    def check(self, rec: ProductRecord) -> RowError | None:
        code = rec.barcode
        if code is None:
            return None
        owner = self.owners.get(code)
        if owner is not None and owner != rec.sku:
            return RowError(
                rec.row, "Variant Barcode", f"barcode {code} already belongs to SKU {owner}"
            )
        seen = self.in_file.get(code)
        if seen is not None and seen[0] != rec.sku:
            return RowError(
                rec.row,
                "Variant Barcode",
                f"barcode {code} is also on SKU {seen[0]} (row {seen[1]})",
            )
        self.in_file[code] = (rec.sku, rec.row)
        return None


def _barcode_owners(session) -> dict[str, str]:
    rows = session.exec(
        select(ProductBarcode.code, Product.sku).join(
            Product, col(Product.id) == ProductBarcode.product_id
        )
    )
    return dict(rows.all())


def _parse(path: str | Path, progress: Progress | None, phase: str):
    return tracked(path, parse_products, progress, phase)


@retrying
def import_products(
    store: Store,
    path: str | Path,
    *,
    dry_run: bool = False,
    actor: Actor = SYSTEM,
    progress: Progress | None = None,
) -> ImportReport:
    """Create or update products from a Shopify products export; never raises for bad input."""
    actor.require(Role.SUPERVISOR, action="import products")
    report = ImportReport(path=str(path), kind="products", dry_run=dry_run)
    if problem := check_readable(path):
        report.file_error = problem
        return report
    try:
        with store.unit_of_work() as uow:
            writer = _Writer(uow, report)
            items = _parse(path, progress, "Importing")
            complete = writer.run(items)
            if complete:
                events.log(
                    uow,
                    actor,
                    EventKind.PRODUCTS_IMPORTED,
                    detail=(
                        f"{Path(path).name}: {report.count('created')} created, "
                        f"{report.count('updated')} updated"
                    ),
                )
                if not dry_run:
                    uow.commit()
        if not complete:
            report.discard_results()
            for item in items:
                error = item if isinstance(item, RowError) else writer.barcodes.check(item)
                if error is not None:
                    report.add_error(error)
    except CsvFileError as exc:
        report.file_error = exc.message
    except OSError as exc:
        report.file_error = f"cannot read it: {(exc.strerror or str(exc)).lower()}"
    return report


class _Writer:
    def __init__(self, uow: UnitOfWork, report: ImportReport) -> None:
        self.uow = uow
        self.conn = uow.session.connection()
        self.report = report
        session = uow.session
        self.known: dict[str, _Known] = {
            row[1]: _Known(row[0], tuple(row[2:]))
            for row in session.exec(
                select(Product.id, Product.sku, *(getattr(Product, f) for f in _FIELDS))
            )
        }
        self.barcodes = _BarcodeCheck(_barcode_owners(session))
        self.inserted: set[str] = set()

    def run(self, items: Iterator[ProductRecord | RowError]) -> bool:
        """Write until the end of the file (True) or up to the first error (False)."""
        batch: list[ProductRecord] = []
        for item in items:
            error = item if isinstance(item, RowError) else self.barcodes.check(item)
            if error is not None:
                self.report.add_error(error)
                return False
            batch.append(item)
            if len(batch) >= BATCH:
                self._batch(batch)
                batch = []
        if batch:
            self._batch(batch)
        return True

    def _batch(self, batch: list[ProductRecord]) -> None:
        table = Product.__table__
        new: list[tuple[ProductRecord, dict]] = []
        changed: list[dict] = []
        codes: list[tuple[ProductRecord, int | None]] = []
        for rec in batch:
            self.report.records += 1
            known = self.known.get(rec.sku)
            if known is None:
                values = _values(rec, rec.grams or 0)
                new.append((rec, values))
                continue
            old = dict(zip(_FIELDS, known.values, strict=True))
            values = _values(rec, rec.grams if rec.grams is not None else old["weight_g"])
            if values != old:
                changed.append({"pid": known.id, **values})
                self.known[rec.sku] = _Known(known.id, tuple(values[f] for f in _FIELDS))
                self.report.tally("updated").add(rec.sku)
            else:
                self.report.tally("unchanged").add(rec.sku)
            codes.append((rec, known.id))
        if new:
            rows = [{"sku": rec.sku, **values, **_NEW_DEFAULTS} for rec, values in new]
            ids = self.conn.execute(
                insert(table).returning(table.c.id, sort_by_parameter_order=True), rows
            ).scalars()
            for pid, (rec, values) in zip(ids, new, strict=True):
                self.known[rec.sku] = _Known(pid, tuple(values[f] for f in _FIELDS))
                self.report.tally("created").add(rec.sku)
                codes.append((rec, pid))
        if changed:
            stmt = (
                update(table)
                .where(table.c.id == bindparam("pid"))
                .values({f: bindparam(f) for f in _FIELDS})
            )
            self.conn.execute(stmt, changed)
        fresh: list[dict] = []
        for rec, pid in codes:
            code = rec.barcode
            if code and code not in self.barcodes.owners and code not in self.inserted:
                fresh.append({"code": code, "product_id": pid, "pack_qty": 1})
                self.inserted.add(code)
        if fresh:
            self.conn.execute(insert(ProductBarcode.__table__), fresh)
            self.report.tally("barcodes added").count += len(fresh)


_NEW_DEFAULTS = {
    "length_mm": 0,
    "width_mm": 0,
    "height_mm": 0,
    "fragile": False,
    "zone": "",
    "reorder_point": 0,
    "max_stock": 0,
    "active": True,
}
