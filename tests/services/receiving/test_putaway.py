"""Put-away: bin suggestions, bin checks, the ledger, and backorders released."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from sqlmodel import select

from tests.worlds import factories as f
from tests.worlds.receiving import MUG_EAN, TEE_EAN, World, qty_at, snapshot
from wms_tui.domain.enums import LocationKind, OrderStatus
from wms_tui.domain.errors import DomainError, NotFound, PermissionDenied
from wms_tui.domain.models import Allocation, Location, Order, Product, StockMovement
from wms_tui.services.inventory.allocation import allocate_order
from wms_tui.services.inventory.stock import ledger_mismatches
from wms_tui.services.receiving import deliveries, putaway
from wms_tui.services.receiving import receipt as receiving
from wms_tui.store import Store


def test_suggestions_prefer_a_bin_holding_the_sku_then_empty_pick_then_bulk(
    empty_store: Store, world: World
) -> None:
    a = world.receiver
    receiving.receive_scan(empty_store, a, "PO-1", TEE_EAN, count=3)
    receiving.receive_scan(empty_store, a, "PO-1", "PRINT", count=4)
    lines = {ln.sku: ln for ln in putaway.pending(empty_store)}
    assert lines["TEE"].qty == 3
    assert lines["TEE"].suggestion == putaway.Suggestion("A-01-1-A", "holds SKU")
    # PRINT is zone B and nowhere yet: the empty pick bin in its zone.
    assert lines["PRINT"].suggestion == putaway.Suggestion("B-01-1-A", "empty pick bin")
    putaway.put_away(empty_store, a, reference="PO-1", product_code="PRINT", bin_code="B-01-1-A")
    # Zone B is full now: a second zone-B product goes to an empty bulk bin.
    with empty_store.unit_of_work() as uow:
        vase = f.product(uow, "VASE")
        vase.zone = "B"
        uow.add(vase)
        uow.commit()
    receiving.receive_scan(empty_store, a, "PO-1", "VASE")
    [vase_line] = [ln for ln in putaway.pending(empty_store) if ln.sku == "VASE"]
    assert vase_line.suggestion == putaway.Suggestion("R-11-1-A", "empty bulk bin")


def test_a_bin_flagged_for_a_count_is_never_suggested(empty_store: Store, world: World) -> None:
    """A short pick flagged the TEE's bin; put-away used to send new tees there,
    where allocation would not take them until someone counted the bin."""
    a = world.receiver
    with empty_store.unit_of_work() as uow:
        loc = uow.session.exec(select(Location).where(Location.code == "A-01-1-A")).one()
        loc.cycle_count_flag = True
        uow.add(loc)
        uow.commit()
    receiving.receive_scan(empty_store, a, "PO-1", TEE_EAN, count=3)
    [line] = [ln for ln in putaway.pending(empty_store) if ln.sku == "TEE"]
    assert line.suggestion is not None and line.suggestion.bin != "A-01-1-A"


def test_put_away_moves_stock_and_writes_the_ledger(empty_store: Store, world: World) -> None:
    a = world.receiver
    receiving.receive_scan(empty_store, a, "PO-1", TEE_EAN, count=6)
    res = putaway.put_away(
        empty_store, a, reference="PO-1", product_code=TEE_EAN, bin_code="a-01-1-a", qty=4
    )
    assert (res.sku, res.qty, res.bin, res.left_on_line) == ("TEE", 4, "A-01-1-A", 2)
    assert qty_at(empty_store, "TEE", "RCV-1") == 2
    assert qty_at(empty_store, "TEE", "A-01-1-A") == 5 + 4
    res = putaway.put_away(
        empty_store, a, reference="PO-1", product_code="TEE", bin_code="R-11-1-A"
    )  # another bin than suggested, the rest of the line
    assert (res.qty, res.bin, res.left_on_line) == (2, "R-11-1-A", 0)
    assert putaway.pending(empty_store) == []
    receipt = deliveries.get_receipt(empty_store, "PO-1")
    assert receipt.line("TEE").put_away == 6
    with empty_store.read() as s:
        moves = s.exec(select(StockMovement).where(StockMovement.reason == "PUTAWAY")).all()
        assert [(m.qty, m.reference, m.operator_id) for m in moves] == [
            (4, "PO-1", a.operator_id),
            (2, "PO-1", a.operator_id),
        ]
        assert ledger_mismatches(s) == []


def test_put_away_takes_from_where_the_units_were_received(
    empty_store: Store, world: World
) -> None:
    at_two = replace(world.receiver, terminal="RCV-2")
    receiving.receive_scan(empty_store, world.receiver, "PO-1", TEE_EAN, count=2)
    receiving.receive_scan(empty_store, at_two, "PO-1", TEE_EAN, count=3)
    putaway.put_away(empty_store, at_two, reference="PO-1", product_code="TEE", bin_code="A-01-1-A")
    assert qty_at(empty_store, "TEE", "RCV-1") == 0 and qty_at(empty_store, "TEE", "RCV-2") == 0


WRONG_BINS_AND_COUNTS = [
    ("QUAR-1", None, DomainError, "QUAR-1 is a quarantine location, not a storage bin"),
    ("RCV-2", None, DomainError, "RCV-2 is a receiving location"),
    ("T-0001", None, DomainError, "T-0001 is a tote location"),
    ("Z-99", None, NotFound, "Unknown bin Z-99"),
    ("", None, DomainError, "Scan a bin"),
    ("A-01-2-A", None, DomainError, "A-01-2-A holds MUG: scan an empty bin or one with it"),
    ("A-01-1-A", 0, DomainError, "Count must be at least 1 (got 0)"),
    ("A-01-1-A", -2, DomainError, "Count must be at least 1 (got -2)"),
    ("A-01-1-A", 4, DomainError, "Only 3 of TEE waiting from PO-1"),
]


def test_wrong_bins_and_counts_change_nothing(empty_store: Store, world: World) -> None:
    receiving.receive_scan(empty_store, world.receiver, "PO-1", TEE_EAN, count=3)
    before = snapshot(empty_store)
    for bin_code, qty, error, message in WRONG_BINS_AND_COUNTS:
        with pytest.raises(error, match=re.escape(message)):
            putaway.put_away(
                empty_store,
                world.receiver,
                reference="PO-1",
                product_code=TEE_EAN,
                bin_code=bin_code,
                qty=qty,
            )
        assert snapshot(empty_store) == before, bin_code


def test_nothing_to_put_away_and_inactive_bins(empty_store: Store, world: World) -> None:
    a = world.receiver
    receiving.receive_scan(empty_store, a, "PO-1", MUG_EAN, damaged_reason="Wet or stained")
    before = snapshot(empty_store)
    with pytest.raises(NotFound, match="No MUG waiting for put-away from PO-1"):
        putaway.put_away(empty_store, a, reference="PO-1", product_code="MUG", bin_code="A-01-2-A")
    with pytest.raises(NotFound, match="No TEE waiting for put-away"):
        putaway.line_for_scan(empty_store, TEE_EAN)
    with pytest.raises(NotFound, match="Unknown barcode 999"):
        putaway.line_for_scan(empty_store, "999")
    with pytest.raises(PermissionDenied):
        putaway.put_away(
            empty_store, world.picker, reference="PO-1", product_code="MUG", bin_code="A-01-2-A"
        )
    assert snapshot(empty_store) == before
    receiving.receive_scan(empty_store, a, "PO-1", TEE_EAN)
    with empty_store.unit_of_work() as uow:
        loc = uow.session.exec(select(Location).where(Location.code == "A-01-1-B")).one()
        loc.active = False
        uow.add(loc)
        uow.commit()
    before = snapshot(empty_store)
    with pytest.raises(DomainError, match="Bin A-01-1-B is not in use"):
        putaway.put_away(empty_store, a, reference="PO-1", product_code="TEE", bin_code="A-01-1-B")
    assert snapshot(empty_store) == before


def test_receive_put_away_allocate_chain(empty_store: Store, world: World) -> None:
    """A backordered order becomes READY_TO_PICK when its stock is put away."""
    with empty_store.unit_of_work() as uow:
        tee = uow.session.exec(select(Product).where(Product.sku == "TEE")).one()
        prt = uow.session.exec(select(Product).where(Product.sku == "PRINT")).one()
        o = f.order(uow, "#1042", [(tee, 2), (prt, 3)])
        assert allocate_order(uow, o) != []
        assert o.status is OrderStatus.BACKORDERED
        uow.commit()
    a = world.receiver
    receiving.receive_scan(empty_store, a, "PO-1", "PRINT", count=2)
    res = putaway.put_away(
        empty_store, a, reference="PO-1", product_code="PRINT", bin_code="B-01-1-A"
    )
    assert res.released_orders == ()  # 2 of 3: still short
    receiving.receive_scan(empty_store, a, "PO-1", "PRINT", count=2)
    res = putaway.put_away(
        empty_store, a, reference="PO-1", product_code="PRINT", bin_code="B-01-1-A"
    )
    assert res.released_orders == ("#1042",)
    with empty_store.read() as s:
        order = s.exec(select(Order).where(Order.name == "#1042")).one()
        assert order.status is OrderStatus.READY_TO_PICK
        allocs = s.exec(select(Allocation)).all()
        assert sorted(x.qty for x in allocs) == [2, 3]
        assert ledger_mismatches(s) == []


def test_quarantined_stock_is_never_allocated(empty_store: Store, world: World) -> None:
    a = world.receiver
    receiving.receive_scan(empty_store, a, "PO-1", "PRINT", count=4, damaged_reason="Wet")
    receiving.receive_scan(empty_store, a, "PO-1", "PRINT", count=1)  # waits in RCV-1
    with empty_store.unit_of_work() as uow:
        prt = uow.session.exec(select(Product).where(Product.sku == "PRINT")).one()
        o = f.order(uow, "#2001", [(prt, 1)])
        missing = allocate_order(uow, o)
        assert [m.available for m in missing] == [0]
        assert o.status is OrderStatus.BACKORDERED
        uow.commit()
    with empty_store.read() as s:
        assert s.exec(select(Allocation)).all() == []
        quar = s.exec(select(Location).where(Location.kind == LocationKind.QUARANTINE)).one()
        assert quar.code == "QUAR-1"
    assert qty_at(empty_store, "PRINT", "QUAR-1") == 4
    # Put-away never targets quarantine, even when asked to.
    with pytest.raises(DomainError, match="quarantine"):
        putaway.put_away(empty_store, a, reference="PO-1", product_code="PRINT", bin_code="QUAR-1")
