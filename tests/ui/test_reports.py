"""Return reports on screen: tables, period, CSV export, supervisors only."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from textual.widgets import DataTable, Static

from tests.ui.helpers import wait_store
from tests.ui.scanner import log_in, press, settle
from tests.worlds import factories as f
from tests.worlds.returns import World, build_reported_world
from wms_tui.store import Store
from wms_tui.ui.app import WmsApp
from wms_tui.ui.screens.reports import ReturnReportsScreen
from wms_tui.ui.widgets.feedback import Feedback

SIZES = [(40, 16), (120, 40)]


@pytest.fixture
def world(sqlite_store: Store, tmp_path: Path) -> World:
    return build_reported_world(sqlite_store, tmp_path / "reports")


async def open_reports(app: WmsApp, pilot, badge: str = "S9001") -> ReturnReportsScreen:
    await wait_store(pilot)
    await log_in(pilot, badge, f.SUPERVISOR_PIN if badge.startswith("S") else "")
    screen = ReturnReportsScreen()
    app.push_screen(screen)
    await settle(pilot)
    return screen


def rows(screen: ReturnReportsScreen) -> list[list[str]]:
    table = screen.query_one(DataTable)
    return [[str(c).strip() for c in table.get_row_at(i)] for i in range(table.row_count)]


@pytest.mark.parametrize("size", SIZES)
async def test_tables_by_reason_kind_sku_packer_picker(world: World, size) -> None:
    app = WmsApp(world.store.url, terminal="OFFICE")
    async with app.run_test(size=size) as pilot:
        screen = await open_reports(app, pilot)
        head = str(screen.query_one("#rep-head", Static).render())
        assert "last 30 days: 3 units, 1 parcel · 2 ours (67%)" in head
        assert rows(screen) == [
            ["Damaged by packing *", "1", "2", "67"],
            ["Changed mind", "1", "1", "33"],
        ]
        await press(pilot, "2")
        assert rows(screen) == [
            ["Our pack", "1", "2", "67"],
            ["Customer", "1", "1", "33"],
        ]
        await press(pilot, "3")
        sku_rows = rows(screen)
        assert [r[0].split()[0] for r in sku_rows] == ["MUG-1", "TEE-M"]
        assert sku_rows[0][1:] == ["1", "2", "2", "67"]
        assert ("Mugg Åre" in sku_rows[0][0]) == (size[0] >= 80)
        await press(pilot, "4")
        assert rows(screen) == [["Johan Öberg", "1", "2", "100"]]
        await press(pilot, "right")
        assert rows(screen) == []  # damaged by packing is no picker's doing
        await press(pilot, "right")  # wraps to the first table
        assert rows(screen)[0][0] == "Damaged by packing *"


async def test_period_and_export(world: World, tmp_path: Path) -> None:
    app = WmsApp(world.store.url, terminal="OFFICE")
    async with app.run_test(size=(40, 16)) as pilot:
        screen = await open_reports(app, pilot)
        await press(pilot, "p")  # month -> all time
        await settle(pilot)
        assert "all time: 3 units" in str(screen.query_one("#rep-head", Static).render())
        await press(pilot, "p")  # -> today: booked just now
        await settle(pilot)
        assert "today: 3 units" in str(screen.query_one("#rep-head", Static).render())
        await press(pilot, "e")
        msg = screen.query_one("#rep-feedback", Feedback).text
        assert msg.startswith("✓ Saved")
    # This store's own folder: another store's (or a reset's) reports never mix in.
    (written,) = (tmp_path / "reports").glob("store-*/returns-*.csv")
    assert msg == f"✓ Saved {written.name} in reports/{written.parent.name}/"
    with written.open(encoding="utf-8-sig", newline="") as fh:
        by = {(r["section"], r["key"]): r for r in csv.DictReader(fh)}
    assert by[("reason", "DAMAGED_PACKING")]["units"] == "2"
    assert by[("packer", "Johan Öberg")]["share_pct"] == "100.0"


async def test_receiver_is_refused(world: World) -> None:
    app = WmsApp(world.store.url, terminal="OFFICE")
    bells: list[int] = []
    app.bell = lambda: bells.append(1)  # type: ignore[method-assign]
    async with app.run_test(size=(40, 16)) as pilot:
        screen = await open_reports(app, pilot, badge="R3001")
        msg = screen.query_one("#rep-feedback", Feedback).text
        assert "Björn Åkesson may not read return reports" in msg
        assert bells == [1] and screen.query_one(DataTable).row_count == 0
