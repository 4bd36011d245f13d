"""The one way UI tests deliver a scan: as a scanner does.

A barcode scanner is a keyboard that types the code's characters in one burst
and presses Enter. The key events are queued at once, without waiting for the
app to go idle after each (``pilot.press`` waits about 60 ms per key here),
so a test sees what a terminal sees when a scan arrives.
"""

from __future__ import annotations

from textual import events
from textual.keys import _character_to_key


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
