"""The courier label as ZPL II for Zebra thermal printers at 203 dpi (8 dots/mm).

Same content and band layout as :mod:`wms_tui.printing.label`, but the printer lays out the
text itself (``^FB`` field blocks wrap and clip long lines), so the generator only positions
bands and never measures text.

Text is sent as UTF-8 (``^CI28``) and every text field goes through ``^FH`` so that ``^``,
``~`` and ``_`` in customer data cannot end a field or inject commands. The built-in scalable
font 0 covers Latin-1 (Å Ä Ö); fields with other characters (Hangul) switch to a TrueType font
that must be stored on the printer, ``E:NANUMGOT.TTF`` unless configured otherwise.
"""

from __future__ import annotations

from wms_tui.domain.identifiers.sscc import format_sscc_hri
from wms_tui.printing import fonts
from wms_tui.printing.barcodes import code128_module_count, sscc_data, zpl_code128_field
from wms_tui.printing.documents import LabelData, clean_lines, format_weight
from wms_tui.printing.label import LabelSize

DPI = 203
DOTS_PER_MM = DPI / 25.4
LABEL_DOTS: dict[str, tuple[int, int]] = {"4x6": (812, 1218), "A6": (839, 1183)}
DEFAULT_UNICODE_FONT = "E:NANUMGOT.TTF"

_MARGIN = 24
_THICK = 4
_BAR_HEIGHT = round(26 * DOTS_PER_MM)
_SSCC_BAR_HEIGHT = round(27 * DOTS_PER_MM)
_PREFERRED_MODULE = 4  # dots: 0.5 mm X-dimension, as on the PDF label
_QUIET_MODULES = 10


def zpl_escape(text: str) -> str:
    """Field data safe inside ``^FB ... ^FH^FD ... ^FS`` (default ``_`` hex indicator).

    ``^`` and ``~`` would start a command and ``_`` a hex escape, so they become hex escapes;
    a backslash is doubled because ``^FB`` reads ``\\&`` as a line break. Control characters
    become spaces, as on the PDF label.
    """
    text = fonts.clean_text(text).replace("\\", "\\\\")
    return text.replace("_", "_5F").replace("^", "_5E").replace("~", "_7E")


def _needs_unicode_font(text: str) -> bool:
    return any(ord(char) > 0xFF for char in text)


def _font(text: str, height: int, unicode_font: str) -> str:
    if _needs_unicode_font(text):
        return f"^A@N,{height},{height},{unicode_font}"
    return f"^A0N,{height},{height}"


def _text(
    x: int,
    y: int,
    text: str,
    height: int,
    unicode_font: str,
    *,
    width: int,
    lines: int = 1,
    align: str = "L",
) -> str:
    """A text field in a ``^FB`` block: wraps up to ``lines`` lines, then clips."""
    return (
        f"^FO{x},{y}{_font(text, height, unicode_font)}"
        f"^FB{width},{lines},0,{align},0^FH^FD{zpl_escape(text)}^FS"
    )


def _box(x: int, y: int, width: int, height: int, thickness: int) -> str:
    return f"^FO{x},{y}^GB{width},{height},{thickness}^FS"


def _code128(y: int, data: str, height: int, page_width: int, usable: int) -> tuple[list[str], int]:
    """Centred Code 128 symbol; returns commands and the symbol width in dots."""
    modules = code128_module_count(data)
    module = max(1, min(_PREFERRED_MODULE, usable // (modules + 2 * _QUIET_MODULES)))
    width = modules * module
    x = (page_width - width) // 2
    # ^BC mode N with the code sets spelled out by zpl_code128_field (>: start B, >; start
    # C, >5/>6 switch, >8 FNC1), so the printer encodes exactly the bars of the PDF label.
    # Interpretation line off: we print our own, grouped, human-readable text below.
    command = f"^FO{x},{y}^BY{module}^BCN,{height},N,N,N,N^FH^FD{_escape_barcode(data)}^FS"
    return [command], width


def _escape_barcode(data: str) -> str:
    # Only the ZPL-level characters need hex escapes; the > invocation codes must stay raw.
    return zpl_code128_field(data).replace("_", "_5F").replace("^", "_5E").replace("~", "_7E")


def render_label_zpl(
    data: LabelData,
    size: LabelSize = "4x6",
    *,
    unicode_font: str = DEFAULT_UNICODE_FONT,
    dpi: int = DPI,
) -> str:
    """ZPL II for one label; send it to the printer as UTF-8 bytes.

    About the SSCC symbol: ZPL offers ``^BC`` mode D (UCC/EAN) and mode U (UCC case), which
    add FNC1 themselves, but they also compute or pad check digits and re-plan the code sets
    depending on firmware. We already hold a validated SSCC with its check digit, so mode N
    with an explicit ``>;>8`` (start in set C, FNC1) followed by ``00`` and the 18 digits
    gives the one correct GS1-128 symbol on every firmware.
    """
    try:
        page_w, page_h = LABEL_DOTS[size]
    except KeyError:
        raise ValueError(f"unknown label size {size!r}; use one of {sorted(LABEL_DOTS)}") from None
    left, right = _MARGIN, page_w - _MARGIN
    width = right - left
    out: list[str] = ["^XA", "^CI28", f"^PW{page_w}", f"^LL{page_h}", "^LH0,0"]

    def text(
        x: int, y: int, value: str, height: int, w: int, lines: int = 1, align: str = "L"
    ) -> None:
        out.append(_text(x, y, value, height, unicode_font, width=w, lines=lines, align=align))

    # Header: sender (small) | carrier and service.
    split = left + int(width * 0.58)
    sender = data.ship_from
    sender_lines = clean_lines(
        [
            sender.name,
            ", ".join(clean_lines(sender.street_lines())),
            ", ".join(clean_lines([*sender.locality_lines(), sender.country_name])),
            sender.phone,
        ]
    )
    text(left, _MARGIN, "FROM", 18, split - left)
    for index, line in enumerate(sender_lines[:4]):
        text(left, _MARGIN + 22 + index * 24, line, 20, split - left - 8)
    out.append(f"^FO{split},{_MARGIN}^GB{_THICK // 2},{120},{_THICK // 2}^FS")
    text(split + 12, _MARGIN + 4, data.carrier_name, 48, right - split - 12)
    text(split + 12, _MARGIN + 60, data.service_name, 24, right - split - 12, lines=2)
    header_bottom = _MARGIN + 132
    out.append(_box(left, header_bottom, width, _THICK, _THICK))

    # Bottom-up fixed bands, as on the PDF label.
    sscc_hri_y = page_h - _MARGIN - 26
    sscc_bar_y = sscc_hri_y - 6 - _SSCC_BAR_HEIGHT
    sscc_commands, _ = _code128(sscc_bar_y, sscc_data(data.sscc), _SSCC_BAR_HEIGHT, page_w, width)
    out += sscc_commands
    text(
        left,
        sscc_hri_y,
        format_sscc_hri(data.sscc, data.company_prefix_length),
        26,
        width,
        align="C",
    )
    text(left, sscc_bar_y - 24, "SSCC", 18, width)
    sscc_rule = sscc_bar_y - 32
    out.append(_box(left, sscc_rule, width, _THICK, _THICK))

    tracking_hri_y = sscc_rule - 36
    tracking_bar_y = tracking_hri_y - 6 - _BAR_HEIGHT
    tracking_commands, _ = _code128(
        tracking_bar_y, data.tracking_number, _BAR_HEIGHT, page_w, width
    )
    out += tracking_commands
    text(left, tracking_hri_y, data.tracking_number, 30, width, align="C")
    text(left, tracking_bar_y - 24, f"TRACKING  {data.carrier_name.upper()}", 18, width)
    tracking_rule = tracking_bar_y - 32
    out.append(_box(left, tracking_rule, width, _THICK, _THICK))

    info_top = tracking_rule - 96
    order = data.order_name if not data.reference else f"{data.order_name} / {data.reference}"
    cells = [
        ("WEIGHT", format_weight(data.weight_g), 0.22),
        ("PACKAGE", f"PKG {data.package_index} of {data.package_count}", 0.26),
        ("ORDER", order, 0.30),
        ("DATE", data.date.isoformat(), 0.22),
    ]
    x = left
    for index, (caption, value, share) in enumerate(cells):
        cell = int(width * share)
        if index:
            out.append(f"^FO{x},{info_top + 6}^GB2,84,2^FS")
        pad = 8 if index else 0
        text(x + pad, info_top + 10, caption, 18, cell - pad - 4)
        text(x + pad, info_top + 44, value, 34, cell - pad - 4)
        x += cell
    out.append(_box(left, info_top, width, _THICK, _THICK))

    # Ship-to, the largest text, gets the space between header and info band. Each part is a
    # wrapping block with a fixed number of lines, so very long addresses clip inside their
    # block instead of running into the next one; heights shrink on the shorter A6 stock.
    to = data.ship_to
    y = header_bottom + 12
    text(left, y, "SHIP TO", 18, width)
    y += 26
    indent = left + 32
    block = right - indent
    name_h, street_h, locality_h, phone_h = 42, 28, 40, 22
    needed = 2 * name_h + 3 * street_h + 3 * locality_h + phone_h + 8
    scale = min(1.0, (info_top - 8 - y) / needed)
    name_h, street_h, locality_h, phone_h = (
        int(h * scale) for h in (name_h, street_h, locality_h, phone_h)
    )
    text(indent, y, to.name, name_h, block, lines=2)
    y += 2 * name_h + 2
    street = "\\&".join(zpl_escape(line) for line in to.street_lines())
    if street:
        out.append(
            f"^FO{indent},{y}{_font(street, street_h, unicode_font)}"
            f"^FB{block},3,0,L,0^FH^FD{street}^FS"
        )
    y += 3 * street_h + 2
    locality = [line.upper() for line in to.locality_lines()]
    if to.country_code != data.ship_from.country_code:
        locality.append(to.country_name)
    locality_text = "\\&".join(zpl_escape(line) for line in locality)
    out.append(
        f"^FO{indent},{y}{_font(locality_text, locality_h, unicode_font)}"
        f"^FB{block},3,0,L,0^FH^FD{locality_text}^FS"
    )
    y += 3 * locality_h + 4
    if to.phone.strip():
        text(indent, y, f"Tel. {to.phone}", phone_h, block)

    out.append("^PQ1")
    out.append("^XZ")
    return "\n".join(out) + "\n"
