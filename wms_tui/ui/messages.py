"""App-level events, as Textual messages.

Screens and the app tell each other what happened by posting these instead of
calling each other's methods: the login screen does not know how a login is
done, and the app does not reach into a screen's widgets.
"""

from __future__ import annotations

from textual.message import Message


class BadgeScanned(Message):
    """The login screen read a badge (and the PIN, once asked for); the app logs
    the operator in."""

    def __init__(self, badge: str, pin: str = "") -> None:
        super().__init__()
        self.badge = badge
        self.pin = pin


class PinAsked(Message):
    """The badge is known and its operator has a PIN: the login screen asks for it."""

    def __init__(self, badge: str, prompt: str) -> None:
        super().__init__()
        self.badge = badge
        self.prompt = prompt


class LoggedIn(Message):
    """A login succeeded: the login screen empties itself for the next one."""


class StoreOpened(Message):
    """The store finished opening (``error`` says why it could not; ``hint``: what
    the login screen tells a newcomer, the demo's badges)."""

    def __init__(self, error: str | None, hint: str | None = None) -> None:
        super().__init__()
        self.error = error
        self.hint = hint


class LoginRefused(Message):
    """A badge was refused; the login screen says why."""

    def __init__(self, reason: str) -> None:
        super().__init__()
        self.reason = reason


class LogoutAsked(Message):
    """The operator said yes to logging out (the home menu's Esc); the app logs them
    out, pausing a pick task claimed here, and shows the login screen."""


class StoreReplaced(Message):
    """The store was replaced under this terminal (``wms demo --reset``, a restore):
    the app says so once, on every screen and on the login screen."""
