"""The inbox's two recoveries: a re-pick of short-shipped units, and restocking a
parcel stopped after packing. Both were dead ends: a short-ship could not be
undone once stock came in, and a cancelled packed order's units stayed at the
pack station (by the ledger) with only "acknowledge" on offer."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlmodel import select

from tests.worlds import factories as f
from tests.worlds import packing as pw
from tests.worlds.dbstate import snapshot
from tests.worlds.packing import order_state
from wms_tui.domain.enums import ExceptionKind, OrderStatus, ParcelStatus, TaskStatus
from wms_tui.domain.errors import DomainError, PermissionDenied
from wms_tui.domain.models import (
    Location,
    Parcel,
    PickTask,
    Product,
    Stock,
    WmsException,
)
from wms_tui.services.demo.day_checks import check_day
from wms_tui.services.dispatch import handover
from wms_tui.services.exceptions.actions import resolve
from wms_tui.services.exceptions.inbox import Action, open_exceptions
from wms_tui.services.intake import order_admin
from wms_tui.services.inventory.stock import ledger_mismatches
from wms_tui.services.packing import close
from wms_tui.services.packing import station as packing
from wms_tui.services.picking import walk as picking
from wms_tui.store import Store


def _short_ship_a_mug(world: pw.World) -> int:
    """#1042 (2 mugs, 1 tee): one mug fails QC and is short-shipped, the order stays open."""
    oid = pw.open_1042(world).order_id
    view = packing.qc_fail(
        world.store, world.packer, oid, 1, "damaged", replace=False, approver=f.boss("S9001")
    )
    assert view.status == OrderStatus.PACKING
    return oid


def _walk(store: Store, picker, code: str) -> None:  # noqa: ANN001 - an Actor
    view = picking.claim_next_task(store, picker)
    assert view is not None and view.code == code
    while view.stop is not None:
        stop = view.stop
        at = picking.scan(store, picker, code, stop.bin).at_bin
        picking.scan(store, picker, code, stop.sku, at_bin=at, count=stop.qty - stop.picked)
        done = picking.scan(store, picker, code, stop.tote, at_bin=at)
        if done.finished is not None:
            return
        view = done.view


def test_a_short_shipped_unit_is_re_picked_and_the_order_packed_whole(world: pw.World) -> None:
    store, boss = world.store, world.supervisor
    oid = _short_ship_a_mug(world)
    [item] = open_exceptions(store, boss)
    assert item.kind == ExceptionKind.QC_FAIL
    assert item.actions == (Action.REPICK, Action.CANCEL, Action.ACKNOWLEDGE)
    assert Action.REPICK.label == "Request a re-pick"

    result = resolve(store, boss, item.id, Action.REPICK)
    assert result.message == f"#1042: re-pick RPL-{oid}-1 for 1 unit into tote T-0001"
    assert not result.closed and result.order_status == "picking"
    assert order_state(store, "#1042") == (OrderStatus.PICKING, "")
    # The packer is told on the next scan; the station's queue no longer has it.
    with pytest.raises(DomainError):
        packing.scan(store, world.packer, oid, pw.MUG_EAN)

    with store.unit_of_work() as uow:
        picker = replace(f.operator(uow, "Ana Lindqvist", "picker", badge="P1001"), terminal="HH")
        uow.commit()
    _walk(store, picker, f"RPL-{oid}-1")
    assert order_state(store, "#1042")[0] is OrderStatus.PICKED
    view = pw.scan_all_1042(world, packing.open_order(store, world.packer, "#1042").order_id)
    close.close_order(store, world.packer, pw.finish(world, view).order_id)
    assert order_state(store, "#1042")[0] is OrderStatus.PACKED
    assert open_exceptions(store, boss) == []  # the QC failure closed itself
    with store.read() as s:
        assert ledger_mismatches(s) == []
        lines = s.exec(select(Parcel).where(Parcel.order_id == oid)).all()
        assert [p.status for p in lines] == [ParcelStatus.CLOSED]


def test_a_re_pick_is_refused_whole_when_stock_is_short_or_the_role_is_wrong(
    world: pw.World,
) -> None:
    store, boss = world.store, world.supervisor
    _short_ship_a_mug(world)
    [item] = open_exceptions(store, boss)
    with store.unit_of_work() as uow:
        bin_a = uow.session.exec(select(Location).where(Location.code == "A-01-1-A")).one()
        bin_a.cycle_count_flag = True  # its mugs are kept from allocation until counted
        uow.add(bin_a)
        uow.commit()
    # Not offered while the bins cannot cover it (it was, and always refused): the
    # row says why, and what can work is left (cancel, or ship it short).
    [item] = open_exceptions(store, boss)
    assert item.actions == (Action.CANCEL, Action.ACKNOWLEDGE)
    assert item.withheld == "No re-pick: 0 MUG-BLU free, 1 needed"
    before = snapshot(store)
    with pytest.raises(DomainError, match="^No re-pick: 0 MUG-BLU free, 1 needed$"):
        resolve(store, boss, item.id, Action.REPICK)
    with pytest.raises(PermissionDenied):
        resolve(store, world.packer, item.id, Action.REPICK)
    assert snapshot(store) == before
    with store.read() as s:
        assert s.exec(select(PickTask).where(PickTask.status == TaskStatus.OPEN)).all() == []


def test_a_replaced_unit_offers_no_re_pick(world: pw.World) -> None:
    """A replacement was asked for at the station: nothing is short-shipped."""
    store, boss = world.store, world.supervisor
    oid = pw.open_1042(world).order_id
    packing.qc_fail(store, world.packer, oid, 1, "damaged", replace=True)
    [item] = open_exceptions(store, boss)
    assert Action.REPICK not in item.actions
    before = snapshot(store)
    with pytest.raises(DomainError, match="Request a re-pick does not resolve this exception"):
        resolve(store, boss, item.id, Action.REPICK)
    assert snapshot(store) == before


def _pack_1043(world: pw.World) -> tuple[int, int, str]:
    """Packed and closed: (order id, parcel id, SSCC)."""
    oid = packing.open_order(world.store, world.packer, world.totes["#1043"]).order_id
    view = packing.scan(world.store, world.packer, oid, pw.BOOK_EAN)
    close.close_order(world.store, world.packer, pw.finish(world, view).order_id)
    with world.store.read() as s:
        parcel = s.exec(select(Parcel).where(Parcel.order_id == oid)).one()
        return oid, parcel.id, parcel.sscc


def _book_at(store: Store, code: str) -> int:
    with store.read() as s:
        return sum(
            s.exec(
                select(Stock.qty)
                .join(Location, Location.id == Stock.location_id)
                .join(Product, Product.id == Stock.product_id)
                .where(Location.code == code, Product.sku == "BOOK-SV")
            ).all()
        )


def test_a_parcel_stopped_after_packing_is_unpacked_into_its_bin(world: pw.World) -> None:
    store, boss = world.store, world.supervisor
    oid, parcel_id, _sscc = _pack_1043(world)
    before_bin, before_pack = _book_at(store, "A-01-2-A"), _book_at(store, "PACK-1")
    assert before_pack == 1
    order_admin.cancel_order(store, boss, oid, "customer changed her mind")
    [item] = open_exceptions(store, boss)
    assert item.kind == ExceptionKind.CANCELLED_AFTER_PACK
    assert item.actions == (Action.RESTOCK,)  # no acknowledging the units away
    before = snapshot(store)
    with pytest.raises(DomainError, match="Acknowledge does not resolve"):
        resolve(store, boss, item.id, Action.ACKNOWLEDGE, note="done")
    with pytest.raises(PermissionDenied):
        resolve(store, world.packer, item.id, Action.RESTOCK)
    assert snapshot(store) == before

    result = resolve(store, boss, item.id, Action.RESTOCK)
    assert result.closed
    assert result.message == "1 unit of #1043 back to A-01-2-A; parcel void"
    assert _book_at(store, "A-01-2-A") == before_bin + 1 and _book_at(store, "PACK-1") == 0
    with store.read() as s:
        assert s.get(Parcel, parcel_id).status is ParcelStatus.VOID
        assert ledger_mismatches(s) == []
    assert open_exceptions(store, boss) == []
    with pytest.raises(DomainError, match="already closed"):
        resolve(store, boss, item.id, Action.RESTOCK)


def test_a_stopped_parcel_on_the_truck_is_taken_out_before_it_is_restocked(
    world: pw.World,
) -> None:
    store, boss = world.store, world.supervisor
    oid, _id, sscc = _pack_1043(world)
    handover.load_parcel(store, boss, "PN", sscc)
    order_admin.cancel_order(store, boss, oid, "fraud")
    # Restock used to be offered here and was always refused (the simulated day's
    # most frequent refusal): while the parcel is on the truck the exception names
    # the dock's take-out instead, and the floor day's checks take that as an
    # action a person can do.
    [item] = open_exceptions(store, boss)
    assert item.actions == ()
    assert item.elsewhere == f"Dock: take parcel {sscc} off the truck (Hand-over F8)"
    assert item.workable
    checks = {c.name: c for c in check_day(store, boss)}
    assert checks["every open exception has an action"].ok
    assert checks["no tote, station or task held by finished work"].ok  # its units: named
    before = snapshot(store)
    with pytest.raises(
        DomainError,
        match=f"^Parcel {sscc} of #1043 is on the truck: take it out at the dock first "
        r"\(Hand-over F8\)$",
    ):
        resolve(store, boss, item.id, Action.RESTOCK)
    with pytest.raises(DomainError, match="Acknowledge does not resolve"):
        resolve(store, boss, item.id, Action.ACKNOWLEDGE, note="gone")
    assert snapshot(store) == before
    assert handover.take_out(store, boss, "PN", sscc).voided
    # Stopping the parcel is done: one exception remains, for the unpacking.
    [unpack] = open_exceptions(store, boss)
    assert unpack.id != item.id and unpack.actions == (Action.RESTOCK,)
    assert unpack.elsewhere == "" and unpack.withheld == ""
    assert unpack.cause.startswith(f"Unpack parcel {sscc} of cancelled order #1043")
    result = resolve(store, boss, unpack.id, Action.RESTOCK)
    assert result.message == "1 unit of #1043 back to A-01-2-A; parcel void"
    assert open_exceptions(store, boss) == []
    with store.read() as s:
        assert ledger_mismatches(s) == []
        kinds = s.exec(select(WmsException.kind).where(WmsException.resolved_at == None)).all()  # noqa: E711
        assert kinds == []


def test_the_day_checks_name_a_stopped_parcels_units_nobody_will_restock(
    world: pw.World,
) -> None:
    """Before the restock action, acknowledging the stop-parcel exception left
    the units at the station by the ledger, and the floor day's checks said
    nothing was held."""
    from wms_tui.domain.clock import utcnow

    store, boss = world.store, world.supervisor
    held = "no tote, station or task held by finished work"
    oid, _id, _sscc = _pack_1043(world)
    order_admin.cancel_order(store, boss, oid, "fraud")
    assert {c.name: c for c in check_day(store, boss)}[held].ok  # named by its exception
    with store.unit_of_work() as uow:  # closed the way "acknowledge" used to
        for exc in uow.session.exec(select(WmsException)).all():
            exc.resolved_at = utcnow()
            uow.add(exc)
        uow.commit()
    check = {c.name: c for c in check_day(store, boss)}[held]
    assert not check.ok and check.detail == "packed units of #1043 at the station"


def test_an_order_cancelled_while_packed_leaves_no_open_parcel(world: pw.World) -> None:
    """Cancelled at the station mid-pack, the order kept an empty OPEN parcel for ever:
    lookup and the API listed a parcel that would never close."""
    from wms_tui.domain.models import Event

    store, boss = world.store, world.supervisor
    view = pw.open_1042(world)
    packing.scan(store, world.packer, view.order_id, pw.MUG_EAN)
    order_admin.cancel_order(store, boss, view.order_id, "customer changed her mind")
    with store.read() as s:
        parcels = s.exec(select(Parcel).where(Parcel.order_id == view.order_id)).all()
        assert [p.status for p in parcels] == [ParcelStatus.VOID]
        voided = s.exec(
            select(Event).where(Event.order_id == view.order_id, Event.kind == "parcel.voided")
        ).all()
        assert [e.detail for e in voided] == ["parcel 1 was being packed: order cancelled"]
        assert ledger_mismatches(s) == []
    [item] = open_exceptions(store, boss)
    assert Action.PUT_BACK in item.actions  # the scanned mug goes home from the tote
