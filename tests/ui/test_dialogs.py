"""The questions answer once: keys that reach a question after its answer go nowhere."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult
from textual.screen import Screen
from textual.widgets import Static

from tests.ui.helpers import until
from tests.ui.scanner import burst, settle
from wms_tui.ui.widgets.dialogs import AskChoice, AskConfirm, AskCount


class Below(Screen):
    def compose(self) -> ComposeResult:
        yield Static("the screen the question was asked from")


class Host(App):
    def __init__(self) -> None:
        super().__init__()
        self.answers: list[object] = []

    def on_mount(self) -> None:
        self.push_screen(Below())


QUESTIONS = {
    "count": (lambda: AskCount("How many?", validate=int), ["5", "enter", "3", "enter"]),
    "confirm": (lambda: AskConfirm("Sure?"), ["enter", "enter"]),
    "choice": (lambda: AskChoice("Why?", ["Crushed", "Wet"]), ["1", "2"]),
}


@pytest.mark.parametrize("kind", QUESTIONS)
async def test_a_second_answer_does_not_close_the_screen_below(kind: str) -> None:
    """Two Enters in one read (a double press, a count and the next scan over SSH): the
    second answered a question already answered, and its dismiss popped the screen the
    question was asked from (the receiving screen vanished to the menu)."""
    make, keys = QUESTIONS[kind]
    app = Host()
    async with app.run_test(size=(40, 16)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, Below), "the screen below")
        below = app.screen
        app.push_screen(make(), app.answers.append)
        await until(pilot, lambda: app.screen is not below and app.screen.focused, "question")
        burst(app, keys)
        await settle(pilot)
        await pilot.pause()
        assert app.screen is below, app.screen_stack
        assert len(app.answers) == 1
