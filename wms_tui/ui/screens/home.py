"""Home menu: the screens this operator's roles allow, chosen by number or F-key."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.events import Key
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from wms_tui.ui.base import WmsScreen
from wms_tui.ui.menu import MENU_KEYS, MenuEntry, entries_for
from wms_tui.ui.messages import LogoutAsked
from wms_tui.ui.widgets.dialogs import AskConfirm


class HomeScreen(WmsScreen):
    TITLE_TEXT = "wms · menu"
    CSS_PATH = "home.tcss"
    BINDINGS = [
        # Shown here for the footer; the app takes Ctrl+L first, on every screen.
        Binding("ctrl+l", "app.logout", "Log out", id="logout"),
        # Esc is "back" everywhere else: pressed once too often here it would
        # log a picker out mid-shift, so the menu asks first.
        Binding("escape", "ask_logout", "Log out", show=False, id="back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.entries: list[MenuEntry] = entries_for(self.actor_roles())

    def actor_roles(self) -> frozenset[str]:
        actor = self.wms.actor
        return actor.roles if actor else frozenset()

    def compose_body(self) -> ComposeResult:
        actor = self.wms.actor
        roles = ", ".join(sorted(actor.roles)) if actor else ""
        yield Static(
            f"Hello {actor.name if actor else ''} ({roles})", id="home-hello", markup=False
        )
        if not self.entries:
            yield Static(
                "No screens for your role yet. Ask a supervisor.", id="home-empty", markup=False
            )
            return
        options = [
            Option(f"{MENU_KEYS[i]}  {e.label}  [dim]{e.hint}[/]", id=e.id)
            for i, e in enumerate(self.entries)
        ]
        yield OptionList(*options, id="home-menu")

    def on_mount(self) -> None:
        if self.entries:
            self.query_one(OptionList).focus()
        from wms_tui.ui.resume_offer import offer_open_work

        offer_open_work(self)

    def action_ask_logout(self) -> None:
        name = self.wms.actor.name if self.wms.actor else ""

        def answered(yes: bool | None) -> None:
            if yes:
                self.post_message(LogoutAsked())

        self.app.push_screen(
            AskConfirm("Log out?", [f"{name}, you will be logged out of this terminal."]),
            answered,
        )

    def open_entry(self, entry: MenuEntry) -> None:
        self.app.push_screen(entry.build())

    @on(OptionList.OptionSelected, "#home-menu")
    def selected(self, event: OptionList.OptionSelected) -> None:
        self.open_entry(self.entries[event.option_index])

    def on_key(self, event: Key) -> None:
        if self.app.screen is not self:
            # Typed after the key that opened a screen, in the same burst (a menu key
            # and a scan at once): it is that screen's, not a second menu choice.
            event.stop()
            self.app.post_message(Key(event.key, event.character))
            return
        index: int | None = None
        if event.key.startswith("f") and event.key[1:].isdigit():
            index = int(event.key[1:]) - 1
        elif event.character and event.character in MENU_KEYS:
            index = MENU_KEYS.index(event.character)
        if index is None:
            return
        event.stop()
        if 0 <= index < len(self.entries):
            self.open_entry(self.entries[index])
        else:
            self.app.bell()
            self.notify(f"No menu entry {event.key}", severity="error", timeout=2)
