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

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, BinaryIO, Literal

from reportlab.lib.pagesizes import A4, letter
from reportlab.pdfgen.canvas import Canvas

from wms_tui.printing import fonts, pdf_file
from wms_tui.printing.barcodes import (
    MM,
    BarcodeGeometry,
    draw_code128,
    fit_x_dim,
    symbol_width,
)
from wms_tui.printing.errors import PrintError
from wms_tui.printing.output import write_atomically

PaperName = Literal["A4", "Letter"]
Align = Literal["left", "right", "center"]

PAPER_SIZES: dict[str, tuple[float, float]] = {"A4": A4, "Letter": letter}

MARGIN = 14 * MM
HEADER_SIZE = 8.0
FOOTER_SIZE = 7.5
#: X-dimension for barcodes on office paper (laser/inkjet, 300-600 dpi).
DOC_X_DIM = 0.33 * MM
DOC_MIN_X_DIM = 0.25 * MM
LEADING = 1.25
#: Space between a row's cells and a barcode band under them.
BAND_GAP = 4.0


def paper_size(paper: str) -> tuple[float, float]:
    try:
        return PAPER_SIZES[paper]
    except KeyError:
        raise ValueError(f"unknown paper {paper!r}; use one of {sorted(PAPER_SIZES)}") from None


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


class _NumberedCanvas(pdf_file.PageCanvas):
    """Canvas that holds pages back until save, so each footer can say ``Page n of N``.

    The recipe reportlab's own docs use: remember each page's state at ``showPage`` and
    replay them all at ``save`` once the total is known.
    """

    def __init__(self, *args: Any, footer: Callable[[Canvas, int, int], None], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._pending_pages: list[dict[str, Any]] = []
        self._footer = footer

    def showPage(self) -> None:  # noqa: N802 - reportlab API
        self._pending_pages.append(dict(self.__dict__))
        self._startPage()

    def flush_pages(self) -> None:
        """Replay the held pages with their footers: the document is complete after this."""
        pending, self._pending_pages = self._pending_pages, []
        for number, state in enumerate(pending, start=1):
            self.__dict__.update(state)
            self._footer(self, number, len(pending))
            super().showPage()

    def save(self) -> None:
        self.flush_pages()
        super().save()


class DocumentWriter:
    """Flowing layout on A4/Letter pages.

    ``y`` is the cursor: the top of the next thing to draw. Helpers draw at the cursor and move
    it down; :meth:`ensure` starts a new page when a block of a given height would not fit.
    """

    def __init__(
        self,
        target: BinaryIO,
        *,
        paper: PaperName = "A4",
        title: str,
        header_right: str = "",
        footer_left: str = "",
    ) -> None:
        fonts.ensure_fonts()
        self.page_width, self.page_height = paper_size(paper)
        self.title = title
        self.header_right = header_right
        self.footer_left = footer_left
        # Page compression off for speed, as on labels: reportlab compresses page streams with
        # zlib plus a pure-Python ASCII85 pass that costs more than drawing the page. Fonts,
        # the bulk of the file, are compressed once in the font cache anyway.
        self.canvas = _NumberedCanvas(
            target,
            pagesize=(self.page_width, self.page_height),
            invariant=1,
            pageCompression=0,
            initialFontName=fonts.LATIN,  # no unused Helvetica embedded
            footer=self._draw_footer,
        )
        self.canvas.setTitle(title)
        self.left = MARGIN
        self.right = self.page_width - MARGIN
        self.width = self.right - self.left
        self.bottom = MARGIN + 10
        self.top = self.page_height - MARGIN - 14
        self.page_number = 0
        self.y = self.top
        self._on_new_page: list[Callable[[], None]] = []
        self._start_page()

    # -- pages -------------------------------------------------------------------------------

    def _start_page(self) -> None:
        self.page_number += 1
        canvas = self.canvas
        canvas.setFillGray(0)
        canvas.setStrokeGray(0)
        head_y = self.page_height - MARGIN
        right_width = 0.0
        if self.header_right:
            right_text, _ = fonts.fit_text(
                self.header_right, self.width * 0.45, HEADER_SIZE, HEADER_SIZE
            )
            right_width = fonts.draw_text(
                canvas, self.right, head_y, right_text, HEADER_SIZE, anchor="end"
            )
        title_width = self.width - right_width - (12 if right_width else 0)
        title = fonts.ellipsize(self.title, HEADER_SIZE, title_width, bold=True)
        fonts.draw_text(canvas, self.left, head_y, title, HEADER_SIZE, bold=True)
        canvas.setLineWidth(0.6)
        canvas.line(self.left, head_y - 4, self.right, head_y - 4)
        self.y = self.top
        for hook in self._on_new_page:
            hook()

    def _draw_footer(self, canvas: Canvas, number: int, total: int) -> None:
        y = MARGIN
        canvas.setLineWidth(0.4)
        canvas.line(self.left, y + 9, self.right, y + 9)
        if self.footer_left:
            fonts.draw_text(canvas, self.left, y, self.footer_left, FOOTER_SIZE)
        fonts.draw_text(
            canvas, self.right, y, f"Page {number} of {total}", FOOTER_SIZE, anchor="end"
        )

    def new_page(self) -> None:
        self.canvas.showPage()
        self._start_page()

    def remaining(self) -> float:
        return self.y - self.bottom

    def ensure(self, height: float) -> bool:
        """Start a new page unless ``height`` points fit below the cursor. True if it broke."""
        if height <= self.remaining():
            return False
        self.new_page()
        return True

    def space(self, height: float) -> None:
        self.y -= height

    # -- text --------------------------------------------------------------------------------

    def text_line(
        self,
        text: str,
        size: float = 9.0,
        *,
        bold: bool = False,
        x: float | None = None,
        gray: float = 0.0,
        anchor: fonts.Anchor = "start",
    ) -> None:
        """One line at the cursor (page break first if needed), cursor moves below it."""
        line_height = size * LEADING
        self.ensure(line_height)
        self.y -= line_height
        self._draw_line(
            self.left if x is None else x, self.y + size * 0.25, text, size, bold, gray, anchor
        )

    def _draw_line(
        self,
        x: float,
        y: float,
        text: str,
        size: float,
        bold: bool,
        gray: float,
        anchor: fonts.Anchor = "start",
    ) -> None:
        if gray:
            self.canvas.setFillGray(gray)
        fonts.draw_text(self.canvas, x, y, text, size, bold, anchor=anchor)
        if gray:
            self.canvas.setFillGray(0)

    def paragraph(
        self,
        text: str,
        size: float = 9.0,
        *,
        bold: bool = False,
        indent: float = 0.0,
        width: float | None = None,
        gray: float = 0.0,
    ) -> None:
        """Wrapped text at the cursor; long paragraphs continue on the next page."""
        width = (self.width - indent) if width is None else width
        for line in fonts.wrap_text(text, size, width, bold):
            self.text_line(line, size, bold=bold, x=self.left + indent, gray=gray)

    def heading(self, text: str, size: float = 11.0) -> None:
        # Keep a heading with at least a few lines of what follows it.
        self.ensure(size * LEADING + 40)
        self.space(4)
        self.text_line(text, size, bold=True)
        self.space(2)

    def rule(self, width: float = 0.6, gap: float = 4.0) -> None:
        self.ensure(2 * gap)
        self.y -= gap
        self.canvas.setLineWidth(width)
        self.canvas.line(self.left, self.y, self.right, self.y)
        self.y -= gap

    # -- barcodes ----------------------------------------------------------------------------

    def barcode(
        self,
        data: str,
        x: float,
        y: float,
        *,
        max_width: float,
        height: float = 12 * MM,
        hri: str | None = None,
        hri_size: float = 8.0,
        anchor: Literal["start", "middle"] = "start",
    ) -> BarcodeGeometry:
        """A Code 128 whose bottom (including its text) is at ``y``.

        The X-dimension shrinks from 0.33 mm towards 0.25 mm to fit ``max_width``; data too
        long even for that raises :class:`PrintError` rather than printing an unscannable code.
        """
        try:
            x_dim = fit_x_dim(
                data, max_width, preferred=DOC_X_DIM, minimum=DOC_MIN_X_DIM, grid=None
            )
        except ValueError as exc:
            raise PrintError(str(exc)) from exc
        return draw_code128(
            self.canvas,
            x,
            y,
            data,
            x_dim=x_dim,
            bar_height=height,
            hri=data if hri is None else hri,
            hri_size=hri_size,
            anchor=anchor,
        )

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

    # -- boxes -------------------------------------------------------------------------------

    def tick_box(self, x: float, baseline: float, size: float = 9.0) -> None:
        """An empty square for a pen tick, sitting on ``baseline``."""
        self.canvas.setLineWidth(0.8)
        self.canvas.rect(x, baseline - 1, size, size, stroke=1, fill=0)

    # -- output ------------------------------------------------------------------------------

    def finish(self) -> None:
        self.canvas.showPage()
        self.canvas.flush_pages()
        pdf_file.save(self.canvas)


def render_to_bytes(build: Callable[[BinaryIO], None]) -> bytes:
    buffer = io.BytesIO()
    build(buffer)
    return buffer.getvalue()


def write_pdf(path: Path | str, content: bytes) -> Path:
    """Write ``content`` to ``path`` atomically; I/O failures become :class:`PrintError`."""
    target = Path(path)
    try:
        write_atomically(target, content)
    except OSError as exc:
        raise PrintError(f"cannot write {target}: {exc}") from exc
    return target
