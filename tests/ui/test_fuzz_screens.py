"""No keystroke may kill a screen: every field of the floor screens, fed junk.

Each screen is opened as a worker would, then fed by ``tests/ui/fuzz.feed``:
every function key, and whatever field or dialog then has the focus gets the
texts a keyboard, a scanner or AltGr can produce (``²`` on a German keyboard
was pack screen → F4 → ``²`` → Enter: the app died), each followed by Enter.
An exception anywhere ends ``run_test`` with it, so reaching the end is the
assertion; the screen is still there and says nothing raw.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.screen import ModalScreen

from tests.ui.fuzz import feed
from tests.ui.helpers import open_menu_entry, open_pack, open_pick, open_receiving, sign_in
from tests.ui.scanner import press, scan
from tests.worlds import packing as pw
from tests.worlds.picking import build_world
from tests.worlds.receiving import build as build_receiving
from wms_tui.services.picking.waves import build_wave
from wms_tui.store import Store
from wms_tui.ui.app import WmsApp

pytestmark = pytest.mark.slow  # run first: see tests/conftest.py


@pytest.mark.parametrize("size", [(40, 16), (120, 40)])
async def test_pack_screen(sqlite_store: Store, tmp_path: Path, size) -> None:
    from wms_tui.ui.screens.packing import PackScreen

    pw.build(sqlite_store, label_dir=str(tmp_path / "labels"))
    app = WmsApp(sqlite_store.url, terminal="PACK-1")
    async with app.run_test(size=size) as pilot:
        await open_pack(pilot)

        async def reopen() -> None:
            await open_menu_entry(pilot, "packing")

        await feed(pilot, PackScreen, reopen)  # no order open
        await scan(pilot, "#1042")
        await feed(pilot, PackScreen, reopen)  # an order open


async def test_pick_screen(sqlite_store: Store) -> None:
    from wms_tui.ui.screens.picking import PickScreen

    w = build_world(sqlite_store)
    build_wave(sqlite_store, w.supervisor, cart_size=3)
    app = WmsApp(sqlite_store.url, terminal="HH-01")
    async with app.run_test(size=(40, 16)) as pilot:
        await open_pick(pilot)

        async def reopen() -> None:
            await open_menu_entry(pilot, "picking")

        await feed(pilot, PickScreen, reopen)


async def test_receiving_screen(sqlite_store: Store, tmp_path: Path) -> None:
    from wms_tui.ui.screens.receiving import ReceivingScreen

    build_receiving(sqlite_store)
    app = WmsApp(sqlite_store.url, terminal="RCV-1")
    # The receiving desk's screen; the pick screen above is fed at a handheld's.
    async with app.run_test(size=(120, 40)) as pilot:
        await open_receiving(pilot)

        async def reopen() -> None:
            await open_menu_entry(pilot, "receiving")

        await feed(pilot, ReceivingScreen, reopen)


async def test_the_reported_repro_pack_f4_superscript_two(sqlite_store: Store, tmp_path) -> None:
    """Pack screen → F4 → ``²`` (AltGr+2 on a German keyboard) → Enter killed the app."""
    from wms_tui.ui.screens.packing import PackScreen

    pw.build(sqlite_store, label_dir=str(tmp_path / "labels"))
    app = WmsApp(sqlite_store.url, terminal="PACK-1")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_pack(pilot)
        await scan(pilot, "#1042")
        await press(pilot, "f4", "²", "enter")
        while isinstance(app.screen, ModalScreen):
            await press(pilot, "escape")
        assert isinstance(app.screen, PackScreen)


async def _back_to(pilot, screen_type: type, entry_id: str) -> None:  # noqa: ANN001
    """Escape from whatever a key opened (a row's history, an order) back to the
    screen, or to the menu and in again."""
    from wms_tui.ui.screens.home import HomeScreen

    for _ in range(4):
        if isinstance(pilot.app.screen, screen_type | HomeScreen):
            break
        await press(pilot, "escape")
    if isinstance(pilot.app.screen, HomeScreen):
        await open_menu_entry(pilot, entry_id)


@pytest.mark.parametrize("size", [(40, 16), (120, 40)])
async def test_stock_screen(sqlite_store: Store, size) -> None:
    from wms_tui.ui.screens.stock import StockScreen

    build_receiving(sqlite_store)
    app = WmsApp(sqlite_store.url, terminal="HH-1")
    async with app.run_test(size=size) as pilot:
        await sign_in(pilot, "S9001")
        await open_menu_entry(pilot, "stock")

        async def reopen() -> None:
            await _back_to(pilot, StockScreen, "stock")

        await feed(pilot, StockScreen, reopen)


@pytest.mark.parametrize("size", [(40, 16), (120, 40)])
async def test_delays_screen(sqlite_store: Store, tmp_path: Path, size, monkeypatch) -> None:  # noqa: ANN001
    from datetime import UTC, datetime

    from tests.worlds.dispatch import build_dock
    from wms_tui.ui.screens.delays import DelaysScreen

    monkeypatch.delenv("WMS_SMTP_HOST", raising=False)
    dock = build_dock(sqlite_store, tmp_path)
    dock.clock.at = datetime(2026, 3, 10, 15, 30, tzinfo=UTC)  # after the cut-offs
    app = WmsApp(sqlite_store.url, terminal="OFFICE")
    async with app.run_test(size=size) as pilot:
        await sign_in(pilot, "S9001")
        await open_menu_entry(pilot, "delays")

        async def reopen() -> None:
            await _back_to(pilot, DelaysScreen, "delays")

        await feed(pilot, DelaysScreen, reopen)
    assert list(dock.outbox.glob("delay-*.eml")) == []  # F2 asked; Escape said no
