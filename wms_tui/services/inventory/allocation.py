"""Reserving stock for orders, and giving it back.

Allocation takes pick bins before bulk and the oldest stock first (FIFO by
``Stock.first_received_at``). An order is allocated whole or not at all unless
it may ship split (tag ``split-ok`` or a supervisor's say): then what is in
stock goes ahead and the rest is split off into a backordered order
``#1042-B1`` that is released when stock arrives (:mod:`backorder_split`).
The stock it reads and reserves from is :mod:`live_stock` for one order at a
time and :mod:`batch_stock` for a release batch; the same code here runs over
both.

Releasing due orders and retrying backorders (who gets arriving stock first)
are use cases of their own: :mod:`wms_tui.services.intake.release`.

Invariant kept here: for every ``Stock`` row, ``allocated`` equals the sum of
unpicked ``Allocation`` quantities on it, and never exceeds ``qty``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlmodel import select

from wms_tui.domain.actor import SYSTEM, Actor
from wms_tui.domain.clock import utcnow
from wms_tui.domain.enums import EventKind, OrderStatus
from wms_tui.domain.errors import DomainError
from wms_tui.domain.models import Allocation, Order, OrderLine, Stock
from wms_tui.services.core import events
from wms_tui.services.inventory.backorder_split import split_off_shortages_from
from wms_tui.services.inventory.live_stock import LiveStock, open_qty, order_lines
from wms_tui.store import UnitOfWork


@dataclass(frozen=True)
class Shortage:
    sku: str
    wanted: int
    available: int

    @property
    def missing(self) -> int:
        return self.wanted - self.available

    def __str__(self) -> str:
        return f"{self.sku} short {self.missing} (need {self.wanted}, have {self.available})"


def available_qty(uow: UnitOfWork, product_id: int) -> int:
    return LiveStock(uow).available(product_id)


def reserve(
    uow: UnitOfWork, line: OrderLine, qty: int, *, exclude_location_ids: set[int] | None = None
) -> int:
    """Reserve up to ``qty`` units for ``line``; returns how many were reserved."""
    return LiveStock(uow).reserve(line, qty, exclude_location_ids)


def shortages(uow: UnitOfWork, order: Order) -> list[Shortage]:
    """What is missing to allocate the whole order (aggregated per SKU)."""
    return _shortages(LiveStock(uow), order_lines(uow, order))


def _shortages(stock: LiveStock, lines: list[OrderLine]) -> list[Shortage]:
    need: dict[int, int] = defaultdict(int)
    skus: dict[int, str] = {}
    for line in lines:
        need[line.product_id] += open_qty(line)
        skus[line.product_id] = line.sku
    out = []
    for pid, wanted in need.items():
        if wanted <= 0:
            continue
        have = stock.available(pid)
        if have < wanted:
            out.append(Shortage(skus[pid], wanted, have))
    return out


def allocate_order(uow: UnitOfWork, order: Order, actor: Actor = SYSTEM) -> list[Shortage]:
    """Reserve stock for ``order`` and move it to READY_TO_PICK or BACKORDERED.

    Returns the shortages (empty when fully allocated).
    """
    return allocate_from(LiveStock(uow), order, order_lines(uow, order), actor)


def allocate_from(
    stock: LiveStock, order: Order, lines: list[OrderLine], actor: Actor
) -> list[Shortage]:
    status = OrderStatus(order.status)
    if status not in (OrderStatus.NEW, OrderStatus.BACKORDERED, OrderStatus.READY_TO_PICK):
        raise DomainError(f"Order {order.name} is {status.label}; it cannot be allocated now")
    missing = _shortages(stock, lines)
    if missing and order.split_allowed and _has_any_stock(stock, lines):
        split_off_shortages_from(stock, order, lines, actor)
        missing = []
    if missing:
        if status is not OrderStatus.BACKORDERED:
            stock.change_status(order, OrderStatus.BACKORDERED, actor, "; ".join(map(str, missing)))
            stock.new_exception(
                order.id, actor, ", ".join(s.sku for s in missing), "; ".join(map(str, missing))
            )
        return missing
    for line in lines:
        want = open_qty(line)
        if want:
            got = stock.reserve(line, want)
            assert got == want, "availability checked above under the same write lock"
            stock.log(actor, EventKind.STOCK_ALLOCATE, order, sku=line.sku, qty=got)
    if status is not OrderStatus.READY_TO_PICK:
        stock.change_status(order, OrderStatus.READY_TO_PICK, actor, "allocated")
        for exc in stock.open_backorder_exceptions(order):
            exc.resolved_at = utcnow()
            exc.resolved_by_id = actor.operator_id
            stock.touch(exc)
    return []


def _has_any_stock(stock: LiveStock, lines: list[OrderLine]) -> bool:
    return any(stock.available(line.product_id) > 0 for line in lines if open_qty(line))


def deallocate_order(uow: UnitOfWork, order: Order, actor: Actor) -> int:
    """Give back every unpicked reservation of ``order``; returns units released."""
    released = 0
    for line in order_lines(uow, order):
        for alloc in uow.session.exec(
            select(Allocation).where(Allocation.order_line_id == line.id)
        ).all():
            left = alloc.qty - alloc.qty_picked
            if left <= 0:
                continue
            st = uow.session.exec(
                select(Stock).where(
                    Stock.product_id == alloc.product_id, Stock.location_id == alloc.location_id
                )
            ).one()
            st.allocated -= left
            alloc.qty -= left
            line.qty_allocated -= left
            released += left
            uow.add(st)
            uow.add(alloc)
        uow.add(line)
    if released:
        events.log(uow, actor, EventKind.STOCK_DEALLOCATE, order=order, qty=released)
    uow.flush()
    return released
