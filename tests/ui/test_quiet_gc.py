"""The cyclic GC is held while keys arrive and let go when the keyboard is quiet."""

from __future__ import annotations

import gc
import sys
from pathlib import Path

import pytest

from wms_tui.store import Store
from wms_tui.ui.app import WmsApp
from wms_tui.ui.quiet_gc import QuietCollector


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def gc_restored():
    """Whatever a test does, the collector is on again afterwards."""
    was = gc.isenabled()
    yield
    if was:
        gc.enable()
    else:
        gc.disable()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def test_held_while_keys_arrive_then_released_when_quiet(gc_restored, clock) -> None:
    gc.enable()
    qc = QuietCollector(quiet_after=0.12, max_hold=3.0, clock=clock)
    qc.activity()
    assert not gc.isenabled() and qc.holding
    for _ in range(5):  # a scanner burst: a key every 10 ms, timer ticks between
        clock.now += 0.01
        qc.activity()
        qc.tick()
        assert not gc.isenabled()
    clock.now += 0.11
    qc.tick()
    assert not gc.isenabled(), "released before the keyboard was quiet long enough"
    clock.now += 0.02
    qc.tick()
    assert gc.isenabled() and not qc.holding


def test_never_held_longer_than_max_hold(gc_restored, clock) -> None:
    gc.enable()
    qc = QuietCollector(quiet_after=0.12, max_hold=3.0, clock=clock)
    qc.activity()
    released_at = None
    for step in range(1, 400):  # someone leans on a key: one every 10 ms
        clock.now += 0.01
        qc.activity()
        qc.tick()
        if gc.isenabled():
            released_at = step
            break
    assert released_at is not None and 299 <= released_at <= 301
    # The next key starts a new hold: the due collection ran in between.
    qc.activity()
    assert not gc.isenabled()
    qc.release()
    assert gc.isenabled()


def test_does_not_enable_a_collector_someone_else_disabled(gc_restored, clock) -> None:
    gc.disable()
    qc = QuietCollector(clock=clock)
    qc.activity()
    assert not qc.holding
    clock.now += 10
    qc.tick()
    qc.release()
    assert not gc.isenabled()


async def test_app_holds_gc_during_a_scan_burst_and_lets_go_after(
    gc_restored, sqlite_store: Store, clock: FakeClock
) -> None:
    gc.enable()
    app = WmsApp(sqlite_store.url, terminal="PACK-1")
    # The keyboard goes quiet when this clock says so: on the real one, a busy
    # machine let 0.12 s pass after the burst's last key before the check, the
    # app rightly let go, and the test failed (seen at load 17).
    app.quiet_gc = QuietCollector(clock=clock)
    async with app.run_test(size=(40, 16)) as pilot:
        await pilot.press(*"4006381333931")
        assert app.quiet_gc.holding and not gc.isenabled()
        clock.now += app.quiet_gc.quiet_after
        for _ in range(50):
            await pilot.pause(0.05)
            if gc.isenabled():
                break
        assert gc.isenabled() and not app.quiet_gc.holding
        await pilot.press("x")
        assert not gc.isenabled()
    # Shut down mid-hold: the app must not leave the process without a collector.
    assert gc.isenabled()


async def test_freeze_only_when_asked_and_once_per_kind(
    gc_restored, sqlite_store: Store, monkeypatch
) -> None:
    calls: list[str] = []
    monkeypatch.setattr("wms_tui.ui.app.freeze_long_lived", lambda: calls.append("freeze"))
    app = WmsApp(sqlite_store.url, terminal="PACK-1")
    async with app.run_test(size=(40, 16)) as pilot:
        app.freeze_once("pack")
        await pilot.pause()
    assert calls == [], "tests and embedded apps must not pin memory"

    app = WmsApp(sqlite_store.url, terminal="PACK-1", freeze_memory=True)
    async with app.run_test(size=(40, 16)) as pilot:
        while app.store is None:
            await pilot.pause(0.02)
        await pilot.pause()
        assert calls == ["freeze"]  # the store opened
        # ... with the scan screens and their services loaded, so none freezes on its own
        assert {"wms_tui.ui.screens.packing", "wms_tui.services.packing.station"} <= set(
            sys.modules
        )
        app.freeze_once("login")
        app.freeze_once("login")
        await pilot.pause()
        assert calls == ["freeze", "freeze"]


async def test_no_screen_freezes_memory_on_its_own() -> None:
    """A screen's first visit is not where the app's memory is frozen (start-up is)."""
    screens = Path(__file__).parents[2] / "wms_tui" / "ui" / "screens"
    assert not [p.name for p in screens.glob("*.py") if "freeze_" in p.read_text()]
