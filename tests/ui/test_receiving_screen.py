"""The receiving screen, driven like a receiver with a scanner on a handheld."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlmodel import select
from textual.widgets import DataTable

from tests.ui.helpers import (
    SIZES,
    bell_counter,
    feedback,
    footer_keys,
    open_menu_entry,
    open_receiving,
    rows,
    shown_text,
    until,
)
from tests.ui.scanner import burst, press, scan, settle
from tests.worlds import factories as f
from tests.worlds.receiving import MUG_CASE, MUG_EAN, TEE_EAN, qty_at, snapshot
from wms_tui.domain.enums import DeliveryStatus
from wms_tui.domain.models import Delivery, Event, ProductBarcode
from wms_tui.services.core import settings
from wms_tui.services.inventory.stock import ledger_mismatches
from wms_tui.store import Store
from wms_tui.ui.app import WmsApp
from wms_tui.ui.screens.receiving import ReceivingScreen
from wms_tui.ui.screens.stock import SkuDetailScreen, StockScreen
from wms_tui.ui.widgets.dialogs import AskApproval, AskChoice, AskConfirm, AskCount, AskText
from wms_tui.ui.widgets.feedback import Feedback


@pytest.mark.parametrize("size", SIZES)
async def test_new_receiver_receives_a_delivery_then_reads_stock(
    receiving_store: Store, tmp_path: Path, size: tuple[int, int]
) -> None:
    """The acceptance walk: damaged units, a short SKU, close, then the stock screen."""
    app = WmsApp(receiving_store.url, terminal="RCV-1")
    bells: list[int] = []
    app.bell = lambda: bells.append(1)  # type: ignore[method-assign]
    async with app.run_test(size=size) as pilot:
        screen = await open_receiving(pilot)
        assert [r[0] for r in rows(screen.table)] == ["PO-1"]
        await scan(pilot, "PO-1")
        assert screen.receipt is not None and screen.receipt.reference == "PO-1"
        # TEE: three single scans, then a case keyed as 5: 8 of 10 (short 2).
        for _ in range(3):
            await scan(pilot, TEE_EAN)
        await pilot.press("f3")
        await scan(pilot, TEE_EAN)
        await until(pilot, lambda: isinstance(app.screen, AskCount), "the count question")
        await scan(pilot, "5")
        assert app.screen is screen and "TEE +5" in feedback(app)
        await pilot.press("f3")
        # MUG: one case of 6, four units, two damaged (crushed): 12 of 12.
        await scan(pilot, MUG_CASE)
        for _ in range(4):
            await scan(pilot, MUG_EAN)
        for _ in range(2):
            await pilot.press("f4")
            await scan(pilot, MUG_EAN)
            await until(pilot, lambda: isinstance(app.screen, AskChoice), "the damage question")
            await pilot.press("1")
            await until(pilot, lambda: app.screen is screen, "the receiving screen back")
        assert "QUARANTINE QUAR-1" in feedback(app)
        # PRINT has no barcode: the SKU typed by hand, 4 of 4.
        await pilot.press("f3")
        await scan(pilot, "PRINT")
        await scan(pilot, "4")
        assert "no barcode" in feedback(app)
        # An unknown barcode rings and says so, and changes nothing.
        before = snapshot(receiving_store)
        n_bells = len(bells)
        await scan(pilot, "2000000000015")
        assert "Unknown barcode 2000000000015" in feedback(app) and len(bells) == n_bells + 1
        assert snapshot(receiving_store) == before
        tee, mug = screen.receipt.line("TEE"), screen.receipt.line("MUG")
        assert (tee.expected, tee.received) == (10, 8)
        assert (mug.expected, mug.received, mug.damaged) == (12, 12, 2)
        table = {r[0].rstrip("*"): r for r in rows(screen.table)}
        assert {"TEE", "MUG", "PRINT"} <= set(table)
        if size == (40, 16):
            assert table["TEE"] == ["TEE", "10", "8", "", "-2"]
            assert table["MUG"] == ["MUG", "12", "12", "2", "✓"]
        # Close: the confirmation lists the discrepancies; Enter closes.
        await pilot.press("f5")
        await until(pilot, lambda: isinstance(app.screen, AskConfirm), "the close question")
        assert "1 short, 2 damaged" in app.screen._title
        await pilot.press("enter")
        await until(pilot, lambda: screen.closed is not None, "the receipt closed")
        assert screen.closed is not None and screen.closed.summary() == "1 short, 2 damaged"
        assert [r[0] for r in rows(screen.table)] == ["MUG", "TEE"]  # only lines with issues
        await until(pilot, lambda: "Report" in feedback(app))
        report = Path(screen.report_file)
        folder = f.store_folder(receiving_store, tmp_path / "reports")
        assert report.is_file() and report.parent == folder
        assert feedback(app) == f"✓ Report: {report.name} in reports/{folder.name}/"
        assert report.read_bytes().startswith(b"%PDF")
        # A closed delivery takes no more units.
        before = snapshot(receiving_store)
        await scan(pilot, "PO-1")
        assert "was closed" in feedback(app) and snapshot(receiving_store) == before
        # Back to the menu, and read the stock screen.
        await pilot.press("escape", "escape")
        await pilot.pause()
        await open_menu_entry(pilot, "stock")
        stock = app.screen
        assert isinstance(stock, StockScreen)
        await pilot.press(*"MUG")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, SkuDetailScreen), "the SKU's detail")
        detail = app.screen
        assert isinstance(detail, SkuDetailScreen)
        assert (detail.detail.stock.receiving, detail.detail.stock.quarantine) == (10, 2)
        bins = {b.bin: b.qty for b in detail.detail.bins}
        assert bins == {"A-01-2-A": 2, "QUAR-1": 2, "RCV-1": 10}
        await pilot.press("f4")  # history
        history = detail.query_one("#sku-moves", DataTable)
        await until(pilot, lambda: history.row_count == 8, "the SKU's history")
        moves = rows(history)
        # newest first: 2 damaged, 4 units, the case, the opening balance
        assert len(moves) == 8
        if size == (40, 16):
            assert [(m[1], m[2], m[3]) for m in moves] == [
                *[("quar", "1", "·→QUAR-1")] * 2,
                *[("in", "1", "·→RCV-1")] * 4,
                ("in", "6", "·→RCV-1"),
                ("in", "2", "·→A-01-2-A"),
            ]
        else:
            assert [(m[1], m[2], m[4]) for m in moves[:3]] == [
                ("QUARANTINED", "1", "QUAR-1"),
                ("QUARANTINED", "1", "QUAR-1"),
                ("RECEIVED", "1", "RCV-1"),
            ]
    with receiving_store.read() as s:
        d = s.exec(select(Delivery)).one()
        assert d.status == DeliveryStatus.CLOSED and d.report_file == str(report)
        assert ledger_mismatches(s) == []
    assert (
        qty_at(receiving_store, "TEE", "RCV-1") == 8
        and qty_at(receiving_store, "MUG", "QUAR-1") == 2
    )


async def test_bad_input_rings_and_changes_nothing(receiving_store: Store) -> None:
    with receiving_store.unit_of_work() as uow:
        settings.put(uow.session, "receiving_sanity_limit", "10")
        uow.commit()
    app = WmsApp(receiving_store.url, terminal="RCV-1")
    bells: list[int] = []
    app.bell = lambda: bells.append(1)  # type: ignore[method-assign]
    async with app.run_test(size=(40, 16)) as pilot:
        screen = await open_receiving(pilot)
        before = snapshot(receiving_store)
        await scan(pilot, "PO-404")
        assert "No delivery PO-404" in feedback(app)
        await scan(pilot, "PO-1")
        await pilot.press("f5")  # nothing received yet
        await pilot.pause()
        assert "Nothing received on PO-1" in feedback(app)
        await pilot.press("enter")  # an empty scan
        assert "Scan an item" in feedback(app)
        await pilot.press("f3")
        await scan(pilot, TEE_EAN)
        for bad, message in (("0", "at least 1"), ("-4", "at least 1"), ("x", "whole number")):
            await scan(pilot, bad)
            assert isinstance(app.screen, AskCount)
            assert message in app.screen.query_one("#dlg-fb", Feedback).text
        # 11 is above the sanity limit of 10: asked, refused.
        await scan(pilot, "11")
        await pilot.pause()
        assert isinstance(app.screen, AskConfirm)
        await pilot.press("n")
        await pilot.pause()
        assert app.screen is screen and "Not received" in feedback(app)
        assert snapshot(receiving_store) == before
        assert len(bells) == 7
        # A double Enter after the count is no yes: 99,999,999 units went in that way.
        await scan(pilot, TEE_EAN)
        await scan(pilot, "11")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, AskConfirm) and snapshot(receiving_store) == before
        await pilot.press("escape")
        await pilot.pause()
        # ... asked again and confirmed.
        await scan(pilot, TEE_EAN)
        await scan(pilot, "11")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert "TEE +11" in feedback(app)
    assert qty_at(receiving_store, "TEE", "RCV-1") == 11


async def test_supervisor_links_an_unknown_barcode_at_the_handheld(receiving_store: Store) -> None:
    app = WmsApp(receiving_store.url, terminal="RCV-1")
    async with app.run_test(size=(40, 16)) as pilot:
        screen = await open_receiving(pilot)
        await scan(pilot, "PO-1")
        await scan(pilot, "2000000000015")
        assert screen.last_unknown == "2000000000015"
        await pilot.press("f6")
        await pilot.pause()
        assert isinstance(app.screen, AskText)
        await scan(pilot, "NOPE")
        assert "Unknown SKU NOPE" in app.screen.query_one("#dlg-fb", Feedback).text
        await scan(pilot, "PRINT")
        dialog = app.screen
        assert isinstance(dialog, AskApproval)  # the supervisor's badge, then PIN
        await scan(pilot, "R3001")  # a receiver's badge is not enough: the dialog stays
        assert app.screen is dialog
        assert "not a supervisor" in dialog.query_one("#dlg-fb", Feedback).text
        await scan(pilot, "S9001")
        assert app.screen is dialog and "PIN" in dialog.query_one("#dlg-fb", Feedback).text
        await scan(pilot, "1111")  # a wrong PIN: refused, the dialog stays
        assert "Wrong PIN" in dialog.query_one("#dlg-fb", Feedback).text
        await scan(pilot, f.SUPERVISOR_PIN)
        assert app.screen is screen and "Karin Holmgren" in feedback(app)
        await scan(pilot, "2000000000015")
        assert "PRINT +1" in feedback(app)
    with receiving_store.read() as s:
        bc = s.exec(select(ProductBarcode).where(ProductBarcode.code == "2000000000015")).one()
        assert bc.pack_qty == 1
        assert s.exec(select(Event).where(Event.kind == "barcode.linked")).one().operator_name == (
            "Karin Holmgren"
        )


@pytest.mark.parametrize("size", SIZES)
async def test_a_code_too_long_for_a_barcode_is_not_offered_for_linking(
    receiving_store: Store, size
) -> None:
    """10,000 characters scanned: F6 was offered, its dialog's title (the whole code)
    filled the handheld and pushed its field off screen, and the SKU and a supervisor's
    PIN were asked for before the link was refused as too long."""
    app = WmsApp(receiving_store.url, terminal="RCV-1")
    async with app.run_test(size=size) as pilot:
        screen = await open_receiving(pilot)
        await scan(pilot, "PO-1")
        before = snapshot(receiving_store)
        await scan(pilot, "A" * 10_000)
        said = feedback(app)
        assert "too long (at most 32 characters)" in said and "F6" not in said, said
        assert screen.last_unknown is None
        if not screen.wide:  # wide, F6 is always there (to link a code scanned next)
            assert "f6" not in footer_keys(app)
        await scan(pilot, "2" * 33)  # one over
        assert "too long" in feedback(app) and screen.last_unknown is None
        await scan(pilot, "2" * 32)  # the longest that fits: offered, its title whole
        assert screen.last_unknown == "2" * 32
        await pilot.press("f6")
        await pilot.pause()
        assert isinstance(app.screen, AskText)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen and snapshot(receiving_store) == before


@pytest.mark.parametrize("size", SIZES)
async def test_blind_receipt_and_sku_labels(receiving_store: Store, tmp_path: Path, size) -> None:
    app = WmsApp(receiving_store.url, terminal="RCV-2")
    async with app.run_test(size=size) as pilot:
        screen = await open_receiving(pilot)
        await press(pilot, "f2")
        await until(pilot, lambda: screen.receipt is not None and screen.receipt.blind)
        bells = bell_counter(app)
        await scan(pilot, "PRINT")
        await until(pilot, lambda: "PRINT" in feedback(app), "the bin taken")
        await scan(pilot, TEE_EAN)
        await until(pilot, lambda: "TEE +1" in feedback(app), "the scan answered")
        # A blind receipt expected nothing: a good scan is no surprise, no bell, no "/0".
        assert "TEE +1 → RCV-2 (1)" in feedback(app) and "NOT EXPECTED" not in feedback(app)
        assert bells == []
        assert qty_at(receiving_store, "PRINT", "RCV-2") == 1
        await press(pilot, "f8")
        await until(pilot, lambda: isinstance(app.screen, AskChoice), "the label choice")
        await pilot.press("2")  # roll
        await until(pilot, lambda: "in labels/" in feedback(app))
        labels = f.store_folder(receiving_store, tmp_path / "labels")
        (pdf,) = labels.glob("*.pdf")
        assert f"1 label in labels/{labels.name}/:\n{pdf.name}" in feedback(app)
        # On the screen, not only in the text: the folder and the whole file name are in
        # the rows the feedback has (its file name was cut on both sizes).
        shown = shown_text(screen.feedback)
        assert f"labels/{labels.name}/" in shown.replace("\n", "")
        assert pdf.name in shown.replace("\n", "")
        # Scanning another delivery's reference while receiving switches to it.
        blind = screen.receipt.reference
        await scan(pilot, "PO-1")
        await until(pilot, lambda: screen.receipt.reference == "PO-1", "the switch")
        assert f"Now receiving PO-1 ({blind} stays open)" in feedback(app)
    [pdf] = f.store_folder(receiving_store, tmp_path / "labels").glob("*.pdf")
    assert "roll" in pdf.name and pdf.read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize("size", SIZES)
async def test_a_count_keyed_as_a_scan_is_not_offered_as_a_barcode(
    receiving_store: Store, size
) -> None:
    """ "Unknown barcode 700: F6 to link it" offered to make 700 a product's barcode."""
    app = WmsApp(receiving_store.url, terminal="RCV-1")
    async with app.run_test(size=size) as pilot:
        screen = await open_receiving(pilot)
        await scan(pilot, "PO-1")
        before = snapshot(receiving_store)
        for mode in ("", "f3"):  # one unit a scan, then count mode
            if mode:
                await press(pilot, mode)
            await scan(pilot, "700")
            await settle(pilot)  # the answer, not a pause's guess (flaky under load)
            assert feedback(app) == "✗ 700 is no barcode: scan the item, then F3 to key a count"
            assert screen.last_unknown is None
            assert screen.wide or not screen.check_action("link", ())  # F6 not offered
        assert snapshot(receiving_store) == before
        await scan(pilot, "2000000000015")  # a barcode nobody knows is still offered F6
        await settle(pilot)
        assert "F6 to link it" in feedback(app) and screen.last_unknown == "2000000000015"


@pytest.mark.parametrize("size", SIZES)
async def test_a_count_typed_right_after_the_scan_goes_into_the_count(
    receiving_store: Store, size
) -> None:
    """Count mode: the receiver scans and keys the count at once (one read over SSH).
    The digits came before the count question was up: they went into the scan field and
    its Enter to the question ("Key a count"); the digits stayed and spoilt the next scan."""
    app = WmsApp(receiving_store.url, terminal="RCV-1")
    async with app.run_test(size=size) as pilot:
        screen = await open_receiving(pilot)
        await scan(pilot, "PO-1")
        await press(pilot, "f3")
        burst(app, [*TEE_EAN, "enter", "5", "enter"])
        await until(pilot, lambda: "TEE +5" in feedback(app), "5 received")
        assert app.screen is screen and screen.scan_field.value == ""
        assert qty_at(receiving_store, "TEE", "RCV-1") == 5
        # A code the count question never comes for gives the keys back at once.
        burst(app, [*"2000000000015", "enter", *"PO-1"])
        await until(pilot, lambda: "Unknown barcode 2000000000015" in feedback(app), "refusal")
        await until(pilot, lambda: screen.scan_field.value == "PO-1", "the keys after it")


async def test_closing_a_blind_receipt_claims_no_comparison(receiving_store: Store) -> None:
    """It said "Everything arrived as expected" of a delivery nobody expected anything of."""
    app = WmsApp(receiving_store.url, terminal="RCV-2")
    async with app.run_test(size=(40, 16)) as pilot:
        screen = await open_receiving(pilot)
        await pilot.press("f2")
        await pilot.pause()
        await scan(pilot, TEE_EAN)
        await scan(pilot, TEE_EAN)
        await pilot.press("f5")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, AskConfirm)
        said = " ".join([dialog._title, *dialog._body])
        assert "arrived as expected" not in said and "no discrepancies" not in said
        assert "blind: 2 units of 1 product counted" in said
        assert "nothing was expected" in said
        await pilot.press("enter")
        await pilot.pause()
        assert screen.closed is not None and "expected" not in feedback(app)


@pytest.mark.parametrize("size", SIZES)
async def test_an_over_long_sku_is_named_and_the_other_labels_print(
    receiving_store: Store, tmp_path: Path, size
) -> None:
    long_sku = "TS-ORG-BLK-XL-2026"  # fits a sheet label's barcode, not a 62 mm roll's
    with receiving_store.unit_of_work() as uow:
        f.product(uow, long_sku, name="Organic Cotton Tee")
        uow.commit()
    app = WmsApp(receiving_store.url, terminal="RCV-2")
    async with app.run_test(size=size) as pilot:
        await open_receiving(pilot)
        await pilot.press("f2")
        await pilot.pause()
        await scan(pilot, "PRINT")
        await scan(pilot, long_sku)
        assert f"{long_sku} +1" in feedback(app)
        await press(pilot, "f8")
        await until(pilot, lambda: isinstance(app.screen, AskChoice), "the label choice")
        await pilot.press("2")  # roll
        await until(pilot, lambda: "Not printed" in feedback(app))
        said = feedback(app)
        # The SKU left out first (a handheld shows three lines), then what did print.
        assert said.startswith(
            f"✗ Not printed: SKU {long_sku} is too long for a roll label barcode: "
            "print a sheet instead · 1 label in labels/"
        )
        assert app.screen.query(Feedback).first().has_class("error")
    (pdf,) = f.store_folder(receiving_store, tmp_path / "labels").glob("*.pdf")
    assert "roll" in pdf.name


def head(screen: ReceivingScreen) -> str:
    return str(screen.query_one("#rcv-head").render())


@pytest.mark.parametrize("size", SIZES)
async def test_count_and_damaged_modes_end_with_their_delivery(
    receiving_store: Store, size
) -> None:
    """F3/F4 were switched on for one delivery: the next one starts with plain scans."""
    app = WmsApp(receiving_store.url, terminal="RCV-1")
    async with app.run_test(size=size) as pilot:
        screen = await open_receiving(pilot)
        # Switched on in a blind receipt, then another delivery's reference is scanned.
        await pilot.press("f2")
        await pilot.pause()
        blind = screen.receipt.reference
        await pilot.press("f3")
        await pilot.press("f4")
        assert "DAMAGED next" in head(screen)
        await scan(pilot, "PO-1")
        assert screen.receipt.reference == "PO-1"
        assert f"Now receiving PO-1 ({blind} stays open)" in feedback(app)
        assert not screen.count_mode and not screen.damaged_next
        assert "COUNT" not in head(screen) and "DAMAGED" not in head(screen)
        await scan(pilot, TEE_EAN)  # one unit, no question asked
        assert app.screen is screen and "TEE +1 → RCV-1" in feedback(app)
        # Switched on, then the delivery is closed: the next one starts plain too.
        await pilot.press("f3")
        await pilot.press("f4")
        await pilot.press("f5")
        await pilot.pause()
        assert isinstance(app.screen, AskConfirm)
        await pilot.press("enter")
        await pilot.pause()
        assert screen.closed is not None
        assert not screen.count_mode and not screen.damaged_next
        await until(pilot, lambda: "Report" in feedback(app))
        await pilot.press("f2")
        await pilot.pause()
        assert screen.receipt.blind and screen.closed is None
        assert "COUNT" not in head(screen) and "DAMAGED" not in head(screen)
        await scan(pilot, "PRINT")
        assert app.screen is screen and "PRINT +1 → RCV-1" in feedback(app)
        await until(pilot, lambda: "Report" in feedback(app) or "PRINT" in feedback(app))


@pytest.mark.parametrize("size", SIZES)
async def test_f9_undoes_the_last_scan(receiving_store: Store, size) -> None:
    app = WmsApp(receiving_store.url, terminal="RCV-1")
    async with app.run_test(size=size) as pilot:
        screen = await open_receiving(pilot)
        await scan(pilot, "PO-1")
        await scan(pilot, TEE_EAN)
        await scan(pilot, TEE_EAN)
        assert screen.receipt is not None and screen.receipt.line("TEE").received == 2
        await pilot.press("f9")
        await pilot.pause()
        assert screen.receipt.line("TEE").received == 1
        assert feedback(app) == "✓ Undone: 1 × TEE taken off PO-1"
        head = str(screen.query_one("#rcv-head").render())
        assert "1/26 units" in head  # the header is the sum of the lines
        await pilot.press("f9", "f9")
        await pilot.pause()
        assert "Nothing scanned on PO-1 at RCV-1 to undo" in feedback(app)
    assert qty_at(receiving_store, "TEE", "RCV-1") == 0


@pytest.mark.parametrize("size", SIZES)
async def test_another_terminals_counts_show_up(receiving_store: Store, size, monkeypatch) -> None:
    """Two receivers on one delivery: this screen shows the other's scans too, at its
    next scan or at the first refresh once its own scans have paused."""
    from wms_tui.domain.actor import Actor
    from wms_tui.domain.models import Operator
    from wms_tui.services.receiving import receipt as rcv
    from wms_tui.ui.screens import receiving as screen_module

    with receiving_store.read() as s:
        op = s.exec(select(Operator).where(Operator.badge == "R3001")).one()
        other = Actor(op.id, op.name, op.role_set, "RCV-2")
    app = WmsApp(receiving_store.url, terminal="RCV-1")
    async with app.run_test(size=size) as pilot:
        screen = await open_receiving(pilot)
        # Each scan's write runs in a worker: settle waits for it (read one pause
        # after the scan, the count was still 1 at load 17).
        await scan(pilot, "PO-1")
        await settle(pilot)
        await scan(pilot, TEE_EAN)
        await settle(pilot)
        rcv.receive_scan(receiving_store, other, "PO-1", TEE_EAN, count=2)
        await scan(pilot, TEE_EAN)  # this terminal's next scan brings the other's two
        await settle(pilot)
        assert screen.receipt is not None and screen.receipt.line("TEE").received == 4
        rcv.receive_scan(receiving_store, other, "PO-1", TEE_EAN, count=1)
        screen.refresh_counts()  # just answered a scan: no read between two scans
        await settle(pilot)
        assert screen.receipt.line("TEE").received == 4
        later = screen_module.monotonic() + screen.QUIET_SECONDS
        monkeypatch.setattr(screen_module, "monotonic", lambda: later)
        screen.refresh_counts()  # what its timer does every few seconds
        await settle(pilot)
        assert screen.receipt is not None and screen.receipt.line("TEE").received == 5
        tee = next(r for r in rows(screen.table) if r[0].rstrip("*") == "TEE")
        assert "5" in tee
        assert "5/26 units" in str(screen.query_one("#rcv-head").render())


@pytest.mark.parametrize("size", SIZES)
async def test_the_delivery_list_keeps_the_whole_reference(receiving_store: Store, size) -> None:
    """At 120 columns the wide list cut BLIND-20261207-001 to its first 14 characters."""
    from wms_tui.domain.actor import Actor
    from wms_tui.domain.models import Operator
    from wms_tui.services.receiving import receipt as rcv

    with receiving_store.read() as s:
        op = s.exec(select(Operator).where(Operator.badge == "R3001")).one()
        who = Actor(op.id, op.name, op.role_set, "RCV-2")
    blind = rcv.start_blind_receipt(
        receiving_store, who
    ).reference  # BLIND-YYYYMMDD-001: 18 characters
    app = WmsApp(receiving_store.url, terminal="RCV-1")
    async with app.run_test(size=size) as pilot:
        screen = await open_receiving(pilot)
        table = screen.table
        assert {r[0] for r in rows(table)} == {"PO-1", blind}
        ref_column = table.ordered_columns[0]
        assert ref_column.width >= len(blind)
        total = sum(c.get_render_width(table) for c in table.ordered_columns)
        assert total <= table.region.width <= size[0]


@pytest.mark.parametrize("size", SIZES)
async def test_a_big_count_is_refused_or_shown_whole_never_cut_silently(
    receiving_store: Store, size: tuple[int, int]
) -> None:
    """100000010 keyed for 10 went in after a "sure?" and read "100" in the table."""
    app = WmsApp(receiving_store.url, terminal="RCV-1")
    async with app.run_test(size=size) as pilot:
        screen = await open_receiving(pilot)
        await scan(pilot, "PO-1")
        before = snapshot(receiving_store)
        await pilot.press("f3")
        await scan(pilot, TEE_EAN)
        await scan(pilot, "100000010")
        assert isinstance(app.screen, AskCount)
        assert (
            app.screen.query_one("#dlg-fb", Feedback).text
            == "✗ Count must be at most 1,000,000 (got 100,000,010)"
        )
        assert snapshot(receiving_store) == before
        await scan(pilot, "1000000")
        await pilot.pause()
        assert isinstance(app.screen, AskConfirm)
        await pilot.press("y")
        await until(pilot, lambda: "TEE +1000000" in feedback(app), "the count")
        # Too wide for the Rcv column at either size: the cut shows.
        tee = next(line for line in shown_text(screen.table).splitlines() if "TEE" in line)
        assert re.search(r"\b10{1,2}… ", tee), tee


async def test_the_scan_log_draws_only_the_lines_it_has_rows_for(receiving_store: Store) -> None:
    """Every note pushes the log down a line, so all of it is drawn again: only the
    newest lines its rows show are kept in it, and a taller screen shows more."""
    app = WmsApp(receiving_store.url, terminal="RCV-1")
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await open_receiving(pilot)
        for i in range(40):
            screen.note(f"note {i}")
        await pilot.pause()
        log = screen.query_one("#rcv-log")
        rows_shown = log.size.height
        said = str(log.render()).splitlines()
        assert 5 < rows_shown < 40 and len(said) == rows_shown
        assert said[0].endswith("note 39") and said[-1].endswith(f"note {40 - rows_shown}")
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        await pilot.pause()
        assert len(str(log.render()).splitlines()) == log.size.height > rows_shown


async def test_a_scan_refreshes_the_keys_only_when_what_they_allow_changed(
    receiving_store: Store,
) -> None:
    app = WmsApp(receiving_store.url, terminal="RCV-1")
    async with app.run_test(size=(40, 16)) as pilot:
        screen = await open_receiving(pilot)
        await scan(pilot, "PO-1")
        await scan(pilot, TEE_EAN)
        refreshed: list[int] = []
        real = screen.refresh_bindings
        screen.refresh_bindings = lambda: (refreshed.append(1), real())[1]  # type: ignore[method-assign]
        await scan(pilot, TEE_EAN)
        assert "TEE +1" in feedback(app) and refreshed == []
        await scan(pilot, "999999")  # unknown: F6 links it
        assert refreshed == [1] and "f6" in footer_keys(app)
