"""Cycle counts: flagged bins first, variances, adjustments, reservations kept honest."""

from __future__ import annotations

import re

import pytest
from sqlmodel import select

from tests.worlds import factories as f
from tests.worlds.receiving import World, qty_at, snapshot
from wms_tui.domain.enums import OrderStatus
from wms_tui.domain.errors import Conflict, DomainError, NotFound, PermissionDenied
from wms_tui.domain.models import Allocation, Event, Location, Order, Product, StockMovement
from wms_tui.services.inventory import cycle_count as cc
from wms_tui.services.inventory.allocation import allocate_order
from wms_tui.services.inventory.stock import ledger_mismatches
from wms_tui.store import Store


def flag(store: Store, code: str, reason: str = "short pick #1001") -> None:
    with store.unit_of_work() as uow:
        loc = uow.session.exec(select(Location).where(Location.code == code)).one()
        loc.cycle_count_flag = True
        loc.cycle_count_reason = reason
        uow.add(loc)
        uow.commit()


def test_flagged_bins_come_first(empty_store: Store, world: World) -> None:
    flag(empty_store, "R-11-1-A")
    bins = cc.bins_to_count(empty_store)
    assert bins[0].bin == "R-11-1-A" and bins[0].flagged
    assert bins[0].flag_reason == "short pick #1001"
    assert [b.bin for b in bins[1:]] == ["A-01-1-A", "A-01-1-B", "A-01-2-A", "B-01-1-A", "QUAR-1"]
    assert [b.skus for b in bins[1:3]] == [1, 0]
    assert [b.bin for b in cc.bins_to_count(empty_store, text="a-01-2")] == ["A-01-2-A"]


def test_bad_bins_counts_and_roles_change_nothing(empty_store: Store, world: World) -> None:
    sup = world.supervisor
    before = snapshot(empty_store)
    cases = [
        (lambda: cc.start_count(empty_store, sup, "Z-1"), NotFound, "Unknown bin Z-1"),
        (lambda: cc.start_count(empty_store, sup, "RCV-1"), DomainError, "RCV-1 is a receiving"),
        (lambda: cc.start_count(empty_store, sup, "T-0001"), DomainError, "is a tote location"),
        (
            lambda: cc.start_count(empty_store, world.receiver, "A-01-1-A"),
            PermissionDenied,
            "Björn Åkesson may not count bins",
        ),
        (
            lambda: cc.count_variance(empty_store, sup, "A-01-1-A", {"NOPE": 1}),
            NotFound,
            "Unknown SKU NOPE",
        ),
        (
            lambda: cc.approve_count(empty_store, sup, "A-01-1-A", {"TEE": -1}, reason="x"),
            DomainError,
            "Count for TEE must be 0 or more (got -1)",
        ),
        (
            lambda: cc.approve_count(empty_store, sup, "A-01-1-A", {"TEE": 3}),
            DomainError,
            "Give a reason for the adjustment",
        ),
        (
            lambda: cc.approve_count(
                empty_store, sup, "A-01-1-A", {"TEE": 3}, reason="Lost", expected={"TEE": 6}
            ),
            Conflict,
            "TEE in A-01-1-A changed while counting (6 → 5): count again",
        ),
    ]
    for call, error, message in cases:
        with pytest.raises(error, match=re.escape(message)):
            call()
        assert snapshot(empty_store) == before, message


def test_variance_then_approved_adjustment(empty_store: Store, world: World) -> None:
    flag(empty_store, "A-01-1-A")
    sup = world.supervisor
    assert cc.start_count(empty_store, sup, "a-01-1-a").flagged
    # Counted 3 TEE and, surprisingly, 2 MUG in the TEE bin.
    variances = cc.count_variance(empty_store, sup, "A-01-1-A", {"TEE": 3, "MUG": 2})
    assert [(v.sku, v.system, v.counted, v.diff) for v in variances] == [
        ("MUG", 0, 2, 2),
        ("TEE", 5, 3, -2),
    ]
    result = cc.approve_count(
        empty_store,
        sup,
        "A-01-1-A",
        {"TEE": 3, "MUG": 2},
        reason="Put away to wrong bin",
        expected={v.sku: v.system for v in variances},
    )
    assert [v.sku for v in result.adjustments] == ["MUG", "TEE"]
    assert qty_at(empty_store, "TEE", "A-01-1-A") == 3
    assert qty_at(empty_store, "MUG", "A-01-1-A") == 2
    with empty_store.read() as s:
        moves = s.exec(select(StockMovement).where(StockMovement.reason == "ADJUSTED")).all()
        assert sorted((m.qty, m.from_location_id is None, m.reference) for m in moves) == [
            (2, False, "count A-01-1-A: Put away to wrong bin"),
            (2, True, "count A-01-1-A: Put away to wrong bin"),
        ]
        assert all(m.operator_id == sup.operator_id for m in moves)
        loc = s.exec(select(Location).where(Location.code == "A-01-1-A")).one()
        assert not loc.cycle_count_flag and loc.cycle_count_reason == ""
        ev = s.exec(select(Event).where(Event.kind == "cycle.count")).one()
        assert ev.location == "A-01-1-A" and "TEE 5→3" in ev.detail and "flag cleared" in ev.detail
        assert ledger_mismatches(s) == []


def test_a_count_without_variance_only_clears_the_flag(empty_store: Store, world: World) -> None:
    flag(empty_store, "A-01-2-A")
    result = cc.approve_count(empty_store, world.supervisor, "A-01-2-A", {"MUG": 2})
    assert result.adjustments == ()
    assert not cc.bins_to_count(empty_store)[0].flagged
    with empty_store.read() as s:
        assert s.exec(select(StockMovement).where(StockMovement.reason == "ADJUSTED")).all() == []


def test_found_stock_releases_backorders(empty_store: Store, world: World) -> None:
    with empty_store.unit_of_work() as uow:
        mug = uow.session.exec(select(Product).where(Product.sku == "MUG")).one()
        o = f.order(uow, "#7", [(mug, 3)])
        allocate_order(uow, o)
        assert o.status is OrderStatus.BACKORDERED
        uow.commit()
    result = cc.approve_count(
        empty_store, world.supervisor, "A-01-2-A", {"MUG": 4}, reason="Found stock"
    )
    assert result.released == ("#7",)


def test_short_count_moves_reservations_elsewhere_or_backorders(
    empty_store: Store, world: World
) -> None:
    with empty_store.unit_of_work() as uow:
        s = uow.session
        tee = s.exec(select(Product).where(Product.sku == "TEE")).one()
        bulk = s.exec(select(Location).where(Location.code == "R-11-1-A")).one()
        f.receive(uow, tee, bulk, 2)
        first = f.order(uow, "#1", [(tee, 3)], minutes_ago=90)
        second = f.order(uow, "#2", [(tee, 3)], minutes_ago=60)
        allocate_order(uow, first)  # 3 from the pick bin
        allocate_order(uow, second)  # 2 from the pick bin + 1 from bulk
        uow.commit()
    # Only 1 TEE is really in the pick bin: 4 of 5 were reserved there.
    result = cc.approve_count(empty_store, world.supervisor, "A-01-1-A", {"TEE": 1}, reason="Lost")
    assert qty_at(empty_store, "TEE", "A-01-1-A") == 1
    # 3 TEE left in the building: the older order keeps its stock, the newer waits.
    assert set(result.reallocated) | set(result.backordered) == {"#1", "#2"}
    with empty_store.read() as s:
        status = {o.name: o.status for o in s.exec(select(Order))}
        assert status == {"#1": OrderStatus.READY_TO_PICK, "#2": OrderStatus.BACKORDERED}
        reserved = sum(a.qty for a in s.exec(select(Allocation)))
        assert reserved == 3
        assert ledger_mismatches(s) == []


def test_short_count_refused_while_the_bin_is_being_picked(
    empty_store: Store, world: World
) -> None:
    with empty_store.unit_of_work() as uow:
        tee = uow.session.exec(select(Product).where(Product.sku == "TEE")).one()
        o = f.order(uow, "#9", [(tee, 5)])
        allocate_order(uow, o)
        o.status = OrderStatus.PICKING
        uow.add(o)
        uow.commit()
    before = snapshot(empty_store)
    with pytest.raises(Conflict, match=r"TEE in A-01-1-A is reserved for #9 \(picking\)"):
        cc.approve_count(empty_store, world.supervisor, "A-01-1-A", {"TEE": 2}, reason="Lost")
    assert snapshot(empty_store) == before


def test_short_count_refused_while_a_waved_order_waits_to_pick_the_bin(
    empty_store: Store, world: World
) -> None:
    """A waved order is still READY_TO_PICK; its reservation is named by a pick stop.
    Given back, the stop could never be picked and the task's other orders hung."""
    from wms_tui.domain.enums import TaskStatus
    from wms_tui.domain.models import PickTask, PickTaskLine, Wave

    with empty_store.unit_of_work() as uow:
        s = uow.session
        tee = s.exec(select(Product).where(Product.sku == "TEE")).one()
        o = f.order(uow, "#9", [(tee, 5)])
        allocate_order(uow, o)
        alloc = s.exec(select(Allocation)).one()
        wave = Wave(code="W0001")
        uow.add(wave)
        uow.flush()
        task = PickTask(code="W0001-01", wave_id=wave.id, status=TaskStatus.OPEN)
        uow.add(task)
        uow.flush()
        uow.add(
            PickTaskLine(
                task_id=task.id,
                seq=1,
                allocation_id=alloc.id,
                order_line_id=alloc.order_line_id,
                product_id=alloc.product_id,
                location_id=alloc.location_id,
                qty=alloc.qty,
            )
        )
        uow.commit()
    before = snapshot(empty_store)
    with pytest.raises(Conflict, match=r"reserved for #9 \(on pick task W0001-01\)"):
        cc.approve_count(empty_store, world.supervisor, "A-01-1-A", {"TEE": 2}, reason="Lost")
    assert snapshot(empty_store) == before
