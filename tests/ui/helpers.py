"""Reaching a screen and reading what it shows: one copy for every UI test.

Keys go in through ``tests/ui/scanner.py`` (a scanner's burst, a key press,
``settle``); this module builds on it: wait for the store, sign in, choose a
menu entry, open the floor screens the tests share, and read feedback, text,
tables and footers as drawn.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.geometry import Region
from textual.widgets import DataTable, Static

from tests.ui.scanner import log_in, settle
from tests.worlds.factories import SUPERVISOR_PIN
from wms_tui.ui.app import WmsApp
from wms_tui.ui.menu import MENU_KEYS
from wms_tui.ui.widgets.feedback import Feedback

# The two terminals every screen is checked at: a handheld and an office screen.
SIZES = [(40, 16), (120, 40)]


async def wait_store(pilot) -> None:  # noqa: ANN001
    """Until the app's worker has opened the store (or failed to): the login
    screen is painted before, and a badge scanned then waits for it."""
    await until(pilot, lambda: pilot.app.store is not None or pilot.app.store_error, "the store")


async def sign_in(pilot, badge: str) -> None:  # noqa: ANN001
    """Wait for the store and scan ``badge``; a supervisor (S…) then types the PIN."""
    await wait_store(pilot)
    await log_in(pilot, badge, SUPERVISOR_PIN if badge.startswith("S") else "")


async def open_menu_entry(pilot, entry_id: str) -> None:  # noqa: ANN001
    """Choose a home menu entry by its key, wherever it sits for this operator's
    roles, and check that its screen came up."""
    entries = pilot.app.screen.entries
    index = [e.id for e in entries].index(entry_id)
    await pilot.press(MENU_KEYS[index])
    # A new screen's first layout (its width classes, the pack screen's line
    # rows mounted after it) ends when the app goes idle; no message says so.
    await pilot.pause()
    shown = type(pilot.app.screen).__name__
    assert shown == entries[index].screen, f"{entry_id}: {shown} is on top"


async def until(pilot, condition: Callable[[], object], what: str = "condition") -> None:  # noqa: ANN001
    """Pause until ``condition()`` holds, for what no worker signals: a timer, a
    second process, a screen pushed from a callback. It returns as soon as it
    holds; the 10 s limit is for a CI machine whose two cores are busy with the
    other xdist worker."""
    for _ in range(500):
        if condition():
            return
        await pilot.pause(0.02)
    raise AssertionError(f"timed out waiting for {what}")


async def open_screen(pilot, entry_id: str, badge: str):  # noqa: ANN001, ANN201
    """Sign in as ``badge`` and open the home menu's ``entry_id``; its screen."""
    await sign_in(pilot, badge)
    await open_menu_entry(pilot, entry_id)
    return pilot.app.screen


async def open_pick(pilot, badge: str = "P1001"):  # noqa: ANN001, ANN201
    return await open_screen(pilot, "picking", badge)


async def open_receiving(pilot, badge: str = "R3001"):  # noqa: ANN001, ANN201
    return await open_screen(pilot, "receiving", badge)


async def open_pack(pilot, badge: str = "K2001"):  # noqa: ANN001, ANN201
    return await open_screen(pilot, "packing", badge)


async def open_overview(pilot):  # noqa: ANN001, ANN201
    """The dispatch overview, its first numbers loaded."""
    screen = await open_screen(pilot, "dispatch", "S9001")
    await settle(pilot)
    assert screen.snap is not None, screen.error
    return screen


async def open_dock(pilot, badge: str):  # noqa: ANN001, ANN201
    """The hand-over screen, pushed directly (a packer's menu may not list it first)."""
    from wms_tui.ui.screens.handover import HandoverScreen

    await sign_in(pilot, badge)
    pilot.app.push_screen(HandoverScreen())
    await pilot.pause()
    assert isinstance(pilot.app.screen, HandoverScreen)
    return pilot.app.screen


def feedback(app: WmsApp) -> str:
    """What the screen's feedback line says (all of it, drawn or not)."""
    return app.screen.query(Feedback).first().text


def text(app: WmsApp, wid: str) -> str:
    """What a ``Static`` with id ``wid`` on the top screen renders."""
    return str(app.screen.query_one(f"#{wid}", Static).render())


def shown_text(widget) -> str:  # noqa: ANN001
    """What the widget shows, row by row, at its real size (what fits, not what was said)."""
    width, height = widget.outer_size
    strips = widget.render_lines(Region(0, 0, width, height))
    return "\n".join(s.text.strip() for s in strips)


def rows(table: DataTable) -> list[list[str]]:
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


def fits(app: WmsApp, *selectors: str) -> bool:
    """Every widget is on screen above the footer line."""
    height = app.size.height
    for sel in selectors:
        region = app.screen.query_one(sel).region
        if region.height == 0 or region.bottom > height - 1 or region.right > app.size.width:
            return False
    return True


def bell_counter(app: WmsApp) -> list[int]:
    """A list that gets an item each time the app rings the bell."""
    bells: list[int] = []
    app.bell = lambda: bells.append(1)  # type: ignore[method-assign]
    return bells


def footer_keys(app: WmsApp) -> list[str]:
    """The keys shown, each checked to stand whole inside the screen."""
    shown = []
    for key in app.screen.query("FooterKey"):
        assert key.region.right <= app.size.width, f"{key.key_display} is cut off"
        shown.append(key.key_display)
    return shown
