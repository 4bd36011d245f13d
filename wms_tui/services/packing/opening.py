"""Opening an order at a pack station, and parking it.

Only the station that opened an order may change it (``Order.locked_*``): a
second station opening it is told who has it; a supervisor can take an
abandoned order over; the next packer at the same bench goes on with an order
left there. Parking lets go of it and keeps its scans and boxes.
"""

from __future__ import annotations

from functools import cache

from sqlalchemy import bindparam
from sqlmodel import Session, col, select

from wms_tui.domain.actor import Actor
from wms_tui.domain.clock import utcnow
from wms_tui.domain.credentials import Credential
from wms_tui.domain.enums import EventKind, OrderStatus, Role
from wms_tui.domain.errors import Conflict, DomainError, NotFound
from wms_tui.domain.lifecycle import illegal_message
from wms_tui.domain.models import Order, OrderLine, Parcel, PickTask, PickTaskLine
from wms_tui.domain.scans import clean_scan
from wms_tui.domain.shown import excerpt
from wms_tui.domain.text import plural
from wms_tui.services.core import approval, events, order_names
from wms_tui.services.core.badges import operator_name
from wms_tui.services.inventory.stock import find_product_by_scan
from wms_tui.services.packing import totes as pack_totes
from wms_tui.services.packing.change import ensure_parcel, remember, require_packer
from wms_tui.services.packing.ownership import STOPPED, lock_order
from wms_tui.services.packing.state import PackContext
from wms_tui.services.packing.view import PackView
from wms_tui.store import Store, retrying


def _resolve_order(session: Session, code: str) -> Order:
    """The order behind a scanned tote or a typed/scanned order name."""
    tote = pack_totes.find_tote(session, code)
    if tote is not None:
        orders = pack_totes.orders_in_tote(session, tote)
        if not orders:
            if pack_totes.units_in_totes(session, [tote]):
                raise NotFound(
                    f"Tote {tote.code} holds units but no order waits for them: "
                    "give it to a supervisor"
                )
            raise NotFound(f"Tote {tote.code} is empty: no order in it")
        return orders[0]
    order = order_names.find(session, code)
    if order is None:
        # A packer who scans a unit at the queue (the order was parked, taken over or
        # closed meanwhile) is told what the code is and what to scan instead.
        try:
            item = find_product_by_scan(session, code).product.sku
        except NotFound:
            raise NotFound(f"No order or tote {excerpt(code)}") from None
        # The SKU, not the code scanned: a handheld's two rows hold the sentence whole.
        raise NotFound(f"{item} is an item: scan its tote or order first")
    return order


def _open_elsewhere(session: Session, order: Order) -> Conflict:
    who = operator_name(session, order.locked_by_operator_id)
    return Conflict(
        f"Order {order.name} is open at {order.locked_terminal} by {who}", order_name=order.name
    )


def _replacement_task(session: Session, order: Order) -> PickTask | None:
    return session.exec(
        select(PickTask)
        .join(PickTaskLine, col(PickTaskLine.task_id) == PickTask.id)
        .join(OrderLine, col(OrderLine.id) == PickTaskLine.order_line_id)
        .where(
            OrderLine.order_id == order.id,
            col(PickTask.code).startswith("RPL-"),
            col(PickTask.status).in_(["OPEN", "CLAIMED", "PAUSED"]),
        )
    ).first()


@cache
def _other_open_here():
    # Built once: every open asks (building it cost more than running it).
    return select(Order).where(
        Order.status == OrderStatus.PACKING,
        Order.locked_terminal == bindparam("terminal"),
        Order.id != bindparam("order_id"),
    )


@retrying
def open_order(
    store: Store, actor: Actor, code: str, *, take_over: Credential | None = None
) -> PackView:
    """Open the order behind a tote or an order name at this station.

    PICKED -> PACKING, locked to this packer and terminal. An order open at
    another station is refused with who has it, unless ``take_over`` (or
    the actor) is a supervisor taking over an abandoned order.
    """
    require_packer(actor)
    code = clean_scan(code)
    if not code:
        raise DomainError("Scan a tote or an order number")
    approved = approval.verify(store, actor, take_over, action="a take-over")
    with store.unit_of_work() as uow:
        s = uow.session
        from wms_tui.services.packing.readiness import station_readiness

        if problems := station_readiness(s, actor.terminal):
            raise DomainError(problems[0])
        found = _resolve_order(s, code)
        order = lock_order(s, found.id)  # type: ignore[arg-type]
        opened_msg = ""
        status = OrderStatus(order.status)
        other = s.exec(
            _other_open_here(), params={"terminal": actor.terminal, "order_id": order.id}
        ).first()
        if other is not None:
            if other.locked_by_operator_id not in (None, actor.operator_id):
                was = operator_name(s, other.locked_by_operator_id)
                raise DomainError(
                    f"Order {other.name} was left open here by {was}: scan it to go on "
                    "with it, then close or park it"
                )
            raise Conflict(f"Order {other.name} is still open here: close or park it first")
        if status is OrderStatus.PICKED:
            events.change_status(
                uow, order, OrderStatus.PACKING, actor, detail=f"opened at {actor.terminal}"
            )
        elif status is OrderStatus.PACKING:
            holder = order.locked_by_operator_id
            here = holder == actor.operator_id and order.locked_terminal == actor.terminal
            if holder is not None and not here and order.locked_terminal == actor.terminal:
                # Left on this bench by the previous packer (end of a shift, a
                # break): the tote is here, so whoever packs here goes on with
                # it. Every scan keeps its own packer; the closer signs the slip.
                was = operator_name(s, holder)
                events.log(
                    uow,
                    actor,
                    EventKind.PACK_HANDOVER,
                    order=order,
                    prior_operator=was,
                    detail=f"continued at {actor.terminal}, left open by {was}",
                )
                opened_msg = f"Going on with {order.name}, left here by {was}"
            elif holder is not None and not here:
                # Even a supervisor must ask for the take-over: opening an order
                # someone is packing must never happen by accident.
                if take_over is None:
                    raise _open_elsewhere(s, order)
                boss = approval.supervisor(actor, approved, action="a take-over")
                was = operator_name(s, holder)
                events.log(
                    uow,
                    actor,
                    EventKind.PACK_TAKEOVER,
                    order=order,
                    prior_terminal=order.locked_terminal,
                    detail=f"taken over from {was} at {order.locked_terminal}, "
                    f"approved by {boss.name}",
                )
            else:
                events.log(
                    uow,
                    actor,
                    EventKind.PACK_OPEN,
                    order=order,
                    detail=f"resumed at {actor.terminal}",
                )
        elif status is OrderStatus.PACKED:
            who = s.exec(select(Parcel.packed_by_name).where(Parcel.order_id == order.id)).first()
            by = f" by {who}" if who else ""
            raise DomainError(f"Order {order.name} is already packed{by}: reprint with F10")
        elif status is OrderStatus.PICKING and (task := _replacement_task(s, order)):
            raise DomainError(f"Order {order.name} waits for a replacement pick (task {task.code})")
        else:
            raise DomainError(illegal_message(order, OrderStatus.PACKING))
        order.locked_by_operator_id = actor.operator_id
        order.locked_terminal = actor.terminal
        order.locked_at = utcnow()
        uow.add(order)
        ctx = PackContext(s, order)
        ensure_parcel(uow, ctx)
        uow.flush()
        view = ctx.view(f"{opened_msg or f'Order {order.name} open'}: {_open_hint(ctx)}")
        uow.commit()
    remember(store, actor, ctx)
    return view


def _open_hint(ctx: PackContext) -> str:
    left = sum(max(0, ctx.need(ln) - ln.qty_packed) for ln in ctx.lines)
    if left:
        return f"scan {plural(left, 'unit')}"
    return "every unit is scanned"


def current_view(store: Store, actor: Actor, order_id: int, message: str = "") -> PackView:
    require_packer(actor)
    with store.read() as s:
        order = s.get(Order, order_id)
        if order is None:
            raise NotFound(f"No order with id {order_id}")
        ctx = PackContext(s, order)
        view = ctx.view(message)
        # Detached as loaded: the read's rollback would expire what the station holds.
        s.expunge_all()
    remember(store, actor, ctx)
    return view


@retrying
def release(store: Store, actor: Actor, order_id: int) -> str:
    """Park the order: PACKING -> PICKED, lock released; scans and boxes are kept."""
    require_packer(actor)
    with store.unit_of_work() as uow:
        s = uow.session
        order = lock_order(s, order_id)
        status = OrderStatus(order.status)
        if status in STOPPED and order.locked_terminal == actor.terminal:
            # Stopped by a supervisor while on this bench: just let go of it.
            order.locked_by_operator_id = None
            order.locked_terminal = ""
            order.locked_at = None
            uow.add(order)
            events.log(uow, actor, EventKind.PACK_RELEASE, order=order, detail=f"{status.label}")
            uow.commit()
            return f"Order {order.name} is {status.label}: the tote goes to a supervisor"
        if status is not OrderStatus.PACKING:
            raise DomainError(illegal_message(order, OrderStatus.PICKED))
        mine = (
            order.locked_by_operator_id == actor.operator_id
            and order.locked_terminal == actor.terminal
        )
        if order.locked_by_operator_id is not None and not mine and not actor.has(Role.SUPERVISOR):
            raise _open_elsewhere(s, order)
        ctx = PackContext(s, order)
        packed = sum(ln.qty_packed for ln in ctx.lines)
        need = sum(max(0, ctx.need(ln)) for ln in ctx.lines)
        order.locked_by_operator_id = None
        order.locked_terminal = ""
        order.locked_at = None
        events.change_status(
            uow,
            order,
            OrderStatus.PICKED,
            actor,
            detail=f"parked at {actor.terminal}: {packed} of {plural(need, 'unit')} scanned",
        )
        uow.commit()
        name = order.name
    return f"Order {name} parked: {packed} of {plural(need, 'unit')} scanned, kept for later"
