"""Exceptions for work that waits without anyone having raised one.

Two things can hold an order or a task with no person's task naming them and
no exception saying so:

* an order ON_HOLD for its payment (the shop sent it unpaid, or the payment
  turned pending or refunded): raised as PAYMENT_HOLD, resolved by *approve*
  (a supervisor ships it unpaid) or *cancel*, and closed by itself when the
  order leaves the hold any other way (the shop reports it paid);
* a pick task PAUSED (its picker logged out mid-task) for longer than the
  house's ``abandoned_task_minutes``: raised as PAUSED_TASK, resolved by
  *free the task* (the next picker claims it), and closed by itself when the
  task is taken up again or finished.

:func:`raise_waiting` runs where :func:`settle` runs before the inbox lists,
so whichever path put an order on hold, it shows.
"""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, col, func, select

from wms_tui.domain.actor import Actor
from wms_tui.domain.clock import utcnow
from wms_tui.domain.enums import EventKind, TaskStatus
from wms_tui.domain.enums import ExceptionKind as K
from wms_tui.domain.enums import OrderStatus as S
from wms_tui.domain.models import Event, Operator, Order, PickTask, WmsException
from wms_tui.services.core import settings
from wms_tui.services.core.clock import warehouse_zone
from wms_tui.store import UnitOfWork

TASK_PREFIX = "task:"
PAYMENT = "payment"


def is_payment_hold(order: Order) -> bool:
    return S(order.status) is S.ON_HOLD and order.hold_reason.lower().startswith(PAYMENT)


def raise_waiting(uow: UnitOfWork, actor: Actor) -> int:
    """Raise the PAYMENT_HOLD and PAUSED_TASK exceptions not raised yet; how many."""
    del actor  # raised on the house's behalf: the rows name the shop or the picker
    found = unraised(uow.session)
    for row in found:
        uow.add(row)
    return len(found)


def unraised(session: Session) -> list[WmsException]:
    """The PAYMENT_HOLD and PAUSED_TASK exceptions due and not raised yet (not added)."""
    return _payment_holds(session) + _paused_tasks(session)


def _open(kind: K):
    return select(WmsException).where(
        WmsException.kind == kind, col(WmsException.resolved_at).is_(None)
    )


def _payment_holds(s: Session) -> list[WmsException]:
    raised = select(WmsException.order_id).where(
        WmsException.kind == K.PAYMENT_HOLD, col(WmsException.resolved_at).is_(None)
    )
    held = s.exec(
        select(Order)
        .where(
            Order.status == S.ON_HOLD,
            func.lower(Order.hold_reason).startswith(PAYMENT),
            col(Order.id).not_in(raised),
        )
        .order_by(col(Order.id))
    ).all()
    return [
        WmsException(
            kind=K.PAYMENT_HOLD,
            # Its age is the hold's, not the listing's that noticed it: the
            # demo's three-day-old payment holds read "0m" in the inbox.
            at=order.status_changed_at or utcnow(),
            order_id=order.id,
            operator_name="shop",
            message=(
                f"{order.name} is on hold: {order.hold_reason}. Approve to ship it "
                "unpaid, or cancel it"
            ),
        )
        for order in held
    ]


def _paused_tasks(s: Session) -> list[WmsException]:
    paused = s.exec(
        select(PickTask).where(PickTask.status == TaskStatus.PAUSED).order_by(col(PickTask.id))
    ).all()
    if not paused:
        return []
    raised = {e.location for e in s.exec(_open(K.PAUSED_TASK)).all()}
    limit = timedelta(minutes=settings.get_int(s, "abandoned_task_minutes"))
    now = utcnow()
    tz = warehouse_zone(s)
    found = []
    for task in paused:
        ref = TASK_PREFIX + task.code
        if ref in raised:
            continue
        since = paused_since(s, task)
        if since is None or now - since < limit:
            continue
        picker = s.get(Operator, task.picker_id) if task.picker_id else None
        who = picker.name if picker is not None else "nobody"
        found.append(
            WmsException(
                kind=K.PAUSED_TASK,
                at=since,  # waiting since the pause, not since it was noticed
                location=ref,
                operator_id=task.picker_id,
                operator_name=who,
                terminal=task.terminal,
                message=(
                    f"Task {task.code} paused by {who} since "
                    f"{since.astimezone(tz):%H:%M} and not taken up: free it for the next picker"
                ),
            )
        )
    return found


def paused_since(session: Session, task: PickTask):  # noqa: ANN201 - datetime | None
    """When the task was last paused (the event log; a task row keeps no such time)."""
    detail = f"task {task.code}"
    return session.exec(
        select(func.max(Event.at)).where(
            Event.kind == EventKind.TASK_PAUSED,
            (Event.detail == detail) | col(Event.detail).startswith(detail + " ("),
        )
    ).one()


def task_still_paused(session: Session, exc: WmsException) -> bool:
    code = exc.location.removeprefix(TASK_PREFIX)
    status = session.exec(select(PickTask.status).where(PickTask.code == code)).first()
    return status is not None and TaskStatus(status) is TaskStatus.PAUSED
