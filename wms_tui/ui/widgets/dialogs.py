"""Small modal dialogs driven by the keyboard: confirm (yes/no) and ask for a reason."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from wms_tui.domain.scans import clean_scan
from wms_tui.ui.widgets.feedback import Feedback

DIALOG_CSS = """
{cls} {{ align: center middle; }}
{cls} > Vertical {{
    width: 60; max-width: 100%; height: auto; max-height: 100%;
    border: round $accent; background: $panel; padding: 0 1;
}}
{cls} .dlg-title {{ text-style: bold; }}
{cls} .dlg-hint {{ color: $text-muted; }}
{cls} Input {{ background: $boost; margin: 1 0 0 0; }}
"""


class ConfirmDialog(ModalScreen[bool]):
    """Enter or y = yes; Escape or n = no."""

    DEFAULT_CSS = DIALOG_CSS.format(cls="ConfirmDialog")
    BINDINGS = [
        Binding("enter,y", "answer(True)", "Yes", id="confirm-yes"),
        Binding("escape,n", "answer(False)", "No", id="confirm-no"),
    ]

    def __init__(self, title: str, detail: str = "") -> None:
        super().__init__()
        self._title, self._detail = title, detail

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self._title, classes="dlg-title", markup=False)
            if self._detail:
                yield Static(self._detail, markup=False)
            yield Static("Enter/y = yes · Esc/n = no", classes="dlg-hint")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


class ReasonDialog(ModalScreen[str | None]):
    """A one-line reason; an empty one is refused with a bell. Escape = never mind."""

    DEFAULT_CSS = DIALOG_CSS.format(cls="ReasonDialog")
    BINDINGS = [Binding("escape", "cancel", "Back", id="reason-cancel")]

    def __init__(self, title: str, hint: str = "", max_length: int = 120) -> None:
        super().__init__()
        self._title, self._hint, self._max = title, hint, max_length

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self._title, classes="dlg-title", markup=False)
            yield Input(placeholder="reason", max_length=self._max, compact=True, id="reason")
            if self._hint:
                yield Static(self._hint, classes="dlg-hint", markup=False)
            yield Feedback("", id="reason-feedback")

    def on_mount(self) -> None:
        self.query_one("#reason", Input).focus()

    @on(Input.Submitted, "#reason")
    def submitted(self, event: Input.Submitted) -> None:
        reason = " ".join(clean_scan(event.value).split())
        if not reason:
            self.query_one(Feedback).error("Type a reason, or Esc to go back")
            return
        self.dismiss(reason)

    def action_cancel(self) -> None:
        self.dismiss(None)
