"""Product labels for units that arrive without a barcode: Code 128 of the SKU, name, options.

Two layouts: an A4 sheet of 3 × 8 labels of 70 × 37 mm (the common office label
sheet) or a roll of 60 × 30 mm labels, one per page, for a thermal printer driven
through CUPS. The bars are vector and sized to the label: X-dimension up to
0.33 mm, never below 0.19 mm (a SKU too long for that is refused, not squeezed into
something no scanner reads).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from wms_tui.printing._receiving_fallback import (
    MM,
    draw_code128,
    draw_text,
    fit_text,
    fit_x_dim,
    wrap_text,
)

Layout = Literal["sheet", "roll"]

SHEET_COLS, SHEET_ROWS = 3, 8
SHEET_LABEL = (70 * MM, 37 * MM)
ROLL_LABEL = (60 * MM, 30 * MM)
PAD = 3 * MM
MAX_X_DIM = 0.33 * MM
MIN_X_DIM = 0.19 * MM


class LabelError(ValueError):
    """A label cannot be printed readably."""


@dataclass(frozen=True)
class SkuLabel:
    sku: str
    name: str
    options: str = ""


def check_fits(labels: Sequence[SkuLabel], layout: Layout) -> None:
    width = (SHEET_LABEL if layout == "sheet" else ROLL_LABEL)[0] - 2 * PAD
    for label in labels:
        if not label.sku.isascii() or not label.sku.isprintable():
            raise LabelError(f"SKU {label.sku!r} has characters Code 128 cannot carry")
        if fit_x_dim(label.sku, width, MAX_X_DIM, MIN_X_DIM) is None:
            raise LabelError(f"SKU {label.sku} is too long for a {layout} label barcode")


def _draw_label(c: Canvas, x: float, y: float, size: tuple[float, float], label: SkuLabel) -> None:
    """One label with its lower-left corner at (x, y)."""
    w, h = size
    inner = w - 2 * PAD
    small = h < 32 * MM
    name_size = 7.5 if small else 9.0
    opt_size = 6.5 if small else 8.0
    top = y + h - PAD - name_size
    lines = wrap_text(label.name, name_size, inner, bold=True)[:2]
    for line in lines:
        draw_text(c, x + PAD, top, line, name_size, bold=True)
        top -= name_size * 1.15
    if label.options:
        draw_text(c, x + PAD, top, fit_text(label.options, opt_size, inner), opt_size)
    hri_size = 7.0 if small else 8.5
    bar_bottom = y + PAD + hri_size + 1.2 * MM
    bar_top = top - opt_size * 0.6 if label.options else top + name_size * 0.3
    bar_height = max(7 * MM, bar_top - bar_bottom - 1 * MM)
    x_dim = fit_x_dim(label.sku, inner, MAX_X_DIM, MIN_X_DIM)
    assert x_dim is not None, "check_fits() runs first"
    draw_code128(c, x + w / 2, bar_bottom, label.sku, x_dim=x_dim, bar_height=bar_height,
                 anchor="middle")  # fmt: skip
    draw_text(c, x + w / 2, y + PAD, label.sku, hri_size, anchor="middle")


def render_sku_labels(labels: Sequence[SkuLabel], path: Path, layout: Layout = "sheet") -> Path:
    """Write the labels to ``path`` (its folder must exist); one label per unit given."""
    if not labels:
        raise LabelError("No labels to print")
    check_fits(labels, layout)
    if layout == "roll":
        c = Canvas(str(path), pagesize=ROLL_LABEL, pageCompression=1)
        c.setTitle("SKU labels (roll)")
        for label in labels:
            _draw_label(c, 0, 0, ROLL_LABEL, label)
            c.showPage()
        c.save()
        return path
    c = Canvas(str(path), pagesize=A4, pageCompression=1)
    c.setTitle("SKU labels (A4 sheet)")
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
        _draw_label(c, left + col * lw, top - (row + 1) * lh, SHEET_LABEL, label)
    c.showPage()
    c.save()
    return path
