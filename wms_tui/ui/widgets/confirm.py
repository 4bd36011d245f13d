"""A yes/no question that must be answered before something irreversible happens."""

from __future__ import annotations

from rich.console import RenderableType
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static


class ConfirmModal(ModalScreen[bool]):
    """Enter (or y) confirms, Escape (or n) cancels; the body scrolls if long.

    Fits a 40×16 handheld: the box takes the screen's width minus a margin
    and at most 80 columns on a wide one.
    """

    DEFAULT_CSS = """
    ConfirmModal { align: center middle; }
    ConfirmModal > #confirm-box {
        width: 100%; max-width: 80; height: auto; max-height: 100%;
        border: thick $warning; background: $surface; padding: 0 1;
    }
    ConfirmModal #confirm-title { text-style: bold; }
    ConfirmModal #confirm-body { height: auto; max-height: 20; }
    ConfirmModal #confirm-keys { color: $text-muted; }
    """
    BINDINGS = [
        Binding("enter,y", "answer(True)", "Yes", id="yes"),
        Binding("escape,n", "answer(False)", "No", id="no"),
    ]

    def __init__(self, title: str, body: RenderableType, yes: str = "Enter = yes") -> None:
        super().__init__()
        self._title = title
        self._body = body
        self._yes = yes

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box"):
            yield Static(self._title, id="confirm-title", markup=False)
            with VerticalScroll(id="confirm-body"):
                yield Static(self._body, markup=False)
            yield Static(f"{self._yes} · Esc = no", id="confirm-keys", markup=False)

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
