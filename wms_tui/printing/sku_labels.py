"""Product labels for units that arrive without a barcode: Code 128 of the SKU, name, options.

Two layouts: an A4 sheet of 3 × 8 labels of 70 × 37 mm (the common office label
sheet, laser printed) or a roll of 62 × 29 mm labels, one per page, for a 203 dpi
thermal printer driven through CUPS. Bars are vector; on the roll every bar edge
falls on a printer dot. A SKU too long for a scannable symbol on the label is
left out and named (:func:`split_printable`), not squeezed into something no
scanner reads; the others print. On the sheet, whose labels run to the paper's
edge, nothing is drawn within :data:`SHEET_EDGE` of it: office printers cannot
print there.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from wms_tui.printing import fonts
from wms_tui.printing.barcodes import DOT_203, MM, draw_code128, fit_x_dim
from wms_tui.printing.errors import PrintError
from wms_tui.printing.pages import write_pdf

Layout = Literal["sheet", "roll"]

SHEET_COLS, SHEET_ROWS = 3, 8
SHEET_LABEL = (70 * MM, 37 * MM)
ROLL_LABEL = (62 * MM, 29 * MM)  # Brother DK-11209 size
PAD = 3 * MM
#: Laser and inkjet printers leave about 4-5 mm at the paper's edge unprinted.
SHEET_EDGE = 5 * MM


@dataclass(frozen=True)
class _Geometry:
    size: tuple[float, float]
    preferred_x: float
    minimum_x: float
    grid: float | None


GEOMETRY: dict[str, _Geometry] = {
    # laser/inkjet: any X-dimension prints true; 0.19 mm still scans well on paper
    "sheet": _Geometry(SHEET_LABEL, 0.33 * MM, 0.19 * MM, None),
    # 203 dpi thermal: whole dots only, at least two dots per module
    "roll": _Geometry(ROLL_LABEL, 3 * DOT_203, 2 * DOT_203, DOT_203),
}


class LabelError(PrintError, ValueError):
    """A label cannot be printed readably."""


@dataclass(frozen=True)
class SkuLabel:
    sku: str
    name: str
    options: str = ""


def _inner_width(layout: Layout) -> float:
    g = GEOMETRY[layout]
    if layout == "sheet":
        # An outer column loses what lies within SHEET_EDGE of the paper's edge.
        edge = max(PAD, SHEET_EDGE - (A4[0] - SHEET_COLS * g.size[0]) / 2)
        return g.size[0] - PAD - edge
    return g.size[0] - 2 * PAD


def _x_dim(sku: str, layout: Layout) -> float:
    g = GEOMETRY[layout]
    width = _inner_width(layout)
    if not sku.isascii() or not sku.isprintable():
        raise LabelError(f"SKU {sku!r} has characters Code 128 cannot carry")
    try:
        return fit_x_dim(sku, width, preferred=g.preferred_x, minimum=g.minimum_x, grid=g.grid)
    except ValueError:
        hint = ": print a sheet instead" if layout == "roll" else ""
        raise LabelError(f"SKU {sku} is too long for a {layout} label barcode{hint}") from None


def check_fits(labels: Sequence[SkuLabel], layout: Layout) -> None:
    for sku in {label.sku for label in labels}:
        _x_dim(sku, layout)


def split_printable(labels: Sequence[SkuLabel], layout: Layout) -> tuple[list[SkuLabel], list[str]]:
    """(labels that can print, one problem line per SKU that cannot), order kept."""
    bad: dict[str, str] = {}
    for sku in dict.fromkeys(label.sku for label in labels):
        try:
            _x_dim(sku, layout)
        except LabelError as exc:
            bad[sku] = str(exc)
    return [label for label in labels if label.sku not in bad], list(bad.values())


@dataclass(frozen=True)
class _Pads:
    left: float = PAD
    right: float = PAD
    top: float = PAD
    bottom: float = PAD


def _sheet_pads(x: float, y: float, page: tuple[float, float]) -> _Pads:
    """Keep SHEET_EDGE clear of every paper edge a label touches."""
    w, h = SHEET_LABEL

    def pad(gap: float) -> float:
        return max(PAD, SHEET_EDGE - gap)

    return _Pads(pad(x), pad(page[0] - x - w), pad(page[1] - y - h), pad(y))


def _draw_label(
    c: Canvas, x: float, y: float, layout: Layout, label: SkuLabel, pads: _Pads | None = None
) -> None:
    """One label with its lower-left corner at (x, y)."""
    g = GEOMETRY[layout]
    w, h = g.size
    pads = pads or _Pads()
    inner = w - pads.left - pads.right
    small = layout == "roll"
    name_size = 7.5 if small else 9.0
    opt_size = 6.5 if small else 8.0
    hri_size = 7.0 if small else 8.5
    top = y + h - pads.top - name_size
    for line in fonts.wrap_lines(label.name, name_size, inner, 2, bold=True):
        fonts.draw_text(c, x + pads.left, top, line, name_size, bold=True)
        top -= name_size * 1.15
    if label.options:
        options = fonts.ellipsize(label.options, opt_size, inner)
        fonts.draw_text(c, x + pads.left, top, options, opt_size)
        top -= opt_size * 0.6
    else:
        top += name_size * 0.3
    bottom = y + pads.bottom
    bar_height = max(7 * MM, top - bottom - hri_size - 1.5 - 1 * MM)
    draw_code128(
        c, x + pads.left + inner / 2, bottom, label.sku,
        x_dim=_x_dim(label.sku, layout), bar_height=bar_height,
        hri=label.sku, hri_size=hri_size, anchor="middle", grid=g.grid,
    )  # fmt: skip


def render_sku_labels_bytes(labels: Sequence[SkuLabel], layout: Layout = "sheet") -> bytes:
    if not labels:
        raise LabelError("No labels to print")
    if layout not in GEOMETRY:
        raise LabelError(f"Unknown label layout {layout!r}: use sheet or roll")
    check_fits(labels, layout)
    fonts.ensure_fonts()
    buffer = io.BytesIO()
    page = ROLL_LABEL if layout == "roll" else A4
    c = Canvas(buffer, pagesize=page, invariant=1, pageCompression=0,
               initialFontName=fonts.LATIN)  # fmt: skip
    c.setTitle(f"SKU labels ({layout})")
    if layout == "roll":
        for label in labels:
            _draw_label(c, 0, 0, layout, label)
            c.showPage()
    else:
        page_w, page_h = A4
        lw, lh = SHEET_LABEL
        left = (page_w - SHEET_COLS * lw) / 2
        top = page_h - (page_h - SHEET_ROWS * lh) / 2
        per_page = SHEET_COLS * SHEET_ROWS
        for i, label in enumerate(labels):
            if i and i % per_page == 0:
                c.showPage()
            slot = i % per_page
            col, row = slot % SHEET_COLS, slot // SHEET_COLS
            lx, ly = left + col * lw, top - (row + 1) * lh
            _draw_label(c, lx, ly, layout, label, _sheet_pads(lx, ly, (page_w, page_h)))
        c.showPage()
    c.save()
    return buffer.getvalue()


def render_sku_labels(labels: Sequence[SkuLabel], path: Path, layout: Layout = "sheet") -> Path:
    """Write the labels to ``path`` (its folder must exist); one label per unit given."""
    return write_pdf(path, render_sku_labels_bytes(labels, layout))
