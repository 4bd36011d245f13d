"""Exceptions close themselves when the work they wait for is done.

* BACKORDER: the order was allocated (or cancelled, or left some other way);
* SHORT_PICK: the bin was counted (its flag cleared) and the order no longer
  waits for stock;
* QC_FAIL, WEIGHT_MISMATCH: the order was packed (its replacement unit arrived
  and was packed, or the weight was redone) or cancelled;
* NOTHING_TO_SHIP: the supervisor's decision moved the order on (off its
  hold: the units owed again, or cancelled);
* MISSING_UNIT: the decision moved the order off its hold (re-picked, shipped
  without the unit, or cancelled) and the bin the unit was picked from was
  counted (as SHORT_PICK: an order gone closes it whatever the bin);
* PAYMENT_HOLD: the order left its hold (approved, paid, or cancelled);
* PAUSED_TASK: the task was taken up again, freed, or finished.

RECEIVING, CANCELLED_AFTER_PACK and OTHER wait for a person: they close when
acknowledged in the inbox. :func:`settle` is called by the work that finishes
them (allocation, a cycle count, closing a parcel) in the same transaction,
and by the inbox before it lists, so no exception stays open for work done by
a path that forgot to call it.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlmodel import Session, col, select

from wms_tui.domain.actor import Actor
from wms_tui.domain.clock import utcnow
from wms_tui.domain.enums import EventKind
from wms_tui.domain.enums import ExceptionKind as K
from wms_tui.domain.enums import OrderStatus as S
from wms_tui.domain.models import Location, Order, WmsException
from wms_tui.services.core import events
from wms_tui.store import UnitOfWork

_PACKED_OR_GONE = frozenset({S.PACKED, S.DISPATCHED, S.RETURNED, S.CANCELLED})
_GONE = frozenset({S.DISPATCHED, S.RETURNED, S.CANCELLED})
# Kinds that wait for work, not for a person.
SELF_CLOSING = (
    K.BACKORDER,
    K.SHORT_PICK,
    K.QC_FAIL,
    K.WEIGHT_MISMATCH,
    K.NOTHING_TO_SHIP,
    K.PAYMENT_HOLD,
    K.MISSING_UNIT,
)


def is_settled(exc: WmsException, order: Order | None, bin_flagged: bool) -> bool:
    """Whether the work ``exc`` waits for is done (see the module docstring)."""
    if order is None:
        return False
    status = S(order.status)
    kind = exc.kind
    if kind == K.BACKORDER:
        return status is not S.BACKORDERED and not (
            status is S.ON_HOLD and order.held_from == S.BACKORDERED
        )
    if kind == K.SHORT_PICK:
        if status in _GONE:
            return True
        return not bin_flagged and status not in (S.BACKORDERED, S.ON_HOLD)
    if kind in (K.QC_FAIL, K.WEIGHT_MISMATCH):
        return status in _PACKED_OR_GONE
    if kind == K.MISSING_UNIT:
        if status in _GONE:
            return True
        return not bin_flagged and status is not S.ON_HOLD
    if kind in (K.NOTHING_TO_SHIP, K.PAYMENT_HOLD):
        return status is not S.ON_HOLD
    return False


def settled(session: Session, order_ids: Iterable[int] | None = None) -> list[tuple]:
    """The open self-closing exceptions (of ``order_ids``, or all) whose work is done.

    (exception, its order) pairs; then, with ``order_ids`` None, the PAUSED_TASK
    ones whose task is no longer paused, as (exception, None). Reads only.
    """
    stmt = (
        select(WmsException, Order, Location.cycle_count_flag)
        .join(Order, col(Order.id) == WmsException.order_id)
        .outerjoin(Location, col(Location.code) == WmsException.location)
        .where(
            col(WmsException.resolved_at).is_(None),
            col(WmsException.kind).in_([str(k) for k in SELF_CLOSING]),
        )
    )
    if order_ids is not None:
        ids = list(order_ids)
        if not ids:
            return []
        stmt = stmt.where(col(WmsException.order_id).in_(ids))
    done: list[tuple] = [
        (exc, order)
        for exc, order, flagged in session.exec(stmt).all()
        if is_settled(exc, order, bool(flagged))
    ]
    if order_ids is None:
        done += [(exc, None) for exc in _tasks_no_longer_paused(session)]
    return done


def settle(uow: UnitOfWork, actor: Actor, order_ids: Iterable[int] | None = None) -> int:
    """Close the open self-closing exceptions (of ``order_ids``, or all) whose work is done."""
    done = settled(uow.session, order_ids)
    for exc, order in done:
        if order is not None:
            why = f"done ({S(order.status).label})"
        else:
            why = "the task is no longer paused"
        close(uow, actor, exc, order, why)
    return len(done)


def close_open(uow: UnitOfWork, actor: Actor, order: Order, kind: str, why: str) -> None:
    """Close every open exception of ``kind`` about ``order`` (see :func:`close`)."""
    for exc in uow.session.exec(
        select(WmsException).where(
            WmsException.order_id == order.id,
            WmsException.kind == kind,
            col(WmsException.resolved_at).is_(None),
        )
    ).all():
        close(uow, actor, exc, order, why)


def close(uow: UnitOfWork, actor: Actor, exc: WmsException, order: Order | None, why: str) -> None:
    """Close ``exc`` now, by ``actor``, with ``why`` in the event log: the one way an
    exception closes, whether its work was done, a person decided, or the dock did it."""
    exc.resolved_at = utcnow()
    exc.resolved_by_id = actor.operator_id
    uow.add(exc)
    events.log(
        uow,
        actor,
        EventKind.EXCEPTION_CLOSED,
        order=order,
        sku=exc.sku,
        location=exc.location,
        detail=f"{exc.kind} #{exc.id}: {why}"[:400],
    )


def _tasks_no_longer_paused(session: Session) -> list[WmsException]:
    """PAUSED_TASK exceptions whose task is no longer paused."""
    from wms_tui.services.exceptions.waiting import task_still_paused

    return [
        exc
        for exc in session.exec(
            select(WmsException).where(
                WmsException.kind == K.PAUSED_TASK, col(WmsException.resolved_at).is_(None)
            )
        ).all()
        if not task_still_paused(session, exc)
    ]
