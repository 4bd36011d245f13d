"""Badge login: the first thing on every terminal."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Center, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from wms_tui.ui.messages import BadgeScanned, LoginRefused, StoreOpened
from wms_tui.ui.widgets.feedback import Feedback
from wms_tui.ui.widgets.operator_bar import OperatorBar
from wms_tui.ui.widgets.scan_input import ScanInput


class LoginScreen(Screen):
    """Reads a badge and posts :class:`BadgeScanned`; the app does the login and
    answers with :class:`LoginRefused` or a new screen."""

    BINDINGS = [("ctrl+q", "app.quit", "Quit")]

    def __init__(self, store_open: bool = False) -> None:
        super().__init__()
        self._store_open = store_open

    def compose(self) -> ComposeResult:
        yield OperatorBar("wms · log in")
        with Center(), Vertical(id="login-box"):
            yield Static("Scan your badge", id="login-title")
            yield ScanInput(placeholder="badge", id="badge")
            yield Feedback("", id="feedback")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#badge", Input).focus()
        if not self._store_open:
            self.query_one(Feedback).info("Opening store…")

    def on_store_opened(self, message: StoreOpened) -> None:
        self._store_open = message.error is None
        fb = self.query_one(Feedback)
        if message.error:
            fb.error(message.error)
        else:
            fb.clear()

    def on_login_refused(self, message: LoginRefused) -> None:
        self.query_one(Feedback).error(message.reason)

    @on(Input.Submitted, "#badge")
    def submit_badge(self, event: Input.Submitted) -> None:
        event.stop()
        self.post_message(BadgeScanned(event.value))
