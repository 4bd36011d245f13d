"""PartialCompositor: a partial update draws what Textual's draws, from fewer widgets."""

from __future__ import annotations

import random

from rich.segment import ControlType
from textual._compositor import Compositor
from textual.app import App, ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Static

from wms_tui.ui.partial_redraw import PartialCompositor

Grid = dict[tuple[int, int], tuple[str, object]]


class Board(Screen):
    """Two columns of lines, some two rows high, over a coloured background."""

    DEFAULT_CSS = """
    Board { background: $panel; }
    #left { width: 1fr; border-right: vkey $primary; }
    #right { width: 1fr; padding: 0 1; }
    .tall { height: 2; background: $boost; }
    Static { height: 1; }
    """

    def __init__(self) -> None:
        super().__init__()
        self._compositor = PartialCompositor()

    def compose(self) -> ComposeResult:
        with Horizontal():
            for side in ("left", "right"):
                with Vertical(id=side):
                    for i in range(9):
                        tall = "tall" if i % 4 == 3 else ""
                        yield Static(f"{side} {i}", id=f"{side}{i}", classes=tall)


def _apply(grid: Grid, update: object, app: App) -> None:
    """Write ``update``'s cells into ``grid`` as a terminal would."""
    console = app.console
    x = y = 0
    for segment in update.__rich_console__(console, console.options):  # type: ignore[attr-defined]
        if segment.control:
            for control in segment.control:
                if control[0] is ControlType.CURSOR_MOVE_TO:
                    x, y = control[1], control[2]
            continue
        for char in segment.text:
            if char == "\n":
                x, y = 0, y + 1
                continue
            grid[(x, y)] = (char, segment.style)
            x += 1


def _full(screen: Screen, app: App) -> Grid:
    grid: Grid = {}
    for y, strip in enumerate(screen._compositor.render_strips()):
        x = 0
        for segment in strip:
            for char in segment.text:
                grid[(x, y)] = (char, segment.style)
                x += 1
    return grid


def _change(screen: Screen, rng: random.Random, step: int) -> set[Widget]:
    changed = set()
    for _ in range(rng.randint(1, 4)):
        side, i = rng.choice(("left", "right")), rng.randrange(9)
        line = screen.query_one(f"#{side}{i}", Static)
        # Two lines: a tall line shows both, its second row changes too.
        line.update(f"{side} {i} step {step}\n" + "x" * rng.randrange(12), layout=False)
        changed.add(line)
    return changed


async def test_partial_updates_leave_the_terminal_as_a_full_draw_would() -> None:
    app = App()
    async with app.run_test(size=(60, 24)) as pilot:
        screen = Board()
        await app.push_screen(screen)
        await pilot.pause()
        compositor = screen._compositor
        rng = random.Random(7)
        terminal = _full(screen, app)
        textual_terminal = dict(terminal)
        for step in range(40):
            # No await from the change to the draw: nothing else draws meanwhile.
            compositor.update_widgets(_change(screen, rng, step))
            regions = set(compositor._dirty_regions)
            _apply(textual_terminal, Compositor.render_partial_update(compositor), app)
            compositor._dirty_regions.update(regions)
            _apply(terminal, compositor.render_partial_update(), app)
            assert terminal == textual_terminal, f"step {step}"
            assert terminal == _full(screen, app), f"step {step}"


async def test_a_partial_update_renders_only_the_rows_that_changed() -> None:
    app = App()
    async with app.run_test(size=(60, 24)) as pilot:
        screen = Board()
        await app.push_screen(screen)
        await pilot.pause()
        rendered: list[tuple[str, int]] = []
        for widget in screen.walk_children(with_self=True):

            def spy(crop, widget=widget, draw=widget.render_lines):  # noqa: ANN001
                rendered.append((widget.id or type(widget).__name__, crop.height))
                return draw(crop)

            widget.render_lines = spy  # type: ignore[method-assign]
        top = screen.query_one("#left0", Static)
        low = screen.query_one("#right8", Static)
        top.update("left 0 changed", layout=False)
        low.update("right 8 changed", layout=False)
        screen._compositor.update_widgets({top, low})
        screen._compositor.render_partial_update()
        drawn = dict(rendered)
        # The two lines, and what lies under them (their column, the row, the screen),
        # for the rows between the two changes at most; no other line of either column.
        assert drawn["left0"] == 1 and drawn["right8"] == 1
        assert not {f"left{i}" for i in range(1, 9)} & drawn.keys()
        assert not {f"right{i}" for i in range(8)} & drawn.keys()
        assert drawn["left"] == 1 and drawn["right"] == 1
        # Textual's own draw renders every widget of the screen, each whole.
        rendered.clear()
        top.update("left 0 again", layout=False)
        low.update("right 8 again", layout=False)
        screen._compositor.update_widgets({top, low})
        Compositor.render_partial_update(screen._compositor)
        assert {f"left{i}" for i in range(9)} <= dict(rendered).keys()
