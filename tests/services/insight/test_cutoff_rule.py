"""One cut-off rule: the shift dashboard, the delay list and the dispatch overview agree
about which cut-off every order must make, and so about which have missed it.

CJ closes its Express at 13:00 and its Standard at 17:00 (its truck: 17:00); PN has one
service at 16:00. Tuesday 10 March 2026 in Jönköping (UTC+1), every order promised today
and not packed yet, the planned pack pace far ahead of the work (no order is at risk).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time

import pytest
from sqlmodel import select

from tests.worlds import factories as f
from tests.worlds.dispatch import cutoff_carriers
from wms_tui.domain.actor import Actor
from wms_tui.domain.clock import set_clock
from wms_tui.domain.enums import OrderStatus
from wms_tui.domain.models import Order
from wms_tui.services.core.clock import warehouse_zone
from wms_tui.services.dispatch import cutoffs, delays
from wms_tui.services.dispatch.overview import snapshot
from wms_tui.services.dispatch.overview_rules import MISSED
from wms_tui.services.insight import rules
from wms_tui.services.insight.dashboard import dashboard
from wms_tui.store import Store

S = OrderStatus
DAY = date(2026, 3, 10)


@dataclass
class World:
    store: Store
    boss: Actor
    # order name -> (carrier code, the cut-off it must make, local)
    orders: dict[str, tuple[str, time]]


@pytest.fixture
def world(empty_store: Store) -> World:
    set_clock(lambda: datetime(2026, 3, 10, 7, 0, tzinfo=UTC))
    try:
        with empty_store.unit_of_work() as uow:
            c = cutoff_carriers(uow, planned_packs_per_hour=1000)
            boss, mug = c.boss, c.mug
            cj, cj_std, cj_exp, pn, pn_std = c.cj, c.cj_std, c.cj_exp, c.pn, c.pn_std
            wanted = {
                "#EXP": (cj, cj_exp, S.NEW, time(13, 0)),
                "#EXP-2": (cj, cj_exp, S.PICKING, time(13, 0)),
                "#STD": (cj, cj_std, S.READY_TO_PICK, time(17, 0)),
                "#CJ-ANY": (cj, None, S.NEW, time(17, 0)),  # no service: the truck's
                "#PN": (pn, pn_std, S.PICKED, time(16, 0)),
            }
            for name, (carrier, service, status, _) in wanted.items():
                f.order(uow, name, [(mug, 1)], status=status, carrier_id=carrier.id,
                        service_id=service.id if service else None,
                        promised_ship_date=DAY)  # fmt: skip
            uow.commit()
    finally:
        set_clock(None)
    return World(empty_store, boss, {n: (w[0].code, w[3]) for n, w in wanted.items()})


@pytest.mark.parametrize("local_hour", [12, 14, 16.5, 17.5])
def test_dashboard_delays_and_overview_judge_each_order_by_the_same_cutoff(
    world: World, local_hour: float
) -> None:
    now = datetime(2026, 3, 10, int(local_hour) - 1, int(local_hour % 1 * 60), tzinfo=UTC)
    with world.store.read() as s:
        tz = warehouse_zone(s)
        cuts = cutoffs.read(s, DAY, tz)
        of = {o.name: cuts.at(o.carrier_id, o.service_id) for o in s.exec(select(Order))}
    # The rule itself: the service's cut-off, else the carrier's truck.
    assert {n: at.astimezone(tz).time() for n, at in of.items()} == {
        n: cut for n, (_, cut) in world.orders.items()
    }
    missed = {n for n, at in of.items() if at <= now}

    listed = delays.find_delays(world.store, world.boss, now).orders
    assert {o.name for o in listed if o.cause == delays.MISSED_CUTOFF} == missed
    assert not [o for o in listed if o.cause == delays.PACE]

    overview = snapshot(world.store, now)
    assert {a.name for a in overview.attention if a.risk == MISSED} == missed
    assert overview.n_missed == len(missed)

    rows = {(c.code, c.cutoff): c for c in dashboard(world.store, world.boss, now).carriers}
    # A row per cut-off with work: CJ at 13:00 and at 17:00, PN at 16:00.
    assert set(rows) == {("CJ", time(13, 0)), ("CJ", time(17, 0)), ("PN", time(16, 0))}
    for name, key in world.orders.items():
        row = rows[key]
        assert (row.verdict == rules.MISSED) == (name in missed), (name, row)
    assert {k: r.orders for k, r in rows.items()} == {
        ("CJ", time(13, 0)): 2, ("CJ", time(17, 0)): 2, ("PN", time(16, 0)): 1,
    }  # fmt: skip


def test_a_carrier_with_nothing_due_shows_its_truck(world: World) -> None:
    with world.store.unit_of_work() as uow:
        for o in uow.session.exec(select(Order).where(Order.name == "#PN")):
            o.status = S.PACKED
            uow.add(o)
        uow.commit()
    now = datetime(2026, 3, 10, 11, 0, tzinfo=UTC)
    pn = [c for c in dashboard(world.store, world.boss, now).carriers if c.code == "PN"]
    assert [(c.cutoff, c.orders, c.verdict) for c in pn] == [(time(16, 0), 0, rules.DONE)]
