"""Input for barcode scanners (a keyboard that types a code and presses Enter)."""

from __future__ import annotations

from textual import events
from textual.app import App
from textual.message_pump import MessagePump
from textual.widgets import Input

from wms_tui.domain.scans import clean_scan, split_scans


class BatchedInput(Input):
    """An Input that puts printable keys queued together into the field as one insert.

    Input puts each key in the field on its own (value, cursor, scroll, selection:
    a few ms a key), so 10,000 keys of a stuck key or a scanner gone wild froze
    the screen for 20 s. Here the keys go in after the last queued one is read;
    a submit, a paste or an editing key puts them in first. Filters use it as it
    is; :class:`ScanInput` adds what a scanner needs.
    """

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003 - Input's own
        super().__init__(*args, **kwargs)
        self._typed: list[str] = []  # typed, not yet in the field
        # Keys and pastes the app has queued for this field and it has not handled yet:
        # a key taken by ``take_from_app`` must not overtake them.
        self._queued = 0

    @classmethod
    def take_from_app(cls, app: App, event: events.Key) -> bool:
        """Put a printable key straight into the focused field, from the app's handler
        (:class:`wms_tui.ui.scan_keys.ScanKeysApp`).

        A printable key for a plain field can only end as text in it: the field stops
        it before any binding but a priority one sees it, so it is taken here at once.
        Anything else, or a key while earlier ones still wait in the field's queue, goes
        the usual way (``forwarding``), so keys always land in the order they were typed.
        """
        field = app.focused
        if (
            not isinstance(field, cls)
            or field._queued
            or event.is_forwarded
            or not event.is_printable
            or not app.app_focus
            or app._keymap
            or not field._takes_typing()
        ):
            return False
        for node in field.ancestors_with_self:
            if any(b.priority for b in node._bindings.key_to_bindings.get(event.key, ())):
                return False
        app.screen._clear_tooltip()  # as the app does for every key
        # Put in after the keys already in the app's queue: a burst ending in Enter is
        # submitted before its code ever shows in the field (nothing to draw twice).
        field._type(event.character or "", app)
        return True

    @classmethod
    def forwarding(cls, app: App, event: events.Event) -> BatchedInput | None:
        """The focused field ``event`` is about to be queued for, counted until it is handled."""
        field = app.focused
        if isinstance(field, cls) and not event.is_forwarded:
            field._queued += 1
            return field
        return None

    async def on_event(self, event: events.Event) -> None:
        # Every event the field handles passes here first, whichever handler takes it.
        if self._queued and event.is_forwarded and isinstance(event, events.Key | events.Paste):
            self._queued -= 1
        await super().on_event(event)

    def _takes_typing(self) -> bool:
        # A field that checks each key (restrict, a number type) keeps Input's way.
        return self.restrict is None and self.type == "text" and self.selection.is_empty

    def _type(self, character: str, queue: MessagePump | None = None) -> None:
        """Keep ``character`` to go in with the next ones, after what ``queue`` holds now."""
        if not self._typed:
            if queue is None:
                self.call_later(self._flush_typed)
            else:
                queue.call_later(self._flush_after_queued)
        self._typed.append(character)

    def _flush_after_queued(self) -> None:
        if self._queued:
            # An Enter (or another key) for this field is in its queue: it puts the
            # typed text in first, so go in behind it rather than before it.
            self.call_later(self._flush_typed)
        else:
            self._flush_typed()

    async def action_submit(self) -> None:
        self._flush_typed()
        await super().action_submit()

    async def _on_key(self, event: events.Key) -> None:
        if event.is_printable and self._takes_typing():
            event.stop()
            event.prevent_default()
            assert event.character is not None
            self._type(event.character)
            return
        self._flush_typed()
        await super()._on_key(event)

    def _on_paste(self, event: events.Paste) -> None:
        self._flush_typed()
        super()._on_paste(event)
        # Textual runs each class's own handler in turn: without this, Input's ran
        # again after the call above and every paste into a filter went in twice.
        event.prevent_default()

    def _flush_typed(self) -> None:
        if self._typed:
            typed = "".join(self._typed)
            self._typed.clear()
            if self.max_length:
                # As key by key: what fits goes in, one bell for the rest (Input
                # refuses a whole insert that would pass max_length).
                room = max(0, self.max_length - len(self.value))
                if len(typed) > room:
                    typed = typed[:room]
                    self.restricted()
            if typed:
                self.insert_text_at_cursor(typed)


class ScanInput(BatchedInput):
    """An Input that clears itself after Enter and strips scanner control chars.

    Handlers read ``event.value`` from ``Input.Submitted`` as usual; the value
    is already cleaned, so ``"4006381333931\\r\\x1d"`` arrives as the code.

    A scanner ends a code with CR, LF or (when set up so) Tab, and two codes
    may reach the app in one read (over SSH or a browser, in one packet). The
    field submits on those keys itself, in the order its keys arrive: Input's
    Enter is an app binding, run only after the key has bubbled up to the app,
    by which time the field has already typed the next code's characters
    behind the first (``"A-01-2-A7350053990012"``). A pasted burst is split
    into its codes too, so ``"7350053001299\\rHELLO1\\r"`` is always two scans.
    """

    DEFAULT_CSS = """
    ScanInput { height: 3; }
    """
    ENDS_A_SCAN = frozenset({"enter", "ctrl+j"})  # CR, LF

    @property
    def tab_submits(self) -> bool:
        return bool(getattr(self.app, "scan_tab_submits", False))

    async def action_submit(self) -> None:
        if self._typed and not self.value and len(self._typed) <= (self.max_length or 1 << 30):
            # A code typed into an empty field and submitted at once (a scanner's burst)
            # is submitted as typed: the field never holds it, so it is not drawn with
            # the code and again empty, and its value watchers do not run twice a scan.
            code = clean_scan("".join(self._typed))
            self._typed.clear()
            checked = self.validate(code) if "submitted" in self.validate_on else None
            self.post_message(self.Submitted(self, code, checked))
            return
        self._flush_typed()
        raw = self.value
        self.value = clean_scan(raw)
        await super().action_submit()
        self.value = ""

    async def _on_key(self, event: events.Key) -> None:
        if event.key in self.ENDS_A_SCAN or (event.key == "tab" and self.tab_submits):
            event.stop()
            event.prevent_default()
            await self.action_submit()
            return
        await super()._on_key(event)

    async def _on_paste(self, event: events.Paste) -> None:
        # Input keeps only the first line of a paste; a burst pasted by a
        # terminal client would lose every code after the first.
        event.stop()
        event.prevent_default()
        self._flush_typed()
        *codes, rest = split_scans(event.text, tab=self.tab_submits)
        for code in codes:
            self.insert_text_at_cursor(code)
            await self.action_submit()
        if rest:
            self.insert_text_at_cursor(rest)
