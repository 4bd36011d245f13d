"""Pages of the A4/Letter documents: paper sizes, a cursor running down the page, a
running header and a ``Page n of N`` footer, text and barcodes at the cursor, and the
finished PDF's bytes or file. :mod:`wms_tui.printing.toolkit` adds tables on top.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO, Literal

from reportlab.lib.pagesizes import A4, letter
from reportlab.pdfgen.canvas import Canvas

from wms_tui.printing import fonts, pdf_file
from wms_tui.printing.barcodes import MM, BarcodeGeometry, draw_code128, fit_x_dim
from wms_tui.printing.errors import PrintError
from wms_tui.printing.output import write_atomically

PaperName = Literal["A4", "Letter"]

PAPER_SIZES: dict[str, tuple[float, float]] = {"A4": A4, "Letter": letter}

MARGIN = 14 * MM
HEADER_SIZE = 8.0
FOOTER_SIZE = 7.5
#: X-dimension for barcodes on office paper (laser/inkjet, 300-600 dpi).
DOC_X_DIM = 0.33 * MM
DOC_MIN_X_DIM = 0.25 * MM
LEADING = 1.25


def paper_size(paper: str) -> tuple[float, float]:
    try:
        return PAPER_SIZES[paper]
    except KeyError:
        raise ValueError(f"unknown paper {paper!r}; use one of {sorted(PAPER_SIZES)}") from None


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


class PageWriter:
    """Flowing layout on A4/Letter pages: pages with a running header and ``Page n of N``,
    text, barcodes, tick boxes (tables are :class:`wms_tui.printing.toolkit.DocumentWriter`'s).

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
