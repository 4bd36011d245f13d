"""Which station owns an order on the bench: the row lock every change takes and the
one check every change makes (only the station that opened the order may change it;
a cancelled, held or packed order is said so; a take-over is said once).
"""

from __future__ import annotations

from functools import cache

from sqlalchemy import bindparam
from sqlmodel import Session, col, select

from wms_tui.domain.enums import EventKind, OrderStatus
from wms_tui.domain.errors import Conflict, DomainError, NotFound, TakenOver
from wms_tui.domain.models import Event, Order
from wms_tui.services.core.badges import operator_name

# Built once with bound parameters: every station request runs them, and building a
# select cost more than running it (docs/performance.md).


@cache
def _order_locked():
    return (
        select(Order)
        .where(Order.id == bindparam("order_id"))
        .with_for_update(key_share=True)
        .execution_options(populate_existing=True)
    )


@cache
def _last_takeover_from():
    return (
        select(Event.prior_terminal)
        .where(Event.order_id == bindparam("order_id"), Event.kind == EventKind.PACK_TAKEOVER)
        .order_by(col(Event.id).desc())
    )


def lock_order(session: Session, order_id: int) -> Order:
    """The order row, locked for this transaction (FOR UPDATE on PostgreSQL)."""
    order = session.exec(_order_locked(), params={"order_id": order_id}).first()
    if order is None:
        raise NotFound(f"No order with id {order_id}")
    return order


STOPPED = {OrderStatus.CANCELLED: "cancelled", OrderStatus.ON_HOLD: "put on hold"}


def _taken_from(session: Session, order: Order, terminal: str) -> bool:
    """Whether the order's last take-over took it from ``terminal``."""
    last = session.exec(_last_takeover_from(), params={"order_id": order.id}).first()
    return last == terminal


def require_open_here(
    session: Session, order: Order, actor_operator_id: int | None, terminal: str
) -> None:
    """Only the station that opened the order may change it."""
    status = OrderStatus(order.status)
    if status is not OrderStatus.PACKING:
        if status is OrderStatus.PACKED:
            raise DomainError(f"Order {order.name} is already packed")
        if status in STOPPED:
            # A supervisor stopped it while it was on the bench.
            raise DomainError(
                f"Order {order.name} was {STOPPED[status]}: stop packing, park it (F12) "
                "and give the tote to a supervisor"
            )
        raise DomainError(f"Order {order.name} is {status.label}: open it first")
    if order.locked_by_operator_id is None:
        raise DomainError(f"Order {order.name} is not open at a station: open it first")
    if order.locked_terminal != terminal and _taken_from(session, order, terminal):
        # A supervisor took it over from this station. Said once: the screen
        # goes back to its queue.
        who = operator_name(session, order.locked_by_operator_id)
        raise TakenOver(
            f"{order.name} was taken over at {order.locked_terminal} by {who}: back to the queue"
        )
    if order.locked_by_operator_id != actor_operator_id:
        who = operator_name(session, order.locked_by_operator_id)
        raise Conflict(
            f"Order {order.name} is open at {order.locked_terminal} by {who}",
            order_name=order.name,
        )
