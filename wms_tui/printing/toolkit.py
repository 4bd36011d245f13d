"""A small page-layout toolkit for the A4/Letter documents (slip, pick list, manifest).

:class:`DocumentWriter` keeps a cursor running down the page and starts new pages when
something does not fit, drawing a running header and a ``Page n of N`` footer on every page.
:meth:`DocumentWriter.table` draws tables whose cells hold wrapped text and barcodes, breaking
across pages between rows and repeating the column headings; a barcode too wide for its column
can go on a band under its row (``BarcodePart(overflow="row")``) instead of becoming text.

All text goes through :mod:`wms_tui.printing.fonts`, so Hangul and Nordic letters work
everywhere, and barcodes through :mod:`wms_tui.printing.barcodes` (vector bars).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal

from wms_tui.printing import fonts
from wms_tui.printing.barcodes import MM, fit_x_dim, symbol_width
from wms_tui.printing.errors import PrintError
from wms_tui.printing.pages import DOC_MIN_X_DIM, DOC_X_DIM, LEADING, PageWriter

Align = Literal["left", "right", "center"]
#: Space between a row's cells and a barcode band under them.
BAND_GAP = 4.0


@dataclass(frozen=True, slots=True)
class TextPart:
    """Styled text inside a table cell; wraps to the column width.

    A ``code`` (bin, SKU) never wraps: a code broken over two lines is misread. It shrinks
    to fit its column, down to 70 % of its size; longer still, it moves to a line of its own
    under the row, across the table.
    """

    text: str
    size: float = 9.0
    bold: bool = False
    gray: float = 0.0
    code: bool = False


@dataclass(frozen=True, slots=True)
class BarcodePart:
    """A Code 128 inside a table cell, by default with its data as the human-readable line.

    ``overflow`` says what happens when the code does not fit its column even at the
    minimum X-dimension: ``"text"`` prints the data as text in the cell (keyed in by hand);
    ``"row"`` prints it as text in the cell (unless ``hri`` is off: the cell already shows
    it) and draws the code, with its human-readable line, on a band under the row from the
    column's left edge to the table's right edge, or across the whole table if it needs
    that. Data too long even for that, or not Code 128 at all, is text only.
    """

    data: str
    height: float = 8 * MM
    hri_size: float = 7.0
    hri: bool = True
    overflow: Literal["text", "row"] = "text"


@dataclass(frozen=True, slots=True)
class _Band:
    """A barcode too wide for its column, drawn under the row from ``x``."""

    part: BarcodePart | TextPart
    x: float
    max_width: float
    width: float  # what the symbol takes, quiet zones included

    @property
    def height(self) -> float:
        if isinstance(self.part, TextPart):
            return BAND_GAP + self.part.size * LEADING
        return BAND_GAP + self.part.height + self.part.hri_size + 3


CellPart = TextPart | BarcodePart
Cell = str | CellPart | Sequence[CellPart]


@dataclass(frozen=True, slots=True)
class Column:
    """A table column. ``width`` is a share of the content width (weights are normalised)."""

    title: str
    width: float
    align: Align = "left"
    size: float = 9.0
    bold: bool = False


class DocumentWriter(PageWriter):
    """A :class:`PageWriter` that also draws tables: wrapped text and barcodes in cells,
    rows never split, the column headings repeated on every page."""

    # -- tables ------------------------------------------------------------------------------

    @staticmethod
    def _fitted_width(data: str, max_width: float) -> float | None:
        """The symbol's width at the X-dimension :meth:`barcode` would use; None if none fits."""
        try:
            x_dim = fit_x_dim(
                data, max_width, preferred=DOC_X_DIM, minimum=DOC_MIN_X_DIM, grid=None
            )
        except ValueError:  # too long for the width, or not Code 128 data at all
            return None
        return symbol_width(data, x_dim)

    def _overflow(
        self, parts: list[CellPart], x: float, width: float, column: Column
    ) -> tuple[list[CellPart], list[_Band]]:
        """Move barcodes that do not fit the column to bands under the row."""
        kept: list[CellPart] = []
        bands: list[_Band] = []
        for part in parts:
            if isinstance(part, TextPart) and part.code:
                self._place_code(part, width, kept, bands)
                continue
            if (
                not isinstance(part, BarcodePart)
                or part.overflow != "row"
                or self._fitted_width(part.data, width - 2) is not None
            ):
                kept.append(part)
                continue
            # The data stays readable in its column, on one line, never broken.
            text = TextPart(part.data, column.size, bold=True, code=True)
            if part.hri:
                self._place_code(text, width, kept, bands)
            for band_x in (x + 1, self.left + 1):
                room = self.right - band_x - 1
                needed = self._fitted_width(part.data, room)
                if needed is not None:
                    bands.append(_Band(part, band_x, room, needed))
                    break
            else:
                if not part.hri:
                    self._place_code(text, width, kept, bands)
        return kept, bands

    def _place_code(
        self, part: TextPart, width: float, kept: list[CellPart], bands: list[_Band]
    ) -> None:
        """A code whole on one line: shrunk into its column, or on its own line below."""
        room = width - 2 * 3.0
        size = fonts.fit_size(part.text, room, part.size, part.size * 0.7, part.bold)
        if fonts.text_width(part.text, size, part.bold) <= room:
            kept.append(replace(part, size=size))
            return
        full = self.right - self.left - 2
        size = fonts.fit_size(part.text, full, part.size, part.size * 0.5, part.bold)
        line = replace(part, size=size, text=fonts.ellipsize(part.text, size, full))
        bands.append(_Band(line, self.left + 1, full, full))

    def _parts(self, cell: Cell, column: Column) -> list[CellPart]:
        if isinstance(cell, str):
            return [TextPart(cell, column.size, column.bold)] if cell else []
        if isinstance(cell, TextPart | BarcodePart):
            return [cell]
        return list(cell)

    def _measure(
        self, parts: Sequence[CellPart], width: float
    ) -> list[tuple[CellPart, list[str], float]]:
        measured = []
        for part in parts:
            if isinstance(part, BarcodePart):
                hri = part.hri_size + 3 if part.hri else 2
                measured.append((part, [], part.height + hri))
            else:
                lines = fonts.wrap_text(part.text, part.size, width, part.bold)
                measured.append((part, lines, len(lines) * part.size * LEADING))
        return measured

    def _table_header(self, columns: Sequence[Column], widths: Sequence[float]) -> None:
        height = 8 * LEADING + 6
        self.canvas.setFillGray(0.88)
        self.canvas.rect(self.left, self.y - height, self.width, height, stroke=0, fill=1)
        self.canvas.setFillGray(0)
        x = self.left
        for column, width in zip(columns, widths, strict=True):
            self._cell_text(x, width, self.y - height + 5, column.title, 8, True, column.align)
            x += width
        self.y -= height

    def _cell_text(
        self,
        x: float,
        width: float,
        baseline: float,
        text: str,
        size: float,
        bold: bool,
        align: Align,
        gray: float = 0.0,
    ) -> None:
        pad = 3.0
        if align == "right":
            self._draw_line(x + width - pad, baseline, text, size, bold, gray, "end")
        elif align == "center":
            self._draw_line(x + width / 2, baseline, text, size, bold, gray, "middle")
        else:
            self._draw_line(x + pad, baseline, text, size, bold, gray)

    def table(
        self,
        columns: Sequence[Column],
        rows: Sequence[Sequence[Cell]],
        *,
        padding: float = 4.0,
        zebra: bool = True,
    ) -> None:
        """Draw ``rows`` under a heading row; rows never split, the heading repeats per page."""
        total = sum(column.width for column in columns)
        widths = [self.width * column.width / total for column in columns]
        header_height = 8 * LEADING + 6
        # The heading is drawn with the first row, once that row's height is known: a
        # heading never stands alone at the foot of a page.
        header_pending = True
        max_row = self.top - self.bottom - header_height
        lefts = [self.left + sum(widths[:i]) for i in range(len(widths))]
        for index, row in enumerate(rows):
            if len(row) != len(columns):
                raise ValueError(f"row {index} has {len(row)} cells for {len(columns)} columns")
            cells = []
            bands: list[_Band] = []
            for cell, column, x, width in zip(row, columns, lefts, widths, strict=True):
                parts, overflow = self._overflow(self._parts(cell, column), x, width, column)
                cells.append(self._measure(parts, width - 2 * 3.0))
                bands.extend(overflow)
            heights = [sum(h for _, _, h in cell) for cell in cells]
            # A band starts under the cells it spans, not under a taller cell left of it.
            placed: list[tuple[_Band, float]] = []
            below = 0.0
            for band in bands:
                spanned = (
                    h
                    for h, x, w in zip(heights, lefts, widths, strict=True)
                    if x < band.x + band.width and x + w > band.x
                )
                below = max(below, *spanned) + band.height
                placed.append((band, below))
            height = max(below, *heights, 0) + 2 * padding
            height = min(height, max_row)
            if header_pending:
                self.ensure(header_height + height)
                self._table_header(columns, widths)
                header_pending = False
            elif self.ensure(height):
                self._table_header(columns, widths)
            top = self.y
            if zebra and index % 2:
                self.canvas.setFillGray(0.95)
                self.canvas.rect(self.left, top - height, self.width, height, stroke=0, fill=1)
                self.canvas.setFillGray(0)
            x = self.left
            for cell, column, width in zip(cells, columns, widths, strict=True):
                self._draw_cell(cell, x, width, top - padding, top - height + padding, column)
                x += width
            for band, bottom in placed:
                if bottom > height - 2 * padding + 0.5:
                    break  # row was capped at a page: clip rather than draw over the next
                part = band.part
                if isinstance(part, TextPart):
                    baseline = top - padding - bottom + part.size * 0.3
                    fonts.draw_text(self.canvas, band.x, baseline, part.text, part.size, part.bold)
                    continue
                self.barcode(
                    part.data,
                    band.x,
                    top - padding - bottom,
                    max_width=band.max_width,
                    height=part.height,
                    hri_size=part.hri_size,
                )
            self.y = top - height
            self.canvas.setLineWidth(0.3)
            self.canvas.line(self.left, self.y, self.right, self.y)
        if header_pending:  # no rows: the heading alone says the table is empty
            self.ensure(header_height + 30)
            self._table_header(columns, widths)

    def _draw_cell(
        self,
        cell: Sequence[tuple[CellPart, list[str], float]],
        x: float,
        width: float,
        top: float,
        floor: float,
        column: Column,
    ) -> None:
        y = top
        for part, lines, height in cell:
            if isinstance(part, BarcodePart):
                if y - height < floor - 0.5:
                    return
                anchor_x = x + width / 2 if column.align == "center" else x + 1
                try:
                    self.barcode(
                        part.data,
                        anchor_x,
                        y - height,
                        max_width=width - 2,
                        height=part.height,
                        hri="" if not part.hri else None,
                        hri_size=part.hri_size,
                        anchor="middle" if column.align == "center" else "start",
                    )
                except PrintError:
                    # Data too long for a scannable code in this column: print it as text
                    # so the row stays usable (keyed in by hand) instead of losing the page.
                    self._cell_text(x, width, y - part.height / 2, part.data, 8, True, column.align)
                y -= height
                continue
            for line in lines:
                line_height = part.size * LEADING
                if y - line_height < floor - 0.5:
                    return  # row was capped at a page: clip rather than draw over the next
                y -= line_height
                self._cell_text(
                    x,
                    width,
                    y + part.size * 0.25,
                    line,
                    part.size,
                    part.bold,
                    column.align,
                    part.gray,
                )
