"""Importing Shopify's orders export: create, update, cancel and hold orders.

All or nothing, in one pass over the file
    One write transaction (BEGIN IMMEDIATE) reads the SKUs and existing orders,
    parses the file and writes as it goes, and commits only when the whole file was
    read without a single row error. On the first error it rolls back at once,
    which also gives the write lock back to the floor, and then keeps reading the
    file without the database, only to list every problem (row, column, reason).
    ``dry_run`` does everything, including the release of due orders, and rolls
    back, so it shows exactly what a real run would do.

    Why not a checking pass first and a writing pass after: the file would be
    parsed twice (1.4 s of the 10 s budget for 100,000 lines), and the second pass
    would need all the checks again anyway, because the store can change between
    the passes. A good file holds the lock for the same time either way; a bad one
    holds it only until its first bad row.

Bounded memory
    Records stream from the parser in batches of ``BATCH`` orders. Per batch: one
    query for the existing orders of those names, one multi-row INSERT for new
    orders, one query for their ids, one INSERT for their lines and one for their
    log rows. Lookups are preloaded once: SKU -> product, shipping method ->
    service. The report keeps counts and a few sample names, not every order.

What a row of the file does to the store
    - new order: created NEW with ``release_at = created_at + grace``; unpaid or
      refunded (see ``release.HOLD_FINANCIAL``) -> ON_HOLD "payment <status>".
      Not created: orders cancelled or fulfilled in the shop before they got here,
      and orders with nothing to ship (gift cards only).
    - same content as last time (``Order.source_hash``): nothing at all.
    - changed, and not yet picked (NEW, READY_TO_PICK, BACKORDERED, or held from
      one of those, and in no open pick task): fields and lines updated; an
      allocated order gives its stock back and is allocated again.
    - changed after picking started: not applied; the summary says "too late".
    - ``Cancelled at``: deallocated and CANCELLED if not yet packed; once packed
      the summary says it is too late and a CANCELLED_AFTER_PACK exception asks a
      supervisor to stop the parcel.
    - financial status turning unpaid/refunded: ON_HOLD; back to paid lifts only
      a payment hold (never a supervisor's hold).
    Lines that need no shipping (gift cards, digital goods) are not imported.

One order at a time (``import_record``)
    The Admin API pull, the shop's webhooks and the HTTP API hand in one
    ``OrderRecord`` each (``adapters/shopify/order_shapes.py`` builds them) and
    the same rules above apply to it, inside the caller's unit of work, so
    every order is all or nothing on its own. One rule differs from the file:
    an unknown SKU cannot refuse a file nobody is watching, so the order is
    taken in ON_HOLD with no lines ("unknown SKU X"), an UNKNOWN_SKU exception
    names the SKU, and the next import of the order once the product exists
    lifts the hold (``source_hash`` is left empty so that import is not
    mistaken for "unchanged").

Where each part lives
    This module drives an import (a file, or one record). What a record
    becomes and what every step reads: ``order_records``; a batch of new
    orders: ``new_orders``; an order seen before: ``order_updates``; an order
    naming an unknown SKU: ``unknown_skus``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path

from sqlalchemy import bindparam
from sqlmodel import col, select

from wms_tui.adapters.shopify.csv_format import CsvFileError, OrderRecord, RowError, parse_orders
from wms_tui.domain.actor import SYSTEM, Actor
from wms_tui.domain.clock import utcnow
from wms_tui.domain.enums import Role
from wms_tui.domain.models import Order
from wms_tui.services.core.import_report import ImportReport, Progress, check_readable, tracked
from wms_tui.services.intake import release as releasing
from wms_tui.services.intake.new_orders import NewOrders
from wms_tui.services.intake.order_records import KnownSku, fingerprint
from wms_tui.services.intake.order_updates import OrderUpdates
from wms_tui.services.intake.unknown_skus import UnknownSkus
from wms_tui.store import Store, UnitOfWork, retrying

BATCH = 500
# Release costs ~5 ms an order; a big import of old orders would otherwise spend
# minutes releasing in the foreground. The rest is left to the terminals' 60 s
# background release and to `wms release`.
RELEASE_AT_IMPORT = 1000


# Built once: the order API imports one order a call, and building a select cost
# more than running it (docs/performance.md).


@cache
def _orders_named():
    return select(Order).where(col(Order.name).in_(bindparam("names", expanding=True)))


@cache
def _order_id_named():
    return select(Order.id).where(Order.name == bindparam("name"))


def _parse(path: str | Path, skus: dict[str, KnownSku], progress: Progress | None, phase: str):
    known: Callable[[str], bool] = skus.__contains__
    return tracked(path, lambda fh: parse_orders(fh, known_skus=known), progress, phase)


@retrying
def import_orders(
    store: Store,
    path: str | Path,
    *,
    dry_run: bool = False,
    actor: Actor = SYSTEM,
    progress: Progress | None = None,
    release: bool = True,
    release_limit: int | None = RELEASE_AT_IMPORT,
) -> ImportReport:
    """Import a Shopify orders export; see the module docstring. Never raises for bad input.

    At the end, due orders are released, the most urgent first, at most
    ``release_limit`` of them (None: all); ``report.still_due`` says how many
    more are due, for ``wms release`` or the terminals' background release.
    """
    actor.require(Role.SUPERVISOR, action="import orders")
    report = ImportReport(path=str(path), kind="orders", dry_run=dry_run)
    if problem := check_readable(path):
        report.file_error = problem
        return report
    now = utcnow()
    try:
        with store.unit_of_work() as uow:
            importer = _Importer(uow, report, actor, now)
            items = _parse(path, importer.skus, progress, "Importing")
            complete = importer.run(items)
            if complete and dry_run and release:
                report.released = releasing.release_due(uow, actor, now, limit=release_limit)
            if complete and not dry_run:
                uow.commit()
        # Rolled back (and unlocked) here unless committed above.
        if not complete:
            report.discard_results()
            for item in items:
                if isinstance(item, RowError):
                    report.add_error(item)
            return report
    except CsvFileError as exc:
        report.file_error = exc.message
        return report
    except OSError as exc:
        report.file_error = f"cannot read it: {(exc.strerror or str(exc)).lower()}"
        return report
    if dry_run:
        return report
    if release:
        due = releasing.count_due(store, now)
        limit = due if release_limit is None else min(due, release_limit)
        tick: Callable[[int], None] | None = None
        if progress is not None:

            def tick(n: int) -> None:
                progress("Releasing", n, max(limit, n))

        report.released = releasing.release_due_orders(
            store, actor, now, progress=tick, max_orders=limit
        )
        report.still_due = max(0, due - sum(map(len, report.released.values())))
    return report


class _Importer(NewOrders, OrderUpdates, UnknownSkus):
    """One import: the steps of the modules above, driven a batch at a time."""

    # -- driving ---------------------------------------------------------------

    def run(self, items: Iterator[OrderRecord | RowError]) -> bool:
        """Write until the end of the file (True) or up to the first row error (False)."""
        batch: list[OrderRecord] = []
        for item in items:
            if isinstance(item, RowError):
                self.report.add_error(item)
                return False
            batch.append(item)
            if len(batch) >= BATCH:
                self._batch(batch)
                batch = []
        if batch:
            self._batch(batch)
        return True

    def _batch(self, batch: list[OrderRecord]) -> None:
        names = [rec.name for rec in batch]
        existing = {o.name: o for o in self.session.exec(_orders_named(), params={"names": names})}
        new: list[tuple[OrderRecord, str]] = []
        for rec in batch:
            self.report.records += 1
            self.report.lines += len(rec.lines)
            digest = fingerprint(rec)
            order = existing.get(rec.name)
            if order is None:
                reason = self._not_created(rec)
                if reason:
                    self.report.tally(f"skipped: {reason}").add(rec.name)
                else:
                    new.append((rec, digest))
            elif order.source_hash == digest:
                self.report.tally("unchanged").add(rec.name)
            else:
                self._update(order, rec, digest)
        if new:
            self._insert(new)
        self.session.flush()
        # Updated orders were flushed; forget them so memory stays flat.
        self.session.expunge_all()


# -- one order at a time --------------------------------------------------------------


@dataclass(frozen=True)
class RecordOutcome:
    """What importing one order did: ``outcome`` is the import report's word(s)."""

    name: str
    outcome: str  # created | updated | unchanged | held | cancelled | too late | skipped: …
    order_id: int | None
    unknown_skus: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def held_for_unknown_sku(self) -> bool:
        return bool(self.unknown_skus)


def import_record(
    uow: UnitOfWork,
    rec: OrderRecord,
    *,
    actor: Actor = SYSTEM,
    channel: str = "shopify",
    now: datetime | None = None,
) -> RecordOutcome:
    """Create, update or cancel one order inside ``uow`` (the caller commits).

    The rules of a file import (module docstring), for one record; an unknown
    SKU holds the order instead of refusing it. Raises nothing for the shop's
    data; a ``DomainError`` only where the life cycle refuses.
    """
    report = ImportReport(path="", kind="orders")
    wanted = {line.sku for line in rec.lines if line.sku}
    importer = _Importer(uow, report, actor, now or utcnow(), channel=channel, skus=wanted)
    unknown = tuple(
        sorted({ln.sku for ln in rec.lines if ln.requires_shipping and ln.sku not in importer.skus})
    )
    if unknown and rec.cancelled_at is None:
        importer.hold_unknown(rec, unknown)
    else:
        unknown = ()
        importer.lift_unknown_hold(rec.name)
        importer.run(iter([rec]))
    order_id = uow.session.exec(_order_id_named(), params={"name": rec.name}).first()
    words = [k for k in report.tallies if report.count(k)]
    return RecordOutcome(
        name=rec.name,
        outcome=", ".join(words) or "unchanged",
        order_id=order_id,
        unknown_skus=unknown,
        notes=tuple(report.notes),
    )
