"""Work left open is offered at the next login, on any terminal (issue #17)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from sqlmodel import select

from tests.worlds import packing as pw
from tests.worlds.dbstate import snapshot
from tests.worlds.picking import BARCODES, build_world
from wms_tui.domain.enums import EventKind
from wms_tui.domain.errors import Conflict, DomainError, PermissionDenied
from wms_tui.domain.models import Event, Order
from wms_tui.services.packing import station as packing
from wms_tui.services.picking import walk
from wms_tui.services.picking.waves import build_wave
from wms_tui.services.session.login import logout
from wms_tui.services.session.resume import OpenWork, open_work, take_pack_order_here
from wms_tui.store import Store


def test_a_paused_pick_task_is_offered_on_another_handheld(empty_store: Store) -> None:
    world = build_world(empty_store, [("#1", [("MUG-RED", 3)])])
    build_wave(empty_store, world.supervisor, cart_size=4)
    ana = world.pickers[0]
    assert open_work(empty_store, ana) is None
    view = walk.claim_next_task(empty_store, ana)
    assert view is not None
    walk.scan_bin(empty_store, ana, view.code, "A-01-2-A")
    walk.scan_item(empty_store, ana, view.code, BARCODES["MUG-RED"], at_bin="A-01-2-A")
    logout(empty_store, ana)
    elsewhere = replace(ana, terminal="HH-09")
    work = open_work(empty_store, elsewhere)
    assert work == OpenWork("pick", view.code, ana.terminal, False, "stop 1/1, 1 unit picked")
    assert work.question == f"Go on with pick task {view.code}?"
    assert work.details == ("stop 1/1, 1 unit picked", f"Left open on {ana.terminal}")
    assert work.later == "Later: the task stays paused"
    # Taking it up is the pick screen's claim: the picker's own task, anywhere.
    again = walk.claim_next_task(empty_store, elsewhere)
    assert again is not None and again.code == view.code and again.units_picked == 1
    # Someone else is not offered Ana's task.
    assert open_work(empty_store, world.pickers[1]) is None


@pytest.fixture
def bench(empty_store: Store, tmp_path: Path) -> pw.World:
    world = pw.build(empty_store, label_dir=str(tmp_path / "labels"))
    packing.open_order(empty_store, world.packer, world.totes["#1042"])
    packing.scan(empty_store, world.packer, world.orders["#1042"], pw.MUG_EAN)
    return world


def test_an_open_order_moves_to_the_packers_new_station(bench: pw.World) -> None:
    store, johan = bench.store, bench.packer
    here = open_work(store, johan)
    assert here == OpenWork("pack", "#1042", "PACK-1", True, "1 of 3 units scanned")
    at_pack2 = replace(johan, terminal="PACK-2")
    work = open_work(store, at_pack2)
    assert work is not None and not work.here
    assert work.question == "Go on with order #1042?"
    assert work.details == ("1 of 3 units scanned", "Left open on PACK-1")
    assert here is not None and here.details[1] == "Left open on this terminal"
    # "Not now" says what it does: the order waits on this bench (it is found there again).
    assert here.later == "Later: stays open here, F12 parks it"
    assert work.later == "Later: stays open on PACK-1"
    take_pack_order_here(store, at_pack2, "#1042")
    assert packing.my_open_order(store, at_pack2) == bench.orders["#1042"]
    with store.read() as s:
        moved = s.exec(select(Event).where(Event.kind == EventKind.PACK_MOVED)).one()
        assert (moved.prior_terminal, moved.terminal) == ("PACK-1", "PACK-2")
    # Already here: nothing to do, nothing logged.
    take_pack_order_here(store, at_pack2, "#1042")
    with store.read() as s:
        assert len(s.exec(select(Event).where(Event.kind == EventKind.PACK_MOVED)).all()) == 1


def test_moving_an_order_is_refused_and_changes_nothing(bench: pw.World) -> None:
    store, johan, emily = bench.store, bench.packer, bench.packer2
    # Emily has #1043 open at PACK-2: one order per bench.
    packing.open_order(store, emily, bench.totes["#1043"])
    before = snapshot(store)
    with pytest.raises(Conflict, match=r"^Order #1043 is open here \(Emily Carter\)"):
        take_pack_order_here(store, replace(johan, terminal="PACK-2"), "#1042")
    # Not her order; not a packer; no such order.
    with pytest.raises(DomainError, match="^Order #1042 is no longer open for you$"):
        take_pack_order_here(store, replace(emily, terminal="PACK-3"), "#1042")
    with pytest.raises(PermissionDenied):
        take_pack_order_here(store, replace(bench.supervisor, terminal="PACK-3"), "#1042")
    with pytest.raises(DomainError, match="^Order #9 is no longer open for you$"):
        take_pack_order_here(store, replace(johan, terminal="PACK-3"), "#9")
    assert snapshot(store) == before
    with store.read() as s:
        order = s.exec(select(Order).where(Order.name == "#1042")).one()
        assert order.locked_terminal == "PACK-1"


def test_an_order_open_here_without_a_packer_still_names_someone(bench: pw.World) -> None:
    """The refusal puts the holder in a sentence: never an empty pair of brackets."""
    store, johan, emily = bench.store, bench.packer, bench.packer2
    packing.open_order(store, emily, bench.totes["#1043"])
    with store.unit_of_work() as uow:
        held = uow.session.exec(select(Order).where(Order.name == "#1043")).one()
        held.locked_by_operator_id = None
        uow.add(held)
        uow.commit()
    with pytest.raises(Conflict, match=r"^Order #1043 is open here \(someone\): close or park"):
        take_pack_order_here(store, replace(johan, terminal="PACK-2"), "#1042")
