"""Tables with fixed column widths, refilled in place and moved from the scan field.

Fixed widths keep a 40-column handheld from scrolling sideways, and they avoid a
Textual quirk: an auto-width table refilled while a dialog covers it keeps rows
drawn at the old, narrower widths until the cursor passes over them.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.widgets import DataTable

Columns = Sequence[tuple[str, int]]


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
