"""Put-away, stock and cycle-count screens, driven with a scanner and the keyboard."""

from __future__ import annotations

import pytest
from sqlmodel import select
from textual import events
from textual.widgets import DataTable, Static

from tests.ui.helpers import (
    SIZES,
    feedback,
    footer_keys,
    open_menu_entry,
    rows,
    shown_text,
    sign_in,
    until,
)
from tests.ui.scanner import burst, press, scan, settle
from tests.worlds import factories as f
from tests.worlds.receiving import TEE_EAN, build, qty_at, snapshot
from wms_tui.domain.enums import OrderStatus
from wms_tui.domain.models import Location, Order, Product
from wms_tui.services.core import badges
from wms_tui.services.inventory.allocation import allocate_order
from wms_tui.services.receiving import receipt as receiving
from wms_tui.store import Store
from wms_tui.ui.app import WmsApp
from wms_tui.ui.screens.cycle_count import CycleCountScreen
from wms_tui.ui.screens.putaway import PutawayScreen
from wms_tui.ui.screens.stock import RowHistoryScreen, SkuDetailScreen, StockScreen
from wms_tui.ui.widgets.dialogs import AskChoice, AskConfirm, AskCount
from wms_tui.ui.widgets.feedback import Feedback


@pytest.fixture
def store(sqlite_store: Store) -> Store:
    world = build(sqlite_store)
    with sqlite_store.unit_of_work() as uow:
        s = uow.session
        prt = s.exec(select(Product).where(Product.sku == "PRINT")).one()
        o = f.order(uow, "#1042", [(prt, 3)])
        allocate_order(uow, o)
        assert o.status is OrderStatus.BACKORDERED
        loc = s.exec(select(Location).where(Location.code == "A-01-2-A")).one()
        loc.cycle_count_flag, loc.cycle_count_reason = True, "short pick #1001"
        uow.add(loc)
        uow.commit()
    receiving.receive_scan(sqlite_store, world.receiver, "PO-1", "PRINT", count=4)
    receiving.receive_scan(sqlite_store, world.receiver, "PO-1", TEE_EAN, count=3)
    return sqlite_store


@pytest.mark.parametrize("size", SIZES)
async def test_put_away_releases_the_backordered_order(store: Store, size) -> None:
    app = WmsApp(store.url, terminal="RCV-1")
    async with app.run_test(size=size) as pilot:
        await sign_in(pilot, "R3001")
        await open_menu_entry(pilot, "putaway")
        screen = app.screen
        assert isinstance(screen, PutawayScreen)
        assert [ln.sku for ln in screen.lines] == ["PRINT", "TEE"]
        if size == (120, 40):  # the side panel: who waits for the highlighted SKU
            await pilot.pause()
            side = str(screen.query_one("#pa-side").render())
            assert "PRINT" in side and "Backordered, waiting for it" in side and "#1042" in side
        # Arrow to TEE, Enter takes the highlighted line; the bin holding TEE is suggested.
        await pilot.press("down")
        await scan(pilot, "")
        assert screen.current is not None and screen.current.sku == "TEE"
        assert screen.current.suggestion.bin == "A-01-1-A"
        before = snapshot(store)
        for bad, message in (
            ("QUAR-1", "QUAR-1 is a quarantine location"),
            ("A-01-2-A", "A-01-2-A holds MUG"),
            ("NOWHERE", "Unknown bin NOWHERE"),
        ):
            await scan(pilot, bad)
            assert message in feedback(app)
        assert snapshot(store) == before
        # F3 keys a smaller quantity; more than is waiting is refused.
        await pilot.press("f3")
        await pilot.pause()
        assert isinstance(app.screen, AskCount)
        await scan(pilot, "4")
        assert "Only 3 of TEE waiting" in app.screen.query_one("#dlg-fb").text
        await scan(pilot, "2")
        # The line says the count keyed, not the one suggested before it ("Take 3").
        await until(pilot, lambda: "Take 2 to A-01-1-A" in feedback(app), "the keyed count")
        await scan(pilot, "A-01-1-A")
        assert "2 TEE → A-01-1-A" in feedback(app)
        # PRINT by scanning its SKU, into its suggested empty pick bin.
        await scan(pilot, "PRINT")
        assert screen.current.suggestion.bin == "B-01-1-A"
        await scan(pilot, "B-01-1-A")
        assert "released #1042" in feedback(app)
        assert [(ln.sku, ln.qty) for ln in screen.lines] == [("TEE", 1)]
    with store.read() as s:
        order = s.exec(select(Order).where(Order.name == "#1042")).one()
        assert order.status is OrderStatus.READY_TO_PICK
    assert qty_at(store, "PRINT", "B-01-1-A") == 4 and qty_at(store, "TEE", "RCV-1") == 1


async def test_a_blind_receipts_reference_is_shown_whole_at_the_station(store: Store) -> None:
    """At 120 columns the Delivery column cut "BLIND-20261207-001" to "BLIND-20261…"."""
    with store.read() as s:
        receiver = badges.actor_for(badges.find_operator(s, "R3001"), "RCV-1")
    blind = receiving.start_blind_receipt(store, receiver).reference
    receiving.receive_scan(store, receiver, blind, TEE_EAN)
    app = WmsApp(store.url, terminal="RCV-1")
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, "R3001")
        await open_menu_entry(pilot, "putaway")
        screen = app.screen
        table = screen.query_one("#pa-table", DataTable)
        await pilot.pause()
        drawn = [table.render_line(y).text for y in range(table.size.height)]
        assert any(row.split()[:2] == [blind, "TEE"] for row in drawn), drawn
        # Opened for one delivery, the head names it and the rows leave it out.
        screen.dismiss()
        app.push_screen(PutawayScreen(reference=blind))
        await pilot.pause()
        screen = app.screen
        assert f"from {blind}" in str(screen.query_one("#pa-head", Static).render())
        labels = [str(c.label) for c in screen.query_one("#pa-table", DataTable).columns.values()]
        assert labels == ["SKU", "Name", "Qty", "Bin", "Why"]


async def test_put_away_title_is_the_menu_entry(store: Store) -> None:
    """The bar says what the menu said: "Put away", not "Putaway"."""
    app = WmsApp(store.url, terminal="RCV-1")
    async with app.run_test(size=(40, 16)) as pilot:
        await sign_in(pilot, "R3001")
        label = next(e.label for e in app.screen.entries if e.screen == "PutawayScreen")
        await open_menu_entry(pilot, "putaway")
        assert str(app.screen.query_one("#bar-title", Static).render()) == label == "Put away"


@pytest.mark.parametrize("size", SIZES)
async def test_stock_screen_filters_and_detail(store: Store, size) -> None:
    app = WmsApp(store.url, terminal="HH-2")
    async with app.run_test(size=size) as pilot:
        await sign_in(pilot, "P1001")  # a picker may read stock
        await open_menu_entry(pilot, "stock")
        screen = app.screen
        assert isinstance(screen, StockScreen)
        assert [r.sku for r in screen.sku_rows] == ["MUG", "PRINT", "TEE"]
        await press(pilot, "f3")  # zone A
        assert screen.zone == "A" and [r.sku for r in screen.sku_rows] == ["MUG", "TEE"]
        await press(pilot, "f3", "f3", "f3")  # B, R, all
        assert screen.zone == ""
        await press(pilot, "f2")  # by bin
        assert [b.bin for b in screen.bin_rows] == ["A-01-1-A", "A-01-2-A", "RCV-1", "RCV-1"]
        flagged = [r for r in rows(screen.table) if "A-01-2-A" in r[0]]
        assert flagged and ("!" in flagged[0][0] or "flagged" in flagged[0])
        await press(pilot, "f5", "f5", "f5")  # status: available, allocated, quarantine
        status = str(screen.query_one("#stk-status").render())
        assert screen.bin_rows == [] and status.startswith(("QUARANTINE", "QUAR"))
        assert len(status) <= size[0] - 2  # the whole line fits, on a handheld too
        await press(pilot, "f2")  # by SKU, still quarantine: its count is a column
        headers = [str(c.label) for c in screen.table.ordered_columns]
        assert ("Quar" in headers) or ("QUAR" in headers)
        await press(pilot, "f5")  # any status
        await scan(pilot, "nothing-like-this")
        assert "No SKU, name or barcode matches 'nothing-like-this'" in feedback(app)
        await scan(pilot, TEE_EAN)  # a scanned barcode opens the SKU
        detail = app.screen
        assert isinstance(detail, SkuDetailScreen)
        assert detail.detail.stock.sku == "TEE" and detail.detail.stock.receiving == 3
        for key, section in (("f3", "orders"), ("f4", "moves"), ("f2", "bins")):
            await press(pilot, key)
            assert detail.query_one(f"#sku-{section}", DataTable).display
        await press(pilot, "escape")
        assert app.screen is screen
        screen.query_one("#stk-filter").value = ""
        await press(pilot, "f4")  # level: low
        await pilot.pause(0.3)
        assert screen.level == "low"
        await press(pilot, "f4")  # level: zero (nothing in storage)
        assert screen.level == "zero"


@pytest.mark.parametrize("size", SIZES)
async def test_stock_screen_status_filter_and_row_history(store: Store, size) -> None:
    app = WmsApp(store.url, terminal="RCV-1")
    async with app.run_test(size=size) as pilot:
        await sign_in(pilot, "R3001")  # a receiver's menu has it
        await open_menu_entry(pilot, "stock")
        screen = app.screen
        assert isinstance(screen, StockScreen)
        await pilot.press("f5")  # available: TEE 5 in A-01-1-A, MUG 2 in A-01-2-A
        assert screen.status == "available"
        assert [r.sku for r in screen.sku_rows] == ["MUG", "TEE"]
        await pilot.press("f5")  # allocated: nothing is
        assert screen.status == "allocated" and screen.sku_rows == []
        await pilot.press("f5", "f5")  # quarantine, then any again
        assert screen.status is None
        screen.table.move_cursor(row=2)  # TEE
        await pilot.press("f6")
        await pilot.pause()
        history = app.screen
        assert isinstance(history, RowHistoryScreen) and history.history.sku == "TEE"
        whats = [e.what for e in history.history.entries]
        assert whats == ["RECEIVED", "RECEIVED"]  # 3 into RCV-1, then the opening 5
        assert history.query_one("#hist-table", DataTable).row_count == 2
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen
        await pilot.press("f2")  # by bin: the row's history is that bin's
        screen.table.move_cursor(row=0)  # A-01-1-A TEE
        await pilot.press("f6")
        await pilot.pause()
        assert app.screen.history.bin == "A-01-1-A"
        assert [e.qty for e in app.screen.history.entries] == [5]


@pytest.mark.parametrize("size", SIZES)
async def test_stock_screen_refuses_bad_filters_in_one_line(store: Store, size) -> None:
    app = WmsApp(store.url, terminal="HH-1")
    async with app.run_test(size=size) as pilot:
        await sign_in(pilot, "S9001")
        await open_menu_entry(pilot, "stock")
        screen = app.screen
        before = snapshot(store)
        field = screen.query_one("#stk-filter")
        for typed, said in (
            ("²", "No SKU, name or barcode matches '²'"),
            ("TE\x00E", "The SKU filter holds a control character: 'TE\\x00E'"),
            ("X" * 10_000, "The SKU filter is 10000 characters long; at most 64"),
            # As markup "[/]" killed the app and "[red]x" read "x".
            ("[/]", "No SKU, name or barcode matches '[/]'"),
            ("[red]x", "No SKU, name or barcode matches '[red]x'"),
        ):
            field.value = typed
            await pilot.press("enter")
            await pilot.pause()
            shown = feedback(app)
            assert shown.startswith(f"✗ {said}") and "\n" not in shown, shown
            drawn = " ".join(shown_text(screen.query_one(Feedback)).split())
            assert drawn.startswith(f"✗ {said}"), drawn
            assert app.screen is screen and screen.sku_rows == []
        field.value = ""
        await pilot.press("enter")
        everything = ["MUG", "PRINT", "TEE"]
        await until(pilot, lambda: [r.sku for r in screen.sku_rows] == everything, "the list")
        await pilot.press("f6", "f6")  # history of MUG, then Esc back
        await pilot.press("escape")
        assert snapshot(store) == before


@pytest.mark.parametrize("size", SIZES)
async def test_cycle_count_flagged_bin_first_variance_and_approval(store: Store, size) -> None:
    app = WmsApp(store.url, terminal="HH-1")
    async with app.run_test(size=size) as pilot:
        await sign_in(pilot, "S9001")
        await open_menu_entry(pilot, "cycle_count")
        screen = app.screen
        assert isinstance(screen, CycleCountScreen)
        assert screen.bins[0].bin == "A-01-2-A" and screen.bins[0].flagged
        before = snapshot(store)
        await scan(pilot, "RCV-1")
        assert "RCV-1 is a receiving location" in feedback(app)
        await scan(pilot, "")  # Enter: the highlighted (flagged) bin
        assert screen.bin is not None and screen.bin.bin == "A-01-2-A"
        await scan(pilot, "ZZ-0000")
        assert "Unknown barcode ZZ-0000" in feedback(app)
        await press(pilot, "f3")
        await scan(pilot, "MUG")
        await scan(pilot, "0")
        assert "at least 1" in app.screen.query_one("#dlg-fb").text
        await scan(pilot, "3")
        await press(pilot, "f3")  # back to unit scans
        await scan(pilot, "7350053000025")
        assert screen.counted == {"MUG": 4}
        await press(pilot, "f4")  # undo the last unit
        assert screen.counted == {"MUG": 3}
        assert snapshot(store) == before  # nothing written while counting
        await press(pilot, "f5")
        assert [(v.sku, v.system, v.counted) for v in screen.variances] == [("MUG", 2, 3)]
        assert feedback(app) == "1 SKU differs: check, then approve"
        await scan(pilot, "")  # Enter approves: a reason is asked
        await settle(pilot)
        assert isinstance(app.screen, AskChoice)
        await press(pilot, "5")  # found stock
        await settle(pilot)
        assert "A-01-2-A counted · 1 adjusted" in feedback(app)
        assert screen.bin is None and not screen.bins[0].flagged
    assert qty_at(store, "MUG", "A-01-2-A") == 3


@pytest.mark.parametrize("size", SIZES)
async def test_a_count_keyed_into_the_scan_field_is_the_last_products_total(
    store: Store, size
) -> None:
    """A counter keys "700" after scanning one unit: it read "Unknown barcode 700"."""
    app = WmsApp(store.url, terminal="HH-1")
    async with app.run_test(size=size) as pilot:
        await sign_in(pilot, "S9001")
        await open_menu_entry(pilot, "cycle_count")
        screen = app.screen
        await scan(pilot, "A-01-2-A")
        await scan(pilot, "700")  # nothing scanned yet: there is no product to count
        assert feedback(app) == "✗ Scan a product first, then key its count (700)"
        assert screen.counted == {}
        await scan(pilot, "7350053000025")  # one MUG
        await scan(pilot, "12")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, AskConfirm)
        assert "12 × MUG in A-01-2-A in all?" in dialog._title
        await press(pilot, "y")
        await settle(pilot)
        assert screen.counted == {"MUG": 12} and feedback(app) == "✓ MUG = 12"
        await press(pilot, "f4")  # undoes the keyed total like a scan
        assert screen.counted == {"MUG": 1}
        await scan(pilot, "5")
        await settle(pilot)
        await press(pilot, "n")
        await settle(pilot)
        assert screen.counted == {"MUG": 1} and feedback(app) == "Count not changed"
        await scan(pilot, "4006381333931")  # a barcode nobody knows stays one
        assert "Unknown barcode 4006381333931" in feedback(app)


@pytest.mark.parametrize("how", ["burst", "paste"])
async def test_count_mode_scans_and_counts_typed_at_once_are_each_counted(
    store: Store, how: str
) -> None:
    """In count mode, "<code> Enter 3 Enter <code> Enter 2 Enter" in one read (a fast
    counter over SSH, a scanner burst, a paste): the 3 went into the scan field before
    the question came up, replaced it (same worker group) and was refused as a scan
    with no product: "Scan a product first, then key its count (3)"; both were lost."""
    app = WmsApp(store.url, terminal="HH-1")
    async with app.run_test(size=(40, 16)) as pilot:
        await sign_in(pilot, "S9001")
        await open_menu_entry(pilot, "cycle_count")
        screen = app.screen
        await scan(pilot, "A-01-2-A")
        await press(pilot, "f3")
        assert screen.count_mode
        mug = "7350053000025"
        if how == "burst":
            burst(app, [*mug, "enter", "3", "enter", *mug, "enter", "2", "enter"])
        else:
            event = events.Paste(f"{mug}\r3\r{mug}\r2\r")
            event.set_sender(app)
            app._driver.send_message(event)
        await until(pilot, lambda: screen.counted.get("MUG") == 5, "both counts")
        await settle(pilot)
        assert app.screen is screen and screen.counted == {"MUG": 5}
        assert feedback(app) == "✓ MUG +2 (total 5)"


async def test_leaving_a_count_says_how_many_units_were_counted(store: Store) -> None:
    app = WmsApp(store.url, terminal="HH-1")
    async with app.run_test(size=(40, 16)) as pilot:
        await sign_in(pilot, "S9001")
        await open_menu_entry(pilot, "cycle_count")
        screen = app.screen
        await scan(pilot, "A-01-2-A")
        await scan(pilot, "7350053000025")  # one MUG
        assert screen.counted == {"MUG": 1}
        await pilot.press("escape")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, AskConfirm)
        assert dialog.lines == ["1 unit counted so far."]
        await pilot.press("n")  # keep counting
        await pilot.pause()
        assert app.screen is screen and screen.counted == {"MUG": 1}


async def test_cycle_count_footer_is_never_empty_on_a_handheld(store: Store) -> None:
    """Before a bin is scanned F3-F5 do nothing: Esc must still be there to say the way back."""
    app = WmsApp(store.url, terminal="HH-1")
    async with app.run_test(size=(40, 16)) as pilot:
        await sign_in(pilot, "S9001")
        await open_menu_entry(pilot, "cycle_count")
        await pilot.pause()
        assert footer_keys(app) == ["esc"]
        await scan(pilot, "A-01-2-A")
        await pilot.pause()
        assert footer_keys(app) == ["esc", "f3", "f4", "f5"]  # 33 columns: all whole
        await pilot.press("f5")
        await pilot.pause()
        assert footer_keys(app) == ["esc", "f5"]


async def test_stock_footer_shows_every_filter_key_on_a_handheld(store: Store) -> None:
    app = WmsApp(store.url, terminal="HH-2")
    async with app.run_test(size=(40, 16)) as pilot:
        await sign_in(pilot, "P1001")
        await open_menu_entry(pilot, "stock")
        assert footer_keys(app) == ["f2", "f3", "f4", "f5", "f6"]


async def test_a_long_sku_is_shown_whole_on_a_handheld_in_every_view(store: Store) -> None:
    # The demo's longest SKU: fixed widths cut it to "PC-SLM-I15P…" by bin, "PC-SLM-I15P-B…" by SKU.
    sku = "PC-SLM-I15P-BLK"
    with store.unit_of_work() as uow:
        p = f.product(uow, sku)
        f.receive(uow, p, f.location(uow, "B-06-10-A", zone="B"), 48)
        quar = uow.session.exec(select(Location).where(Location.code == "QUAR-1")).one()
        f.receive(uow, p, quar, 2)
        uow.commit()
    app = WmsApp(store.url, terminal="HH-2")
    async with app.run_test(size=(40, 16)) as pilot:
        await sign_in(pilot, "P1001")
        await open_menu_entry(pilot, "stock")
        screen = app.screen
        # by SKU; by bin; by bin in quarantine; by SKU in quarantine
        for keys in ((), ("f2",), ("f5", "f5", "f5"), ("f2",)):
            await press(pilot, *keys)
            await settle(pilot)
            shown = shown_text(screen.table)
            assert sku in shown and "…" not in shown, (keys, shown)
        assert screen.quarantine and not screen.by_bin
