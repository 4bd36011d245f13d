"""Widgets for screens that redraw on every scan, without re-laying out the screen.

A layout pass repaints every widget it moves. On a pack station measured with
``bench/bench_pack_scan.py`` the layouts a scan set off (the scan field's
width, the feedback line's classes and height) cost more than the scan's
database work; these variants avoid them.
"""

from __future__ import annotations

from rich.cells import cell_len
from textual import events
from textual.widgets import Input, Static

from wms_tui.ui.widgets.feedback import Feedback
from wms_tui.ui.widgets.scan_input import ScanInput


class SteadyScanInput(ScanInput):
    """A scan field that does not re-lay out the screen for every key and every clear.

    Textual's Input sets its virtual width from the text on each change, and a
    changed virtual size re-lays out the whole screen: 13 of them for a
    barcode, one more when the field clears after Enter. Reporting at least
    the field's own width keeps the virtual size still for any code that fits.
    """

    def on_mount(self) -> None:
        # A steady cursor: a blinking one repaints the field twice a second,
        # work that can land in the middle of a scan. Focus shows as colour.
        self.cursor_blink = False

    @property
    def content_width(self) -> int:
        return max(super().content_width, self.size.width)

    async def action_submit(self) -> None:
        # Cleaning and clearing the field are changes too: not reported either.
        with self.prevent(Input.Changed):
            await super().action_submit()

    async def _on_key(self, event: events.Key) -> None:
        # A scan field reports Submitted, never Changed: no one listens, and
        # each Changed bubbles through every container up to the app, a
        # quarter of the cost of a key in a 13-key scanner burst.
        with self.prevent(Input.Changed):
            await super()._on_key(event)


class SteadyFeedback(Feedback):
    """A feedback line that never re-lays out the screen.

    Give it a fixed height (inline: app.tcss sets ``.feedback`` to auto height,
    and an app stylesheet outranks a screen's DEFAULT_CSS).
    """

    def update(self, content="", *, layout: bool = False) -> None:  # noqa: ANN001
        super().update(content, layout=False)

    def _set_kind(self, kind: str) -> None:
        # Toggling classes restyles the widget and re-lays out the screen:
        # only do it when the kind of message changes.
        if not self.has_class(kind):
            super()._set_kind(kind)


def update_text(widget: Static, text: str) -> None:
    """Show ``text`` in ``widget``, laying the screen out again only if its height can change.

    An auto-height line holds as many rows as it has lines when none is wider than the
    widget: the same count before and after, and nothing to wrap, keeps the height.
    """
    width = widget.content_size.width
    before = getattr(widget, "_steady_text", None)
    widget._steady_text = text  # type: ignore[attr-defined]

    def rows(t: str) -> int | None:
        lines = t.split("\n")
        return len(lines) if width and all(cell_len(ln) <= width for ln in lines) else None

    same = before is not None and rows(text) is not None and rows(text) == rows(before)
    widget.update(text, layout=not same)
