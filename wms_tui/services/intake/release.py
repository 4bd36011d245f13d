"""Release: due orders go to picking, and waiting backorders get the stock that arrived.

One use case, :func:`release`, serves ``wms release`` and every terminal's
periodic job (the TUI runs it every minute), so both do the same two things in
the same order:

1. BACKORDERED orders that the stock on hand now covers are allocated, the
   most urgent first by the house ranking (:mod:`wms_tui.services.core.priority`):
   an order that has waited is served before any order released after it can
   take the units;
2. NEW orders past their grace period are allocated (READY_TO_PICK),
   backordered (with a BACKORDER exception) or held when unpaid, the most
   urgent first.

Stock arriving through a put-away, an approved cycle count, a return restocked
to a bin or an adjustment calls :func:`retry_backorders` for the SKUs it
touched inside its own transaction, so the units go to waiting orders at once,
not a minute later.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import String, cast, func
from sqlmodel import Session, col, select

from wms_tui.domain.actor import SYSTEM, Actor
from wms_tui.domain.clock import utcnow
from wms_tui.domain.enums import LocationKind, OrderStatus, Role
from wms_tui.domain.models import Location, Order, OrderLine, Service, Stock
from wms_tui.services.core import priority, settings
from wms_tui.services.inventory import allocation, batch_stock
from wms_tui.store import Store, UnitOfWork, retrying

# Shopify financial statuses that must not ship before someone has looked.
HOLD_FINANCIAL = frozenset(
    {
        "pending",
        "authorized",
        "partially_paid",
        "unpaid",
        "expired",
        "refunded",
        "voided",
        "partially_refunded",
    }
)

# Orders allocated together: one read of their lines and stock, one flush.
RELEASE_CHUNK = 500


@dataclass
class ReleaseResult:
    """What one release did: due orders by outcome, and backorders now allocated."""

    ready: list[str] = field(default_factory=list)
    backordered: list[str] = field(default_factory=list)
    held: list[str] = field(default_factory=list)
    backorders_released: list[str] = field(default_factory=list)

    @property
    def due(self) -> dict[str, list[str]]:
        return {"ready": self.ready, "backordered": self.backordered, "held": self.held}

    @property
    def anything(self) -> bool:
        return bool(self.ready or self.backordered or self.held or self.backorders_released)


@retrying
def release(store: Store, actor: Actor = SYSTEM, now: datetime | None = None) -> ReleaseResult:
    """Retry the backorders stock now covers, then release due orders (module docstring)."""
    actor.require(Role.SUPERVISOR, action="release orders")
    with store.unit_of_work() as uow:
        covered = backorders_stock_covers(uow)
        retried = retry_backorders(uow, actor, locked=lock_orders(uow, covered)) if covered else []
        uow.commit()
    due = release_due_orders(store, actor, now)
    return ReleaseResult(due["ready"], due["backordered"], due["held"], retried)


def backorders_stock_covers(uow: UnitOfWork) -> list[int]:
    """Backordered orders that an allocation now would move on (ids, ascending).

    An order is worth a try when the free units in pickable bins cover every
    unit it still needs, or, for an order that may ship split, when any unit
    it needs is free (what is here ships, the rest is split off). Two queries
    (the waiting lines, the free stock of their products), whatever the
    number of backorders: the periodic job runs this every tick, and an
    order short of one SKU that has a few units free is no longer allocated
    and refused again every minute while it waits. Orders competing for the
    same units may all pass; :func:`retry_backorders` serves them in the house
    ranking and the later ones stay backordered.
    """
    s = uow.session
    lines = s.exec(
        select(
            OrderLine.order_id,
            OrderLine.product_id,
            OrderLine.quantity - OrderLine.qty_short - OrderLine.qty_allocated,
            Order.split_allowed,
        )
        .join(Order, col(Order.id) == OrderLine.order_id)
        .where(Order.status == OrderStatus.BACKORDERED)
    ).all()
    need: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    split: dict[int, bool] = {}
    for order_id, product_id, open_units, split_ok in lines:
        split[order_id] = bool(split_ok)
        wanted = need[order_id]  # an order owing nothing more is allocated at once
        if open_units > 0:
            wanted[product_id] += open_units
    free = _free_units(uow, sorted({pid for wanted in need.values() for pid in wanted}))
    return sorted(
        order_id
        for order_id, wanted in need.items()
        if all(free.get(pid, 0) >= n for pid, n in wanted.items())
        or (split[order_id] and any(free.get(pid, 0) > 0 for pid in wanted))
    )


def _free_units(uow: UnitOfWork, product_ids: list[int]) -> dict[int, int]:
    """Unreserved units per product in the bins allocation takes from
    (``live_stock.candidates_stmt``)."""
    if not product_ids:
        return {}
    rows = uow.session.exec(
        select(Stock.product_id, func.sum(Stock.qty - Stock.allocated))
        .join(Location, col(Location.id) == Stock.location_id)
        .where(
            col(Stock.product_id).in_(product_ids),
            cast(Location.kind, String).in_([LocationKind.PICK.name, LocationKind.BULK.name]),
            col(Location.active).is_(True),
            col(Location.cycle_count_flag).is_(False),
            Stock.qty > Stock.allocated,
        )
        .group_by(col(Stock.product_id))
    ).all()
    return {int(pid): int(n) for pid, n in rows}


def lock_orders(uow: UnitOfWork, order_ids: list[int]) -> list[int]:
    """Lock those of ``order_ids`` still backordered, in id order (the house lock order)."""
    if not order_ids:
        return []
    return list(
        uow.session.exec(
            select(Order.id)
            .where(col(Order.id).in_(order_ids), Order.status == OrderStatus.BACKORDERED)
            .order_by(col(Order.id))
            .with_for_update(of=Order, key_share=True)
        ).all()
    )


def lock_backorders(uow: UnitOfWork, product_ids: set[int] | None = None) -> list[int]:
    """Lock the backordered orders waiting for any of ``product_ids`` (all if None).

    Lock order (docs/architecture.md): orders before stock. A use case that
    adds stock and then releases backorders (put-away, a count, a restock)
    takes these locks *before* it touches any stock row; otherwise two
    put-aways into one bin each hold a stock row the other's allocation
    wants, while waiting for an order the other holds (a deadlock). Locked in
    id order, so two terminals locking overlapping sets queue up instead of
    crossing; a terminal that waits here sees the other's stock once it
    commits, so no backorder is passed over.
    """
    stmt = select(Order.id).where(Order.status == OrderStatus.BACKORDERED)
    if product_ids:
        stmt = stmt.where(
            col(Order.id).in_(
                select(OrderLine.order_id).where(col(OrderLine.product_id).in_(product_ids))
            )
        )
    stmt = stmt.order_by(col(Order.id)).with_for_update(of=Order, key_share=True)
    return list(uow.session.exec(stmt).all())


def retry_backorders(
    uow: UnitOfWork,
    actor: Actor = SYSTEM,
    product_ids: set[int] | None = None,
    *,
    locked: list[int] | None = None,
) -> list[str]:
    """Allocate backordered orders that stock now covers; returns released names.

    Called by receiving after put-away, by the cycle count, by returns after a
    restock, in the same transaction, so the stock that arrives goes to waiting
    orders first, the most urgent by the house ranking
    (:func:`priority.order_by`) first. ``locked``: the orders
    :func:`lock_backorders` locked before the stock moved (otherwise they are
    locked here).
    """
    ids = locked if locked is not None else lock_backorders(uow, product_ids)
    if not ids:
        return []
    # The house ranking decides who gets scarce stock, as it does at release.
    stmt = (
        select(Order)
        .outerjoin(Service, col(Service.id) == Order.service_id)
        .where(col(Order.id).in_(ids), Order.status == OrderStatus.BACKORDERED)
        .order_by(*priority.order_by())
    )
    released: list[str] = []
    for order in uow.session.exec(stmt).all():
        if not allocation.allocate_order(uow, order, actor):
            released.append(order.name)
    return released


def grace_period(uow: UnitOfWork) -> timedelta:
    return timedelta(minutes=settings.get_int(uow.session, "grace_period_minutes"))


def _due(now: datetime):
    return (
        Order.status == OrderStatus.NEW,
        col(Order.release_at).is_not(None),
        col(Order.release_at) <= now,
    )


def count_due(store: Store, now: datetime | None = None) -> int:
    """How many NEW orders are past their grace period (for progress bars)."""
    with store.read() as session:
        return session.exec(
            select(func.count()).select_from(Order).where(*_due(now or utcnow()))
        ).one()


def release_due(
    uow: UnitOfWork,
    actor: Actor = SYSTEM,
    now: datetime | None = None,
    *,
    limit: int | None = None,
    ranked: Sequence[int] | None = None,
) -> dict[str, list[str]]:
    """Release NEW orders past their grace period inside ``uow``, most urgent first.

    Each is allocated (READY_TO_PICK), backordered, or held if unpaid. ``limit``
    caps how many are taken in this transaction. ``ranked``: ids of due orders
    in the house ranking, read before (:func:`release_due_orders` reads the
    ranking once for all its transactions); only those still due are taken.

    The orders are taken in chunks in the house ranking; each chunk's lines,
    candidate stock and reservations are read at once (``batch_stock.BatchStock``)
    and allocated in memory, order by order in that ranking, with exactly the
    rules :func:`allocation.allocate_order` applies to one order (the same
    code), so the result is what releasing them one at a time would give.
    """
    now = now or utcnow()
    result: dict[str, list[str]] = {"ready": [], "backordered": [], "held": []}
    if ranked is None:
        ranked = due_ranking(uow.session, now, limit)
    elif limit is not None:
        ranked = ranked[:limit]
    for start in range(0, len(ranked), RELEASE_CHUNK):
        _release(uow, actor, _due_orders(uow, now, ranked[start : start + RELEASE_CHUNK]), result)
    uow.flush()
    return result


def due_ranking(session: Session, now: datetime, limit: int | None = None) -> list[int]:
    """Ids of the due orders in the house ranking, the most urgent first.

    One sort of every due order: read once per release, not once per batch
    (a backlog of 100 k due orders sorted for every 200 released was the
    largest part of a release).
    """
    stmt = (
        select(Order.id)
        .outerjoin(Service, col(Service.id) == Order.service_id)
        .where(*_due(now))
        .order_by(*priority.order_by())
        .limit(limit)
    )
    return list(session.exec(stmt).all())  # type: ignore[arg-type]


def _due_orders(uow: UnitOfWork, now: datetime, ids: Sequence[int]) -> list[batch_stock.OrderRow]:
    """Those of ``ids`` still due, locked, as plain rows in ``ids``' order (the batch
    writes them back)."""
    table = Order.__table__  # type: ignore[attr-defined]
    stmt = (
        select(*table.columns)
        .where(col(Order.id).in_(ids), *_due(now))
        # PostgreSQL: two terminals releasing at once take different orders
        # (SQLite's BEGIN IMMEDIATE already serialises them).
        .with_for_update(skip_locked=True, key_share=True)
    )
    result = uow.session.connection().execute(stmt)
    keys = tuple(result.keys())
    rows = {row.id: batch_stock.OrderRow(dict(zip(keys, row, strict=True))) for row in result}
    return [rows[i] for i in ids if i in rows]


def _release(
    uow: UnitOfWork,
    actor: Actor,
    orders: list[batch_stock.OrderRow],
    result: dict[str, list[str]],
) -> None:
    held = {o.id for o in orders if o.financial_status.lower() in HOLD_FINANCIAL}
    stock = batch_stock.BatchStock(uow, [o for o in orders if o.id not in held])
    for order in orders:
        if order.id in held:
            order.hold_reason = f"payment {order.financial_status}"
            stock.change_status(order, OrderStatus.ON_HOLD, actor, order.hold_reason)
            result["held"].append(order.name)
            continue
        missing = allocation.allocate_from(stock, order, stock.lines[order.id], actor)
        result["backordered" if missing else "ready"].append(order.name)
    stock.write()


@retrying
def release_due_orders(
    store: Store,
    actor: Actor = SYSTEM,
    now: datetime | None = None,
    *,
    batch_size: int = 200,
    progress: Callable[[int], None] | None = None,
    max_orders: int | None = None,
) -> dict[str, list[str]]:
    """NEW orders past their grace period: allocate, or backorder, or hold if unpaid.

    Works in transactions of ``batch_size`` orders so a big release never holds
    the write lock for long; safe to run from several terminals at once (each
    batch starts with BEGIN IMMEDIATE and re-reads what is still NEW).
    ``progress`` is called with the running count of orders released; at most
    ``max_orders`` are released (the most urgent), the rest stay due.
    """
    actor.require(Role.SUPERVISOR, action="release orders")
    now = now or utcnow()
    result: dict[str, list[str]] = {"ready": [], "backordered": [], "held": []}
    total = 0
    # The ranking is read once and released in batches; then read again for
    # orders that came due meanwhile or that another terminal held locked,
    # until a reading brings nothing to release.
    while max_orders is None or total < max_orders:
        with store.read() as session:
            ranked = due_ranking(session, now, None if max_orders is None else max_orders - total)
        released = 0
        for start in range(0, len(ranked), batch_size):
            with store.unit_of_work() as uow:
                batch = release_due(uow, actor, now, ranked=ranked[start : start + batch_size])
                uow.commit()
            for key, names in batch.items():
                result[key].extend(names)
            done = sum(len(names) for names in batch.values())
            total += done
            released += done
            if progress is not None and done:
                progress(total)
        if not released:
            break
    return result
