"""Courier shipping label as PDF: 4x6 inch (thermal printers) or A6.

Layout, top to bottom, each band separated by a thick rule::

    FROM (small)                     | CARRIER / service
    ====================================================
    SHIP TO
    Name (largest text on the label)
    street lines, POSTCODE CITY, COUNTRY
    ====================================================
    WEIGHT | PACKAGE n of N | ORDER | DATE
    ====================================================
    TRACKING      Code 128 + number
    ----------------------------------------------------
    SSCC          GS1-128 (00) + grouped digits

The barcode bands have fixed heights (bars >= 25 mm, X-dimension 4 dots = 0.5 mm at 203 dpi,
10X quiet zones); the ship-to block gets whatever is left and shrinks its text until the
address fits, wrapping long lines and, only as a last resort, ellipsising them.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from reportlab.lib.pagesizes import A6
from reportlab.pdfgen.canvas import Canvas

from wms_tui.domain.identifiers.sscc import format_sscc_hri
from wms_tui.printing import fonts
from wms_tui.printing.barcodes import (
    DOT_203,
    LABEL_X_DIM,
    MM,
    draw_code128,
    fit_x_dim,
    sscc_data,
)
from wms_tui.printing.documents import LabelData, clean_lines, format_weight
from wms_tui.printing.errors import PrintError

LabelSize = Literal["4x6", "A6"]

LABEL_SIZES: dict[str, tuple[float, float]] = {
    "4x6": (4 * 72.0, 6 * 72.0),
    "A6": (A6[0], A6[1]),
}

MARGIN = 3 * MM
THICK = 2.0
THIN = 0.75
BAR_HEIGHT = 26 * MM
SSCC_BAR_HEIGHT = 27 * MM
HRI_SIZE = 10.0
CAPTION_SIZE = 6.5
HEADER_HEIGHT = 17 * MM
INFO_HEIGHT = 12 * MM
SHIP_TO_MAX = 24.0
SHIP_TO_MIN = 7.0


@dataclass(frozen=True, slots=True)
class _Line:
    text: str
    size: float
    bold: bool


def _rule(canvas: Canvas, x0: float, x1: float, y: float, width: float) -> None:
    canvas.setLineWidth(width)
    canvas.line(x0, y, x1, y)


def _caption(canvas: Canvas, x: float, y: float, text: str) -> None:
    fonts.draw_text(canvas, x, y, text, CAPTION_SIZE, bold=True)


def _ship_to_lines(data: LabelData, scale: float, width: float) -> tuple[list[_Line], bool]:
    """Address lines for the ship-to block at base size ``scale``, wrapped to ``width``.

    Also says whether a bold line (name, town, country) had to wrap: a broken town line is
    harder to sort by than a slightly smaller one.
    """
    to = data.ship_to
    wanted: list[tuple[str, float, bool]] = [(to.name, scale, True)]
    wanted += [(line, scale * 0.8, False) for line in to.street_lines()]
    wanted += [(line.upper(), scale, True) for line in to.locality_lines()]
    if to.country_code != data.ship_from.country_code:
        wanted.append((to.country_name, scale * 0.85, True))
    out: list[_Line] = []
    bold_wrapped = False
    for text, size, bold in wanted:
        if not text.strip():
            continue
        parts = fonts.wrap_text(text, size, width, bold)
        bold_wrapped |= bold and len(parts) > 1
        out += [_Line(part, size, bold) for part in parts]
    return out, bold_wrapped


def _block_height(lines: Sequence[_Line]) -> float:
    return sum(line.size * 1.18 for line in lines)


def _fit_ship_to(data: LabelData, width: float, height: float) -> list[_Line]:
    """The biggest ship-to text that fits.

    Sizes where a bold line (name, town) does not wrap are preferred, but only down to 80 %
    of the largest size that fits at all: tiny unwrapped text is worse than a wrapped name.
    """
    fallback: list[_Line] | None = None
    fallback_scale = 0.0
    # Unwrapped, the block is at least this tall per point of scale, which bounds the
    # largest scale worth trying and skips most of the search for long addresses.
    unit_lines, _ = _ship_to_lines(data, 1.0, float("inf"))
    upper = height / max(_block_height(unit_lines), 1e-6)
    scale = max(SHIP_TO_MIN, min(SHIP_TO_MAX, float(int(upper))))
    while True:
        lines, bold_wrapped = _ship_to_lines(data, scale, width)
        fits = _block_height(lines) <= height
        if fits and fallback is None:
            fallback, fallback_scale = lines, scale
        if fits and not bold_wrapped:
            return lines
        if scale <= SHIP_TO_MIN or (fallback is not None and scale <= fallback_scale * 0.8):
            break
        scale = max(SHIP_TO_MIN, scale - 1.0)
    if fallback is not None:
        return fallback
    # Even the smallest size is too tall: keep what fits and mark the cut, never overflow.
    while lines and _block_height(lines) > height:
        lines.pop()
        if lines:
            last = lines[-1]
            lines[-1] = _Line(
                fonts.ellipsize(last.text + " …", last.size, width, last.bold), last.size, last.bold
            )
    return lines


def _draw_lines(
    canvas: Canvas, x: float, top: float, lines: Sequence[_Line], width: float
) -> float:
    y = top
    for line in lines:
        y -= line.size * 1.18
        text = fonts.ellipsize(line.text, line.size, width, line.bold)
        fonts.draw_text(canvas, x, y + line.size * 0.22, text, line.size, line.bold)
    return y


def _draw_header(canvas: Canvas, data: LabelData, left: float, right: float, top: float) -> None:
    bottom = top - HEADER_HEIGHT
    split = left + (right - left) * 0.58
    canvas.setLineWidth(THIN)
    canvas.line(split, bottom + 2, split, top - 2)

    _caption(canvas, left, top - 8, "FROM")
    sender = data.ship_from
    street = ", ".join(clean_lines(sender.street_lines()))
    locality = ", ".join(clean_lines([*sender.locality_lines(), sender.country_name]))
    width = split - left - 4
    y = top - 9
    for text in clean_lines([sender.name, street, locality, sender.phone]):
        y -= 8.6
        if y < bottom + 2:
            break
        fonts.draw_text(canvas, left, y, fonts.ellipsize(text, 7.2, width), 7.2)

    col = split + 5
    col_width = right - col
    carrier, carrier_size = fonts.fit_text(data.carrier_name, col_width, 17, 9, bold=True)
    fonts.draw_text(canvas, col, top - 4 - carrier_size, carrier, carrier_size, bold=True)
    y = top - 8 - carrier_size
    for text in fonts.wrap_lines(data.service_name, 8.5, col_width, 2, bold=True):
        y -= 10
        fonts.draw_text(canvas, col, y, text, 8.5, True)


def _draw_info(canvas: Canvas, data: LabelData, left: float, right: float, top: float) -> None:
    bottom = top - INFO_HEIGHT
    order = data.order_name if not data.reference else f"{data.order_name} / {data.reference}"
    cells = [
        ("WEIGHT", format_weight(data.weight_g), 0.22),
        ("PACKAGE", f"PKG {data.package_index} of {data.package_count}", 0.26),
        ("ORDER", order, 0.30),
        ("DATE", data.date.isoformat(), 0.22),
    ]
    x = left
    canvas.setLineWidth(THIN)
    for index, (caption, value, share) in enumerate(cells):
        cell_width = (right - left) * share
        if index:
            canvas.line(x, bottom + 2, x, top - 2)
        pad = 3 if index else 0
        _caption(canvas, x + pad, top - 8, caption)
        usable = cell_width - pad - 3
        value, size = fonts.fit_text(value, usable, 12, 6, bold=True)
        fonts.draw_text(canvas, x + pad, bottom + 6, value, size, bold=True)
        x += cell_width


def _draw_label(canvas: Canvas, data: LabelData, page_w: float, page_h: float) -> None:
    left, right = MARGIN, page_w - MARGIN
    width = right - left
    canvas.setStrokeGray(0)
    canvas.setFillGray(0)

    # Bottom-up: the barcode bands are fixed, the ship-to block takes what remains.
    sscc_bottom = MARGIN
    sscc_x = fit_x_dim(sscc_data(data.sscc), width, preferred=LABEL_X_DIM, minimum=LABEL_X_DIM)
    sscc_geo = draw_code128(
        canvas, page_w / 2, sscc_bottom, sscc_data(data.sscc),
        x_dim=sscc_x, bar_height=SSCC_BAR_HEIGHT,
        hri=format_sscc_hri(data.sscc, data.company_prefix_length), hri_size=HRI_SIZE,
        anchor="middle", grid=DOT_203,
    )  # fmt: skip
    sscc_top = sscc_geo.y + sscc_geo.height + 3 + CAPTION_SIZE
    _caption(canvas, left, sscc_top - CAPTION_SIZE, "SSCC")
    _rule(canvas, left, right, sscc_top + 3, THICK)

    tracking_bottom = sscc_top + 7
    try:
        tracking_x = fit_x_dim(data.tracking_number, width)
    except ValueError as exc:
        raise PrintError(f"tracking number does not fit on the label: {exc}") from exc
    tracking_geo = draw_code128(
        canvas, page_w / 2, tracking_bottom, data.tracking_number,
        x_dim=tracking_x, bar_height=BAR_HEIGHT, hri=data.tracking_number,
        hri_size=HRI_SIZE + 1, anchor="middle", grid=DOT_203,
    )  # fmt: skip
    tracking_top = tracking_geo.y + tracking_geo.height + 3 + CAPTION_SIZE
    caption = fonts.ellipsize(f"TRACKING  {data.carrier_name.upper()}", CAPTION_SIZE, width, True)
    _caption(canvas, left, tracking_top - CAPTION_SIZE, caption)
    _rule(canvas, left, right, tracking_top + 3, THICK)

    info_top = tracking_top + 3 + INFO_HEIGHT
    _draw_info(canvas, data, left, right, info_top)
    _rule(canvas, left, right, info_top, THICK)

    header_top = page_h - MARGIN
    header_bottom = header_top - HEADER_HEIGHT
    _draw_header(canvas, data, left, right, header_top)
    _rule(canvas, left, right, header_bottom, THICK)

    ship_top = header_bottom - 3
    _caption(canvas, left, ship_top - CAPTION_SIZE, "SHIP TO")
    block_top = ship_top - CAPTION_SIZE - 2
    block_bottom = info_top + 3
    indent = 4 * MM
    text_width = right - left - indent
    phone = data.ship_to.phone.strip()
    phone_height = 10.0 if phone else 0.0
    lines = _fit_ship_to(data, text_width, block_top - block_bottom - phone_height)
    _draw_lines(canvas, left + indent, block_top, lines, text_width)
    if phone:
        fonts.draw_text(
            canvas,
            left + indent,
            block_bottom + 2,
            fonts.ellipsize(f"Tel. {phone}", 8, text_width),
            8,
        )


def _page_size(size: str) -> tuple[float, float]:
    try:
        return LABEL_SIZES[size]
    except KeyError:
        raise ValueError(f"unknown label size {size!r}; use one of {sorted(LABEL_SIZES)}") from None


def render_label_pdf_bytes(data: LabelData, size: LabelSize = "4x6") -> bytes:
    """Render one label and return the PDF file content."""
    page_w, page_h = _page_size(size)
    fonts.ensure_fonts()
    buffer = io.BytesIO()
    # invariant=1 drops the timestamp and random ID: the same label gives the same bytes,
    # which makes reprints comparable and tests deterministic. Page compression stays off:
    # the page stream is a few kB and compressing it (zlib + ASCII85 in pure Python) would
    # cost more than the rest of the label; fonts are compressed once in their cache.
    canvas = Canvas(
        buffer,
        pagesize=(page_w, page_h),
        invariant=1,
        pageCompression=0,
        # A TrueType initial font keeps reportlab from embedding an unused Helvetica.
        initialFontName=fonts.LATIN,
    )
    canvas.setTitle(f"Label {data.order_name} {data.package_index}/{data.package_count}")
    _draw_label(canvas, data, page_w, page_h)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def render_label_pdf(data: LabelData, path: Path | str, size: LabelSize = "4x6") -> Path:
    """Render one label to ``path`` (parent folder must exist) and return the path."""
    content = render_label_pdf_bytes(data, size)
    target = Path(path)
    try:
        target.write_bytes(content)
    except OSError as exc:
        raise PrintError(f"cannot write label to {target}: {exc}") from exc
    return target
