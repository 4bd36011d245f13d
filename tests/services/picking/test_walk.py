"""Picking a task: claims, scans, bad input, skip, pause, short picks, completion."""

from __future__ import annotations

import pytest
from sqlmodel import col, select

from tests.worlds.picking import BARCODES, CASE_CODE, build_world, order_status, snapshot
from wms_tui.domain.actor import Actor
from wms_tui.domain.enums import ExceptionKind, OrderStatus, TaskStatus, WaveStatus
from wms_tui.domain.errors import Conflict, DomainError, PermissionDenied
from wms_tui.domain.models import (
    Allocation,
    Event,
    Location,
    Order,
    OrderLine,
    PickTask,
    Stock,
    StockMovement,
    Wave,
    WmsException,
)
from wms_tui.services.intake.release import retry_backorders
from wms_tui.services.inventory.stock import ledger_mismatches
from wms_tui.services.picking import walk as picking
from wms_tui.services.picking.walk import (
    Stage,
    claim_next_task,
    complete_task,
    current_stop,
    pause_task,
    report_short,
    resume_task,
    scan,
    skip_stop,
)
from wms_tui.services.picking.waves import build_wave
from wms_tui.services.session import login as auth
from wms_tui.store import Store


def pick_stop(store: Store, who: Actor, task: str) -> picking.ScanOutcome:
    """Pick the current stop the way a careful picker does: bin, items, tote."""
    stop = current_stop(store, who, task).stop
    assert stop is not None
    at = scan(store, who, task, stop.bin).at_bin
    scan(store, who, task, BARCODES[stop.sku], at_bin=at, count=stop.remaining)
    return scan(store, who, task, stop.tote, at_bin=at)


def walk(store: Store, who: Actor, task: str) -> picking.ScanOutcome:
    while True:
        out = pick_stop(store, who, task)
        if out.finished:
            return out


@pytest.fixture
def world(empty_store: Store):
    w = build_world(empty_store)
    build_wave(empty_store, w.supervisor, cart_size=3)
    return w


def test_claim_moves_orders_to_picking_and_gives_each_picker_its_own_task(
    empty_store: Store,
) -> None:
    w = build_world(empty_store)
    build_wave(empty_store, w.supervisor, cart_size=2)
    ana, jihoon, oliver = w.pickers
    first = claim_next_task(empty_store, ana)
    second = claim_next_task(empty_store, jihoon)
    assert (first.code, second.code) == ("W0001-01", "W0001-02")
    assert first.status == TaskStatus.CLAIMED and first.terminal == "HH-01"
    assert claim_next_task(empty_store, oliver) is None
    # Claiming again gives back the picker's own task, not another one.
    assert claim_next_task(empty_store, ana).code == "W0001-01"
    assert [t.order for t in first.totes] == ["#1", "#2"]
    assert order_status(empty_store, "#1") is OrderStatus.PICKING
    assert order_status(empty_store, "#3") is OrderStatus.PICKING
    with empty_store.read() as s:
        moves = s.exec(select(Event).where(Event.kind == "order.status")).all()
        picking_moves = {
            (e.order_name, e.to_state, e.terminal) for e in moves if e.to_state == "PICKING"
        }
        assert picking_moves == {
            ("#1", "PICKING", "HH-01"),
            ("#2", "PICKING", "HH-01"),
            ("#3", "PICKING", "HH-02"),
        }


def test_a_task_assigned_to_a_picker_goes_to_that_picker(empty_store: Store) -> None:
    w = build_world(empty_store)
    build_wave(empty_store, w.supervisor, cart_size=3, picker_badge="P1002")
    assert claim_next_task(empty_store, w.pickers[0]) is None
    assert claim_next_task(empty_store, w.pickers[1]).code == "W0001-01"


def test_a_whole_task_picked_well(empty_store: Store, world) -> None:
    ana = world.pickers[0]
    view = claim_next_task(empty_store, ana)
    assert view.progress == f"1/{len(view.stops)}" and view.stop.stage is Stage.PICK
    assert [s.seq for s in view.stops] == sorted(s.seq for s in view.stops)
    out = walk(empty_store, ana, view.code)
    assert out.finished.pack_station == "PACK-1"
    assert out.finished.message == "Task W0001-01 done. Bring 3 totes to PACK-1"
    assert out.message.endswith(out.finished.message)
    with empty_store.read() as s:
        assert {o.status for o in s.exec(select(Order))} == {OrderStatus.PICKED}
        assert s.exec(select(PickTask)).one().status is TaskStatus.DONE
        assert s.exec(select(Wave)).one().status is WaveStatus.DONE
        assert all(a.qty == a.qty_picked for a in s.exec(select(Allocation)))
        assert all(ln.qty_picked == ln.quantity for ln in s.exec(select(OrderLine)))
        assert all(st.allocated == 0 for st in s.exec(select(Stock)))
        assert ledger_mismatches(s) == []
        picks = s.exec(select(Event).where(Event.kind == "pick.unit")).all()
        assert sum(e.qty for e in picks) == 12
        assert all(e.operator_name == "Ana Lindqvist" and e.terminal == "HH-01" for e in picks)
        assert all(e.order_id and e.sku and e.location for e in picks)
        # The units are in the totes, one order per tote.
        in_totes = s.exec(
            select(StockMovement.to_location_id, StockMovement.order_id, StockMovement.qty).where(
                StockMovement.reason == "PICKED"
            )
        ).all()
        assert len({(t, o) for t, o, _ in in_totes}) == len({t for t, _, _ in in_totes}) == 3


def test_one_unit_at_a_time_and_case_codes_and_counts(empty_store: Store) -> None:
    w = build_world(empty_store, [("#1", [("SOCK-6", 14)])])
    build_wave(empty_store, w.supervisor)
    ana = w.pickers[0]
    code = claim_next_task(empty_store, ana).code
    at = scan(empty_store, ana, code, "a-02-1-a").at_bin
    assert at == "A-02-1-A"
    out = scan(empty_store, ana, code, BARCODES["SOCK-6"], at_bin=at)
    assert out.message == "1 × SOCK-6 picked, 13 more"
    out = scan(empty_store, ana, code, CASE_CODE, at_bin=at, count=2)  # 2 cases of 6
    assert out.view.stop.picked == 13
    out = scan(empty_store, ana, code, "SOCK-6", at_bin=at)  # SKU typed by hand
    assert out.view.stop.stage is Stage.TOTE
    assert out.message == "14 × SOCK-6: put in tote 1 T-0001, scan the tote"
    out = scan(empty_store, ana, code, "T-0001", at_bin=at)
    assert out.finished is not None


def test_bad_scans_ring_with_a_reason_and_change_nothing(empty_store: Store) -> None:
    w = build_world(empty_store)
    build_wave(empty_store, w.supervisor, cart_size=2)
    ana, jihoon = w.pickers[:2]
    code = claim_next_task(empty_store, ana).code
    other = claim_next_task(empty_store, jihoon)
    stop = current_stop(empty_store, ana, code).stop
    assert (stop.bin, stop.sku, stop.qty, stop.tote) == ("A-01-2-A", "MUG-RED", 2, "T-0001")
    wrong_bin = "A-02-7-A"

    def refused(code_, match, **kw):
        before = snapshot(empty_store)
        with pytest.raises(DomainError, match=match):
            scan(empty_store, kw.pop("who", ana), code, code_, **kw)
        assert snapshot(empty_store) == before

    # Before the bin is confirmed.
    refused(wrong_bin, "Wrong bin A-02-7-A: go to A-01-2-A")
    refused(BARCODES["MUG-RED"], "Scan the bin A-01-2-A first, then MUG-RED")
    refused("T-0001", "T-0001 is a tote: scan the bin A-01-2-A first")
    refused("XYZ-404", "Unknown code XYZ-404: scan the bin A-01-2-A")
    refused("", "Nothing scanned")
    refused(BARCODES["MUG-RED"], "Scan the bin A-01-2-A first", at_bin=wrong_bin)
    # At the bin.
    at = "A-01-2-A"
    refused(BARCODES["MUG-BLU"], "Wrong item MUG-BLU: pick MUG-RED", at_bin=at)
    refused("7350053999999", "Unknown barcode 7350053999999: scan MUG-RED", at_bin=at)
    # Ten thousand characters pasted: an excerpt is echoed, so the way out stays in view.
    pasted = "X" * 10_000
    refused(pasted, f"^Unknown code {'X' * 24}…: scan the bin A-01-2-A$")
    refused(pasted, f"^Unknown barcode {'X' * 24}…: scan MUG-RED$", at_bin=at)
    refused("A\u202eB", r"^Unknown code A\\u202eB: scan the bin A-01-2-A$")
    refused(BARCODES["MUG-RED"], "Too many: 3 is more than the 2 left", at_bin=at, count=3)
    refused(wrong_bin, "Wrong bin A-02-7-A: pick MUG-RED from A-01-2-A", at_bin=at)
    refused("T-0001", "Pick 2 more MUG-RED before the tote", at_bin=at)
    refused(BARCODES["MUG-RED"], "Count must be 1 to 999", at_bin=at, count=0)
    # Someone else's task, or this task from another terminal.
    refused(at, "being picked by Ana Lindqvist", who=jihoon)
    with pytest.raises(Conflict, match="open on HH-01"):
        scan(empty_store, Actor(ana.operator_id, ana.name, ana.roles, "HH-09"), code, at)
    with pytest.raises(PermissionDenied):
        scan(empty_store, w.supervisor, code, at)

    # Pick both, then the double-pressed trigger sends the last scan again.
    scan(empty_store, ana, code, BARCODES["MUG-RED"], at_bin=at)
    scan(empty_store, ana, code, BARCODES["MUG-RED"], at_bin=at)
    refused(BARCODES["MUG-RED"], "All 2 picked: put them in tote 1 T-0001", at_bin=at)
    refused(at, "Put the items in tote 1 T-0001 first", at_bin=at)
    other_tote = other.totes[0].code
    refused(other_tote, f"Tote {other_tote} belongs to task {other.code}: use tote 1 T-0001")
    refused("T-0002", r"Wrong tote T-0002 \(#2\): these go in tote 1 T-0001")
    refused("T-0009", "Tote T-0009 is not on this cart")
    with empty_store.read() as s:
        assert sum(e.qty for e in s.exec(select(Event).where(Event.kind == "pick.unit"))) == 2
        ln = s.exec(
            select(OrderLine).where(OrderLine.sku == "MUG-RED", OrderLine.quantity == 2)
        ).one()
        assert ln.qty_picked == 2


def test_double_scan_of_a_single_unit_counts_once(empty_store: Store) -> None:
    """The same scan submitted twice within a moment: the second is refused."""
    w = build_world(empty_store, [("#1", [("TEE-M", 1)]), ("#2", [("TEE-M", 1)])])
    build_wave(empty_store, w.supervisor)
    ana = w.pickers[0]
    code = claim_next_task(empty_store, ana).code
    at = scan(empty_store, ana, code, "A-04-3-A").at_bin
    scan(empty_store, ana, code, BARCODES["TEE-M"], at_bin=at)
    with pytest.raises(DomainError, match="All 1 picked"):
        scan(empty_store, ana, code, BARCODES["TEE-M"], at_bin=at)
    out = scan(empty_store, ana, code, "T-0001", at_bin=at)
    # Next stop is the same bin for the next tote: the bin stays confirmed.
    assert out.at_bin == "A-04-3-A" and out.message.endswith("Same bin: TEE-M for T-0002")
    with empty_store.read() as s:
        assert sorted(ln.qty_picked for ln in s.exec(select(OrderLine))) == [0, 1]
        assert sum(e.qty for e in s.exec(select(Event).where(Event.kind == "pick.unit"))) == 1


def test_skip_a_stop_and_return_to_it(empty_store: Store, world) -> None:
    ana = world.pickers[0]
    view = claim_next_task(empty_store, ana)
    first = view.stop
    out = skip_stop(empty_store, ana, view.code)
    assert out.message.startswith(f"Skipped {first.bin}: it comes back at the end")
    assert out.view.stop.line_id != first.line_id
    # Pick everything else; the skipped stop comes back last.
    seen = []
    while True:
        stop = current_stop(empty_store, ana, view.code).stop
        seen.append(stop.line_id)
        out = pick_stop(empty_store, ana, view.code)
        if out.finished:
            break
    assert seen[-1] == first.line_id and seen.count(first.line_id) == 1


def test_skip_rules(empty_store: Store) -> None:
    w = build_world(empty_store, [("#1", [("TEE-M", 2), ("MUG-BLU", 1)])])
    build_wave(empty_store, w.supervisor)
    ana = w.pickers[0]
    code = claim_next_task(empty_store, ana).code
    first = current_stop(empty_store, ana, code).stop
    skip_stop(empty_store, ana, code)
    second = current_stop(empty_store, ana, code).stop
    # Both skipped in turn: they keep taking turns.
    assert skip_stop(empty_store, ana, code).view.stop.line_id == first.line_id
    assert skip_stop(empty_store, ana, code).view.stop.line_id == second.line_id
    at = scan(empty_store, ana, code, second.bin).at_bin
    scan(empty_store, ana, code, second.sku, at_bin=at)
    before = snapshot(empty_store)
    if second.qty > 1:
        with pytest.raises(DomainError, match="already picked"):
            skip_stop(empty_store, ana, code)
        scan(empty_store, ana, code, second.sku, at_bin=at)
        before = snapshot(empty_store)
    with pytest.raises(DomainError, match="Put the items in tote"):
        skip_stop(empty_store, ana, code)
    assert snapshot(empty_store) == before
    scan(empty_store, ana, code, second.tote, at_bin=at)
    before = snapshot(empty_store)
    with pytest.raises(DomainError, match="This is the last stop"):
        skip_stop(empty_store, ana, code)
    assert snapshot(empty_store) == before


def test_pause_and_resume(empty_store: Store, world) -> None:
    ana = world.pickers[0]
    code = claim_next_task(empty_store, ana).code
    pick_stop(empty_store, ana, code)
    paused = pause_task(empty_store, ana, code)
    assert paused.status == TaskStatus.PAUSED and paused.stops_done == 1
    with pytest.raises(DomainError, match="paused: resume it first"):
        scan(empty_store, ana, code, "A-01-2-A")
    # Another picker cannot take it; the same picker on another handheld can.
    with pytest.raises(Conflict, match="being picked by Ana"):
        resume_task(empty_store, world.pickers[1], code)
    assert claim_next_task(empty_store, world.pickers[1]) is None
    ana2 = Actor(ana.operator_id, ana.name, ana.roles, "HH-05")
    resumed = claim_next_task(empty_store, ana2)
    assert resumed.code == code and resumed.terminal == "HH-05" and resumed.stops_done == 1
    with pytest.raises(Conflict, match="open on HH-05"):
        scan(empty_store, ana, code, "A-01-2-A")
    assert walk(empty_store, ana2, code).finished is not None
    with empty_store.read() as s:
        q = select(Event).where(Event.kind.like("task.%")).order_by(col(Event.id))
        kinds = [e.kind for e in s.exec(q)]
        assert kinds == ["task.claimed", "task.paused", "task.resumed", "task.done"]


def test_logout_pauses_the_task_claimed_on_that_terminal(empty_store: Store, world) -> None:
    ana, jihoon = world.pickers[:2]
    code = claim_next_task(empty_store, ana).code
    pick_stop(empty_store, ana, code)
    # Ana took her task on to another handheld: logging out of the first leaves it be.
    ana2 = Actor(ana.operator_id, ana.name, ana.roles, "HH-05")
    claim_next_task(empty_store, ana2)
    assert auth.logout(empty_store, ana) is None
    assert auth.logout(empty_store, jihoon) is None  # nothing claimed
    with empty_store.read() as s:
        assert s.exec(select(PickTask).where(PickTask.code == code)).one().status == (
            TaskStatus.CLAIMED
        )
    assert auth.logout(empty_store, ana2, idle=True) == code
    with empty_store.read() as s:
        task = s.exec(select(PickTask).where(PickTask.code == code)).one()
        assert (task.status, task.picker_id) == (TaskStatus.PAUSED, ana.operator_id)
        paused = s.exec(select(Event).where(Event.kind == "task.paused")).one()
        assert (paused.detail, paused.terminal) == (f"task {code} (idle logout)", "HH-05")
        assert len(s.exec(select(Event).where(Event.kind == "logout")).all()) == 3
    # Logging in again anywhere resumes it, with what was picked.
    back = claim_next_task(empty_store, ana)
    assert back.code == code and back.stops_done == 1 and back.terminal == "HH-01"


def test_release_task_by_supervisor(empty_store: Store, world) -> None:
    ana, jihoon = world.pickers[:2]
    code = claim_next_task(empty_store, ana).code
    pick_stop(empty_store, ana, code)
    with pytest.raises(PermissionDenied):
        picking.release_task(empty_store, ana, code)
    assert "released from Ana Lindqvist" in picking.release_task(
        empty_store, world.supervisor, code
    )
    view = claim_next_task(empty_store, jihoon)
    assert view.code == code and view.stops_done == 1
    assert walk(empty_store, jihoon, code).finished is not None


def test_complete_task_refuses_while_stops_are_left(empty_store: Store, world) -> None:
    ana = world.pickers[0]
    code = claim_next_task(empty_store, ana).code
    with pytest.raises(DomainError, match="stops left: pick them or report them short"):
        complete_task(empty_store, ana, code)


# --------------------------------------------------------------------------- short picks


def test_a_short_pick_whose_new_stop_is_next_names_that_bin_once(empty_store: Store) -> None:
    """Seen at 40x16: "short: new stop A-01-19-C. Next: A-01-19-C" spent a row on a repeat."""
    w = build_world(empty_store, [("#1", [("MUG-RED", 3), ("TEE-M", 1)])])
    build_wave(empty_store, w.supervisor)
    ana = w.pickers[0]
    code = claim_next_task(empty_store, ana).code
    at = scan(empty_store, ana, code, "A-01-2-A").at_bin
    out = report_short(empty_store, ana, code, "empty", at_bin=at)
    assert out.message == "3 × MUG-RED short: new stop A-03-5-B, next"
    assert out.view.stop.bin == "A-03-5-B"


def test_short_pick_reallocates_from_another_bin_as_a_new_stop(empty_store: Store) -> None:
    w = build_world(empty_store, [("#1", [("MUG-RED", 3), ("TEE-M", 1)])])
    build_wave(empty_store, w.supervisor)
    ana = w.pickers[0]
    view = claim_next_task(empty_store, ana)
    code = view.code
    assert view.stop.bin == "A-01-2-A"
    length_before = view.route_length_m
    at = scan(empty_store, ana, code, "A-01-2-A").at_bin
    scan(empty_store, ana, code, BARCODES["MUG-RED"], at_bin=at)  # only one there
    out = report_short(empty_store, ana, code, "short", at_bin=at)
    assert out.message == "2 × MUG-RED short: new stop A-03-5-B. Put 1 in tote T-0001"
    assert out.view.stop.stage is Stage.TOTE and out.at_bin == at
    assert out.view.stops_total == 3 and out.view.route_length_m >= length_before
    out = scan(empty_store, ana, code, "T-0001", at_bin=at)
    bins = [s.bin for s in out.view.stops if not s.done]
    assert bins == ["A-03-5-B", "A-04-3-A"]  # inserted in route order
    assert out.view.stop.bin == "A-03-5-B" and out.view.stop.qty == 2
    out = walk(empty_store, ana, code)
    assert out.finished.message == "Task W0001-01 done. Bring 1 tote to PACK-1"
    assert order_status(empty_store, "#1") is OrderStatus.PICKED
    with empty_store.read() as s:
        flagged = s.exec(select(Location).where(Location.cycle_count_flag)).one()
        assert flagged.code == "A-01-2-A"
        assert "fewer than asked" in flagged.cycle_count_reason
        assert "Ana Lindqvist" in flagged.cycle_count_reason
        assert s.exec(select(WmsException)).all() == []  # nothing left for a supervisor
        allocs = {a.location_id: (a.qty, a.qty_picked) for a in s.exec(select(Allocation))}
        assert sorted(allocs.values()) == [(1, 1), (1, 1), (2, 2)]
        assert all(st.allocated == 0 for st in s.exec(select(Stock)))
        assert ledger_mismatches(s) == []
        short = s.exec(select(Event).where(Event.kind == "short_pick")).one()
        assert (short.sku, short.qty, short.location, short.operator_name) == (
            "MUG-RED",
            2,
            "A-01-2-A",
            "Ana Lindqvist",
        )


def test_short_pick_without_stock_backorders_the_order(empty_store: Store) -> None:
    w = build_world(empty_store, [("#1", [("TEE-M", 1), ("MUG-BLU", 1)]), ("#2", [("TEE-M", 5)])])
    build_wave(empty_store, w.supervisor)
    ana = w.pickers[0]
    code = claim_next_task(empty_store, ana).code
    while (stop := current_stop(empty_store, ana, code).stop).sku != "TEE-M" or stop.order != "#2":
        pick_stop(empty_store, ana, code)
    out = report_short(empty_store, ana, code, "empty")
    assert "#2 backordered" in out.message
    assert order_status(empty_store, "#2") is OrderStatus.BACKORDERED
    out = walk(empty_store, ana, code) if not out.finished else out
    assert order_status(empty_store, "#1") is OrderStatus.PICKED
    with empty_store.read() as s:
        exc = s.exec(select(WmsException)).one()
        assert exc.kind == ExceptionKind.SHORT_PICK and exc.resolved_at is None
        assert (exc.operator_name, exc.terminal, exc.location, exc.sku) == (
            "Ana Lindqvist",
            "HH-01",
            "A-04-3-A",
            "TEE-M",
        )
        assert "bin empty" in exc.message and "#2 backordered" in exc.message
        line = s.exec(select(OrderLine).where(OrderLine.quantity == 5)).one()
        assert (line.qty_allocated, line.qty_picked) == (0, 0)
        assert ledger_mismatches(s) == []
    # Stock arrives in another bin: the order is released and a new wave picks it.
    from tests.worlds import factories as f

    with empty_store.unit_of_work() as uow:
        from wms_tui.domain.models import Product

        tee = uow.session.exec(select(Product).where(Product.sku == "TEE-M")).one()
        # A-04-3-A still has 5 on the books, but it is flagged: not allocated again.
        f.receive(uow, tee, f.location(uow, "A-04-9-A"), 6)
        assert retry_backorders(uow) == ["#2"]
        uow.commit()
    build_wave(empty_store, w.supervisor)
    code = claim_next_task(empty_store, ana).code
    assert current_stop(empty_store, ana, code).stop.bin == "A-04-9-A"
    walk(empty_store, ana, code)
    assert order_status(empty_store, "#2") is OrderStatus.PICKED


def test_empty_bin_shorts_every_tote_waiting_on_it(empty_store: Store) -> None:
    w = build_world(empty_store, [("#1", [("TEE-M", 1)]), ("#2", [("TEE-M", 1)])])
    build_wave(empty_store, w.supervisor)
    ana = w.pickers[0]
    code = claim_next_task(empty_store, ana).code
    out = report_short(empty_store, ana, code, "empty")
    assert out.finished is not None
    assert out.finished.message == "Task W0001-01 done. Nothing to pack"
    assert order_status(empty_store, "#1") is OrderStatus.BACKORDERED
    assert order_status(empty_store, "#2") is OrderStatus.BACKORDERED
    with empty_store.read() as s:
        assert len(s.exec(select(WmsException)).all()) == 2


def test_short_pick_splits_when_the_order_may_ship_split(empty_store: Store) -> None:
    w = build_world(empty_store, [("#1", [("TEE-M", 6), ("MUG-BLU", 1)])])
    with empty_store.unit_of_work() as uow:
        o = uow.session.exec(select(Order)).one()
        o.split_allowed = True
        uow.add(o)
        uow.commit()
    build_wave(empty_store, w.supervisor)
    ana = w.pickers[0]
    code = claim_next_task(empty_store, ana).code
    while current_stop(empty_store, ana, code).stop.sku != "TEE-M":
        pick_stop(empty_store, ana, code)
    at = scan(empty_store, ana, code, "A-04-3-A").at_bin
    scan(empty_store, ana, code, "TEE-M", at_bin=at, count=4)
    out = report_short(empty_store, ana, code, "damaged", at_bin=at)
    assert "2 split to #1-B1 (backordered)" in out.message
    out = scan(empty_store, ana, code, "T-0001", at_bin=at)
    if not out.finished:
        out = walk(empty_store, ana, code)
    assert out.finished.message == "Task W0001-01 done. Bring 1 tote to PACK-1"
    assert order_status(empty_store, "#1") is OrderStatus.PICKED
    assert order_status(empty_store, "#1-B1") is OrderStatus.BACKORDERED
    with empty_store.read() as s:
        child = s.exec(select(Order).where(Order.name == "#1-B1")).one()
        (cl,) = s.exec(select(OrderLine).where(OrderLine.order_id == child.id)).all()
        assert (cl.sku, cl.quantity) == ("TEE-M", 2)
        waits, exc = s.exec(select(WmsException).order_by(WmsException.id)).all()
        assert exc.kind == ExceptionKind.SHORT_PICK and "damaged" in exc.message
        # The split-off backorder is named in the supervisor's inbox too.
        assert (waits.kind, waits.order_id) == (ExceptionKind.BACKORDER, child.id)


def test_short_pick_refusals_change_nothing(empty_store: Store, world) -> None:
    ana = world.pickers[0]
    code = claim_next_task(empty_store, ana).code
    before = snapshot(empty_store)
    with pytest.raises(DomainError, match="Unknown short reason 'lazy'"):
        report_short(empty_store, ana, code, "lazy")
    with pytest.raises(Conflict):
        report_short(empty_store, world.pickers[1], code, "empty")
    assert snapshot(empty_store) == before
    at = scan(empty_store, ana, code, "A-01-2-A").at_bin
    scan(empty_store, ana, code, "MUG-RED", at_bin=at, count=2)
    before = snapshot(empty_store)
    with pytest.raises(DomainError, match="All 2 picked: put them in tote"):
        report_short(empty_store, ana, code, "short")
    assert snapshot(empty_store) == before


def test_an_order_put_on_hold_mid_task_is_left_out(empty_store: Store, world) -> None:
    from wms_tui.services.core import events

    ana = world.pickers[0]
    code = claim_next_task(empty_store, ana).code
    with empty_store.unit_of_work() as uow:
        o = uow.session.exec(select(Order).where(Order.name == "#2")).one()
        events.change_status(uow, o, OrderStatus.ON_HOLD, world.supervisor, detail="fraud check")
        uow.commit()
    view = current_stop(empty_store, ana, code)
    assert all(s.order != "#2" for s in view.stops if not s.stopped)
    assert view.stops_total == len([s for s in view.stops if s.order != "#2"])
    out = walk(empty_store, ana, code)
    assert "#2" not in {t.order for t in out.finished.to_pack}
    assert order_status(empty_store, "#1") is OrderStatus.PICKED
    assert order_status(empty_store, "#2") is OrderStatus.ON_HOLD
    with empty_store.read() as s:
        assert s.exec(select(Order).where(Order.name == "#2")).one().held_from == "PICKING"


def test_a_picker_holds_one_task_at_a_time(empty_store: Store) -> None:
    """resume_task let one picker hold two tasks (a paused one and a new one)."""
    w = build_world(empty_store)
    build_wave(empty_store, w.supervisor, cart_size=1)  # one task per order
    ana = w.pickers[0]
    mine = claim_next_task(empty_store, ana).code
    pause_task(empty_store, ana, mine)
    with empty_store.read() as s:
        other = s.exec(
            select(PickTask.code).where(PickTask.status == TaskStatus.OPEN).limit(1)
        ).one()
    before = snapshot(empty_store)
    with pytest.raises(Conflict, match=f"You are picking {mine}: finish or release it first"):
        resume_task(empty_store, ana, other)
    assert snapshot(empty_store) == before
    assert resume_task(empty_store, ana, mine).code == mine  # her own one, still
