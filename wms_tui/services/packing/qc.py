"""Quality check at the pack station: a damaged or wrong unit leaves the order.

The unit moves from the order's tote to quarantine (never back to a pickable
bin) and a QC_FAIL exception is raised for the supervisor. Then either

* a replacement is requested: stock is reserved from a pickable bin and a
  high-priority pick task ``RPL-<order id>-<n>`` is opened for the same tote;
  the order goes PACKING -> PICKING and leaves the station (scans are kept)
  until the replacement is picked, or
* with a supervisor's approval, the line is short-shipped by one unit; the
  packing slip prints why next to the line.

If the faulty unit was already scanned into a parcel it is taken out of it.
"""

from __future__ import annotations

from sqlmodel import col, select

from wms_tui.domain.actor import Actor
from wms_tui.domain.clock import utcnow
from wms_tui.domain.credentials import Credential
from wms_tui.domain.enums import (
    EventKind,
    ExceptionKind,
    LocationKind,
    MovementReason,
    OrderStatus,
    PackScanKind,
    Role,
    TaskStatus,
)
from wms_tui.domain.errors import DomainError
from wms_tui.domain.models import (
    Allocation,
    Location,
    Order,
    OrderLine,
    PackScan,
    PickTask,
    PickTaskLine,
    WmsException,
)
from wms_tui.services.core import approval, events
from wms_tui.services.inventory import allocation
from wms_tui.services.inventory.stock import move_stock
from wms_tui.services.packing import totes as pack_totes
from wms_tui.services.packing.ownership import lock_order, require_open_here
from wms_tui.services.packing.state import PackContext
from wms_tui.services.packing.view import PackView
from wms_tui.services.packing.weight import clear_weight
from wms_tui.store import Store, UnitOfWork, retrying

REASONS: dict[str, str] = {
    "damaged": "Damaged",
    "colour": "Wrong colour",
    "size": "Wrong size",
    "item": "Wrong item",
}
REPLACEMENT_PRIORITY = 100


def _quarantine(uow: UnitOfWork) -> Location:
    loc = uow.session.exec(
        select(Location)
        .where(Location.kind == LocationKind.QUARANTINE, col(Location.active).is_(True))
        .order_by(col(Location.code))
    ).first()
    if loc is None:
        raise DomainError("No quarantine location is set up: ask a supervisor")
    return loc


def _take_out_of_parcel(
    uow: UnitOfWork, actor: Actor, ctx: PackContext, line: OrderLine, reason: str
) -> None:
    live = [e for e in ctx.live_scans() if e[0].order_line_id == line.id]
    parcel_id = live[-1][0].parcel_id
    line.qty_packed -= 1
    ctx.add_scan(
        uow,
        PackScan(
            order_id=ctx.order.id,
            order_line_id=line.id,
            parcel_id=parcel_id,
            qty=-1,
            kind=PackScanKind.QC,
            qc_reason=reason[:32],
            operator_id=actor.operator_id,
            terminal=actor.terminal,
            at=utcnow(),
        ),
    )
    parcel = next((p for p in ctx.parcels if p.id == parcel_id), None)
    if parcel is not None:
        clear_weight(uow, actor, parcel)


@retrying
def qc_fail(
    store: Store,
    actor: Actor,
    order_id: int,
    line_no: int,
    reason: str,
    *,
    replace: bool,
    scanned: bool | None = None,
    approver: Credential | None = None,
) -> PackView:
    """One unit of line ``line_no`` failed quality check (see module docstring).

    ``scanned`` says whether the faulty unit was already scanned into a parcel;
    it may be left out when only one answer is possible. A short-ship needs a
    supervisor: the actor, or ``approver`` (badge and PIN).
    """
    actor.require(Role.PACKER, action="pack orders")
    key = reason.strip().lower()
    if key not in REASONS:
        raise DomainError(f"Reason must be one of: {', '.join(REASONS)}")
    label = REASONS[key]
    approved = (
        None if replace else approval.verify(store, actor, approver, action="a short shipment")
    )
    with store.unit_of_work() as uow:
        s = uow.session
        order = lock_order(s, order_id)
        require_open_here(s, order, actor.operator_id, actor.terminal)
        ctx = PackContext(s, order)
        line = ctx.line_by_no(line_no)
        need = ctx.need(line)
        if need <= 0:
            raise DomainError(f"Line {line_no} ({line.sku}) is already short-shipped")
        unscanned = need - line.qty_packed
        if scanned is None:
            if line.qty_packed and unscanned:
                raise DomainError(
                    f"Was the faulty {line.sku} already scanned into the parcel? Answer y or n"
                )
            scanned = line.qty_packed > 0
        if scanned and line.qty_packed <= 0:
            raise DomainError(f"No {line.sku} is scanned yet: the faulty one is still in the tote")
        if not scanned and unscanned <= 0:
            raise DomainError(f"Every {line.sku} is scanned: the faulty one is in the parcel")
        boss = None
        if not replace:
            boss = approval.supervisor(actor, approved, action="a short shipment")

        totes = pack_totes.order_totes(s, order.id)  # type: ignore[arg-type]
        stock = pack_totes.tote_stock(s, totes, line.product_id)
        if not stock:
            raise DomainError(f"No {line.sku} in the order's tote to put in quarantine")
        tote = stock[0][0]
        quarantine = _quarantine(uow)
        product = ctx.products[line.product_id]
        move_stock(
            uow,
            actor,
            product,
            1,
            from_loc=tote,
            to_loc=quarantine,
            reason=MovementReason.QUARANTINED,
            order=order,
            reference=f"QC {label.lower()} at {actor.terminal}",
        )
        if scanned:
            _take_out_of_parcel(uow, actor, ctx, line, key)
        # The unit no longer counts as picked (or reserved) for this order.
        line.qty_picked = max(0, line.qty_picked - 1)
        line.qty_allocated = max(0, line.qty_allocated - 1)

        if replace:
            task_code, bin_code = _request_replacement(uow, actor, ctx, line, tote, quarantine)
            outcome = f"replacement pick {task_code} from {bin_code}"
        else:
            assert boss is not None
            line.qty_short += 1
            line.short_reason = f"{label}: not sent, refund follows"
            outcome = f"short-shipped, approved by {boss.name}"
        uow.add(line)
        uow.add(
            WmsException.raised_by(
                actor,
                ExceptionKind.QC_FAIL,
                f"{label}: 1× {line.sku} of {order.name} to {quarantine.code}; {outcome}",
                order_id=order.id,
                sku=line.sku,
                location=quarantine.code,
            )
        )
        # The packer's step, also when a supervisor approved the short-ship (the
        # detail names them): pack accuracy counts QC catches per packer, and
        # charged this one to the supervisor (seen in the demo, issue #20).
        events.log(
            uow,
            actor,
            EventKind.QC_FAIL,
            order=order,
            sku=line.sku,
            qty=1,
            from_location=tote.code,
            to_location=quarantine.code,
            detail=f"{label}; {outcome}",
        )
        message = f"{label} {line.sku} to {quarantine.code}: {outcome}"
        if not replace and all(ctx.need(ln) <= 0 for ln in ctx.lines):
            message += _nothing_left(uow, actor, order, tote)
        if replace:
            order.locked_by_operator_id = None
            order.locked_terminal = ""
            order.locked_at = None
            events.change_status(
                uow, order, OrderStatus.PICKING, actor, detail=f"{label} {line.sku}; {outcome}"
            )
            message += f". Park tote {tote.code}: the order comes back when the unit is picked"
        uow.flush()
        ctx.invalidate()
        view = ctx.view(message)
        uow.commit()
    return view


def _nothing_left(uow: UnitOfWork, actor: Actor, order: Order, tote: Location) -> str:
    """Every unit was short-shipped: the order leaves the station for a supervisor's decision.

    Left PACKING it would go back to every station's queue as PICKED with
    nothing to pack, holding its tote. On hold instead, with a NOTHING_TO_SHIP
    exception offering "wait for stock" (lifting the hold makes it a backorder)
    or "cancel".
    """
    order.locked_by_operator_id = None
    order.locked_terminal = ""
    order.locked_at = None
    order.hold_reason = "nothing left to ship: every unit short-shipped"
    events.change_status(uow, order, OrderStatus.ON_HOLD, actor, detail=order.hold_reason)
    order.held_from = OrderStatus.BACKORDERED
    allocation.deallocate_order(uow, order, actor)
    uow.add(
        WmsException.raised_by(
            actor,
            ExceptionKind.NOTHING_TO_SHIP,
            f"Every unit of {order.name} short-shipped at {actor.terminal}: "
            "cancel it or let it wait for stock",
            order_id=order.id,
        )
    )
    return f". Nothing left to ship: {order.name} goes to the supervisor, tote {tote.code} is free"


def _request_replacement(
    uow: UnitOfWork,
    actor: Actor,
    ctx: PackContext,
    line: OrderLine,
    tote: Location,
    quarantine: Location,
) -> tuple[str, str]:
    s = uow.session
    before = {
        a.id: a.qty
        for a in s.exec(select(Allocation).where(Allocation.order_line_id == line.id)).all()
    }
    got = allocation.reserve(uow, line, 1, exclude_location_ids={quarantine.id})  # type: ignore[arg-type]
    if got < 1:
        raise DomainError(
            f"No other {line.sku} in stock to replace it: short-ship it with a supervisor"
        )
    alloc = next(
        a
        for a in s.exec(select(Allocation).where(Allocation.order_line_id == line.id)).all()
        if a.qty > before.get(a.id, 0)
    )
    task = open_replacement_task(
        uow, actor, ctx.order, [(alloc, line, 1)], tote, actor.terminal, what="replacement"
    )
    bin_loc = s.get(Location, alloc.location_id)
    return task.code, bin_loc.code if bin_loc else "?"


def open_replacement_task(
    uow: UnitOfWork,
    actor: Actor,
    order: Order,
    stops: list[tuple[Allocation, OrderLine, int]],
    tote: Location,
    pack_station: str,
    *,
    what: str,
) -> PickTask:
    """A high-priority task ``RPL-<order id>-<n>``: each (reservation, line, units) to ``tote``."""
    s = uow.session
    n = 1
    while s.exec(select(PickTask).where(PickTask.code == f"RPL-{order.id}-{n}")).first():
        n += 1
    task = PickTask(
        code=f"RPL-{order.id}-{n}",
        status=TaskStatus.OPEN,
        pack_station=pack_station,
        priority=REPLACEMENT_PRIORITY,
    )
    uow.add(task)
    uow.flush()
    for seq, (alloc, line, qty) in enumerate(stops, start=1):
        uow.add(
            PickTaskLine(
                task_id=task.id,
                seq=seq,
                allocation_id=alloc.id,
                order_line_id=line.id,
                product_id=line.product_id,
                location_id=alloc.location_id,
                tote_id=tote.id,
                qty=qty,
            )
        )
        bin_loc = s.get(Location, alloc.location_id)
        events.log(
            uow,
            actor,
            EventKind.TASK_CREATED,
            order=order,
            sku=line.sku,
            qty=qty,
            location=bin_loc.code if bin_loc else "",
            detail=f"{what} {task.code} for tote {tote.code}",
        )
    return task
