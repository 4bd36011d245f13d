"""The top line of every screen: where am I, who am I, which terminal, what time.

On a 40-column handheld all of it does not fit. The screen's title wins: a
floor worker must see which screen the next scan goes to. What gives way, in
this order: the terminal code (the worker holds the terminal), the "wms · "
in front of a title, the full name (first name and initial, then initials:
enough to see that the handheld is still logged in as oneself). The clock
stays; it is the warehouse's clock, the one cut-offs are set in.
"""

from __future__ import annotations

from datetime import datetime

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.events import Resize
from textual.widgets import Static

from wms_tui.ui.wms_app import wms_app

APP_PREFIX = "wms · "
SEP = " · "
PAD = 2  # each part has one column of padding either side


def short_name(name: str) -> str:
    """First name and the last name's initial: "Ana Lindqvist" → "Ana L."

    A name in brackets after the first ("김지훈 (Jihoon Kim)") is a reading aid
    for colleagues; the name before it is the one shown. A one-word name (or a
    Korean name, written without spaces) stays as it is.
    """
    base = name.split("(")[0].strip() or name.strip()
    parts = base.split()
    if len(parts) < 2:
        return base
    return f"{parts[0]} {parts[-1][0]}."


def initials(name: str) -> str:
    """ "Ana Lindqvist" → "AL"; a one-word name stays whole."""
    base = name.split("(")[0].strip() or name.strip()
    parts = base.split()
    if len(parts) < 2:
        return base
    return "".join(p[0] for p in parts).upper()


def fit_bar(width: int, title: str, name: str | None, terminal: str, clock: str) -> tuple[str, str]:
    """The (title, who) texts for a bar ``width`` columns wide, the richest that fit."""
    bare = title.removeprefix(APP_PREFIX) or title
    stamp = [clock] if clock else []
    if name is None:
        tries = [(title, [terminal, *stamp]), (bare, [terminal, *stamp]), (bare, stamp)]
    else:
        tries = [(title, [name, terminal, *stamp]), (title, [name, *stamp])]
        tries += [(bare, [n, *stamp]) for n in (name, short_name(name), initials(name))]
    for t, parts in tries:
        who = SEP.join(parts)
        if cell_len(t) + cell_len(who) + 2 * PAD <= width:
            return t, who
    # Not even that fits: the least of both, and the title is cut with an ellipsis.
    return bare, SEP.join(tries[-1][1])


def until_next_minute(now: datetime) -> float:
    """Seconds from ``now`` to just past the next minute's start."""
    return 60.05 - now.second - now.microsecond / 1e6


class OperatorBar(Horizontal):
    DEFAULT_CSS = """
    OperatorBar { dock: top; height: 1; background: $primary; color: $text; }
    OperatorBar > #bar-title {
        width: 1fr; text-style: bold; padding: 0 1; text-wrap: nowrap; text-overflow: ellipsis;
    }
    OperatorBar > #bar-who { width: auto; padding: 0 1; text-wrap: nowrap; }
    """

    def __init__(self, title: str = "wms") -> None:
        super().__init__()
        self._title = title

    def compose(self) -> ComposeResult:
        yield Static(self._title, id="bar-title", markup=False)
        yield Static("", id="bar-who", markup=False)

    def on_mount(self) -> None:
        self._tick()

    def _tick(self) -> None:
        # On the minute, not every 30 s from mount: a clock that turns up to half a
        # minute late shows the previous minute beside a time the floor reads elsewhere.
        self.refresh_who()
        self.set_timer(until_next_minute(datetime.now()), self._tick)

    def on_resize(self, event: Resize) -> None:
        self.refresh_who()

    def set_title(self, title: str) -> None:
        """A title the screen learnt later (the order it shows), fitted like the first."""
        self._title = title
        self.refresh_who()

    def refresh_who(self) -> None:
        app = wms_app(self)
        actor = app.actor
        # No clock until the store tells the warehouse's timezone: a wrong time
        # on a handheld is worse than none for the moment it takes to open.
        clock = f"{app.local_now():%H:%M}" if app.warehouse_tz is not None else ""
        width = self.size.width or app.size.width
        title, who = fit_bar(width, self._title, actor.name if actor else None, app.terminal, clock)
        self.query_one("#bar-title", Static).update(title)
        self.query_one("#bar-who", Static).update(who)
