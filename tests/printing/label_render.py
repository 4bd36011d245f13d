"""Render labels as a printer would and measure them: ZPL with zplkit, PDF with pdfium.

Measurements are taken from the pixels, at the printer's resolution: bar heights, the
narrowest bar (X-dimension) and the clear space beside the bars (quiet zones).
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import pypdfium2 as pdfium
import zplkit
import zplkit.rendering
import zxingcpp
from PIL import Image

from wms_tui.printing.documents import LabelData
from wms_tui.printing.label import render_label_pdf_bytes
from wms_tui.printing.zpl import font_download, label_program

# Our fonts are several MB of hex; zplkit's defaults are sized for ordinary labels.
LIMITS = zplkit.rendering.Limits(input_bytes=64 << 20, font_bytes=32 << 20)


def render_zpl(data: LabelData, size: str = "4x6", dpi: int = 203) -> tuple[Image.Image, str]:
    """The label as zplkit prints it, after downloading the fonts the label uses."""
    program, used = label_program(data, size, dpi=dpi)  # type: ignore[arg-type]
    doc = zplkit.render(font_download(used) + program.encode(), zplkit.Options(dpi=dpi),
                        limits=LIMITS)  # fmt: skip
    assert doc.warnings == [], doc.warnings
    (scene,) = doc.labels
    return Image.open(io.BytesIO(scene.png())).convert("L"), program


def render_pdf(data: LabelData, size: str = "4x6", dpi: int = 203) -> Image.Image:
    pdf = render_label_pdf_bytes(data, size, dpi)  # type: ignore[arg-type]
    return pdfium.PdfDocument(pdf)[0].render(scale=dpi / 72).to_pil().convert("L")


@dataclass(frozen=True)
class Symbol:
    text: str
    left: int
    right: int
    bar_height: int  # pixels, measured down the first bar
    narrowest: int  # pixels, the narrowest bar or space on the middle row
    quiet_left: int
    quiet_right: int


def _dark(image: Image.Image, x: int, y: int) -> bool:
    return image.getpixel((x, y)) < 128


def symbols(image: Image.Image) -> list[Symbol]:
    found = []
    for code in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.Code128):
        p = code.position
        row = (min(p.top_left.y, p.top_right.y) + max(p.bottom_left.y, p.bottom_right.y)) // 2
        left = min(p.top_left.x, p.bottom_left.x)
        right = max(p.top_right.x, p.bottom_right.x)
        while left > 0 and _dark(image, left - 1, row):
            left -= 1
        while not _dark(image, left, row):
            left += 1
        while right < image.width - 1 and _dark(image, right + 1, row):
            right += 1
        while not _dark(image, right, row):
            right -= 1
        top = bottom = row
        while top > 0 and _dark(image, left, top - 1):
            top -= 1
        while bottom < image.height - 1 and _dark(image, left, bottom + 1):
            bottom += 1
        runs, run, colour = [], 0, True
        for x in range(left, right + 1):
            if _dark(image, x, row) == colour:
                run += 1
            else:
                runs.append(run)
                run, colour = 1, not colour
        runs.append(run)

        def clear(start: int, step: int, top: int = top, bottom: int = bottom) -> int:
            n, x = 0, start
            while 0 <= x < image.width and not any(
                _dark(image, x, y) for y in range(top, bottom + 1)
            ):
                n, x = n + 1, x + step
            return n

        found.append(
            Symbol(
                code.text,
                left,
                right,
                bottom - top + 1,
                min(runs),
                clear(left - 1, -1),
                clear(right + 1, 1),
            )  # fmt: skip
        )
    return found
