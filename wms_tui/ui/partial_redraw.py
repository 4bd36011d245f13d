"""A compositor whose partial updates draw only what touches a changed region.

Textual (8.x) draws a partial update by rendering every widget that overlaps the box
around all the changed regions, each over its whole height, then keeps only the
changed lines. A floor scan changes the header at the top, the feedback in the middle
and a table row or the log at the side: the box is the screen, so every widget of it
went through its render path (styles, background, every line from its cache) for a
handful of changed rows. Here a partial update renders only the widgets that overlap
a changed region, and of those only the rows between the first and the last they
share with one.

That draws the same: the update writes only the changed spans, every cell of a span
lies in a changed region, and the widget on top at that cell overlaps that region on
that row, so it is rendered for that row. Full updates (resize, layout, a screen
coming up) are drawn as Textual draws them.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual._compositor import ChopsUpdate, Compositor
from textual.geometry import Region
from textual.strip import Strip


class PartialCompositor(Compositor):
    """Textual's compositor, rendering a partial update from the changed regions only."""

    def __init__(self) -> None:
        super().__init__()
        self._changed: list[Region] | None = None

    def render_partial_update(self) -> ChopsUpdate | None:
        self._changed = list(self._dirty_regions)
        try:
            return super().render_partial_update()
        finally:
            self._changed = None

    def _get_renders(
        self, crop: Region | None = None
    ) -> Iterable[tuple[Region, Region, list[Strip]]]:
        changed = self._changed
        if not changed:
            yield from super()._get_renders(crop)
            return
        intersection = Region.intersection
        for widget, (region, clip) in self.visible_widgets.items():
            shown = intersection(region, clip)
            top = bottom = None
            for dirty in changed:
                common = intersection(shown, dirty)
                if common.width and common.height:
                    if top is None or common.y < top:
                        top = common.y
                    if bottom is None or common.bottom > bottom:
                        bottom = common.bottom
            if top is None or bottom is None:
                continue  # nothing of it is in a changed region: none of its cells are sent
            rows = Region(shown.x, top, shown.width, bottom - top)
            yield (
                region,
                rows,
                widget.render_lines(
                    Region(rows.x - region.x, rows.y - region.y, rows.width, rows.height)
                ),
            )
