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

from typing import Any

from sqlalchemy import case, func
from sqlmodel import col, or_, select

from wms_tui.domain.actor import Actor
from wms_tui.domain.clock import utcnow
from wms_tui.domain.enums import EventKind, OrderStatus, Role, TaskStatus
from wms_tui.domain.models import PickTask
from wms_tui.services.core import events
from wms_tui.services.picking.task import TaskContext, maybe_complete
from wms_tui.services.picking.task_view import TaskView
from wms_tui.store import Store, UnitOfWork, retrying


def _own_task(actor: Actor) -> Any:
    """The task this picker has claimed or paused (on any handheld), locked."""
    return (
        select(PickTask.id)
        .where(
            PickTask.picker_id == actor.operator_id,
            col(PickTask.status).in_([TaskStatus.CLAIMED, TaskStatus.PAUSED]),
        )
        .order_by(PickTask.id)
        .limit(1)
        .with_for_update(key_share=True)
        .scalar_subquery()
    )


def _next_free_task(actor: Actor) -> Any:
    """The next open task for this picker (assigned to them first, then the
    most urgent, then the oldest), locked; tasks other handhelds are claiming
    right now are skipped, not waited for."""
    assigned_to_me = case((PickTask.picker_id == actor.operator_id, 0), else_=1)
    return (
        select(PickTask.id)
        .where(
            PickTask.status == TaskStatus.OPEN,
            or_(col(PickTask.picker_id).is_(None), PickTask.picker_id == actor.operator_id),
        )
        .order_by(assigned_to_me, col(PickTask.priority).desc(), PickTask.id)
        .limit(1)
        .with_for_update(skip_locked=True, key_share=True)
        .scalar_subquery()
    )


def lock_task_to_work(uow: UnitOfWork, actor: Actor) -> PickTask | None:
    """The picker's own unfinished task, else the next free one, locked; None
    if neither is left.

    One statement: COALESCE of the two locking subqueries, and PostgreSQL
    runs the second (which locks a free task) only when the first found
    none. The outer lock returns the row as locked, not as the statement's
    snapshot saw it. Two statements cost a claim a round trip more, and at
    32 terminals on a loaded machine each round trip is a wait for a CPU at
    both ends (docs/load.md).
    """
    return uow.session.exec(
        select(PickTask)
        .where(PickTask.id == func.coalesce(_own_task(actor), _next_free_task(actor)))
        .with_for_update(key_share=True)
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
        task = lock_task_to_work(uow, actor)
        if task is None:
            return None
        mine = task.picker_id == actor.operator_id and TaskStatus(task.status) in (
            TaskStatus.CLAIMED,
            TaskStatus.PAUSED,
        )
        kind = EventKind.TASK_RESUMED if mine else EventKind.TASK_CLAIMED
        ctx = take_task(uow, actor, task, kind)
        maybe_complete(uow, actor, ctx)
        view = ctx.view()
        uow.commit()
    return view
