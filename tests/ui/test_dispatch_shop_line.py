"""The dispatch overview's one line about the shop sync (last run, queued, refused)."""

from __future__ import annotations

from datetime import timedelta

from textual.widgets import Static

from tests.ui.helpers import open_overview
from tests.ui.scanner import press
from tests.worlds.dispatch import Dock
from wms_tui.domain.clock import utcnow
from wms_tui.domain.models.integration import ShopOutbox
from wms_tui.services.shop import state
from wms_tui.store import Store
from wms_tui.ui.app import WmsApp


def synced(store: Store, *, queued: int, refused: int, error: str = "") -> None:
    with store.unit_of_work() as uow:
        state.put(uow.session, state.LAST_RUN, (utcnow() - timedelta(minutes=1)).isoformat())
        state.put(uow.session, state.LAST_ERROR, error)
        for n in range(queued + refused):
            uow.add(ShopOutbox(kind="fulfillment", ref=str(n), failed=n >= queued))
        uow.commit()


async def test_no_shop_no_line(dock: Dock) -> None:
    app = WmsApp(dock.store.url, terminal="OFFICE")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_overview(pilot)
        assert "shop" not in str(screen.query_one("#t-trucks", Static).render())


async def test_wide_overview_shows_the_sync(dock: Dock) -> None:
    synced(dock.store, queued=2, refused=1, error="stock: the shop said: Access denied")
    app = WmsApp(dock.store.url, terminal="OFFICE")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_overview(pilot)
        title = str(screen.query_one("#t-trucks", Static).render())
        assert "shop sync " in title and "2 queued · 1 refused" in title
        assert "Access denied" in title


async def test_a_handheld_is_not_crowded(dock: Dock) -> None:
    synced(dock.store, queued=2, refused=0)
    app = WmsApp(dock.store.url, terminal="OFFICE")
    async with app.run_test(size=(40, 16)) as pilot:
        screen = await open_overview(pilot)
        assert not screen.wide_layout
        await press(pilot, "3", "right", "left")  # panels still answer
        assert screen.error == ""
