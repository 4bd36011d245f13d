"""Opening an order at a pack station (by tote or name, take-over, the next packer), parking it.

Runs on SQLite and PostgreSQL. Every refusal is checked to leave the whole
database exactly as it was (``tests.worlds.dbstate.snapshot``).
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlmodel import select

from tests.worlds import factories as f
from tests.worlds import packing as pw
from tests.worlds.dbstate import refused
from tests.worlds.packing import open_1042
from wms_tui.domain.enums import OrderStatus
from wms_tui.domain.errors import Conflict, DomainError, NotFound, PermissionDenied
from wms_tui.domain.models import Event, Order, PackScan
from wms_tui.services.core import events
from wms_tui.services.packing import station as packing
from wms_tui.services.packing.view import Blocker, BlockerKind


def test_open_by_tote_locks_the_order_to_the_station(world: pw.World) -> None:
    view = open_1042(world)
    assert view.order_name == "#1042" and view.status == "PACKING"
    assert [(ln.sku, ln.quantity, ln.packed, ln.symbol) for ln in view.lines] == [
        ("MUG-BLU", 2, 0, "•"),
        ("TEE-M", 1, 0, "•"),
    ]
    assert view.blockers[0] == Blocker(BlockerKind.UNITS_TO_SCAN, "3 units still to scan")
    with world.store.read() as s:
        o = s.get(Order, view.order_id)
        assert (o.locked_terminal, o.locked_by_operator_id) == ("PACK-1", world.packer.operator_id)
        ev = s.exec(select(Event).where(Event.order_id == o.id, Event.to_state == "PACKING")).one()
        assert (ev.operator_name, ev.terminal) == ("Johan Öberg", "PACK-1")


@pytest.mark.parametrize("code", ["#1043", "1043", " 1043\r\x1d"])
def test_open_by_order_name(world: pw.World, code: str) -> None:
    view = packing.open_order(world.store, world.packer, code)
    assert view.order_name == "#1043"
    # Notes, gift message and tags are what the packer must not miss.
    assert view.instructions == (
        "GIFT MESSAGE: Grattis på födelsedagen, Åsa!",
        "NOTE: Leave at the door",
        "TAGS: first-order, gift-wrap",
    )
    keys = [i.key for i in view.inserts]
    assert keys == ["return-form", "welcome-flyer", "gift-wrap", "orientation", "gift-note"]


def test_second_station_is_refused_and_told_who_has_it(world: pw.World) -> None:
    open_1042(world)
    msg = refused(
        world.store,
        lambda: packing.open_order(world.store, world.packer2, "#1042"),
        Conflict,
    )
    assert msg == "Order #1042 is open at PACK-1 by Johan Öberg"
    # ... and cannot scan into it either.
    oid = world.orders["#1042"]
    refused(
        world.store,
        lambda: packing.scan(world.store, world.packer2, oid, pw.MUG_EAN),
        Conflict,
        "open at PACK-1 by Johan Öberg",
    )


def test_supervisor_takes_over_an_abandoned_order(world: pw.World) -> None:
    open_1042(world)
    oid = world.orders["#1042"]
    packing.scan(world.store, world.packer, oid, pw.MUG_EAN)
    refused(
        world.store,
        lambda: packing.open_order(world.store, world.packer2, "#1042", take_over=f.boss("K2001")),
        PermissionDenied,
        "Johan Öberg is not a supervisor",
    )
    view = packing.open_order(world.store, world.packer2, "#1042", take_over=f.boss("S9001"))
    assert view.locked_terminal == "PACK-2"
    assert view.lines[0].packed == 1  # what was scanned stays scanned
    with world.store.read() as s:
        ev = s.exec(select(Event).where(Event.kind == "pack.takeover")).one()
        assert "Karin Holmgren" in ev.detail and ev.prior_terminal == "PACK-1"


def test_next_packer_at_the_same_bench_goes_on_with_the_order_left_there(
    world: pw.World,
) -> None:
    """Shift change: Johan scanned one mug at PACK-1 and logged out; Emily sits
    down at PACK-1. The tote is on her bench, so she goes on with it."""
    view = open_1042(world)
    oid = view.order_id
    packing.scan(world.store, world.packer, oid, pw.MUG_EAN)
    emily = replace(world.packer2, terminal="PACK-1")
    assert packing.left_on_bench(world.store, emily) == "#1042"
    assert packing.left_on_bench(world.store, world.packer) is None  # his own: resumed
    msg = refused(world.store, lambda: packing.open_order(world.store, emily, "#1043"), DomainError)
    assert msg == (
        "Order #1042 was left open here by Johan Öberg: scan it to go on with it, "
        "then close or park it"
    )
    view = packing.open_order(world.store, emily, "#1042")
    assert view.message.startswith("Going on with #1042, left here by Johan Öberg: scan")
    assert view.lines[0].packed == 1
    view = packing.scan(world.store, emily, oid, pw.MUG_EAN)
    assert view.lines[0].packed == 2
    # Johan can no longer scan into it; each scan keeps its own packer.
    refused(
        world.store,
        lambda: packing.scan(world.store, world.packer, oid, pw.TEE_EAN),
        Conflict,
        "open at PACK-1 by Emily Carter",
    )
    with world.store.read() as s:
        ev = s.exec(select(Event).where(Event.kind == "pack.handover")).one()
        assert ev.prior_operator == "Johan Öberg" and ev.operator_name == "Emily Carter"
        by = [sc.operator_id for sc in s.exec(select(PackScan).where(PackScan.order_id == oid))]
        assert by == [world.packer.operator_id, emily.operator_id]
    # Another station still needs a supervisor to take it.
    refused(
        world.store,
        lambda: packing.open_order(world.store, world.packer2, "#1042"),
        Conflict,
        "open at PACK-1 by Emily Carter",
    )


def test_one_order_at_a_time_per_station(world: pw.World) -> None:
    open_1042(world)
    refused(
        world.store,
        lambda: packing.open_order(world.store, world.packer, "#1043"),
        Conflict,
        "Order #1042 is still open here",
    )


@pytest.mark.parametrize("typed", ["1043", "#1043", " 1043\r"])
def test_an_order_opens_by_its_number_typed_any_way(world: pw.World, typed: str) -> None:
    assert packing.open_order(world.store, world.packer, typed).order_name == "#1043"


def test_order_names_with_letters_open_in_any_case(world: pw.World) -> None:
    with world.store.unit_of_work() as uow:
        order = uow.session.get(Order, world.orders["#1043"])
        order.name = "#D1043"
        uow.add(order)
        uow.commit()
    for typed in ("d1043", "#d1043", "D1043"):
        view = packing.open_order(world.store, world.packer, typed)
        assert view.order_name == "#D1043"
        packing.release(world.store, world.packer, view.order_id)


def test_open_refusals(world: pw.World) -> None:
    for code, exc, match in [
        ("", DomainError, "Scan a tote or an order number"),
        ("#9999", NotFound, "No order or tote #9999"),
        ("T-0004", NotFound, "Tote T-0004 is empty"),
        # an item scanned at the queue: it was "No order or tote 7350…"
        (pw.MUG_EAN, NotFound, "MUG-BLU is an item: scan its tote or order first"),
    ]:
        refused(
            world.store,
            lambda c=code: packing.open_order(world.store, world.packer, c),
            exc,
            match,
        )


def test_only_packers_pack(world: pw.World) -> None:
    refused(
        world.store,
        lambda: packing.open_order(world.store, world.supervisor, "#1042"),
        PermissionDenied,
        "needs the packer role",
    )


def test_park_and_resume_elsewhere_keeps_the_scans(world: pw.World) -> None:
    oid = open_1042(world).order_id
    packing.scan(world.store, world.packer, oid, pw.MUG_EAN)
    msg = packing.release(world.store, world.packer, oid)
    assert msg == "Order #1042 parked: 1 of 3 units scanned, kept for later"
    with world.store.read() as s:
        o = s.get(Order, oid)
        assert o.status == OrderStatus.PICKED and o.locked_terminal == ""
    view = packing.open_order(world.store, world.packer2, "T-0001")
    assert view.lines[0].packed == 1 and view.locked_terminal == "PACK-2"
    assert packing.my_open_order(world.store, world.packer2) == oid


def test_an_order_cancelled_on_the_bench_stops_the_packer(world: pw.World) -> None:
    oid = open_1042(world).order_id
    packing.scan(world.store, world.packer, oid, pw.MUG_EAN)
    with world.store.unit_of_work() as uow:
        order = uow.session.get(Order, oid)
        events.change_status(uow, order, OrderStatus.CANCELLED, world.supervisor)
        uow.commit()
    refused(
        world.store,
        lambda: packing.scan(world.store, world.packer, oid, pw.MUG_EAN),
        match="Order #1042 was cancelled: stop packing, park it (F12) and give the tote",
    )
    refused(
        world.store,
        lambda: packing.close_parcel(world.store, world.packer, oid),
        match="was cancelled",
    )
    msg = packing.release(world.store, world.packer, oid)
    assert msg == "Order #1042 is cancelled: the tote goes to a supervisor"
    with world.store.read() as s:
        order = s.get(Order, oid)
        assert order.status == OrderStatus.CANCELLED and order.locked_terminal == ""


def test_a_station_that_cannot_close_a_parcel_is_refused_when_it_opens_an_order(
    world: pw.World,
) -> None:
    """It used to find out at "close", after every unit was scanned."""
    from dataclasses import replace as with_terminal

    from tests.worlds.dbstate import snapshot as whole_store
    from wms_tui.domain.models import Station

    store = world.store
    nowhere = with_terminal(world.packer, terminal="BENCH-9")
    before = whole_store(store)
    with pytest.raises(DomainError, match=r"^BENCH-9 is no pack station \(no pack location\)"):
        packing.open_order(store, nowhere, world.totes["#1042"])
    assert whole_store(store) == before
    with store.unit_of_work() as uow:
        st = uow.session.exec(select(Station).where(Station.code == "PACK-1")).one()
        st.label_format = "zpl"
        st.printer = None
        uow.add(st)
        uow.commit()
    before = whole_store(store)
    with pytest.raises(DomainError, match="prints ZPL labels but has no printer"):
        packing.open_order(store, world.packer, world.totes["#1042"])
    assert whole_store(store) == before


def test_the_station_an_order_was_taken_from_is_told_so_once(world: pw.World) -> None:
    """It used to be answered "open at PACK-2" on every scan, as if it still held it."""
    from wms_tui.domain.errors import TakenOver

    open_1042(world)
    oid = world.orders["#1042"]
    taker = replace(world.supervisor, terminal="PACK-2", roles=frozenset({"packer", "supervisor"}))
    packing.open_order(world.store, taker, "#1042", take_over=f.boss("S9001"))
    with pytest.raises(TakenOver, match="#1042 was taken over at PACK-2 by Karin Holmgren"):
        packing.scan(world.store, world.packer, oid, pw.MUG_EAN)
