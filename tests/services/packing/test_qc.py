"""Quality check at the pack station: quarantine, replacement pick, supervised short-ship."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlmodel import select

from tests.worlds import factories as f
from tests.worlds import packing as pw
from tests.worlds.dbstate import snapshot
from wms_tui.domain.actor import Actor
from wms_tui.domain.enums import ExceptionKind, MovementReason, OrderStatus, TaskStatus
from wms_tui.domain.errors import DomainError, PermissionDenied
from wms_tui.domain.models import (
    Allocation,
    Event,
    Location,
    Order,
    OrderLine,
    PickTask,
    PickTaskLine,
    Product,
    Stock,
    StockMovement,
    WmsException,
)
from wms_tui.services.core import events
from wms_tui.services.inventory.stock import ledger_mismatches, move_stock
from wms_tui.services.packing import station as packing
from wms_tui.services.packing.view import BlockerKind
from wms_tui.services.picking import walk as picking
from wms_tui.store import Store


def _stock(store: Store, code: str, sku: str) -> int:
    with store.read() as s:
        loc = s.exec(select(Location).where(Location.code == code)).one()
        p = s.exec(select(Product).where(Product.sku == sku)).one()
        st = s.exec(
            select(Stock).where(Stock.location_id == loc.id, Stock.product_id == p.id)
        ).first()
        return st.qty if st else 0


def test_damaged_unit_goes_to_quarantine_and_a_replacement_is_picked(world: pw.World) -> None:
    store, packer = world.store, world.packer
    oid = packing.open_order(store, packer, "T-0001").order_id
    packing.scan(store, packer, oid, pw.MUG_EAN)
    # One mug scanned, one still in the tote: the service must be told which one broke.
    before = snapshot(store)
    with pytest.raises(DomainError, match="already scanned into the parcel"):
        packing.qc_fail(store, packer, oid, 1, "damaged", replace=True)
    assert snapshot(store) == before
    bin_before = _stock(store, "A-01-1-A", "MUG-BLU")

    view = packing.qc_fail(store, packer, oid, 1, "damaged", replace=True, scanned=True)
    assert view.status == "PICKING"
    assert view.message.startswith("Damaged MUG-BLU to QUAR-1: replacement pick RPL-")
    assert "Park tote T-0001" in view.message
    assert view.lines[0].packed == 0  # the scanned unit came out of the parcel
    assert _stock(store, "QUAR-1", "MUG-BLU") == 1
    assert _stock(store, "T-0001", "MUG-BLU") == 1
    with store.read() as s:
        order = s.get(Order, oid)
        assert order.locked_terminal == "" and order.status == OrderStatus.PICKING
        task = s.exec(select(PickTask)).one()
        assert task.code == f"RPL-{oid}-1" and task.status == TaskStatus.OPEN
        assert task.priority > 0 and task.pack_station == "PACK-1"
        tl = s.exec(select(PickTaskLine)).one()
        tote = s.exec(select(Location).where(Location.code == "T-0001")).one()
        assert (tl.qty, tl.tote_id) == (1, tote.id)
        alloc = s.get(Allocation, tl.allocation_id)
        assert alloc.qty - alloc.qty_picked == 1
        exc = s.exec(select(WmsException)).one()
        assert exc.kind == ExceptionKind.QC_FAIL and exc.sku == "MUG-BLU"
        line = s.exec(select(OrderLine).where(OrderLine.sku == "MUG-BLU")).one()
        assert (line.qty_picked, line.qty_allocated, line.qty_packed) == (1, 2, 0)
        assert ledger_mismatches(s) == []
    # The reservation comes from the bin, not from quarantine.
    assert _stock(store, "A-01-1-A", "MUG-BLU") == bin_before
    with pytest.raises(DomainError, match="waits for a replacement pick"):
        packing.open_order(store, packer, "T-0001")

    # The picker brings the replacement (as the pick screen would), then packing resumes.
    with store.unit_of_work() as uow:
        s = uow.session
        tl = s.exec(select(PickTaskLine)).one()
        alloc = s.get(Allocation, tl.allocation_id)
        mug = s.get(Product, tl.product_id)
        move_stock(
            uow,
            world.supervisor,
            mug,
            1,
            from_loc=s.get(Location, tl.location_id),
            to_loc=s.get(Location, tl.tote_id),
            reason=MovementReason.PICKED,
            order=s.get(Order, oid),
            consume_allocation=True,
        )
        alloc.qty_picked += 1
        line = s.get(OrderLine, tl.order_line_id)
        line.qty_picked += 1
        events.change_status(uow, s.get(Order, oid), OrderStatus.PICKED, world.supervisor)
        uow.commit()
    view = packing.open_order(store, packer, "T-0001")
    for code in (pw.MUG_EAN, pw.MUG_EAN, pw.TEE_EAN):
        view = packing.scan(store, packer, oid, code)
    assert not [b for b in view.blockers if b.kind is BlockerKind.UNITS_TO_SCAN]


def test_short_ship_needs_a_supervisor_and_prints_why(world: pw.World) -> None:
    store, packer = world.store, world.packer
    oid = packing.open_order(store, packer, "#1044").order_id  # 8 tees, none scanned
    before = snapshot(store)
    with pytest.raises(PermissionDenied, match="scan a supervisor badge"):
        packing.qc_fail(store, packer, oid, 1, "size", replace=False)
    with pytest.raises(PermissionDenied, match="Emily Carter is not a supervisor"):
        packing.qc_fail(store, packer, oid, 1, "size", replace=False, approver=f.boss("K2003"))
    with pytest.raises(DomainError, match="Reason must be one of"):
        packing.qc_fail(store, packer, oid, 1, "ugly", replace=False, approver=f.boss("S9001"))
    with pytest.raises(DomainError, match="No TEE-M is scanned yet"):
        packing.qc_fail(
            store, packer, oid, 1, "size", replace=False, scanned=True, approver=f.boss("S9001")
        )
    assert snapshot(store) == before

    view = packing.qc_fail(store, packer, oid, 1, "size", replace=False, approver=f.boss("S9001"))
    assert view.status == "PACKING"
    assert view.message == "Wrong size TEE-M to QUAR-1: short-shipped, approved by Karin Holmgren"
    line = view.lines[0]
    assert (line.quantity, line.short, line.need) == (8, 1, 7)
    assert line.short_reason == "Wrong size: not sent, refund follows"
    assert _stock(store, "QUAR-1", "TEE-M") == 1 and _stock(store, "T-0003", "TEE-M") == 7
    with store.read() as s:
        mv = s.exec(
            select(StockMovement).where(StockMovement.reason == MovementReason.QUARANTINED)
        ).one()
        assert mv.operator_id == packer.operator_id and mv.terminal == "PACK-1"
        # The catch is the packer's (pack accuracy counts it per packer); the
        # approving supervisor is named in the detail.
        ev = s.exec(select(Event).where(Event.kind == "qc.fail")).one()
        assert (ev.operator_id, ev.terminal) == (packer.operator_id, "PACK-1")
        assert ev.detail == "Wrong size; short-shipped, approved by Karin Holmgren"

    packing.scan(store, packer, oid, pw.TEE_EAN)
    view = packing.set_count(store, packer, oid, 1, 7)
    assert view.lines[0].done and view.lines[0].symbol == "✓"


def test_no_stock_for_a_replacement_changes_nothing(world: pw.World) -> None:
    store, packer = world.store, world.packer
    oid = packing.open_order(store, packer, "#1042").order_id
    with store.unit_of_work() as uow:  # the bin's last mugs were damaged too
        s = uow.session
        mug = s.exec(select(Product).where(Product.sku == "MUG-BLU")).one()
        bin_a = s.exec(select(Location).where(Location.code == "A-01-1-A")).one()
        quar = s.exec(select(Location).where(Location.code == "QUAR-1")).one()
        st = s.exec(
            select(Stock).where(Stock.product_id == mug.id, Stock.location_id == bin_a.id)
        ).one()
        move_stock(
            uow,
            world.supervisor,
            mug,
            st.qty - st.allocated,
            from_loc=bin_a,
            to_loc=quar,
            reason=MovementReason.QUARANTINED,
        )
        uow.commit()
    before = snapshot(store)
    with pytest.raises(DomainError, match="No other MUG-BLU in stock to replace it"):
        packing.qc_fail(store, packer, oid, 1, "damaged", replace=True)
    assert snapshot(store) == before


def _picker(store: Store) -> Actor:
    with store.unit_of_work() as uow:
        picker = f.operator(uow, "Ana Lindqvist", "picker", badge="P1001")
        uow.commit()
    return replace(picker, terminal="HH-1")


def _status(store: Store, oid: int) -> OrderStatus:
    with store.read() as s:
        return OrderStatus(s.get(Order, oid).status)


def test_replacement_pick_completes_an_order_with_a_short_shipped_line(world: pw.World) -> None:
    store, packer = world.store, world.packer
    oid = packing.open_order(store, packer, "T-0001").order_id  # #1042: 2 mugs, 1 tee
    packing.qc_fail(store, packer, oid, 1, "damaged", replace=False, approver=f.boss("S9001"))
    view = packing.qc_fail(store, packer, oid, 2, "colour", replace=True)
    assert view.status == "PICKING"

    picker = _picker(store)
    task = picking.claim_next_task(store, picker)
    assert task is not None and task.stop is not None
    code, stop = task.code, task.stop
    picking.scan(store, picker, code, stop.bin)
    picking.scan(store, picker, code, pw.TEE_EAN, at_bin=stop.bin)
    done = picking.scan(store, picker, code, stop.tote)

    # The mug line needs 1 (2 ordered, 1 short-shipped) and has 1 picked: nothing is missing.
    assert _status(store, oid) is OrderStatus.PICKED
    assert done.finished is not None
    assert [t.code for t in done.finished.to_pack] == ["T-0001"]
    view = packing.open_order(store, packer, "T-0001")
    for code in (pw.MUG_EAN, pw.TEE_EAN):
        view = packing.scan(store, packer, oid, code)
    assert all(line.done for line in view.lines)


def test_replacement_no_bin_has_backorders_an_order_with_nothing_else_to_ship(
    world: pw.World,
) -> None:
    store, packer = world.store, world.packer
    oid = world.orders["#1042"]
    with store.unit_of_work() as uow:
        order = uow.session.get(Order, oid)
        order.split_allowed = True
        uow.add(order)
        uow.commit()
    packing.open_order(store, packer, "T-0001")
    packing.qc_fail(store, packer, oid, 2, "damaged", replace=False, approver=f.boss("S9001"))
    packing.qc_fail(store, packer, oid, 1, "damaged", replace=False, approver=f.boss("S9001"))
    packing.qc_fail(store, packer, oid, 1, "damaged", replace=True)
    # Left to ship: the one mug being replaced (tee and the other mug are short-shipped).

    picker = _picker(store)
    task = picking.claim_next_task(store, picker)
    assert task is not None and task.stop is not None
    picking.scan(store, picker, task.code, task.stop.bin)
    out = picking.report_short(store, picker, task.code, "empty", at_bin=task.stop.bin)

    # Splitting the missing mug off would leave an order with nothing to ship: it waits whole.
    assert "#1042 backordered" in out.message
    assert _status(store, oid) is OrderStatus.BACKORDERED
    with store.read() as s:
        assert s.exec(select(Order).where(Order.name == "#1042-B1")).first() is None
        assert ledger_mismatches(s) == []
