"""Badge login: the first thing on every terminal."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Center, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from wms_tui.ui.widgets.feedback import Feedback
from wms_tui.ui.widgets.operator_bar import OperatorBar
from wms_tui.ui.widgets.scan_input import ScanInput


class LoginScreen(Screen):
    BINDINGS = [("ctrl+q", "app.quit", "Quit")]

    def compose(self) -> ComposeResult:
        yield OperatorBar("wms · log in")
        with Center(), Vertical(id="login-box"):
            yield Static("Scan your badge", id="login-title")
            yield ScanInput(placeholder="badge", id="badge")
            yield Feedback("", id="feedback")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#badge", Input).focus()
        if self.app.store is None:  # type: ignore[attr-defined]
            self.query_one(Feedback).info("Opening store…")

    def store_ready(self, error: str | None) -> None:
        fb = self.query_one(Feedback)
        if error:
            fb.error(error)
        else:
            fb.clear()

    @on(Input.Submitted, "#badge")
    def submit_badge(self, event: Input.Submitted) -> None:
        self.app.login(event.value)  # type: ignore[attr-defined]

    def show_error(self, message: str) -> None:
        self.query_one(Feedback).error(message)
