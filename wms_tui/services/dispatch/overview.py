"""The supervisor's dispatch overview: one read model, one snapshot.

:func:`overview` runs a fixed handful of aggregate queries (no per-order
queries) and returns a plain :class:`Snapshot` the screen renders as is. Every
query is bounded by an index range on *today* or reads only open orders, never
the history; the open orders are graded and counted in the database
(:func:`_open_work`), so Python sees group counts and the listed orders only.
No statement sorts the open orders any more (the pack queue is laid out from
counts), but each still reads every open order's index entry once:
``python -m bench --only dispatch_overview`` and ``docs/performance.md``.

The rules (pace, at risk, late, stuck, the pipeline buckets) are pure
functions in :mod:`overview_rules`, tested without a store; this module runs
the queries and assembles the snapshot. **Today** and **cut-offs** are on the
warehouse's clock (``Warehouse.timezone``). Which cut-off an order must make
is :mod:`cutoffs`' rule (its service's, else its carrier's pickup: the latest
cut-off of the carrier's services), the one the delay list and the shift
dashboard use too.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import (
    Integer,
    String,
    and_,
    case,
    cast,
    func,
    literal,
    literal_column,
    null,
    or_,
    text,
    type_coerce,
    union_all,
)
from sqlalchemy.engine import Connection, Row
from sqlmodel import Session, col, select

from wms_tui.domain import shipping_days as days
from wms_tui.domain.clock import utcnow
from wms_tui.domain.enums import (
    EventKind,
    ManifestStatus,
    MovementReason,
    OrderStatus,
    ParcelStatus,
)
from wms_tui.domain.models import (
    Carrier,
    Event,
    Manifest,
    Operator,
    Order,
    Parcel,
    Service,
    StockMovement,
    WmsException,
)
from wms_tui.services.core import settings
from wms_tui.services.core.clock import warehouse_zone
from wms_tui.services.dispatch import cutoffs
from wms_tui.services.dispatch import overview_rules as rules
from wms_tui.services.dispatch import pace as pace_rule
from wms_tui.services.dispatch.handover import cancelled_message
from wms_tui.services.shop.status import SyncStatus, sync_status
from wms_tui.store import Store

S = OrderStatus

OPEN_STATUSES: tuple[S, ...] = (
    S.NEW,
    S.READY_TO_PICK,
    S.BACKORDERED,
    S.ON_HOLD,
    S.PICKING,
    S.PICKED,
    S.PACKING,
    S.PACKED,
)
# Columns of the status matrix, in flow order; DISPATCHED and CANCELLED count today only.
MATRIX_STATUSES: tuple[S, ...] = (
    S.NEW,
    S.READY_TO_PICK,
    S.BACKORDERED,
    S.ON_HOLD,
    S.PICKING,
    S.PICKED,
    S.PACKING,
    S.PACKED,
    S.DISPATCHED,
    S.CANCELLED,
)
# Not packed yet but moving toward a pack station: these compete for pack slots.
FLOW_STATUSES = frozenset({S.NEW, S.READY_TO_PICK, S.PICKING, S.PICKED, S.PACKING})
BLOCKED_STATUSES = frozenset({S.ON_HOLD, S.BACKORDERED})
STUCK_STATUSES = FLOW_STATUSES
NO_CARRIER = "—"
# Built once: an alias makes a Column object per column, every time.
_OPEN_IDS = Order.__table__.alias("open_ids")  # type: ignore[attr-defined]
MAX_LISTED = 200  # rows per list; counts are always complete


# --------------------------------------------------------------------------- snapshot


@dataclass(frozen=True)
class ServiceRow:
    """Orders of one carrier service, counted by status."""

    carrier_code: str
    service_code: str
    service_name: str
    cutoff: time | None
    cutoff_at: datetime | None
    counts: dict[str, int]  # status -> orders; DISPATCHED and CANCELLED: today only
    loaded: int = 0  # PACKED orders with every parcel on the truck
    at_risk: int = 0
    missed: int = 0
    late: int = 0

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def packed_waiting(self) -> int:
        return self.counts.get(S.PACKED.value, 0) - self.loaded

    @property
    def on_truck(self) -> int:
        """Loaded, or already gone today (the carrier's *handed over*)."""
        return self.loaded + self.counts.get(S.DISPATCHED.value, 0)


@dataclass(frozen=True)
class CarrierRow:
    """One truck: its cut-off and where its orders are in the flow."""

    carrier_id: int | None
    code: str
    name: str
    cutoff: time | None
    cutoff_at: datetime | None
    minutes_left: int | None
    unpicked: int = 0
    picking: int = 0
    packing: int = 0
    packed: int = 0
    handed_over: int = 0
    blocked: int = 0
    at_risk: int = 0
    missed: int = 0
    late: int = 0
    manifest: str = ""  # "", OPEN or CLOSED for today's manifest

    @property
    def to_do(self) -> int:
        """Orders that still need picking or packing before they can go."""
        return self.unpicked + self.picking + self.packing

    @property
    def outlook(self) -> str:
        """One word or two a supervisor reads first."""
        if self.manifest == ManifestStatus.CLOSED:
            return "closed"
        if self.minutes_left is not None and self.minutes_left < 0:
            return "cut-off passed"
        if self.at_risk:
            return f"{self.at_risk} at risk"
        if self.to_do == 0 and self.packed == 0:
            return "all loaded" if self.handed_over else "nothing due"
        if self.to_do == 0:
            return "load now"
        return "on track"


@dataclass(frozen=True)
class AttentionOrder:
    """An order a supervisor should look at, with every reason why."""

    order_id: int
    name: str
    carrier_code: str
    service_code: str
    status: str
    promised: date | None
    late_days: int = 0
    risk: str = ""  # "", "at risk" or "missed cut-off"
    eta: datetime | None = None
    cutoff_at: datetime | None = None
    stuck_minutes: int = 0
    last_event_at: datetime | None = None
    last_by: str = ""
    last_terminal: str = ""

    @property
    def reasons(self) -> list[str]:
        out: list[str] = []
        if self.late_days:
            out.append(f"late {self.late_days}d")
        if self.risk:
            out.append(self.risk)
        if self.stuck_minutes:
            out.append(f"stuck {days.duration_text(self.stuck_minutes)}")
        return out

    @property
    def severity(self) -> int:
        if self.late_days:
            return 0
        return {"missed cut-off": 1, "at risk": 2}.get(self.risk, 3)


@dataclass(frozen=True)
class ExceptionRow:
    id: int | None
    kind: str
    at: datetime | None
    order_id: int | None
    order_name: str
    sku: str
    location: str
    operator_name: str
    terminal: str
    message: str


@dataclass(frozen=True)
class ThroughputRow:
    """Work done today by one person: pickers in units, packers in orders."""

    operator_name: str
    role: str  # "pick" or "pack"
    unit: str  # "units" or "orders"
    by_hour: dict[int, int]  # local hour -> amount
    total: int

    @property
    def per_hour(self) -> float:
        """Average over the clock hours in which this person did any of it."""
        return self.total / len(self.by_hour) if self.by_hour else 0.0


@dataclass(frozen=True)
class Snapshot:
    now: datetime
    day: date
    tz: ZoneInfo
    pace_per_hour: float
    pace_measured: bool
    pace_basis: str  # "last 60 min" or "planned" (pace.Pace.basis)
    packed_today: int
    due_open: int  # orders due today not packed yet
    carriers: list[CarrierRow]
    services: list[ServiceRow]
    attention: list[AttentionOrder]
    n_at_risk: int
    n_missed: int
    n_late: int
    n_stuck: int
    exceptions: list[ExceptionRow]
    n_exceptions: int
    throughput: list[ThroughputRow]
    hours: list[int] = field(default_factory=list)  # local hours with any throughput
    shop: SyncStatus | None = None  # the shop sync, once `wms sync` has run

    def shop_line(self) -> str:
        """``shop sync 12:03 · 2 queued · 1 refused``; '' when there is no shop sync."""
        if self.shop is None:
            return ""
        sync = self.shop
        parts = [f"shop sync {self.local(sync.last_run)}"]
        if sync.queued:
            parts.append(f"{sync.queued} queued")
        if sync.failed:
            parts.append(f"{sync.failed} refused")
        if sync.last_error:
            parts.append(f"error: {sync.last_error}")
        return " · ".join(parts)

    def local(self, at: datetime | None, fmt: str = "%H:%M") -> str:
        return days.local_time(at, self.tz, fmt)


# --------------------------------------------------------------------------- helpers


def _utc_hour(session: Session, column):  # noqa: ANN001, ANN202 - SQL expression in, out
    """The UTC hour of a timestamp column, as an integer, on either backend."""
    if session.get_bind().dialect.name == "postgresql":
        return cast(func.extract("hour", func.timezone("UTC", column)), Integer)
    # SQLite stores UTC as "YYYY-MM-DD HH:MM:SS.ffffff": the hour is characters 12-13;
    # substr copies them where strftime parses every row's date (today's 12,874 picks at
    # 100,000 orders: 8.4 -> 6.6 ms CPU).
    return cast(func.substr(column, 12, 2), Integer)


# --------------------------------------------------------------------------- the read model


def snapshot(store: Store, now: datetime | None = None) -> Snapshot:
    """The overview from a fresh read transaction (what the screen calls)."""
    with store.read() as session:
        return overview(session, now)


def overview(session: Session, now: datetime | None = None) -> Snapshot:  # noqa: C901
    now = now or utcnow()
    if session.get_bind().dialect.name == "postgresql":
        # psycopg prepares a statement after a few runs, and PostgreSQL then
        # switches to a generic plan that cannot see "today" in the time range:
        # measured 1.4 ms -> 13 ms for the packs-today query from the 11th
        # refresh on. Plan each statement for its actual values (this
        # transaction only).
        session.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))
    tz = warehouse_zone(session)
    day = days.local_day(now, tz)
    day_start, day_end = days.day_bounds(day, tz)
    house = settings.all_settings(session)  # one read for both rules
    stuck_after = timedelta(minutes=int(house["stuck_after_minutes"]))
    planned_pace = float(int(house["planned_packs_per_hour"]))

    # 1. carriers and services (a few rows).
    carriers = {c.id: c for c in session.exec(select(Carrier).order_by(col(Carrier.code)))}
    services = {s.id: s for s in session.exec(select(Service).order_by(col(Service.code)))}

    # 3. dispatched / cancelled today, counted per service.
    finished = session.exec(
        select(Order.carrier_id, Order.service_id, Order.status, func.count())
        .where(
            col(Order.status).in_((S.DISPATCHED, S.CANCELLED)),
            Order.status_changed_at >= day_start,
            Order.status_changed_at < day_end,
        )
        .group_by(Order.carrier_id, Order.service_id, Order.status)
    ).all()

    # 5. today's manifests.
    manifests = {
        cid: str(status)
        for cid, status in session.exec(
            select(Manifest.carrier_id, Manifest.status).where(Manifest.day == day)
        ).all()
    }

    # 6. packs today, per packer and hour (also gives the pace).
    hour_ev = _utc_hour(session, Event.at)
    pack_rows = session.exec(
        select(
            Event.operator_name,
            hour_ev,
            func.count(),
            func.min(Event.at),
        )
        .where(
            Event.kind == EventKind.ORDER_STATUS,
            Event.to_state == S.PACKED.value,
            # A person packed it: imported orders (no operator) are not work.
            col(Event.operator_id).is_not(None),
            Event.at >= day_start,
            Event.at < day_end,
        )
        .group_by(Event.operator_name, hour_ev)
    ).all()
    # 7. picks today, per picker and hour, in units.
    hour_mv = _utc_hour(session, StockMovement.at)
    pick_rows = session.exec(
        select(
            func.coalesce(Operator.name, literal("?")),
            hour_mv,
            func.sum(StockMovement.qty),
        )
        .select_from(StockMovement)
        .join(Operator, col(Operator.id) == StockMovement.operator_id, isouter=True)
        .where(
            # Written out, not bound: it selects the partial index ix_stockmovement_picks_cover.
            col(StockMovement.reason) == literal_column(f"'{MovementReason.PICKED.value}'"),
            col(StockMovement.operator_id).is_not(None),
            StockMovement.at >= day_start,
            StockMovement.at < day_end,
        )
        .group_by(Operator.name, hour_mv)
    ).all()

    # 8. open exceptions, newest first, plus parcels of orders cancelled after
    #    packing that are still in the building (derived: they must come out).
    cx = session.connection()  # core rows: ORM objects cost ~60 µs each here
    exc_rows = cx.execute(
        select(
            WmsException.id,
            WmsException.kind,
            WmsException.at,
            WmsException.order_id,
            Order.name,
            WmsException.sku,
            WmsException.location,
            WmsException.operator_name,
            WmsException.terminal,
            WmsException.message,
            func.count().over(),  # all open ones, counted before the limit
        )
        .join(Order, col(Order.id) == WmsException.order_id, isouter=True)
        .where(col(WmsException.resolved_at).is_(None))
        .order_by(col(WmsException.at).desc(), col(WmsException.id).desc())
        .limit(MAX_LISTED)
    ).all()
    exc_count = exc_rows[0][-1] if exc_rows else 0
    pull_rows = cx.execute(
        select(
            Parcel.id,
            Parcel.order_id,
            Order.name,
            Order.cancelled_at,
            Parcel.status,
            Parcel.sscc,
            Parcel.tracking_number,
            Parcel.packed_by_name,
            Parcel.terminal,
        )
        .join(Order, col(Order.id) == Parcel.order_id)
        .where(
            Order.status == S.CANCELLED,
            col(Parcel.status).in_((ParcelStatus.CLOSED, ParcelStatus.LOADED)),
        )
        .order_by(col(Parcel.id))
        .limit(MAX_LISTED)
    ).all()

    # ---- pace ------------------------------------------------------------
    # The one pace rule (the delay list and the shift dashboard use the same).
    pace = pace_rule.read(session, now, day_start, planned_pace)
    packed_today = sum(int(n) for _, _, n, _ in pack_rows)

    # ---- cut-offs ----------------------------------------------------------
    # An order's cut-off is its service's, else its carrier's pickup (the delay list and
    # the shift dashboard ask the same Cutoffs).
    cuts = cutoffs.of_services(services.values(), day, tz)
    svc_cutoff_at = {sid: cuts.on_day(t) for sid, t in cuts.service.items()}

    # 2. the open orders, graded and counted per group in SQL; only the listed ones come
    #    back as rows (see _open_work).
    sqlite = session.get_bind().dialect.name == "sqlite"
    carrier_cut_at = {cid: cuts.on_day(t) for cid, t in cuts.carrier.items()}
    plan = rules.queue_plan([*svc_cutoff_at.values(), *carrier_cut_at.values()], now, pace.per_hour)
    rank_of = {c: r for r, c in enumerate(plan.cuts)}
    cut_rank = {("s", sid): rank_of[c] for sid, c in svc_cutoff_at.items()}
    cut_rank |= {("c", cid): rank_of[c] for cid, c in carrier_cut_at.items()}
    stuck_before = now - stuck_after
    groups, n_stuck, listed, slots = _open_work(
        session.connection(), sqlite, plan, cut_rank, day=day, stuck_before=stuck_before
    )
    counted = rules.tally_groups(groups)
    counted.stuck = n_stuck
    svc_counts, pipe, svc_pipe = counted.by_service, counted.pipe, counted.service_pipe

    # Raw values from here on (see overview_rules): the day and the stuck
    # threshold in the representation the backend returns.
    today_cmp: object = day.isoformat() if sqlite else day
    stuck_cmp: object = (
        stuck_before.astimezone(UTC).strftime(rules.SQLITE_TS) if sqlite else stuck_before
    )
    touched = _last_touched(session, [r.id for r in listed])
    attention: list[AttentionOrder] = []
    for r in listed:
        last, by, terminal = touched.get(r.id, (None, "", ""))
        c = carriers.get(r.carrier_id)
        s = services.get(r.service_id)
        attention.append(
            AttentionOrder(
                order_id=r.id,
                name=r.name,
                carrier_code=c.code if c else NO_CARRIER,
                service_code=s.code if s else "",
                status=r.status,
                promised=rules.as_date(r.promised) if r.promised is not None else None,
                late_days=rules.late_days(r.promised, today_cmp, day),
                risk=rules.RISK_NAME[r.risk],
                eta=(
                    rules.expected_packed(slots[r.id], now, pace.per_hour)
                    if r.risk == rules.RISK_AT
                    else None
                ),
                cutoff_at=plan.cuts[r.cut_rank] if r.risk else None,
                stuck_minutes=rules.stuck_minutes(r.status, last, stuck_cmp, now),
                last_event_at=rules.as_utc(last) if last is not None else None,
                last_by=by,
                last_terminal=terminal,
            )
        )

    for carrier_id, service_id, status, n in finished:
        svc_counts[(carrier_id, service_id)][str(S(status).value)] += n
        if S(status) is S.DISPATCHED:
            pipe[carrier_id]["handed_over"] += n

    carrier_rows: list[CarrierRow] = []
    for cid, c in carriers.items():
        cut = cuts.pickup(cid)
        cut_at = cuts.on_day(cut) if cut else None
        p = pipe.get(cid, {})
        carrier_rows.append(
            CarrierRow(
                carrier_id=cid,
                code=c.code,
                name=c.name,
                cutoff=cut,
                cutoff_at=cut_at,
                minutes_left=_minutes(cut_at - now) if cut_at else None,
                manifest=manifests.get(cid, ""),
                **{k: p.get(k, 0) for k in _PIPE_FIELDS},
            )
        )
    if None in pipe:
        p = pipe[None]
        carrier_rows.append(
            CarrierRow(
                None, NO_CARRIER, "no carrier", None, None, None,
                **{k: p.get(k, 0) for k in _PIPE_FIELDS},
            )
        )  # fmt: skip

    service_rows: list[ServiceRow] = []
    for (cid, sid), counts in svc_counts.items():
        c, s = carriers.get(cid), services.get(sid)
        service_rows.append(
            ServiceRow(
                carrier_code=c.code if c else NO_CARRIER,
                service_code=s.code if s else "",
                service_name=s.name if s else "(no service)",
                cutoff=s.cutoff if s else None,
                cutoff_at=svc_cutoff_at.get(sid),
                counts=counts,
                **svc_pipe.get((cid, sid), {}),
            )
        )
    service_rows.sort(key=lambda r: (r.carrier_code == NO_CARRIER, r.carrier_code, r.service_code))

    # ---- exceptions ------------------------------------------------------------
    exceptions = [
        ExceptionRow(
            id=pid,
            kind="CANCELLED_AFTER_PACK",
            at=cancelled_at,
            order_id=oid,
            order_name=name,
            sku="",
            location="dispatch" if pstatus == ParcelStatus.LOADED else "packed",
            operator_name=packed_by,
            terminal=terminal,
            message=cancelled_message(name, sscc or tracking),
        )
        for pid, oid, name, cancelled_at, pstatus, sscc, tracking, packed_by, terminal in pull_rows
    ]
    exceptions += [
        ExceptionRow(eid, kind, at, oid, name or "", *rest[:-1])
        for eid, kind, at, oid, name, *rest in exc_rows
    ]

    # ---- throughput ------------------------------------------------------------
    people: dict[tuple[str, str], dict[int, int]] = defaultdict(dict)
    for name, hour, n, _ in pack_rows:
        h = rules.local_hour(int(hour), day_start, tz)
        people[(name or "?", "pack")][h] = people[(name or "?", "pack")].get(h, 0) + int(n)
    for name, hour, n in pick_rows:
        h = rules.local_hour(int(hour), day_start, tz)
        people[(name or "?", "pick")][h] = people[(name or "?", "pick")].get(h, 0) + int(n or 0)
    throughput = sorted(
        (
            ThroughputRow(
                operator_name=name,
                role=role,
                unit="units" if role == "pick" else "orders",
                by_hour=dict(sorted(hours.items())),
                total=sum(hours.values()),
            )
            for (name, role), hours in people.items()
        ),
        key=lambda t: (t.role, -t.total, t.operator_name),
    )
    active_hours = sorted({h for t in throughput for h in t.by_hour})

    return Snapshot(
        now=now,
        day=day,
        tz=tz,
        pace_per_hour=pace.per_hour,
        pace_measured=pace.measured,
        pace_basis=pace.basis,
        packed_today=packed_today,
        due_open=counted.due_open,
        carriers=carrier_rows,
        services=service_rows,
        attention=attention,
        n_at_risk=counted.at_risk,
        n_missed=counted.missed,
        n_late=counted.late,
        n_stuck=counted.stuck,
        exceptions=exceptions,
        n_exceptions=int(exc_count) + len(pull_rows),
        throughput=throughput,
        hours=active_hours,
        shop=sync_status(session),
    )


_PIPE_FIELDS = (
    "unpicked",
    "picking",
    "packing",
    "packed",
    "handed_over",
    "blocked",
    "at_risk",
    "missed",
    "late",
)


def _minutes(delta: timedelta) -> int:
    return int(delta.total_seconds() // 60)


def _open_work(  # noqa: PLR0913, C901 - the day's terms, each needed once
    cx: Connection,
    sqlite: bool,
    plan: rules.QueuePlan,
    cut_rank: dict[tuple[str, int], int],
    *,
    day: date,
    stuck_before: datetime,
) -> tuple[list[rules.Group], int, list[Row], dict[int, int]]:
    """The open orders counted per group, how many are stuck, the ones to list, and the
    listed at-risk orders' slots in the pack queue.

    Two statements, neither sorting the open orders. The first counts them per (status,
    carrier, service, priority, promised date) in the order of ix_orders_open_work, with
    how many of each are stuck and fully loaded; Python grades the groups (cut-off rank,
    due, queued, late, missed) and lays the pack queue out from them
    (:func:`overview_rules.queue_layout`), which says, per cut-off, from which subgroup on
    its orders are at risk. The second lists the orders to show, most urgent first, and
    splits each cut-off's turning subgroup by id at the first order that no longer makes
    it (an uncorrelated subquery with OFFSET). A third, only when at-risk orders are
    listed, reads their subgroups' ids for their slots. ``docs/performance.md``.
    """
    base = _open_orders(sqlite, plan, cut_rank)
    b = base.c
    flow, due, queued = _queue_terms(b, sqlite, plan, day)
    today: object = _as_date(day, sqlite)

    # Stuck: no event since stuck_before. The orders with one are read off the event log's
    # time index, not by looking up each open order's last event; an order with no event at
    # all counts from its last status change.
    touched_since = select(Event.order_id).where(
        Event.at > stuck_before, col(Event.order_id).is_not(None)
    )
    has_events = select(Event.id).where(Event.order_id == b.id).exists()
    stuck = and_(flow, b.id.not_in(touched_since), or_(b.changed <= stuck_before, has_events))
    # Counted without a lookup per open order: the moving orders unchanged since, less
    # those of them touched since (read from the events, once), plus the few changed since
    # with an older event and none since.
    quiet = and_(flow, b.changed <= stuck_before)
    quiet_touched = (
        select(func.count())
        .select_from(Order)
        .where(
            col(Order.status).in_(FLOW_STATUSES),
            col(Order.status_changed_at) <= stuck_before,
            col(Order.id).in_(touched_since),
        )
        .scalar_subquery()
    )
    woke_stuck = and_(flow, b.changed > stuck_before, b.id.not_in(touched_since), has_events)

    def parcel_in(st: ParcelStatus):  # noqa: ANN202 - an EXISTS clause
        return select(Parcel.id).where(Parcel.order_id == b.id, Parcel.status == st).exists()

    loaded = and_(
        b.status == S.PACKED.value,
        parcel_in(ParcelStatus.LOADED),
        ~parcel_in(ParcelStatus.CLOSED),
    )
    keys = (b.status, b.carrier_id, b.service_id, b.priority, b.promised)
    counted = cx.execute(
        select(
            *keys,
            func.count(),
            func.sum(_flag(quiet)) + func.sum(_flag(woke_stuck)),
            func.sum(_flag(loaded)),
            quiet_touched,
        ).group_by(*keys)
    ).all()

    def rank_of(cid: int | None, sid: int | None) -> int:  # the SQL's CASE, in Python
        if ("s", sid) in cut_rank:
            return cut_rank[("s", sid)]
        return cut_rank.get(("c", cid), plan.no_cutoff)  # type: ignore[arg-type]

    graded = []
    shape = []
    stuck_total = -counted[0][-1] if counted else 0
    for status, cid, sid, priority, promised, n, n_stuck, n_loaded, _ in counted:
        r = rank_of(cid, sid)
        is_due = status in rules.FLOW and (promised is None or promised <= today)
        is_queued = is_due and r >= plan.missed_below
        graded.append((status, cid, sid, priority, promised, n, n_stuck, n_loaded, r, is_due))
        if is_queued:
            shape.append((r, status, priority, n))
    layout = rules.queue_layout(shape, plan)

    # Where each cut-off turns at risk: from the first order of its turning subgroup (by
    # id) that no longer makes it. Read once per statement: a CTE of (rank, first id) that
    # every use refers to (SQLite and PostgreSQL materialise a CTE used more than once).
    found = []
    for r, ((_, status, priority), in_time) in layout.turn.items():
        if not in_time:
            continue
        promised = col(Order.promised_ship_date)
        first_id = (
            select(Order.id)
            .where(
                Order.status == S(status),
                Order.priority == priority,
                or_(promised.is_(None), promised <= day),
                _rank(cut_rank, plan) == r,
            )
            .order_by(col(Order.id))
            .limit(1)
            .offset(in_time)
            .scalar_subquery()
        )
        found.append(select(literal(r).label("r"), first_id.label("first")))
    turns = (union_all(*found) if len(found) > 1 else found[0]).cte("turns") if found else None
    after_turn = []
    turning = []
    for r, ((_, status, priority), in_time) in layout.turn.items():
        first: object = 0  # the whole subgroup is late
        if in_time and turns is not None:
            first = select(turns.c.first).where(turns.c.r == r).scalar_subquery()
        in_turn = and_(b.cut_rank == r, b.status == status, b.priority == priority)
        turning.append(and_(in_turn, b.id >= first))
        later = [st for st, n in rules.STAGE.items() if n > rules.STAGE[status]]
        after_turn.append(
            and_(
                b.cut_rank == r,
                or_(
                    b.status.in_(later),
                    and_(b.status == status, b.priority < priority),
                    and_(in_turn, b.id >= first),
                ),
            )
        )
    at_risk = and_(queued, or_(*after_turn)) if after_turn else literal(False)
    risk = case(
        (and_(due, b.cut_rank < plan.missed_below), rules.RISK_MISSED),
        (at_risk, rules.RISK_AT),
        else_=rules.NO_RISK,
    )
    late = b.promised < today
    # The order of overview_rules.tally: late, then missed cut-off, at risk, stuck; then the
    # cut-off (none last), the longest late first, the name in byte order as Python compares
    # text (PostgreSQL's own collation may sort names differently).
    urgency = case(
        (late, 0),
        (and_(due, b.cut_rank < plan.missed_below), 1),
        (at_risk, 2),
        else_=3,
    )
    order = (
        urgency,
        case((risk > 0, b.cut_rank), else_=plan.no_cutoff),
        case((late, b.promised)),
        b.name if sqlite else b.name.collate("C"),
    )
    listed = (
        select(
            literal(1).label("part"),
            b.status,
            b.carrier_id,
            b.service_id,
            b.priority,
            b.promised,
            literal(1).label("n"),
            risk.label("risk"),
            b.cut_rank,
            b.id,
            b.name,
        )
        .where(or_(late, risk > 0, stuck))
        .order_by(*order)
        .limit(MAX_LISTED)
        .subquery("listed")
    )
    parts = [select(*listed.c)]
    if turning:
        # The turning subgroups' at-risk orders, counted with the first statement's keys.
        parts.append(
            select(literal(2), *keys, func.count(), null(), null(), null(), null())
            .where(queued, or_(*turning))
            .group_by(*keys)
        )
    rows = cx.execute(union_all(*parts) if len(parts) > 1 else parts[0]).all()
    shown = [r for r in rows if r[0] == 1]
    split = {tuple(r[1:6]): r[6] for r in rows if r[0] == 2}

    groups: list[rules.Group] = []
    for status, cid, sid, priority, promised, n, n_stuck, n_loaded, r, is_due in graded:
        stuck_total += int(n_stuck or 0)
        is_late = int(promised is not None and promised < today)
        is_queued = int(is_due and r >= plan.missed_below)
        missed = is_due and r < plan.missed_below
        n_at = 0
        if is_queued and r in layout.turn:
            (_, t_status, t_priority), _ = layout.turn[r]
            here, there = (rules.STAGE[status], -priority), (rules.STAGE[t_status], -t_priority)
            if here > there:
                n_at = n
            elif here == there:
                n_at = split.get((status, cid, sid, priority, promised), 0)
        rest = rules.RISK_MISSED if missed else rules.NO_RISK
        n_loaded = int(n_loaded or 0)
        for risk_class, is_loaded, k in (
            (rules.RISK_AT, 0, n_at),
            (rest, 1, n_loaded),
            (rest, 0, n - n_at - n_loaded),
        ):
            if k:
                groups.append((cid, sid, status, risk_class, is_late, 0, is_loaded, is_queued, k))

    # The slot of each listed order at risk (its expected packing time): its subgroup's
    # place in the queue plus its place in the subgroup, read for those subgroups only.
    slots: dict[int, int] = {}
    wanted: dict[rules.Subgroup, list[int]] = defaultdict(list)
    for r in shown:
        if r.risk == rules.RISK_AT:
            wanted[(r.cut_rank, r.status, r.priority)].append(r.id)
    if wanted:
        # Their places in their subgroups, numbered by a window over those statuses and
        # priorities up to the last listed id only; 200 rows at most come back.
        numbered = (
            select(
                b.id,
                func.row_number()
                .over(partition_by=(b.cut_rank, b.status, b.priority), order_by=b.id)
                .label("place"),
            )
            .where(
                queued,
                b.status.in_({g[1] for g in wanted}),
                b.priority.in_({g[2] for g in wanted}),
                b.id <= max(max(ids) for ids in wanted.values()),
            )
            .subquery("numbered")
        )
        place = dict(
            cx.execute(
                select(numbered.c.id, numbered.c.place).where(
                    numbered.c.id.in_([oid for ids in wanted.values() for oid in ids])
                )
            ).all()
        )
        for g, ids in wanted.items():
            for oid in ids:
                slots[oid] = layout.before[g] + place[oid]
    return groups, stuck_total, shown, slots


def _open_orders(sqlite: bool, plan: rules.QueuePlan, cut_rank: dict[tuple[str, int], int]):  # noqa: ANN202
    """The open orders as the grading reads them (a subquery), with their cut-off's rank."""
    rank = _rank(cut_rank, plan)
    return (
        select(
            col(Order.id).label("id"),
            col(Order.name).label("name"),
            # Text on both backends (PostgreSQL's is an enum type): the grading compares it
            # with names, and the rules take it as text.
            (type_coerce(Order.status, String) if sqlite else cast(Order.status, String)).label(
                "status"
            ),
            col(Order.carrier_id).label("carrier_id"),
            col(Order.service_id).label("service_id"),
            col(Order.priority).label("priority"),
            # Raw values, as the rules compare them (see overview_rules).
            type_coerce(Order.promised_ship_date, String).label("promised"),
            col(Order.status_changed_at).label("changed"),
            rank.label("cut_rank"),
        )
        .where(col(Order.status).in_(OPEN_STATUSES))
        .subquery("open_orders")
    )


def _rank(cut_rank: dict[tuple[str, int], int], plan: rules.QueuePlan):  # noqa: ANN202
    """An order's cut-off rank: its service's cut-off, else its carrier's, else none."""
    whens = [(col(Order.service_id) == sid, r) for (k, sid), r in cut_rank.items() if k == "s"]
    whens += [(col(Order.carrier_id) == cid, r) for (k, cid), r in cut_rank.items() if k == "c"]
    return case(*whens, else_=plan.no_cutoff) if whens else literal(plan.no_cutoff)


def _queue_terms(b, sqlite: bool, plan: rules.QueuePlan, day: date):  # noqa: ANN001, ANN202
    """(flow, due, queued) over the columns ``b`` of :func:`_open_orders`."""
    flow = b.status.in_([st.value for st in FLOW_STATUSES])
    due = and_(flow, or_(b.promised.is_(None), b.promised <= _as_date(day, sqlite)))
    return flow, due, and_(due, b.cut_rank >= plan.missed_below)


def _as_date(day: date, sqlite: bool) -> object:
    """``day`` as the raw promised column compares: ISO text on SQLite, a date elsewhere."""
    return day.isoformat() if sqlite else day


def _flag(condition):  # noqa: ANN001, ANN202 - SQL in, SQL out
    """1 where ``condition`` holds, else 0 (a NULL comparison counts as not holding)."""
    return case((condition, 1), else_=0)


def _last_touched(session: Session, ids: list[int]) -> dict[int, tuple[object, str, str]]:
    """For each listed order: its last event's time (or its last status change when it has
    none, raw as the rules compare it), and who made that event where (one query)."""
    if not ids:
        return {}
    last_at = (
        select(Event.order_id, func.max(Event.at).label("at"))
        .where(col(Event.order_id).in_(ids))
        .group_by(Event.order_id)
        .subquery()
    )
    rows = session.connection().execute(
        select(
            Order.id,
            type_coerce(func.coalesce(last_at.c.at, Order.status_changed_at), String),
            Event.id,
            Event.operator_name,
            Event.terminal,
        )
        .select_from(Order)
        .join(last_at, last_at.c.order_id == Order.id, isouter=True)
        .join(Event, and_(Event.order_id == Order.id, Event.at == last_at.c.at), isouter=True)
        .where(col(Order.id).in_(ids))
        .order_by(col(Event.id))
    )
    out: dict[int, tuple[object, str, str]] = {}
    for oid, last, event_id, name, terminal in rows:
        # The latest id wins on equal times; an order without events has no one.
        out[oid] = (last, name, terminal) if event_id is not None else (last, "", "")
    return out
