"""The overview read from the store: one read transaction, one snapshot.

:func:`overview` runs a fixed handful of statements (none per order) and hands their rows
to :mod:`assemble`: today's work (:mod:`today`, ranges on today), the open orders counted
per group with only the listed ones as rows (:mod:`open_work`), the listed orders' last
events. The rules are :mod:`overview_rules`' (pure); **today** and **cut-offs** are on the
warehouse's clock, and which cut-off an order must make is :mod:`cutoffs`' rule, the one
the delay list and the shift dashboard use too.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import text
from sqlmodel import Session, col, select

from wms_tui.domain import shipping_days as days
from wms_tui.domain.clock import utcnow
from wms_tui.domain.models import Carrier, Service
from wms_tui.services.core import settings
from wms_tui.services.core.clock import warehouse_zone
from wms_tui.services.dispatch import cutoffs
from wms_tui.services.dispatch import overview_rules as rules
from wms_tui.services.dispatch import pace as pace_rule
from wms_tui.services.dispatch.overview import assemble, open_work, today
from wms_tui.services.dispatch.overview.model import Snapshot
from wms_tui.services.shop.status import sync_status
from wms_tui.store import Store


def snapshot(store: Store, now: datetime | None = None) -> Snapshot:
    """The overview from a fresh read transaction (what the screen calls)."""
    with store.read() as session:
        return overview(session, now)


def overview(session: Session, now: datetime | None = None) -> Snapshot:
    now = now or utcnow()
    sqlite = session.get_bind().dialect.name == "sqlite"
    if not sqlite:
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

    carriers = {c.id: c for c in session.exec(select(Carrier).order_by(col(Carrier.code)))}
    services = {s.id: s for s in session.exec(select(Service).order_by(col(Service.code)))}
    cx = session.connection()  # core rows: ORM objects cost ~60 µs each here
    done = today.read(cx, day, day_start, day_end)
    # The one pace rule (the delay list and the shift dashboard use the same).
    pace = pace_rule.read(session, now, day_start, planned_pace)

    # An order's cut-off is its service's, else its carrier's pickup (the delay list and
    # the shift dashboard ask the same Cutoffs); the pack queue sees them as ranks.
    cuts = cutoffs.of_services(services.values(), day, tz)
    svc_cutoff_at = {sid: cuts.on_day(t) for sid, t in cuts.service.items()}
    carrier_cut_at = {cid: cuts.on_day(t) for cid, t in cuts.carrier.items()}
    plan = rules.queue_plan([*svc_cutoff_at.values(), *carrier_cut_at.values()], now, pace.per_hour)
    rank_of = {c: r for r, c in enumerate(plan.cuts)}
    cut_rank = {("s", sid): rank_of[c] for sid, c in svc_cutoff_at.items()}
    cut_rank |= {("c", cid): rank_of[c] for cid, c in carrier_cut_at.items()}
    terms = open_work.Terms(sqlite, day, now - stuck_after, plan, cut_rank)
    work = open_work.read(cx, terms)

    counted = rules.tally_groups(work.groups)
    counted.stuck = work.stuck
    attention = assemble.attention(
        work.listed,
        open_work.last_touched(cx, [r.id for r in work.listed]),
        work.slots,
        carriers,
        services,
        plan,
        now=now,
        day=day,
        today=terms.today,
        stuck_before=terms.stuck_cmp,
        per_hour=pace.per_hour,
    )
    assemble.add_finished(counted, done.finished)
    pickup = {}
    for cid in carriers:
        cut = cuts.pickup(cid)
        pickup[cid] = (cut, cuts.on_day(cut) if cut else None)
    throughput = assemble.throughput(done.packs, done.picks, day_start, tz)
    return Snapshot(
        now=now,
        day=day,
        tz=tz,
        pace_per_hour=pace.per_hour,
        pace_measured=pace.measured,
        pace_basis=pace.basis,
        packed_today=sum(int(n) for _, _, n, _ in done.packs),
        due_open=counted.due_open,
        carriers=assemble.carrier_rows(carriers, counted.pipe, pickup, done.manifests, now),
        services=assemble.service_rows(
            counted.by_service, counted.service_pipe, carriers, services, svc_cutoff_at
        ),
        attention=attention,
        n_at_risk=counted.at_risk,
        n_missed=counted.missed,
        n_late=counted.late,
        n_stuck=counted.stuck,
        exceptions=assemble.exceptions(done.pulls, done.exceptions),
        n_exceptions=done.open_exceptions + len(done.pulls),
        throughput=throughput,
        hours=sorted({h for t in throughput for h in t.by_hour}),
        shop=sync_status(session),
    )
