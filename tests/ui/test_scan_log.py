"""ScanLog: draws what a Static of the same lines draws, rendering only new lines."""

from __future__ import annotations

import random

from textual.app import App, ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.visual import Visual
from textual.widgets import Static

from wms_tui.ui.widgets.scan_log import ScanLog


class Twins(App[None]):
    CSS = """
    Horizontal { height: 12; }
    #log, #static { width: 1fr; height: 1fr; color: $text-muted; }
    """

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield ScanLog(id="log")
            yield Static("", id="static", markup=False)


def _rows(widget) -> list[str]:  # noqa: ANN001
    """What the widget draws, row by row: each cell's character and style."""
    out = []
    for strip in widget.render_lines(widget.size.region):
        out.append("".join(f"{s.text}\x00{s.style}\x00" for s in strip))
    return out


async def test_the_log_draws_as_a_static_of_its_lines_would() -> None:
    app = Twins()
    rng = random.Random(3)
    words = ["TEE", "+1", "→", "RCV-1", "✗", "Unknown", "barcode", "Åsa", "한글", "[b]x[/b]"]
    async with app.run_test(size=(60, 20)) as pilot:
        log, static = app.query_one("#log", ScanLog), app.query_one("#static", Static)
        lines: list[str] = []
        for step in range(40):
            # Some lines wrap (wider than the log), some are [markup] that must show as typed.
            lines.insert(0, f"{step:02d} " + " ".join(rng.choices(words, k=rng.randint(1, 9))))
            shown = lines[: rng.randint(1, 14)]
            log.show(shown)
            static.update("\n".join(shown))
            await pilot.pause()
            assert _rows(log) == _rows(static), f"step {step}"
            assert str(log.render()) == "\n".join(shown)
        await pilot.resize_terminal(44, 20)  # narrower: every line wraps anew
        await pilot.pause()
        assert _rows(log) == _rows(static)


async def test_a_new_line_is_the_only_one_rendered() -> None:
    app = Twins()
    async with app.run_test(size=(60, 20)) as pilot:
        log = app.query_one("#log", ScanLog)
        log.show([f"line {i}" for i in range(10)])
        await pilot.pause()
        rendered: list[str] = []
        real = Visual.to_strips

        def counting(widget, visual, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003
            if widget is log:
                rendered.append(str(visual))
            return real(widget, visual, *args, **kwargs)

        Visual.to_strips = counting  # type: ignore[method-assign]
        try:
            log.show(["line new", *(f"line {i}" for i in range(10))])
            await pilot.pause()
            assert _rows(log)[1].startswith("line 0")
        finally:
            Visual.to_strips = real  # type: ignore[method-assign]
        assert rendered == [str(Content("line new"))]
