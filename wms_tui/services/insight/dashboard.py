"""The shift dashboard's read model: one :class:`Dashboard` per refresh.

:func:`dashboard` checks the role and runs a fixed handful of aggregate
queries in one read transaction: orders by status now, today's flow per hour,
each carrier's work left before its cut-off judged at the pack pace
(:mod:`~wms_tui.services.dispatch.pace`, the overview's and the delay list's),
people's rates and pack accuracy today (:mod:`metrics`),
cycle times of today's dispatches, backorders by age and open exceptions by
kind. Every query is bounded by an index range on *today* (the event log's
``at`` and ``ix_event_kind_cover`` (kind, to_state, at, …), orders'
``(status, status_changed_at)``) or touches only open orders, never the
history. Today's per-hour figures (flow, people, cycle times) up to ten
minutes ago are kept between refreshes of one store (:mod:`hour_cache`): a
live refresh reads only the last ten minutes or so of the event log.
``python -m bench --only insight_dashboard`` measures a cold and a warm
refresh at 100,000 orders and 1,000,000 events, step by step.

*Today* is the warehouse's calendar day (``Warehouse.timezone``). The work a
carrier still needs counts open orders due today (promised ship date today or
earlier, or none) that are not packed yet, per cut-off they must make: an
order's service's, else its carrier's pickup (:mod:`~wms_tui.services.dispatch.cutoffs`,
the rule of the dispatch overview and the delay list).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import String, case, cast, func, or_, text, type_coerce
from sqlmodel import Session, col, select

from wms_tui.domain import shipping_days as days
from wms_tui.domain.actor import Actor
from wms_tui.domain.clock import utcnow
from wms_tui.domain.enums import OrderStatus, Role
from wms_tui.domain.models import Carrier, Order, OrderLine, WmsException
from wms_tui.services.core import settings
from wms_tui.services.core.clock import warehouse_zone
from wms_tui.services.dispatch import cutoffs, overview_rules
from wms_tui.services.dispatch import pace as pace_rule
from wms_tui.services.dispatch.pace import Pace
from wms_tui.services.insight import hour_cache, metrics, rules
from wms_tui.services.insight.metrics import CycleTimes, PersonWork
from wms_tui.store import Store

S = OrderStatus
# Statuses shown "now", in flow order; DISPATCHED and CANCELLED count today's only.
STAGES: tuple[S, ...] = (
    S.NEW, S.READY_TO_PICK, S.BACKORDERED, S.ON_HOLD, S.PICKING, S.PICKED, S.PACKING,
    S.PACKED, S.DISPATCHED, S.CANCELLED,
)  # fmt: skip
OPEN: tuple[S, ...] = STAGES[:-2]
# Not packed yet: these still need the floor before their truck.
TO_DO: tuple[S, ...] = (S.NEW, S.READY_TO_PICK, S.PICKING, S.PICKED, S.PACKING)
PLANNED = "planned_packs_per_hour"
NO_CARRIER = "—"


@dataclass(frozen=True)
class CarrierOutlook:
    code: str
    name: str
    cutoff: time | None  # local
    cutoff_at: datetime | None
    orders: int  # due today, not packed yet
    lines_to_pick: int
    units_to_pick: int
    units_to_pack: int
    verdict: str  # a rules.* verdict
    done_at: datetime | None  # the pack queue reaches its last order (None: no slot today)
    at_risk: int  # its orders the pace does not pack by the cut-off (the overview's at risk)

    @property
    def makes_it(self) -> bool:
        return self.verdict in (rules.MAKES_IT, rules.DONE, rules.NO_CUTOFF)


@dataclass(frozen=True)
class Dashboard:
    now: datetime
    tz: ZoneInfo
    day_start: datetime
    stages: tuple[tuple[str, int], ...]  # status -> orders now (finished: today)
    hours: tuple[datetime, ...]  # today's UTC hours up to now, oldest first
    flow: tuple[tuple[str, tuple[int, ...]], ...]  # stage -> orders per hour of ``hours``
    carriers: tuple[CarrierOutlook, ...]  # in cut-off order
    pace: Pace  # orders packed per hour: the one pace rule, which judges the cut-offs
    pick_units_per_hour: float  # units over the pace's window, for the floor to see
    pack_units_per_hour: float
    pickers: tuple[PersonWork, ...]
    packers: tuple[PersonWork, ...]
    cycle: CycleTimes
    backorders: tuple[tuple[str, int], ...]  # age bucket -> orders
    exceptions: tuple[tuple[str, int], ...]  # kind -> open, most first

    @property
    def open_orders(self) -> int:
        return sum(n for st, n in self.stages if st in {s.value for s in OPEN})

    def local(self, at: datetime | None, fmt: str = "%H:%M") -> str:
        return days.local_time(at, self.tz, fmt)


def dashboard(store: Store, actor: Actor, now: datetime | None = None) -> Dashboard:
    """The shift as it stands (supervisors only); reads, never writes."""
    actor.require(Role.SUPERVISOR, action="see the shift dashboard")
    with store.read() as session:
        return _build(store, session, now or utcnow())


def _build(store: Store, session: Session, now: datetime) -> Dashboard:
    if session.get_bind().dialect.name == "postgresql":
        # As the dispatch overview: a generic plan cannot see "today" in the
        # ranges once psycopg prepares the statements.
        session.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))
    tz = warehouse_zone(session)
    day = days.local_day(now, tz)
    day_start, day_end = days.day_bounds(day, tz)
    end = min(now, day_end)

    stages = _stages(session, day_start, day_end)
    today = hour_cache.today(store, session, day_start, end, now)
    flow = metrics.flow_of(today.flow)
    first_hour = day_start.replace(minute=0, second=0, microsecond=0)
    hours: list[datetime] = []
    h = first_hour
    while h <= end and h < day_end:
        hours.append(h)
        h += timedelta(hours=1)
    window_h = pace_rule.WINDOW.total_seconds() / 3600
    picked, packed = metrics.units_in_window(session, now - pace_rule.WINDOW, now)
    pace = pace_rule.read(session, now, day_start, settings.get_int(session, PLANNED))
    return Dashboard(
        now=now,
        tz=tz,
        day_start=day_start,
        stages=stages,
        hours=tuple(hours),
        flow=tuple(
            (stage, tuple(by_hour.get(h, 0) for h in hours)) for stage, by_hour in flow.items()
        ),
        carriers=tuple(_carriers(session, now, day, tz, pace)),
        pace=pace,
        pick_units_per_hour=picked / window_h,
        pack_units_per_hour=packed / window_h,
        pickers=tuple(metrics.pickers_of(today.picks, today.refused)),
        packers=tuple(metrics.packers_of(session, today.packs, day_start, end)),
        cycle=CycleTimes(tuple(m for _, m in today.cycle)),
        backorders=_backorder_ages(session, now),
        exceptions=_open_exceptions(session),
    )


def _backorder_ages(session: Session, now: datetime) -> tuple[tuple[str, int], ...]:
    """BACKORDERED orders per age bucket (:func:`rules.age_since`), counted in SQL: a
    thousand backorders' times were parsed one by one before (≈ 2 ms CPU at 100,000
    orders)."""
    buckets = rules.age_since(now)
    at = col(Order.status_changed_at)
    bucket = case(
        *((at > since, i) for i, (_, since) in enumerate(buckets) if since is not None),
        else_=len(buckets) - 1,
    )
    counts = dict(
        session.exec(
            select(bucket, func.count()).where(Order.status == S.BACKORDERED).group_by(bucket)
        ).all()
    )
    return tuple((label, int(counts.get(i, 0))) for i, (label, _) in enumerate(buckets))


def _open_exceptions(session: Session) -> tuple[tuple[str, int], ...]:
    """Open exceptions per kind, most first."""
    exc = session.exec(
        select(WmsException.kind, func.count())
        .where(col(WmsException.resolved_at).is_(None))
        .group_by(WmsException.kind)
    ).all()
    return tuple(sorted(((str(k), int(n)) for k, n in exc), key=lambda r: (-r[1], r[0])))


def _stages(session: Session, day_start: datetime, day_end: datetime) -> tuple:
    counts = dict.fromkeys((s.value for s in STAGES), 0)
    for st, n in session.exec(
        select(Order.status, func.count()).where(col(Order.status).in_(OPEN)).group_by(Order.status)
    ).all():
        counts[S(st).value] = int(n)
    for st, n in session.exec(
        select(Order.status, func.count())
        .where(
            col(Order.status).in_((S.DISPATCHED, S.CANCELLED)),
            Order.status_changed_at >= day_start,
            Order.status_changed_at < day_end,
        )
        .group_by(Order.status)
    ).all():
        counts[S(st).value] = int(n)
    return tuple(counts.items())


def _carriers(
    session: Session, now: datetime, day, tz: ZoneInfo, pace: Pace
) -> list[CarrierOutlook]:  # noqa: ANN001 - day is a date
    """Each carrier's work left per cut-off its orders must make (:mod:`cutoffs`' rule, the
    delay list's and the dispatch overview's): a carrier whose services close at 13:00 and
    17:00 has a row for each that has work, or one at its pickup when none has. Whether a
    row makes it is the dispatch overview's pack queue walked at :mod:`pace`'s pace, order
    by order, so a row misses by exactly the orders the overview calls at risk."""
    carriers = {c.id: c for c in session.exec(select(Carrier).order_by(col(Carrier.code)))}
    cuts = cutoffs.read(session, day, tz)
    left: dict[tuple[int | None, time | None], list[int]] = {}
    for cid, sid, n, lines, up, uk in _work_left(session, day):
        w = left.setdefault((cid, cuts.of(cid, sid)), [0, 0, 0, 0])
        for i, v in enumerate((n, lines, up, uk)):
            w[i] += int(v or 0)
    for cid in carriers:
        if not any(k[0] == cid for k in left):
            left[(cid, cuts.pickup(cid))] = [0, 0, 0, 0]

    # The pack queue: every due order not packed yet, as the overview queues it.
    queue = _due_queue(session, day)
    # Cut-offs per (carrier, service), not per order: cuts.at converts time zones.
    cut_at = {k: cuts.at(*k) for k in {(r[3], r[4]) for r in queue}}
    risk = overview_rules.pack_queue_risk(
        queue, lambda cid, sid: cut_at[(cid, sid)], now, pace.per_hour, None
    )
    at_risk: dict[tuple[int | None, time | None], int] = {}
    last_slot: dict[tuple[int | None, time | None], int] = {}
    for oid, _, _, cid, sid, *_ in queue:
        row = (cid, cuts.of(cid, sid))
        if risk.by_order.get(oid, ("",))[0] == overview_rules.AT_RISK:
            at_risk[row] = at_risk.get(row, 0) + 1
        if oid in risk.slots:
            last_slot[row] = max(last_slot.get(row, 0), risk.slots[oid])

    # In cut-off order, as the floor works them (none last), then by carrier code.
    order = {cid: i for i, cid in enumerate(carriers)}
    out = []
    for cid, cut in sorted(
        left, key=lambda k: (k[1] is None, k[1] or time(), order.get(k[0], len(order)))
    ):
        c = carriers.get(cid)
        n, lines, up, uk = left[(cid, cut)]
        at = cuts.on_day(cut) if cut else None
        slot = last_slot.get((cid, cut))
        done_at = overview_rules.expected_packed(slot, now, pace.per_hour) if slot else None
        out.append(
            CarrierOutlook(
                code=c.code if c else NO_CARRIER,
                name=c.name if c else "no carrier",
                cutoff=cut,
                cutoff_at=at,
                orders=n,
                lines_to_pick=lines,
                units_to_pick=up,
                units_to_pack=uk,
                verdict=rules.verdict(n, at, now, at_risk.get((cid, cut), 0)),
                done_at=done_at if n else now,
                at_risk=at_risk.get((cid, cut), 0),
            )
        )
    return out


def _due_queue(session: Session, day) -> list[overview_rules.OpenRow]:  # noqa: ANN001
    """The orders due by ``day`` not packed yet, as :func:`overview_rules.pack_queue_risk`
    takes them (already due, so no promised date; no name or last event needed)."""
    # Text on both backends, as the rules compare it (PostgreSQL's status is an enum type).
    sqlite = session.get_bind().dialect.name == "sqlite"
    status = type_coerce(Order.status, String) if sqlite else cast(Order.status, String)
    keys = (Order.id, status, Order.carrier_id, Order.service_id, Order.priority)
    return [
        (oid, "", st, cid, sid, prio, None, None)
        for oid, st, cid, sid, prio in session.connection().execute(select(*keys).where(*_due(day)))
    ]


def _due(day) -> tuple:  # noqa: ANN001 - day is a date
    """Open orders due by ``day`` (promised then or earlier, or no date) not packed yet."""
    return (
        col(Order.status).in_(TO_DO),
        or_(col(Order.promised_ship_date).is_(None), col(Order.promised_ship_date) <= day),
    )


def _work_left(session: Session, day) -> list[tuple]:  # noqa: ANN001 - day is a date
    """(carrier, service, orders, lines to pick, units to pick, units to pack) of the orders
    due by ``day`` that are not packed yet."""
    due = _due(day)
    keys = (Order.carrier_id, Order.service_id)
    need = OrderLine.quantity - OrderLine.qty_short
    to_pick = need - OrderLine.qty_picked
    to_pack = need - OrderLine.qty_packed
    sums = (
        func.sum(case((to_pick > 0, 1), else_=0)),
        func.sum(case((to_pick > 0, to_pick), else_=0)),
        func.sum(case((to_pack > 0, to_pack), else_=0)),
    )
    if session.get_bind().dialect.name == "sqlite":
        # One statement, grouped in the order of ix_orders_open_work (status first), so
        # SQLite sorts nothing but the orders' ids for the count: 16.3 ms for the two
        # statements below, 12.7 ms for this one (CPU, 100,000 orders, 8,011 due).
        # PostgreSQL hashes the lines either way and took as long or longer with it.
        left: dict[tuple, list[int]] = {}
        for _, cid, sid, n, lp, up, uk in session.exec(
            select(Order.status, *keys, func.count(func.distinct(Order.id)), *sums)
            .join(OrderLine, col(OrderLine.order_id) == Order.id, isouter=True)
            .where(*due)
            .group_by(Order.status, *keys)
        ).all():
            w = left.setdefault((cid, sid), [0, 0, 0, 0])
            for i, v in enumerate((n, lp, up, uk)):
                w[i] += int(v or 0)
        return [(cid, sid, *w) for (cid, sid), w in left.items()]
    # Orders apart from their lines: counted from ix_orders_open_work alone, and the
    # lines' sums need no count(DISTINCT).
    orders = {
        (cid, sid): int(n)
        for cid, sid, n in session.exec(select(*keys, func.count()).where(*due).group_by(*keys))
    }
    line_sums = {
        (cid, sid): (lp, up, uk)
        for cid, sid, lp, up, uk in session.exec(
            select(*keys, *sums)
            .join(OrderLine, col(OrderLine.order_id) == Order.id)
            .where(*due)
            .group_by(*keys)
        ).all()
    }
    return [
        (cid, sid, n, *line_sums.get((cid, sid), (0, 0, 0))) for (cid, sid), n in orders.items()
    ]
