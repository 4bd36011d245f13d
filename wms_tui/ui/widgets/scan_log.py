"""A log of lately scanned lines, newest first, that renders each line once.

Every new line pushes the others down a row, so the whole log is drawn again after
each scan; a Static renders all of its text for that (on the receiving screen's
side panel ≈ 20 lines a scan). This one keeps each line's rendered rows and only
renders the new line: the rows of the others are the ones drawn before, one lower.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual.content import Content
from textual.strip import Strip
from textual.visual import Visual
from textual.widget import _RenderCache
from textual.widgets import Static


class ScanLog(Static):
    """Shows the lines given to :meth:`show`, the first at the top, each wrapped to the width."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:  # noqa: A002
        super().__init__("", id=id, classes=classes, markup=False)
        self._lines: tuple[str, ...] = ()
        self._rows: dict[str, list[Strip]] = {}  # a line's rendered rows, at _rows_for
        self._rows_for: tuple[object, ...] | None = None

    def show(self, lines: Iterable[str]) -> None:
        """Show ``lines``; the log's height is its container's: no layout pass."""
        lines = tuple(lines)
        if lines == self._lines:
            return
        self._lines = lines
        self.update("\n".join(lines), layout=False)

    def _render_content(self) -> None:
        width, height = self.size
        style = self.visual_style
        # Rows rendered at another width or in another style (theme, focus) are stale.
        key = (width, style, self.styles.content_align, self.text_selection)
        if key != self._rows_for:
            self._rows_for, self._rows = key, {}
        kept, self._rows = self._rows, {}
        strips: list[Strip] = []
        for line in self._lines:
            if len(strips) >= height:
                break
            rows = kept.get(line)
            if rows is None:
                rows = Visual.to_strips(self, Content(line), width, None, style)
            self._rows[line] = rows
            strips.extend(rows)
        self._render_cache = _RenderCache(self.size, strips[:height])
        self._dirty_regions.clear()
