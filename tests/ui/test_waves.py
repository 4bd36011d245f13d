"""The supervisor's waves screen: filters, build, task list, release, short picks."""

from __future__ import annotations

import pytest
from sqlmodel import select
from textual.widgets import DataTable, Input, Static

from tests.ui.helpers import bell_counter, feedback, fits, open_menu_entry, wait_store
from tests.ui.scanner import press, scan, settle
from tests.worlds import factories as f
from tests.worlds.picking import build_world, snapshot
from wms_tui.domain.enums import TaskStatus
from wms_tui.domain.models import PickTask
from wms_tui.services.picking import walk as picking
from wms_tui.store import Store
from wms_tui.ui.app import WmsApp
from wms_tui.ui.screens.home import HomeScreen
from wms_tui.ui.screens.waves import WavesScreen

ORDERS = [(f"#{i}", [("MUG-RED", 1)]) for i in range(1, 6)]


@pytest.fixture
def ready(sqlite_store: Store):
    return build_world(sqlite_store, ORDERS)


async def open_waves(pilot) -> WavesScreen:
    await wait_store(pilot)
    await scan(pilot, "S9001")
    await scan(pilot, f.SUPERVISOR_PIN)
    assert isinstance(pilot.app.screen, HomeScreen)
    await open_menu_entry(pilot, "waves")
    assert isinstance(pilot.app.screen, WavesScreen)
    return pilot.app.screen


def summary(app) -> str:
    return str(app.screen.query_one("#waves-summary", Static).render())


@pytest.mark.parametrize("size", [(40, 16), (120, 40)])
async def test_build_a_wave_with_filters(ready, sqlite_store: Store, size) -> None:
    app = WmsApp(sqlite_store.url, terminal="SUP-1")
    bells = bell_counter(app)
    async with app.run_test(size=size) as pilot:
        screen = await open_waves(pilot)
        assert summary(app).startswith("5 ready, 10 free totes: F2 builds 1 task of up to 6")
        assert fits(app, "#f-carrier", "#f-picker", "#waves-summary", "#waves-tasks")
        # Cart of 2 and at most 3 orders: 2 tasks.
        screen.query_one("#f-max", Input).focus()
        await scan(pilot, "3")
        await scan(pilot, "2")
        assert summary(app).startswith("5 ready, 10 free totes: F2 builds 2 tasks of up to 2")
        await press(pilot, "f2")
        assert feedback(app).startswith("✓ Wave W0001: 3 orders in 2 tasks")
        table = screen.query_one("#waves-tasks", DataTable)
        assert table.row_count == 2
        if size[0] > 40:
            assert [table.get_row_at(i)[:4] for i in range(2)] == [
                ["W0001-01", "open", "0/2", "0/2"],
                ["W0001-02", "open", "0/1", "0/1"],
            ]
        else:
            # A handheld's four columns fit its width: it scrolled sideways and cut
            # "Picker" to "Picke".
            assert [table.get_row_at(i) for i in range(2)] == [
                ["W0001-01", "open", "0/2", "—"],
                ["W0001-02", "open", "0/1", "—"],
            ]
            assert table.virtual_size.width <= table.size.width
            drawn = table.render_line(0).text
            assert drawn.split() == ["Task", "Status", "Units", "Picker"]
        assert summary(app).startswith("2 ready")
        assert bells == []


async def test_bad_filters_ring_and_build_nothing(ready, sqlite_store: Store) -> None:
    app = WmsApp(sqlite_store.url, terminal="SUP-1")
    bells = bell_counter(app)
    async with app.run_test(size=(40, 16)) as pilot:
        screen = await open_waves(pilot)
        before = snapshot(sqlite_store)
        await scan(pilot, "FEDEX")
        assert feedback(app).startswith("✗ Unknown carrier 'FEDEX': use one of CJ, PN")
        screen.query_one("#f-carrier", Input).value = ""
        screen.query_one("#f-cutoff", Input).focus()
        await scan(pilot, "25:99")
        assert feedback(app).startswith("✗ Cut-off '25:99' is not a time")
        screen.query_one("#f-cutoff", Input).value = ""
        screen.query_one("#f-cart", Input).focus()
        await scan(pilot, "0")
        await press(pilot, "f2")
        assert feedback(app) == "✗ Cart size must be 1 to 20 totes (got 0)"
        screen.query_one("#f-cart", Input).value = ""
        screen.query_one("#f-picker", Input).value = "S9001"
        await press(pilot, "f2")
        assert feedback(app) == "✗ Karin Holmgren is not a picker"
        # Letters cannot be typed into the number fields at all (each rings).
        screen.query_one("#f-max", Input).focus()
        await press(pilot, "x", "y")
        assert screen.query_one("#f-max", Input).value == ""
        assert len(bells) == 7  # "0" + Enter is refused once, and again on F2
        assert snapshot(sqlite_store) == before


async def test_release_a_paused_task_and_see_short_picks(sqlite_store: Store) -> None:
    from wms_tui.services.picking.waves import build_wave

    w = build_world(sqlite_store, [("#1", [("TEE-M", 1)]), ("#2", [("MUG-RED", 1)])])
    build_wave(sqlite_store, w.supervisor)
    ana = w.pickers[0]
    code = picking.claim_next_task(sqlite_store, ana).code
    assert picking.skip_stop(sqlite_store, ana, code).view.stop.sku == "TEE-M"
    picking.report_short(sqlite_store, ana, code, "empty")  # no TEE-M anywhere else
    picking.pause_task(sqlite_store, ana, code)
    app = WmsApp(sqlite_store.url, terminal="SUP-1")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_waves(pilot)
        table = screen.query_one("#waves-tasks", DataTable)
        row = table.get_row_at(0)
        assert row[0] == "W0001-01" and row[1] == "paused" and "Ana Lindqvist" in row[4]
        shorts = screen.query_one("#waves-shorts", DataTable)
        assert shorts.row_count >= 1
        first = shorts.get_row_at(0)
        assert first[1:5] == ["#1", "TEE-M", "A-04-3-A", "Ana Lindqvist HH-01"]
        await press(pilot, "f6")
        released = "✓ Task W0001-01 released from Ana Lindqvist; the next picker gets it"
        assert feedback(app) == released
        assert table.get_row_at(0)[1] == "open"
        await press(pilot, "f6")
        assert feedback(app) == "✗ Task W0001-01 is open, not with a picker"
    with sqlite_store.read() as s:
        task = s.exec(select(PickTask)).one()
        assert task.status is TaskStatus.OPEN and task.picker_id is None


def _label_dir(store: Store, folder) -> None:
    from wms_tui.services.core import settings

    with store.unit_of_work() as uow:
        settings.put(uow.session, "label_dir", str(folder))
        uow.commit()


async def test_f7_writes_the_pick_list_of_the_selected_task(
    ready, sqlite_store: Store, tmp_path
) -> None:
    from tests.printing.helpers import decode, render_pages
    from wms_tui.services.picking.waves import build_wave

    _label_dir(sqlite_store, tmp_path)
    app = WmsApp(sqlite_store.url, terminal="SUP-1")
    bells = bell_counter(app)
    async with app.run_test(size=(40, 16)) as pilot:
        await open_waves(pilot)
        await press(pilot, "f7")
        assert feedback(app) == "✗ No task to print: build a wave first"
        build_wave(sqlite_store, ready.supervisor, cart_size=2)
        await press(pilot, "f5", "f7")
        await app.workers.wait_for_complete()
        await settle(pilot)
        assert feedback(app).startswith("✓ Pick list W0001-01 (2 stops) saved:")
    (pdf,) = tmp_path.glob("store-*/picklist_W0001-01_*.pdf")
    decoded = {b.text for image in render_pages(pdf.read_bytes()) for b in decode(image)}
    assert {"W0001-01", "A-01-2-A", "MUG-RED"} <= decoded
    assert len(bells) == 1
