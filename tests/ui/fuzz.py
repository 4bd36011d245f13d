"""Feeding a screen junk from every key a worker can press, cheaply.

``feed`` presses every function key on a screen and gives whatever field or
dialog then has the focus the texts a keyboard, a scanner or AltGr can
produce, each followed by Enter; Escape closes what opened. Keys arrive as
the driver delivers them and the test then waits until the app has handled
them (:func:`tests.ui.scanner.settle`), not for Pilot's idle heuristic (at
least 20 ms of sleep per wait, three waits per key): the same keys reach the
same handlers, at a tenth of the wall time. An exception anywhere ends
``run_test`` with it, so reaching the end is the assertion.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from textual.screen import ModalScreen
from textual.widgets import Input

from tests.ui.scanner import press, settle
from wms_tui.ui.widgets.feedback import Feedback

JUNK = ["²", "①", "٣", "３", "-1", "0", "99999999999999", "1e3", "\x00", "\x1b[2J",
        "\u202eX", "x" * 500, " ", ""]  # fmt: skip
KEYS = [f"f{n}" for n in range(1, 13)]


async def feed(pilot, screen_type: type, reopen: Callable[[], Awaitable[None]]) -> None:  # noqa: ANN001
    """Every function key, then junk into whatever has the focus; ``reopen``
    brings the screen back when a key legitimately left it (back, park)."""
    app = pilot.app
    for key in [None, *KEYS]:
        if key is not None:
            await press(pilot, key)
        for junk in JUNK:
            focused = app.focused
            if isinstance(focused, Input):
                focused.value = junk
                await press(pilot, "enter")
            elif len(junk) == 1 and junk.isprintable():
                await press(pilot, junk)
        for _ in range(3):  # close the dialogs the key opened
            if not isinstance(app.screen, ModalScreen):
                break
            await press(pilot, "escape")
        if not isinstance(app.screen, screen_type):
            await reopen()
            await settle(pilot)
        assert isinstance(app.screen, screen_type), f"after {key}: {app.screen}"
    for fb in app.screen.query(Feedback):
        assert "\x1b" not in fb.text and "\x00" not in fb.text
