"""A release batch's stock, reservations and lines, read once for all its orders.

Rows are plain objects, not ORM ones (a batch reads thousands), and what the
batch changed or added is written back with one statement per table.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import insert
from sqlmodel import col, select

from wms_tui.domain.actor import Actor
from wms_tui.domain.clock import utcnow
from wms_tui.domain.enums import EventKind, ExceptionKind, OrderStatus
from wms_tui.domain.lifecycle import apply_transition
from wms_tui.domain.models import Allocation, Location, Order, OrderLine, Stock, WmsException
from wms_tui.services.core import events
from wms_tui.services.inventory.live_stock import LiveStock, candidates_stmt, reserve_from
from wms_tui.store import UnitOfWork
from wms_tui.store.bulk import bulk_insert, bulk_update

_RowT = TypeVar("_RowT", bound="_Row")


class _Row:
    """A row read without the ORM: its columns as attributes.

    A release batch reads thousands of orders, lines and stock rows; plain
    objects cost a fraction of ORM ones to load and change, and the batch
    writes back the columns allocation changes (``written``) itself.
    """

    model: Any = None
    written: tuple[str, ...] = ()

    def __init__(self, columns: dict[str, Any]) -> None:
        self.__dict__.update(columns)

    @classmethod
    def table(cls) -> Any:
        return cls.model.__table__


def _rows(conn: Any, kind: type[_RowT], stmt: Any) -> list[_RowT]:
    """``stmt``'s rows as ``kind``: the column names taken once, not per row."""
    result = conn.execute(stmt)
    keys = tuple(result.keys())
    return [kind(dict(zip(keys, row, strict=True))) for row in result]


class OrderRow(_Row):
    model = Order
    written = ("status", "status_changed_at", "held_from", "hold_reason", "cancelled_at")


class LineRow(_Row):
    model = OrderLine
    written = ("quantity", "qty_allocated")

    @property
    def need(self) -> int:
        return self.quantity - self.qty_short


class _StockRow(_Row):
    model = Stock
    written = ("allocated",)


class _AllocationRow(_Row):
    model = Allocation
    written = ("qty",)


class _ExceptionRow(_Row):
    model = WmsException
    written = ("resolved_at", "resolved_by_id")


@dataclass(slots=True)
class NewAllocation:
    """An allocation a release batch will insert with the batch's other rows."""

    order_line_id: int | None
    product_id: int
    location_id: int
    qty: int


_ORDER_INSERT_COLUMNS = tuple(
    c.name
    for c in Order.__table__.columns  # type: ignore[attr-defined]
    if c.name != "id"
)
_ORDER_INSERT = insert(Order).returning(col(Order.id))


_ALLOCATION_COLUMNS = ("order_line_id", "product_id", "location_id", "qty", "qty_picked")
_EXCEPTION_COLUMNS = (
    "kind", "at", "order_id", "sku", "location", "operator_id", "operator_name", "terminal",
    "message", "resolved_at", "resolved_by_id",
)  # fmt: skip


class BatchStock(LiveStock):
    """A release batch's stock, reservations and lines, read in a few queries.

    The candidate stock rows of every product the batch needs are loaded (and
    locked: ``FOR UPDATE`` on PostgreSQL) in one query, in the order
    :func:`candidates_stmt` gives per product; allocation then takes from them in
    memory. Rows changed in place (stock, lines, orders) are flushed by the
    ORM; what is new (allocations, backorder exceptions, events) is kept as
    rows, in the order one order at a time would have added them, and
    written by :meth:`write` in one bulk insert per table: building an ORM
    object per event and inserting it with its own statement cost more than
    the allocation itself. Nothing else changes stock in between: SQLite's
    write lock, PostgreSQL's row locks.
    """

    def __init__(self, uow: UnitOfWork, orders: list[Order]) -> None:
        super().__init__(uow)
        s = uow.session
        ids = [o.id for o in orders]
        self.lines: dict[int | None, list[OrderLine]] = {oid: [] for oid in ids}
        self.rows: dict[int, list[Stock]] = defaultdict(list)
        self.allocs: dict[tuple[int | None, int], Allocation] = {}
        self.exceptions: dict[int | None, list[WmsException]] = defaultdict(list)
        self.new_allocations: list[NewAllocation] = []
        self.new_exceptions: list[tuple[Any, ...]] = []
        self.new_events: list[tuple[Any, ...]] = []
        self.changed: dict[type[_Row], dict[int, _Row]] = {}
        if not ids:
            return
        conn = s.connection()
        for line in _rows(
            conn,
            LineRow,
            select(OrderLine)
            .where(col(OrderLine.order_id).in_(ids))
            .order_by(col(OrderLine.order_id), col(OrderLine.line_no)),
        ):
            self.lines[line.order_id].append(line)  # type: ignore[arg-type]
        lines = [ln for order_lines in self.lines.values() for ln in order_lines]
        product_ids = sorted({ln.product_id for ln in lines})
        # The bins only filter and order: their rows are not loaded.
        for st in _rows(
            conn,
            _StockRow,
            candidates_stmt(product_ids, with_bins=False).with_for_update(of=Stock, key_share=True),
        ):
            self.rows[st.product_id].append(st)  # type: ignore[arg-type]
        for alloc in _rows(
            conn,
            _AllocationRow,
            select(Allocation)
            .where(col(Allocation.order_line_id).in_([ln.id for ln in lines]))
            .order_by(col(Allocation.id)),
        ):
            self.allocs.setdefault((alloc.order_line_id, alloc.location_id), alloc)  # type: ignore[arg-type]
        for exc in _rows(
            conn,
            _ExceptionRow,
            select(WmsException)
            .where(
                col(WmsException.order_id).in_(ids),
                WmsException.kind == ExceptionKind.BACKORDER,
                col(WmsException.resolved_at).is_(None),
            )
            .order_by(col(WmsException.id)),
        ):
            self.exceptions[exc.order_id].append(exc)  # type: ignore[arg-type]

    def candidates(self, product_id: int) -> list[tuple[Stock, Location]]:
        return [st for st in self.rows.get(product_id, ()) if st.qty > st.allocated]

    def allocation(self, line: OrderLine, location_id: int | None) -> Allocation | None:
        return self.allocs.get((line.id, location_id))

    def open_backorder_exceptions(self, order: Order) -> list[WmsException]:
        return self.exceptions.get(order.id, [])

    def reserve(
        self, line: OrderLine, qty: int, exclude_location_ids: set[int] | None = None
    ) -> int:
        return reserve_from(self, line, qty, exclude_location_ids)

    def log(self, actor: Actor, kind: EventKind, order: Order, **fields: Any) -> None:
        self.new_events.append(
            events.event_row(
                actor, kind, utcnow(), order_id=order.id, order_name=order.name, **fields
            )
        )

    def change_status(self, order: Order, target: OrderStatus, actor: Actor, detail: str) -> None:
        before, at = apply_transition(order, target, actor)
        self.touch(order)
        self.new_events.append(
            events.event_row(
                actor, EventKind.ORDER_STATUS, at, order_id=order.id, order_name=order.name,
                from_state=before.value, to_state=OrderStatus(target).value, detail=detail,
            )
        )  # fmt: skip

    def new_allocation(self, line: OrderLine, location_id: int, qty: int) -> None:
        alloc = NewAllocation(line.id, line.product_id, location_id, qty)
        self.new_allocations.append(alloc)
        self.allocs[(line.id, location_id)] = alloc  # type: ignore[assignment]

    def grow_allocation(self, alloc: Allocation | NewAllocation, qty: int) -> None:
        alloc.qty += qty
        if isinstance(alloc, _AllocationRow):
            self.touch(alloc)

    def touch(self, row: Any) -> None:
        if isinstance(row, _Row):
            self.changed.setdefault(type(row), {})[row.id] = row
        else:  # a line of a split-off order: new, through the session
            self.uow.add(row)

    def new_exception(self, order_id: int | None, actor: Actor, sku: str, message: str) -> None:
        self.new_exceptions.append(
            (
                ExceptionKind.BACKORDER.value, utcnow(), order_id, sku, "", actor.operator_id,
                actor.name, actor.terminal, message, None, None,
            )
        )  # fmt: skip

    def flush(self) -> None:
        pass  # write() does, once for the batch

    def new_order(self, order: Order) -> None:
        # Inserted on its own, not through the session: flushing the session
        # for its id would write the whole batch so far, once per split. One
        # statement for every split (its values as parameters): building an
        # insert with the values in it cost more than running it.
        values = {name: getattr(order, name) for name in _ORDER_INSERT_COLUMNS}
        conn = self.uow.session.connection()
        order.id = conn.execute(_ORDER_INSERT, values).scalar_one()

    def write(self) -> None:
        """Write the batch: the lines of split-off orders, the changed rows (one
        executemany per table), then the new rows in bulk."""
        self.uow.flush()
        conn = self.uow.session.connection()
        for kind in (OrderRow, LineRow, _StockRow, _AllocationRow, _ExceptionRow):
            rows = self.changed.get(kind)
            if rows:
                bulk_update(
                    conn,
                    kind.table(),
                    kind.written,
                    [
                        (*(getattr(row, name) for name in kind.written), row.id)
                        for row in rows.values()
                    ],
                )
        self.changed = {}
        bulk_insert(
            conn,
            Allocation.__table__,  # type: ignore[attr-defined]
            _ALLOCATION_COLUMNS,
            [
                (a.order_line_id, a.product_id, a.location_id, a.qty, 0)
                for a in self.new_allocations
            ],
        )
        bulk_insert(conn, WmsException.__table__, _EXCEPTION_COLUMNS, self.new_exceptions)  # type: ignore[attr-defined]
        events.insert_rows(self.uow, self.new_events)
        self.new_allocations, self.new_exceptions, self.new_events = [], [], []
        # New allocations are in the store now, as rows.
        self.allocs = {
            key: alloc for key, alloc in self.allocs.items() if isinstance(alloc, _AllocationRow)
        }
