"""Dispatch overview numbers against a store built by hand, with frozen time.

The day: Tuesday 10 March 2026 in Jönköping (CET, UTC+1), now 13:00 local.
PostNord's truck leaves 16:00; DHL Standard closes 15:00 and DHL Express
closed at 12:30. Johan packed 4 orders from 08:00 to 10:00 and none in the last
hour, so the pace is the house's planned 1 order an hour (services/dispatch/pace.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlmodel import select

from tests.worlds import factories as f
from tests.worlds.dispatch import packed_parcel
from tests.worlds.factories import Clock
from wms_tui.domain.actor import Actor
from wms_tui.domain.clock import set_clock
from wms_tui.domain.enums import (
    ExceptionKind,
    LocationKind,
    ManifestStatus,
    MovementReason,
    OrderStatus,
    ParcelStatus,
)
from wms_tui.domain.models import Event, Manifest, Order, Service, WmsException
from wms_tui.services.core import events, settings
from wms_tui.services.dispatch import overview as dispatch_overview
from wms_tui.services.inventory.stock import move_stock
from wms_tui.store import Store

S = OrderStatus
DAY = date(2026, 3, 10)
NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)  # 13:00 in Jönköping


def utc(hh: int, mm: int = 0, day: date = DAY) -> datetime:
    return datetime(day.year, day.month, day.day, hh, mm, tzinfo=UTC)


@dataclass
class World:
    store: Store
    clock: Clock
    orders: dict[str, Order]


@pytest.fixture
def world(empty_store: Store) -> World:
    clock = Clock(utc(6))
    set_clock(clock)
    o: dict[str, Order] = {}
    with empty_store.unit_of_work() as uow:
        f.warehouse(uow)  # Europe/Stockholm
        settings.put(uow.session, "planned_packs_per_hour", "1")
        ana = f.operator(uow, "Ana Lindqvist", "picker")
        johan = f.operator(uow, "Johan Öberg", "packer")
        boss = f.operator(uow, "Karin Holmgren", "supervisor")
        pn, pn_std = f.carrier(uow, "PN", cutoff=time(16, 0))
        dhl, dhl_std = f.carrier(uow, "DHL", cutoff=time(15, 0))
        dhl_exp = Service(carrier_id=dhl.id, code="DHL-EXP", name="Express", cutoff=time(12, 30))
        uow.add(dhl_exp)
        uow.flush()
        p = f.product(uow, "SKU-1")
        bin_ = f.location(uow, "A-01-1-A")
        tote = f.location(uow, "T-0001", LocationKind.TOTE)
        f.receive(uow, p, bin_, 100)

        def order(name: str, status: S, carrier, service, promised: date, **kw) -> Order:
            x = f.order(
                uow,
                name,
                [(p, 1)],
                status=status,
                carrier_id=carrier.id,
                service_id=service.id,
                promised_ship_date=promised,
                **kw,
            )
            o[name] = x
            return x

        tomorrow, yesterday = DAY + timedelta(days=1), DAY - timedelta(days=1)
        # Packed today by Johan at 08:00, 09:00, 09:30 and 10:00 local.
        for name, at in (("#P1", utc(7)), ("#P2", utc(8)), ("#P3", utc(8, 30)), ("#P4", utc(9))):
            clock.at = at
            x = order(name, S.PACKING, pn, pn_std, DAY)
            events.change_status(uow, x, S.PACKED, johan)
        uow.flush()
        packed_parcel(uow, o["#P1"], status=ParcelStatus.LOADED)
        packed_parcel(uow, o["#P2"], status=ParcelStatus.LOADED)
        packed_parcel(uow, o["#P3"], status=ParcelStatus.CLOSED)
        packed_parcel(uow, o["#P4"], seq=1, count=2, status=ParcelStatus.LOADED)
        packed_parcel(uow, o["#P4"], seq=2, count=2, status=ParcelStatus.CLOSED)

        # Ana picks 8 units in the 08:00 hour and 2 in the 10:00 hour (local).
        for at, qty in ((utc(7, 15), 5), (utc(7, 45), 3), (utc(9, 10), 2)):
            clock.at = at
            move_stock(uow, ana, p, qty, from_loc=bin_, to_loc=tote, reason=MovementReason.PICKED)

        # Stuck: PACKING since 10:00 UTC with no event after (3 h > 2 h).
        clock.at = utc(9)
        stuck = order("#STUCK", S.PACKING, pn, pn_std, tomorrow)
        events.log(uow, johan, "pack.scan", order=stuck)

        clock.at = utc(11, 30)  # the rest were touched half an hour ago
        order("#PN-NEW", S.NEW, pn, pn_std, tomorrow)
        order("#PN-PICKING", S.PICKING, pn, pn_std, DAY)
        order("#PN-HOLD", S.ON_HOLD, pn, pn_std, DAY - timedelta(days=2))
        order("#D-PICKED", S.PICKED, dhl, dhl_std, DAY)
        for i, prio in ((1, 0), (2, 5), (3, 0)):
            order(f"#D-R{i}", S.READY_TO_PICK, dhl, dhl_std, DAY, priority=prio, minutes_ago=i)
        order("#D-EXP", S.READY_TO_PICK, dhl, dhl_exp, DAY)
        order("#D-BO", S.BACKORDERED, dhl, dhl_std, yesterday)
        shipped = order("#PN-SHIPPED", S.PACKED, pn, pn_std, DAY)
        events.change_status(uow, shipped, S.DISPATCHED, boss)
        clock.at = utc(12, 0, yesterday)
        old = order("#PN-OLD", S.PACKED, pn, pn_std, yesterday)
        events.change_status(uow, old, S.DISPATCHED, boss)
        clock.at = utc(11)
        cancelled = order("#PN-CXL", S.PACKED, pn, pn_std, DAY)
        packed_parcel(uow, cancelled, sscc=f.sscc(777), status=ParcelStatus.CLOSED)
        events.change_status(uow, cancelled, S.CANCELLED, boss)
        uow.add(
            WmsException(
                kind=ExceptionKind.SHORT_PICK,
                order_id=o["#D-R1"].id,
                sku="SKU-1",
                location="A-01-1-A",
                operator_name="Ana Lindqvist",
                terminal="HH-07",
                message="Short 1 of SKU-1 in A-01-1-A",
            )
        )
        uow.add(WmsException(kind="QC_FAIL", message="old", resolved_at=utc(10)))
        uow.add(Manifest(number="PN-20260310", carrier_id=pn.id, day=DAY))
        uow.commit()
    clock.at = NOW
    return World(empty_store, clock, o)


def snap(world: World) -> dispatch_overview.Snapshot:
    return dispatch_overview.snapshot(world.store)


def test_carrier_pipeline_and_cutoffs(world: World) -> None:
    s = snap(world)
    assert s.day == DAY
    rows = {c.code: c for c in s.carriers}
    pn, dhl = rows["PN"], rows["DHL"]
    assert (pn.cutoff, pn.minutes_left) == (time(16, 0), 180)
    # DHL's truck waits for its last service (Standard 15:00), not Express 12:30.
    assert (dhl.cutoff, dhl.minutes_left) == (time(15, 0), 120)
    assert (pn.unpicked, pn.picking, pn.packing, pn.packed, pn.handed_over) == (1, 1, 1, 2, 3)
    assert (pn.blocked, pn.late, pn.manifest) == (1, 1, ManifestStatus.OPEN)
    assert (dhl.unpicked, dhl.picking, dhl.packing, dhl.packed, dhl.handed_over) == (4, 0, 1, 0, 0)
    assert (dhl.blocked, dhl.late, dhl.manifest) == (1, 1, "")

    # The status matrix, per service.
    by = {(r.carrier_code, r.service_code): r.counts for r in s.services}
    pn = by[("PN", "PN-STD")]
    assert pn[S.PACKED] == 4 and pn[S.PACKING] == 1 and pn[S.NEW] == 1
    assert pn[S.PICKING] == 1 and pn[S.ON_HOLD] == 1
    # Today only: yesterday's dispatch is history.
    assert pn[S.DISPATCHED] == 1 and pn[S.CANCELLED] == 1
    dhl = by[("DHL", "DHL-STD")]
    assert (dhl[S.READY_TO_PICK], dhl[S.PICKED], dhl[S.BACKORDERED]) == (3, 1, 1)
    assert by[("DHL", "DHL-EXP")][S.READY_TO_PICK] == 1
    assert sum(r.total for r in s.services) == 16

    # Each service row carries its own pipeline too.
    by = {(r.carrier_code, r.service_code): r for r in s.services}
    pn = by[("PN", "PN-STD")]
    # #P1, #P2 fully loaded; #P3 and #P4 (1 of 2 loaded) wait; #PN-SHIPPED left today.
    assert (pn.loaded, pn.packed_waiting, pn.on_truck) == (2, 2, 3)
    assert (pn.at_risk, pn.late) == (1, 1)
    dhl = by[("DHL", "DHL-STD")]
    assert (dhl.at_risk, dhl.missed, dhl.late) == (2, 0, 1)
    assert by[("DHL", "DHL-EXP")].missed == 1


def test_pace_and_at_risk_queue(world: World) -> None:
    s = snap(world)
    assert not s.pace_measured and s.pace_basis == "planned" and s.packed_today == 4
    assert s.pace_per_hour == 1.0
    att = {a.name: a for a in s.attention}
    # Queue: #D-PICKED (done 13:00 UTC), then #D-R2 (priority) packed 14:00, on DHL's
    # cut-off: in time. #D-R1, #D-R3 (first imported first) at 15:00, 16:00: too late.
    assert "#D-PICKED" not in att and "#D-R2" not in att
    for name in ("#D-R1", "#D-R3"):
        assert att[name].risk == "at risk", name
    assert (att["#D-R1"].eta, att["#D-R3"].eta) == (utc(15), utc(16))
    assert att["#D-R1"].cutoff_at == utc(14)
    # Express closed at 12:30 local: missed, ships next working day.
    assert att["#D-EXP"].risk == "missed cut-off"
    # PostNord's picking order is 5th in the queue: 17:00 UTC > 15:00 UTC.
    assert att["#PN-PICKING"].risk == "at risk"
    assert "#PN-NEW" not in att  # promised tomorrow: not due today
    assert (s.n_at_risk, s.n_missed) == (3, 1)
    rows = {c.code: c for c in s.carriers}
    assert (rows["DHL"].at_risk, rows["DHL"].missed, rows["PN"].at_risk) == (2, 1, 1)
    assert rows["DHL"].outlook == "2 at risk"


def test_faster_pace_clears_the_risk(world: World) -> None:
    # Ten packs in the last hour: 10/h, the pace measured; DHL's 4 are packed by 12:24
    # UTC and PostNord's by 12:30, before their cut-offs.
    world.clock.at = utc(11, 30)
    with world.store.unit_of_work() as uow:
        packer = f.operator(uow, "Temp", "packer")
        for i in range(10):
            x = Order(name=f"#X{i}", status=S.PACKING)
            uow.add(x)
            uow.flush()
            events.change_status(uow, x, S.PACKED, packer)
        uow.commit()
    world.clock.at = NOW
    s = snap(world)
    assert s.pace_measured and s.pace_basis == "last 60 min" and s.pace_per_hour == 10
    assert s.n_at_risk == 0
    assert {c.code: c.outlook for c in s.carriers}["DHL"] == "on track"


def test_packs_without_an_operator_are_not_pace(world: World) -> None:
    """Imports and demo seeds log PACKED with no operator: not anyone's work."""
    with world.store.unit_of_work() as uow:
        for i in range(20):
            x = Order(name=f"#SEED{i}", status=S.PACKING)
            uow.add(x)
            uow.flush()
            events.change_status(uow, x, S.PACKED, Actor(None, "system", frozenset(), "demo"))
        uow.commit()
    s = snap(world)
    assert s.packed_today == 4 and not s.pace_measured and s.pace_per_hour == 1.0
    assert "system" not in {t.operator_name for t in s.throughput}


def test_planned_pace_before_the_first_pack(world: World) -> None:
    # 06:00 the next morning: yesterday's packs do not set today's pace.
    world.clock.at = utc(5, day=DAY + timedelta(days=1))
    with world.store.unit_of_work() as uow:
        settings.put(uow.session, "planned_packs_per_hour", "7")
        uow.commit()
    s = snap(world)
    assert not s.pace_measured and s.pace_per_hour == 7.0 and s.packed_today == 0
    assert s.throughput == []


def test_late_and_stuck(world: World) -> None:
    s = snap(world)
    att = {a.name: a for a in s.attention}
    assert att["#PN-HOLD"].late_days == 2 and att["#D-BO"].late_days == 1
    assert att["#STUCK"].stuck_minutes == 180
    assert (att["#STUCK"].last_by, att["#STUCK"].last_terminal) == ("Johan Öberg", "TEST")
    assert "stuck 3h00" in att["#STUCK"].reasons
    assert (s.n_late, s.n_stuck) == (2, 1)
    # Late first, then missed, then at risk, then stuck.
    assert [a.severity for a in s.attention] == sorted(a.severity for a in s.attention)
    assert s.attention[0].late_days


def test_stuck_after_is_a_house_rule(world: World) -> None:
    with world.store.unit_of_work() as uow:
        settings.put(uow.session, "stuck_after_minutes", "20")
        uow.commit()
    s = snap(world)
    stuck = {a.name for a in s.attention if a.stuck_minutes}
    # Touched 30 minutes ago now counts; PACKED, ON_HOLD, BACKORDERED never do.
    assert {"#STUCK", "#PN-NEW", "#PN-PICKING", "#D-PICKED", "#D-R1"} <= stuck
    assert not stuck & {"#P3", "#PN-HOLD", "#D-BO"}


def test_open_exceptions_with_who_and_where(world: World) -> None:
    s = snap(world)
    kinds = [e.kind for e in s.exceptions]
    assert kinds == ["CANCELLED_AFTER_PACK", "SHORT_PICK"]
    pull, short = s.exceptions
    assert pull.order_name == "#PN-CXL" and f.sscc(777) in pull.message
    assert "cancelled after packing" in pull.message
    assert (short.operator_name, short.terminal, short.location) == (
        "Ana Lindqvist",
        "HH-07",
        "A-01-1-A",
    )
    assert short.order_name == "#D-R1"
    assert s.n_exceptions == 2


def test_throughput_per_person_and_local_hour(world: World) -> None:
    s = snap(world)
    rows = {(t.operator_name, t.role): t for t in s.throughput}
    johan = rows[("Johan Öberg", "pack")]
    assert johan.by_hour == {8: 1, 9: 2, 10: 1} and johan.total == 4
    assert johan.per_hour == pytest.approx(4 / 3)
    ana = rows[("Ana Lindqvist", "pick")]
    assert ana.by_hour == {8: 8, 10: 2} and ana.unit == "units"
    assert s.hours == [8, 9, 10]


def test_summer_time_moves_the_cutoff(world: World) -> None:
    # 1 July: CEST is UTC+2, so PostNord's 16:00 is 14:00 UTC.
    world.clock.at = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
    s = snap(world)
    pn = {c.code: c for c in s.carriers}["PN"]
    assert pn.cutoff_at == datetime(2026, 7, 1, 14, 0, tzinfo=UTC)
    assert pn.minutes_left == 120


def test_empty_store_gives_an_empty_overview(empty_store: Store) -> None:
    s = dispatch_overview.snapshot(empty_store)
    assert s.carriers == [] and s.attention == [] and s.throughput == []
    assert not s.pace_measured


def test_overview_uses_a_fixed_number_of_queries(world: World) -> None:
    """No N+1: doubling the open orders does not add queries."""
    from sqlalchemy import event as sa_event

    def count_queries() -> int:
        n = 0

        def on_exec(*_a: object) -> None:
            nonlocal n
            n += 1

        sa_event.listen(world.store.engine, "before_cursor_execute", on_exec)
        try:
            snap(world)
        finally:
            sa_event.remove(world.store.engine, "before_cursor_execute", on_exec)
        return n

    before = count_queries()
    with world.store.unit_of_work() as uow:
        ids = [o.id for o in uow.session.exec(select(Order)).all()]
        for i, _ in enumerate(ids):
            uow.add(Order(name=f"#MORE{i}", status=S.PICKING, carrier_id=None))
            uow.add(Event(kind="x", order_name=f"#MORE{i}"))
        uow.commit()
    assert count_queries() == before
    assert before <= 18  # 17 (one is the pace's), and one for the shop sync's line
