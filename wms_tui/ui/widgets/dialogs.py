"""The app's one family of modal questions: yes/no, a choice, a typed value, a count.

Each fits a 40×16 handheld, works with the keyboard alone (Enter answers, Escape
cancels, digits pick a choice) and checks its own answer: a bad answer rings the
bell and keeps the question open, so the screen behind only ever sees a valid value.
Every screen uses these four; there is no other dialog class.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from rich.console import RenderableType
from textual import on
from textual.app import ComposeResult
from textual.await_complete import AwaitComplete
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.events import Key
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Input, OptionList, Static
from textual.widgets._toast import ToastRack
from textual.widgets.option_list import Option

from wms_tui.domain.credentials import Credential
from wms_tui.domain.errors import DomainError
from wms_tui.domain.numbers import digit_key
from wms_tui.services.core.pins import PinNeeded
from wms_tui.ui.widgets.feedback import Feedback
from wms_tui.ui.widgets.scan_input import BatchedInput, ScanInput

DIALOG_CSS = """
{name} {{ align: center middle; background: $background 60%; }}
{name} > #dlg {{
    width: 100%; max-width: 72; height: auto; max-height: 100%;
    border: round $accent; background: $surface; padding: 0 1;
}}
{name} #dlg-title {{ text-style: bold; }}
{name} #dlg-hint {{ color: $text-muted; }}
"""


# A typed reason, note or code never needs more; 10,000 keys held down went whole into
# the event log as a damage reason (and took the handheld 40 s to take in).
TEXT_MAX = 300


class _Dialog(ModalScreen[Any]):
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="cancel")]

    def __init__(self, title: str, hint: str = "") -> None:
        super().__init__()
        self._title = title
        self._hint = hint
        self._answered = False

    def compose(self) -> ComposeResult:
        with Vertical(id="dlg"):
            yield Static(self._title, id="dlg-title", markup=False)
            yield from self.compose_body()
            yield Feedback("", id="dlg-fb")
            if self._hint:
                yield Static(self._hint, id="dlg-hint", markup=False)

    def compose_body(self) -> ComposeResult:
        yield from ()

    def _extend_compose(self, widgets: list[Widget]) -> None:
        # No toasts over a question (the rack every screen gets; it sets its own
        # display, so CSS cannot hide it): at 40x16 "Task … paused" covered the
        # log-out question's last row. One still due shows on the screen below.
        super()._extend_compose(widgets)
        widgets[:] = [w for w in widgets if not isinstance(w, ToastRack)]

    def action_cancel(self) -> None:
        self.dismiss(None)

    @property
    def answered(self) -> bool:
        """Answered and on its way out: keys typed behind the answer are the screen
        below's (the app holds them until it is on top)."""
        return self._answered

    def dismiss(self, result: Any = None) -> AwaitComplete:
        """Answer once. Textual's dismiss pops whatever screen is on top: a second
        answer (two Enters in one read) popped the screen the question was asked from."""
        if self._answered or not self.is_current:
            return AwaitComplete.nothing()
        self._answered = True
        return super().dismiss(result)

    def error(self, message: str) -> None:
        self.query_one("#dlg-fb", Feedback).error(message)


class AskText(_Dialog):
    """A scanned or typed value, checked by ``validate`` (raise DomainError to refuse)."""

    DEFAULT_CSS = DIALOG_CSS.format(name="AskText")

    def __init__(
        self,
        title: str,
        *,
        placeholder: str = "",
        hint: str = "Enter: OK · Esc: cancel",
        validate: Callable[[str], Any] | None = None,
        password: bool = False,
    ) -> None:
        super().__init__(title, hint)
        self._placeholder = placeholder
        self._validate = validate
        self._password = password

    def compose_body(self) -> ComposeResult:
        yield ScanInput(
            placeholder=self._placeholder,
            id="dlg-input",
            password=self._password,
            max_length=TEXT_MAX,
        )

    def on_mount(self) -> None:
        self.query_one("#dlg-input", Input).focus()

    @on(Input.Submitted, "#dlg-input")
    def submitted(self, event: Input.Submitted) -> None:
        event.stop()
        value = event.value
        if self._validate is None:
            if not value.strip():
                self.error("Type or scan a value")
                return
            self.dismiss(value.strip())
            return
        try:
            result = self._validate(value)
        except DomainError as exc:
            self.error(str(exc))
            return
        self.dismiss(result)


class AskCount(AskText):
    """A whole number of at least 1 (or whatever ``validate`` accepts)."""

    DEFAULT_CSS = DIALOG_CSS.format(name="AskCount")

    def __init__(
        self, title: str, validate: Callable[[str], int], hint: str = "Enter: OK · Esc: cancel"
    ) -> None:
        super().__init__(title, placeholder="count", hint=hint, validate=validate)


class AskChoice(_Dialog):
    """Pick one of ``choices`` by digit, arrows + Enter; optionally type another answer."""

    DEFAULT_CSS = (
        DIALOG_CSS.format(name="AskChoice")
        + """
    AskChoice OptionList { height: auto; max-height: 8; border: none; padding: 0; }
    AskChoice #dlg-other { height: 3; }
    """
    )

    def __init__(
        self,
        title: str,
        choices: Sequence[str] | Sequence[tuple[str, str]],
        *,
        other: str | None = "Other (type it)",
        hint: str = "1-9 or ↑↓ Enter · Esc: cancel",
    ) -> None:
        """``choices`` are labels (the label is the answer) or ``(key, label)`` pairs
        (the key is the answer); ``other`` adds a last entry that asks for text."""
        super().__init__(title, hint)
        pairs = [c if isinstance(c, tuple) else (c, c) for c in choices]
        self._keys = [k for k, _ in pairs]
        self._labels = [label for _, label in pairs]
        self._other = other

    @property
    def _choices(self) -> list[str]:
        return self._keys

    def compose_body(self) -> ComposeResult:
        options = [Option(f"{i}  {c}", id=f"c{i}") for i, c in enumerate(self._labels, 1)]
        if self._other:
            options.append(Option(f"{len(options) + 1}  {self._other}", id="other"))
        yield OptionList(*options, id="dlg-options")
        other = BatchedInput(placeholder="type the reason", id="dlg-other", max_length=TEXT_MAX)
        other.display = False
        yield other

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def on_key(self, event: Key) -> None:
        if self.query_one("#dlg-other", Input).has_focus:
            return
        key = digit_key(event.character)
        if key is not None:
            event.stop()
            index = key - 1
            total = len(self._choices) + (1 if self._other else 0)
            if 0 <= index < total:
                self._pick(index)
            else:
                self.error(f"No choice {event.character}")

    @on(OptionList.OptionSelected, "#dlg-options")
    def selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._pick(event.option_index)

    def _pick(self, index: int) -> None:
        if index < len(self._choices):
            self.dismiss(self._choices[index])
            return
        other = self.query_one("#dlg-other", Input)
        other.display = True
        other.focus()

    @on(Input.Submitted, "#dlg-other")
    def typed(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value.strip()
        if not text:
            self.error("Type the reason, or Esc")
            return
        self.dismiss(text)


class AskConfirm(_Dialog):
    """A yes/no question with details; Enter or ``y`` answers yes, Escape or ``n`` no."""

    DEFAULT_CSS = (
        DIALOG_CSS.format(name="AskConfirm")
        + """
    AskConfirm #dlg-body { height: auto; max-height: 22; }
    """
    )
    BINDINGS = [
        Binding("escape", "cancel", "No", id="cancel"),
        Binding("n", "typed('n')", "No", show=False, id="cancel-n"),
        Binding("y", "typed('y')", "Yes", id="confirm"),
        Binding("enter", "typed('enter')", "Yes", show=False, id="confirm-enter"),
    ]

    def __init__(
        self,
        title: str,
        lines: Sequence[str] | RenderableType = (),
        hint: str = "Enter/y: yes · Esc/n: no",
    ) -> None:
        """``lines``: lines of text, or one rich renderable (a table, a Text)."""
        super().__init__(title, hint)
        self._body = [lines] if not isinstance(lines, list | tuple) else list(lines)
        # Keys typed since the question came up: the Enter that ends them ends a
        # scan, not an answer (a bin scanned at the log-out question logged out).
        self._typed = False

    @property
    def lines(self) -> list:
        """What the question says below its title (what the worker reads)."""
        return list(self._body)

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="dlg-body"):
            for part in self._body:
                yield Static(part, markup=False)

    def on_mount(self) -> None:
        self.query_one("#dlg-body").focus()

    def action_cancel(self) -> None:
        self.dismiss(False)

    def action_confirm(self) -> None:
        self.dismiss(True)

    def action_typed(self, key: str) -> None:
        """y, n or Enter: an answer, unless other keys came first (a scan, whose
        letters may hold a y or an n too); its Enter says so and clears it."""
        if not self._typed:
            self.action_confirm() if key != "n" else self.action_cancel()
        elif key == "enter":
            self._typed = False
            self.error("That was a scan, not an answer: y or Enter yes, n or Esc no")
        else:
            # A stray key before y or n left both silent: the operator pressed n
            # again and again with nothing on the screen saying why.
            self.error("Other keys came first: Esc says no, or Enter clears them")

    def on_key(self, event: Key) -> None:
        if event.is_printable and event.character not in ("y", "n"):
            self._typed = True


class AskSure(AskConfirm, inherit_bindings=False):
    """A check on what was just typed ("99999999 units: sure?"): only ``y`` says yes.

    The Enter that ended the typing, pressed twice or bounced, reached :class:`AskConfirm`
    as its yes and received 99,999,999 units past the check meant to stop them."""

    BINDINGS = [
        Binding("escape,n", "cancel", "No", id="cancel"),
        Binding("y", "confirm", "Yes", id="confirm"),
    ]

    def __init__(self, title: str, lines: Sequence[str] | RenderableType = ()) -> None:
        super().__init__(title, lines, hint="y: yes · Esc/n: no")


def reason_text(value: str) -> str:
    """A one-line reason as typed: control characters out, spaces collapsed; empty refused."""
    from wms_tui.domain.scans import clean_scan

    reason = " ".join(clean_scan(value).split())
    if not reason:
        raise DomainError("Type a reason, or Esc to go back")
    return reason


class AskApproval(_Dialog):
    """A supervisor's badge, then their PIN; ``validate`` checks both (raise
    DomainError to refuse) while the supervisor is still at the station.

    Enter on an empty badge is passed on as is (a supervisor logged in here
    approves themselves; ``validate`` decides). Returns a ``Credential``.
    """

    DEFAULT_CSS = DIALOG_CSS.format(name="AskApproval")

    def __init__(
        self,
        title: str,
        validate: Callable[[Credential], Credential],
        hint: str = "Enter: OK · Esc: cancel",
    ) -> None:
        super().__init__(title, hint)
        self._validate = validate
        self._badge = ""

    def compose_body(self) -> ComposeResult:
        yield ScanInput(placeholder="supervisor badge", id="dlg-input", password=True)
        yield ScanInput(placeholder="PIN", id="dlg-pin", password=True, max_length=12)

    def on_mount(self) -> None:
        self.query_one("#dlg-pin").display = False
        self.query_one("#dlg-input", Input).focus()

    def _check(self, credential: Credential) -> None:
        try:
            result = self._validate(credential)
        except PinNeeded:
            self._badge = credential.badge
            self.query_one("#dlg-input").display = False
            pin = self.query_one("#dlg-pin", Input)
            pin.display = True
            pin.focus()
            self.query_one("#dlg-fb", Feedback).info("PIN, then Enter")
            return
        except DomainError as exc:
            self.error(str(exc))
            return
        self.dismiss(result)

    @on(Input.Submitted, "#dlg-input")
    def badge_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._check(Credential(event.value))

    @on(Input.Submitted, "#dlg-pin")
    def pin_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._check(Credential(self._badge, event.value))
