"""Reserving stock for orders, backorders and splits.

Allocation takes pick bins before bulk and the oldest stock first (FIFO by
``Stock.first_received_at``). An order is allocated whole or not at all unless
it may ship split (tag ``split-ok`` or a supervisor's say): then what is in
stock goes ahead and the rest is split off into a backordered order
``#1042-B1`` that is released when stock arrives.

Releasing due orders and retrying backorders (who gets arriving stock first)
are use cases of their own: :mod:`wms_tui.services.intake.release`.

Invariant kept here: for every ``Stock`` row, ``allocated`` equals the sum of
unpicked ``Allocation`` quantities on it, and never exceeds ``qty``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import String, bindparam, case, cast, insert
from sqlmodel import col, select

from wms_tui.domain.actor import SYSTEM, Actor
from wms_tui.domain.clock import utcnow
from wms_tui.domain.enums import EventKind, ExceptionKind, LocationKind, OrderStatus
from wms_tui.domain.errors import DomainError
from wms_tui.domain.lifecycle import apply_transition
from wms_tui.domain.models import (
    Allocation,
    Location,
    Order,
    OrderLine,
    Stock,
    WmsException,
)
from wms_tui.services.core import events
from wms_tui.store import UnitOfWork, bulk_insert, bulk_update


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


def _candidates_stmt(product_ids: list[int], *, with_bins: bool = True):
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
        .where(
            *by_product,
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
        .order_by(
            col(Stock.product_id), kind_rank, col(Stock.first_received_at), col(Location.code)
        )
    )


def _candidates(uow: UnitOfWork, product_id: int) -> list[tuple[Stock, Location]]:
    # OF stock: the locations joined in are only read. Locking them too made
    # two put-aways into one bin, each releasing backorders, deadlock.
    stmt = _candidates_stmt([product_id]).with_for_update(of=Stock, key_share=True)
    return list(uow.session.exec(stmt).all())


def open_qty(line: OrderLine) -> int:
    """Units of a line still needing a reservation."""
    return max(0, line.need - line.qty_allocated)


def available_qty(uow: UnitOfWork, product_id: int) -> int:
    return _LiveStock(uow).available(product_id)


class _LiveStock:
    """Where allocation reads stock and reservations: queried (and locked) per call.

    For one order at a time (a backorder retry, a supervisor's release, a
    short pick). A release batch reads the same things once for all its orders
    (:class:`BatchStock`); both feed the same allocation code below.
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
        got = _reserve(self, line, qty, exclude_location_ids)
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

    def grow_allocation(self, alloc: Allocation | _NewAllocation, qty: int) -> None:
        alloc.qty += qty
        self.uow.add(alloc)

    def new_exception(self, order_id: int | None, actor: Actor, sku: str, message: str) -> None:
        self.uow.add(
            WmsException(
                kind=ExceptionKind.BACKORDER,
                order_id=order_id,
                sku=sku,
                operator_id=actor.operator_id,
                operator_name=actor.name,
                terminal=actor.terminal,
                message=message,
            )
        )


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
class _NewAllocation:
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
# Whether a split-off order's name is taken (``#1042-B1``, ``-B2``, ...).
_NAME_TAKEN = select(Order.id).where(Order.name == bindparam("name")).limit(1)

_ALLOCATION_COLUMNS = ("order_line_id", "product_id", "location_id", "qty", "qty_picked")
_EXCEPTION_COLUMNS = (
    "kind", "at", "order_id", "sku", "location", "operator_id", "operator_name", "terminal",
    "message", "resolved_at", "resolved_by_id",
)  # fmt: skip


class BatchStock(_LiveStock):
    """A release batch's stock, reservations and lines, read in a few queries.

    The candidate stock rows of every product the batch needs are loaded (and
    locked: ``FOR UPDATE`` on PostgreSQL) in one query, in the order
    :func:`_candidates` gives per product; allocation then takes from them in
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
        self.new_allocations: list[_NewAllocation] = []
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
            _candidates_stmt(product_ids, with_bins=False).with_for_update(
                of=Stock, key_share=True
            ),
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
        return _reserve(self, line, qty, exclude_location_ids)

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
        alloc = _NewAllocation(line.id, line.product_id, location_id, qty)
        self.new_allocations.append(alloc)
        self.allocs[(line.id, location_id)] = alloc  # type: ignore[assignment]

    def grow_allocation(self, alloc: Allocation | _NewAllocation, qty: int) -> None:
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


def reserve(
    uow: UnitOfWork, line: OrderLine, qty: int, *, exclude_location_ids: set[int] | None = None
) -> int:
    """Reserve up to ``qty`` units for ``line``; returns how many were reserved."""
    return _LiveStock(uow).reserve(line, qty, exclude_location_ids)


def _reserve(
    stock: _LiveStock, line: OrderLine, qty: int, exclude_location_ids: set[int] | None
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


def shortages(uow: UnitOfWork, order: Order) -> list[Shortage]:
    """What is missing to allocate the whole order (aggregated per SKU)."""
    return _shortages(_LiveStock(uow), order_lines(uow, order))


def _shortages(stock: _LiveStock, lines: list[OrderLine]) -> list[Shortage]:
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
    return allocate_from(_LiveStock(uow), order, order_lines(uow, order), actor)


def allocate_from(
    stock: _LiveStock, order: Order, lines: list[OrderLine], actor: Actor
) -> list[Shortage]:
    status = OrderStatus(order.status)
    if status not in (OrderStatus.NEW, OrderStatus.BACKORDERED, OrderStatus.READY_TO_PICK):
        raise DomainError(f"Order {order.name} is {status.label}; it cannot be allocated now")
    missing = _shortages(stock, lines)
    if missing and order.split_allowed and _has_any_stock(stock, lines):
        _split_off_shortages(stock, order, lines, actor)
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


def _has_any_stock(stock: _LiveStock, lines: list[OrderLine]) -> bool:
    return any(stock.available(line.product_id) > 0 for line in lines if open_qty(line))


def split_off_shortages(uow: UnitOfWork, order: Order, actor: Actor) -> Order | None:
    """Move the quantities that cannot be allocated now into a backordered order."""
    return _split_off_shortages(_LiveStock(uow), order, order_lines(uow, order), actor)


def _split_off_shortages(
    stock: _LiveStock, order: Order, lines: list[OrderLine], actor: Actor
) -> Order | None:
    free: dict[int, int] = {}
    moved: list[tuple[OrderLine, int]] = []
    for line in lines:
        want = open_qty(line)
        if not want:
            continue
        if line.product_id not in free:
            free[line.product_id] = stock.available(line.product_id)
        can = min(want, free[line.product_id])
        free[line.product_id] -= can
        if want - can:
            moved.append((line, want - can))
    if not moved:
        return None
    return _split(
        stock,
        actor,
        order,
        moved,
        split_detail="backordered part moved to {child}: "
        + ", ".join(f"{ln.sku}×{q}" for ln, q in moved),
        created_detail=f"split from {order.name}",
    )


def split_into_backorder(
    uow: UnitOfWork,
    actor: Actor,
    order: Order,
    moved: list[tuple[OrderLine, int]],
    *,
    split_detail: str,
    created_detail: str,
    sku: str = "",
    qty: int | None = None,
) -> Order:
    """Move ``qty`` of each line into a new BACKORDERED order ``#1042-Bn``; log both sides.

    ``split_detail`` may contain ``{child}`` for the new order's name. Lines
    wholly moved keep quantity 0 on the original as a record of the split.
    """
    return _split(
        _LiveStock(uow),
        actor,
        order,
        moved,
        split_detail=split_detail,
        created_detail=created_detail,
        sku=sku,
        qty=qty,
    )


# What a split-off order does not take over from the order it came from.
_NOT_INHERITED = frozenset(
    {
        "id",
        "name",
        "status",
        "status_changed_at",
        "source_hash",
        "held_from",
        "locked_by_operator_id",
        "locked_terminal",
        "locked_at",
    }
)


def _columns_of(order: Order | OrderRow) -> dict[str, Any]:
    if isinstance(order, OrderRow):
        return dict(vars(order))
    return order.model_dump()


def _split(
    stock: _LiveStock,
    actor: Actor,
    order: Order,
    moved: list[tuple[OrderLine, int]],
    *,
    split_detail: str,
    created_detail: str,
    sku: str = "",
    qty: int | None = None,
) -> Order:
    uow = stock.uow
    n = 1
    # Split-off orders are written as soon as they are made (below), so this
    # sees them without flushing everything else first.
    with uow.session.no_autoflush:
        while uow.session.execute(_NAME_TAKEN, {"name": f"{order.name}-B{n}"}).first():
            n += 1
    child = Order(
        **{key: value for key, value in _columns_of(order).items() if key not in _NOT_INHERITED},
        name=f"{order.name}-B{n}",
        status=OrderStatus.BACKORDERED,
    )
    stock.new_order(child)
    for i, (line, q) in enumerate(moved, start=1):
        uow.add(
            OrderLine(
                order_id=child.id,
                line_no=i,
                product_id=line.product_id,
                sku=line.sku,
                name=line.name,
                options=line.options,
                quantity=q,
                price=line.price,
            )
        )
        line.quantity -= q
        stock.touch(line)
    stock.log(
        actor,
        EventKind.ORDER_SPLIT,
        order,
        sku=sku,
        qty=qty,
        detail=split_detail.replace("{child}", child.name),
    )
    stock.log(
        actor,
        EventKind.ORDER_CREATED,
        child,
        to_state=OrderStatus.BACKORDERED.value,
        detail=created_detail,
    )
    # The backorder waits on something a supervisor can see and act on, like
    # any order allocation backorders (it closes when the child is allocated).
    stock.new_exception(
        child.id,
        actor,
        ", ".join(dict.fromkeys(ln.sku for ln, _ in moved)),
        f"{', '.join(f'{ln.sku} ×{q}' for ln, q in moved)} split from "
        f"{order.name}: waits for stock",
    )
    stock.flush()
    return child


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
