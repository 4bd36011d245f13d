"""Cancelling an order that is still on the floor: the one path both cancels take.

A supervisor's cancel (:mod:`~wms_tui.services.intake.order_admin`) and the
shop's (a re-import with a cancellation date, :mod:`~wms_tui.services.intake.
order_updates`) must leave the same floor behind. The shop's once gave the
reservations back but left a waved order's stops on its pick task: the picker
was sent to a bin for units no longer reserved for anyone, the stop was
refused ("not reserved…") and the task, with the other orders on its cart,
could never finish.
"""

from __future__ import annotations

from sqlmodel import col, select

from wms_tui.domain.actor import Actor
from wms_tui.domain.enums import OPEN_TASK, EventKind, ExceptionKind, OrderStatus, ParcelStatus
from wms_tui.domain.models import (
    Order,
    OrderLine,
    Parcel,
    PickTask,
    PickTaskLine,
    WmsException,
)
from wms_tui.services.core import events
from wms_tui.services.exceptions.totes import units_held_for
from wms_tui.services.inventory import allocation
from wms_tui.store import UnitOfWork

S = OrderStatus


def cancel_on_floor(uow: UnitOfWork, actor: Actor, order: Order, *, by: str, detail: str) -> str:
    """Cancel ``order`` (locked by the caller): its stock, its stops, what it holds.

    ``by`` words who cancelled in the exception a supervisor reads ("by
    supervisor", "in the shop"); ``detail`` goes on the status change. Returns
    what the floor must still do, for the confirmation ("" when nothing).
    The life cycle refuses an order that has left the building (nothing changed).
    """
    status = S(order.status)
    where = S(order.held_from) if status is S.ON_HOLD and order.held_from else status
    events.change_status(uow, order, S.CANCELLED, actor, detail=detail)
    allocation.deallocate_order(uow, order, actor)
    drop_open_stops(uow, actor, order)
    _void_open_parcels(uow, actor, order)
    # Units already in a tote must go back, whatever the order's state: a short
    # pick backorders an order with its picked units still in the tote.
    if where is not S.PACKED and units_held_for(uow.session, [order.id]):
        _raise(
            uow,
            actor,
            order,
            ExceptionKind.OTHER,
            f"cancelled {by} while {where.label}: put the picked units back",
        )
        return ": put the picked units back"
    if where is S.PACKED:
        _raise(
            uow,
            actor,
            order,
            ExceptionKind.CANCELLED_AFTER_PACK,
            f"cancelled {by} after packing: stop the parcel at the dock",
        )
        return ": stop the parcel at the dock"
    return ""


def _void_open_parcels(uow: UnitOfWork, actor: Actor, order: Order) -> None:
    """A parcel being packed when the order was cancelled will never close: void, not
    left OPEN on a cancelled order (lookup and the API listed it). Its units are
    still in the tote by the ledger, and the put-back exception sends them home."""
    for parcel in uow.session.exec(
        select(Parcel).where(Parcel.order_id == order.id, Parcel.status == ParcelStatus.OPEN)
    ).all():
        void_parcel(
            uow, actor, order, parcel, f"parcel {parcel.seq} was being packed: order cancelled"
        )


def void_parcel(uow: UnitOfWork, actor: Actor, order: Order, parcel: Parcel, detail: str) -> None:
    """A cancelled order's parcel is void, logged with the status it had."""
    was = str(parcel.status)
    parcel.status = ParcelStatus.VOID
    uow.add(parcel)
    events.log(
        uow,
        actor,
        EventKind.PARCEL_VOIDED,
        order=order,
        from_state=was,
        to_state=str(ParcelStatus.VOID),
        detail=detail,
    )


def _raise(uow: UnitOfWork, actor: Actor, order: Order, kind: str, message: str) -> None:
    uow.add(WmsException.raised_by(actor, kind, message, order_id=order.id))


def drop_open_stops(uow: UnitOfWork, actor: Actor, order: Order) -> None:
    """A cancelled order's stops leave the pick tasks still walking for it.

    Left in, the picker would be sent to pick for an order that no longer
    exists and the task could never finish; a task with nothing left to walk
    is finished here (its other orders go on to packing).
    """
    from wms_tui.services.picking.task import TaskContext, maybe_complete

    s = uow.session
    rows = s.exec(
        select(PickTaskLine, PickTask)
        .join(PickTask, col(PickTask.id) == PickTaskLine.task_id)
        .join(OrderLine, col(OrderLine.id) == PickTaskLine.order_line_id)
        .where(
            OrderLine.order_id == order.id,
            col(PickTaskLine.done).is_(False),
            col(PickTask.status).in_(OPEN_TASK),
        )
    ).all()
    tasks = {}
    for line, task in rows:
        line.done = True
        uow.add(line)
        tasks[task.id] = task
    uow.flush()
    for task in tasks.values():
        events.log(
            uow, actor, EventKind.TASK_STOPS_DROPPED, order=order, detail=f"task {task.code}"
        )
        maybe_complete(uow, actor, TaskContext(s, task))
