"""The one-line message under every scan field."""

from __future__ import annotations

from textual.widgets import Static


class Feedback(Static):
    """Shows the result of the last action: ok, error (with bell) or info.

    Errors carry a ✗ and successes a ✓ so the meaning does not rest on colour.
    """

    DEFAULT_CLASSES = "feedback"

    def ok(self, message: str) -> None:
        self._show("ok", f"✓ {message}")

    def error(self, message: str) -> None:
        self.app.bell()
        self._show("error", f"✗ {message}")

    def info(self, message: str) -> None:
        self._show("info", message)

    def clear(self) -> None:
        self._show("info", "")

    def _show(self, kind: str, text: str) -> None:
        self.remove_class("ok", "error", "info")
        self.add_class(kind)
        self.update(text)

    @property
    def text(self) -> str:
        return str(self.render())
