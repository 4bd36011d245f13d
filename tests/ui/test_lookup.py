"""Order lookup for everyone: scan a label or type a name, read where the order is."""

from __future__ import annotations

import pytest
from textual.widgets import OptionList, Static

from tests.ui.helpers import wait_store
from tests.ui.scanner import press, scan, settle
from tests.worlds.dispatch import Dock
from wms_tui.ui.app import WmsApp
from wms_tui.ui.screens.lookup import LookupScreen
from wms_tui.ui.screens.order_detail import OrderScreen
from wms_tui.ui.widgets.feedback import Feedback

SIZES = [(40, 16), (120, 40)]


async def open_lookup(pilot, badge: str = "P1001") -> LookupScreen:
    await wait_store(pilot)
    await scan(pilot, badge)
    home = pilot.app.screen
    index = [e.id for e in home.entries].index("lookup")
    await press(pilot, "1234567890"[index])
    assert isinstance(pilot.app.screen, LookupScreen)
    return pilot.app.screen


@pytest.mark.parametrize("size", SIZES)
async def test_a_scanned_label_opens_the_order(dock: Dock, size: tuple[int, int]) -> None:
    app = WmsApp(dock.store.url, terminal="HH-1")
    async with app.run_test(size=size) as pilot:
        await open_lookup(pilot)  # a picker may look orders up too
        await scan(pilot, "00" + dock.sscc["#2/2"])
        detail = app.screen
        assert isinstance(detail, OrderScreen)
        await app.workers.wait_for_complete()
        await settle(pilot)
        where = str(detail.query_one("#order-where", Static).render())
        assert where == "Packed, waiting at dispatch for PN Carrier (cut-off 16:00)"
        assert detail.detail is not None
        assert [e.what for e in detail.detail.timeline][-1].startswith("packed 2 × MUG-1")
        await press(pilot, "escape")
        assert isinstance(app.screen, LookupScreen)


async def test_several_matches_are_listed(dock: Dock) -> None:
    app = WmsApp(dock.store.url, terminal="HH-1")
    async with app.run_test(size=(40, 16)) as pilot:
        screen = await open_lookup(pilot)
        await scan(pilot, "öberg")
        hits = screen.query_one("#lookup-hits", OptionList)
        assert hits.option_count == 5 and app.focused is hits
        assert "5 orders match" in screen.query_one(Feedback).text
        await pilot.press("down", "enter")
        assert (
            isinstance(app.screen, OrderScreen) and app.screen.order_id == screen.hits[1].order_id
        )


async def test_nothing_found_rings(dock: Dock) -> None:
    app = WmsApp(dock.store.url, terminal="HH-1")
    bells: list[int] = []
    app.bell = lambda: bells.append(1)  # type: ignore[method-assign]
    async with app.run_test(size=(40, 16)) as pilot:
        screen = await open_lookup(pilot)
        await scan(pilot, "ZZZ-999")
        assert screen.query_one(Feedback).text == "✗ No order matches 'ZZZ-999'"
        await press(pilot, "enter")
        assert "Type an order number" in screen.query_one(Feedback).text
        assert len(bells) == 2


@pytest.mark.parametrize("size", SIZES)
async def test_a_picker_sees_no_customer_e_mail(dock: Dock, size: tuple[int, int]) -> None:
    """The lookup screen shows what the service gives it: for a picker, no e-mail."""
    app = WmsApp(dock.store.url, terminal="HH-1")
    async with app.run_test(size=size) as pilot:
        screen = await open_lookup(pilot)  # P1001, a picker
        await scan(pilot, "jihoon@example.kr")
        assert isinstance(app.screen, LookupScreen) and screen.hits == []
        await scan(pilot, "김지훈")
        detail = app.screen
        assert isinstance(detail, OrderScreen)
        await app.workers.wait_for_complete()
        await settle(pilot)
        assert detail.detail is not None and detail.detail.customer_name == "김지훈"
        assert detail.detail.email == "" and "jihoon@example" not in app.export_screenshot()


async def test_the_order_screen_draws_its_narrow_form_below_70_columns(dock: Dock) -> None:
    """The parcels are a table from 70 columns, one cell per parcel below: the screen's
    breakpoint says which, and a resize across it draws the other form."""
    from rich.table import Table

    def parcel_columns(detail: OrderScreen) -> int:
        table = detail.query_one("#order-parcels", Static).content
        assert isinstance(table, Table)
        return len(table.columns)

    app = WmsApp(dock.store.url, terminal="HH-1")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_lookup(pilot)
        await scan(pilot, "00" + dock.sscc["#2/2"])
        detail = app.screen
        assert isinstance(detail, OrderScreen)
        await app.workers.wait_for_complete()
        await settle(pilot)
        assert detail.wide and parcel_columns(detail) == 7
        await pilot.resize_terminal(69, 30)
        await settle(pilot)
        assert not detail.wide and parcel_columns(detail) == 1
        await pilot.resize_terminal(70, 30)
        await settle(pilot)
        assert detail.wide and parcel_columns(detail) == 7
