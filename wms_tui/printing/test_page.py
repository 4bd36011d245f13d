"""A printer test page (A4/Letter): who asked, which station and printer, and a barcode to scan.

A label printer gets a test *label* instead (the courier label with sample data), so the
page shows what matters there: stock size, dpi and whether the barcodes scan.
"""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from wms_tui.printing.barcodes import MM
from wms_tui.printing.pages import PaperName, render_to_bytes, write_pdf
from wms_tui.printing.toolkit import DocumentWriter


def _build(target: BinaryIO, station: str, printer: str, when: str, paper: PaperName) -> None:
    writer = DocumentWriter(target, paper=paper, title="Printer test page", header_right=station)
    writer.text_line("Printer test page", 20, bold=True)
    writer.space(6)
    for line in (
        f"Station: {station}",
        f"Document printer: {printer}",
        f"Printed: {when}",
        "Åsa Öberg · 김민준 · Ærø · Łódź — every script a slip prints",
    ):
        writer.text_line(line, 11)
    writer.space(10)
    writer.barcode(f"TEST-{station}", writer.left, writer.y - 20 * MM, max_width=writer.width / 2,
                   height=15 * MM, hri_size=10)  # fmt: skip
    writer.y -= 24 * MM
    writer.finish()


def render_test_page(
    path: Path | str, station: str, printer: str, when: str, paper: PaperName = "A4"
) -> Path:
    return write_pdf(path, render_to_bytes(lambda t: _build(t, station, printer, when, paper)))
