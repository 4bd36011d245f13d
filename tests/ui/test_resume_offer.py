"""Logging in offers the work left open (issue #17): Enter takes it up here."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import select
from textual.widgets import Static

from tests.ui.helpers import until, wait_store
from tests.ui.scanner import press, scan
from tests.worlds import packing as pw
from wms_tui.domain.models import Order
from wms_tui.services.packing import station as packing
from wms_tui.store import Store
from wms_tui.ui.app import WmsApp
from wms_tui.ui.screens.home import HomeScreen
from wms_tui.ui.screens.packing import PackScreen
from wms_tui.ui.widgets.dialogs import AskConfirm

SIZES = [(40, 16), (120, 40)]


@pytest.fixture
def bench(sqlite_store: Store, tmp_path: Path) -> pw.World:
    world = pw.build(sqlite_store, label_dir=str(tmp_path / "labels"))
    packing.open_order(sqlite_store, world.packer, world.totes["#1042"])
    packing.scan(sqlite_store, world.packer, world.orders["#1042"], pw.MUG_EAN)
    return world


def question(app: WmsApp) -> list[str]:
    title = str(app.screen.query_one("#dlg-title", Static).render())
    return [title] + [str(s.render()) for s in app.screen.query("#dlg-body Static").results(Static)]


@pytest.mark.parametrize("size", SIZES)
async def test_an_order_left_at_another_station_is_offered_and_taken_up(
    bench: pw.World, size: tuple[int, int]
) -> None:
    app = WmsApp(bench.store.url, terminal="PACK-2")
    async with app.run_test(size=size) as pilot:
        await wait_store(pilot)
        await scan(pilot, "K2001")
        await until(pilot, lambda: isinstance(app.screen, AskConfirm))
        assert isinstance(app.screen, AskConfirm)
        assert question(app) == [
            "Go on with order #1042?",
            "1 of 3 units scanned",
            "Left open on PACK-1",
            "Later: stays open on PACK-1",
        ]
        box = app.screen.query_one("#dlg").region
        assert box.right <= size[0] and box.bottom <= size[1]
        await press(pilot, "enter")
        await until(pilot, lambda: isinstance(app.screen, PackScreen))
        screen = app.screen
        assert isinstance(screen, PackScreen)
        assert screen.view is not None and screen.view.order_name == "#1042"
        assert screen.view.lines[0].packed == 1
    with bench.store.read() as s:
        assert s.exec(select(Order.locked_terminal).where(Order.name == "#1042")).one() == "PACK-2"


async def test_esc_leaves_the_work_where_it_is(bench: pw.World) -> None:
    app = WmsApp(bench.store.url, terminal="PACK-2")
    async with app.run_test(size=(40, 16)) as pilot:
        await wait_store(pilot)
        await scan(pilot, "K2001")
        await press(pilot, "escape")
        assert isinstance(app.screen, HomeScreen)
    with bench.store.read() as s:
        assert s.exec(select(Order.locked_terminal).where(Order.name == "#1042")).one() == "PACK-1"


async def test_a_bench_with_another_order_open_refuses_in_one_line(bench: pw.World) -> None:
    packing.open_order(bench.store, bench.packer2, bench.totes["#1043"])  # Emily, PACK-2
    app = WmsApp(bench.store.url, terminal="PACK-2")
    bells: list[int] = []
    app.bell = lambda: bells.append(1)  # type: ignore[method-assign]
    async with app.run_test(size=(40, 16)) as pilot:
        await wait_store(pilot)
        await scan(pilot, "K2001")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert bells == [1]
        shown = [str(n.message) for n in app._notifications]
        assert shown == ["Order #1043 is open here (Emily Carter): close or park it first"]
