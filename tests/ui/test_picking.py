"""The handheld pick screen, driven with the Pilot like a picker with a scanner."""

from __future__ import annotations

from sqlmodel import select
from textual.widgets import DataTable, Digits, Static

from tests.ui.helpers import bell_counter, feedback, fits, open_menu_entry, open_pick, text
from tests.ui.scanner import press, scan, settle
from tests.worlds.picking import BARCODES, TWO_ORDERS, build_world, order_status, snapshot
from wms_tui.domain.enums import ExceptionKind, OrderStatus, TaskStatus
from wms_tui.domain.models import Event, PickTask, WmsException
from wms_tui.store import Store
from wms_tui.ui.app import WmsApp
from wms_tui.ui.screens.home import HomeScreen
from wms_tui.ui.screens.picking import PickScreen
from wms_tui.ui.widgets.dialogs import AskChoice
from wms_tui.ui.widgets.feedback import Feedback


def rows_used(widget: Static) -> int:
    """Rows the widget's text takes at its width (a fixed-height one cuts the rest)."""
    return widget.get_content_height(widget.size, widget.app.size, widget.content_region.width)


async def test_pick_a_task_at_40x16_with_a_short_pick_in_the_middle(floor: Store) -> None:
    app = WmsApp(floor.url, terminal="HH-07")
    bells = bell_counter(app)
    async with app.run_test(size=(40, 16)) as pilot:
        screen = await open_pick(pilot)
        assert not screen.has_class("wide")
        # The first stop, big: bin, SKU, name, quantity, tote; the cart on claim.
        assert text(app, "pick-head") == "W0001-01  stop 1/4  → tote 1"
        assert screen.query_one("#pick-big", Digits).value == "A-01-2-A"
        assert text(app, "pick-sku") == "MUG-RED  × 3"
        assert text(app, "pick-name") == "Mug-Red thing"
        assert text(app, "pick-opts") == "Colour: Black"
        assert "Cart: T-0001 T-0002 · 4 stops" in text(app, "pick-info")
        assert text(app, "pick-prompt") == "▶ Scan bin A-01-2-A"
        assert feedback(app) == "✓ Started task W0001-01"
        card = ("#pick-head", "#pick-big", "#pick-sku", "#pick-prompt", "#pick-scan", Feedback)
        assert fits(app, *card)
        assert order_status(floor, "#1") is OrderStatus.PICKING

        # Wrong bin, then an item before the bin: bell, reason, nothing changed.
        before = snapshot(floor)
        await scan(pilot, "A-02-7-A")
        assert feedback(app) == "✗ Wrong bin A-02-7-A: go to A-01-2-A"
        await scan(pilot, BARCODES["MUG-RED"])
        assert feedback(app) == "✗ Scan the bin A-01-2-A first, then MUG-RED"
        assert len(bells) == 2 and snapshot(floor) == before

        # The bin, one unit, then the shelf turns out to hold only one.
        await scan(pilot, "A-01-2-A")
        assert text(app, "pick-prompt") == "▶ Scan MUG-RED or type a count"
        await scan(pilot, BARCODES["MUG-BLU"])
        assert feedback(app) == "✗ Wrong item MUG-BLU: pick MUG-RED Mug-Red thing"
        await scan(pilot, "7")
        assert feedback(app) == "✗ Count 7 is more than the 3 left to pick"
        assert len(bells) == 4 and snapshot(floor) == before
        await scan(pilot, BARCODES["MUG-RED"])
        assert feedback(app) == "✓ 1 × MUG-RED picked, 2 more"
        assert text(app, "pick-sku") == "MUG-RED  × 2 more"
        await pilot.press("f3")
        await pilot.pause()
        assert isinstance(app.screen, AskChoice)
        await pilot.press("2")  # fewer than asked
        await pilot.pause()
        assert isinstance(app.screen, PickScreen)
        assert feedback(app).startswith("✓ 2 × MUG-RED short: new stop A-03-5-B")
        assert text(app, "pick-prompt") == "▶ Scan tote T-0001"
        assert screen.query_one("#pick-big", Digits).value == "1"
        assert fits(app, *card)
        # A double-pressed trigger re-sends the item: refused, counted once.
        await scan(pilot, BARCODES["MUG-RED"])
        assert feedback(app).startswith("✗ All 1 picked: put them in tote 1 T-0001")
        await scan(pilot, "T-0002")
        assert feedback(app) == "✗ Wrong tote T-0002 (#2): these go in tote 1 T-0001"
        await scan(pilot, "T-0001")
        assert feedback(app) == "✓ 1 × MUG-RED in T-0001. Next: A-02-7-A"
        assert text(app, "pick-head").startswith("W0001-01  stop 2/5")

        # MUG-BLU, skipped for now.
        await pilot.press("f2")
        await pilot.pause()
        assert feedback(app).startswith("✓ Skipped A-02-7-A: it comes back at the end")
        # The re-allocated stop; scan + count for both units.
        assert text(app, "pick-prompt") == "▶ Scan bin A-03-5-B"
        await scan(pilot, "A-03-5-B")
        await scan(pilot, "2")
        assert text(app, "pick-prompt") == "▶ Count 2: scan MUG-RED"
        await scan(pilot, BARCODES["MUG-RED"])
        await scan(pilot, "T-0001")
        # TEE-M for both totes from one bin: the bin stays confirmed.
        await scan(pilot, "A-04-3-A")
        await scan(pilot, "TEE-M")
        await scan(pilot, "T-0001")
        assert "Same bin: TEE-M for T-0002" in feedback(app)
        assert text(app, "pick-prompt") == "▶ Scan TEE-M or type a count"
        await scan(pilot, BARCODES["TEE-M"])
        await scan(pilot, "T-0002")
        # The skipped stop comes back last.
        assert "(again)" in text(app, "pick-head")
        assert text(app, "pick-prompt") == "▶ Scan bin A-02-7-A"
        await scan(pilot, "A-02-7-A")
        await scan(pilot, BARCODES["MUG-BLU"])
        await scan(pilot, "T-0002")
        assert feedback(app).startswith("✓ 1 × MUG-BLU in T-0002")
        assert text(app, "pick-sku") == "Bring 2 totes to PACK-1"
        assert text(app, "pick-info") == "T-0001 T-0002"
        assert fits(app, "#pick-sku", "#pick-info", "#pick-prompt")
        assert text(app, "pick-prompt") == "▶ Enter: next task · Esc: menu"
        # Enter looks for the next task: there is none.
        await pilot.press("enter")
        await pilot.pause()
        assert feedback(app) == "No pick tasks waiting"
    assert order_status(floor, "#1") is OrderStatus.PICKED
    assert order_status(floor, "#2") is OrderStatus.PICKED
    assert len(bells) == 6
    with floor.read() as s:
        task = s.exec(select(PickTask)).one()
        assert task.status is TaskStatus.DONE and task.terminal == "HH-07"
        units = s.exec(select(Event).where(Event.kind == "pick.unit")).all()
        assert sum(e.qty for e in units) == 6
        assert {e.operator_name for e in units} == {"Ana Lindqvist"}


async def test_short_pick_without_stock_shows_on_exceptions(floor: Store) -> None:
    app = WmsApp(floor.url, terminal="HH-07")
    async with app.run_test(size=(40, 16)) as pilot:
        await open_pick(pilot)
        await scan(pilot, "A-01-2-A")
        await scan(pilot, "3")
        await scan(pilot, "MUG-RED")
        await scan(pilot, "T-0001")
        await press(pilot, "f2")  # skip MUG-BLU
        await settle(pilot)
        assert text(app, "pick-prompt") == "▶ Scan bin A-04-3-A"
        await press(pilot, "f3")
        await press(pilot, "escape")  # changed mind
        await settle(pilot)
        assert isinstance(app.screen, PickScreen) and feedback(app) == "Short pick cancelled"
        await press(pilot, "f3", "1")  # bin empty: both totes wait on it
        await settle(pilot)
        assert "#1 backordered" in feedback(app) and "#2 backordered" in feedback(app)
    with floor.read() as s:
        excs = s.exec(select(WmsException)).all()
        assert {e.kind for e in excs} == {ExceptionKind.SHORT_PICK}
        assert {(e.operator_name, e.terminal, e.location) for e in excs} == {
            ("Ana Lindqvist", "HH-07", "A-04-3-A")
        }


async def test_escape_pauses_and_opening_pick_again_resumes(floor: Store) -> None:
    app = WmsApp(floor.url, terminal="HH-07")
    async with app.run_test(size=(40, 16)) as pilot:
        await open_pick(pilot)
        await scan(pilot, "A-01-2-A")
        await scan(pilot, "MUG-RED")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        with floor.read() as s:
            assert s.exec(select(PickTask)).one().status is TaskStatus.PAUSED
        await open_menu_entry(pilot, "picking")
        assert feedback(app) == "✓ Resumed task W0001-01"
        # After a pause the bin must be scanned again.
        assert text(app, "pick-prompt") == "▶ Scan bin A-01-2-A"
        assert text(app, "pick-sku") == "MUG-RED  × 2 more"


async def test_no_task_waiting(sqlite_store: Store) -> None:
    build_world(sqlite_store, TWO_ORDERS)  # no wave built
    app = WmsApp(sqlite_store.url, terminal="HH-07")
    bells = bell_counter(app)
    async with app.run_test(size=(40, 16)) as pilot:
        await open_pick(pilot)
        assert text(app, "pick-sku") == "No pick tasks waiting."
        await scan(pilot, "A-01-2-A")
        assert feedback(app) == "✗ No task open: press Enter for the next task"
        await pilot.press("f2")
        await pilot.pause()
        assert len(bells) == 2
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_wide_pick_screen_lists_stops_and_totes(floor: Store) -> None:
    app = WmsApp(floor.url, terminal="PACK-PC")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_pick(pilot)
        assert screen.has_class("wide")
        stops = screen.query_one("#pick-stops", DataTable)
        totes = screen.query_one("#pick-totes", DataTable)
        assert stops.row_count == 4 and totes.row_count == 2
        first = stops.get_row_at(0)
        assert first[1:4] == ["A-01-2-A", "MUG-RED", "3"] and first[-1] == "◀ now"
        await scan(pilot, "A-01-2-A")
        await scan(pilot, "3")
        await scan(pilot, BARCODES["MUG-RED"])
        await scan(pilot, "T-0001")
        assert stops.get_row_at(0)[-1] == "✓" and stops.get_row_at(1)[-1] == "◀ now"
        assert text(app, "pick-head") == "W0001-01  stop 2/4  → tote 2"
        assert "3/6 units" in text(app, "pick-side-title")
        # Narrowing to a handheld hides the side panel.
        await pilot.resize_terminal(40, 16)
        await settle(pilot)
        assert not screen.has_class("wide")
        assert not stops.display or not screen.query_one("#pick-side").display


async def test_f7_writes_a_paper_copy_of_the_task(floor: Store, tmp_path_factory) -> None:
    from wms_tui.services.core import settings

    # A shared folder outside the terminal's working folder, as a site would set it.
    shared = tmp_path_factory.mktemp("shared") / "warehouse-documents" / "pick-lists"
    shared.mkdir(parents=True)
    with floor.unit_of_work() as uow:
        settings.put(uow.session, "label_dir", str(shared))
        uow.commit()
    app = WmsApp(floor.url, terminal="HH-07")
    async with app.run_test(size=(40, 16)) as pilot:
        await open_pick(pilot)
        await press(pilot, "f7")
        await app.workers.wait_for_complete()
        await settle(pilot)
        (pdf,) = shared.glob("store-*/picklist_W0001-01_*.pdf")
        # The file's name and where to look, not a path that fills the message rows.
        said = f"✓ Pick list W0001-01 (4 stops) saved: {pdf.name} in …/{pdf.parent.name}/"
        assert feedback(app) == said
        assert rows_used(app.screen.query_one(Feedback)) <= 3
