"""The feedback line: a message longer than its rows ends in "…", never cut silently."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult
from textual.geometry import Region

from tests.ui.helpers import SIZES
from wms_tui.ui.widgets.feedback import Feedback
from wms_tui.ui.widgets.steady import SteadyFeedback

LONG = (
    "#D1008 hold lifted, backordered: KB-MSK-RCE-1P short 2 (need 2, have 0), "
    "MUG-FIKA short 1 (need 1, have 0), TS-ORG-BLK-S short 4 (need 4, have 0)"
)


class Lines(App[None]):
    CSS = "#auto { max-height: 2; } #fixed { height: 3; }"

    def compose(self) -> ComposeResult:
        yield Feedback("", id="auto")
        yield SteadyFeedback("", id="fixed")


def drawn(widget: Feedback) -> list[str]:
    width, height = widget.outer_size
    return [s.text.strip() for s in widget.render_lines(Region(0, 0, width, height))]


@pytest.mark.parametrize("size", SIZES)
async def test_a_long_message_ends_in_an_ellipsis_and_a_short_one_is_whole(
    size: tuple[int, int],
) -> None:
    app = Lines()
    app.bell = lambda: None  # type: ignore[method-assign]
    async with app.run_test(size=size) as pilot:
        auto = app.query_one("#auto", Feedback)
        fixed = app.query_one("#fixed", SteadyFeedback)
        for line in (auto, fixed):
            line.ok(LONG)
        await pilot.pause()
        for line, rows in ((auto, 2), (fixed, 3)):
            shown = drawn(line)
            assert line.text == f"✓ {LONG}"  # what was said, all of it
            joined = " ".join(s for s in shown if s)
            if len(LONG) + 2 > rows * (size[0] - 2):
                assert shown[-1].endswith("…") and len(shown) == rows, shown
                assert joined[:-1] in line.text
            else:
                assert joined == line.text
        auto.error("No order #D9")
        await pilot.pause()
        assert drawn(auto)[0] == "✗ No order #D9"
        # Wider again: the whole message comes back.
        auto.info(LONG)
        await pilot.resize_terminal(400, size[1])
        await pilot.pause()
        assert drawn(auto)[0] == LONG
