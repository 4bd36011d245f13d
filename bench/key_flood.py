"""A flood of keys into a scan field: a stuck key, or a scanner gone wild.

    python -m bench --only key_flood

10,000 separate key events (then Enter) are queued at once to a headless app
(``run_test``, 40×16) whose one widget is the scan field, as the driver queues
what it read; the clock stops when the field has submitted the whole code.
The baseline, in the same run and the same app, is Textual's own ``Input``
fed the same keys: it puts every key in the field on its own, which at 10,000
keys froze a handheld for ~20 s (seen in tmux). ``ScanInput`` puts the keys
queued together in the field as one insert. Target: 5× faster than the
baseline (each key still costs Textual's dispatch, which both pay).
"""

from __future__ import annotations

import asyncio
import time

from textual import events
from textual.app import App, ComposeResult
from textual.widgets import Input

from bench.common import Row
from wms_tui.ui.widgets.scan_input import ScanInput


class _Field(App[None]):
    def __init__(self, field: Input) -> None:
        super().__init__()
        self.field = field
        self.submitted: asyncio.Event = asyncio.Event()
        self.value = ""

    def compose(self) -> ComposeResult:
        yield self.field

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.value = event.value
        self.submitted.set()


async def _flood(field: Input, keys: int) -> float:
    app = _Field(field)
    async with app.run_test(size=(40, 16)) as pilot:
        field.focus()
        await pilot.pause()
        assert app._driver is not None
        started = time.perf_counter()
        for key in [*(events.Key("x", "x") for _ in range(keys)), events.Key("enter", "\r")]:
            key.set_sender(app)
            app._driver.send_message(key)
        await app.submitted.wait()
        took = time.perf_counter() - started
    if app.value != "x" * keys:
        raise AssertionError(f"{type(field).__name__} submitted {len(app.value)} of {keys} keys")
    return took


def run(quick: bool) -> list[Row]:
    keys = 500 if quick else 10_000
    # Once each, one after the other: the baseline alone takes ~35 s on a loaded machine.
    base = asyncio.run(_flood(Input(), keys))
    result = asyncio.run(_flood(ScanInput(), keys))
    ratio = base / result
    print(f"key_flood: {keys:,} keys: Input {base:.2f} s, ScanInput {result:.2f} s ({ratio:.1f}x)")
    return [
        Row(
            f"{keys:,} keys into a scan field → submitted",
            result * 1000,
            "ms",
            baseline=base * 1000,
            baseline_what="Textual's Input, same keys",
            target="5x faster than the baseline",
            ok=None if quick else ratio >= 5,
            ratio=result / base,
        )
    ]
