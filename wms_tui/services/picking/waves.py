"""Building pick waves: ready orders -> totes -> carts (pick tasks).

A wave takes READY_TO_PICK orders that are fully allocated and not in an open
task, most urgent first by the house ranking, :func:`priority.order_by` (the
orders screen's and release's order): supervisor priority, then the cut-off the
order has to make, express before standard, then age.
Each order gets one free tote; ``cart_size`` totes make one pick task (cluster
picking), which goes to one picker and ends at one pack station (round-robin
over the PACK locations, continuing where the previous wave stopped).

The stops of a task are ordered by the optimal route over its bins (see
:mod:`wms_tui.services.picking.floor_plan`); the task keeps the route length and the
S-shape length is reported next to it so a supervisor sees the saving.

Orders stay READY_TO_PICK until a picker claims their task (then PICKING), so
a wave can still be changed before anyone walks it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, time

from sqlalchemy import case, func
from sqlmodel import Session, col, select

from wms_tui.domain.actor import Actor
from wms_tui.domain.clock import utcnow
from wms_tui.domain.enums import (
    OPEN_TASK,
    EventKind,
    LocationKind,
    OrderStatus,
    Role,
    TaskStatus,
    WaveStatus,
)
from wms_tui.domain.errors import DomainError, NotFound
from wms_tui.domain.models import (
    Allocation,
    Carrier,
    Location,
    Operator,
    Order,
    OrderLine,
    PickTask,
    PickTaskLine,
    Service,
    Stock,
    Wave,
)
from wms_tui.domain.shown import excerpt
from wms_tui.services.core import counters, events, priority, settings
from wms_tui.services.core.badges import badge_code, find_operator
from wms_tui.services.core.bulk_gc import collector_held
from wms_tui.services.picking.floor_plan import FloorPlan, floor_plan
from wms_tui.store import Store, UnitOfWork, bulk_insert, retrying

MAX_CART_SIZE = 20
_CUTOFF_RE = re.compile(r"^([01]?\d|2[0-3]):?([0-5]\d)$")


def _n(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


@dataclass(frozen=True)
class TaskPlan:
    code: str
    orders: tuple[str, ...]
    totes: tuple[str, ...]
    stops: int
    units: int
    route_length_m: float
    s_shape_m: float
    pack_station: str
    picker: str = ""


@dataclass(frozen=True)
class WaveResult:
    code: str
    tasks: tuple[TaskPlan, ...]
    left_out: dict[str, int] = field(default_factory=dict)

    @property
    def orders(self) -> int:
        return sum(len(t.orders) for t in self.tasks)

    @property
    def route_length_m(self) -> float:
        return sum(t.route_length_m for t in self.tasks)

    @property
    def s_shape_m(self) -> float:
        return sum(t.s_shape_m for t in self.tasks)

    @property
    def saving_pct(self) -> float:
        s = self.s_shape_m
        return 100.0 * (1 - self.route_length_m / s) if s else 0.0

    @property
    def message(self) -> str:
        text = (
            f"Wave {self.code}: {_n(self.orders, 'order')} in {_n(len(self.tasks), 'task')}, "
            f"{self.route_length_m:.0f} m walk ({self.saving_pct:.0f}% less than S-shape)"
        )
        if self.left_out:
            text += "; left out: " + ", ".join(f"{n} {why}" for why, n in self.left_out.items())
        return text


@dataclass(frozen=True)
class ReadySummary:
    """What a wave built now with these filters would take."""

    ready: int  # READY_TO_PICK, not in an open task, matching the filters
    not_allocated: int
    free_totes: int
    by_cutoff: tuple[tuple[str, int], ...]  # ("CJ 13:00", 4), ...


@dataclass(frozen=True)
class TaskRow:
    code: str
    status: str
    picker: str
    terminal: str
    pack_station: str
    orders: int
    stops: int
    stops_done: int
    units: int
    units_picked: int
    units_short: int
    route_length_m: float


@dataclass(frozen=True)
class WaveRow:
    code: str
    status: str
    created_at: datetime
    created_by: str
    rule: str
    tasks: tuple[TaskRow, ...]


# --------------------------------------------------------------------------- inputs


def parse_cutoff(text: str | time | None) -> time | None:
    """``"13:00"``, ``"1300"`` or a time; empty means no filter."""
    if text is None or isinstance(text, time):
        return text
    text = text.strip()
    if not text:
        return None
    m = _CUTOFF_RE.match(text)
    if not m:
        raise DomainError(f"Cut-off {text!r} is not a time: use HH:MM, e.g. 13:00")
    return time(int(m.group(1)), int(m.group(2)))


def _carrier(session: Session, code: str | None) -> Carrier | None:
    if not code or not code.strip():
        return None
    carrier = session.exec(select(Carrier).where(Carrier.code == code.strip().upper())).first()
    if carrier is None:
        known = ", ".join(session.exec(select(Carrier.code).order_by(Carrier.code)).all())
        raise NotFound(f"Unknown carrier {code.strip()!r}: use one of {known}")
    return carrier


def _picker(session: Session, badge: str | None) -> Operator | None:
    if not badge or not badge.strip():
        return None
    op = find_operator(session, badge)
    if op is None or not op.active:
        raise NotFound(f"No active operator with badge {excerpt(badge_code(badge))}")
    if Role.PICKER.value not in op.role_set:
        raise DomainError(f"{op.name} is not a picker")
    return op


# --------------------------------------------------------------------------- queries


def _orders_in_open_tasks_stmt():
    return (
        select(OrderLine.order_id)
        .join(PickTaskLine, col(PickTaskLine.order_line_id) == OrderLine.id)
        .join(PickTask, col(PickTask.id) == PickTaskLine.task_id)
        .where(col(PickTask.status).in_(OPEN_TASK))
        .distinct()
    )


def _free_totes_stmt():  # noqa: ANN202
    busy_in_tasks = (
        select(PickTaskLine.tote_id)
        .join(PickTask, col(PickTask.id) == PickTaskLine.task_id)
        .where(col(PickTask.status).in_(OPEN_TASK), col(PickTaskLine.tote_id).is_not(None))
    )
    holding_stock = select(Stock.location_id).where(Stock.qty > 0)
    return (
        select(Location.id, Location.code)
        .where(
            Location.kind == LocationKind.TOTE,
            col(Location.active).is_(True),
            col(Location.id).not_in(busy_in_tasks),
            col(Location.id).not_in(holding_stock),
        )
        .order_by(Location.code)
    )


def _free_tote_rows(session: Session, limit: int | None = None) -> list[tuple[int, str]]:
    """(id, code) of tote locations that are empty and not on a cart of an open task."""
    stmt = _free_totes_stmt()
    if limit is not None:
        stmt = stmt.limit(limit)
    return [tuple(row) for row in session.connection().execute(stmt)]  # type: ignore[misc]


def _candidate_stmt(car: Carrier | None, cutoff_before: time | None, *, ids_only: bool = False):  # noqa: ANN202
    """Ready orders a wave may take: not in an open task, matching the filters.

    ``ids_only``: just the orders' ids, joined to their service only to filter by
    cut-off. The allocations' read joins this to each of its 20,000 rows, and there
    the service's outer join was a scan of the service table per row (SQLite).
    """
    columns = (Order.id,) if ids_only else (Order.id, Order.name, Order.carrier_id, Service.cutoff)
    stmt = select(*columns).where(
        Order.status == OrderStatus.READY_TO_PICK,
        col(Order.id).not_in(_orders_in_open_tasks_stmt()),
    )
    if not ids_only or cutoff_before is not None:
        stmt = stmt.join(Service, col(Service.id) == Order.service_id, isouter=True)
    if car is not None:
        stmt = stmt.where(Order.carrier_id == car.id)
    if cutoff_before is not None:
        stmt = stmt.where(col(Service.cutoff) <= cutoff_before)
    return stmt


@dataclass
class _Candidate:
    id: int
    name: str
    carrier_id: int | None
    cutoff: time | None
    # (allocation id, order line id, product id, location id, units to pick)
    allocs: list[tuple[int, int, int, int, int]] = field(default_factory=list)
    fully_allocated: bool = False


def _candidates(
    session: Session, carrier: Carrier | None, cutoff_before: time | None, *, lock: bool
) -> list[_Candidate]:
    """Ready orders not in an open task, most urgent first, with what is left to pick.

    Two queries for the whole wave, not a query per order: the orders with a
    flag saying whether any line still needs a reservation, then every
    allocation left to pick of the same orders (joined to the same filter, no
    ``IN`` list). Both run on the connection, not through the ORM: a wave of
    10,000 orders reads 30,000 rows, and plain rows cost a fifth of ORM rows.
    """
    # max() over the order's lines: 1 if one still needs a reservation
    # (open_qty > 0), 0 if every line is covered, NULL if it has no lines.
    line_open = (
        select(
            func.max(
                case(
                    (OrderLine.quantity - OrderLine.qty_short - OrderLine.qty_allocated > 0, 1),
                    else_=0,
                )
            )
        )
        .where(OrderLine.order_id == Order.id)
        .correlate(Order)
        .scalar_subquery()
    )
    stmt = (
        _candidate_stmt(carrier, cutoff_before)
        .add_columns(line_open)
        .order_by(*priority.order_by())
    )
    if lock:
        # Only orders no open task has (the filter above): locking those would
        # make every picker claiming a task of an earlier wave (it moves its
        # orders to PICKING) wait until this wave is built. Two supervisors
        # building at once are serialised by the wave counter taken first
        # (build_wave); an order another terminal holds right now (a hold, a
        # cancel) is left for the next wave instead of making the build wait.
        stmt = stmt.with_for_update(of=Order, skip_locked=True, key_share=True)
    conn = session.connection()
    found: list[_Candidate] = []
    by_id: dict[int, _Candidate] = {}
    # Row by row, not .all(): holding every row of a 10,000-order wave at once had the
    # garbage collector walk them over and over (this function's CPU 0.10 -> 0.13 s).
    for order_id, name, carrier_id, cutoff, any_open in conn.execute(stmt):
        cand = _Candidate(order_id, name, carrier_id, cutoff, [], any_open == 0)
        found.append(cand)
        by_id[order_id] = cand
    if not found:
        return found
    ready = _candidate_stmt(carrier, cutoff_before, ids_only=True).subquery()
    for order_id, alloc_id, line_id, product_id, location_id, left in conn.execute(
        select(
            OrderLine.order_id,
            Allocation.id,
            OrderLine.id,
            Allocation.product_id,
            Allocation.location_id,
            Allocation.qty - Allocation.qty_picked,
        )
        .join(OrderLine, col(OrderLine.id) == Allocation.order_line_id)
        .join(ready, ready.c.id == OrderLine.order_id)
        .where(Allocation.qty > Allocation.qty_picked)
        .order_by(OrderLine.order_id, OrderLine.line_no, Allocation.id)
    ):
        if (cand := by_id.get(order_id)) is not None:
            cand.allocs.append((alloc_id, line_id, product_id, location_id, left))
    return found


def ready_summary(
    store: Store, *, carrier: str | None = None, cutoff_before: str | time | None = None
) -> ReadySummary:
    cutoff = parse_cutoff(cutoff_before)
    with store.read() as s:
        car = _carrier(s, carrier)
        rows = _candidates(s, car, cutoff, lock=False)
        carriers = {c.id: c.code for c in s.exec(select(Carrier))}
        ready = not_alloc = 0
        groups: dict[tuple[time, str], int] = defaultdict(int)
        for cand in rows:
            if not cand.fully_allocated:
                not_alloc += 1
                continue
            ready += 1
            key = (cand.cutoff or time(23, 59), carriers.get(cand.carrier_id, "—"))
            groups[key] += 1
        by_cutoff = tuple(
            (f"{code} {cut.strftime('%H:%M')}", n) for (cut, code), n in sorted(groups.items())
        )
        return ReadySummary(ready, not_alloc, len(_free_tote_rows(s)), by_cutoff)


# --------------------------------------------------------------------------- building


def _next_code(uow: UnitOfWork) -> str:
    """``W0042`` from the wave counter, past any code already taken."""
    s = uow.session
    while True:
        n = counters.next_value(
            uow, "wave", start=lambda: s.exec(select(func.max(Wave.id))).one() or 0
        )
        code = f"W{n:04d}"
        if s.exec(select(Wave.id).where(Wave.code == code)).first() is None:
            return code


def _pack_stations(session: Session) -> list[str]:
    codes = list(
        session.exec(
            select(Location.code)
            .where(Location.kind == LocationKind.PACK, col(Location.active).is_(True))
            .order_by(Location.code)
        ).all()
    )
    if not codes:
        raise DomainError("No pack stations are set up (locations of kind pack)")
    last = session.exec(
        select(PickTask.pack_station)
        .where(PickTask.pack_station != "")
        .order_by(col(PickTask.id).desc())
        .limit(1)
    ).first()
    if last in codes:
        i = codes.index(last) + 1
        codes = codes[i:] + codes[:i]
    return codes


def _route_seqs(plan: FloorPlan, location_ids: list[int]) -> tuple[list[int], float, float]:
    """Each stop's place (1, 2, ...) on the optimal route; (seqs, optimal, S-shape) in metres.

    Stops are listed in cart-slot order, so at one bin the totes are served
    in slot order.
    """
    route = plan.route(list(enumerate(location_ids)))
    seqs = [0] * len(location_ids)
    for seq, i in enumerate(route.order, start=1):
        seqs[i] = seq
    return seqs, route.length, route.s_shape_length


_TASK_COLUMNS = (
    "code", "wave_id", "status", "picker_id", "terminal", "claimed_at", "finished_at",
    "pack_station", "route_length_m", "priority",
)  # fmt: skip
_LINE_COLUMNS = (
    "task_id", "seq", "allocation_id", "order_line_id", "product_id", "location_id", "tote_id",
    "qty", "qty_picked", "qty_short", "skipped", "done",
)  # fmt: skip


@retrying
def build_wave(
    store: Store,
    actor: Actor,
    *,
    carrier: str | None = None,
    cutoff_before: str | time | None = None,
    max_orders: int | None = None,
    cart_size: int | None = None,
    picker_badge: str | None = None,
    min_orders: int = 1,
    rule: str = "",
) -> WaveResult:
    """Build and release a wave; raises DomainError (nothing built) if it would be empty.

    ``min_orders`` is for an automatic rule (``wms wave build --min-orders 6``
    from cron): build only once enough orders are waiting to fill a cart.
    """
    actor.require(Role.SUPERVISOR, action="build waves")
    cutoff = parse_cutoff(cutoff_before)
    check_max_orders(max_orders)
    # Everything built below lives until the commit: no collector pass could free any of it.
    with collector_held(), store.unit_of_work() as uow:
        s = uow.session
        # The wave's number first: its counter row stays locked to the end, so
        # a second wave built at the same time waits here and then sees this
        # one's orders and totes taken (the only lock taken before orders).
        code = _next_code(uow)
        size = check_cart_size(
            cart_size if cart_size is not None else settings.get_int(s, "cart_size")
        )
        car = _carrier(s, carrier)
        picker = _picker(s, picker_badge)
        left_out: dict[str, int] = defaultdict(int)
        chosen: list[_Candidate] = []
        for cand in _candidates(s, car, cutoff, lock=True):
            if not cand.fully_allocated:
                left_out["not allocated"] += 1
            elif not cand.allocs:
                left_out["nothing to pick"] += 1
            elif max_orders is not None and len(chosen) >= max_orders:
                left_out["over the limit"] += 1
            else:
                chosen.append(cand)
        totes = _free_tote_rows(s, limit=len(chosen))
        if len(chosen) > len(totes):
            left_out["no free tote"] += len(chosen) - len(totes)
            chosen = chosen[: len(totes)]
        if not chosen:
            why = ", ".join(f"{n} {w}" for w, n in left_out.items())
            raise DomainError("No orders ready for a wave" + (f" ({why})" if why else ""))
        if len(chosen) < min_orders:
            raise DomainError(
                f"Only {_n(len(chosen), 'order')} ready, the rule wants {min_orders}: no wave"
            )
        stations = _pack_stations(s)
        plan = floor_plan(s)
        wave = Wave(
            code=code,
            status=WaveStatus.RELEASED,
            created_by_id=actor.operator_id,
            rule=rule or _rule_text(car, cutoff, max_orders, size, picker),
        )
        uow.add(wave)
        uow.flush()
        # Routes first, from what was read; then the tasks, their lines and
        # the orders' events, one bulk insert each: the number of statements
        # does not grow with the number of orders.
        now = utcnow()
        task_rows: list[tuple] = []
        task_stops: list[tuple[list[tuple], list[int]]] = []
        wave_events: list[tuple] = []
        plans: list[TaskPlan] = []
        for t, start in enumerate(range(0, len(chosen), size)):
            group, group_totes = chosen[start : start + size], totes[start : start + size]
            code = f"{wave.code}-{t + 1:02d}"
            # (allocation, order line, product, bin, tote, units), cart slot by slot.
            stops: list[tuple] = []
            for cand, (tote_id, tote_code) in zip(group, group_totes, strict=True):
                for alloc_id, line_id, product_id, location_id, qty in cand.allocs:
                    stops.append((alloc_id, line_id, product_id, location_id, tote_id, qty))
                wave_events.append(
                    events.event_row(
                        actor, EventKind.WAVE_ORDER, now, order_id=cand.id, order_name=cand.name,
                        location=tote_code, detail=f"{wave.code} task {code} tote {tote_code}",
                    )
                )  # fmt: skip
            seqs, length, s_length = _route_seqs(plan, [stop[3] for stop in stops])
            station = stations[t % len(stations)]
            task_rows.append(
                (
                    code, wave.id, TaskStatus.OPEN, picker.id if picker else None, "", None, None,
                    station, round(length, 1), 0,
                )
            )  # fmt: skip
            task_stops.append((stops, seqs))
            plans.append(
                TaskPlan(
                    code=code,
                    orders=tuple(c.name for c in group),
                    totes=tuple(code for _, code in group_totes),
                    stops=len(stops),
                    units=sum(stop[5] for stop in stops),
                    route_length_m=round(length, 1),
                    s_shape_m=round(s_length, 1),
                    pack_station=station,
                    picker=picker.name if picker else "",
                )
            )
        conn = s.connection()
        bulk_insert(conn, PickTask.__table__, _TASK_COLUMNS, task_rows)  # type: ignore[attr-defined]
        # The codes are unique: the new tasks' ids without RETURNING row by row.
        task_ids = dict(
            conn.execute(
                select(PickTask.code, PickTask.id).where(PickTask.wave_id == wave.id)
            ).all()
        )
        line_rows = [
            (task_ids[task[0]], seq, *stop[:5], stop[5], 0, 0, False, False)
            for task, (stops, seqs) in zip(task_rows, task_stops, strict=True)
            for stop, seq in zip(stops, seqs, strict=True)
        ]
        bulk_insert(conn, PickTaskLine.__table__, _LINE_COLUMNS, line_rows)  # type: ignore[attr-defined]
        events.insert_rows(uow, wave_events)
        result = WaveResult(wave.code, tuple(plans), dict(left_out))
        events.log(uow, actor, EventKind.WAVE_BUILT, detail=result.message[:400])
        uow.commit()
    return result


def _rule_text(
    car: Carrier | None, cutoff: time | None, max_orders: int | None, size: int, picker
) -> str:
    parts = []
    if car:
        parts.append(f"carrier {car.code}")
    if cutoff:
        parts.append(f"cut-off ≤ {cutoff.strftime('%H:%M')}")
    if max_orders:
        parts.append(f"max {max_orders}")
    parts.append(f"cart {size}")
    if picker:
        parts.append(f"for {picker.name}")
    return ", ".join(parts)


# --------------------------------------------------------------------------- overview


def list_waves(store: Store, *, limit: int = 20, include_done: bool = True) -> list[WaveRow]:
    """Newest waves first, with their tasks and progress."""
    with store.read() as s:
        stmt = select(Wave).order_by(col(Wave.id).desc()).limit(limit)
        if not include_done:
            stmt = stmt.where(Wave.status != WaveStatus.DONE)
        waves = s.exec(stmt).all()
        names = {op.id: op.name for op in s.exec(select(Operator))}
        out: list[WaveRow] = []
        for wave in waves:
            tasks = s.exec(
                select(PickTask).where(PickTask.wave_id == wave.id).order_by(PickTask.code)
            ).all()
            rows = []
            for task in tasks:
                lines = s.exec(select(PickTaskLine).where(PickTaskLine.task_id == task.id)).all()
                rows.append(
                    TaskRow(
                        code=task.code,
                        status=str(task.status),
                        picker=names.get(task.picker_id, "") if task.picker_id else "",
                        terminal=task.terminal,
                        pack_station=task.pack_station,
                        orders=len({ln.tote_id for ln in lines}),
                        stops=len(lines),
                        stops_done=sum(1 for ln in lines if ln.done),
                        units=sum(ln.qty for ln in lines),
                        units_picked=sum(ln.qty_picked for ln in lines),
                        units_short=sum(ln.qty_short for ln in lines),
                        route_length_m=task.route_length_m,
                    )
                )
            out.append(
                WaveRow(
                    code=wave.code,
                    status=str(wave.status),
                    created_at=wave.created_at,
                    created_by=names.get(wave.created_by_id, "") if wave.created_by_id else "",
                    rule=wave.rule,
                    tasks=tuple(rows),
                )
            )
        return out


def check_cart_size(size: int) -> int:
    """A cart takes 1 to MAX_CART_SIZE totes; the waves screen checks a typed size here too."""
    if not 1 <= size <= MAX_CART_SIZE:
        raise DomainError(f"Cart size must be 1 to {MAX_CART_SIZE} totes (got {size})")
    return size


def check_max_orders(max_orders: int | None) -> int | None:
    if max_orders is not None and max_orders < 1:
        raise DomainError(f"Max orders must be at least 1 (got {max_orders})")
    return max_orders


def default_cart_size(store: Store) -> int:
    with store.read() as s:
        return settings.get_int(s, "cart_size")
