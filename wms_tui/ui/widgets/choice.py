"""A small modal list: pick one of a few choices by number, arrows or Enter."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.events import Key
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option


class ChoiceModal(ModalScreen[str | None]):
    """Returns the key of the chosen option, or None on Escape."""

    DEFAULT_CSS = """
    ChoiceModal { align: center middle; }
    ChoiceModal > #choice-box {
        width: 38; max-width: 100%; height: auto; max-height: 100%;
        border: round $warning; background: $surface; padding: 0 1;
    }
    ChoiceModal #choice-title { text-style: bold; }
    ChoiceModal #choice-hint { color: $text-muted; }
    ChoiceModal OptionList { height: auto; max-height: 8; border: none; padding: 0; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="cancel")]

    def __init__(self, title: str, choices: list[tuple[str, str]], hint: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.choices = choices
        self.hint = hint

    def compose(self) -> ComposeResult:
        with Vertical(id="choice-box"):
            yield Static(self.title_text, id="choice-title")
            if self.hint:
                yield Static(self.hint, id="choice-hint")
            options = [
                Option(f"{i}  {label}", id=key)
                for i, (key, label) in enumerate(self.choices, start=1)
            ]
            yield OptionList(*options, id="choice-list")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    @on(OptionList.OptionSelected, "#choice-list")
    def chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def on_key(self, event: Key) -> None:
        if event.character and event.character.isdigit():
            index = int(event.character) - 1
            event.stop()
            if 0 <= index < len(self.choices):
                self.dismiss(self.choices[index][0])
            else:
                self.app.bell()

    def action_cancel(self) -> None:
        self.dismiss(None)
