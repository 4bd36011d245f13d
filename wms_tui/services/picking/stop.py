"""A pick scan that reads only its stop: the handheld's last view kept, the stop read fresh.

:class:`~wms_tui.services.picking.task.TaskContext` loads the whole cart (every
stop with its order line, order, product, bin and tote: about 150 rows for a
cart of 24 stops) to find the current stop. A bin, item or tote scan needs one
stop. :class:`StopContext` reads the current stop with what it refers to in one
statement (the same rule as ``TaskContext.current``, in SQL: open, its order not
stopped, ``ORDER BY skipped, seq, id``) and takes the rest of the view from the
:class:`TaskView` the handheld already shows.

The handheld's view is only trusted where it agrees with the database: the stop
read must be the stop the view shows, field for field, and the task's status and
terminal the same; otherwise the scan loads the whole cart as before. Every
decision (which stop, which stage, what is left, whose order) is made on the rows
just read, under the task's lock, so refusals and guards are the full load's.
What the kept view can miss is a change to *another* stop's order (a supervisor
holding an order further down the route): that row shows it when the walk reaches
it (the stop read then differs from the one predicted, and the cart is reloaded)
or on the next full load (a skip, a short, a claim, F5).
"""

from __future__ import annotations

from dataclasses import replace
from functools import cache

from sqlalchemy import bindparam, func
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import Select

from wms_tui.domain.models import Location, Order, OrderLine, PickTask, PickTaskLine, Product
from wms_tui.services.picking.task import STOPPED, TaskContext
from wms_tui.services.picking.task_view import StopInfo, TaskView, ToteInfo

_STOPPED = [str(s) for s in STOPPED]


@cache
def _current_stop() -> Select:
    """The statement, built once: its aliases cost ~7 ms of SQLAlchemy each time built."""
    bin_, tote = aliased(Location), aliased(Location)
    other, other_ol, other_order = aliased(PickTaskLine), aliased(OrderLine), aliased(Order)
    task_id = bindparam("task_id")
    # The cart's shape beside the stop: how many stops, and which are stopped
    # (the sum of their ids), so a view kept from before a hold, a release or
    # a cancellation elsewhere on the cart is not reused.
    n_stops = (
        select(func.count()).select_from(other).where(other.task_id == task_id)
    ).scalar_subquery()
    stopped = (
        select(func.coalesce(func.sum(other.id), 0))
        .join(other_ol, other_ol.id == other.order_line_id)
        .join(other_order, other_order.id == other_ol.order_id)
        .where(other.task_id == task_id, other_order.status.in_(_STOPPED))
    ).scalar_subquery()
    return (
        select(PickTaskLine, OrderLine, Order, Product, bin_, tote, n_stops, stopped)
        .join(OrderLine, col(OrderLine.id) == PickTaskLine.order_line_id)
        .join(Order, col(Order.id) == OrderLine.order_id)
        .join(Product, col(Product.id) == PickTaskLine.product_id)
        .join(bin_, bin_.id == PickTaskLine.location_id)
        .outerjoin(tote, tote.id == PickTaskLine.tote_id)
        .where(
            PickTaskLine.task_id == task_id,
            col(PickTaskLine.done).is_(False),
            col(Order.status).not_in(_STOPPED),
        )
        # TaskContext.current: the first open stop in route order, skipped ones last
        .order_by(col(PickTaskLine.skipped), PickTaskLine.seq, PickTaskLine.id)
        .limit(1)
    )


class StopContext(TaskContext):
    """The current stop only; ``lines`` holds the stops this request read (one or two)."""

    def __init__(self, session: Session, task: PickTask, known: TaskView) -> None:
        # TaskContext.__init__ loads the cart: this is what we avoid.
        self.session = session
        self.task = task
        self.known = known
        self.lines: list[PickTaskLine] = []
        self.olines: dict[int, OrderLine] = {}
        self.orders: dict[int, Order] = {}
        self.locs: dict[int, Location] = {}
        self.products: dict[int, Product] = {}
        self.slot: dict[int, int] = {}
        self.cart: tuple[int, int] | None = None  # (stops, sum of stopped stops' ids)
        self._names = (task.picker_id, known.wave, known.picker)
        self._slots = {t.code: t.slot for t in known.totes}
        self._current = self._read_current()

    @classmethod
    def reuse(cls, session: Session, task: PickTask, known: TaskView | None) -> StopContext | None:
        """A StopContext when ``known`` still describes the task's current stop, else None."""
        if (
            known is None
            or known.stop is None
            or known.code != task.code
            or known.status != str(task.status)
            or known.terminal != task.terminal
        ):
            return None
        ctx = cls(session, task, known)
        cur = ctx.current()
        if cur is None or ctx.stop_info(cur) != known.stop or not ctx._agrees():
            return None
        return ctx

    def _agrees(self) -> bool:
        known = self.known.stops
        return self.cart == (len(known), sum(s.line_id for s in known if s.stopped))

    def _read_current(self) -> PickTaskLine | None:
        row = self.session.exec(_current_stop(), params={"task_id": self.task.id}).first()
        if row is None:
            return None
        ln, ol, order, product, at, into, n, stopped_ids = row
        self.cart = (int(n), int(stopped_ids))
        self.lines.append(ln)
        self.olines[ol.id] = ol  # type: ignore[index]
        self.orders[order.id] = order  # type: ignore[index]
        self.products[product.id] = product  # type: ignore[index]
        self.locs[at.id] = at  # type: ignore[index]
        if into is not None:
            self.locs[into.id] = into  # type: ignore[index]
            self.slot[into.id] = self._slots.get(into.code, 0)  # type: ignore[index]
        return ln

    def current(self) -> PickTaskLine | None:
        return self._current

    def open_lines(self) -> list[PickTaskLine]:
        raise TypeError("StopContext reads one stop: use next_stop() or full()")

    def full(self) -> TaskContext:
        """The whole cart, for what one stop cannot answer (a wrong tote's owner)."""
        self.session.flush()
        return TaskContext(self.session, self.task)

    def next_stop(self, closed: PickTaskLine) -> TaskContext:
        """After ``closed`` is done: self with the next stop read, or the whole cart
        when the task may be complete or the next stop is not the one the view predicts."""
        predicted = _next_in(self.known, closed.id or 0)
        self.session.flush()
        nxt = self._read_current()
        if (
            nxt is None
            or predicted is None
            or self.stop_info(nxt) != predicted
            or not self._agrees()
        ):
            return TaskContext(self.session, self.task)
        self._current = nxt
        return self

    def view(self) -> TaskView:
        known = self.known
        fresh = {ln.id: self.stop_info(ln) for ln in self.lines}
        stops = tuple(fresh.get(s.line_id, s) for s in known.stops)
        touched = {s.tote for s in fresh.values()}
        statuses = {self.order_of(ln).name: str(self.order_of(ln).status) for ln in self.lines}
        totes = tuple(
            _tote(t, stops, statuses.get(t.order, t.order_status)) if t.code in touched else t
            for t in known.totes
        )
        cur = self.current()
        return replace(
            known,
            status=str(self.task.status),
            terminal=self.task.terminal,
            pack_station=self.task.pack_station,
            route_length_m=self.task.route_length_m,
            stop=fresh[cur.id] if cur is not None else None,
            stops=stops,
            totes=totes,
        )


def _next_in(view: TaskView, closed_id: int) -> StopInfo | None:
    """The stop ``TaskContext.current`` would give once ``closed_id`` is done, by the view."""
    open_ = [s for s in view.stops if not s.done and not s.stopped and s.line_id != closed_id]
    return next((s for s in open_ if not s.skipped), None) or next(iter(open_), None)


def _tote(t: ToteInfo, stops: tuple[StopInfo, ...], status: str) -> ToteInfo:
    """``TaskContext.totes``'s sums for one tote, over the view's stops."""
    mine = [s for s in stops if s.tote == t.code]
    return replace(
        t,
        order_status=status,
        units=sum(s.qty - s.short for s in mine),
        picked=sum(s.picked for s in mine),
        short=sum(s.short for s in mine),
    )
