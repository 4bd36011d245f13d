"""The state of a pick task as the picker sees it, read from its rows.

:class:`TaskContext` loads a task's stops and everything they refer to once
per request and answers: which stop is current (route order, skipped stops
at the end), at which stage it is (pick units, or put them in the tote), and
what the handheld should show (a :class:`~.task_view.TaskView`). Completing a
task (every stop done) moves its fully picked orders to PICKED.
"""

from __future__ import annotations

from functools import cache

from sqlalchemy import bindparam
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import Select

from wms_tui.domain.actor import Actor
from wms_tui.domain.clock import utcnow
from wms_tui.domain.enums import EventKind, OrderStatus, Role, TaskStatus, WaveStatus
from wms_tui.domain.errors import Conflict, DomainError, NotFound
from wms_tui.domain.models import (
    Location,
    Operator,
    Order,
    OrderLine,
    PickTask,
    PickTaskLine,
    Product,
    Wave,
)
from wms_tui.domain.shown import excerpt
from wms_tui.services.core import events
from wms_tui.services.core.badges import operator_name
from wms_tui.services.inventory import allocation
from wms_tui.services.picking.task_view import (
    Completion,
    ScanOutcome,
    Stage,
    StopInfo,
    TaskView,
    ToteInfo,
)
from wms_tui.store import UnitOfWork

# Orders whose stops are not walked (a supervisor stopped them mid-wave).
STOPPED = frozenset({OrderStatus.ON_HOLD, OrderStatus.CANCELLED})


# --------------------------------------------------------------------------- loading


@cache
def _task_by_code(lock: bool) -> Select:
    """Built once (every scan reads its task, locked)."""
    stmt = select(PickTask).where(PickTask.code == bindparam("code"))
    return stmt.with_for_update(key_share=True) if lock else stmt


def get_task(session: Session, code: str, *, lock: bool = False) -> PickTask:
    task = session.exec(_task_by_code(lock), params={"code": code.strip().upper()}).first()
    if task is None:
        raise NotFound(f"No pick task {excerpt(code.strip().upper())}")
    return task


def my_task(uow: UnitOfWork, actor: Actor, code: str) -> PickTask:
    """The task, locked, if this actor is picking it on this terminal."""
    actor.require(Role.PICKER, action="pick")
    task = get_task(uow.session, code, lock=True)
    status = TaskStatus(task.status)
    if task.picker_id is not None and task.picker_id != actor.operator_id:
        who = operator_name(uow.session, task.picker_id)
        raise Conflict(f"Task {task.code} is being picked by {who}")
    if status is TaskStatus.DONE:
        raise DomainError(f"Task {task.code} is already done")
    if status is TaskStatus.CANCELLED:
        raise DomainError(f"Task {task.code} was cancelled")
    if status is TaskStatus.PAUSED:
        raise DomainError(f"Task {task.code} is paused: resume it first")
    if status is TaskStatus.OPEN:
        raise DomainError(f"Task {task.code} is not claimed: start it from the Pick menu")
    if task.terminal and task.terminal != actor.terminal:
        raise Conflict(f"Task {task.code} is open on {task.terminal}: resume it here first")
    return task


@cache
def _cart() -> Select:
    """TaskContext's statement, built once with bound parameters: every claim and
    full load built it anew (two aliases and two subqueries, ~0.7 ms of SQLAlchemy
    a time before its cache key was even computed)."""
    bin_, tote = aliased(Location), aliased(Location)
    return (
        select(
            PickTaskLine,
            OrderLine,
            Order,
            Product,
            bin_,
            tote,
            select(Wave.code).where(Wave.id == bindparam("wave_id")).scalar_subquery(),
            select(Operator.name).where(Operator.id == bindparam("picker_id")).scalar_subquery(),
        )
        .join(OrderLine, col(OrderLine.id) == PickTaskLine.order_line_id)
        .join(Order, col(Order.id) == OrderLine.order_id)
        .join(Product, col(Product.id) == PickTaskLine.product_id)
        .join(bin_, bin_.id == PickTaskLine.location_id)
        .outerjoin(tote, tote.id == PickTaskLine.tote_id)
        .where(PickTaskLine.task_id == bindparam("task_id"))
        .order_by(PickTaskLine.seq, PickTaskLine.id)
    )


class TaskContext:
    """Rows a task's stops refer to, loaded once per request.

    One query whatever the task's size: its lines joined with their order
    lines, orders, products, bins and totes, and the wave's code and picker's
    name beside them. Every claim and every scan builds one; a row-by-row load
    cost a claim of 13 stops 45 round trips, four queries (one a table) cost
    three more round trips than this, each a wait for a CPU at both ends when
    32 terminals share a loaded machine (docs/load.md).
    """

    def __init__(self, session: Session, task: PickTask) -> None:
        self.session = session
        self.task = task
        self.lines: list[PickTaskLine] = []
        self.olines: dict[int, OrderLine] = {}
        self.orders: dict[int, Order] = {}
        self.locs: dict[int, Location] = {}
        self.products: dict[int, Product] = {}
        rows = session.exec(
            _cart(),
            params={"task_id": task.id, "wave_id": task.wave_id, "picker_id": task.picker_id},
        ).all()
        # (picker id, wave code, picker name) as loaded: view() reads them
        # again only if the task changed hands since.
        self._names: tuple[int | None, str, str] | None = None
        for ln, ol, order, product, at, into, wave, picker in rows:
            self.lines.append(ln)
            self.olines[ol.id] = ol  # type: ignore[index]
            self.orders[order.id] = order  # type: ignore[index]
            self.products[product.id] = product  # type: ignore[index]
            self.locs[at.id] = at  # type: ignore[index]
            if into is not None:
                self.locs[into.id] = into  # type: ignore[index]
            self._names = (task.picker_id, wave or "", picker or "")
        totes = sorted({ln.tote_id for ln in self.lines if ln.tote_id}, key=self.loc_code)
        self.slot = {tid: i for i, tid in enumerate(totes, start=1)}

    def _load(self, ln: PickTaskLine) -> None:
        s = self.session
        if ln.order_line_id not in self.olines:
            ol = s.get(OrderLine, ln.order_line_id)
            assert ol is not None
            self.olines[ol.id] = ol
            if ol.order_id not in self.orders:
                self.orders[ol.order_id] = s.get(Order, ol.order_id)  # type: ignore[assignment]
        for lid in (ln.location_id, ln.tote_id):
            if lid and lid not in self.locs:
                self.locs[lid] = s.get(Location, lid)  # type: ignore[assignment]
        if ln.product_id not in self.products:
            self.products[ln.product_id] = s.get(Product, ln.product_id)  # type: ignore[assignment]

    def add(self, ln: PickTaskLine) -> None:
        self.lines.append(ln)
        self.lines.sort(key=lambda x: (x.seq, x.id or 0))
        self._load(ln)

    def loc_code(self, lid: int | None) -> str:
        if not lid:
            return ""
        if lid not in self.locs:
            self.locs[lid] = self.session.get(Location, lid)  # type: ignore[assignment]
        return self.locs[lid].code

    def order_of(self, ln: PickTaskLine) -> Order:
        return self.orders[self.olines[ln.order_line_id].order_id]

    def stopped(self, ln: PickTaskLine) -> bool:
        return OrderStatus(self.order_of(ln).status) in STOPPED

    def open_lines(self) -> list[PickTaskLine]:
        return [ln for ln in self.lines if not ln.done and not self.stopped(ln)]

    def current(self) -> PickTaskLine | None:
        """First open stop in route order; skipped stops come back at the end."""
        open_ = self.open_lines()
        return next((ln for ln in open_ if not ln.skipped), None) or next(iter(open_), None)

    def visiting_order(self) -> list[PickTaskLine]:
        open_ = self.open_lines()
        return [ln for ln in open_ if not ln.skipped] + [ln for ln in open_ if ln.skipped]

    def stop_info(self, ln: PickTaskLine) -> StopInfo:
        product = self.products[ln.product_id]
        return StopInfo(
            line_id=ln.id or 0,
            seq=ln.seq,
            bin=self.loc_code(ln.location_id),
            sku=product.sku,
            name=product.name,
            options=self.olines[ln.order_line_id].options or product.options_text,
            qty=ln.qty,
            picked=ln.qty_picked,
            short=ln.qty_short,
            tote=self.loc_code(ln.tote_id),
            slot=self.slot.get(ln.tote_id or 0, 0),
            order=self.order_of(ln).name,
            stage=stage(ln),
            skipped=ln.skipped,
            done=ln.done,
            stopped=self.stopped(ln),
        )

    def totes(self) -> tuple[ToteInfo, ...]:
        out = []
        for tid, slot in sorted(self.slot.items(), key=lambda kv: kv[1]):
            lines = [ln for ln in self.lines if ln.tote_id == tid]
            order = self.order_of(lines[0])
            out.append(
                ToteInfo(
                    slot=slot,
                    code=self.loc_code(tid),
                    order=order.name,
                    order_status=str(order.status),
                    units=sum(ln.qty - ln.qty_short for ln in lines),
                    picked=sum(ln.qty_picked for ln in lines),
                    short=sum(ln.qty_short for ln in lines),
                )
            )
        return tuple(out)

    def names(self) -> tuple[str, str]:
        """The wave's code and the picker's name."""
        task = self.task
        if self._names is not None and self._names[0] == task.picker_id:
            return self._names[1], self._names[2]
        # Two names in one round trip, without loading the rows behind them.
        wave, picker = self.session.exec(
            select(
                select(Wave.code).where(Wave.id == task.wave_id).scalar_subquery(),
                select(Operator.name).where(Operator.id == task.picker_id).scalar_subquery(),
            )
        ).one()
        return wave or "", picker or ""

    def view(self) -> TaskView:
        task = self.task
        wave, picker = self.names()
        cur = self.current()
        return TaskView(
            code=task.code,
            wave=wave or "",
            status=str(task.status),
            picker=picker or "",
            terminal=task.terminal,
            pack_station=task.pack_station,
            route_length_m=task.route_length_m,
            stop=self.stop_info(cur) if cur else None,
            stops=tuple(self.stop_info(ln) for ln in self.lines),
            totes=self.totes(),
        )


def stage(ln: PickTaskLine) -> Stage:
    if ln.qty_picked > 0 and ln.qty_picked + ln.qty_short >= ln.qty:
        return Stage.TOTE
    return Stage.PICK


def advance(
    uow: UnitOfWork, actor: Actor, ctx: TaskContext, kind: str, msg: str, here: str | None
) -> ScanOutcome:
    """After a stop closes: the next stop (keeping the bin if it is the same) or the end."""
    finished = maybe_complete(uow, actor, ctx)
    if finished is not None:
        return ScanOutcome(kind, f"{msg}. {finished.message}", ctx.view(), None, finished)
    nxt = ctx.current()
    assert nxt is not None
    nxt_bin = ctx.loc_code(nxt.location_id)
    if nxt_bin == here and stage(nxt) is Stage.PICK:
        sku = ctx.products[nxt.product_id].sku
        tote = ctx.loc_code(nxt.tote_id)
        return ScanOutcome(kind, f"{msg}. Same bin: {sku} for {tote}", ctx.view(), here)
    if msg.endswith(f" {nxt_bin}"):  # a short pick's new stop, first on the way
        return ScanOutcome(kind, f"{msg}, next", ctx.view(), None)
    return ScanOutcome(kind, f"{msg}. Next: {nxt_bin}", ctx.view(), None)


# --------------------------------------------------------------------------- completion


def maybe_complete(uow: UnitOfWork, actor: Actor, ctx: TaskContext) -> Completion | None:
    if ctx.current() is not None:  # any open stop (a StopContext knows only the current)
        return None
    return complete(uow, actor, ctx)


def complete(uow: UnitOfWork, actor: Actor, ctx: TaskContext) -> Completion:
    s = uow.session
    task = ctx.task
    task.status = TaskStatus.DONE
    task.finished_at = utcnow()
    uow.add(task)
    picking = [o for o in ctx.orders.values() if OrderStatus(o.status) is OrderStatus.PICKING]
    # Every line of the cart's orders in one read (a read per order before): lines
    # on no stop of this task count too, a short pick's backorder for one.
    owed: dict[int, list[OrderLine]] = {o.id: [] for o in picking}  # type: ignore[misc]
    if picking:
        for x in s.exec(select(OrderLine).where(col(OrderLine.order_id).in_(list(owed)))):
            owed[x.order_id].append(x)
    for order in picking:
        lines = owed[order.id]  # type: ignore[index]
        if all(x.qty_picked >= x.need for x in lines):
            detail = f"task {task.code} → {task.pack_station}"
            events.change_status(uow, order, OrderStatus.PICKED, actor, detail=detail)
        else:
            # Units this task never had a stop for (a short pick backordered the
            # order and stock came back while the task went on): a wave picks the
            # rest, or the order waits for stock with a BACKORDER exception.
            # Left PICKING, no task would ever name it again.
            events.change_status(
                uow,
                order,
                OrderStatus.READY_TO_PICK,
                actor,
                detail=f"task {task.code} done; the rest is picked in another task",
            )
            allocation.allocate_order(uow, order, actor)
    if task.wave_id is not None:
        statuses = s.exec(select(PickTask.status).where(PickTask.wave_id == task.wave_id)).all()
        if all(TaskStatus(x) in (TaskStatus.DONE, TaskStatus.CANCELLED) for x in statuses):
            wave = s.get(Wave, task.wave_id)
            if wave is not None:
                wave.status = WaveStatus.DONE
                uow.add(wave)
    done = Completion(task.code, task.pack_station, ctx.totes())
    events.log(uow, actor, EventKind.TASK_DONE, detail=done.message[:400])
    return done
