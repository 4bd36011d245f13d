"""An app whose scan fields take a scanner's characters straight from the app's queue.

A key the app forwards travels through the app's priority bindings, a second message
queue and the field's handlers: a scanner's 14-key burst spent ≈ 3 ms of a pick scan's
CPU there, a quarter of it. :meth:`BatchedInput.take_from_app` puts a printable key into
the focused field at once, so the burst goes in as one insert (and, ended by Enter, is
submitted without the field ever holding it); every other key and paste goes the usual
way and is counted until the field has handled it, so keys always land in the order
they were typed.

Keys that arrive while a newly pushed screen is still coming up (mounted, its scan
field not yet focused) are held and handed to it once it is: dispatched at once they
reached no widget and were lost, while the Enter a moment later opened the pack
queue's highlighted order instead of the tote just scanned.
"""

from __future__ import annotations

import time

from textual import events
from textual.app import App, ScreenStackError
from textual.dom import NoScreen
from textual.widgets import TextArea

from wms_tui.domain.scans import split_scans
from wms_tui.ui.widgets.scan_input import BatchedInput, ScanInput

# How long keys wait for a screen that never takes focus: a screen may leave focus
# unset on purpose, and then keys must not lag.
HOLD_AT_MOST_S = 1.0


class ScanKeysApp(App[None]):
    _held: list[events.Key | events.Paste] | None = None
    _held_since = 0.0
    _releasing = False
    # The screen last found ready: it stays so until another is on top (a screen that
    # leaves focus unset on purpose is waited for once, not at every key).
    _ready_screen: object = None
    # A screen about to put a question on top of itself (a scan in count mode asks for
    # the count): keys typed meanwhile belong to the question, not to the scan field.
    _expecting: object = None
    _expecting_since = 0.0
    # The field a scan (or an answer) was just ended in, until it and its screen have
    # handled it: what follows goes where that leaves the keyboard (the screen below
    # an answered question), not into the field the Enter left behind.
    _settling: BatchedInput | None = None

    async def on_event(self, event: events.Event) -> None:
        if not isinstance(event, events.Key | events.Paste):
            await super().on_event(event)
            return
        if isinstance(event, events.Paste) and not event.is_forwarded and not self._releasing:
            parts = self._split_paste(event)
            if parts is not None:
                for part in parts:
                    self._hold(part)
                return
        if (
            not event.is_forwarded
            and not self._releasing
            and (self._held or not self._screen_ready())
        ):
            self._hold(event)
            return
        if isinstance(event, events.Key) and BatchedInput.take_from_app(self, event):
            return
        field = BatchedInput.forwarding(self, event)
        ends = (
            isinstance(event, events.Key)
            and field is not None
            and event.key in ScanInput.ENDS_A_SCAN
        )
        asks = (
            ends
            and isinstance(field, ScanInput)
            and bool(getattr(self.screen, "question_follows_scan", lambda: False)())
        )
        answers = ends and hasattr(self.screen, "answered")
        await super().on_event(event)
        if field is not None and not event.is_forwarded:
            field._queued -= 1  # a binding took it: it never reaches the field
        if asks:
            # The keys behind this scan (its count, typed at once) wait for the question.
            self.expect_screen()
        elif answers:
            self._settling = field

    def _split_paste(self, event: events.Paste) -> list[events.Key | events.Paste] | None:
        """A paste holding line ends (or Tabs, when scanners send them) as the inputs it
        is: each part pasted, each end an Enter; None when it holds none.

        Input keeps a paste's first line, and a scan field split it but submitted every
        code into itself: "5\\r<code>\\r" pasted into a count question lost the code
        with the question. As separate inputs they are held and handed on one by one
        like keys, so what follows an answer reaches the screen the answer returns to.
        A multi-line text box, the one widget that wants the line ends, keeps the paste.
        """
        if isinstance(self.focused, TextArea):
            return None
        *codes, rest = split_scans(event.text, tab=bool(getattr(self, "scan_tab_submits", False)))
        if not codes:
            return None
        parts: list[events.Key | events.Paste] = []
        for text in codes:
            if text:
                parts.append(events.Paste(text))
            parts.append(events.Key("enter", "\r"))
        if rest:
            parts.append(events.Paste(rest))
        for part in parts:
            part.set_sender(self)
        return parts

    def _screen_ready(self) -> bool:
        """The top screen can take a key: mounted, and focused if anything there can be."""
        try:
            screen = self.screen
        except ScreenStackError:  # no screen yet (start-up): Textual handles the key as ever
            return True
        if self._settling is not None:
            if not _settled(self._settling):
                return self._held_too_long()
            self._settling = None
        if getattr(screen, "answered", False):  # popping: keys go to the screen below
            return self._held_too_long()
        if screen is self._expecting:
            if time.monotonic() - self._expecting_since <= HOLD_AT_MOST_S:
                return False
            self._expecting = None
        elif self._expecting is not None:  # the question came up (or another screen)
            self._expecting = None
        if screen is self._ready_screen:
            return True
        ready = screen.is_mounted and (screen.focused is not None or not screen.focus_chain)
        if ready or self._held_too_long():
            self._ready_screen = screen
            return True
        return False

    def expect_screen(self) -> None:
        """Hold the keys that come next for the screen the top screen is about to push
        (at most HOLD_AT_MOST_S); :meth:`expect_no_screen` when it will not come. A scan
        field's Enter calls it when its screen's ``question_follows_scan()`` says so."""
        try:
            self._expecting = self.screen
        except ScreenStackError:
            return
        self._expecting_since = time.monotonic()

    def expect_no_screen(self) -> None:
        """The question will not come (the scan was refused): the held keys go on now."""
        self._expecting = None

    def _held_too_long(self) -> bool:
        return bool(self._held) and time.monotonic() - self._held_since > HOLD_AT_MOST_S

    def _hold(self, event: events.Key | events.Paste) -> None:
        if not self._held:
            self._held = []
            self._held_since = time.monotonic()
            self.set_timer(0.02, self._release_held)
        self._held.append(event)

    async def _release_held(self) -> None:
        if not self._held:
            return
        try:
            _ = self.screen
        except ScreenStackError:  # the app is closing: nobody to type to
            self._held = None
            return
        if not self._screen_ready():
            self.set_timer(0.02, self._release_held)
            return
        held, self._held = self._held, None
        self._releasing = True
        try:
            while held:
                await self.on_event(held.pop(0))
                if held and (self._settling is not None or not self._screen_ready()):
                    # An answer or a question on its way: the rest waits for it.
                    self._held = held
                    self._held_since = time.monotonic()
                    self.set_timer(0.02, self._release_held)
                    return
        finally:
            self._releasing = False


def _settled(field: BatchedInput) -> bool:
    """``field`` and its screen have handled every key and message sent to them."""
    try:
        screen = field.screen
    except NoScreen:  # its question is gone
        return True
    return not (field._queued or not field._message_queue.empty()) and (
        screen._message_queue.empty()
    )
