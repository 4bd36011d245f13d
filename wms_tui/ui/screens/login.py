"""Badge login, then a PIN when the operator has one: the first thing on every terminal."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from wms_tui.domain.shown import excerpt
from wms_tui.ui.messages import BadgeScanned, LoggedIn, LoginRefused, PinAsked, StoreOpened
from wms_tui.ui.widgets.feedback import Feedback
from wms_tui.ui.widgets.operator_bar import OperatorBar
from wms_tui.ui.widgets.scan_input import ScanInput


class LoginScreen(Screen):
    """Reads a badge, then the PIN when the app asks for one (:class:`PinAsked`),
    and posts :class:`BadgeScanned`; the app does the login and answers with
    :class:`LoginRefused`, :class:`PinAsked` or a new screen."""

    BINDINGS = [
        ("ctrl+q", "app.quit", "Quit"),
        Binding("escape", "back_to_badge", "Badge", show=False, id="login-back"),
    ]

    def __init__(self, store_open: bool = False, hint: str | None = None) -> None:
        super().__init__()
        self._store_open = store_open
        self._hint = hint
        self.badge_for_pin: str | None = None

    def compose(self) -> ComposeResult:
        yield OperatorBar("wms · log in")
        with Center(), Vertical(id="login-box"):
            yield Static("Scan your badge", id="login-title", markup=False)
            yield ScanInput(placeholder="badge", id="badge", max_length=64)
            yield ScanInput(placeholder="PIN", id="pin", password=True, max_length=12)
            yield Feedback("", id="feedback")
            yield Static(self._hint or "", id="login-hint", markup=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#pin").display = False
        self.query_one("#login-hint").display = bool(self._hint)
        self.query_one("#badge", Input).focus()
        if not self._store_open:
            self.query_one(Feedback).info("Opening store…")

    def on_store_opened(self, message: StoreOpened) -> None:
        self._store_open = message.error is None
        self._hint = message.hint
        hint = self.query_one("#login-hint", Static)
        hint.update(message.hint or "")
        hint.display = bool(message.hint)
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

    @on(Input.Submitted, "#pin")
    def submit_pin(self, event: Input.Submitted) -> None:
        event.stop()
        if self.badge_for_pin is not None:
            self.post_message(BadgeScanned(self.badge_for_pin, event.value))

    def on_pin_asked(self, message: PinAsked) -> None:
        """The badge is known and needs its PIN: ask for it (Esc: another badge)."""
        self.badge_for_pin = message.badge
        self.query_one("#login-title", Static).update(f"PIN for {excerpt(message.badge, 16)}")
        self.query_one("#badge").display = False
        pin = self.query_one("#pin", Input)
        pin.display = True
        pin.value = ""
        pin.focus()
        self.query_one(Feedback).info(message.prompt)

    def on_logged_in(self, _message: LoggedIn) -> None:
        self.action_back_to_badge()

    def action_back_to_badge(self) -> None:
        if self.badge_for_pin is None:
            return
        self.badge_for_pin = None
        self.query_one("#login-title", Static).update("Scan your badge")
        self.query_one("#pin").display = False
        badge = self.query_one("#badge", Input)
        badge.display = True
        badge.focus()
        self.query_one(Feedback).clear()
