"""The top line of every screen: where am I, who am I, which terminal."""

from __future__ import annotations

from datetime import datetime

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static


class OperatorBar(Horizontal):
    DEFAULT_CSS = """
    OperatorBar { dock: top; height: 1; background: $primary; color: $text; }
    OperatorBar > #bar-title {
        width: 1fr; text-style: bold; padding: 0 1; text-wrap: nowrap; text-overflow: ellipsis;
    }
    OperatorBar > #bar-who { width: auto; padding: 0 1; }
    """

    def __init__(self, title: str = "wms") -> None:
        super().__init__()
        self._title = title

    def compose(self) -> ComposeResult:
        yield Static(self._title, id="bar-title")
        yield Static("", id="bar-who")

    def on_mount(self) -> None:
        self.refresh_who()
        self.set_interval(30, self.refresh_who)

    def refresh_who(self) -> None:
        app = self.app
        actor = getattr(app, "actor", None)
        terminal = getattr(app, "terminal", "")
        clock = datetime.now().strftime("%H:%M")
        who = f"{actor.name} · {terminal} · {clock}" if actor else f"{terminal} · {clock}"
        self.query_one("#bar-who", Static).update(who)
