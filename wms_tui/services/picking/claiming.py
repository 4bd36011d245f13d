"""Claiming a pick task: the one claim path of the floor.

The pick screen (through :func:`wms_tui.services.picking.walk.claim_next_task`,
which is this function), ``wms`` devices and the multi-process tests and load
benchmark all claim work here, so what the tests prove is what the floor runs.

Two handhelds never get the same task:

* SQLite: the unit of work starts with ``BEGIN IMMEDIATE``; the second
  handheld waits (busy_timeout) until the first commits, then sees the claim.
* PostgreSQL: the free task is read ``FOR NO KEY UPDATE SKIP LOCKED``: the
  second handheld takes the next free task instead of waiting for the first
  one's. Only the task row is locked here; its orders are updated afterwards
  (READY_TO_PICK -> PICKING), and no other use case locks a task's orders
  for long — wave building leaves orders already in open tasks alone — so a
  claim never waits behind a wave being built.

Lock order (docs/architecture.md): task, then its orders.
"""

from __future__ import annotations

from sqlalchemy import case
from sqlmodel import col, or_, select

from wms_tui.domain.actor import Actor
from wms_tui.domain.clock import utcnow
from wms_tui.domain.enums import EventKind, OrderStatus, Role, TaskStatus
from wms_tui.domain.models import PickTask
from wms_tui.services.core import events
from wms_tui.services.picking.task import TaskContext, TaskView, maybe_complete
from wms_tui.store import Store, UnitOfWork, retrying


def lock_own_task(uow: UnitOfWork, actor: Actor) -> PickTask | None:
    """The task this picker has claimed or paused (on any handheld), locked."""
    return uow.session.exec(
        select(PickTask)
        .where(
            PickTask.picker_id == actor.operator_id,
            col(PickTask.status).in_([TaskStatus.CLAIMED, TaskStatus.PAUSED]),
        )
        .order_by(PickTask.id)
        .limit(1)
        .with_for_update(key_share=True)
    ).first()


def lock_next_free_task(uow: UnitOfWork, actor: Actor) -> PickTask | None:
    """The next open task for this picker (assigned to them first, then the
    most urgent, then the oldest), locked; tasks other handhelds are claiming
    right now are skipped, not waited for."""
    assigned_to_me = case((PickTask.picker_id == actor.operator_id, 0), else_=1)
    return uow.session.exec(
        select(PickTask)
        .where(
            PickTask.status == TaskStatus.OPEN,
            or_(col(PickTask.picker_id).is_(None), PickTask.picker_id == actor.operator_id),
        )
        .order_by(assigned_to_me, col(PickTask.priority).desc(), PickTask.id)
        .limit(1)
        .with_for_update(skip_locked=True, key_share=True)
    ).first()


def take_task(uow: UnitOfWork, actor: Actor, task: PickTask, kind: EventKind) -> TaskContext:
    """Give the locked ``task`` to ``actor`` on their terminal; its orders start picking."""
    task.status = TaskStatus.CLAIMED
    task.picker_id = actor.operator_id
    task.terminal = actor.terminal
    task.claimed_at = task.claimed_at or utcnow()
    uow.add(task)
    ctx = TaskContext(uow.session, task)
    for order in ctx.orders.values():
        if OrderStatus(order.status) is OrderStatus.READY_TO_PICK:
            events.change_status(uow, order, OrderStatus.PICKING, actor, detail=f"task {task.code}")
    events.log(uow, actor, kind, detail=f"task {task.code}")
    return ctx


@retrying
def claim_next_task(store: Store, actor: Actor) -> TaskView | None:
    """The picker's own unfinished task, else the next free one; None if none is left."""
    actor.require(Role.PICKER, action="pick")
    with store.unit_of_work() as uow:
        mine = lock_own_task(uow, actor)
        if mine is not None:
            ctx = take_task(uow, actor, mine, EventKind.TASK_RESUMED)
        else:
            task = lock_next_free_task(uow, actor)
            if task is None:
                return None
            ctx = take_task(uow, actor, task, EventKind.TASK_CLAIMED)
        maybe_complete(uow, actor, ctx)
        view = ctx.view()
        uow.commit()
    return view
