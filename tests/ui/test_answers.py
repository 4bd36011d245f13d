"""A thread worker's answer reaches its screen only while it still fits."""

from __future__ import annotations

import asyncio
import threading

from textual import work
from textual.app import App, ComposeResult
from textual.screen import Screen
from textual.widgets import Static

from tests.ui.helpers import until
from wms_tui.ui.answers import answer, tell


class Listing(Screen):
    def __init__(self) -> None:
        super().__init__()
        self.shown: list[str] = []
        self.gates: dict[str, threading.Event] = {}
        self.started: list[str] = []

    def compose(self) -> ComposeResult:
        yield Static(id="list")

    @work(thread=True, exclusive=True, group="load")
    def load(self, what: str, latest_only: bool = True) -> None:
        # What the store held when this read ran; the gate holds its answer back.
        self.started.append(what)
        self.gates[what].wait(5)
        answer(self, self.draw, what, latest_only=latest_only)

    def draw(self, what: str) -> None:
        self.query_one("#list", Static).update(what)
        self.shown.append(what)


class Host(App):
    def on_mount(self) -> None:
        self.push_screen(Listing())


async def test_an_older_read_answering_after_a_newer_one_is_dropped() -> None:
    app = Host()
    async with app.run_test() as pilot:
        screen = app.screen
        assert isinstance(screen, Listing)
        screen.gates = {"stale": threading.Event(), "fresh": threading.Event()}
        screen.load("stale")
        await until(pilot, lambda: screen.started == ["stale"], "the first read")
        screen.load("fresh")
        screen.gates["fresh"].set()
        await until(pilot, lambda: screen.shown == ["fresh"], "the fresh answer")
        screen.gates["stale"].set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.shown == ["fresh"]


async def test_an_action_s_answer_is_news_even_after_a_newer_one() -> None:
    app = Host()
    async with app.run_test() as pilot:
        screen = app.screen
        assert isinstance(screen, Listing)
        screen.gates = {"first": threading.Event(), "second": threading.Event()}
        screen.load("first", latest_only=False)
        await until(pilot, lambda: screen.started == ["first"], "the first action")
        screen.load("second", latest_only=False)
        screen.gates["second"].set()
        await until(pilot, lambda: screen.shown == ["second"], "the second answer")
        screen.gates["first"].set()
        await until(pilot, lambda: screen.shown == ["second", "first"], "the first answer")


async def test_an_answer_for_a_screen_that_left_is_dropped() -> None:
    app = Host()
    async with app.run_test() as pilot:
        screen = app.screen
        assert isinstance(screen, Listing)
        screen.gates = {"late": threading.Event()}
        screen.load("late", latest_only=False)
        app.pop_screen()
        await pilot.pause()
        screen.gates["late"].set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        # Drawing would have raised NoMatches (its Static is gone) and killed the app.
        assert screen.shown == []
        assert app.return_value is None and app.is_running


async def test_a_screen_stops_receiving_the_moment_it_starts_to_leave() -> None:
    """Escape starts taking the screen's widgets away while it is still attached;
    an answer arriving in that window met NoMatches (the hand-over screen in the
    menu fuzz). Watched step by step through the pop: whenever the screen is still
    attached but being taken away, answers are dropped."""
    from wms_tui.ui.answers import receiving

    app = Host()
    async with app.run_test() as pilot:
        screen = app.screen
        static = screen.query_one("#list", Static)
        assert receiving(screen) and receiving(static)
        app.pop_screen()
        window = 0
        for _ in range(500):
            await asyncio.sleep(0)
            if not screen.is_attached:
                break
            if screen._pruning:
                window += 1
                assert not receiving(screen) and not receiving(static)
            else:
                assert receiving(screen)
        assert window, "the pop never showed the attached-but-leaving window"
        await pilot.pause()
        assert not receiving(screen)


async def test_an_answer_for_a_screen_no_longer_in_the_app_is_dropped_not_raised() -> None:
    """A worker that outlives the screen it answers (here the app's own, which the
    pop does not cancel) drops the answer: the screen finds no app through its
    parents any more, and raising that in the worker would end the app."""
    from textual.worker import WorkerState

    app = Host()
    async with app.run_test() as pilot:
        screen = app.screen
        assert isinstance(screen, Listing)
        gate = threading.Event()

        def late() -> None:
            gate.wait(5)
            answer(screen, screen.draw, "late")

        worker = app.run_worker(late, thread=True)
        app.pop_screen()
        await until(pilot, lambda: not screen.is_attached, "the screen to leave")
        gate.set()
        await worker.wait()
        await pilot.pause()
        assert worker.state is WorkerState.SUCCESS
        assert screen.shown == [] and app.is_running


class Telling(Screen):
    """A screen whose feedback line records what it was told, and how."""

    def __init__(self) -> None:
        super().__init__()
        self.told: list[tuple[str, str]] = []
        self.gate = threading.Event()
        self.looked_up_on_app_thread: list[bool] = []

    def compose(self) -> ComposeResult:
        yield Static(id="line")

    @property
    def feedback(self) -> object:
        self.looked_up_on_app_thread.append(threading.current_thread() is threading.main_thread())
        line = self.query_one("#line", Static)  # NoMatches once the widgets are gone
        told = self.told

        class Line:
            def ok(self, text: str) -> None:
                told.append(("ok", text))
                line.update(text)

            def error(self, text: str) -> None:
                told.append(("error", text))
                line.update(text)

        return Line()

    @work(thread=True)
    def say(self, text: str, ok: bool) -> None:
        self.gate.wait(5)
        tell(self, text, ok=ok)


class TellingHost(App):
    def on_mount(self) -> None:
        self.push_screen(Telling())


async def test_tell_puts_a_refusal_or_a_success_on_the_feedback_line() -> None:
    app = TellingHost()
    async with app.run_test() as pilot:
        screen = app.screen
        assert isinstance(screen, Telling)
        screen.gate.set()
        screen.say("No wave: nothing to pick", False)
        await until(pilot, lambda: len(screen.told) == 1, "the refusal")
        screen.say("Wave W-0001 built", True)
        await until(pilot, lambda: len(screen.told) == 2, "the success")
        assert screen.told == [("error", "No wave: nothing to pick"), ("ok", "Wave W-0001 built")]
        # Never in the worker: there it would query a screen that may be leaving.
        assert screen.looked_up_on_app_thread == [True, True]


async def test_tell_for_a_screen_that_left_is_dropped() -> None:
    app = TellingHost()
    async with app.run_test() as pilot:
        screen = app.screen
        assert isinstance(screen, Telling)
        screen.say("late", False)
        app.pop_screen()
        await pilot.pause()
        screen.gate.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.told == [] and app.return_value is None and app.is_running
