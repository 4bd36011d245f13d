"""Walking a pick task: claim, bin scan, item scans, put to tote, skip, pause, short.

One task is a cart of totes (one order per tote) and a list of stops in route
order. At each stop the picker

1. scans the bin (the handheld remembers that and passes it back as ``at_bin``;
   nothing is written),
2. scans the item once per unit, a case code for ``pack_qty`` units, or types
   a count and scans once (``count``): each accepted scan moves the units from
   the bin into the tote in the ledger (``move_stock`` with the allocation
   consumed) and logs a ``pick.unit`` event with order, SKU, quantity and bin,
3. when the stop's quantity is reached, scans the tote the units go into; that
   closes the stop. A wrong tote, a repeated item scan (a double-pressed
   trigger) or any over-pick is refused there and changes nothing.

Every function opens one unit of work and commits only when the request is
accepted, so a refused scan leaves the database as it was. State lives in the
database (``PickTaskLine.qty_picked/qty_short/done/skipped``); the only thing
the handheld keeps is which bin it has confirmed.

Short picks (``report_short``) give back the reservation on the bin, flag the
bin for a cycle count, and re-allocate the rest from other bins
(``allocation.reserve`` excluding this bin and other flagged bins) as new stops
inserted where they cost the least walking. What cannot be re-allocated is
split off into a backordered order when the order may ship split, otherwise
the whole order becomes BACKORDERED; either way a SHORT_PICK exception tells
the supervisor who, where and what.

Order status: READY_TO_PICK -> PICKING when its task is claimed, PICKING ->
PICKED when the task completes with every unit picked. A BACKORDERED order
keeps what was picked in its tote, and the tote goes to the supervisor.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import case
from sqlmodel import Session, col, or_, select

from wms_tui.domain.actor import Actor
from wms_tui.domain.clock import utcnow
from wms_tui.domain.enums import (
    ExceptionKind,
    LocationKind,
    MovementReason,
    OrderStatus,
    Role,
    TaskStatus,
    WaveStatus,
)
from wms_tui.domain.errors import Conflict, DomainError, NotFound
from wms_tui.domain.models import (
    Allocation,
    Location,
    Operator,
    Order,
    OrderLine,
    PickTask,
    PickTaskLine,
    Product,
    Wave,
    WmsException,
)
from wms_tui.services import allocation, events, inventory
from wms_tui.services.floor_plan import FloorPlan, floor_plan
from wms_tui.services.inventory import ScannedProduct
from wms_tui.store import Store, UnitOfWork

# Orders whose stops are not walked (a supervisor stopped them mid-wave).
STOPPED = frozenset({OrderStatus.ON_HOLD, OrderStatus.CANCELLED})

SHORT_REASONS: dict[str, str] = {
    "empty": "bin empty",
    "short": "fewer than asked",
    "damaged": "damaged units",
    "missing": "item not in bin",
}

MAX_COUNT = 999


class Stage(StrEnum):
    PICK = "pick"  # scan the bin, then the items
    TOTE = "tote"  # all units in hand: scan the tote


# --------------------------------------------------------------------------- views


@dataclass(frozen=True)
class StopInfo:
    line_id: int
    seq: int
    bin: str
    sku: str
    name: str
    options: str
    qty: int
    picked: int
    short: int
    tote: str
    slot: int
    order: str
    stage: Stage
    skipped: bool
    done: bool
    stopped: bool = False  # order on hold / cancelled: not walked

    @property
    def remaining(self) -> int:
        return max(0, self.qty - self.picked - self.short)


@dataclass(frozen=True)
class ToteInfo:
    slot: int
    code: str
    order: str
    order_status: str
    units: int
    picked: int
    short: int


@dataclass(frozen=True)
class TaskView:
    code: str
    wave: str
    status: str
    picker: str
    terminal: str
    pack_station: str
    route_length_m: float
    stop: StopInfo | None
    stops: tuple[StopInfo, ...]
    totes: tuple[ToteInfo, ...]

    @property
    def stops_total(self) -> int:
        return sum(1 for s in self.stops if not s.stopped)

    @property
    def stops_done(self) -> int:
        return sum(1 for s in self.stops if s.done and not s.stopped)

    @property
    def progress(self) -> str:
        """``7/23``: the stop being worked on out of all stops."""
        return f"{min(self.stops_done + 1, self.stops_total)}/{self.stops_total}"

    @property
    def units_total(self) -> int:
        return sum(s.qty for s in self.stops if not s.stopped)

    @property
    def units_picked(self) -> int:
        return sum(s.picked for s in self.stops)

    @property
    def units_short(self) -> int:
        return sum(s.short for s in self.stops)


@dataclass(frozen=True)
class Completion:
    task: str
    pack_station: str
    totes: tuple[ToteInfo, ...]

    @property
    def to_pack(self) -> tuple[ToteInfo, ...]:
        return tuple(
            t for t in self.totes if t.picked and t.order_status == OrderStatus.PICKED.value
        )

    @property
    def to_supervisor(self) -> tuple[ToteInfo, ...]:
        return tuple(
            t for t in self.totes if t.picked and t.order_status != OrderStatus.PICKED.value
        )

    @property
    def message(self) -> str:
        pack = self.to_pack
        text = f"Task {self.task} done."
        if pack:
            text += f" Bring {len(pack)} tote{'s' if len(pack) != 1 else ''} to {self.pack_station}"
        else:
            text += " Nothing to pack"
        if self.to_supervisor:
            text += "; " + ", ".join(t.code for t in self.to_supervisor) + " to the supervisor"
        return text


@dataclass(frozen=True)
class ScanOutcome:
    kind: str  # bin | item | tote | short | skip | pause
    message: str
    view: TaskView
    at_bin: str | None = None  # the bin the handheld is confirmed at now
    finished: Completion | None = None


# --------------------------------------------------------------------------- loading


def _get_task(session: Session, code: str, *, lock: bool = False) -> PickTask:
    stmt = select(PickTask).where(PickTask.code == code.strip().upper())
    if lock:
        stmt = stmt.with_for_update()
    task = session.exec(stmt).first()
    if task is None:
        raise NotFound(f"No pick task {code.strip()}")
    return task


def _operator_name(session: Session, operator_id: int | None) -> str:
    if operator_id is None:
        return ""
    op = session.get(Operator, operator_id)
    return op.name if op else ""


def _my_task(uow: UnitOfWork, actor: Actor, code: str) -> PickTask:
    """The task, locked, if this actor is picking it on this terminal."""
    actor.require(Role.PICKER, action="pick")
    task = _get_task(uow.session, code, lock=True)
    status = TaskStatus(task.status)
    if task.picker_id is not None and task.picker_id != actor.operator_id:
        who = _operator_name(uow.session, task.picker_id)
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


def _lines(session: Session, task: PickTask) -> list[PickTaskLine]:
    return list(
        session.exec(
            select(PickTaskLine)
            .where(PickTaskLine.task_id == task.id)
            .order_by(PickTaskLine.seq, PickTaskLine.id)
        ).all()
    )


class _Ctx:
    """Rows a task's stops refer to, loaded once per request."""

    def __init__(self, session: Session, task: PickTask) -> None:
        self.session = session
        self.task = task
        self.lines = _lines(session, task)
        self.olines: dict[int, OrderLine] = {}
        self.orders: dict[int, Order] = {}
        self.locs: dict[int, Location] = {}
        self.products: dict[int, Product] = {}
        for ln in self.lines:
            self._load(ln)
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
            stage=_stage(ln),
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
                    units=sum(ln.qty for ln in lines),
                    picked=sum(ln.qty_picked for ln in lines),
                    short=sum(ln.qty_short for ln in lines),
                )
            )
        return tuple(out)

    def view(self) -> TaskView:
        task = self.task
        wave = self.session.get(Wave, task.wave_id) if task.wave_id else None
        cur = self.current()
        return TaskView(
            code=task.code,
            wave=wave.code if wave else "",
            status=str(task.status),
            picker=_operator_name(self.session, task.picker_id),
            terminal=task.terminal,
            pack_station=task.pack_station,
            route_length_m=task.route_length_m,
            stop=self.stop_info(cur) if cur else None,
            stops=tuple(self.stop_info(ln) for ln in self.lines),
            totes=self.totes(),
        )


def _stage(ln: PickTaskLine) -> Stage:
    if ln.qty_picked > 0 and ln.qty_picked + ln.qty_short >= ln.qty:
        return Stage.TOTE
    return Stage.PICK


# --------------------------------------------------------------------------- claiming


def _take(uow: UnitOfWork, actor: Actor, task: PickTask, kind: str) -> _Ctx:
    task.status = TaskStatus.CLAIMED
    task.picker_id = actor.operator_id
    task.terminal = actor.terminal
    task.claimed_at = task.claimed_at or utcnow()
    uow.add(task)
    ctx = _Ctx(uow.session, task)
    for order in ctx.orders.values():
        if OrderStatus(order.status) is OrderStatus.READY_TO_PICK:
            events.change_status(uow, order, OrderStatus.PICKING, actor, detail=f"task {task.code}")
    events.log(uow, actor, kind, detail=f"task {task.code}")
    return ctx


def claim_next_task(store: Store, actor: Actor) -> TaskView | None:
    """The picker's own unfinished task, else the next free one; None if none is left.

    Two terminals never get the same task: on SQLite the unit of work holds
    the write lock (BEGIN IMMEDIATE) from the read to the commit; on
    PostgreSQL ``FOR UPDATE SKIP LOCKED`` makes the second terminal take the
    next free task instead of waiting for the first one's.
    """
    actor.require(Role.PICKER, action="pick")
    with store.unit_of_work() as uow:
        s = uow.session
        mine = s.exec(
            select(PickTask)
            .where(
                PickTask.picker_id == actor.operator_id,
                col(PickTask.status).in_([TaskStatus.CLAIMED, TaskStatus.PAUSED]),
            )
            .order_by(PickTask.id)
            .limit(1)
            .with_for_update()
        ).first()
        if mine is not None:
            ctx = _take(uow, actor, mine, "task.resumed")
        else:
            assigned_to_me = case((PickTask.picker_id == actor.operator_id, 0), else_=1)
            task = s.exec(
                select(PickTask)
                .where(
                    PickTask.status == TaskStatus.OPEN,
                    or_(
                        col(PickTask.picker_id).is_(None),
                        PickTask.picker_id == actor.operator_id,
                    ),
                )
                .order_by(assigned_to_me, col(PickTask.priority).desc(), PickTask.id)
                .limit(1)
                .with_for_update(skip_locked=True)
            ).first()
            if task is None:
                return None
            ctx = _take(uow, actor, task, "task.claimed")
        _maybe_complete(uow, actor, ctx)
        view = ctx.view()
        uow.commit()
    return view


def resume_task(store: Store, actor: Actor, code: str) -> TaskView:
    """Take up a paused task (or move one's own task to this terminal)."""
    actor.require(Role.PICKER, action="pick")
    with store.unit_of_work() as uow:
        task = _get_task(uow.session, code, lock=True)
        status = TaskStatus(task.status)
        if status in (TaskStatus.DONE, TaskStatus.CANCELLED):
            raise DomainError(f"Task {task.code} is already {status.value.lower()}")
        if task.picker_id is not None and task.picker_id != actor.operator_id:
            who = _operator_name(uow.session, task.picker_id)
            raise Conflict(f"Task {task.code} is being picked by {who}")
        kind = "task.claimed" if status is TaskStatus.OPEN else "task.resumed"
        ctx = _take(uow, actor, task, kind)
        view = ctx.view()
        uow.commit()
    return view


def pause_task(store: Store, actor: Actor, code: str) -> TaskView:
    with store.unit_of_work() as uow:
        task = _my_task(uow, actor, code)
        task.status = TaskStatus.PAUSED
        uow.add(task)
        events.log(uow, actor, "task.paused", detail=f"task {task.code}")
        view = _Ctx(uow.session, task).view()
        uow.commit()
    return view


def release_task(store: Store, actor: Actor, code: str) -> str:
    """Supervisor: take a paused or abandoned task off its picker (units stay picked)."""
    actor.require(Role.SUPERVISOR, action="release pick tasks")
    with store.unit_of_work() as uow:
        task = _get_task(uow.session, code, lock=True)
        if TaskStatus(task.status) not in (TaskStatus.CLAIMED, TaskStatus.PAUSED):
            raise DomainError(f"Task {task.code} is {task.status.lower()}, not with a picker")
        who = _operator_name(uow.session, task.picker_id)
        task.status = TaskStatus.OPEN
        task.picker_id = None
        task.terminal = ""
        uow.add(task)
        events.log(uow, actor, "task.released", detail=f"task {task.code} taken from {who}")
        uow.commit()
    return f"Task {code.upper()} released from {who}; the next picker gets it"


def current_stop(store: Store, actor: Actor, code: str) -> TaskView:
    """The task as the picker sees it (read only)."""
    with store.read() as s:
        task = _get_task(s, code)
        return _Ctx(s, task).view()


def my_open_task(store: Store, actor: Actor) -> str | None:
    """Code of the task this picker has claimed or paused, if any."""
    with store.read() as s:
        return s.exec(
            select(PickTask.code).where(
                PickTask.picker_id == actor.operator_id,
                col(PickTask.status).in_([TaskStatus.CLAIMED, TaskStatus.PAUSED]),
            )
        ).first()


# --------------------------------------------------------------------------- scanning


def _identify(session: Session, code: str) -> Location | ScannedProduct | None:
    loc = session.exec(select(Location).where(Location.code == code.upper())).first()
    if loc is not None:
        return loc
    try:
        return inventory.find_product_by_scan(session, code)
    except NotFound:
        return None


def _tote_owner(session: Session, tote: Location) -> str | None:
    """Code of the open task whose cart holds ``tote``."""
    return session.exec(
        select(PickTask.code)
        .join(PickTaskLine, col(PickTaskLine.task_id) == PickTask.id)
        .where(
            PickTaskLine.tote_id == tote.id,
            col(PickTask.status).in_([TaskStatus.OPEN, TaskStatus.CLAIMED, TaskStatus.PAUSED]),
        )
    ).first()


def _wrong_tote(ctx: _Ctx, ln: PickTaskLine, tote: Location) -> str:
    want = f"tote {ctx.slot.get(ln.tote_id or 0, 0)} {ctx.loc_code(ln.tote_id)}"
    if tote.id in ctx.slot:
        other = next(x for x in ctx.lines if x.tote_id == tote.id)
        return f"Wrong tote {tote.code} ({ctx.order_of(other).name}): these go in {want}"
    owner = _tote_owner(ctx.session, tote)
    if owner:
        return f"Tote {tote.code} belongs to task {owner}: use {want}"
    return f"Tote {tote.code} is not on this cart: use {want}"


def scan(
    store: Store,
    actor: Actor,
    task_code: str,
    code: str,
    *,
    at_bin: str | None = None,
    count: int = 1,
) -> ScanOutcome:
    """Interpret a scan at the current stop: bin, item(s) or tote, by stage.

    ``at_bin`` is the bin the handheld confirmed earlier; ``count`` multiplies
    an item scan ("5", Enter, then scan once). Raises DomainError with the
    reason (nothing changed) for anything but the expected code.
    """
    code = code.strip()
    if not code:
        raise DomainError("Nothing scanned")
    if not 1 <= count <= MAX_COUNT:
        raise DomainError(f"Count must be 1 to {MAX_COUNT} (got {count})")
    with store.unit_of_work() as uow:
        task = _my_task(uow, actor, task_code)
        ctx = _Ctx(uow.session, task)
        ln = ctx.current()
        if ln is None:
            raise DomainError(f"Task {task.code} has no stops left")
        thing = _identify(uow.session, code)
        if _stage(ln) is Stage.TOTE:
            outcome = _scan_tote(uow, actor, ctx, ln, thing, code, at_bin)
        elif at_bin is None or at_bin.upper() != ctx.loc_code(ln.location_id):
            if count != 1:
                raise DomainError(f"Scan the bin {ctx.loc_code(ln.location_id)} first")
            outcome = _scan_bin(ctx, ln, thing, code)
        else:
            outcome = _scan_item(uow, actor, ctx, ln, thing, code, count)
        uow.commit()
    return outcome


def scan_bin(store: Store, actor: Actor, task_code: str, code: str) -> ScanOutcome:
    return scan(store, actor, task_code, code, at_bin=None)


def scan_item(
    store: Store, actor: Actor, task_code: str, code: str, *, at_bin: str, count: int = 1
) -> ScanOutcome:
    return scan(store, actor, task_code, code, at_bin=at_bin, count=count)


def scan_tote(store: Store, actor: Actor, task_code: str, code: str) -> ScanOutcome:
    return scan(store, actor, task_code, code)


def _scan_bin(
    ctx: _Ctx, ln: PickTaskLine, thing: Location | ScannedProduct | None, code: str
) -> ScanOutcome:
    want = ctx.loc_code(ln.location_id)
    if isinstance(thing, Location):
        if thing.id == ln.location_id:
            sku = ctx.products[ln.product_id].sku
            n = ln.qty - ln.qty_picked - ln.qty_short
            return ScanOutcome("bin", f"At {want}: scan {sku} ({n} to pick)", ctx.view(), want)
        if thing.kind == LocationKind.TOTE:
            raise DomainError(f"{thing.code} is a tote: scan the bin {want} first")
        raise DomainError(f"Wrong bin {thing.code}: go to {want}")
    if isinstance(thing, ScannedProduct):
        raise DomainError(f"Scan the bin {want} first, then {thing.product.sku}")
    raise DomainError(f"Unknown code {code}: scan the bin {want}")


def _scan_item(
    uow: UnitOfWork,
    actor: Actor,
    ctx: _Ctx,
    ln: PickTaskLine,
    thing: Location | ScannedProduct | None,
    code: str,
    count: int,
) -> ScanOutcome:
    bin_code = ctx.loc_code(ln.location_id)
    product = ctx.products[ln.product_id]
    remaining = ln.qty - ln.qty_picked - ln.qty_short
    if isinstance(thing, Location):
        if thing.id == ln.location_id:
            return ScanOutcome("bin", f"At {bin_code}: scan {product.sku}", ctx.view(), bin_code)
        if thing.kind == LocationKind.TOTE:
            raise DomainError(f"Pick {remaining} more {product.sku} before the tote")
        raise DomainError(f"Wrong bin {thing.code}: pick {product.sku} from {bin_code}")
    if thing is None:
        raise DomainError(f"Unknown barcode {code}: scan {product.sku}")
    if thing.product.id != product.id:
        raise DomainError(f"Wrong item {thing.product.sku}: pick {product.sku} {product.name}")
    n = count * thing.pack_qty
    if n > remaining:
        what = f"{count} × case of {thing.pack_qty}" if thing.pack_qty > 1 else str(n)
        raise DomainError(f"Too many: {what} is more than the {remaining} left to pick here")
    _pick_units(uow, actor, ctx, ln, n)
    left = remaining - n
    tote = f"tote {ctx.slot.get(ln.tote_id or 0, 0)} {ctx.loc_code(ln.tote_id)}"
    if left:
        msg = f"{n} × {product.sku} picked, {left} more"
    else:
        msg = f"{ln.qty_picked} × {product.sku}: put in {tote}, scan the tote"
    return ScanOutcome("item", msg, ctx.view(), bin_code)


def _pick_units(uow: UnitOfWork, actor: Actor, ctx: _Ctx, ln: PickTaskLine, n: int) -> None:
    s = uow.session
    order = ctx.order_of(ln)
    if OrderStatus(order.status) in STOPPED:
        raise DomainError(f"Order {order.name} is {OrderStatus(order.status).label}: skip it")
    oline = ctx.olines[ln.order_line_id]
    product = ctx.products[ln.product_id]
    bin_loc, tote = ctx.locs[ln.location_id], ctx.locs[ln.tote_id]  # type: ignore[index]
    alloc = s.get(Allocation, ln.allocation_id) if ln.allocation_id else None
    if alloc is None or alloc.qty - alloc.qty_picked < n:
        raise DomainError(f"{product.sku} in {bin_loc.code} is not reserved for {order.name}")
    inventory.move_stock(
        uow,
        actor,
        product,
        n,
        from_loc=bin_loc,
        to_loc=tote,
        reason=MovementReason.PICKED,
        order=order,
        reference=ctx.task.code,
        consume_allocation=True,
    )
    alloc.qty_picked += n
    oline.qty_picked += n
    ln.qty_picked += n
    for row in (alloc, oline, ln):
        uow.add(row)
    events.log(
        uow,
        actor,
        "pick.unit",
        order=order,
        sku=product.sku,
        qty=n,
        from_state=bin_loc.code,
        to_state=tote.code,
        location=bin_loc.code,
        detail=f"task {ctx.task.code}",
    )


def _scan_tote(
    uow: UnitOfWork,
    actor: Actor,
    ctx: _Ctx,
    ln: PickTaskLine,
    thing: Location | ScannedProduct | None,
    code: str,
    at_bin: str | None,
) -> ScanOutcome:
    tote_code = ctx.loc_code(ln.tote_id)
    want = f"tote {ctx.slot.get(ln.tote_id or 0, 0)} {tote_code}"
    if isinstance(thing, ScannedProduct):
        raise DomainError(f"All {ln.qty_picked} picked: put them in {want} and scan it")
    if thing is None:
        raise DomainError(f"Unknown code {code}: scan {want}")
    if thing.kind != LocationKind.TOTE:
        raise DomainError(f"Put the items in {want} first: scan the tote")
    if thing.id != ln.tote_id:
        raise DomainError(_wrong_tote(ctx, ln, thing))
    ln.done = True
    uow.add(ln)
    sku = ctx.products[ln.product_id].sku
    msg = f"{ln.qty_picked} × {sku} in {tote_code}"
    return _advance(uow, actor, ctx, "tote", msg, ctx.loc_code(ln.location_id))


def _advance(
    uow: UnitOfWork, actor: Actor, ctx: _Ctx, kind: str, msg: str, here: str | None
) -> ScanOutcome:
    """After a stop closes: the next stop (keeping the bin if it is the same) or the end."""
    finished = _maybe_complete(uow, actor, ctx)
    if finished is not None:
        return ScanOutcome(kind, f"{msg}. {finished.message}", ctx.view(), None, finished)
    nxt = ctx.current()
    assert nxt is not None
    nxt_bin = ctx.loc_code(nxt.location_id)
    if nxt_bin == here and _stage(nxt) is Stage.PICK:
        sku = ctx.products[nxt.product_id].sku
        tote = ctx.loc_code(nxt.tote_id)
        return ScanOutcome(kind, f"{msg}. Same bin: {sku} for {tote}", ctx.view(), here)
    return ScanOutcome(kind, f"{msg}. Next: {nxt_bin}", ctx.view(), None)


# --------------------------------------------------------------------------- skip


def skip_stop(store: Store, actor: Actor, task_code: str) -> ScanOutcome:
    """Leave the current stop for later; it comes back after the others."""
    with store.unit_of_work() as uow:
        task = _my_task(uow, actor, task_code)
        ctx = _Ctx(uow.session, task)
        ln = ctx.current()
        if ln is None:
            raise DomainError(f"Task {task.code} has no stops left")
        bin_code = ctx.loc_code(ln.location_id)
        if _stage(ln) is Stage.TOTE:
            raise DomainError(f"Put the items in tote {ctx.loc_code(ln.tote_id)} first")
        if ln.qty_picked:
            raise DomainError(
                f"{ln.qty_picked} already picked at {bin_code}: pick the rest or report short"
            )
        others = [x for x in ctx.open_lines() if x is not ln]
        if not others:
            raise DomainError("This is the last stop: pick it or report it short")
        if all(x.skipped for x in others):
            # Second time round: the stops skipped earlier come first again.
            for x in others:
                x.skipped = False
                uow.add(x)
        ln.skipped = True
        uow.add(ln)
        sku = ctx.products[ln.product_id].sku
        events.log(
            uow,
            actor,
            "stop.skipped",
            order=ctx.order_of(ln),
            sku=sku,
            location=bin_code,
            detail=f"task {task.code}",
        )
        nxt = ctx.current()
        assert nxt is not None
        msg = f"Skipped {bin_code}: it comes back at the end. Next: {ctx.loc_code(nxt.location_id)}"
        outcome = ScanOutcome("skip", msg, ctx.view(), None)
        uow.commit()
    return outcome


# --------------------------------------------------------------------------- short picks


def report_short(
    store: Store, actor: Actor, task_code: str, reason: str, *, at_bin: str | None = None
) -> ScanOutcome:
    """The bin has fewer units than the stop asks for (pick what is there first)."""
    key = reason.strip().lower()
    if key not in SHORT_REASONS:
        raise DomainError(f"Unknown short reason {reason!r}: use {', '.join(SHORT_REASONS)}")
    label = SHORT_REASONS[key]
    with store.unit_of_work() as uow:
        task = _my_task(uow, actor, task_code)
        ctx = _Ctx(uow.session, task)
        ln = ctx.current()
        if ln is None:
            raise DomainError(f"Task {task.code} has no stops left")
        if _stage(ln) is Stage.TOTE:
            raise DomainError(
                f"All {ln.qty_picked} picked: put them in tote {ctx.loc_code(ln.tote_id)}"
            )
        bin_loc = ctx.locs[ln.location_id]
        targets = [ln]
        if key == "empty":
            # An empty bin is empty for every tote that was to be served from it.
            targets += [
                x
                for x in ctx.open_lines()
                if x is not ln
                and x.location_id == ln.location_id
                and x.product_id == ln.product_id
                and x.qty_picked == 0
            ]
        bin_loc.cycle_count_flag = True
        bin_loc.cycle_count_reason = (
            f"Short pick ({label}) by {actor.name} on {actor.terminal}, task {task.code}"
        )[:200]
        uow.add(bin_loc)
        events.log(
            uow, actor, "location.flagged", location=bin_loc.code, detail=bin_loc.cycle_count_reason
        )
        plan = floor_plan(uow.session)
        notes = [_short_line(uow, actor, ctx, plan, x, ln, label) for x in targets]
        for x in targets:
            if x.qty_picked == 0:
                x.done = True
                uow.add(x)
        msg = "; ".join(notes)
        if _stage(ln) is Stage.TOTE:
            outcome = ScanOutcome(
                "short",
                f"{msg}. Put {ln.qty_picked} in tote {ctx.loc_code(ln.tote_id)}",
                ctx.view(),
                at_bin,
            )
        else:
            outcome = _advance(uow, actor, ctx, "short", msg, bin_loc.code)
        uow.commit()
    return outcome


def _short_line(
    uow: UnitOfWork,
    actor: Actor,
    ctx: _Ctx,
    plan: FloorPlan,
    ln: PickTaskLine,
    here: PickTaskLine,
    label: str,
) -> str:
    s = uow.session
    rem = ln.qty - ln.qty_picked - ln.qty_short
    oline = ctx.olines[ln.order_line_id]
    order = ctx.order_of(ln)
    product = ctx.products[ln.product_id]
    bin_loc = ctx.locs[ln.location_id]
    # Give the reservation on this bin back: its stock is not where the system thinks.
    alloc = s.get(Allocation, ln.allocation_id) if ln.allocation_id else None
    if alloc is not None:
        give_back = min(rem, alloc.qty - alloc.qty_picked)
        stock = inventory.get_stock(s, ln.product_id, ln.location_id)
        if stock is not None and give_back:
            stock.allocated -= give_back
            uow.add(stock)
        alloc.qty -= give_back
        oline.qty_allocated -= give_back
        uow.add(alloc)
    ln.qty_short += rem
    uow.add(ln)

    before = _alloc_qty_by_location(s, oline)
    flagged = set(s.exec(select(Location.id).where(col(Location.cycle_count_flag).is_(True))).all())
    got = allocation.reserve(uow, oline, rem, exclude_location_ids=flagged | {bin_loc.id})
    added: list[str] = []
    for loc_id, alloc_row in _allocs_by_location(s, oline).items():
        delta = alloc_row.qty - before.get(loc_id, 0)
        if delta > 0:
            added.append(_add_stop(uow, ctx, plan, ln, here, alloc_row, delta))
    missing = rem - got
    result = f"{rem} × {product.sku} short"
    if added:
        result += ": new stop " + ", ".join(added)
    if missing:
        outcome = _backorder(uow, actor, order, oline, missing)
        result += f"; {outcome}"
        uow.add(
            WmsException(
                kind=ExceptionKind.SHORT_PICK,
                order_id=order.id,
                sku=product.sku,
                location=bin_loc.code,
                operator_id=actor.operator_id,
                operator_name=actor.name,
                terminal=actor.terminal,
                message=(
                    f"{missing} × {product.sku} short at {bin_loc.code} ({label}), "
                    f"task {ctx.task.code}: {outcome}"
                ),
            )
        )
    events.log(
        uow,
        actor,
        "short_pick",
        order=order,
        sku=product.sku,
        qty=rem,
        location=bin_loc.code,
        detail=f"{label}; task {ctx.task.code}; re-allocated {got}; missing {missing}",
    )
    return result


def _allocs_by_location(session: Session, oline: OrderLine) -> dict[int, Allocation]:
    rows = session.exec(select(Allocation).where(Allocation.order_line_id == oline.id)).all()
    return {a.location_id: a for a in rows}


def _alloc_qty_by_location(session: Session, oline: OrderLine) -> dict[int, int]:
    # Plain numbers: reserve() changes the same Allocation objects in place.
    return {lid: a.qty for lid, a in _allocs_by_location(session, oline).items()}


def _add_stop(
    uow: UnitOfWork,
    ctx: _Ctx,
    plan: FloorPlan,
    shorted: PickTaskLine,
    here: PickTaskLine,
    alloc: Allocation,
    qty: int,
) -> str:
    """A new stop for re-allocated units, where it adds the least walking."""
    code = ctx.loc_code(alloc.location_id)
    for x in ctx.open_lines():
        if x.allocation_id == alloc.id and x.tote_id == shorted.tote_id and x.qty_picked == 0:
            x.qty += qty
            uow.add(x)
            return f"{code} (+{qty})"
    same_pass = [x for x in ctx.visiting_order() if x is not here and x.skipped == here.skipped]
    index, delta = plan.cheapest_insertion(
        here.location_id, [x.location_id for x in same_pass], alloc.location_id
    )
    if index < len(same_pass):
        seq = same_pass[index].seq
    else:
        seq = max([here.seq, *(x.seq for x in same_pass)]) + 1
    for x in ctx.lines:
        if x.seq >= seq:
            x.seq += 1
            uow.add(x)
    new = PickTaskLine(
        task_id=ctx.task.id,
        seq=seq,
        allocation_id=alloc.id,
        order_line_id=shorted.order_line_id,
        product_id=shorted.product_id,
        location_id=alloc.location_id,
        tote_id=shorted.tote_id,
        qty=qty,
        skipped=here.skipped,
    )
    uow.add(new)
    uow.flush()
    ctx.add(new)
    ctx.task.route_length_m = round(ctx.task.route_length_m + max(delta, 0.0), 1)
    uow.add(ctx.task)
    return code


def _backorder(uow: UnitOfWork, actor: Actor, order: Order, oline: OrderLine, missing: int) -> str:
    """What happens to units no bin can supply: split off, or the order waits."""
    s = uow.session
    lines = s.exec(select(OrderLine).where(OrderLine.order_id == order.id)).all()
    left_to_ship = sum(x.quantity for x in lines) - missing
    if order.split_allowed and left_to_ship > 0:
        child = _split_child(uow, actor, order, oline, missing)
        return f"{missing} split to {child.name} (backordered)"
    if OrderStatus(order.status) in (OrderStatus.PICKING, OrderStatus.READY_TO_PICK):
        events.change_status(
            uow,
            order,
            OrderStatus.BACKORDERED,
            actor,
            detail=f"short pick: {missing} × {oline.sku}",
        )
    return f"{order.name} backordered"


def _split_child(
    uow: UnitOfWork, actor: Actor, order: Order, oline: OrderLine, missing: int
) -> Order:
    s = uow.session
    n = 1
    while s.exec(select(Order).where(Order.name == f"{order.name}-B{n}")).first():
        n += 1
    child = Order(
        **order.model_dump(
            exclude={
                "id",
                "name",
                "status",
                "status_changed_at",
                "source_hash",
                "held_from",
                "locked_by_operator_id",
                "locked_terminal",
                "locked_at",
                "created_at",
            }
        ),
        name=f"{order.name}-B{n}",
        status=OrderStatus.BACKORDERED,
        created_at=order.created_at,
    )
    uow.add(child)
    uow.flush()
    uow.add(
        OrderLine(
            order_id=child.id,
            line_no=1,
            product_id=oline.product_id,
            sku=oline.sku,
            name=oline.name,
            options=oline.options,
            quantity=missing,
            price=oline.price,
        )
    )
    oline.quantity -= missing
    uow.add(oline)
    events.log(
        uow,
        actor,
        "order.split",
        order=order,
        sku=oline.sku,
        qty=missing,
        detail=f"short pick: {missing} × {oline.sku} moved to {child.name}",
    )
    events.log(
        uow,
        actor,
        "order.created",
        order=child,
        to_state=OrderStatus.BACKORDERED,
        detail=f"split from {order.name} after a short pick",
    )
    return child


# --------------------------------------------------------------------------- completion


def _maybe_complete(uow: UnitOfWork, actor: Actor, ctx: _Ctx) -> Completion | None:
    if ctx.open_lines():
        return None
    return _complete(uow, actor, ctx)


def _complete(uow: UnitOfWork, actor: Actor, ctx: _Ctx) -> Completion:
    s = uow.session
    task = ctx.task
    task.status = TaskStatus.DONE
    task.finished_at = utcnow()
    uow.add(task)
    for order in ctx.orders.values():
        if OrderStatus(order.status) is not OrderStatus.PICKING:
            continue
        lines = s.exec(select(OrderLine).where(OrderLine.order_id == order.id)).all()
        if all(x.qty_picked >= x.quantity for x in lines):
            detail = f"task {task.code} → {task.pack_station}"
            events.change_status(uow, order, OrderStatus.PICKED, actor, detail=detail)
    if task.wave_id is not None:
        statuses = s.exec(select(PickTask.status).where(PickTask.wave_id == task.wave_id)).all()
        if all(TaskStatus(x) in (TaskStatus.DONE, TaskStatus.CANCELLED) for x in statuses):
            wave = s.get(Wave, task.wave_id)
            if wave is not None:
                wave.status = WaveStatus.DONE
                uow.add(wave)
    done = Completion(task.code, task.pack_station, ctx.totes())
    events.log(uow, actor, "task.done", detail=done.message[:400])
    return done


def complete_task(store: Store, actor: Actor, code: str) -> Completion:
    """Close a task whose stops are all done (scanning the last tote does this too)."""
    with store.unit_of_work() as uow:
        task = _my_task(uow, actor, code)
        ctx = _Ctx(uow.session, task)
        left = ctx.open_lines()
        if left:
            raise DomainError(
                f"{len(left)} stop{'s' if len(left) != 1 else ''} left: "
                "pick them or report them short"
            )
        done = _complete(uow, actor, ctx)
        uow.commit()
    return done


def short_reasons() -> Sequence[tuple[str, str]]:
    return tuple(SHORT_REASONS.items())
