"""The steady scan field: no blink, no re-layout while a code is typed."""

from __future__ import annotations

from textual.app import App, ComposeResult

from tests.ui.scanner import press, settle
from wms_tui.ui.widgets.steady import SteadyScanInput


class One(App[None]):
    def compose(self) -> ComposeResult:
        yield SteadyScanInput(id="scan")


async def test_the_scan_field_has_a_steady_cursor() -> None:
    app = One()
    async with app.run_test() as pilot:
        field = app.query_one("#scan", SteadyScanInput)
        field.focus()
        await settle(pilot)
        assert field.cursor_blink is False


async def test_typing_a_code_reports_no_changes_and_submits_it() -> None:
    from textual.widgets import Input

    class Listening(One):
        def __init__(self) -> None:
            super().__init__()
            self.changed: list[str] = []
            self.submitted: list[str] = []

        def on_input_changed(self, event: Input.Changed) -> None:
            self.changed.append(event.value)

        def on_input_submitted(self, event: Input.Submitted) -> None:
            self.submitted.append(event.value)

    app = Listening()
    async with app.run_test() as pilot:
        app.query_one("#scan", SteadyScanInput).focus()
        await press(pilot, *"4006381333931", "enter")
    assert app.changed == []
    assert app.submitted == ["4006381333931"]
