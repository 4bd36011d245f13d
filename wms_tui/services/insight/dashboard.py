"""The shift dashboard's read model: one :class:`Dashboard` per refresh.

:func:`dashboard` checks the role and runs a fixed handful of aggregate
queries in one read transaction: orders by status now, today's flow per hour,
each carrier's work left before its cut-off, the pace of the last
``window_minutes``, people's rates and pack accuracy today (:mod:`metrics`),
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

from sqlalchemy import case, func, or_, text
from sqlmodel import Session, col, select

from wms_tui.domain import shipping_days as days
from wms_tui.domain.actor import Actor
from wms_tui.domain.clock import utcnow
from wms_tui.domain.enums import OrderStatus, Role
from wms_tui.domain.models import Carrier, Order, OrderLine, WmsException
from wms_tui.services.core.clock import warehouse_zone
from wms_tui.services.dispatch import cutoffs
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
WINDOW_MINUTES = 60
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
    pick_done_at: datetime | None
    pack_done_at: datetime | None
    short: int  # units the pace leaves undone at the cut-off

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
    window_minutes: int
    pick_units_per_hour: float  # the floor's pace over the window
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


def dashboard(
    store: Store, actor: Actor, now: datetime | None = None, *, window_minutes: int = WINDOW_MINUTES
) -> Dashboard:
    """The shift as it stands (supervisors only); reads, never writes."""
    actor.require(Role.SUPERVISOR, action="see the shift dashboard")
    if window_minutes <= 0:
        raise ValueError("the pace window must be at least one minute")
    with store.read() as session:
        return _build(store, session, now or utcnow(), window_minutes)


def _build(store: Store, session: Session, now: datetime, window: int) -> Dashboard:
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
    picked, packed = metrics.units_in_window(session, now - timedelta(minutes=window), now)
    pick_min = rules.rate_per_minute(picked, window)
    pack_min = rules.rate_per_minute(packed, window)
    return Dashboard(
        now=now,
        tz=tz,
        day_start=day_start,
        stages=stages,
        hours=tuple(hours),
        flow=tuple(
            (stage, tuple(by_hour.get(h, 0) for h in hours)) for stage, by_hour in flow.items()
        ),
        carriers=tuple(_carriers(session, now, day, tz, pick_min, pack_min)),
        window_minutes=window,
        pick_units_per_hour=60 * pick_min,
        pack_units_per_hour=60 * pack_min,
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
    session: Session, now: datetime, day, tz: ZoneInfo, pick_min: float, pack_min: float
) -> list[CarrierOutlook]:  # noqa: ANN001 - day is a date
    """Each carrier's work left per cut-off its orders must make (:mod:`cutoffs`' rule, the
    delay list's and the dispatch overview's): a carrier whose services close at 13:00 and
    17:00 has a row for each that has work, or one at its pickup when none has."""
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
    order = {cid: i for i, cid in enumerate(carriers)}
    work, info = [], {}
    for cid, cut in sorted(
        left, key=lambda k: (order.get(k[0], len(order)), k[1] is None, k[1] or time())
    ):
        c = carriers.get(cid)
        code = c.code if c else NO_CARRIER
        key = f"{code} {cut:%H:%M}" if cut else code
        n, lines, up, uk = left[(cid, cut)]
        work.append(rules.CutoffWork(key, cuts.on_day(cut) if cut else None, up, uk))
        info[key] = (code, c.name if c else "no carrier", cut, n, lines)
    out = []
    for p in rules.project(work, now, pick_min, pack_min):
        code, name, cut, n, lines = info[p.key]
        w = next(w for w in work if w.key == p.key)
        out.append(
            CarrierOutlook(
                code=code,
                name=name,
                cutoff=cut,
                cutoff_at=p.cutoff_at,
                orders=n,
                lines_to_pick=lines,
                units_to_pick=w.units_to_pick,
                units_to_pack=w.units_to_pack,
                verdict=p.verdict,
                pick_done_at=p.pick_done_at,
                pack_done_at=p.pack_done_at,
                short=p.short,
            )
        )
    return out


def _work_left(session: Session, day) -> list[tuple]:  # noqa: ANN001 - day is a date
    """(carrier, service, orders, lines to pick, units to pick, units to pack) of the orders
    due by ``day`` that are not packed yet."""
    due = (
        col(Order.status).in_(TO_DO),
        or_(col(Order.promised_ship_date).is_(None), col(Order.promised_ship_date) <= day),
    )
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
