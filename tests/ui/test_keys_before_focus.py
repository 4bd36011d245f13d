"""Keys that arrive in one burst with the menu key go to the screen it opens.

A packer presses the menu key and scans a tote at once (over SSH both often arrive in
one read). The menu took the scan's digits as further menu choices ('2' opened Stock
on top of the pack station), and keys dispatched while the new screen came up reached
no widget; the Enter then opened the pack queue's highlighted order: a different order
from the tote scanned.
"""

from __future__ import annotations

from pathlib import Path

from tests.ui.helpers import MENU_KEYS, feedback, sign_in, until
from tests.ui.scanner import burst
from tests.worlds import packing as pw
from wms_tui.store import Store
from wms_tui.ui.app import WmsApp
from wms_tui.ui.screens.packing import PackScreen


async def test_a_tote_scanned_with_the_menu_key_opens_its_order(
    sqlite_store: Store, tmp_path: Path
) -> None:
    world = pw.build(sqlite_store, label_dir=str(tmp_path / "labels"))
    app = WmsApp(world.store.url, terminal="PACK-1")
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, "K2001")
        key = MENU_KEYS[[e.id for e in app.screen.entries].index("packing")]
        # The queue's first order is #1042 (tote T-0001); the packer scans T-0002.
        burst(app, [key, *"T-0002", "enter"])
        await until(pilot, lambda: getattr(app.screen, "view", None) is not None, "an order")
        assert isinstance(app.screen, PackScreen)
        assert [type(s).__name__ for s in app.screen_stack[1:]] == ["HomeScreen", "PackScreen"]
        assert app.screen.view.order_name == "#1043", feedback(app)
