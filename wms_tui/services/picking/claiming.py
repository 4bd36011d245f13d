"""Claiming work so that two terminals never get the same thing.

On SQLite the unit of work starts with ``BEGIN IMMEDIATE``: the second terminal
waits (busy_timeout) until the first commits, then sees the claim. On
PostgreSQL ``FOR UPDATE SKIP LOCKED`` lets the second terminal take the next
free row without waiting.
"""

from __future__ import annotations

from sqlmodel import col, select

from wms_tui.domain.actor import Actor
from wms_tui.domain.clock import utcnow
from wms_tui.domain.enums import OrderStatus
from wms_tui.domain.models import Order, Service
from wms_tui.services.core import events, priority
from wms_tui.store import Store, UnitOfWork


def lock_next_order(uow: UnitOfWork, status: OrderStatus) -> Order | None:
    """The most urgent free order in ``status`` (house ranking), locked for this transaction."""
    stmt = (
        select(Order)
        .outerjoin(Service, col(Service.id) == Order.service_id)
        .where(Order.status == status, col(Order.locked_by_operator_id).is_(None))
        .order_by(*priority.order_by())
        .limit(1)
        # Only the order row: PostgreSQL refuses FOR UPDATE on the nullable side
        # of an outer join, and the service is not being claimed.
        .with_for_update(skip_locked=True, of=Order)
    )
    return uow.session.exec(stmt).first()


def claim_next_order(
    store: Store, actor: Actor, *, status: OrderStatus, to_status: OrderStatus
) -> str | None:
    """Claim the next order in ``status`` and move it to ``to_status``.

    Returns the order name, or None when the queue is empty.
    """
    with store.unit_of_work() as uow:
        order = lock_next_order(uow, status)
        if order is None:
            return None
        order.locked_by_operator_id = actor.operator_id
        order.locked_terminal = actor.terminal
        order.locked_at = utcnow()
        events.change_status(uow, order, to_status, actor, detail="claimed")
        name = order.name
        uow.commit()
    return name
