"""The stock allocation may take from, read (and locked) per call: one order at a time.

Pick bins before bulk, oldest stock first, bins flagged for a cycle count left
out. :class:`LiveStock` is also what allocation writes through (reservations,
split-off orders, events, backorder exceptions), so a release batch can put
:class:`~wms_tui.services.inventory.batch_stock.BatchStock` in its place.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

from sqlalchemy import String, bindparam, case, cast, func
from sqlmodel import Session, col, select

from wms_tui.domain.actor import Actor
from wms_tui.domain.enums import EventKind, ExceptionKind, LocationKind, OrderStatus
from wms_tui.domain.models import Allocation, Location, Order, OrderLine, Stock, WmsException
from wms_tui.services.core import events
from wms_tui.store import UnitOfWork

if TYPE_CHECKING:
    from wms_tui.services.inventory.batch_stock import NewAllocation


def _allocatable() -> tuple:
    """The stock rows allocation may take from (joined to their location)."""
    return (
        # Compared as text so SQLite drives the query from the products'
        # stock rows, not from every pick and bulk location (its planner
        # takes the kind index and then probes stock for each product in
        # the list at each location: seconds instead of milliseconds).
        cast(Location.kind, String).in_([LocationKind.PICK.name, LocationKind.BULK.name]),
        col(Location.active).is_(True),
        # A bin a picker found short is suspect until it is counted.
        col(Location.cycle_count_flag).is_(False),
        Stock.qty > Stock.allocated,
    )


def candidates_stmt(product_ids: list[int], *, with_bins: bool = True):
    """Stock a line may be allocated from: pick bins first, then bulk, oldest first.

    Bins flagged for a cycle count (a short pick found less than the system
    said) are left out until the count clears the flag. Several products: in
    product id order, each in that order.
    """
    kind_rank = case((Location.kind == LocationKind.PICK, 0), else_=1)
    by_product = (
        [Stock.product_id == product_ids[0]]
        if len(product_ids) == 1
        else [col(Stock.product_id).in_(product_ids)]
    )
    return (
        (select(Stock, Location) if with_bins else select(Stock))
        .join(Location, col(Location.id) == Stock.location_id)
        .where(*by_product, *_allocatable())
        .order_by(
            col(Stock.product_id), kind_rank, col(Stock.first_received_at), col(Location.code)
        )
    )


@cache
def _free_units_stmt():  # noqa: ANN202 - a select of (product id, units)
    # Built once, the ids bound as an expanding parameter: building the tree
    # cost 50 times what SQLite takes to run it, on every inbox refresh.
    return (
        select(Stock.product_id, func.sum(Stock.qty - Stock.allocated))
        .join(Location, col(Location.id) == Stock.location_id)
        .where(col(Stock.product_id).in_(bindparam("product_ids", expanding=True)), *_allocatable())
        .group_by(col(Stock.product_id))
    )


def free_units(session: Session, product_ids: list[int]) -> dict[int, int]:
    """Product id -> units allocation could take now (only products with some).

    Read without locks, for what the inbox shows and offers: a use case that
    reserves reads :func:`candidates_stmt` again under its own lock.
    """
    if not product_ids:
        return {}
    rows = session.exec(_free_units_stmt(), params={"product_ids": sorted(set(product_ids))})
    return {int(p): int(n) for p, n in rows.all() if n}


def _candidates(uow: UnitOfWork, product_id: int) -> list[tuple[Stock, Location]]:
    # OF stock: the locations joined in are only read. Locking them too made
    # two put-aways into one bin, each releasing backorders, deadlock.
    stmt = candidates_stmt([product_id]).with_for_update(of=Stock, key_share=True)
    return list(uow.session.exec(stmt).all())


def open_qty(line: OrderLine) -> int:
    """Units of a line still needing a reservation."""
    return max(0, line.need - line.qty_allocated)


class LiveStock:
    """Where allocation reads stock and reservations: queried (and locked) per call.

    For one order at a time (a backorder retry, a supervisor's release, a
    short pick). A release batch reads the same things once for all its orders
    (:class:`BatchStock`); both feed the same code in :mod:`allocation`.
    """

    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow

    def candidates(self, product_id: int) -> list[Stock]:
        return [st for st, _ in _candidates(self.uow, product_id)]

    def available(self, product_id: int) -> int:
        return sum(st.qty - st.allocated for st in self.candidates(product_id))

    def allocation(self, line: OrderLine, location_id: int | None) -> Allocation | None:
        return self.uow.session.exec(
            select(Allocation).where(
                Allocation.order_line_id == line.id, Allocation.location_id == location_id
            )
        ).first()

    def open_backorder_exceptions(self, order: Order) -> list[WmsException]:
        return list(
            self.uow.session.exec(
                select(WmsException).where(
                    WmsException.order_id == order.id,
                    WmsException.kind == ExceptionKind.BACKORDER,
                    col(WmsException.resolved_at).is_(None),
                )
            ).all()
        )

    def reserve(
        self, line: OrderLine, qty: int, exclude_location_ids: set[int] | None = None
    ) -> int:
        got = reserve_from(self, line, qty, exclude_location_ids)
        # Callers look at the new Allocation rows with their own queries.
        self.uow.flush()
        return got

    # What allocation writes, besides the rows it read (stock, lines, orders:
    # changed in place and flushed by the ORM). One order at a time: objects
    # in the unit of work.

    def flush(self) -> None:
        """Write what is pending: callers query the rows."""
        self.uow.flush()

    def touch(self, row: Any) -> None:
        """``row`` (an order, line, stock row, allocation or exception) was changed."""
        self.uow.add(row)

    def new_order(self, order: Order) -> None:
        """Insert an order split off now (its lines need its id)."""
        self.uow.add(order)
        self.uow.flush()

    def log(self, actor: Actor, kind: EventKind, order: Order, **fields: Any) -> None:
        events.log(self.uow, actor, kind, order=order, **fields)

    def change_status(self, order: Order, target: OrderStatus, actor: Actor, detail: str) -> None:
        events.change_status(self.uow, order, target, actor, detail=detail)

    def new_allocation(self, line: OrderLine, location_id: int, qty: int) -> None:
        alloc = Allocation(
            order_line_id=line.id, product_id=line.product_id, location_id=location_id, qty=qty
        )
        self.uow.add(alloc)

    def grow_allocation(self, alloc: Allocation | NewAllocation, qty: int) -> None:
        alloc.qty += qty
        self.uow.add(alloc)

    def new_exception(self, order_id: int | None, actor: Actor, sku: str, message: str) -> None:
        self.uow.add(
            WmsException.raised_by(
                actor, ExceptionKind.BACKORDER, message, order_id=order_id, sku=sku
            )
        )


def reserve_from(
    stock: LiveStock, line: OrderLine, qty: int, exclude_location_ids: set[int] | None
) -> int:
    left = qty
    for st in stock.candidates(line.product_id):
        if left == 0:
            break
        if exclude_location_ids and st.location_id in exclude_location_ids:
            continue
        take = min(left, st.qty - st.allocated)
        if take <= 0:
            continue
        st.allocated += take
        stock.touch(st)
        existing = stock.allocation(line, st.location_id)
        if existing is not None:
            stock.grow_allocation(existing, take)
        else:
            stock.new_allocation(line, st.location_id, take)
        line.qty_allocated += take
        left -= take
    stock.touch(line)
    return qty - left


def order_lines(uow: UnitOfWork, order: Order) -> list[OrderLine]:
    return list(
        uow.session.exec(
            select(OrderLine).where(OrderLine.order_id == order.id).order_by(OrderLine.line_no)
        ).all()
    )
