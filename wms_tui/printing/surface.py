"""Where a label is drawn: a PDF canvas or a ZPL II program, through the same five calls.

The courier label is laid out once (:mod:`wms_tui.printing.label`) against a
:class:`Surface`, in PDF points with the origin at the bottom left. Both surfaces use the
same fonts and the same metrics, so text fitted for the PDF fits on the Zebra too, and the
same bar pattern, so the barcodes are identical:

* :class:`PdfSurface` draws with reportlab (vector bars, embedded DejaVu + Nanum);
* :class:`ZplSurface` writes ZPL II for a printer at 203 or 300 dpi. Text goes as one field
  per font run (``^FT`` baseline, ``^A@`` with our own TrueType fonts, downloaded to the
  printer once, see :func:`font_download`), positioned by our metrics: Latin letters in
  DejaVu Sans, Hangul in NanumGothic, per character, as in the PDF. Nothing is left to the
  printer's line breaking, so nothing can overprint. Bars are ``^GB`` boxes at whole-dot
  positions and widths: the barcode is ours, module for module, not the firmware's.
"""

from __future__ import annotations

import binascii
import hashlib
from collections.abc import Sequence
from functools import lru_cache
from typing import Protocol

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from wms_tui.printing import fonts
from wms_tui.printing.barcodes import draw_bars


class Surface(Protocol):
    #: One printer dot in points: barcode modules and bar edges are whole multiples of it.
    dot: float

    def text(
        self, x: float, y: float, text: str, size: float, bold: bool = False,
        anchor: fonts.Anchor = "start",
    ) -> float: ...  # fmt: skip

    def line(self, x0: float, y0: float, x1: float, y1: float, width: float) -> None: ...

    def rect(self, x: float, y: float, w: float, h: float, width: float) -> None: ...

    def bars(
        self, x: float, y: float, modules: Sequence[int], x_dim: float, height: float
    ) -> float: ...


class PdfSurface:
    def __init__(self, canvas: Canvas, dpi: int) -> None:
        self.canvas = canvas
        self.dot = 72 / dpi

    def text(self, x, y, text, size, bold=False, anchor="start"):  # type: ignore[no-untyped-def]
        return fonts.draw_text(self.canvas, x, y, text, size, bold, anchor=anchor)

    def line(self, x0: float, y0: float, x1: float, y1: float, width: float) -> None:
        self.canvas.setLineWidth(width)
        self.canvas.line(x0, y0, x1, y1)

    def rect(self, x: float, y: float, w: float, h: float, width: float) -> None:
        self.canvas.setLineWidth(width)
        self.canvas.rect(x, y, w, h, stroke=1, fill=0)

    def bars(self, x, y, modules, x_dim, height):  # type: ignore[no-untyped-def]
        return draw_bars(self.canvas, x, y, modules, x_dim, height)


# Printer-side names of the bundled fonts (8.3 names on the printer's E: flash).
ZPL_FONTS: dict[str, str] = {
    fonts.LATIN: "E:WMSSANS.TTF",
    fonts.LATIN_BOLD: "E:WMSSANSB.TTF",
    fonts.HANGUL: "E:WMSKR.TTF",
    fonts.HANGUL_BOLD: "E:WMSKRB.TTF",
}
_FILES = {
    fonts.LATIN: "DejaVuSans.ttf",
    fonts.LATIN_BOLD: "DejaVuSans-Bold.ttf",
    fonts.HANGUL: "NanumGothic.ttf",
    fonts.HANGUL_BOLD: "NanumGothicBold.ttf",
}


def zpl_escape(text: str) -> str:
    """Field data safe after ``^FH``: ``^`` ``~`` ``_`` as hex escapes (``_`` is the indicator)."""
    return text.replace("_", "_5F").replace("^", "_5E").replace("~", "_7E")


class ZplSurface:
    """Collects ZPL commands for one label of ``width`` x ``height`` points at ``dpi``."""

    def __init__(self, width: float, height: float, dpi: int) -> None:
        if dpi not in (203, 300):
            raise ValueError(f"label printers here print at 203 or 300 dpi, got {dpi}")
        self.dpi = dpi
        self.scale = dpi / 72
        self.dot = 72 / dpi
        self.page_height = height
        self.width_dots = round(width * self.scale)
        self.height_dots = round(height * self.scale)
        self.commands: list[str] = []
        self.fonts_used: set[str] = set()

    def _x(self, x: float) -> int:
        return round(x * self.scale)

    def _y(self, y: float) -> int:
        return round((self.page_height - y) * self.scale)

    def text(self, x, y, text, size, bold=False, anchor="start"):  # type: ignore[no-untyped-def]
        text = fonts.clean_text(text)
        runs = fonts.font_runs(text, bold)
        # The printer's cell height in whole dots, never above the size the layout measured.
        height = max(1, int(size * self.scale + 1e-6))
        em = height / self.scale
        widths = [pdfmetrics.stringWidth(run, font, em) for font, run in runs]
        total = sum(widths)
        if anchor == "middle":
            x -= total / 2
        elif anchor == "end":
            x -= total
        baseline = self._y(y)
        for (font, run), width in zip(runs, widths, strict=True):
            name = ZPL_FONTS[font]
            self.fonts_used.add(font)
            self.commands.append(
                f"^FT{self._x(x)},{baseline}^A@N,{height},{height},{name}^FH^FD{zpl_escape(run)}^FS"
            )
            x += width
        return total

    def line(self, x0: float, y0: float, x1: float, y1: float, width: float) -> None:
        thick = max(1, round(width * self.scale))
        if y0 == y1:  # horizontal
            left, right = sorted((x0, x1))
            top = self._y(y0) - thick // 2
            length = max(thick, self._x(right) - self._x(left))
            self.commands.append(f"^FO{self._x(left)},{top}^GB{length},{thick},{thick}^FS")
        else:  # vertical
            low, high = sorted((y0, y1))
            top = self._y(high)
            length = max(thick, self._y(low) - top)
            left = self._x(x0) - thick // 2
            self.commands.append(f"^FO{left},{top}^GB{thick},{length},{thick}^FS")

    def rect(self, x: float, y: float, w: float, h: float, width: float) -> None:
        thick = max(1, round(width * self.scale))
        self.commands.append(
            f"^FO{self._x(x)},{self._y(y + h)}^GB{round(w * self.scale)},{round(h * self.scale)},"
            f"{thick}^FS"
        )

    def bars(self, x, y, modules, x_dim, height):  # type: ignore[no-untyped-def]
        module = round(x_dim * self.scale)
        if abs(module - x_dim * self.scale) > 1e-6 or module < 1:
            raise ValueError(f"X-dimension {x_dim:.3f} pt is not whole dots at {self.dpi} dpi")
        left = self._x(x)
        top = self._y(y + height)
        bar_height = round(height * self.scale)
        position = 0
        for index, width in enumerate(modules):
            if not index & 1:
                w = width * module
                self.commands.append(f"^FO{left + position},{top}^GB{w},{bar_height},{w}^FS")
            position += width * module
        return position / self.scale

    def program(self) -> str:
        head = ["^XA", "^CI28", f"^PW{self.width_dots}", f"^LL{self.height_dots}", "^LH0,0"]
        return "\n".join([*head, *self.commands, "^XZ"]) + "\n"


@lru_cache(maxsize=8)
def _font_bytes(font: str) -> bytes:
    return (fonts.FONT_DIR / _FILES[font]).read_bytes()


def font_id(font: str) -> str:
    """``E:WMSKR.TTF@1a2b3c4d``: printer name and content hash, as stations record them."""
    return f"{ZPL_FONTS[font]}@{hashlib.sha256(_font_bytes(font)).hexdigest()[:8]}"


def font_download(font_names: Sequence[str]) -> bytes:
    """``~DY`` commands storing the bundled TrueType fonts on the printer's flash (E:).

    Sent once per printer (the station records what it sent), not with every label: the
    Korean font is 4.7 MB. ASCII hex, which every firmware takes.
    """
    out = []
    for font in font_names:
        data = _font_bytes(font)
        name = ZPL_FONTS[font].removeprefix("E:")
        out.append(
            b"~DYE:%s,A,T,%d,," % (name.encode(), len(data)) + binascii.hexlify(data).upper()
        )
    return b"\n".join(out) + (b"\n" if out else b"")
