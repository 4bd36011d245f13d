"""The orders waiting for a pack station, and what a packer left open at one.

Reads only: the pack screen's queue, and after a restart or a logout the order
to go on with.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case
from sqlalchemy.orm import aliased
from sqlmodel import col, select

from wms_tui.domain.actor import Actor
from wms_tui.domain.enums import OrderStatus
from wms_tui.domain.models import Order, OrderLine, PickTask, PickTaskLine, Service
from wms_tui.services.core import priority
from wms_tui.services.packing import totes as pack_totes
from wms_tui.services.packing.change import require_packer
from wms_tui.store import Store


@dataclass(frozen=True)
class QueueRow:
    order_id: int
    name: str
    status: str
    lines: int
    units: int
    totes: str
    priority: int
    carrier: str
    here: bool  # sent to this station by picking, or already open here


def station_queue(store: Store, actor: Actor, limit: int = 20) -> list[QueueRow]:
    """Orders waiting for a pack station: this station's first, then the house ranking."""
    require_packer(actor)
    # One query for the order open here and the waiting ones (an idle station
    # asks all day): mine first, then orders with totes at (or sent to) this
    # station, then the house ranking.
    mine = (
        (Order.status == OrderStatus.PACKING)
        & (Order.locked_by_operator_id == actor.operator_id)
        & (Order.locked_terminal == actor.terminal)
    )
    # Only picked orders' lines: the station's whole history of pick lines
    # would be read into the IN set on every poll.
    picked = aliased(Order)
    sent_here = (
        select(OrderLine.order_id)
        .join(PickTaskLine, col(PickTaskLine.order_line_id) == OrderLine.id)
        .join(PickTask, col(PickTask.id) == PickTaskLine.task_id)
        .join(picked, picked.id == OrderLine.order_id)
        .where(PickTask.pack_station == actor.terminal, picked.status == OrderStatus.PICKED)
    )
    here = (Order.status == OrderStatus.PICKED) & col(Order.id).in_(sent_here)
    with store.read() as s:
        found = s.exec(
            select(Order, case((mine, True), else_=False), case((here, True), else_=False))
            .outerjoin(Service, col(Service.id) == Order.service_id)
            .where(
                col(Order.status).in_([OrderStatus.PICKED, OrderStatus.PACKING]),
                (Order.status == OrderStatus.PICKED)
                | col(Order.locked_by_operator_id).is_(None)
                | mine,
            )
            .order_by(case((mine, 0), else_=1), case((here, 0), else_=1), *priority.order_by())
            .limit(limit)
        ).all()
        ordered = [o for o, _, _ in found]
        here_ids = {o.id for o, is_mine, is_here in found if is_mine or is_here}
        if not ordered:
            return []  # an idle station asks every few seconds: no lines to read
        # Lines and totes of every row at once: the queue is refreshed all day.
        ids = [o.id for o in ordered]
        lines_of: dict[int, list[OrderLine]] = {}
        for ln in s.exec(select(OrderLine).where(col(OrderLine.order_id).in_(ids))).all():
            lines_of.setdefault(ln.order_id, []).append(ln)
        totes_of = pack_totes.totes_of_orders(s, ids)  # type: ignore[arg-type]
        rows: list[QueueRow] = []
        for o in ordered:
            lines = lines_of.get(o.id, [])  # type: ignore[arg-type]
            totes = totes_of.get(o.id, [])  # type: ignore[arg-type]
            rows.append(
                QueueRow(
                    order_id=o.id,  # type: ignore[arg-type]
                    name=o.name,
                    status=str(o.status),
                    lines=len(lines),
                    units=sum(ln.need for ln in lines),
                    totes=" ".join(t.code for t in totes),
                    priority=o.priority,
                    carrier=o.shipping_method,
                    here=o.id in here_ids,
                )
            )
    return rows


def my_open_order(store: Store, actor: Actor) -> int | None:
    """The order this packer has open at this station (after a restart or logout)."""
    require_packer(actor)
    with store.read() as s:
        return s.exec(
            select(Order.id).where(
                Order.status == OrderStatus.PACKING,
                Order.locked_by_operator_id == actor.operator_id,
                Order.locked_terminal == actor.terminal,
            )
        ).first()


def left_on_bench(store: Store, actor: Actor) -> str | None:
    """The name of an order another packer left open at this station, if any."""
    require_packer(actor)
    with store.read() as s:
        return s.exec(
            select(Order.name).where(
                Order.status == OrderStatus.PACKING,
                Order.locked_terminal == actor.terminal,
                col(Order.locked_by_operator_id).is_not(None),
                Order.locked_by_operator_id != actor.operator_id,
            )
        ).first()
