"""A supervisor's decisions about one order: hold, release, cancel, priority, split.

Each function is one unit of work: it checks the role, locks the order, changes
it through the life cycle (so every change is logged) and returns a short
confirmation for the screen, or raises ``DomainError`` having changed nothing.
"""

from __future__ import annotations

from sqlmodel import select

from wms_tui.domain.actor import Actor
from wms_tui.domain.enums import EventKind, OrderStatus, Role
from wms_tui.domain.errors import DomainError, NotFound
from wms_tui.domain.models import Order
from wms_tui.services.core import events
from wms_tui.services.intake.cancelling import cancel_on_floor
from wms_tui.services.inventory import allocation, backorder_split
from wms_tui.store import Store, UnitOfWork, retrying

S = OrderStatus
MAX_REASON = 120
PRIORITY_RANGE = range(-9, 10)
FINISHED = frozenset({S.DISPATCHED, S.RETURNED, S.CANCELLED})


def _load(uow: UnitOfWork, order_id: int) -> Order:
    order = uow.session.exec(
        select(Order).where(Order.id == order_id).with_for_update(key_share=True)
    ).first()
    if order is None:
        raise NotFound(f"Order {order_id} no longer exists")
    return order


@retrying
def hold_order(store: Store, actor: Actor, order_id: int, reason: str) -> str:
    actor.require(Role.SUPERVISOR, action="hold orders")
    reason = " ".join(reason.split())
    if not reason:
        raise DomainError("Give a reason for the hold")
    if len(reason) > MAX_REASON:
        raise DomainError(f"Keep the reason under {MAX_REASON} characters")
    with store.unit_of_work() as uow:
        order = _load(uow, order_id)
        events.change_status(uow, order, S.ON_HOLD, actor, detail=reason)
        # Reserved stock stays reserved: when the hold is lifted the order goes on
        # where it was, with its stock still there.
        order.hold_reason = reason
        uow.commit()
        return f"{order.name} on hold: {reason}"


def _allocate_now(uow: UnitOfWork, order: Order, actor: Actor) -> str:
    missing = allocation.allocate_order(uow, order, actor)
    if missing:
        return f"{order.name} backordered: " + "; ".join(map(str, missing))
    return f"{order.name} ready to pick"


@retrying
def release_order(store: Store, actor: Actor, order_id: int) -> str:
    """Lift a hold, skip the grace period, or retry a backorder: make it go now.

    A supervisor releasing an unpaid order is a decision to ship it anyway; the
    payment check of the automatic release is not applied again.
    """
    actor.require(Role.SUPERVISOR, action="release orders")
    with store.unit_of_work() as uow:
        message = release_in(uow, actor, _load(uow, order_id))
        uow.commit()
        return message


def release_in(uow: UnitOfWork, actor: Actor, order: Order) -> str:
    """:func:`release_order` inside the caller's unit of work (the order locked by it)."""
    actor.require(Role.SUPERVISOR, action="release orders")
    status = S(order.status)
    if status is S.ON_HOLD:
        back_to = S(order.held_from or S.NEW)
        reason = order.hold_reason
        events.change_status(
            uow, order, back_to, actor, detail=f"hold lifted ({reason or 'no reason'})"
        )
        if back_to in (S.NEW, S.BACKORDERED):
            missing = allocation.allocate_order(uow, order, actor)
            if not missing:
                return f"{order.name} ready to pick (hold lifted)"
            # "hold lifted" before the shortages: after them, a handheld's rows cut it off.
            return f"{order.name} hold lifted, backordered: " + "; ".join(map(str, missing))
        return f"{order.name} hold lifted"
    if status is S.BACKORDERED:
        missing = allocation.allocate_order(uow, order, actor)
        if missing:
            raise DomainError(f"{order.name} is still short: {'; '.join(map(str, missing))}")
        return f"{order.name} ready to pick"
    if status is S.NEW:
        return _allocate_now(uow, order, actor)
    raise DomainError(f"Order {order.name} is {status.label}: nothing to release")


@retrying
def cancel_order(store: Store, actor: Actor, order_id: int, reason: str = "") -> str:
    actor.require(Role.SUPERVISOR, action="cancel orders")
    with store.unit_of_work() as uow:
        message = cancel_in(uow, actor, _load(uow, order_id), reason)
        uow.commit()
        return message


def cancel_in(uow: UnitOfWork, actor: Actor, order: Order, reason: str = "") -> str:
    """:func:`cancel_order` inside the caller's unit of work (the order locked by it)."""
    actor.require(Role.SUPERVISOR, action="cancel orders")
    reason = " ".join(reason.split())
    if len(reason) > MAX_REASON:
        raise DomainError(f"Keep the reason under {MAX_REASON} characters")
    extra = cancel_on_floor(
        uow,
        actor,
        order,
        by="by supervisor",
        detail=f"cancelled by supervisor{': ' + reason if reason else ''}",
    )
    return f"{order.name} cancelled{extra}"


@retrying
def change_priority(store: Store, actor: Actor, order_id: int, delta: int) -> str:
    actor.require(Role.SUPERVISOR, action="change priorities")
    with store.unit_of_work() as uow:
        order = _load(uow, order_id)
        status = S(order.status)
        if status in FINISHED:
            raise DomainError(
                f"Order {order.name} is {status.label}; its priority no longer counts"
            )
        new = order.priority + delta
        if new not in PRIORITY_RANGE:
            raise DomainError(
                f"{order.name} is already at priority {order.priority} "
                f"({PRIORITY_RANGE.start}..{PRIORITY_RANGE.stop - 1})"
            )
        events.log(
            uow,
            actor,
            EventKind.ORDER_PRIORITY,
            order=order,
            detail=f"priority {order.priority} → {new}",
        )
        order.priority = new
        uow.add(order)
        uow.commit()
        return f"{order.name} priority {new:+d}" if new else f"{order.name} priority normal"


@retrying
def split_order(store: Store, actor: Actor, order_id: int) -> str:
    """Ship what is here now; move what is missing into a backorder ``<name>-B<n>``.

    BACKORDERED: the units stock cannot cover move to the backorder, the rest is
    allocated and the order becomes ready to pick. READY_TO_PICK with short-picked
    lines: the short units are tried against other bins first, and what still
    cannot be covered moves to the backorder.
    """
    actor.require(Role.SUPERVISOR, action="split orders")
    with store.unit_of_work() as uow:
        message = split_in(uow, actor, _load(uow, order_id))
        uow.commit()
        return message


def split_in(uow: UnitOfWork, actor: Actor, order: Order) -> str:
    """:func:`split_order` inside the caller's unit of work (the order locked by it)."""
    actor.require(Role.SUPERVISOR, action="split orders")
    status = S(order.status)
    if status not in (S.BACKORDERED, S.READY_TO_PICK):
        raise DomainError(
            f"Order {order.name} is {status.label}; only backordered or ready orders split"
        )
    lines = allocation.order_lines(uow, order)
    if status is S.READY_TO_PICK:
        shorts = [ln for ln in lines if ln.qty_short]
        if not shorts:
            raise DomainError(f"Nothing is missing from {order.name}: no need to split")
        for line in shorts:
            line.qty_short = 0  # back to open units: re-tried below, the rest split off
            uow.add(line)
        uow.flush()
    elif not allocation.shortages(uow, order):
        raise DomainError(f"{order.name} is all in stock now: release it instead")
    if (
        not any(
            allocation.available_qty(uow, ln.product_id) for ln in lines if allocation.open_qty(ln)
        )
        and status is S.BACKORDERED
    ):
        raise DomainError(f"Nothing of {order.name} is in stock yet: nothing to ship now")
    child = backorder_split.split_off_shortages(uow, order, actor)
    allocation.allocate_order(uow, order, actor)
    if child is None:
        return f"{order.name} re-allocated from other bins: nothing had to be split"
    return f"{order.name} ready to pick; the rest waits as {child.name}"
