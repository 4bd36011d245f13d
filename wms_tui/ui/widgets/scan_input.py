"""Input for barcode scanners (a keyboard that types a code and presses Enter)."""

from __future__ import annotations

from textual.widgets import Input

from wms_tui.domain.scans import clean_scan


class ScanInput(Input):
    """An Input that clears itself after Enter and strips scanner control chars.

    Handlers read ``event.value`` from ``Input.Submitted`` as usual; the value
    is already cleaned, so ``"4006381333931\\r\\x1d"`` arrives as the code.
    """

    DEFAULT_CSS = """
    ScanInput { height: 3; }
    """

    async def action_submit(self) -> None:
        raw = self.value
        self.value = clean_scan(raw)
        await super().action_submit()
        self.value = ""
