"""The delay list (supervisor) at 40×16 and 120×40: causes, notices sent once."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from textual.widgets import DataTable, Static

from tests.ui.helpers import wait_store
from tests.ui.scanner import press, scan, settle
from tests.worlds import factories as f
from tests.worlds.dispatch import Dock, build_dock
from wms_tui.store import Store
from wms_tui.ui.app import WmsApp
from wms_tui.ui.screens.delays import DelaysScreen
from wms_tui.ui.widgets.dialogs import AskConfirm
from wms_tui.ui.widgets.feedback import Feedback

SIZES = [(40, 16), (120, 40)]


@pytest.fixture
def dock(sqlite_store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Dock:
    monkeypatch.delenv("WMS_SMTP_HOST", raising=False)
    d = build_dock(sqlite_store, tmp_path)
    d.clock.at = datetime(2026, 3, 10, 14, 30, tzinfo=UTC)  # 15:30: DHL's 15:00 has passed
    return d


async def open_delays(pilot) -> DelaysScreen:  # noqa: ANN001
    await wait_store(pilot)
    await scan(pilot, "S9001")
    await scan(pilot, f.SUPERVISOR_PIN)
    home = pilot.app.screen
    index = [e.id for e in home.entries].index("delays")
    await press(pilot, "1234567890abcdefghij"[index])
    screen = pilot.app.screen
    assert isinstance(screen, DelaysScreen)
    await pilot.app.workers.wait_for_complete()
    await settle(pilot)
    return screen


@pytest.mark.parametrize("size", SIZES)
async def test_delay_list_and_its_notice_sent_once(dock: Dock, size) -> None:  # noqa: ANN001
    app = WmsApp(dock.store.url, terminal="OFFICE")
    async with app.run_test(size=size) as pilot:
        screen = await open_delays(pilot)
        assert [(o.name, o.cause) for o in screen.found.orders] == [("#3", "missed cut-off")]
        await press(pilot, "enter")  # the order: where it is, who did what
        await settle(pilot)
        assert type(app.screen).__name__ == "OrderScreen"
        await press(pilot, "escape")
        assert app.screen is screen
        table = screen.query_one("#dly-table", DataTable)
        cells = [str(c) for c in table.get_row_at(0)]
        assert cells[0] == "#3" and any("✗" in c for c in cells)
        head = str(screen.query_one("#dly-head", Static).render())
        assert head.startswith(
            ("1 order late or at risk · 1 to notify", "1 late or at risk · 1 to")
        )
        assert len(head) <= size[0] or size[0] > 100
        await press(pilot, "f2")
        assert isinstance(app.screen, AskConfirm)
        await press(pilot, "escape")  # no: nothing written
        await settle(pilot)
        assert list(dock.outbox.glob("delay-*")) == []
        await press(pilot, "f2")
        await press(pilot, "enter")
        await pilot.app.workers.wait_for_complete()
        await settle(pilot)
        await pilot.app.workers.wait_for_complete()
        await settle(pilot)
        assert [p.name for p in dock.outbox.glob("delay-*.eml")] == ["delay-3-3.eml"]
        assert screen.found.to_notify == ()
        cells = [str(c) for c in table.get_row_at(0)]
        assert any("✓" in c for c in cells)
        await press(pilot, "f2")  # again: everyone has had theirs
        shown = screen.query_one("#dly-fb", Feedback).text
        assert "Every order on the list has had its delay notice" in shown
        assert [p.name for p in dock.outbox.glob("delay-*.eml")] == ["delay-3-3.eml"]


async def test_an_empty_list_says_so(dock: Dock) -> None:
    dock.clock.at = datetime(2026, 3, 10, 8, 0, tzinfo=UTC)  # 09:00: every cut-off ahead
    app = WmsApp(dock.store.url, terminal="OFFICE")
    async with app.run_test(size=(40, 16)) as pilot:
        screen = await open_delays(pilot)
        assert screen.found.orders == ()
        assert "No order will miss its promised date" in screen.query_one("#dly-fb", Feedback).text
        await press(pilot, "f2")
        assert "Every order on the list" in screen.query_one("#dly-fb", Feedback).text
