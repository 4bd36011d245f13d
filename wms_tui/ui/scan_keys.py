"""An app whose scan fields take a scanner's characters straight from the app's queue.

A key the app forwards travels through the app's priority bindings, a second message
queue and the field's handlers: a scanner's 14-key burst spent ≈ 3 ms of a pick scan's
CPU there, a quarter of it. :meth:`BatchedInput.take_from_app` puts a printable key into
the focused field at once, so the burst goes in as one insert (and, ended by Enter, is
submitted without the field ever holding it); every other key and paste goes the usual
way and is counted until the field has handled it, so keys always land in the order
they were typed.
"""

from __future__ import annotations

from textual import events
from textual.app import App

from wms_tui.ui.widgets.scan_input import BatchedInput


class ScanKeysApp(App[None]):
    async def on_event(self, event: events.Event) -> None:
        if not isinstance(event, events.Key | events.Paste):
            await super().on_event(event)
            return
        if isinstance(event, events.Key) and BatchedInput.take_from_app(self, event):
            return
        field = BatchedInput.forwarding(self, event)
        await super().on_event(event)
        if field is not None and not event.is_forwarded:
            field._queued -= 1  # a binding took it: it never reaches the field
