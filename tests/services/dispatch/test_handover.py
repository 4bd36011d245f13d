"""Hand-over at the dock: loading parcels, refusing the wrong ones, taking them out."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import select

from tests.worlds.dispatch import DAY, NOW, Dock, build_dock
from wms_tui.domain.enums import ExceptionKind, ParcelStatus
from wms_tui.domain.errors import DomainError, NotFound, PermissionDenied
from wms_tui.domain.models import Event, Manifest, WmsException
from wms_tui.services.dispatch import handover
from wms_tui.services.dispatch.dock import status_for
from wms_tui.store import Store


@pytest.fixture
def dock(empty_store: Store, tmp_path: Path) -> Dock:
    return build_dock(empty_store, tmp_path)


def test_parcel_code_accepts_gs1_forms() -> None:
    sscc = "073500530000012349"
    assert handover.parcel_code(sscc) == sscc
    assert handover.parcel_code("00" + sscc) == sscc
    assert handover.parcel_code("]C100" + sscc + "\r") == sscc
    assert handover.parcel_code("(00) 0 7350053 000001234 9") == sscc
    assert handover.parcel_code(" rr123456785se ") == "RR123456785SE"


def test_loading_a_parcel_records_who_when_where(dock: Dock) -> None:
    r = handover.load_parcel(dock.store, dock.packer, "pn", dock.sscc["#1"])
    assert r.manifest_number == "PN-20260310"
    assert (r.loaded, r.waiting, r.order_complete) == (1, 2, True)
    assert r.parcel.label == "#1 1/1"
    p = dock.parcel(dock.sscc["#1"])
    assert p.status == ParcelStatus.LOADED
    assert (p.loaded_at, p.loaded_by_id) == (NOW, dock.packer.operator_id)
    with dock.store.read() as s:
        m = s.exec(select(Manifest)).one()
        assert (m.day, str(m.status), p.manifest_id) == (DAY, "OPEN", m.id)
        ev = s.exec(select(Event).where(Event.kind == "parcel.loaded")).one()
        assert (ev.operator_name, ev.terminal, ev.order_name) == ("Johan Öberg", "TEST", "#1")
        assert dock.sscc["#1"] in ev.detail and "PN-20260310" in ev.detail


def test_scanner_forms_and_tracking_numbers_load(dock: Dock) -> None:
    r1 = handover.load_parcel(dock.store, dock.packer, "PN", "00" + dock.sscc["#2"])
    assert r1.order_complete is False  # parcel 2 of 2 still waiting
    r2 = handover.load_parcel(dock.store, dock.boss, "PN", dock.tracking["#2/2"].lower())
    assert r2.order_complete is True and r2.loaded == 2


BAD_SCANS = [
    # (who, carrier, parcel or code, error, message)
    ("packer", "PN", "#1", DomainError, "already loaded at 14:00 by Johan Öberg"),
    ("packer", "DHL", "#1", DomainError, "is for PN Carrier, not DHL Carrier"),
    ("packer", "PN", "#3", DomainError, "is for DHL Carrier, not PN Carrier"),
    ("packer", "PN", "#4", DomainError, "Order #4 was cancelled after packing — take parcel"),
    ("packer", "PN", "#5", DomainError, "still open at the pack station"),
    ("packer", "PN", "999999999999999999", NotFound, "No parcel 999999999999999999"),
    ("packer", "PN", "", DomainError, "Scan a parcel label"),
    ("packer", "XX", "#2", NotFound, "Unknown carrier 'XX': use one of DHL, PN"),
    ("picker", "PN", "#2", PermissionDenied, "Ana Lindqvist may not load parcels"),
]


def test_bad_scans_change_nothing(dock: Dock) -> None:
    handover.load_parcel(dock.store, dock.packer, "PN", dock.sscc["#1"])
    before = dock.state()
    for who, carrier, code, error, message in BAD_SCANS:
        actor = getattr(dock, who)
        with pytest.raises(error) as exc:
            handover.load_parcel(dock.store, actor, carrier, dock.sscc.get(code, code))
        assert message in str(exc.value), (code, str(exc.value))
        assert "\n" not in str(exc.value)
        assert dock.state() == before, code


def test_cancelled_message_names_order_and_parcel(dock: Dock) -> None:
    with pytest.raises(DomainError) as exc:
        handover.load_parcel(dock.store, dock.packer, "PN", dock.sscc["#4"])
    assert str(exc.value) == (
        f"Order #4 was cancelled after packing — take parcel {dock.sscc['#4']} out"
    )


def test_take_out_puts_a_loaded_parcel_back(dock: Dock) -> None:
    handover.load_parcel(dock.store, dock.packer, "PN", dock.sscc["#1"])
    r = handover.take_out(dock.store, dock.packer, "PN", dock.sscc["#1"])
    assert not r.voided
    p = dock.parcel(dock.sscc["#1"])
    assert (p.status, p.manifest_id, p.loaded_at) == (ParcelStatus.CLOSED, None, None)
    # and it can be loaded again
    handover.load_parcel(dock.store, dock.packer, "PN", dock.sscc["#1"])


def test_take_out_voids_a_cancelled_orders_parcel_and_raises_an_exception(dock: Dock) -> None:
    r = handover.take_out(dock.store, dock.boss, "PN", dock.sscc["#4"])
    assert r.voided
    assert dock.parcel(dock.sscc["#4"]).status == ParcelStatus.VOID
    with dock.store.read() as s:
        exc = s.exec(select(WmsException)).one()
        assert exc.kind == ExceptionKind.CANCELLED_AFTER_PACK
        assert exc.operator_name == "Karin Holmgren" and "restock" in exc.message
    assert status_for(dock.store, "PN").pull == []


def test_take_out_of_a_parcel_not_on_the_truck_is_refused(dock: Dock) -> None:
    before = dock.state()
    with pytest.raises(DomainError, match="is not on the truck"):
        handover.take_out(dock.store, dock.packer, "PN", dock.sscc["#1"])
    assert dock.state() == before
