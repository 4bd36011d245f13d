"""What every floor screen shares: the operator bar, the footer, the store."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer

from wms_tui.ui.widgets.operator_bar import OperatorBar

if TYPE_CHECKING:
    from wms_tui.domain.actor import Actor
    from wms_tui.store import Store
    from wms_tui.ui.app import WmsApp


class WmsScreen(Screen):
    """Base for screens opened from the home menu.

    Subclasses implement ``compose_body``; they talk to services with
    ``self.store`` and ``self.actor`` and never open sessions themselves.
    """

    TITLE_TEXT = "wms"
    BINDINGS = [
        Binding("escape", "back", "Back", id="back"),
    ]

    @property
    def wms(self) -> WmsApp:
        return self.app  # type: ignore[return-value]

    @property
    def store(self) -> Store:
        return self.wms.store

    @property
    def actor(self) -> Actor:
        actor = self.wms.actor
        assert actor is not None, "screen opened without a logged-in operator"
        return actor

    def compose(self) -> ComposeResult:
        yield OperatorBar(self.TITLE_TEXT)
        yield from self.compose_body()
        yield Footer(compact=True)

    def compose_body(self) -> ComposeResult:
        yield from ()

    def action_back(self) -> None:
        self.dismiss()
