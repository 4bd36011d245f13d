"""Cycle counts: count a bin blind, show the variance, adjust the ledger on approval.

Bins flagged by a short pick come first. The count is blind (the counter is not
shown what the system expects) and the variance is computed only when the count is
done. Approval writes ADJUSTED movements with the reason, clears the flag, and keeps
reservations honest: when a bin turns out to hold fewer units than are reserved on
it, the orders waiting to be picked from it are re-allocated elsewhere or
backordered; orders already being picked are left alone and the count is refused.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, col, select

from wms_tui.domain.actor import Actor
from wms_tui.domain.enums import (
    OPEN_TASK,
    EventKind,
    ExceptionKind,
    LocationKind,
    MovementReason,
    OrderStatus,
    Role,
)
from wms_tui.domain.errors import Conflict, DomainError, NotFound
from wms_tui.domain.models import (
    Allocation,
    Location,
    Order,
    OrderLine,
    PickTask,
    PickTaskLine,
    Product,
    Service,
    Stock,
    WmsException,
)
from wms_tui.domain.scans import clean_scan
from wms_tui.domain.shown import excerpt
from wms_tui.services.core import events, priority
from wms_tui.services.exceptions.settle import settle
from wms_tui.services.intake import release
from wms_tui.services.inventory import allocation
from wms_tui.services.inventory.stock import get_stock, move_stock
from wms_tui.store import Store, UnitOfWork, retrying

COUNTABLE = (LocationKind.PICK, LocationKind.BULK, LocationKind.QUARANTINE)
COUNT_REASONS: tuple[str, ...] = (
    "Miscounted earlier",
    "Put away to wrong bin",
    "Damaged, removed",
    "Lost or stolen",
    "Found stock",
)
# Reservations on these orders may be moved to other bins after a count.
REALLOCATABLE = (OrderStatus.NEW, OrderStatus.READY_TO_PICK, OrderStatus.BACKORDERED)


@dataclass(frozen=True)
class CountBin:
    bin: str
    zone: str
    kind: str
    flagged: bool
    flag_reason: str
    skus: int


@dataclass(frozen=True)
class Variance:
    sku: str
    name: str
    system: int
    counted: int
    allocated: int

    @property
    def diff(self) -> int:
        return self.counted - self.system


@dataclass(frozen=True)
class CountResult:
    bin: str
    adjustments: tuple[Variance, ...]
    reallocated: tuple[str, ...]
    backordered: tuple[str, ...]
    released: tuple[str, ...]


def _countable(session: Session, code: str, *, lock: bool = False) -> Location:
    scanned = clean_scan(code)
    if not scanned:
        raise DomainError("Scan a bin")
    stmt = select(Location).where(Location.code == scanned.upper())
    loc = session.exec(stmt.with_for_update(key_share=True) if lock else stmt).first()
    if loc is None:
        raise NotFound(f"Unknown bin {excerpt(scanned)}")
    kind = LocationKind(loc.kind)
    if kind not in COUNTABLE:
        raise DomainError(f"{loc.code} is a {kind.value} location: count storage or quarantine")
    return loc


def _bin_info(session: Session, loc: Location) -> CountBin:
    skus = session.exec(
        select(func.count()).select_from(Stock).where(Stock.location_id == loc.id, Stock.qty > 0)
    ).one()
    return CountBin(
        bin=loc.code,
        zone=loc.zone,
        kind=str(loc.kind),
        flagged=loc.cycle_count_flag,
        flag_reason=loc.cycle_count_reason,
        skus=int(skus),
    )


def bins_to_count(store: Store, *, text: str = "", limit: int = 300) -> list[CountBin]:
    """Flagged bins first (a short pick suspects them), then the rest by code."""
    needle = clean_scan(text).upper()
    with store.read() as s:
        stmt = (
            select(Location)
            .where(col(Location.kind).in_(COUNTABLE), col(Location.active).is_(True))
            .order_by(col(Location.cycle_count_flag).desc(), col(Location.code))
            .limit(limit)
        )
        if needle:
            stmt = stmt.where(col(Location.code).like(f"%{needle}%"))
        return [_bin_info(s, loc) for loc in s.exec(stmt).all()]


def start_count(store: Store, actor: Actor, bin_code: str) -> CountBin:
    actor.require(Role.SUPERVISOR, action="count bins")
    with store.read() as s:
        return _bin_info(s, _countable(s, bin_code))


def _variances(session: Session, loc: Location, counted: Mapping[str, int]) -> list[Variance]:
    for sku, n in counted.items():
        if n < 0:
            raise DomainError(f"Count for {sku} must be 0 or more (got {n})")
    rows = session.exec(
        select(Stock, Product)
        .join(Product, col(Product.id) == Stock.product_id)
        .where(Stock.location_id == loc.id, Stock.qty > 0)
    ).all()
    system = {p.sku: (p, st) for st, p in rows}
    out: dict[str, Variance] = {}
    for sku, (p, st) in system.items():
        out[sku] = Variance(sku, p.name, st.qty, counted.get(sku, 0), st.allocated)
    for sku, n in counted.items():
        if sku in out:
            continue
        p = session.exec(select(Product).where(Product.sku == sku)).first()
        if p is None:
            raise NotFound(f"Unknown SKU {excerpt(sku)}")
        st = get_stock(session, p.id, loc.id)
        out[sku] = Variance(sku, p.name, st.qty if st else 0, n, st.allocated if st else 0)
    return sorted(out.values(), key=lambda v: v.sku)


def count_variance(
    store: Store, actor: Actor, bin_code: str, counted: Mapping[str, int]
) -> list[Variance]:
    """Counted vs system for every SKU in the bin or counted in it."""
    actor.require(Role.SUPERVISOR, action="count bins")
    with store.read() as s:
        return _variances(s, _countable(s, bin_code), counted)


def _free_reservations(
    uow: UnitOfWork, actor: Actor, loc: Location, product: Product, units: int
) -> list[Order]:
    """Release reservations on ``loc`` so ``units`` more can be taken; returns the orders."""
    rows = uow.session.exec(
        select(Allocation, OrderLine, Order)
        .join(OrderLine, col(OrderLine.id) == Allocation.order_line_id)
        .join(Order, col(Order.id) == OrderLine.order_id)
        .outerjoin(Service, col(Service.id) == Order.service_id)
        .where(
            Allocation.location_id == loc.id,
            Allocation.product_id == product.id,
            Allocation.qty > Allocation.qty_picked,
        )
        # the least urgent orders (house ranking) lose their reservation first
        .order_by(*priority.order_by(least_urgent_first=True), col(Allocation.id))
    ).all()
    orders: list[Order] = []
    freed = 0
    for alloc, _line, order in rows:
        if freed >= units:
            break
        if order in orders:
            continue
        if OrderStatus(order.status) not in REALLOCATABLE:
            raise Conflict(
                f"{product.sku} in {loc.code} is reserved for {order.name} "
                f"({OrderStatus(order.status).label}): count again after it is picked"
            )
        task = _open_task_for(uow.session, alloc)
        if task is not None:
            # A waved order is still "ready to pick", but its stop names this reservation:
            # taken away, the picker's stop could never be picked ("not reserved for…")
            # and the task's other orders stayed PICKING for good.
            raise Conflict(
                f"{product.sku} in {loc.code} is reserved for {order.name} "
                f"(on pick task {task}): count again after it is picked"
            )
        freed += alloc.qty - alloc.qty_picked
        orders.append(order)
    for order in orders:
        allocation.deallocate_order(uow, order, actor)
    return orders


def _open_task_for(s: Session, alloc: Allocation) -> str | None:
    """The code of the unfinished pick task with a stop still to pick from ``alloc``."""
    return s.exec(
        select(PickTask.code)
        .join(PickTaskLine, col(PickTaskLine.task_id) == PickTask.id)
        .where(
            PickTaskLine.allocation_id == alloc.id,
            col(PickTaskLine.done).is_(False),
            col(PickTask.status).in_(OPEN_TASK),
        )
    ).first()


def _short_pick_orders(s: Session, loc: Location) -> list[int]:
    return [
        oid
        for oid in s.exec(
            select(WmsException.order_id).where(
                # A missing unit at packing flags the bin it was picked from too.
                col(WmsException.kind).in_([ExceptionKind.SHORT_PICK, ExceptionKind.MISSING_UNIT]),
                WmsException.location == loc.code,
                col(WmsException.resolved_at).is_(None),
            )
        ).all()
        if oid is not None
    ]


def _ranked(uow: UnitOfWork, orders: list[Order]) -> list[Order]:
    if not orders:
        return []
    return list(
        uow.session.exec(
            select(Order)
            .outerjoin(Service, col(Service.id) == Order.service_id)
            .where(col(Order.id).in_([o.id for o in orders]))
            .order_by(*priority.order_by())
        ).all()
    )


@retrying
def approve_count(
    store: Store,
    actor: Actor,
    bin_code: str,
    counted: Mapping[str, int],
    *,
    reason: str = "",
    expected: Mapping[str, int] | None = None,
) -> CountResult:
    """Adjust the bin to the count (with ``reason`` when anything differs).

    ``expected`` is the system quantity per SKU that the supervisor saw when
    approving; if stock moved since, the count is refused and must be redone.
    """
    actor.require(Role.SUPERVISOR, action="adjust stock")
    why = reason.strip()
    with store.unit_of_work() as uow:
        s = uow.session
        loc = _countable(s, bin_code, lock=True)
        variances = _variances(s, loc, counted)
        if expected is not None:
            for v in variances:
                if v.sku in expected and expected[v.sku] != v.system:
                    raise Conflict(
                        f"{v.sku} in {loc.code} changed while counting "
                        f"({expected[v.sku]} → {v.system}): count again"
                    )
        changes = [v for v in variances if v.diff != 0]
        if changes and not why:
            raise DomainError("Give a reason for the adjustment")
        reference = f"count {loc.code}: {why}" if why else f"count {loc.code}"
        touched: list[Order] = []
        grown: set[int] = set()
        for v in changes:
            product = s.exec(select(Product).where(Product.sku == v.sku)).one()
            if v.diff > 0:
                move_stock(
                    uow, actor, product, v.diff,
                    from_loc=None, to_loc=loc,
                    reason=MovementReason.ADJUSTED, reference=reference,
                )  # fmt: skip
                grown.add(product.id)
                continue
            st = get_stock(s, product.id, loc.id)
            assert st is not None
            short_of_free = -v.diff - (st.qty - st.allocated)
            if short_of_free > 0:
                touched += _free_reservations(uow, actor, loc, product, short_of_free)
            move_stock(
                uow, actor, product, -v.diff,
                from_loc=loc, to_loc=None,
                reason=MovementReason.ADJUSTED, reference=reference,
            )  # fmt: skip
        uow.flush()
        reallocated: list[str] = []
        backordered: list[str] = []
        # Re-allocate in the order allocation itself uses: the house ranking.
        for order in _ranked(uow, touched):
            if allocation.allocate_order(uow, order, actor):
                backordered.append(order.name)
            else:
                reallocated.append(order.name)
        was_flagged = loc.cycle_count_flag
        loc.cycle_count_flag = False
        loc.cycle_count_reason = ""
        uow.add(loc)
        uow.flush()
        if was_flagged:
            # A flagged bin's units were kept from allocation until this count;
            # with the flag cleared they serve waiting backorders too, even when
            # the count found exactly what the system said.
            grown |= set(
                s.exec(
                    select(Stock.product_id).where(Stock.location_id == loc.id, Stock.qty > 0)
                ).all()
            )
        released = release.retry_backorders(uow, actor, grown) if grown else []
        uow.flush()
        # The short picks and missing units that sent this bin to be counted close
        # once their order goes on.
        settle(uow, actor, _short_pick_orders(s, loc))
        summary = "; ".join(f"{v.sku} {v.system}→{v.counted}" for v in changes) or "no variance"
        events.log(
            uow,
            actor,
            EventKind.CYCLE_COUNT,
            location=loc.code,
            detail=f"{summary}"
            + (f" ({why})" if changes else "")
            + (" · flag cleared" if was_flagged else ""),
        )
        uow.commit()
    return CountResult(
        bin=loc.code,
        adjustments=tuple(changes),
        reallocated=tuple(reallocated),
        backordered=tuple(backordered),
        released=tuple(released),
    )
