"""Orders screen, driven like a supervisor with a keyboard and a scanner, at 40x16 and 120x40."""

from __future__ import annotations

import pytest
from sqlmodel import select
from textual.geometry import Region
from textual.widgets import DataTable, Input, Static

from tests.ui.helpers import shown_text, wait_store
from tests.ui.scanner import press, scan, settle
from tests.worlds import factories as f
from tests.worlds.intake import orders_queue, snapshot
from wms_tui.domain.enums import OrderStatus
from wms_tui.domain.models import Event, Order
from wms_tui.store import Store
from wms_tui.ui.app import WmsApp
from wms_tui.ui.screens.home import HomeScreen
from wms_tui.ui.screens.order_work import OrderWorkScreen
from wms_tui.ui.screens.orders import OrdersScreen
from wms_tui.ui.widgets.dialogs import AskConfirm, AskText
from wms_tui.ui.widgets.feedback import Feedback

S = OrderStatus
SIZES = [(40, 16), (120, 40)]


@pytest.fixture
def floor(sqlite_store: Store) -> Store:
    orders_queue(sqlite_store)
    return sqlite_store


async def open_orders(pilot, badge: str = "S9001") -> OrdersScreen:
    await wait_store(pilot)
    await scan(pilot, badge)
    if badge.startswith("S"):
        await scan(pilot, f.SUPERVISOR_PIN)
    home = pilot.app.screen
    assert isinstance(home, HomeScreen)
    index = [e.id for e in home.entries].index("orders")
    await press(pilot, "1234567890"[index])
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, OrdersScreen)
    return screen


def order(store: Store, name: str) -> Order:
    with store.read() as s:
        o = s.exec(select(Order).where(Order.name == name)).one()
        s.expunge_all()
        return o


def rows(screen: OrdersScreen) -> list[str]:
    table = screen.query_one("#ord-table", DataTable)
    return [str(table.get_row_at(i)[0]) for i in range(table.row_count)]


def feedback(screen) -> str:
    return screen.query_one(Feedback).text


def new_app(store: Store, bells: list | None = None) -> WmsApp:
    app = WmsApp(store.url, terminal="HH-1", release_every=None)
    if bells is not None:
        app.bell = lambda: bells.append(1)  # type: ignore[method-assign]
    return app


@pytest.mark.parametrize("size", SIZES)
async def test_queue_fits_the_screen(floor: Store, size: tuple[int, int]) -> None:
    app = new_app(floor)
    async with app.run_test(size=size) as pilot:
        screen = await open_orders(pilot)
        table = screen.query_one("#ord-table", DataTable)
        # Open orders only, most urgent first: the oldest at the same cut-off leads.
        assert rows(screen) == ["#1002", "#1003", "#1001"]
        labels = [str(c.label) for c in table.columns.values()]
        if size[0] == 40:
            assert labels == ["Order", "Status", "Due", "Qty", "P"]
        else:
            assert labels[:3] == ["Order", "Customer", "Status"] and labels[-1] == "Waiting for"
            assert str(table.get_row_at(1)[-1]) == "needs MUG-FIKA ×1"
        # Nothing is cut off at the right edge.
        total = sum(c.get_render_width(table) for c in table.columns.values())
        assert total <= size[0]
        # The backorder in words a worker reads ("backord" was cut to fit), drawn whole.
        status = labels.index("Status")
        assert str(table.get_row_at(1)[status]) == "no stock"
        drawn = shown_text(table).splitlines()
        assert any(line.startswith("#1003") and " no stock " in line for line in drawn), drawn
        assert "open" in str(screen.query_one("#ord-filter", Static).render())


@pytest.mark.parametrize("size", SIZES)
async def test_scan_an_order_opens_it_and_shows_what_is_missing(
    floor: Store, size: tuple[int, int]
) -> None:
    app = new_app(floor)
    async with app.run_test(size=size) as pilot:
        await open_orders(pilot)
        await scan(pilot, "#1003")
        await settle(pilot)
        detail = app.screen
        assert isinstance(detail, OrderWorkScreen)
        assert detail.detail.name == "#1003"
        assert detail.detail.missing == ["MUG-FIKA short 1 (need 1, have 0)"]
        missing = str(detail.query_one("#det-missing", Static).render())
        assert "MUG-FIKA short 1" in missing
        await press(pilot, "escape")
        assert isinstance(app.screen, OrdersScreen)


async def test_search_by_customer_sku_and_nothing_found(floor: Store) -> None:
    bells: list[int] = []
    app = new_app(floor, bells)
    async with app.run_test(size=(40, 16)) as pilot:
        screen = await open_orders(pilot)
        await scan(pilot, "hood-navy")
        await settle(pilot)
        assert rows(screen) == ["#1002", "#1003", "#1001"]
        search = screen.query_one("#ord-search", Input)
        search.value = ""
        await scan(pilot, "nobody")
        await settle(pilot)
        assert rows(screen) == [] and "No order matches 'nobody'" in feedback(screen)
        assert bells == [1]


async def test_hold_needs_a_reason_then_release(floor: Store) -> None:
    bells: list[int] = []
    app = new_app(floor, bells)
    async with app.run_test(size=(40, 16)) as pilot:
        screen = await open_orders(pilot)
        assert rows(screen)[0] == "#1002"
        await press(pilot, "f2")
        assert isinstance(app.screen, AskText)
        await press(pilot, "enter")
        assert bells == [1] and isinstance(app.screen, AskText)
        await scan(pilot, "address check")
        await settle(pilot)
        assert isinstance(app.screen, OrdersScreen)
        assert feedback(screen) == "✓ #1002 on hold: address check"
        held = order(floor, "#1002")
        assert (held.status, held.hold_reason) == (S.ON_HOLD, "address check")
        # The cursor stays on the order it acted on.
        assert rows(screen)[screen.query_one(DataTable).cursor_row] == "#1002"
        await press(pilot, "f3")
        await settle(pilot)
        # Released now: the grace period is skipped and stock reserved.
        assert order(floor, "#1002").status is S.READY_TO_PICK
        assert "#1002 ready to pick" in feedback(screen)
        with floor.read() as s:
            ev = s.exec(select(Event).where(Event.to_state == "ON_HOLD")).one()
            assert (ev.operator_name, ev.terminal) == ("Min-jun Kim", "HH-1")


async def test_escape_in_the_reason_dialog_changes_nothing(floor: Store) -> None:
    app = new_app(floor)
    async with app.run_test(size=(40, 16)) as pilot:
        screen = await open_orders(pilot)
        before = snapshot(floor)
        await press(pilot, "f2", "x", "escape")
        await settle(pilot)
        assert isinstance(app.screen, OrdersScreen)
        assert feedback(screen) == "#1002: hold not changed"
        assert snapshot(floor) == before


async def test_cancel_asks_first(floor: Store) -> None:
    app = new_app(floor)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_orders(pilot)
        before = snapshot(floor)
        await press(pilot, "f4")
        assert isinstance(app.screen, AskConfirm)
        await press(pilot, "n")
        await settle(pilot)
        assert snapshot(floor) == before and feedback(screen) == "#1002 not cancelled"
        await press(pilot, "f4", "y")
        await settle(pilot)
        assert order(floor, "#1002").status is S.CANCELLED
        assert feedback(screen) == "✓ #1002 cancelled"
        assert "#1002" not in rows(screen)  # left the open-orders view


async def test_refused_action_rings_and_changes_nothing(floor: Store) -> None:
    bells: list[int] = []
    app = new_app(floor, bells)
    async with app.run_test(size=(40, 16)) as pilot:
        screen = await open_orders(pilot)
        await press(pilot, "down")  # #1003, backordered: MUG-FIKA is missing
        before = snapshot(floor)
        await press(pilot, "f3")
        await settle(pilot)
        assert bells == [1]
        assert feedback(screen) == "✗ #1003 is still short: MUG-FIKA short 1 (need 1, have 0)"
        assert snapshot(floor) == before


@pytest.mark.parametrize("size", SIZES)
async def test_a_hold_lifted_on_a_short_order_says_so_first(floor: Store, size) -> None:
    """Said after the shortages, "(hold lifted)" fell below the handheld's two rows;
    what does not fit them ends in "…"."""
    app = new_app(floor)
    async with app.run_test(size=size) as pilot:
        screen = await open_orders(pilot)
        await press(pilot, "down")  # #1003, backordered: MUG-FIKA is missing
        await press(pilot, "f2")
        await scan(pilot, "customer called")
        await settle(pilot)
        assert order(floor, "#1003").status is S.ON_HOLD
        await press(pilot, "f3")
        await settle(pilot)
        assert order(floor, "#1003").status is S.BACKORDERED
        said = feedback(screen)
        assert said == "✓ #1003 hold lifted, backordered: MUG-FIKA short 1 (need 1, have 0)"
        fb = screen.query_one(Feedback)
        width, height = fb.outer_size
        shown = " ".join(s.text.strip() for s in fb.render_lines(Region(0, 0, width, height)))
        assert "#1003 hold lifted, backordered" in shown
        assert shown.strip() == said or (shown.rstrip().endswith("…") and height == 2)
        # Three shortages at once do not fit two rows at 40 columns: the cut shows.
        fb.ok(f"{said}, MUG-FIKA short 1 (need 1, have 0), TEE-L short 3 (need 3, have 0)")
        await settle(pilot)
        width, height = fb.outer_size
        rows = [s.text.rstrip() for s in fb.render_lines(Region(0, 0, width, height))]
        if size[0] == 40:
            assert len(rows) == 2 and rows[-1].endswith("…")


async def test_priority_and_split_from_the_detail_view(floor: Store) -> None:
    app = new_app(floor)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_orders(pilot)
        await press(pilot, "down", "down")  # #1001
        await press(pilot, "f5")
        await settle(pilot)
        assert order(floor, "#1001").priority == 1
        assert rows(screen)[0] == "#1001"  # a supervisor's priority comes first
        assert rows(screen)[screen.query_one(DataTable).cursor_row] == "#1001"
        await scan(pilot, "#1003")
        await settle(pilot)
        assert isinstance(app.screen, OrderWorkScreen)
        await press(pilot, "f7")  # split: asks first
        assert isinstance(app.screen, AskConfirm)
        await press(pilot, "enter")
        await settle(pilot)
        assert order(floor, "#1003").status is S.READY_TO_PICK
        assert order(floor, "#1003-B1").status is S.BACKORDERED
        assert feedback(screen) == "✓ #1003 ready to pick; the rest waits as #1003-B1"


async def test_status_filter_cycles(floor: Store) -> None:
    app = new_app(floor)
    async with app.run_test(size=(40, 16)) as pilot:
        screen = await open_orders(pilot)
        label = screen.query_one("#ord-filter", Static)
        await press(pilot, "f8")  # on hold
        await settle(pilot)
        assert "on hold" in str(label.render()) and rows(screen) == []
        await press(pilot, "f8")  # backordered
        await settle(pilot)
        assert rows(screen) == ["#1003"]
        for _ in range(7):  # ... to "all"
            await press(pilot, "f8")
        await settle(pilot)
        assert "all" in str(label.render()) and "#1004" in rows(screen)


async def test_pickers_do_not_get_the_orders_screen(floor: Store) -> None:
    app = new_app(floor)
    async with app.run_test(size=(40, 16)) as pilot:
        await wait_store(pilot)
        await scan(pilot, "P1001")
        assert "orders" not in [e.id for e in app.screen.entries]


async def test_the_app_releases_due_orders_in_the_background(floor: Store) -> None:
    app = WmsApp(floor.url, terminal="HH-9", release_every=0.1)
    async with app.run_test(size=(40, 16)) as pilot:
        await wait_store(pilot)
        for _ in range(50):
            await pilot.pause(0.05)
            if order(floor, "#1002").status is S.READY_TO_PICK:
                break
        await app.workers.wait_for_complete()
    assert order(floor, "#1002").status is S.READY_TO_PICK  # created 90 min ago
    assert order(floor, "#1001").status is S.NEW  # 5 min ago: still in its grace period
    with floor.read() as s:
        ev = s.exec(
            select(Event).where(Event.order_name == "#1002", Event.to_state == "READY_TO_PICK")
        ).one()
        assert (ev.operator_name, ev.terminal) == ("system", "HH-9")


async def test_the_columns_follow_the_terminal_as_it_is_resized(floor: Store) -> None:
    """Opened on a handheld, then widened (an SSH window dragged wider): the wide columns.
    They stayed the handheld's, because the first Resize of the new size came before the
    ``wide`` class and the second was taken for the same width. The reason an order waits
    takes the width the others leave: a wider terminal widens it by as much; a taller one
    leaves the columns as they were."""
    app = WmsApp(floor.url)
    async with app.run_test(size=(40, 16)) as pilot:
        screen = await open_orders(pilot)
        table = screen.query_one("#ord-table", DataTable)
        assert "note" not in table.columns
        await pilot.resize_terminal(120, 40)
        await settle(pilot)
        assert "Customer" in table.columns and "note" in table.columns
        before = table.columns["note"].width
        await pilot.resize_terminal(150, 40)
        await settle(pilot)
        assert table.columns["note"].width == before + 30
        assert rows(screen)  # refilled under the new columns
        column = table.columns["note"]
        await pilot.resize_terminal(150, 30)
        await settle(pilot)
        assert table.columns["note"] is column
