"""One pace rule: the shift dashboard, the dispatch overview and the delay list judge the
day's cut-offs at the same pace, so they name the same orders at risk and the same
cut-offs short (services/dispatch/pace.py).

Tuesday 10 March 2026 in Jönköping (UTC+1), the house plans 6 packs an hour. CJ closes its
Express at 13:00 and its Standard at 17:00 (its truck: 17:00); PN has one service at 16:00.
Johan packed 4 orders from 08:00 to 08:30, one at 10:30 and one at 11:40; 13 orders due
today wait, one more is promised tomorrow. The pace, counted by hand:

* 08:20: 3 packs since his first at 08:00, the 40 minutes before it at the plan:
  3 + 6 × 40/60 = 7 an hour;
* 11:00: the last hour (10:00-11:00) holds one pack: 1 an hour (the morning is not
  the afternoon's crew);
* 14:30: nobody packed since 11:40: the plan, 6 an hour; CJ Express is gone;
* 16:30: the plan again; CJ Express and PN are gone, CJ Standard is open.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlmodel import col, select

from tests.worlds import factories as f
from tests.worlds.dispatch import cutoff_carriers
from wms_tui.domain.actor import Actor
from wms_tui.domain.clock import set_clock
from wms_tui.domain.enums import OrderStatus
from wms_tui.domain.models import Order
from wms_tui.services.core import events
from wms_tui.services.core.clock import warehouse_zone
from wms_tui.services.dispatch import delays
from wms_tui.services.dispatch.overview import snapshot
from wms_tui.services.dispatch.overview_rules import AT_RISK, MISSED, STAGE
from wms_tui.services.insight import rules
from wms_tui.services.insight.dashboard import dashboard
from wms_tui.store import Store

S = OrderStatus
DAY = date(2026, 3, 10)
PLANNED = 6


def utc(hh: int, mm: int = 0) -> datetime:
    return datetime(2026, 3, 10, hh, mm, tzinfo=UTC)


@dataclass
class World:
    store: Store
    boss: Actor
    # order name -> (id, carrier code, its cut-off, status, priority), due today
    due: dict[str, tuple[int, str, time, str, int]]


@pytest.fixture
def world(empty_store: Store) -> World:
    clock = {"at": utc(6)}
    set_clock(lambda: clock["at"])
    due: dict[str, tuple[int, str, time, str, int]] = {}
    try:
        with empty_store.unit_of_work() as uow:
            c = cutoff_carriers(uow, planned_packs_per_hour=PLANNED)
            boss, mug = c.boss, c.mug
            cj, cj_std, cj_exp, pn, pn_std = c.cj, c.cj_std, c.cj_exp, c.pn, c.pn_std
            johan = f.operator(uow, "Johan Öberg", "packer")
            # (name, carrier, service, status, priority)
            wanted = [
                ("#E1", cj, cj_exp, S.NEW, 0), ("#E2", cj, cj_exp, S.PICKED, 0),
                ("#E3", cj, cj_exp, S.READY_TO_PICK, 5), ("#E4", cj, cj_exp, S.PICKING, 0),
                ("#P1", pn, pn_std, S.NEW, 0), ("#P2", pn, pn_std, S.PACKING, 0),
                ("#P3", pn, pn_std, S.READY_TO_PICK, 0), ("#P4", pn, pn_std, S.NEW, 9),
                ("#S1", cj, cj_std, S.PICKED, 0), ("#S2", cj, cj_std, S.NEW, 0),
                ("#S3", cj, cj_std, S.READY_TO_PICK, 0), ("#S4", cj, cj_std, S.NEW, 1),
                ("#ANY", cj, None, S.NEW, 0),  # no service: CJ's truck, 17:00
            ]  # fmt: skip
            for name, carrier, service, status, prio in wanted:
                o = f.order(uow, name, [(mug, 1)], status=status, priority=prio,
                            carrier_id=carrier.id, service_id=service.id if service else None,
                            promised_ship_date=DAY)  # fmt: skip
                cut = service.cutoff if service else time(17, 0)
                due[name] = (o.id, carrier.code, cut, status.value, prio)
            f.order(uow, "#LATER", [(mug, 1)], carrier_id=pn.id, service_id=pn_std.id,
                    promised_ship_date=DAY + timedelta(days=1))  # fmt: skip
            for i, at in enumerate((utc(7), utc(7, 10), utc(7, 20), utc(7, 30),
                                    utc(9, 30), utc(10, 40))):  # fmt: skip
                clock["at"] = at
                x = f.order(uow, f"#DONE{i}", [(mug, 1)], status=S.PACKING, carrier_id=pn.id,
                            service_id=pn_std.id, promised_ship_date=DAY)  # fmt: skip
                events.change_status(uow, x, S.PACKED, johan)
            uow.commit()
    finally:
        set_clock(None)
    return World(empty_store, boss, due)


def expected_at_risk(world: World, now: datetime, per_hour: float, tz) -> dict[str, str]:  # noqa: ANN001
    """The pack queue walked by hand: earliest cut-off, furthest along, priority, first
    imported; the k-th order packed at now + k / pace."""
    cut_at = {n: datetime.combine(DAY, c, tz).astimezone(UTC) for n, (_, _, c, _, _) in
              world.due.items()}  # fmt: skip
    queue = sorted(world.due, key=lambda n: (
        cut_at[n], STAGE[world.due[n][3]], -world.due[n][4], world.due[n][0]))  # fmt: skip
    out, slot = {}, 0
    for name in queue:
        if cut_at[name] <= now:
            out[name] = MISSED
            continue
        slot += 1
        if now + timedelta(hours=slot / per_hour) > cut_at[name]:
            out[name] = AT_RISK
    return out


@pytest.mark.parametrize(
    ("local", "pace", "measured"),
    [((8, 20), 7.0, True), ((11, 0), 1.0, True), ((14, 30), 6.0, False), ((16, 30), 6.0, False)],
)
def test_dashboard_overview_and_delays_judge_the_cutoffs_at_one_pace(
    world: World, local: tuple[int, int], pace: float, measured: bool
) -> None:
    now = utc(local[0] - 1, local[1])
    with world.store.read() as s:
        tz = warehouse_zone(s)
    want = expected_at_risk(world, now, pace, tz)

    overview = snapshot(world.store, now)
    board = dashboard(world.store, world.boss, now)
    found = delays.find_delays(world.store, world.boss, now)
    # One pace, printed alike by all three.
    assert overview.pace_per_hour == pytest.approx(pace)
    assert board.pace.per_hour == pytest.approx(pace)
    assert found.pace_per_hour == pytest.approx(pace)
    assert overview.pace_measured == board.pace.measured == found.pace_measured == measured

    # Order by order: the overview's at risk and missed, the delay list's pace and missed.
    risk = {a.name: a.risk for a in overview.attention if a.risk}
    assert risk == want
    # (It also lists orders packed but not loaded once their truck has gone: not pace.)
    assert {o.name: o.cause for o in found.orders if o.name in world.due} == {
        n: delays.PACE if r == AT_RISK else delays.MISSED_CUTOFF for n, r in want.items()
    }
    assert not [o for o in found.orders if o.name not in world.due and o.cause == delays.PACE]

    # Cut-off by cut-off: a dashboard row misses by exactly its orders at risk.
    rows = {(c.code, c.cutoff): c for c in board.carriers}
    assert set(rows) == {("CJ", time(13, 0)), ("CJ", time(17, 0)), ("PN", time(16, 0))}
    for key, row in rows.items():
        names = [n for n, (_, code, cut, _, _) in world.due.items() if (code, cut) == key]
        at_risk = sum(1 for n in names if want.get(n) == AT_RISK)
        assert row.orders == len(names) and row.at_risk == at_risk, (key, row)
        cut_at = datetime.combine(DAY, key[1], tz)
        expected = rules.MISSED if cut_at <= now else rules.WILL_MISS if at_risk else rules.MAKES_IT
        assert row.verdict == expected, (key, row)


def test_the_hand_walk_has_each_verdict(world: World) -> None:
    """The four times cover every outcome, inside a cut-off too, so the test above can
    fail on each."""
    with world.store.read() as s:
        tz = warehouse_zone(s)
    assert not expected_at_risk(world, utc(7, 20), 7.0, tz)  # 13 orders in under 2 hours
    # 11:00 at 1 an hour: Express packs #E2 by 12:00, #E4 at 13:00 on its cut-off, not #E3
    # or #E1 (stage before priority); PN packs #P2 (5th) at 16:00, not the rest.
    at_11 = expected_at_risk(world, utc(10), 1.0, tz)
    assert sorted(n for n in world.due if n not in at_11) == ["#E2", "#E4", "#P2"]
    assert set(at_11.values()) == {AT_RISK}
    at_1430 = expected_at_risk(world, utc(13, 30), 6.0, tz)
    assert at_1430 == dict.fromkeys(("#E1", "#E2", "#E3", "#E4"), MISSED)
    at_1630 = expected_at_risk(world, utc(15, 30), 6.0, tz)
    # Half an hour to 17:00 at 6 an hour: 3 of CJ's 5 Standard orders.
    assert sorted(n for n, r in at_1630.items() if r == AT_RISK) == ["#ANY", "#S2"]


def test_a_cutoff_with_nothing_left_is_done(world: World) -> None:
    with world.store.unit_of_work() as uow:
        for o in uow.session.exec(select(Order).where(col(Order.name).in_(list(world.due)))):
            o.status = S.PACKED
            uow.add(o)
        uow.commit()
    board = dashboard(world.store, world.boss, utc(10))
    assert {(c.code, c.cutoff, c.orders, c.at_risk, c.verdict) for c in board.carriers} == {
        ("CJ", time(17, 0), 0, 0, rules.DONE),
        ("PN", time(16, 0), 0, 0, rules.DONE),
    }
