"""Scan → redraw on a floor screen, timed the way bench/pack_scan.py times the pack screen.

Used by bench/pick_scan.py and bench/receive_scan.py: in one headless Textual app
(``run_test``, 120×40) it times an **empty redraw** (a blank screen marked dirty and drawn:
the floor of one trip through Textual's queue and compositor) and then **scan → redraw** on
the screen under test: the code arrives as a scanner sends it (a burst of key events, then
Enter) posted to the app, the screen's handler calls its service and re-renders, and the
clock stops when the compositor has drawn the new screen. Every redraw is forced the same
way (``Screen._on_timer_update()``) after the screen has processed its messages, so no sleep
or idle detection ends up in a number. Wall time and this process's CPU time.
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

from textual import events as ui_events
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input

from bench.common import Row, latency_row, pct
from wms_tui.store import Store


@dataclass
class Timings:
    empty: list[float] = field(default_factory=list)
    scan: list[float] = field(default_factory=list)
    scan_cpu: list[float] = field(default_factory=list)


async def settle(node) -> None:  # noqa: ANN001 - a Textual message pump
    """Returns when ``node`` has handled every message posted to it before."""
    settled = asyncio.Event()
    if node.call_later(settled.set):  # False: it has closed and handles nothing more
        await settled.wait()


def _to_report(screen: Screen) -> list[Widget]:
    """Widgets of ``screen`` that have not yet told it what to draw (or have messages)."""
    return [
        w
        for w in screen.walk_children(with_self=False)
        if w._repaint_required
        or w._layout_required
        or w._scroll_required
        or not w._message_queue.empty()
    ]


async def redraw(target: Screen) -> None:
    """Returns when ``target`` has drawn everything its handlers changed.

    A changed widget tells the screen (``messages.Update``) only when its own queue next
    runs idle, after the screen's handler has returned: forcing the update as soon as the
    screen has settled drew only what had already reported, and left the rest to be drawn
    after the clock stopped. So wait for those widgets, then for the screen, then draw.
    """
    await settle(target)
    for _ in range(10):
        waiting = _to_report(target)
        if not waiting:
            break
        await asyncio.gather(*(settle(w) for w in waiting))
        await settle(target)
    target._on_timer_update()


async def empty_redraws(app, pilot, n: int, warmup: int) -> list[float]:  # noqa: ANN001
    blank = Screen()
    await app.push_screen(blank)
    await pilot.pause()
    out = []
    for i in range(warmup + n):
        t0 = time.perf_counter()
        blank.refresh()
        await redraw(blank)
        if i >= warmup:
            out.append(time.perf_counter() - t0)
    app.pop_screen()
    await pilot.pause()
    return out


async def timed_scans(
    app,  # noqa: ANN001 - the WmsApp under test
    screen: Screen,
    field_id: str,
    next_code: Callable[[], Awaitable[str]],
    *,
    n: int,
    warmup: int,
    pause: float,
    timings: Timings,
) -> None:
    """``n`` timed scans (after ``warmup``), each code from ``next_code`` (untimed)."""
    field_ = screen.query_one(field_id, Input)
    for i in range(warmup + n):
        code = await next_code()
        if pause:
            await asyncio.sleep(pause)  # the operator reaches for the next item
        c0 = time.process_time()
        t0 = time.perf_counter()
        for key in [*code, "enter"]:
            app.post_message(ui_events.Key(key, key if len(key) == 1 else "\r"))
        await settle(app)  # the app forwards each key to the focused field
        await settle(field_)  # the field posts Input.Submitted to the screen
        await redraw(screen)
        elapsed = time.perf_counter() - t0
        feedback = screen.feedback.text  # type: ignore[attr-defined]
        if not feedback.startswith("✓"):
            raise SystemExit(f"scan {i} ({code}) was refused: {feedback}")
        if i >= warmup:
            timings.scan.append(elapsed)
            timings.scan_cpu.append(time.process_time() - c0)


def rows(what: str, size: str, t: Timings, pause: float, *, quick: bool) -> list[Row]:
    return [
        latency_row(f"empty-screen redraw ({what} run)", t.empty),
        latency_row(
            f"{what} scan → redraw, {pause:g} s apart, {size}",
            t.scan,
            t.empty,
            baseline_what="ms empty redraw",
            limit_ms=16,
            max_ratio=4,
            target="p99 ≤ 16 ms and ≤ 4× empty",
            judge=not quick,
            note=f"CPU p99 {1000 * pct(t.scan_cpu, 0.99):.1f} ms; {len(t.scan)} scans",
        ),
    ]


@asynccontextmanager
async def logged_in(
    store: Store, terminal: str, badge: str, scans: int, warmup: int
) -> AsyncIterator[tuple[object, object, Timings]]:
    """A headless app at 120×40 on ``store``, ``badge`` logged in at ``terminal``, and its
    empty-redraw baseline already measured: (app, pilot, timings)."""
    from wms_tui.ui.app import WmsApp

    app = WmsApp(store.url, terminal=terminal, freeze_memory=True)
    t = Timings()
    async with app.run_test(size=(120, 40)) as pilot:
        while app.store is None:
            await pilot.pause(0.02)
        app.login(badge)
        await pilot.pause()
        t.empty = await empty_redraws(app, pilot, scans, warmup)
        yield app, pilot, t


def on_a_copy(cached: Path, measure: Callable[..., Awaitable[Timings]], *args: object) -> Timings:
    """``measure(store, *args)`` on a throw-away copy of the cached store."""
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "scans.db"
        shutil.copy(cached, db)
        store = Store(f"sqlite:///{db}")
        try:
            return asyncio.run(measure(store, *args))
        finally:
            store.dispose()
