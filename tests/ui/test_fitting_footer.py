"""Footers on a 40-column handheld show whole keys, and the keys left out still work."""

from __future__ import annotations

import pytest

from tests.ui.helpers import footer_keys, open_dock, open_receiving
from tests.ui.scanner import scan
from tests.worlds.dispatch import Dock
from wms_tui.store import Store
from wms_tui.ui.app import WmsApp
from wms_tui.ui.widgets.dialogs import AskChoice


async def test_receiving_footer_drops_whole_keys_and_they_still_work(
    receiving_store: Store,
) -> None:
    app = WmsApp(receiving_store.url, terminal="RCV-1")
    async with app.run_test(size=(40, 16)) as pilot:
        await open_receiving(pilot)
        await scan(pilot, "PO-1")
        assert footer_keys(app) == ["f3", "f4", "f5", "f9"]  # F9 undoes this terminal's last scan
        await scan(pilot, "PRINT")  # no barcode: F8 labels; something to put away: F7
        assert footer_keys(app) == ["f3", "f4", "f5", "f7", "f8"]
        await scan(pilot, "2000000000015")  # unknown: F6 link
        assert footer_keys(app) == ["f3", "f4", "f5", "f6", "f7"]
        await pilot.press("f8")  # not in the footer, still there
        await pilot.pause()
        assert isinstance(app.screen, AskChoice) and app.screen._title == "1 SKU label (1 product)"


@pytest.mark.parametrize("size", [(40, 16), (120, 40)])
async def test_handover_footer_keeps_the_carrier_key(dock: Dock, size: tuple[int, int]) -> None:
    app = WmsApp(dock.store.url, terminal="DOCK-1")
    async with app.run_test(size=size) as pilot:
        await open_dock(pilot, "K2001")
        await scan(pilot, "pn")
        keys = footer_keys(app)
        assert {"f10", "f8", "f2"} <= set(keys)
        assert ("f4" in keys) == (size[0] < 90)  # the list switch is for narrow screens


async def test_a_scan_that_changes_no_key_leaves_the_footer_as_it_was(
    receiving_store: Store,
) -> None:
    app = WmsApp(receiving_store.url, terminal="RCV-1")
    async with app.run_test(size=(40, 16)) as pilot:
        await open_receiving(pilot)
        await scan(pilot, "PO-1")
        await scan(pilot, "PRINT")
        keys = list(app.screen.query("FooterKey"))
        await scan(pilot, "PRINT")  # the same keys apply: no remount
        assert list(app.screen.query("FooterKey")) == keys
        await scan(pilot, "2000000000015")  # unknown: F6 link appears on a handheld
        assert list(app.screen.query("FooterKey")) != keys
