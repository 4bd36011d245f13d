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

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import time

from sqlalchemy import func
from sqlmodel import Session, col, select

from wms_tui.domain.actor import Actor
from wms_tui.domain.clock import utcnow
from wms_tui.domain.enums import (
    EventKind,
    LocationKind,
    Role,
    TaskStatus,
    WaveStatus,
)
from wms_tui.domain.errors import DomainError
from wms_tui.domain.models import (
    Carrier,
    Location,
    PickTask,
    PickTaskLine,
    Wave,
)
from wms_tui.services.core import counters, events, settings
from wms_tui.services.core.bulk_gc import collector_held
from wms_tui.services.picking.floor_plan import FloorPlan, floor_plan
from wms_tui.services.picking.wave_candidates import (
    Candidate,
    candidates,
    carrier_named,
    free_tote_rows,
    parse_cutoff,
    picker_named,
)
from wms_tui.store import Store, UnitOfWork, bulk_insert, retrying

MAX_CART_SIZE = 20


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
    # What a wave builds lives until its commit, so no collector pass could free any
    # of it. The rows are _build_wave's locals: the hold ends after it has returned
    # and they are gone (and after the unit of work), so no pass is owed for them.
    with collector_held(), store.unit_of_work() as uow:
        return _build_wave(
            uow, actor, carrier=carrier, cutoff=cutoff, max_orders=max_orders,
            cart_size=cart_size, picker_badge=picker_badge, min_orders=min_orders, rule=rule,
        )  # fmt: skip


def _build_wave(
    uow: UnitOfWork,
    actor: Actor,
    *,
    carrier: str | None,
    cutoff: time | None,
    max_orders: int | None,
    cart_size: int | None,
    picker_badge: str | None,
    min_orders: int,
    rule: str,
) -> WaveResult:
    """build_wave's work in its unit of work (see there for why it is a function of its own)."""
    s = uow.session
    # The wave's number first: its counter row stays locked to the end, so
    # a second wave built at the same time waits here and then sees this
    # one's orders and totes taken (the only lock taken before orders).
    code = _next_code(uow)
    size = check_cart_size(cart_size if cart_size is not None else settings.get_int(s, "cart_size"))
    car = carrier_named(s, carrier)
    picker = picker_named(s, picker_badge)
    left_out: dict[str, int] = defaultdict(int)
    chosen: list[Candidate] = []
    for cand in candidates(s, car, cutoff, lock=True):
        if not cand.fully_allocated:
            left_out["not allocated"] += 1
        elif not cand.allocs:
            left_out["nothing to pick"] += 1
        elif max_orders is not None and len(chosen) >= max_orders:
            left_out["over the limit"] += 1
        else:
            chosen.append(cand)
    totes = free_tote_rows(s, limit=len(chosen))
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
        conn.execute(select(PickTask.code, PickTask.id).where(PickTask.wave_id == wave.id)).all()
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
