"""Tables with fixed column widths, refilled in place and moved from the scan field.

Fixed widths keep a 40-column handheld from scrolling sideways, and they avoid a
Textual quirk: an auto-width table refilled while a dialog covers it keeps rows
drawn at the old, narrower widths until the cursor passes over them. A cell wider
than its column ends in "…" (:class:`FitTable`): Textual's own table cuts it
silently, and a received count of 100000010 read "100".
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import zip_longest

from rich.cells import cell_len
from rich.console import RenderableType
from rich.text import Text
from textual.cache import LRUCache
from textual.render import measure
from textual.widgets import DataTable
from textual.widgets._data_table import RowRenderables, default_cell_formatter
from textual.widgets.data_table import ColumnKey, RowKey

Columns = Sequence[tuple[str, int]]
# A width of None fits the column to its content.
AutoColumns = Sequence[tuple[str, int | None]]


def reset(table: DataTable, columns: Columns) -> None:
    """Empty ``table`` and give it ``columns`` as (label, width in cells)."""
    table.clear(columns=True)
    for label, width in columns:
        table.add_column(label, width=width)


def step_cursor(table: DataTable, step: int) -> None:
    """Move the row cursor ``step`` rows, stopping at the first and last row.

    For screens whose arrow keys move a table while the scan field keeps the focus.
    """
    if table.row_count:
        table.move_cursor(row=max(0, min(table.row_count - 1, table.cursor_row + step)))


class FitTable(DataTable):
    """A table of plain text whose cells too wide for their column end in "…".

    Textual's table cuts such a cell silently, and reads a str cell as markup: a
    product named "Tee [Limited Edition]" showed "Tee ", one with "[/]" killed the
    screen (MarkupError). Cells that are Text or other renderables pass as given.
    """

    def _compute_row_renderables(self, row_index: int) -> RowRenderables:
        row_key = self._row_locations.get_key(row_index) if row_index >= 0 else None
        meta = self.rows.get(row_key) if row_key is not None else None
        if meta is None:  # the header (labels are Text already), or a row gone
            return super()._compute_row_renderables(row_index)
        wrap = meta.height != 1
        cells: list[RenderableType] = []
        for datum, _ in zip_longest(self.get_row_at(row_index), range(len(self.columns))):
            if isinstance(datum, str):
                cell: RenderableType = Text(datum, no_wrap=not wrap, end="")
            elif datum is None:
                cell = Text("", end="")
            else:
                cell = default_cell_formatter(datum, wrap=wrap, height=meta.height)
            cells.append(
                _ellipsis(cell) if isinstance(cell, Text) and cell.overflow is None else cell
            )
        label = None
        if self._should_render_row_labels and meta.label:
            label = default_cell_formatter(meta.label, wrap=wrap, height=meta.height)
        return RowRenderables(label, cells)


def _ellipsis(text: Text) -> Text:
    # A copy: a Text handed in as a cell is the caller's, and may be shown elsewhere.
    fitted = text.copy()
    fitted.overflow = "ellipsis"
    return fitted


class RendersByRow(LRUCache):
    """An LRU cache of a table's renders whose keys start with the row key: it also
    finds them by row, so one row's renders are dropped without a look at the others."""

    def __init__(self, maxsize: int) -> None:
        super().__init__(maxsize)
        self._by_row: dict[object, set[tuple]] = {}
        self._listed = 0  # keys listed since the index was last built (some twice)

    def set(self, key: tuple, value: object) -> None:  # type: ignore[override]
        super().set(key, value)
        self._by_row.setdefault(key[0], set()).add(key)
        self._listed += 1
        if self._listed > 2 * self.maxsize:
            # Keys the LRU pushed out stay listed until their row is forgotten (a resize
            # renews every key without a clear): list the cache's own keys again.
            self._by_row = {}
            for live in self.keys():
                self._by_row.setdefault(live[0], set()).add(live)
            self._listed = len(self)

    __setitem__ = set

    def clear(self) -> None:
        super().clear()
        self._by_row.clear()
        self._listed = 0

    def forget(self, row_key: object, columns: set[ColumnKey] | None = None) -> None:
        """Drop ``row_key``'s renders (of ``columns`` only, when given: key[1])."""
        keys = self._by_row.get(row_key)
        if not keys:
            return
        # A key the LRU has pushed out may still be listed here: discarding it is a no-op.
        gone = [k for k in keys if columns is None or k[1] in columns]
        for key in gone:
            self.discard(key)
            keys.discard(key)


class SteadyTable(FitTable):
    """A table refilled by :meth:`fill`, repainting only the rows that changed.

    Textual's DataTable keys every cached cell with one update counter: changing one
    cell (or clearing and refilling the table) renders every visible cell again, which
    on the receiving screen at 120×40 cost more than the scan itself (≈ 300 cells of
    rich text a scan). When the columns and the row keys are the ones on screen,
    ``fill`` writes the changed values in place and forgets only those rows' cached
    renders; otherwise it refills the table like :func:`reset`.
    """

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003 - DataTable's own
        super().__init__(*args, **kwargs)
        # Textual's caches of rendered cells and row lines, keyed (row key, …), with the
        # same sizes, findable by row: forgetting a changed row looked through every key
        # (hundreds: every cell in every cursor and style it was drawn in).
        if isinstance(self._cell_render_cache, LRUCache):
            self._cell_render_cache = RendersByRow(self._cell_render_cache.maxsize)
        if isinstance(self._row_render_cache, LRUCache):
            self._row_render_cache = RendersByRow(self._row_render_cache.maxsize)

    def fill(self, columns: AutoColumns, rows: Sequence[tuple[str, Sequence[object]]]) -> None:
        """Show ``rows`` (key, cells) under ``columns``; the cursor stays where it was.

        A column's width ``None`` fits its content, as ``add_column`` does: a changed cell
        that would widen or narrow such a column refills the table, so the columns come
        out as wide as a fresh fill would make them.
        """
        shown = [(str(c.label), None if c.auto_width else c.width) for c in self.ordered_columns]
        same_shape = shown == [(label, width) for label, width in columns] and [
            str(r.key.value) for r in self.ordered_rows
        ] == [key for key, _ in rows]
        if not same_shape or not self._can_patch():
            self._refill(columns, rows)
            return
        ordered = self.ordered_columns
        keys = [column.key for column in ordered]
        changes = []
        narrowed: set[int] = set()
        for index, (_, cells) in enumerate(rows):
            row_key = self._row_locations.get_key(index)
            data = self._data[row_key]
            # Most rows are as shown: one comparison of the row, not one per cell.
            if [data.get(key) for key in keys] == list(cells):
                continue
            changed = []
            for i, (column, value) in enumerate(zip(ordered, cells, strict=True)):
                old = data.get(column.key)
                if old == value:
                    continue
                changed.append((i, value))
                if column.auto_width:
                    # As wide as a fresh fill makes it: a new cell wider than the column
                    # widens it; the column can only narrow if the old cell was its widest.
                    if self._cell_width(value) > column.content_width:
                        self._refill(columns, rows)
                        return
                    if self._cell_width(old) == column.content_width:
                        narrowed.add(i)
            if changed:
                changes.append((row_key, index, changed))
        for i in narrowed:
            column = ordered[i]
            fit = max(self._cell_width(cells[i]) for _, cells in rows)
            if max(fit, self._cell_width(column.label)) != column.content_width:
                self._refill(columns, rows)
                return
        for row_key, index, changed in changes:
            data = self._data[row_key]
            for i, value in changed:
                data[ordered[i].key] = value
            self._forget_cells(row_key, index, {ordered[i].key for i, _ in changed})
            self.refresh_row(index)

    def _refill(self, columns: AutoColumns, rows: Sequence[tuple[str, Sequence[object]]]) -> None:
        self.clear(columns=True)
        for label, width in columns:
            self.add_column(label, width=width)
        for key, cells in rows:
            self.add_row(*cells, key=key)

    def _cell_width(self, value: object) -> int:
        if isinstance(value, str) and "\n" not in value:
            return cell_len(value)  # as FitTable draws it: plain Text, one line
        cell = Text(value) if isinstance(value, str) else value
        return measure(self.app.console, default_cell_formatter(cell, wrap=False, height=1), 1)

    def _can_patch(self) -> bool:
        # The caches this relies on are Textual's own (8.x); without them, refill.
        return all(
            hasattr(self, name)
            for name in (
                "_data",
                "_row_locations",
                "_cell_render_cache",
                "_row_render_cache",
                "_row_renderable_cache",
                "_line_cache",
                "_update_count",
            )
        )

    def _forget_cells(self, row_key: RowKey, index: int, columns: set[ColumnKey]) -> None:
        """Drop the cached renders of one row's changed cells and of the row's lines.

        Its other cells are drawn again from their cached renders: rendering a cell
        (rich text through padding and cropping) is most of what a table costs to draw.
        """
        cells, lines = self._cell_render_cache, self._row_render_cache
        if isinstance(cells, RendersByRow) and isinstance(lines, RendersByRow):
            cells.forget(row_key, columns)
            lines.forget(row_key)
        else:  # not our caches (see __init__): look through every key
            for cache_key in [k for k in cells.keys() if k[0] == row_key and k[1] in columns]:  # noqa: SIM118 - no __iter__
                cells.discard(cache_key)
            for cache_key in [k for k in lines.keys() if k[0] == row_key]:  # noqa: SIM118 - no __iter__
                lines.discard(cache_key)
        self._row_renderable_cache.discard((self._update_count, index))
        # Lines are keyed by screen row, not by table row: cheap to rebuild from the rows.
        self._line_cache.clear()
