"""The orders waiting for a pack station, and what a packer left open at one.

Reads only: the pack screen's queue, and after a restart or a logout the order
to go on with.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, bindparam, case, func
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


def _queue_query() -> Select:
    """The order open here and the waiting ones, in one query built once.

    Mine first, then orders with totes at (or sent to) this station, then the
    house ranking. An idle station asks all day: building the statement (and
    its cache key) and an ORM object per row cost more than the query.
    """
    operator, terminal = bindparam("operator_id"), bindparam("terminal")
    mine = (
        (Order.status == OrderStatus.PACKING)
        & (Order.locked_by_operator_id == operator)
        & (Order.locked_terminal == terminal)
    )
    # Only picked orders' lines: the station's whole history of pick lines
    # would be read into the IN set on every poll.
    picked = aliased(Order)
    sent_here = (
        select(OrderLine.order_id)
        .join(PickTaskLine, col(PickTaskLine.order_line_id) == OrderLine.id)
        .join(PickTask, col(PickTask.id) == PickTaskLine.task_id)
        .join(picked, picked.id == OrderLine.order_id)
        .where(PickTask.pack_station == terminal, picked.status == OrderStatus.PICKED)
    )
    here = (Order.status == OrderStatus.PICKED) & col(Order.id).in_(sent_here)
    return (
        select(
            Order.id,
            Order.name,
            Order.status,
            Order.priority,
            Order.shipping_method,
            case((mine, True), else_=False),
            case((here, True), else_=False),
        )
        .outerjoin(Service, col(Service.id) == Order.service_id)
        .where(
            col(Order.status).in_([OrderStatus.PICKED, OrderStatus.PACKING]),
            (Order.status == OrderStatus.PICKED)
            | col(Order.locked_by_operator_id).is_(None)
            | mine,
        )
        .order_by(case((mine, 0), else_=1), case((here, 0), else_=1), *priority.order_by())
        .limit(bindparam("limit"))
    )


_QUEUE = _queue_query()
# Lines and units of every row at once: counted in SQL, no line objects.
_LINE_COUNTS = (
    select(
        OrderLine.order_id,
        func.count(),
        func.sum(col(OrderLine.quantity) - col(OrderLine.qty_short)),
    )
    .where(col(OrderLine.order_id).in_(bindparam("ids", expanding=True)))
    .group_by(OrderLine.order_id)
)


def station_queue(store: Store, actor: Actor, limit: int = 20) -> list[QueueRow]:
    """Orders waiting for a pack station: this station's first, then the house ranking."""
    require_packer(actor)
    params = {"operator_id": actor.operator_id, "terminal": actor.terminal, "limit": limit}
    with store.read() as s:
        conn = s.connection()
        found = conn.execute(_QUEUE, params).all()
        if not found:
            return []  # an idle station asks every few seconds: no lines to read
        ids = [row[0] for row in found]
        counts = {oid: (n, units) for oid, n, units in conn.execute(_LINE_COUNTS, {"ids": ids})}
        totes_of = pack_totes.totes_of_orders(s, ids)
        rows: list[QueueRow] = []
        for oid, name, status, prio, method, is_mine, is_here in found:
            n, units = counts.get(oid, (0, 0))
            rows.append(
                QueueRow(
                    order_id=oid,
                    name=name,
                    status=str(status),
                    lines=n,
                    units=int(units or 0),
                    totes=" ".join(t.code for t in totes_of.get(oid, [])),
                    priority=prio,
                    carrier=method,
                    here=bool(is_mine or is_here),
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
