"""The questions answer once: keys that reach a question after its answer go nowhere."""

from __future__ import annotations

import pytest
from textual import events, on
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Input, Static

from tests.ui.helpers import until
from tests.ui.scanner import burst, settle
from wms_tui.domain.errors import DomainError
from wms_tui.ui.scan_keys import ScanKeysApp
from wms_tui.ui.widgets.dialogs import TEXT_MAX, AskChoice, AskConfirm, AskCount, AskText
from wms_tui.ui.widgets.scan_input import ScanInput


class Below(Screen):
    def __init__(self) -> None:
        super().__init__()
        self.scans: list[str] = []

    def compose(self) -> ComposeResult:
        yield Static("the screen the question was asked from")
        yield ScanInput(id="below-scan")

    def on_mount(self) -> None:
        self.query_one(ScanInput).focus()

    @on(Input.Submitted)
    def scanned(self, event: Input.Submitted) -> None:
        self.scans.append(event.value)


class Host(ScanKeysApp):
    def __init__(self) -> None:
        super().__init__()
        self.answers: list[object] = []

    def on_mount(self) -> None:
        self.push_screen(Below())


def count(text: str) -> int:
    if not text.strip().isdigit():
        raise DomainError(f"{text} is no count")
    return int(text)


QUESTIONS = {
    "count": (lambda: AskCount("How many?", validate=count), ["5", "enter", "3", "enter"]),
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


async def test_the_scan_typed_behind_an_answer_reaches_the_screen_below() -> None:
    """A count and the next item's scan in one read (a receiver keying fast over SSH):
    the scan went into the answered question and was lost without a word."""
    app = Host()
    async with app.run_test(size=(40, 16)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, Below), "the screen below")
        below = app.screen
        app.push_screen(AskCount("How many?", validate=count), app.answers.append)
        await until(pilot, lambda: app.screen is not below and app.screen.focused, "question")
        burst(app, ["5", "enter", *"7350053000322", "enter", "x"])
        await until(pilot, lambda: below.scans, "the scan below")
        await settle(pilot)
        assert app.answers == [5] and below.scans == ["7350053000322"]
        assert below.query_one(ScanInput).value == "x"
        # A refused answer keeps the question: what follows it is typed into it again.
        app.push_screen(AskCount("How many?", validate=count), app.answers.append)
        await until(pilot, lambda: app.screen is not below and app.screen.focused, "question")
        burst(app, *[["q", "enter", "7", "enter"]])
        await until(pilot, lambda: len(app.answers) == 2, "the second answer")
        assert app.answers == [5, 7] and app.screen is below


def paste(app: ScanKeysApp, text: str) -> None:
    """A bracketed paste (a terminal's paste, some scanners over SSH), as the driver sends it."""
    event = events.Paste(text)
    event.set_sender(app)
    app._driver.send_message(event)


@pytest.mark.parametrize("end", ["\r", "\n", "\r\n"])
async def test_a_paste_of_a_count_and_a_scan_answers_then_scans_below(end: str) -> None:
    """A count, a line end, a code, a line end, pasted into a count question: the
    code was submitted into the question being dismissed and lost without a word."""
    app = Host()
    async with app.run_test(size=(40, 16)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, Below), "the screen below")
        below = app.screen
        app.push_screen(AskCount("How many?", validate=count), app.answers.append)
        await until(pilot, lambda: app.screen is not below and app.screen.focused, "question")
        paste(app, f"5{end}7350053000322{end}x")
        await until(pilot, lambda: below.scans, "the scan below")
        await settle(pilot)
        assert app.answers == [5] and below.scans == ["7350053000322"]
        assert below.query_one(ScanInput).value == "x" and app.screen is below


async def test_a_paste_into_a_question_with_a_plain_field_is_split_too() -> None:
    """The reason typed under "Other" is a plain field: Input kept the paste's first line."""
    app = Host()
    async with app.run_test(size=(40, 16)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, Below), "the screen below")
        below = app.screen
        app.push_screen(AskChoice("Why?", ["Crushed"], other="Other"), app.answers.append)
        await until(pilot, lambda: app.screen is not below and app.screen.focused, "question")
        burst(app, ["2"])
        await settle(pilot)
        paste(app, "Torn box\rT-0001\r")
        await until(pilot, lambda: below.scans, "the scan below")
        await settle(pilot)
        assert app.answers == ["Torn box"] and below.scans == ["T-0001"]


async def test_a_paste_goes_into_a_typed_field_once() -> None:
    """Pasted into "Other (type it)" (and the stock filter, the orders search): went in twice."""
    app = Host()
    async with app.run_test(size=(40, 16)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, Below), "the screen below")
        below = app.screen
        app.push_screen(AskChoice("Why?", ["Crushed"], other="Other"), app.answers.append)
        await until(pilot, lambda: app.screen is not below and app.screen.focused, "question")
        burst(app, ["2"])
        await settle(pilot)
        paste(app, "Torn box")
        await settle(pilot)
        assert app.focused is not None and app.focused.value == "Torn box"


@pytest.mark.parametrize("kind", ["text", "other"])
async def test_ten_thousand_keys_make_a_reason_of_300(kind: str) -> None:
    """A key held down in "Other (type it)" went whole into the event log as the
    damage reason: 10,000 characters."""
    app = Host()
    async with app.run_test(size=(40, 16)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, Below), "the screen below")
        below = app.screen
        if kind == "text":
            app.push_screen(AskText("Why?"), app.answers.append)
        else:
            app.push_screen(AskChoice("Why?", ["Crushed"], other="Other"), app.answers.append)
        await until(pilot, lambda: app.screen is not below and app.screen.focused, "question")
        if kind == "other":
            burst(app, ["2"])
            await settle(pilot)
        burst(app, ["x"] * 10_000 + ["enter"])
        await until(pilot, lambda: app.answers, "the answer")
        assert app.answers == ["x" * TEXT_MAX]
