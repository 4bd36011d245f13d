"""Every screen a supervisor reaches from the menu, fed every function key and junk.

The pack, pick, receiving, stock and delays screens have their own fuzz with
worlds of their own (``test_fuzz_screens.py``); here the rest of the menu,
on one world with parcels at the dock: whatever opens, no key and no text
kills the app (``tests/ui/fuzz.py``: an exception ends ``run_test``). Each
screen at one size, the handheld's 40x16 (where the most is cut and
scrolled) and an office screen's 120x40 taking turns down the menu: both
sizes are fed for the cost of one.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.ui.fuzz import feed
from tests.ui.helpers import open_menu_entry, sign_in
from tests.ui.scanner import press
from tests.worlds.dispatch import build_dock
from wms_tui.store import Store
from wms_tui.ui.app import WmsApp
from wms_tui.ui.menu import MENU

FUZZED_ELSEWHERE = {"picking", "packing", "receiving", "stock", "delays"}
SUPERVISOR = sorted(e.id for e in MENU if "supervisor" in e.roles and e.id not in FUZZED_ELSEWHERE)
SIZES = ((40, 16), (120, 40))
SUPERVISOR_AT = [(entry, SIZES[i % 2]) for i, entry in enumerate(SUPERVISOR)]


def test_every_menu_entry_is_fuzzed_somewhere() -> None:
    """A new screen in the menu is fed junk too (the receiver's put-away: below)."""
    receiver_only = {e.id for e in MENU if "supervisor" not in e.roles} - FUZZED_ELSEWHERE
    assert receiver_only == {"putaway"}
    assert {e.id for e in MENU} == set(SUPERVISOR) | FUZZED_ELSEWHERE | receiver_only


async def _fuzz(store: Store, badge: str, entry_id: str, size: tuple[int, int]) -> None:
    from wms_tui.ui.screens.home import HomeScreen

    entry = next(e for e in MENU if e.id == entry_id)
    app = WmsApp(store.url, terminal="OFFICE")
    async with app.run_test(size=size) as pilot:
        await sign_in(pilot, badge)
        await open_menu_entry(pilot, entry_id)
        screen_type = type(app.screen)
        assert screen_type.__name__ == entry.screen

        async def reopen() -> None:
            for _ in range(4):  # back from what a key opened (an order, a history)
                if isinstance(app.screen, screen_type | HomeScreen):
                    break
                await press(pilot, "escape")
            if isinstance(app.screen, HomeScreen):
                await open_menu_entry(pilot, entry_id)

        await feed(pilot, screen_type, reopen)


def test_both_sizes_take_turns() -> None:
    assert {size for _, size in SUPERVISOR_AT} == set(SIZES)


@pytest.mark.parametrize(
    ("entry_id", "size"), SUPERVISOR_AT, ids=[f"{e}-{w}x{h}" for e, (w, h) in SUPERVISOR_AT]
)
async def test_supervisor_screen(
    sqlite_store: Store,
    tmp_path: Path,
    entry_id: str,
    size: tuple[int, int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("WMS_SMTP_HOST", raising=False)
    monkeypatch.delenv("WMS_PRINTER", raising=False)
    dock = build_dock(sqlite_store, tmp_path)
    dock.clock.at = datetime(2026, 3, 10, 15, 30, tzinfo=UTC)
    await _fuzz(sqlite_store, "S9001", entry_id, size)


async def test_receiver_put_away_screen(sqlite_store: Store) -> None:
    from tests.worlds.receiving import TEE_EAN, build
    from wms_tui.services.receiving import receipt

    world = build(sqlite_store)
    receipt.receive_scan(sqlite_store, world.receiver, "PO-1", "PRINT", count=4)
    receipt.receive_scan(sqlite_store, world.receiver, "PO-1", TEE_EAN, count=3)
    await _fuzz(sqlite_store, "R3001", "putaway", (40, 16))  # a handheld's screen
