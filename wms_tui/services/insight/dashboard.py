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

*Today* is the warehouse's calendar day (``Warehouse.timezone``). The carriers' rows
(work left per cut-off, judged at the pack pace) are :mod:`carrier_outlook`.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, case, func, text
from sqlmodel import Session, col, select

from wms_tui.domain import shipping_days as days
from wms_tui.domain.actor import Actor
from wms_tui.domain.clock import utcnow
from wms_tui.domain.enums import OrderStatus, Role
from wms_tui.domain.models import Order, WmsException
from wms_tui.services.core import settings
from wms_tui.services.core.clock import warehouse_zone
from wms_tui.services.dispatch import pace as pace_rule
from wms_tui.services.dispatch.pace import Pace
from wms_tui.services.insight import hour_cache, metrics, rules
from wms_tui.services.insight.carrier_outlook import CarrierOutlook, carrier_rows
from wms_tui.services.insight.metrics import CycleTimes, PersonWork
from wms_tui.store import Store

S = OrderStatus
# Statuses shown "now", in flow order; DISPATCHED and CANCELLED count today's only.
STAGES: tuple[S, ...] = (
    S.NEW, S.READY_TO_PICK, S.BACKORDERED, S.ON_HOLD, S.PICKING, S.PICKED, S.PACKING,
    S.PACKED, S.DISPATCHED, S.CANCELLED,
)  # fmt: skip
OPEN: tuple[S, ...] = STAGES[:-2]
PLANNED = "planned_packs_per_hour"


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
    """The shift as it stands (supervisors only). It changes nothing; it may write the
    day's settled per-hour figures to the store's cache (:func:`hour_cache.store_kept`)."""
    actor.require(Role.SUPERVISOR, action="see the shift dashboard")
    with store.read() as session:
        board = _build(store, session, now or utcnow())
    hour_cache.store_kept(store)
    return board


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
        carriers=tuple(carrier_rows(session, now, day, tz, pace)),
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
    bounds = {f"b{i}": since for i, (_, since) in enumerate(buckets) if since is not None}
    stmt = _simple_statements(session.get_bind().dialect.name)["backorders"]
    counts = dict(session.connection().execute(stmt, bounds).all())
    return tuple((label, int(counts.get(i, 0))) for i, (label, _) in enumerate(buckets))


def _open_exceptions(session: Session) -> tuple[tuple[str, int], ...]:
    """Open exceptions per kind, most first."""
    stmt = _simple_statements(session.get_bind().dialect.name)["exceptions"]
    exc = session.connection().execute(stmt).all()
    return tuple(sorted(((str(k), int(n)) for k, n in exc), key=lambda r: (-r[1], r[0])))


def _stages(session: Session, day_start: datetime, day_end: datetime) -> tuple:
    counts = dict.fromkeys((s.value for s in STAGES), 0)
    q = _simple_statements(session.get_bind().dialect.name)
    cx = session.connection()
    for st, n in cx.execute(q["open"]).all():
        counts[S(st).value] = int(n)
    for st, n in cx.execute(q["finished"], {"start": day_start, "end": day_end}).all():
        counts[S(st).value] = int(n)
    return tuple(counts.items())


@functools.cache
def _simple_statements(dialect: str) -> dict[str, object]:  # noqa: ARG001 - the same on both
    """The small counts of a refresh, built once (times bound): built on each refresh,
    they cost more CPU than the store took to answer them."""
    at = col(Order.status_changed_at)
    bounded = [i for i, (_, hours) in enumerate(rules.AGE_BUCKETS) if hours is not None]
    bucket = case(
        *((at > bindparam(f"b{i}", type_=at.type), i) for i in bounded),
        else_=len(rules.AGE_BUCKETS) - 1,
    )
    return {
        "backorders": select(bucket, func.count())
        .where(Order.status == S.BACKORDERED)
        .group_by(bucket),
        "exceptions": select(WmsException.kind, func.count())
        .where(col(WmsException.resolved_at).is_(None))
        .group_by(WmsException.kind),
        "open": select(Order.status, func.count())
        .where(col(Order.status).in_(OPEN))
        .group_by(Order.status),
        "finished": select(Order.status, func.count())
        .where(
            col(Order.status).in_((S.DISPATCHED, S.CANCELLED)),
            Order.status_changed_at >= bindparam("start"),
            Order.status_changed_at < bindparam("end"),
        )
        .group_by(Order.status),
    }
