"""Input for barcode scanners (a keyboard that types a code and presses Enter)."""

from __future__ import annotations

from textual import events
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

    async def action_submit(self) -> None:
        self._flush_typed()
        await super().action_submit()

    async def _on_key(self, event: events.Key) -> None:
        # A field that checks each key (restrict, a number type) keeps Input's way.
        plain = self.restrict is None and self.type == "text"
        if plain and event.is_printable and self.selection.is_empty:
            event.stop()
            event.prevent_default()
            assert event.character is not None
            if not self._typed:
                self.call_later(self._flush_typed)
            self._typed.append(event.character)
            return
        self._flush_typed()
        await super()._on_key(event)

    def _on_paste(self, event: events.Paste) -> None:
        self._flush_typed()
        super()._on_paste(event)

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
