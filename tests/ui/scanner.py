"""The one way UI tests deliver a scan: as a scanner does.

A barcode scanner is a keyboard that types the code's characters in one burst
and presses Enter. The key events are queued at once, without waiting for the
app to go idle after each (``pilot.press`` waits about 60 ms per key here),
so a test sees what a terminal sees when a scan arrives.
"""

from __future__ import annotations

import contextlib
import unicodedata

from textual import events
from textual.keys import REPLACED_KEYS, _character_to_key, _get_unicode_name_from_key
from textual.worker import WorkerCancelled


async def scan(pilot, code: str, *, end: str = "enter") -> None:  # noqa: ANN001
    """Deliver ``code`` as one scanner burst followed by ``end`` (Enter)."""
    app = pilot.app
    for ch in [*code, end]:
        key = ch if len(ch) > 1 or ch.isalnum() else _character_to_key(ch)
        event = events.Key(key, ch if len(ch) == 1 else None)
        event.set_sender(app)
        app._driver.send_message(event)
    await pilot.pause()


async def log_in(pilot, badge: str, pin: str = "") -> None:  # noqa: ANN001
    """Scan a badge at the login screen, then type ``pin`` once the screen asks."""
    await scan(pilot, badge)
    if not pin:
        return
    for _ in range(100):
        if getattr(pilot.app.screen, "badge_for_pin", None) is not None:
            break
        await pilot.pause(0.02)
    await scan(pilot, pin)
    for _ in range(100):
        if pilot.app.actor is not None:
            break
        await pilot.pause(0.02)
    await pilot.pause()


async def settle(pilot) -> None:  # noqa: ANN001
    """Wait until the app has handled what was queued: the screen's and the
    app's messages, then any thread worker they started (a store write, a
    print) and the messages it posted, until none runs.

    Pilot's own waits (``press``, ``pause()``) sleep at least 20 ms each and
    then guess from CPU time that the app is idle; this waits for the work
    itself, so it is both quicker and sure that a worker finished. Async
    workers are not waited for: one of them may be waiting for a dialog's
    answer that only the next key gives.
    """
    app = pilot.app
    while True:
        await pilot._wait_for_screen()
        if getattr(app, "_held", None):  # keys the app holds for a question or a screen
            await pilot.pause(0.02)
            continue
        busy = [w for w in app.workers if w._thread_worker and not w.is_finished]
        if not busy:
            break
        # An exclusive worker the next key replaced is done, not crashed.
        with contextlib.suppress(WorkerCancelled):
            await app.workers.wait_for_complete(busy)
    await pilot._wait_for_screen()
    app.screen._on_timer_update()


async def press(pilot, *keys: str) -> None:  # noqa: ANN001
    """Press each of ``keys`` as the driver delivers it, then :func:`settle`."""
    app = pilot.app
    for key in keys:
        app._driver.send_message(_key_event(app, key))
        await settle(pilot)


def _key_event(app, key: str) -> events.Key:  # noqa: ANN001
    """The event ``pilot.press(key)`` would send (Textual's ``App._press_keys``)."""
    if len(key) == 1 and not key.isalnum():
        key = _character_to_key(key)
    try:
        char: str | None = unicodedata.lookup(
            _get_unicode_name_from_key(REPLACED_KEYS.get(key, key))
        )
    except KeyError:
        char = key if len(key) == 1 else None
    event = events.Key(key, char)
    event.set_sender(app)
    return event


def burst(app, keys: list[str]) -> None:  # noqa: ANN001
    """Key events queued all at once, as the driver does for one read."""
    for key in keys:
        if len(key) == 1:
            name = key if key.isalnum() else {"-": "minus"}.get(key, key)
            event = events.Key(name, key)
        else:
            event = events.Key(key, {"enter": "\r", "ctrl+j": "\n", "tab": "\t"}.get(key))
        event.set_sender(app)
        app._driver.send_message(event)
