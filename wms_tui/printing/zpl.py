"""The courier label as ZPL II for Zebra thermal printers, at 203 or 300 dpi.

The label is the PDF label's layout (:func:`wms_tui.printing.label.draw_label`) drawn on a
:class:`~wms_tui.printing.surface.ZplSurface`: every text field is fitted or cut by our
metrics before it is sent, one ``^FT`` field per font run (DejaVu Sans for Latin, Å Ä Ö,
ś ż ń; NanumGothic for Hangul, per character), and every bar is a ``^GB`` box at whole-dot
positions, so the printed symbol is the PDF's module for module at either resolution.

The fonts are our TrueType files, stored on the printer's flash by :func:`font_download`
(``~DY``), sent once per printer: :func:`fonts_needed` says which a label uses, and the
pack station records what each label printer already has.

Customer text goes through ``^FH`` with ``^`` ``~`` ``_`` hex-escaped, so an address
cannot end a field or inject commands.
"""

from __future__ import annotations

from wms_tui.printing import fonts
from wms_tui.printing.documents import LabelData
from wms_tui.printing.label import LABEL_SIZES, LabelSize, draw_label
from wms_tui.printing.surface import ZplSurface, font_download, font_id, zpl_escape

DPI = 203
LABEL_DOTS: dict[int, dict[str, tuple[int, int]]] = {
    dpi: {size: (round(w * dpi / 72), round(h * dpi / 72)) for size, (w, h) in LABEL_SIZES.items()}
    for dpi in (203, 300)
}

__all__ = [
    "LABEL_DOTS",
    "font_download",
    "font_id",
    "fonts_needed",
    "label_program",
    "render_label_zpl",
    "zpl_escape",
]


def _surface(data: LabelData, size: str, dpi: int) -> ZplSurface:
    try:
        page_w, page_h = LABEL_SIZES[size]
    except KeyError:
        raise ValueError(f"unknown label size {size!r}; use one of {sorted(LABEL_SIZES)}") from None
    fonts.ensure_fonts()
    surface = ZplSurface(page_w, page_h, dpi)
    draw_label(surface, data, page_w, page_h)
    return surface


def render_label_zpl(data: LabelData, size: LabelSize = "4x6", *, dpi: int = DPI) -> str:
    """ZPL II for one label at ``dpi`` (203 or 300); send it to the printer as UTF-8."""
    return _surface(data, size, dpi).program()


def label_program(
    data: LabelData, size: LabelSize = "4x6", *, dpi: int = DPI
) -> tuple[str, list[str]]:
    """The label's ZPL and the bundled fonts (reportlab names) it draws its text in."""
    surface = _surface(data, size, dpi)
    return surface.program(), sorted(surface.fonts_used)


def fonts_needed(data: LabelData, size: LabelSize = "4x6", *, dpi: int = DPI) -> list[str]:
    """The bundled fonts (reportlab names) the label's text is drawn in."""
    return sorted(_surface(data, size, dpi).fonts_used)
