"""The scan panel of a floor screen: what to scan, the scan field, what happened.

Every handheld screen asks for one scan at a time. The panel is the same on
each of them: a prompt line (``▶ Scan bin A-01-2-A``), a one-row scan field and
a feedback line of fixed height. Fixed heights keep the list under the panel
still while messages change, and the steady widgets keep a scan from re-laying
out the screen (see :mod:`wms_tui.ui.widgets.steady`).

The feedback's height is set in ``app.tcss`` (three rows on a handheld, two on a
``.wide`` screen): the app stylesheet's ``.feedback`` rule outranks any
DEFAULT_CSS.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from wms_tui.ui.widgets.steady import SteadyFeedback, SteadyScanInput

PROMPT_MARK = "▶ "


class ScanPanel(Vertical):
    """Prompt, scan field and feedback, with ids ``{prefix}-prompt``, ``-scan``, ``-feedback``."""

    DEFAULT_CSS = """
    ScanPanel { height: auto; }
    ScanPanel > .scan-prompt {
        height: 1; padding: 0 1; background: $primary 30%; text-style: bold;
        text-wrap: nowrap; text-overflow: ellipsis;
    }
    ScanPanel > .scan-field { width: 1fr; height: 1; border: none; padding: 0 1; margin: 0 1; }
    ScanPanel > .scan-field:focus { border: none; background: $boost; }
    """

    def __init__(self, prefix: str, *, placeholder: str = "scan", prompt: bool = True) -> None:
        super().__init__(id=f"{prefix}-panel")
        self.prompt_line: Static | None = None
        if prompt:
            self.prompt_line = Static(
                "", id=f"{prefix}-prompt", classes="scan-prompt", markup=False
            )
        self.field = SteadyScanInput(
            placeholder=placeholder, id=f"{prefix}-scan", classes="scan-field"
        )
        self.feedback = SteadyFeedback("", id=f"{prefix}-feedback")

    def compose(self) -> ComposeResult:
        if self.prompt_line is not None:
            yield self.prompt_line
        yield self.field
        yield self.feedback

    def prompt(self, text: str) -> None:
        """Say what the next scan is; the placeholder stays as a hint of what to type."""
        line = self.prompt_line
        assert line is not None, "this scan panel has no prompt line"
        # Screens say it again after every scan ("Scan item"): the same text is not
        # drawn again (each update repaints the line and widens the screen's redraw).
        if getattr(line, "_said", None) == text:
            return
        line._said = text  # type: ignore[attr-defined]
        # A one-row prompt keeps its size whatever it says: no layout pass (a screen
        # may let its prompt wrap instead, and then it must be laid out again).
        height = line.styles.height
        line.update(PROMPT_MARK + text, layout=height is None or not height.is_cells)
