"""Work an operator left open, offered again at their next login on any terminal.

A connection that drops (a handheld out of Wi-Fi, a browser tab closed), a
logout or a shift change leaves work where it was: a pick task paused (or
still claimed, when the terminal died before it could log out) and an order
open at a pack station. Logging in anywhere offers it again; taking it up
goes on exactly where the store says it stopped, since every accepted scan
was committed and a half-done one was rolled back.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sqlmodel import col, select

from wms_tui.domain.actor import Actor
from wms_tui.domain.enums import EventKind, OrderStatus, Role, TaskStatus
from wms_tui.domain.errors import Conflict, DomainError
from wms_tui.domain.models import Order, OrderLine, PickTask
from wms_tui.domain.text import plural
from wms_tui.services.core import events
from wms_tui.services.core.badges import operator_name
from wms_tui.services.picking.task import TaskContext
from wms_tui.store import Store, retrying


@dataclass(frozen=True)
class OpenWork:
    kind: Literal["pick", "pack"]
    code: str  # the task's code or the order's name
    terminal: str  # where it was left
    here: bool  # left on this very terminal
    progress: str  # "stop 3/11, 4 units picked" / "5 of 8 units scanned"

    @property
    def question(self) -> str:
        what = f"pick task {self.code}" if self.kind == "pick" else f"order {self.code}"
        return f"Go on with {what}?"

    @property
    def details(self) -> tuple[str, str]:
        """What was done, and where: one short line each (a handheld has 36 columns)."""
        # "Left here" read as "what is left here": say it was left open, and where.
        where = "this terminal" if self.here else (self.terminal or "another terminal")
        return self.progress, f"Left open on {where}"

    @property
    def later(self) -> str:
        """What "not now" does: a packer who said no and opened the pack station found
        the order there again and read the answer as ignored."""
        if self.kind == "pick":
            return "Later: the task stays paused"
        if self.here:
            return "Later: stays open here, F12 parks it"
        return f"Later: stays open on {self.terminal or 'its station'}"


def open_work(store: Store, actor: Actor) -> OpenWork | None:
    """The pick task, else the pack order, this operator has open; None if neither."""
    with store.read() as s:
        if actor.has(Role.PICKER):
            task = s.exec(
                select(PickTask)
                .where(
                    PickTask.picker_id == actor.operator_id,
                    col(PickTask.status).in_([TaskStatus.CLAIMED, TaskStatus.PAUSED]),
                )
                .order_by(PickTask.id)
            ).first()
            if task is not None:
                view = TaskContext(s, task).view()
                progress = f"stop {view.progress}, {plural(view.units_picked, 'unit')} picked"
                return OpenWork(
                    "pick", task.code, task.terminal, task.terminal == actor.terminal, progress
                )
        if actor.has(Role.PACKER):
            order = s.exec(
                select(Order)
                .where(
                    Order.status == OrderStatus.PACKING,
                    Order.locked_by_operator_id == actor.operator_id,
                )
                .order_by(Order.id)
            ).first()
            if order is not None:
                lines = s.exec(select(OrderLine).where(OrderLine.order_id == order.id)).all()
                need = sum(ln.need for ln in lines)
                done = sum(ln.qty_packed for ln in lines)
                terminal = order.locked_terminal or ""
                return OpenWork(
                    "pack",
                    order.name,
                    terminal,
                    terminal == actor.terminal,
                    f"{done} of {plural(need, 'unit')} scanned",
                )
    return None


@retrying
def take_pack_order_here(store: Store, actor: Actor, name: str) -> None:
    """Move the packer's own open order to this station (its tote came along).

    Refused when another order is open at this station: one order per bench.
    """
    actor.require(Role.PACKER, action="pack")
    with store.unit_of_work() as uow:
        s = uow.session
        order = s.exec(
            select(Order).where(Order.name == name).with_for_update(key_share=True)
        ).first()
        if (
            order is None
            or OrderStatus(order.status) is not OrderStatus.PACKING
            or order.locked_by_operator_id != actor.operator_id
        ):
            raise DomainError(f"Order {name} is no longer open for you")
        if order.locked_terminal == actor.terminal:
            return
        other = s.exec(
            select(Order).where(
                Order.status == OrderStatus.PACKING,
                Order.locked_terminal == actor.terminal,
                Order.id != order.id,
            )
        ).first()
        if other is not None:
            who = operator_name(s, other.locked_by_operator_id)
            raise Conflict(f"Order {other.name} is open here ({who}): close or park it first")
        was = order.locked_terminal or ""
        order.locked_terminal = actor.terminal
        uow.add(order)
        events.log(
            uow,
            actor,
            EventKind.PACK_MOVED,
            order=order,
            prior_terminal=was,
            detail=f"moved from {was} to {actor.terminal} by its packer",
        )
        uow.commit()
