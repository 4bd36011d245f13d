"""Short picks: the bin holds fewer units than the stop asks for.

The picker picks what is there, then reports the rest short with a reason.
The reservation on the bin is given back and the bin flagged for a cycle
count (allocation skips flagged bins until they are counted). The rest is
re-allocated from other bins (``allocation.reserve`` excluding this bin and
other flagged bins) and becomes new stops, each put where it adds the least
walking to what is left of the route. What no bin can supply is split off
into a backordered order when the order may ship split; otherwise the whole
order becomes BACKORDERED (its picked units stay in its tote and the tote
goes to the supervisor). Either way a SHORT_PICK exception says who, where
and what.

With reason "empty" every stop of the task still waiting on that bin for the
same SKU is shorted at once: an empty bin is empty for every tote.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from wms_tui.domain.actor import Actor
from wms_tui.domain.enums import EventKind, ExceptionKind, OrderStatus
from wms_tui.domain.errors import DomainError
from wms_tui.domain.models import (
    Allocation,
    Location,
    Order,
    OrderLine,
    PickTaskLine,
    WmsException,
)
from wms_tui.services.core import events
from wms_tui.services.core.clock import warehouse_zone
from wms_tui.services.inventory import allocation, backorder_split
from wms_tui.services.inventory import stock as inventory
from wms_tui.services.picking.floor_plan import FloorPlan, floor_plan
from wms_tui.services.picking.task import TaskContext, advance, my_task, stage
from wms_tui.services.picking.task_view import ScanOutcome, Stage
from wms_tui.store import Store, UnitOfWork, retrying

SHORT_REASONS: dict[str, str] = {
    "empty": "bin empty",
    "short": "fewer than asked",
    "damaged": "damaged units",
    "missing": "item not in bin",
}


@retrying
def report_short(
    store: Store, actor: Actor, task_code: str, reason: str, *, at_bin: str | None = None
) -> ScanOutcome:
    """The bin has fewer units than the stop asks for (pick what is there first)."""
    key = reason.strip().lower()
    if key not in SHORT_REASONS:
        raise DomainError(f"Unknown short reason {reason!r}: use {', '.join(SHORT_REASONS)}")
    label = SHORT_REASONS[key]
    with store.unit_of_work() as uow:
        task = my_task(uow, actor, task_code)
        ctx = TaskContext(uow.session, task)
        ln = ctx.current()
        if ln is None:
            raise DomainError(f"Task {task.code} has no stops left")
        if stage(ln) is Stage.TOTE:
            raise DomainError(
                f"All {ln.qty_picked} picked: put them in tote {ctx.loc_code(ln.tote_id)}"
            )
        bin_loc = ctx.locs[ln.location_id]
        targets = [ln]
        if key == "empty":
            # An empty bin is empty for every tote that was to be served from it.
            targets += [
                x
                for x in ctx.open_lines()
                if x is not ln
                and x.location_id == ln.location_id
                and x.product_id == ln.product_id
                and x.qty_picked == 0
            ]
        bin_loc.cycle_count_flag = True
        bin_loc.cycle_count_reason = (
            f"Short pick ({label}) by {actor.name} on {actor.terminal}, task {task.code}"
        )[:200]
        uow.add(bin_loc)
        events.log(
            uow,
            actor,
            EventKind.LOCATION_FLAGGED,
            location=bin_loc.code,
            detail=bin_loc.cycle_count_reason,
        )
        plan = floor_plan(uow.session)
        notes = [_short_line(uow, actor, ctx, plan, x, ln, label) for x in targets]
        for x in targets:
            if x.qty_picked == 0:
                x.done = True
                uow.add(x)
        msg = "; ".join(notes)
        if stage(ln) is Stage.TOTE:
            outcome = ScanOutcome(
                "short",
                f"{msg}. Put {ln.qty_picked} in tote {ctx.loc_code(ln.tote_id)}",
                ctx.view(),
                at_bin,
            )
        else:
            outcome = advance(uow, actor, ctx, "short", msg, bin_loc.code)
        uow.commit()
    return outcome


def _short_line(
    uow: UnitOfWork,
    actor: Actor,
    ctx: TaskContext,
    plan: FloorPlan,
    ln: PickTaskLine,
    here: PickTaskLine,
    label: str,
) -> str:
    s = uow.session
    rem = ln.qty - ln.qty_picked - ln.qty_short
    oline = ctx.olines[ln.order_line_id]
    order = ctx.order_of(ln)
    product = ctx.products[ln.product_id]
    bin_loc = ctx.locs[ln.location_id]
    # Give the reservation on this bin back: its stock is not where the system thinks.
    alloc = s.get(Allocation, ln.allocation_id) if ln.allocation_id else None
    if alloc is not None:
        give_back = min(rem, alloc.qty - alloc.qty_picked)
        stock = inventory.get_stock(s, ln.product_id, ln.location_id, lock=True)
        if stock is not None and give_back:
            stock.allocated -= give_back
            uow.add(stock)
        alloc.qty -= give_back
        oline.qty_allocated -= give_back
        uow.add(alloc)
    ln.qty_short += rem
    uow.add(ln)

    before = _alloc_qty_by_location(s, oline)
    flagged = set(s.exec(select(Location.id).where(col(Location.cycle_count_flag).is_(True))).all())
    got = allocation.reserve(uow, oline, rem, exclude_location_ids=flagged | {bin_loc.id})
    added: list[str] = []
    for loc_id, alloc_row in _allocs_by_location(s, oline).items():
        delta = alloc_row.qty - before.get(loc_id, 0)
        if delta > 0:
            added.append(_add_stop(uow, ctx, plan, ln, here, alloc_row, delta))
    missing = rem - got
    result = f"{rem} × {product.sku} short"
    if added:
        result += ": new stop " + ", ".join(added)
    if missing:
        outcome = _backorder(uow, actor, order, oline, missing)
        result += f"; {outcome}"
        uow.add(
            WmsException.raised_by(
                actor,
                ExceptionKind.SHORT_PICK,
                f"{missing} × {product.sku} short at {bin_loc.code} ({label}), "
                f"task {ctx.task.code}: {outcome}",
                order_id=order.id,
                sku=product.sku,
                location=bin_loc.code,
            )
        )
    events.log(
        uow,
        actor,
        EventKind.SHORT_PICK,
        order=order,
        sku=product.sku,
        qty=rem,
        location=bin_loc.code,
        detail=f"{label}; task {ctx.task.code}; re-allocated {got}; missing {missing}",
    )
    return result


def _allocs_by_location(session: Session, oline: OrderLine) -> dict[int, Allocation]:
    rows = session.exec(select(Allocation).where(Allocation.order_line_id == oline.id)).all()
    return {a.location_id: a for a in rows}


def _alloc_qty_by_location(session: Session, oline: OrderLine) -> dict[int, int]:
    # Plain numbers: reserve() changes the same Allocation objects in place.
    return {lid: a.qty for lid, a in _allocs_by_location(session, oline).items()}


def _add_stop(
    uow: UnitOfWork,
    ctx: TaskContext,
    plan: FloorPlan,
    shorted: PickTaskLine,
    here: PickTaskLine,
    alloc: Allocation,
    qty: int,
) -> str:
    """A new stop for re-allocated units, where it adds the least walking."""
    code = ctx.loc_code(alloc.location_id)
    for x in ctx.open_lines():
        if x.allocation_id == alloc.id and x.tote_id == shorted.tote_id and x.qty_picked == 0:
            x.qty += qty
            uow.add(x)
            return f"{code} (+{qty})"
    same_pass = [x for x in ctx.visiting_order() if x is not here and x.skipped == here.skipped]
    index, delta = plan.cheapest_insertion(
        here.location_id, [x.location_id for x in same_pass], alloc.location_id
    )
    if index < len(same_pass):
        seq = same_pass[index].seq
    else:
        seq = max([here.seq, *(x.seq for x in same_pass)]) + 1
    for x in ctx.lines:
        if x.seq >= seq:
            x.seq += 1
            uow.add(x)
    new = PickTaskLine(
        task_id=ctx.task.id,
        seq=seq,
        allocation_id=alloc.id,
        order_line_id=shorted.order_line_id,
        product_id=shorted.product_id,
        location_id=alloc.location_id,
        tote_id=shorted.tote_id,
        qty=qty,
        skipped=here.skipped,
    )
    uow.add(new)
    uow.flush()
    ctx.add(new)
    ctx.task.route_length_m = round(ctx.task.route_length_m + max(delta, 0.0), 1)
    uow.add(ctx.task)
    return code


def _backorder(uow: UnitOfWork, actor: Actor, order: Order, oline: OrderLine, missing: int) -> str:
    """What happens to units no bin can supply: split off, or the order waits."""
    s = uow.session
    lines = s.exec(select(OrderLine).where(OrderLine.order_id == order.id)).all()
    left_to_ship = sum(x.need for x in lines) - missing
    if order.split_allowed and left_to_ship > 0:
        child = _split_child(uow, actor, order, oline, missing)
        return f"{missing} split to {child.name} (backordered)"
    if OrderStatus(order.status) in (OrderStatus.PICKING, OrderStatus.READY_TO_PICK):
        events.change_status(
            uow,
            order,
            OrderStatus.BACKORDERED,
            actor,
            detail=f"short pick: {missing} × {oline.sku}",
        )
    return f"{order.name} backordered"


def _split_child(
    uow: UnitOfWork, actor: Actor, order: Order, oline: OrderLine, missing: int
) -> Order:
    return backorder_split.split_into_backorder(
        uow,
        actor,
        order,
        [(oline, missing)],
        split_detail=f"short pick: {missing} × {oline.sku} moved to {{child}}",
        created_detail=f"split from {order.name} after a short pick",
        sku=oline.sku,
        qty=missing,
    )


@dataclass(frozen=True)
class ShortPickRow:
    id: int
    at: datetime
    order: str
    sku: str
    location: str
    operator: str
    terminal: str
    message: str


def open_short_picks(store: Store, *, limit: int = 50) -> list[ShortPickRow]:
    """Unresolved SHORT_PICK exceptions, newest first (for the supervisor)."""
    with store.read() as s:
        tz = warehouse_zone(s)
        rows = s.exec(
            select(WmsException, Order.name)
            .join(Order, col(Order.id) == WmsException.order_id, isouter=True)
            .where(
                WmsException.kind == ExceptionKind.SHORT_PICK,
                col(WmsException.resolved_at).is_(None),
            )
            .order_by(col(WmsException.at).desc(), col(WmsException.id).desc())
            .limit(limit)
        ).all()
        return [
            ShortPickRow(
                id=e.id or 0,
                at=e.at.astimezone(tz),
                order=name or "",
                sku=e.sku,
                location=e.location,
                operator=e.operator_name,
                terminal=e.terminal,
                message=e.message,
            )
            for e, name in rows
        ]
