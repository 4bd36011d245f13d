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
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import insert
from sqlmodel import col, select

from wms_tui.adapters.shopify.csv_format import CsvFileError, OrderRecord, RowError, parse_orders
from wms_tui.domain.actor import SYSTEM, Actor
from wms_tui.domain.clock import utcnow
from wms_tui.domain.enums import EventKind, ExceptionKind, OrderStatus, Role, TaskStatus
from wms_tui.domain.lifecycle import transition
from wms_tui.domain.models import (
    Event,
    Order,
    OrderLine,
    PickTask,
    PickTaskLine,
    Product,
    Service,
    WmsException,
)
from wms_tui.domain.text import plural
from wms_tui.services.core import events, priority
from wms_tui.services.core.import_report import ImportReport, Progress, check_readable, tracked
from wms_tui.services.intake import release as releasing
from wms_tui.services.intake.shipping_methods import ServiceMatcher
from wms_tui.services.inventory import allocation
from wms_tui.store import Store, UnitOfWork, retrying

BATCH = 500
# Release costs ~5 ms an order; a big import of old orders would otherwise spend
# minutes releasing in the foreground. The rest is left to the terminals' 60 s
# background release and to `wms release`.
RELEASE_AT_IMPORT = 1000

S = OrderStatus
# Where an order may still be changed by a re-import.
EDITABLE = frozenset({S.NEW, S.READY_TO_PICK, S.BACKORDERED})
LATE_FOR_CANCEL = frozenset({S.PACKED, S.DISPATCHED, S.RETURNED})
# Left the building: later changes in the shop (refunds after a return, say) are its business.
GONE = frozenset({S.DISPATCHED, S.RETURNED})
SHIPPED_IN_SHOP = frozenset({"fulfilled", "restocked"})
OPEN_TASK = (TaskStatus.OPEN, TaskStatus.CLAIMED, TaskStatus.PAUSED)

# Fields a re-import may overwrite (not status, priority, locks or the name).
_SHIP_FIELDS = (
    "ship_name",
    "ship_company",
    "ship_address1",
    "ship_address2",
    "ship_city",
    "ship_zip",
    "ship_province",
    "ship_country",
    "ship_phone",
    "shipping_method",
    "carrier_id",
    "service_id",
)
_OTHER_FIELDS = (
    "customer_name",
    "email",
    "phone",
    "notes",
    "gift_message",
    "tags",
    "split_allowed",
    "promised_ship_date",
)


# How the event log names where an order came from.
_CHANNEL_NAMES = {"shopify": "Shopify", "api": "the HTTP API"}


@dataclass(frozen=True)
class _Sku:
    product_id: int
    options: str


def _options_text(n1: str, v1: str, n2: str, v2: str) -> str:
    parts = [f"{n}: {v}" if n else v for n, v in ((n1, v1), (n2, v2)) if v]
    return " / ".join(parts)


def load_skus(session, only: set[str] | None = None) -> dict[str, _Sku]:
    """SKU -> product; all of them for a file, ``only`` those an order names."""
    stmt = select(
        Product.sku,
        Product.id,
        Product.option1_name,
        Product.option1_value,
        Product.option2_name,
        Product.option2_value,
    )
    if only is not None:
        stmt = stmt.where(col(Product.sku).in_(sorted(only)))
    rows = session.exec(stmt)
    return {sku: _Sku(pid, _options_text(n1, v1, n2, v2)) for sku, pid, n1, v1, n2, v2 in rows}


def fingerprint(rec: OrderRecord) -> str:
    """Digest of everything the shop says about an order (row numbers excluded)."""
    parts = [
        rec.name,
        rec.email,
        rec.phone,
        rec.financial_status,
        rec.fulfillment_status,
        rec.shipping_method,
        rec.created_at.isoformat(),
        rec.cancelled_at.isoformat() if rec.cancelled_at else "",
        rec.notes,
        "\x1e".join(f"{k}={v}" for k, v in sorted(rec.note_attributes.items())),
        ",".join(rec.tags),
        *(str(v) for v in (rec.ship_to.name, rec.ship_to.company, rec.ship_to.address1)),
        *(str(v) for v in (rec.ship_to.address2, rec.ship_to.city, rec.ship_to.zip)),
        rec.ship_to.province,
        rec.ship_to.country,
        rec.ship_to.phone,
    ]
    for line in rec.lines:
        parts += [
            line.sku,
            line.name,
            str(line.quantity),
            f"{line.price:.2f}",
            "1" if line.requires_shipping else "0",
        ]
    return hashlib.blake2b("\x1f".join(parts).encode(), digest_size=16).hexdigest()


def _tags(rec: OrderRecord) -> str:
    seen: dict[str, None] = {}
    for tag in rec.tags:
        seen.setdefault(tag.strip().lower(), None)
    return ",".join(t for t in seen if t)


def _parse(path: str | Path, skus: dict[str, _Sku], progress: Progress | None, phase: str):
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


class _Importer:
    def __init__(
        self,
        uow: UnitOfWork,
        report: ImportReport,
        actor: Actor,
        now: datetime,
        *,
        channel: str = "shopify",
        skus: set[str] | None = None,
    ):
        self.uow = uow
        self.session = uow.session
        self.report = report
        self.actor = actor
        self.now = now
        self.channel = channel
        self.skus = load_skus(self.session, skus)
        self.matcher = ServiceMatcher(self.session)
        self.rules = priority.load_rules(self.session)
        self.grace = releasing.grace_period(uow)
        self.cutoffs = {s.id: s.cutoff for s in self.session.exec(select(Service))}
        self._hold = transition(Order(name="(new order)", status=S.NEW), S.ON_HOLD, actor)

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
        existing = {
            o.name: o for o in self.session.exec(select(Order).where(col(Order.name).in_(names)))
        }
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

    @staticmethod
    def _not_created(rec: OrderRecord) -> str:
        if rec.cancelled_at is not None:
            return "cancelled in the shop"
        if rec.fulfillment_status.lower() in SHIPPED_IN_SHOP:
            return "fulfilled in the shop"
        if not any(line.requires_shipping for line in rec.lines):
            return "nothing to ship"
        return ""

    # -- values ----------------------------------------------------------------

    def _values(self, rec: OrderRecord) -> dict:
        ship = rec.ship_to
        method = rec.shipping_method
        match = self.matcher.match(method)
        if method and not match.matched:
            self.report.unmatched_methods[method] += 1
        elif match.how == "carrier":
            self.report.method_guessed(method, match.label)
        tags = _tags(rec)
        created = rec.created_at.astimezone(UTC)
        cutoff = self.cutoffs.get(match.service_id) if match.service_id else None
        return {
            "customer_name": ship.name,
            "email": rec.email,
            "phone": rec.phone or ship.phone,
            "ship_name": ship.name,
            "ship_company": ship.company,
            "ship_address1": ship.address1,
            "ship_address2": ship.address2,
            "ship_city": ship.city,
            "ship_zip": ship.zip,
            "ship_province": ship.province,
            "ship_country": ship.country,
            "ship_phone": ship.phone,
            "shipping_method": method,
            "carrier_id": match.carrier_id,
            "service_id": match.service_id,
            "notes": rec.notes,
            "gift_message": rec.gift_message or "",
            "tags": tags,
            "split_allowed": "split-ok" in tags.split(","),
            "promised_ship_date": priority.ship_day(created, cutoff, self.rules),
            "created_at": created,
            "release_at": created + self.grace,
            "financial_status": rec.financial_status.lower(),
        }

    def _shipping_lines(self, rec: OrderRecord) -> list[dict]:
        return [
            {
                "product_id": self.skus[line.sku].product_id,
                "sku": line.sku,
                "name": line.name,
                "options": self.skus[line.sku].options,
                "quantity": line.quantity,
                "price": line.price,
            }
            for line in rec.lines
            if line.requires_shipping
        ]

    # -- new orders --------------------------------------------------------------

    def _insert(self, new: list[tuple[OrderRecord, str]]) -> None:
        conn = self.session.connection()
        now = self.now
        rows = []
        status_logs: dict[str, dict] = {}
        for rec, digest in new:
            values = self._values(rec)
            values.update(
                name=rec.name,
                channel=self.channel,
                status=S.NEW,
                held_from=None,
                hold_reason="",
                priority=0,
                status_changed_at=now,
                cancelled_at=None,
                source_hash=digest,
                locked_by_operator_id=None,
                locked_terminal="",
                locked_at=None,
                resolution="",
            )
            if values["financial_status"] in releasing.HOLD_FINANCIAL:
                status_logs[rec.name] = self._held_on_arrival(values)
            rows.append(values)
        table = Order.__table__
        # Plain executemany (no RETURNING) is the driver's fast path; one query then
        # fetches the new ids by name.
        conn.execute(insert(table), rows)
        ids = dict(
            conn.execute(
                select(table.c.name, table.c.id).where(table.c.name.in_([r["name"] for r in rows]))
            ).all()
        )
        lines: list[dict] = []
        logs: list[dict] = []
        for rec, _ in new:
            order_id = ids[rec.name]
            shipping = self._shipping_lines(rec)
            for n, line in enumerate(shipping, start=1):
                line.update(
                    order_id=order_id,
                    line_no=n,
                    qty_allocated=0,
                    qty_picked=0,
                    qty_packed=0,
                    qty_short=0,
                    short_reason="",
                    qty_returned=0,
                )
                lines.append(line)
            units = sum(line["quantity"] for line in shipping)
            logs.append(self._log_row(order_id, rec.name, len(shipping), units))
            self.report.tally("created").add(rec.name)
            held = status_logs.get(rec.name)
            if held is not None:
                held["order_id"] = order_id
                logs.append(held)
                self.report.tally("held").add(rec.name)
        if lines:
            conn.execute(insert(OrderLine.__table__), lines)
        conn.execute(insert(Event.__table__), logs)

    def _held_on_arrival(self, values: dict) -> dict:
        """Put a not-yet-inserted order on hold; returns its status log row.

        The life cycle decided once (``self._hold``) what NEW -> ON_HOLD does to an
        order and its log; every unpaid order arriving gets exactly that, without a
        load and an UPDATE per order.
        """
        reason = f"payment {values['financial_status']}"
        probe = self._hold
        values.update(
            status=probe.to_state,
            held_from=probe.from_state,
            hold_reason=reason,
            status_changed_at=self.now,
        )
        row = {c.name: getattr(probe, c.name) for c in Event.__table__.columns if c.name != "id"}
        row.update(at=self.now, order_name=values["name"], detail=reason)
        return row

    def _log_row(self, order_id: int, name: str, n_lines: int, units: int) -> dict:
        return {
            "at": self.now,
            "kind": EventKind.ORDER_IMPORTED,
            "operator_id": self.actor.operator_id,
            "operator_name": self.actor.name,
            "terminal": self.actor.terminal,
            "order_id": order_id,
            "order_name": name,
            "sku": "",
            "qty": units,
            "from_state": "",
            "to_state": S.NEW.value,
            "location": "",
            "detail": f"from {_CHANNEL_NAMES.get(self.channel, self.channel)}: "
            f"{plural(n_lines, 'line')}, {plural(units, 'unit')}",
        }

    def _hold_for_payment(self, order: Order) -> None:
        reason = f"payment {order.financial_status}"
        events.change_status(self.uow, order, S.ON_HOLD, self.actor, detail=reason)
        order.hold_reason = reason
        self.report.tally("held").add(order.name)

    # -- existing orders -----------------------------------------------------------

    def _update(self, order: Order, rec: OrderRecord, digest: str) -> None:
        report, name = self.report, order.name
        status = S(order.status)
        where = S(order.held_from) if status is S.ON_HOLD and order.held_from else status
        order.source_hash = digest
        self.uow.add(order)
        changed = False

        if rec.cancelled_at is not None and status is not S.CANCELLED:
            self._cancel(order, status, where)
            return
        if status is S.CANCELLED:
            report.tally("unchanged").add(name)
            if rec.cancelled_at is None:
                report.note(f"{name} was cancelled here but is still open in the shop")
            return
        if where in GONE:
            # The everyday case: yesterday's orders come back "fulfilled" or refunded.
            # Nothing to compare or re-allocate, so no queries per order.
            changed = self._payment(order, status, where, rec.financial_status.lower())
            report.tally("updated" if changed else "unchanged").add(name)
            return

        values = self._values(rec)
        # Our own arrival time stays: the grace period and ship day were counted from it.
        cutoff = self.cutoffs.get(values["service_id"]) if values["service_id"] else None
        values["promised_ship_date"] = priority.ship_day(order.created_at, cutoff, self.rules)
        values["release_at"] = order.created_at + self.grace
        new_lines = {line["sku"]: line for line in self._shipping_lines(rec)}
        lines = allocation.order_lines(self.uow, order)
        children = self._split_children(order)
        totals: dict[str, int] = {}
        for line in [*lines, *(ln for child in children for ln in self._lines_of(child))]:
            totals[line.sku] = totals.get(line.sku, 0) + line.quantity
        lines_changed = {k: v for k, v in totals.items() if v} != {
            sku: line["quantity"] for sku, line in new_lines.items()
        }
        ship_changed = any(getattr(order, f) != values[f] for f in _SHIP_FIELDS)
        other_changed = any(getattr(order, f) != values[f] for f in _OTHER_FIELDS)

        editable = where in EDITABLE and not self._in_open_task(lines)
        if editable:
            if ship_changed or other_changed:
                for f in (*_SHIP_FIELDS, *_OTHER_FIELDS, "release_at"):
                    setattr(order, f, values[f])
                changed = True
            if lines_changed:
                if children:
                    report.note(
                        f"{name} changed in the shop after it was split: "
                        "lines not updated, check it by hand"
                    )
                else:
                    self._replace_lines(order, status, lines, new_lines)
                    changed = True
            if changed:
                what = [w for w, c in (("lines", lines_changed), ("address", ship_changed)) if c]
                events.log(
                    self.uow,
                    self.actor,
                    EventKind.ORDER_UPDATED,
                    order=order,
                    detail="re-imported" + (f": {', '.join(what)}" if what else ""),
                )
        elif (lines_changed or ship_changed) and where not in GONE:
            what = "lines" if lines_changed else "address or shipping"
            report.note(f"too late to change {name} ({what}): it is already {where.label}")
            report.tally("too late").add(name)
            self._payment(order, status, where, rec.financial_status.lower())
            return

        changed |= self._payment(order, status, where, rec.financial_status.lower())
        if rec.fulfillment_status.lower() in SHIPPED_IN_SHOP and where in EDITABLE:
            report.note(f"{name} is fulfilled in the shop but has not left here: check it")
        report.tally("updated" if changed else "unchanged").add(name)

    def _cancel(self, order: Order, status: S, where: S) -> None:
        name = order.name
        if status in LATE_FOR_CANCEL:
            self.report.note(f"too late to cancel {name}: it is already {status.label}")
            if status is S.PACKED and not self._open_exception(
                order, ExceptionKind.CANCELLED_AFTER_PACK
            ):
                self._exception(
                    order,
                    ExceptionKind.CANCELLED_AFTER_PACK,
                    "cancelled in the shop after packing: stop the parcel",
                )
            self.report.tally("too late").add(name)
            return
        allocation.deallocate_order(self.uow, order, self.actor)
        if where in (S.PICKING, S.PICKED, S.PACKING):
            self._exception(
                order,
                ExceptionKind.OTHER,
                f"cancelled in the shop while {where.label}: put picked units back",
            )
        events.change_status(
            self.uow, order, S.CANCELLED, self.actor, detail="cancelled in the shop"
        )
        self.report.tally("cancelled").add(name)

    def _payment(self, order: Order, status: S, where: S, financial: str) -> bool:
        changed = order.financial_status != financial
        order.financial_status = financial
        wants_hold = financial in releasing.HOLD_FINANCIAL
        if wants_hold and status is not S.ON_HOLD:
            if where in EDITABLE:
                self._hold_for_payment(order)
                return True
            if where not in GONE:
                self.report.note(
                    f"{order.name} is now '{financial}' in the shop "
                    f"but already {where.label}: check it"
                )
        elif not wants_hold and status is S.ON_HOLD and order.hold_reason.startswith("payment"):
            events.change_status(
                self.uow,
                order,
                S(order.held_from or S.NEW),
                self.actor,
                detail=f"payment {financial}",
            )
            self.report.tally("hold lifted").add(order.name)
            return True
        return changed

    def _replace_lines(
        self, order: Order, status: S, lines: list[OrderLine], new_lines: dict[str, dict]
    ) -> None:
        allocation.deallocate_order(self.uow, order, self.actor)
        by_sku = {line.sku: line for line in lines}
        next_no = max((line.line_no for line in lines), default=0) + 1
        for sku, values in new_lines.items():
            line = by_sku.pop(sku, None)
            if line is None:
                self.uow.add(OrderLine(order_id=order.id, line_no=next_no, **values))
                next_no += 1
                continue
            line.quantity = values["quantity"]
            line.price = values["price"]
            line.name = values["name"]
            line.qty_short = min(line.qty_short, line.quantity)
            self.uow.add(line)
        for line in by_sku.values():
            # Kept with quantity 0 rather than deleted: allocations and the log point at it.
            line.quantity = 0
            line.qty_short = 0
            self.uow.add(line)
        self.uow.flush()
        if status in (S.READY_TO_PICK, S.BACKORDERED):
            allocation.allocate_order(self.uow, order, self.actor)
        elif status is S.ON_HOLD and order.held_from in (S.READY_TO_PICK, S.BACKORDERED):
            # Its stock was given back; when the hold is lifted it is released afresh.
            order.held_from = S.NEW
            order.release_at = min(order.release_at or self.now, self.now)

    # -- lookups -----------------------------------------------------------------

    def _lines_of(self, order: Order) -> list[OrderLine]:
        return allocation.order_lines(self.uow, order)

    def _split_children(self, order: Order) -> list[Order]:
        # split_off_shortages names them "<name>-B<n>".
        prefix = order.name.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        return list(
            self.session.exec(
                select(Order).where(
                    col(Order.name).like(f"{prefix}-B%", escape="\\"),
                    Order.status != S.CANCELLED,
                )
            )
        )

    def _in_open_task(self, lines: list[OrderLine]) -> bool:
        ids = [line.id for line in lines]
        if not ids:
            return False
        hit = self.session.exec(
            select(PickTaskLine.id)
            .join(PickTask, col(PickTask.id) == PickTaskLine.task_id)
            .where(col(PickTaskLine.order_line_id).in_(ids), col(PickTask.status).in_(OPEN_TASK))
            .limit(1)
        ).first()
        return hit is not None

    def _open_exception(self, order: Order, kind: ExceptionKind) -> bool:
        return (
            self.session.exec(
                select(WmsException.id).where(
                    WmsException.order_id == order.id,
                    WmsException.kind == kind,
                    col(WmsException.resolved_at).is_(None),
                )
            ).first()
            is not None
        )

    def _exception(self, order: Order, kind: ExceptionKind, message: str) -> None:
        self.uow.add(
            WmsException(
                kind=kind,
                order_id=order.id,
                operator_id=self.actor.operator_id,
                operator_name=self.actor.name,
                terminal=self.actor.terminal,
                message=message,
            )
        )

    # -- one order with a SKU we do not know -----------------------------------

    def hold_unknown(self, rec: OrderRecord, unknown: tuple[str, ...]) -> None:
        reason = f"{UNKNOWN_SKU_HOLD} {', '.join(unknown)}"[:120]
        order = self.session.exec(
            select(Order).where(Order.name == rec.name).with_for_update(key_share=True)
        ).first()
        if order is None:
            if why := self._not_created(rec):
                self.report.tally(f"skipped: {why}").add(rec.name)
                return
            values = self._values(rec)
            values.pop("release_at")
            order = Order(
                name=rec.name,
                channel=self.channel,
                status=S.NEW,
                status_changed_at=self.now,
                release_at=None,
                **values,
            )
            self.uow.add(order)
            self.uow.flush()
            events.log(
                self.uow,
                self.actor,
                EventKind.ORDER_IMPORTED,
                order=order,
                to_state=S.NEW.value,
                detail=f"from {_CHANNEL_NAMES.get(self.channel, self.channel)}: waiting, {reason}",
            )
            self.report.tally("created").add(rec.name)
        status = S(order.status)
        where = S(order.held_from) if status is S.ON_HOLD and order.held_from else status
        if where not in EDITABLE or self._in_open_task(allocation.order_lines(self.uow, order)):
            self.report.note(f"too late to change {rec.name} (lines): it is already {where.label}")
            self.report.tally("too late").add(rec.name)
            return
        # Whatever the shop sends next must be looked at again, even if unchanged.
        order.source_hash = ""
        self.uow.add(order)
        if status is not S.ON_HOLD:
            allocation.deallocate_order(self.uow, order, self.actor)
            events.change_status(self.uow, order, S.ON_HOLD, self.actor, detail=reason)
            order.hold_reason = reason
            if order.held_from in (S.READY_TO_PICK, S.BACKORDERED):
                # Its stock went back; when the hold lifts it is released afresh.
                order.held_from = S.NEW
        elif order.hold_reason.startswith(UNKNOWN_SKU_HOLD):
            if order.hold_reason == reason and self._open_exception(
                order, ExceptionKind.UNKNOWN_SKU
            ):
                # Sent again while still waiting (a replay, the next pull): nothing new.
                self.report.tally("unchanged").add(rec.name)
                return
            order.hold_reason = reason
        if not self._open_exception(order, ExceptionKind.UNKNOWN_SKU):
            self.uow.add(
                WmsException(
                    kind=ExceptionKind.UNKNOWN_SKU,
                    order_id=order.id,
                    sku=unknown[0],
                    operator_id=self.actor.operator_id,
                    operator_name=self.actor.name,
                    terminal=self.actor.terminal,
                    message=f"{rec.name} names {reason}: add the product "
                    "(wms import products); the next sync takes the order in",
                )
            )
        self.report.tally("held").add(rec.name)

    def lift_unknown_hold(self, name: str) -> None:
        """Every SKU of a held order is known now: back where it was, exception resolved."""
        order = self.session.exec(
            select(Order).where(Order.name == name).with_for_update(key_share=True)
        ).first()
        if order is None or order.status != S.ON_HOLD:
            return
        if not order.hold_reason.startswith(UNKNOWN_SKU_HOLD):
            return
        events.change_status(
            self.uow,
            order,
            S(order.held_from or S.NEW),
            self.actor,
            detail="every SKU is known now",
        )
        order.hold_reason = ""
        if order.release_at is None:
            order.release_at = order.created_at + self.grace
        self.uow.add(order)
        for exc in self.session.exec(
            select(WmsException).where(
                WmsException.order_id == order.id,
                WmsException.kind == ExceptionKind.UNKNOWN_SKU,
                col(WmsException.resolved_at).is_(None),
            )
        ):
            exc.resolved_at = self.now
            exc.resolved_by_id = self.actor.operator_id
            self.uow.add(exc)
        self.uow.flush()
        self.report.tally("hold lifted").add(name)


# -- one order at a time --------------------------------------------------------------

UNKNOWN_SKU_HOLD = "unknown SKU"


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
    order_id = uow.session.exec(select(Order.id).where(Order.name == rec.name)).first()
    words = [k for k in report.tallies if report.count(k)]
    return RecordOutcome(
        name=rec.name,
        outcome=", ".join(words) or "unchanged",
        order_id=order_id,
        unknown_skus=unknown,
        notes=tuple(report.notes),
    )
