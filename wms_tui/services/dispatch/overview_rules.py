"""The dispatch overview's rules: pure functions over what its queries return.

No session and no clock here: :mod:`overview` runs the queries and hands the
rows in, with "now", the day's bounds and the pace; these functions decide the
pack queue, at risk, late, stuck and the pipeline buckets, so each rule is
tested on a handful of tuples (``tests/services/dispatch/test_overview_rules.py``).

* **Pace** = orders packed per hour: :mod:`pace`'s rule (the last 60 minutes, the
  house's ``planned_packs_per_hour`` at the start of a shift), the one the delay
  list and the shift dashboard use too.
* **At risk**: orders due today (promised ship date today or earlier, or none)
  that are not packed yet are queued in the order the floor works them —
  earliest cut-off first, then furthest along (PACKING before PICKED before
  PICKING …), then priority, then first imported. The k-th order is expected packed
  at ``now + k / pace``; it is at risk if that is after its service's
  cut-off. One whose cut-off has already passed is *missed cut-off*: it ships
  on the next working day. The pack station is the bottleneck the pace
  measures, so every open order costs one pack slot whatever its status.
* **Late**: not dispatched, not cancelled and promised ship date before today.
* **Stuck**: in a moving status (NEW … PACKING) with no event in the log for
  ``stuck_after_minutes``. ON_HOLD and BACKORDERED wait for a person or for
  stock by design, and PACKED waits for its truck, so they are not stuck.
* **Pipeline** per carrier: *unpicked* = NEW + READY_TO_PICK, *picking* =
  PICKING, *packing* = PICKED + PACKING, *packed* = PACKED with a parcel not
  yet loaded, *handed over* = PACKED with every parcel loaded (plus
  DISPATCHED today, added by the caller); ON_HOLD and BACKORDERED are *blocked*.

The overview counts in SQL (``overview.py``): the store counts the open orders
per group (status, carrier, service, priority, promised date; stuck and loaded
among them), plus the few orders it lists. :func:`queue_plan` gives that SQL the
pack queue's cut-offs as ranks and, per cut-off, how many slots still make it;
:func:`queue_layout` lays the queue out from the counts and says where each
cut-off's orders turn at risk; :func:`tally_groups` turns the group counts into
the screen's numbers. :func:`pack_queue_risk` and :func:`tally` state the same
rules order by order: they are the reference the SQL is tested against
(``tests/services/dispatch/test_overview_sql.py``).

Open orders, order by order, are plain tuples:
``(id, name, status, carrier id, service id, priority, promised, last event)``.
The last two are raw values, compared as they come: SQLite's stored ISO text
(text order is time order) or PostgreSQL's date/datetime; ``today`` and
``stuck_before`` are given in the same representation, and only rows that
are listed become real dates (:func:`as_date`, :func:`as_utc`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

OpenRow = tuple[int, str, str, int | None, int | None, int, object, object]
CutoffOf = Callable[[int | None, int | None], datetime | None]

# Further along = earlier in the pack queue. Statuses are plain strings in the hot
# loops: hashing an enum member runs Python code, thousands of times a refresh.
STAGE = {"PACKING": 0, "PICKED": 1, "PICKING": 2, "READY_TO_PICK": 3, "NEW": 4}
FLOW = frozenset(STAGE)
STUCK = FLOW
UNPICKED = frozenset({"NEW", "READY_TO_PICK"})
AT_PACKING = frozenset({"PICKED", "PACKING"})
MATRIX = (
    "NEW", "READY_TO_PICK", "BACKORDERED", "ON_HOLD", "PICKING", "PICKED", "PACKING",
    "PACKED", "DISPATCHED", "CANCELLED",
)  # fmt: skip
AT_RISK, MISSED = "at risk", "missed cut-off"
SEVERITY = {MISSED: 1, AT_RISK: 2}
# How SQLAlchemy stores a datetime in SQLite (UTC, no offset).
SQLITE_TS = "%Y-%m-%d %H:%M:%S.%f"


@dataclass(frozen=True)
class Risk:
    # order id -> (MISSED or AT_RISK, expected packed at, cut-off)
    by_order: dict[int, tuple[str, datetime | None, datetime | None]]
    due_open: int  # pack slots needed today before the trucks
    slots: dict[int, int] = field(default_factory=dict)  # queued order id -> its slot (from 1)

    @property
    def at_risk(self) -> int:
        return sum(1 for r in self.by_order.values() if r[0] == AT_RISK)

    @property
    def missed(self) -> int:
        return sum(1 for r in self.by_order.values() if r[0] == MISSED)


def pack_queue_risk(
    rows: Iterable[OpenRow], cutoff_of: CutoffOf, now: datetime, per_hour: float, today: object
) -> Risk:
    """Walk the pack queue of orders due by ``today`` (see the module's rules)."""
    far_future = now + timedelta(days=3650)
    queue = sorted(
        # ids grow with import time: first imported first, no datetime per row
        ((cutoff_of(r[3], r[4]) or far_future), STAGE[r[2]], -r[5], r[0])
        for r in rows
        if r[2] in FLOW and (r[6] is None or r[6] <= today)
    )
    risk: dict[int, tuple[str, datetime | None, datetime | None]] = {}
    slots: dict[int, int] = {}
    slot = 0
    for cut, _, _, oid in queue:
        if cut is not far_future and cut <= now:
            risk[oid] = (MISSED, None, cut)
            continue  # it will not use today's pack slots before the truck
        slot += 1
        slots[oid] = slot
        eta = expected_packed(slot, now, per_hour)
        if cut is not far_future and eta > cut:
            risk[oid] = (AT_RISK, eta, cut)
    return Risk(risk, slot, slots)


def expected_packed(slot: int, now: datetime, per_hour: float) -> datetime:
    """When the ``slot``-th order of the pack queue (from 1) is expected packed."""
    if per_hour > 0:
        return now + timedelta(hours=slot / per_hour)
    return now + timedelta(days=3650)


def slots_in_time(cut: datetime, now: datetime, per_hour: float) -> int:
    """How many pack slots are done by ``cut``: the last slot s with expected_packed(s) <= cut.

    The same arithmetic as :func:`pack_queue_risk`, searched (it only grows with s), so the
    queue's k-th order is at risk exactly when k is above this.
    """
    if cut < now or expected_packed(1, now, per_hour) > cut:
        return 0
    lo, hi = 1, 2
    while expected_packed(hi, now, per_hour) <= cut:
        lo, hi = hi, hi * 2
    while hi - lo > 1:  # expected_packed(lo) <= cut < expected_packed(hi)
        mid = (lo + hi) // 2
        if expected_packed(mid, now, per_hour) <= cut:
            lo = mid
        else:
            hi = mid
    return lo


@dataclass(frozen=True)
class QueuePlan:
    """The pack queue's cut-offs as the SQL sees them.

    ``cuts`` are the distinct cut-offs, earliest first; an order's *rank* is the index of its
    cut-off, ``len(cuts)`` for none. Ranks below ``missed_below`` have passed; ``in_time[r]``
    is how many slots are packed by cut-off ``r``.
    """

    cuts: tuple[datetime, ...]
    missed_below: int
    in_time: tuple[int, ...]

    @property
    def no_cutoff(self) -> int:
        return len(self.cuts)


def queue_plan(cuts: Iterable[datetime], now: datetime, per_hour: float) -> QueuePlan:
    ordered = tuple(sorted(set(cuts)))
    return QueuePlan(
        ordered,
        sum(1 for c in ordered if c <= now),
        tuple(slots_in_time(c, now, per_hour) for c in ordered),
    )


# (cut-off rank, status, priority): the orders of one cut-off, stage and priority, which
# the pack queue takes one after the other by id.
Subgroup = tuple[int, str, int]


@dataclass(frozen=True)
class QueueLayout:
    """The pack queue laid out from counts, without placing every order.

    ``before[g]`` is how many queued orders come before subgroup ``g`` (its first order
    has slot ``before[g] + 1``). ``turn[r]`` is where cut-off ``r``'s orders start to be
    at risk: ``(g, in_time)`` — the first ``in_time`` orders of subgroup ``g`` (by id)
    still make it, the rest of ``g`` and every later subgroup of ``r`` do not. A cut-off
    with no entry has all its queued orders in time.
    """

    before: dict[Subgroup, int]
    turn: dict[int, tuple[Subgroup, int]]


def queue_layout(counts: Iterable[tuple[int, str, int, int]], plan: QueuePlan) -> QueueLayout:
    """From queued orders counted per (cut-off rank, status, priority, orders).

    The same queue as :func:`pack_queue_risk` (cut-off, stage, priority first, id), so the
    order in subgroup ``g`` at position j (from 1, by id) has slot ``before[g] + j`` and is
    at risk exactly when that is above ``plan.in_time`` of its cut-off.
    """
    sizes: dict[Subgroup, int] = defaultdict(int)
    for rank, status, priority, n in counts:
        if rank >= plan.missed_below:
            sizes[(rank, status, priority)] += n
    before: dict[Subgroup, int] = {}
    turn: dict[int, tuple[Subgroup, int]] = {}
    slot = 0
    for g in sorted(sizes, key=lambda g: (g[0], STAGE[g[1]], -g[2])):
        rank, n = g[0], sizes[g]
        before[g] = slot
        if rank < plan.no_cutoff and rank not in turn:
            in_time = plan.in_time[rank] - slot
            if in_time < n:
                turn[rank] = (g, max(0, in_time))
        slot += n
    return QueueLayout(before, turn)


def late_days(promised: object, today: object, day: date) -> int:
    """Days past the promised ship date (0: not late)."""
    if promised is None or not promised < today:  # type: ignore[operator]
        return 0
    return (day - as_date(promised)).days


def stuck_minutes(status: str, last: object, stuck_before: object, now: datetime) -> int:
    """Minutes without an event for an order that should be moving (0: not stuck)."""
    if status not in STUCK or last is None or not last <= stuck_before:  # type: ignore[operator]
        return 0
    return int((now - as_utc(last)).total_seconds() // 60)


def pipeline_bucket(status: str, fully_loaded: bool) -> str:
    """Where an open order is in its carrier's flow (a CarrierRow field)."""
    if status in UNPICKED:
        return "unpicked"
    if status == "PICKING":
        return "picking"
    if status in AT_PACKING:
        return "packing"
    if status == "PACKED":
        return "handed_over" if fully_loaded else "packed"
    return "blocked"


Key = tuple[int | None, int | None]  # (carrier id, service id)


@dataclass
class Tally:
    """Counts per carrier and service, and the orders that need attention."""

    by_service: dict[Key, dict[str, int]] = field(
        default_factory=lambda: defaultdict(lambda: dict.fromkeys(MATRIX, 0))
    )
    pipe: dict[int | None, dict[str, int]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(int))
    )
    service_pipe: dict[Key, dict[str, int]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(int))
    )
    # (sort key, row, late days, stuck minutes), most urgent first after sort
    flagged: list[tuple[tuple, OpenRow, int, int]] = field(default_factory=list)
    late: int = 0
    stuck: int = 0
    # Filled by tally_groups (tally leaves these to its Risk).
    at_risk: int = 0
    missed: int = 0
    due_open: int = 0


def tally(
    rows: Sequence[OpenRow],
    risk: Risk,
    fully_loaded: set[int],
    *,
    day: date,
    today: object,
    stuck_before: object,
    now: datetime,
) -> Tally:
    """One pass over the open orders: counts, pipeline, late, stuck, attention."""
    far_future = now + timedelta(days=3650)
    no_risk: tuple[str, datetime | None, datetime | None] = ("", None, None)
    t = Tally()
    for row in rows:
        oid, name, st, cid, sid, _, promised, last = row
        late = late_days(promised, today, day)
        stuck = stuck_minutes(st, last, stuck_before, now)
        r, _, cut = risk.by_order.get(oid, no_risk)
        t.late += bool(late)
        t.stuck += bool(stuck)
        if late or r or stuck:
            rank = 0 if late else SEVERITY.get(r, 3)
            t.flagged.append(((rank, cut or far_future, -late, name), row, late, stuck))
        t.by_service[(cid, sid)][st] += 1
        p = t.pipe[cid]
        bucket = pipeline_bucket(st, oid in fully_loaded)
        p[bucket] += 1
        if bucket == "handed_over":
            t.service_pipe[(cid, sid)]["loaded"] += 1
        if late:
            p["late"] += 1
            t.service_pipe[(cid, sid)]["late"] += 1
        if r:
            key = "at_risk" if r == AT_RISK else "missed"
            p[key] += 1
            t.service_pipe[(cid, sid)][key] += 1
    t.flagged.sort(key=lambda f: f[0])
    return t


# Risk classes as the SQL returns them.
NO_RISK, RISK_MISSED, RISK_AT = 0, 1, 2
RISK_NAME = {NO_RISK: "", RISK_MISSED: MISSED, RISK_AT: AT_RISK}

# (carrier id, service id, status, risk class, late, stuck, fully loaded, queued, orders)
Group = tuple[int | None, int | None, str, int, int, int, int, int, int]


def tally_groups(groups: Iterable[Group]) -> Tally:
    """:func:`tally`'s counts from counts per group instead of order by order."""
    t = Tally()
    for cid, sid, st, risk_class, late, stuck, loaded, queued, n in groups:
        t.by_service[(cid, sid)][st] += n
        p = t.pipe[cid]
        bucket = pipeline_bucket(st, bool(loaded))
        p[bucket] += n
        if bucket == "handed_over":
            t.service_pipe[(cid, sid)]["loaded"] += n
        if late:
            p["late"] += n
            t.service_pipe[(cid, sid)]["late"] += n
            t.late += n
        if risk_class:
            key = "at_risk" if risk_class == RISK_AT else "missed"
            p[key] += n
            t.service_pipe[(cid, sid)][key] += n
            if risk_class == RISK_AT:
                t.at_risk += n
            else:
                t.missed += n
        if stuck:
            t.stuck += n
        if queued:
            t.due_open += n
    return t


def local_hour(utc_hour: int, start: datetime, tz) -> int:  # noqa: ANN001 - a tzinfo
    """Map a UTC hour inside the local day starting at ``start`` to the local hour."""
    at = start.replace(hour=utc_hour, minute=0, second=0, microsecond=0)
    if at < start.replace(minute=0, second=0, microsecond=0):
        at += timedelta(days=1)
    return at.astimezone(tz).hour


def as_date(value: object) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def as_utc(value: object) -> datetime:
    if isinstance(value, datetime):
        return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime.fromisoformat(str(value)).replace(tzinfo=UTC)
