"""Who holds a pick task: taking up a paused one (or one's own on another handheld),
pausing it (Esc, or at logout), a supervisor's release to the next picker, and what a
picker holds and sees. Claiming a free task is :mod:`.claiming`; walking the held task
scan by scan is :mod:`.walk`, which re-exports these for the pick screen.
"""

from __future__ import annotations

from sqlmodel import col, select

from wms_tui.domain.actor import Actor
from wms_tui.domain.enums import EventKind, Role, TaskStatus
from wms_tui.domain.errors import Conflict, DomainError
from wms_tui.domain.models import PickTask
from wms_tui.services.core import events
from wms_tui.services.core.badges import operator_name
from wms_tui.services.picking.claiming import take_task
from wms_tui.services.picking.task import TaskContext, get_task, my_task
from wms_tui.services.picking.task_view import TaskView
from wms_tui.store import Store, UnitOfWork, retrying


@retrying
def resume_task(store: Store, actor: Actor, code: str) -> TaskView:
    """Take up a paused task (or move one's own task to this terminal)."""
    actor.require(Role.PICKER, action="pick")
    with store.unit_of_work() as uow:
        task = get_task(uow.session, code, lock=True)
        status = TaskStatus(task.status)
        if status in (TaskStatus.DONE, TaskStatus.CANCELLED):
            raise DomainError(f"Task {task.code} is already {status.value.lower()}")
        if task.picker_id is not None and task.picker_id != actor.operator_id:
            who = operator_name(uow.session, task.picker_id)
            raise Conflict(f"Task {task.code} is being picked by {who}")
        # One task per picker: the cart holds one task's totes.
        other = uow.session.exec(
            select(PickTask.code).where(
                PickTask.picker_id == actor.operator_id,
                col(PickTask.status).in_([TaskStatus.CLAIMED, TaskStatus.PAUSED]),
                PickTask.id != task.id,
            )
        ).first()
        if other is not None:
            raise Conflict(f"You are picking {other}: finish or release it first")
        kind = EventKind.TASK_CLAIMED if status is TaskStatus.OPEN else EventKind.TASK_RESUMED
        ctx = take_task(uow, actor, task, kind)
        view = ctx.view()
        uow.commit()
    return view


@retrying
def pause_task(store: Store, actor: Actor, code: str) -> TaskView:
    with store.unit_of_work() as uow:
        task = my_task(uow, actor, code)
        task.status = TaskStatus.PAUSED
        uow.add(task)
        events.log(uow, actor, EventKind.TASK_PAUSED, detail=f"task {task.code}")
        view = TaskContext(uow.session, task).view()
        uow.commit()
    return view


def pause_at_logout(uow: UnitOfWork, actor: Actor, *, idle: bool = False) -> str | None:
    """Pause the task this picker has claimed on this terminal (logout, idle or not).

    The same as Esc on the pick screen: the picker gets it back from Pick, on any
    handheld, and a supervisor sees it paused rather than being picked. Returns
    its code, or None when nothing was claimed here.
    """
    task = uow.session.exec(
        select(PickTask)
        .where(
            PickTask.picker_id == actor.operator_id,
            PickTask.status == TaskStatus.CLAIMED,
            PickTask.terminal == actor.terminal,
        )
        .order_by(PickTask.id)
        .limit(1)
        .with_for_update(key_share=True)
    ).first()
    if task is None:
        return None
    task.status = TaskStatus.PAUSED
    uow.add(task)
    why = "idle logout" if idle else "logout"
    events.log(uow, actor, EventKind.TASK_PAUSED, detail=f"task {task.code} ({why})")
    return task.code


@retrying
def release_task(store: Store, actor: Actor, code: str) -> str:
    """Supervisor: take a paused or abandoned task off its picker (units stay picked)."""
    actor.require(Role.SUPERVISOR, action="release pick tasks")
    with store.unit_of_work() as uow:
        message = release_task_in(uow, actor, code)
        uow.commit()
    return message


def release_task_in(uow: UnitOfWork, actor: Actor, code: str) -> str:
    """:func:`release_task` in the caller's unit of work (the exceptions inbox)."""
    actor.require(Role.SUPERVISOR, action="release pick tasks")
    task = get_task(uow.session, code, lock=True)
    if TaskStatus(task.status) not in (TaskStatus.CLAIMED, TaskStatus.PAUSED):
        raise DomainError(f"Task {task.code} is {task.status.lower()}, not with a picker")
    who = operator_name(uow.session, task.picker_id)
    task.status = TaskStatus.OPEN
    task.picker_id = None
    task.terminal = ""
    uow.add(task)
    events.log(uow, actor, EventKind.TASK_RELEASED, detail=f"task {task.code} taken from {who}")
    return f"Task {task.code} released from {who}; the next picker gets it"


def current_stop(store: Store, actor: Actor, code: str) -> TaskView:
    """The task as the picker sees it (read only)."""
    actor.require(Role.PICKER, action="pick")
    with store.read() as s:
        task = get_task(s, code)
        return TaskContext(s, task).view()


def my_open_task(store: Store, actor: Actor) -> str | None:
    """Code of the task this picker has claimed or paused, if any."""
    actor.require(Role.PICKER, action="pick")
    with store.read() as s:
        return s.exec(
            select(PickTask.code).where(
                PickTask.picker_id == actor.operator_id,
                col(PickTask.status).in_([TaskStatus.CLAIMED, TaskStatus.PAUSED]),
            )
        ).first()
