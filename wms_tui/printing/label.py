"""Courier shipping label, 4x6 inch (thermal printers) or A6, as PDF or ZPL.

Laid out once against a :class:`~wms_tui.printing.surface.Surface` (a PDF canvas or a ZPL
program, same fonts, same metrics, same bars), top to bottom, bands separated by thick rules::

    FROM  name, street, POSTCODE TOWN, COUNTRY    | SERVICE box: carrier, service, DG mark
    =========================================================================================
    SHIP TO   name (largest text), street lines, POSTCODE TOWN, COUNTRY (dominant block)
    =========================================================================================
    WEIGHT | PACKAGE n of N | DATE
    ORDER                    | CONSIGNMENT (GSIN, the same on every package of the shipment)
    =========================================================================================
    ROUTING   GS1-128 (421) ISO country + postcode       | big postcode text
    -----------------------------------------------------------------------------------------
    TRACKING  Code 128 + number
    -----------------------------------------------------------------------------------------
    SSCC      GS1-128 (00), bars 32 mm, X >= 0.495 mm, human-readable with AIs in brackets

Barcode bands have fixed heights, X-dimensions in whole printer dots (4 dots = 0.50 mm at
203 dpi, 6 dots = 0.51 mm at 300 dpi for the SSCC) and 10X quiet zones; the ship-to block
gets what is left and shrinks its text until the address fits, wrapping long lines and,
only as a last resort, ellipsising them (:mod:`label_address`). Every line of text is fitted
by measuring it with the fonts the printer draws it in, so none runs into another, on paper
or on a Zebra.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

from reportlab.lib.pagesizes import A6

from wms_tui.domain.identifiers.sscc import format_sscc_hri
from wms_tui.printing import fonts, pdf_file
from wms_tui.printing.barcodes import (
    MM,
    QUIET_ZONE_MODULES,
    code128_modules,
    fit_x_dim,
    gs1_element_string,
    gs1_hri,
    sscc_data,
)
from wms_tui.printing.documents import LabelData, clean_lines, format_weight
from wms_tui.printing.errors import PrintError
from wms_tui.printing.label_address import Line, draw_lines, fit_ship_to
from wms_tui.printing.output import write_atomically
from wms_tui.printing.surface import PdfSurface, Surface

LabelSize = Literal["4x6", "A6"]

LABEL_SIZES: dict[str, tuple[float, float]] = {
    "4x6": (4 * 72.0, 6 * 72.0),
    "A6": (A6[0], A6[1]),
}

MARGIN = 3 * MM
THICK = 2.0
THIN = 0.75
#: GS1 logistic labels: SSCC bars at least 31.75 mm; carriers ask for 32.
SSCC_BAR_HEIGHT = 32 * MM
#: GS1 logistic labels: X-dimension 0.495 mm to 1.016 mm for the SSCC.
MIN_SSCC_X_MM = 0.495
TRACKING_BAR_HEIGHT = 13 * MM
ROUTING_BAR_HEIGHT = 9 * MM
HRI_SIZE = 10.0
CAPTION_SIZE = 6.5
#: Terms of delivery (DAP/DDP) in the service box, beside the carrier.
TERMS_SIZE = 11.0
#: Four sender lines at SENDER_SIZE and the service box; every millimetre kept from the
#: header goes to the ship-to block, which on a label with three symbols is the smallest.
HEADER_HEIGHT = 17 * MM
INFO_HEIGHT = 15 * MM
SENDER_SIZE = 8.0


PHONE_SIZE = 8.0
PHONE_LINE = 10.0  # the phone's own row under the address, when it is not beside it

# ISO 3166-1 numeric codes for AI (421), the postal routing barcode. A destination not
# listed gets its postcode printed large without the barcode.
ISO_NUMERIC: dict[str, str] = {
    "AT": "040", "AU": "036", "BE": "056", "CA": "124", "CH": "756", "CN": "156",
    "CZ": "203", "DE": "276", "DK": "208", "EE": "233", "ES": "724", "FI": "246",
    "FR": "250", "GB": "826", "IE": "372", "IS": "352", "IT": "380", "JP": "392",
    "KR": "410", "LT": "440", "LV": "428", "NL": "528", "NO": "578", "PL": "616",
    "PT": "620", "SE": "752", "SG": "702", "US": "840",
}  # fmt: skip


def module_dots(dpi: int, at_least_mm: float) -> int:
    """The fewest whole printer dots that make a module at least ``at_least_mm`` wide."""
    return math.ceil(at_least_mm * dpi / 25.4 - 1e-9)


def routing_data(data: LabelData) -> str | None:
    """GS1-128 data for AI (421): ISO numeric country + postcode (A-Z 0-9, up to 9)."""
    country = ISO_NUMERIC.get(data.ship_to.country_code)
    postcode = "".join(c for c in data.ship_to.postcode.upper() if c.isascii() and c.isalnum())
    if country is None or not postcode or len(postcode) > 9:
        return None
    return gs1_element_string([("421", country + postcode)])


def _caption(surface: Surface, x: float, y: float, text: str) -> None:
    surface.text(x, y, text, CAPTION_SIZE, True)


def _symbol(
    surface: Surface,
    centre: float,
    y: float,
    data: str,
    x_dim: float,
    bar_height: float,
    hri: str,
    hri_size: float,
) -> tuple[float, float, float]:
    """A Code 128 / GS1-128 symbol centred on ``centre`` with its text below; ``y`` is the
    bottom of the text. Returns (left bar x, bar width, top of the bars)."""
    modules = code128_modules(data)
    width = sum(modules) * x_dim
    # Whole dots from the label's left edge, so every bar edge is a dot edge.
    left = round((centre - width / 2) / surface.dot) * surface.dot
    bar_y = y + hri_size + 1.5
    surface.bars(left, bar_y, modules, x_dim, bar_height)
    size = fonts.fit_size(hri, width + 2 * QUIET_ZONE_MODULES * x_dim, hri_size, hri_size * 0.6)
    surface.text(left + width / 2, y + hri_size * 0.22, hri, size, anchor="middle")
    return left, width, bar_y + bar_height


def _draw_header(surface: Surface, data: LabelData, left: float, right: float, top: float) -> None:
    bottom = top - HEADER_HEIGHT
    split = left + (right - left) * 0.60
    _caption(surface, left, top - 7, "FROM")
    sender = data.ship_from
    # The whole sender, country included: a carrier returns an undeliverable parcel there.
    lines = clean_lines(
        [
            sender.name,
            ", ".join(clean_lines(sender.street_lines())),
            ", ".join(clean_lines(sender.locality_lines())),
            sender.country_name,
        ]
    )
    width = split - left - 4
    y = top - 8
    step = SENDER_SIZE * 1.18
    room = int((y - bottom - 2) / step)
    if len(lines) > room:  # street lines give way first; name, town and country stay
        lines = [lines[0], *lines[len(lines) - room + 1 :]]
    for text in lines:
        y -= step
        text, size = fonts.fit_text(text, width, SENDER_SIZE, SENDER_SIZE * 0.8)
        surface.text(left, y + 1.5, text, size)

    # Service box: carrier, service, dangerous goods.
    box_left = split + 3
    surface.rect(box_left, bottom + 3, right - box_left, top - bottom - 4, THIN * 1.5)
    col, col_width = box_left + 4, right - box_left - 8
    # The terms of delivery (DAP/DDP) stand at the top right, beside the carrier, which
    # may shrink a little further for them before it is cut.
    terms_width = fonts.text_width(data.terms, TERMS_SIZE, bold=True) + 4 if data.terms else 0
    carrier, carrier_size = fonts.fit_text(
        data.carrier_name, col_width - terms_width, 13, 8 if data.terms else 9, bold=True
    )
    surface.text(col, top - 4 - carrier_size, carrier, carrier_size, True)
    if data.terms:
        x = col + col_width - terms_width + 4
        surface.text(x, top - 4 - TERMS_SIZE, data.terms, TERMS_SIZE, True)
    y = top - 8 - carrier_size
    # The dangerous-goods mark takes the box's last row: the service keeps one line then.
    rows = 1 if data.dangerous_goods else 2
    service_lines = fonts.wrap_lines(data.service_name, 8.5, col_width, rows, bold=True)
    for text in service_lines:
        y -= 10
        surface.text(col, y, text, 8.5, True)
    if data.dangerous_goods:
        mark = "DG " + " ".join(data.dangerous_goods) + " LITHIUM"
        mark, size = fonts.fit_text(mark, col_width, 10, 6, bold=True)
        surface.text(col, bottom + 6, mark, size, True)


def _cell(surface: Surface, x: float, top: float, width: float, caption: str, value: str,
          size: float) -> None:  # fmt: skip
    _caption(surface, x, top - 7, caption)
    value, fitted = fonts.fit_text(value, width, size, 6, bold=True)
    surface.text(x, top - 7.5 - fitted, value, fitted, True)


def _draw_info(surface: Surface, data: LabelData, left: float, right: float, top: float) -> None:
    width = right - left
    row = INFO_HEIGHT / 2
    order = data.order_name if not data.reference else f"{data.order_name} / {data.reference}"
    first = [
        ("WEIGHT", format_weight(data.weight_g), 0.30),
        ("PACKAGE", f"PKG {data.package_index} of {data.package_count}", 0.38),
        ("DATE", data.date.isoformat(), 0.32),
    ]
    second = [("ORDER", order, 0.40), ("CONSIGNMENT", data.consignment or "-", 0.60)]
    for cells, row_top in ((first, top), (second, top - row)):
        x = left
        for index, (caption, value, share) in enumerate(cells):
            cell = width * share
            if index:
                surface.line(x, row_top - row + 2, x, row_top - 2, THIN)
            pad = 3 if index else 0
            _cell(surface, x + pad, row_top, cell - pad - 3, caption, value, 10)
            x += cell
    surface.line(left, top - row, right, top - row, THIN)


def _x_dims(surface: Surface) -> tuple[float, float]:
    """(SSCC X-dimension, smallest X-dimension for the other symbols), whole dots."""
    dpi = round(72 / surface.dot)
    sscc = module_dots(dpi, MIN_SSCC_X_MM) * surface.dot
    return sscc, module_dots(dpi, 0.25) * surface.dot


def _tracking_band(
    surface: Surface,
    data: LabelData,
    left: float,
    right: float,
    bottom: float,
    sscc_x: float,
    min_x: float,
) -> float:
    """The carrier's tracking Code 128 above the SSCC; returns the band's top."""
    width = right - left
    try:
        tracking_x = fit_x_dim(
            data.tracking_number, width, preferred=sscc_x, minimum=min_x, grid=surface.dot
        )
    except ValueError as exc:
        raise PrintError(f"tracking number does not fit on the label: {exc}") from exc
    *_, bars_top = _symbol(
        surface, (left + right) / 2, bottom, data.tracking_number, tracking_x,
        TRACKING_BAR_HEIGHT, data.tracking_number, HRI_SIZE + 1,
    )  # fmt: skip
    top = bars_top + 3 + CAPTION_SIZE
    caption = fonts.ellipsize(f"TRACKING  {data.carrier_name.upper()}", CAPTION_SIZE, width, True)
    _caption(surface, left, top - CAPTION_SIZE, caption)
    surface.line(left, top + 3, right, top + 3, THIN * 2)
    return top


def draw_label(surface: Surface, data: LabelData, page_w: float, page_h: float) -> None:
    left, right = MARGIN, page_w - MARGIN
    width = right - left
    sscc_x, min_x = _x_dims(surface)

    # Bottom-up: the barcode bands are fixed, the ship-to block takes what remains.
    symbol = sscc_data(data.sscc)
    try:
        fit_x_dim(symbol, width, preferred=sscc_x, minimum=sscc_x, grid=surface.dot)
    except ValueError as exc:
        raise PrintError(f"SSCC does not fit on the label: {exc}") from exc
    hri = format_sscc_hri(data.sscc, data.company_prefix_length)
    *_, bars_top = _symbol(
        surface, page_w / 2, MARGIN, symbol, sscc_x, SSCC_BAR_HEIGHT, hri, HRI_SIZE
    )
    sscc_top = bars_top + 3 + CAPTION_SIZE
    if data.tracking_number != data.sscc:
        _caption(surface, left, sscc_top - CAPTION_SIZE, "SSCC")
    surface.line(left, sscc_top + 3, right, sscc_top + 3, THICK)

    if data.tracking_number == data.sscc:
        # The carrier takes the SSCC as its item ID (PostNord at home): one number, one
        # symbol. A second barcode of the same digits would be a second ID to scan.
        caption = f"SSCC = TRACKING  {data.carrier_name.upper()}"
        _caption(surface, left, sscc_top - CAPTION_SIZE, fonts.ellipsize(caption, CAPTION_SIZE,
                                                                          width, True))  # fmt: skip
        tracking_top = sscc_top
    else:
        tracking_top = _tracking_band(surface, data, left, right, sscc_top + 6, sscc_x, min_x)

    routing_bottom = tracking_top + 6
    routing = routing_data(data)
    half = left + width * 0.58
    routing_top = routing_bottom + ROUTING_BAR_HEIGHT + HRI_SIZE + 1.5 + 3 + CAPTION_SIZE
    if routing is not None:
        elements = [("421", routing.removeprefix("\xf1421"))]
        try:
            x_dim = fit_x_dim(routing, half - left, preferred=sscc_x, minimum=min_x,
                              grid=surface.dot)  # fmt: skip
        except ValueError:
            routing = None
        else:
            _symbol(surface, left + (half - left) / 2, routing_bottom, routing, x_dim,
                    ROUTING_BAR_HEIGHT, gs1_hri(elements), HRI_SIZE - 1)  # fmt: skip
    _caption(surface, left, routing_top - CAPTION_SIZE, "ROUTING")
    code = f"{data.ship_to.country_code}-{data.ship_to.postcode}".strip("-")
    # Large enough to sort by, never larger than the ship-to name: that stays dominant.
    code, size = fonts.fit_text(code, right - half - 4, 14, 9, bold=True)
    surface.text(right, routing_bottom + 4, code, size, True, anchor="end")
    surface.line(left, routing_top + 3, right, routing_top + 3, THICK)

    info_top = routing_top + 3 + INFO_HEIGHT
    _draw_info(surface, data, left, right, info_top)
    surface.line(left, info_top, right, info_top, THICK)

    header_top = page_h - MARGIN
    header_bottom = header_top - HEADER_HEIGHT
    _draw_header(surface, data, left, right, header_top)
    surface.line(left, header_bottom, right, header_bottom, THICK)

    ship_top = header_bottom - 3
    _caption(surface, left, ship_top - CAPTION_SIZE, "SHIP TO")
    block_top = ship_top - CAPTION_SIZE - 2
    block_bottom = info_top + 3
    indent = 4 * MM
    text_width = right - left - indent
    phone = data.ship_to.phone.strip()
    tel = f"Tel. {phone}" if phone else ""
    height = block_top - block_bottom
    lines = fit_ship_to(data, text_width, height)
    # A short last line (the country abroad) leaves room for the phone beside it, so the
    # address keeps the phone's row: on a label with three symbols that row is a fifth of
    # the block.
    beside = bool(tel and lines) and _fits_beside(lines[-1], tel, text_width)
    if tel and not beside:
        lines = fit_ship_to(data, text_width, height - PHONE_LINE)
    last_y = draw_lines(surface, left + indent, block_top, lines, text_width)
    if beside:
        surface.text(right, last_y + lines[-1].size * 0.22, tel, PHONE_SIZE, anchor="end")
    elif tel:
        surface.text(left + indent, block_bottom + 2, fonts.ellipsize(tel, PHONE_SIZE,
                     text_width), PHONE_SIZE)  # fmt: skip


def _fits_beside(line: Line, tel: str, width: float) -> bool:
    gap = 4 * MM
    used = fonts.text_width(line.text, line.size, line.bold) + gap
    return used + fonts.text_width(tel, PHONE_SIZE) <= width


def page_size(size: str) -> tuple[float, float]:
    try:
        return LABEL_SIZES[size]
    except KeyError:
        raise ValueError(f"unknown label size {size!r}; use one of {sorted(LABEL_SIZES)}") from None


def label_stock_pdf(
    draw: Callable[[PdfSurface, Any, float, float], None],
    data: Any,
    size: LabelSize,
    dpi: int,
    title: str,
) -> bytes:
    """One page of label stock drawn by ``draw``: the shipping label, the CN 22."""
    page_w, page_h = page_size(size)
    fonts.ensure_fonts()
    buffer = io.BytesIO()
    # invariant=1 drops the timestamp and random ID: the same label gives the same bytes,
    # which makes reprints comparable and tests deterministic. Page compression stays off:
    # the page stream is a few kB and compressing it (zlib + ASCII85 in pure Python) would
    # cost more than the rest of the label; fonts are compressed once in their cache.
    canvas = pdf_file.PageCanvas(
        buffer,
        pagesize=(page_w, page_h),
        invariant=1,
        pageCompression=0,
        # A TrueType initial font keeps reportlab from embedding an unused Helvetica.
        initialFontName=fonts.LATIN,
    )
    canvas.setTitle(title)
    draw(PdfSurface(canvas, dpi), data, page_w, page_h)
    pdf_file.save(canvas)
    return buffer.getvalue()


def render_label_pdf_bytes(data: LabelData, size: LabelSize = "4x6", dpi: int = 203) -> bytes:
    """Render one label and return the PDF file content."""
    title = f"Label {data.order_name} {data.package_index}/{data.package_count}"
    return label_stock_pdf(draw_label, data, size, dpi, title)


def render_label_pdf(
    data: LabelData, path: Path | str, size: LabelSize = "4x6", dpi: int = 203
) -> Path:
    """Render one label to ``path`` (parent folder must exist) and return the path.

    ``dpi`` is the printer's: barcode modules and bar edges land on its dots."""
    content = render_label_pdf_bytes(data, size, dpi)
    target = Path(path)
    try:
        write_atomically(target, content)
    except OSError as exc:
        raise PrintError(f"cannot write label to {target}: {exc}") from exc
    return target
