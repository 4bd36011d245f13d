"""Carrier manifest PDF: the end-of-day hand-over sheet the driver signs.

Lists every parcel (order, SSCC, tracking number, service, weight), the totals per service and
overall, and signature lines for driver and warehouse. The manifest number is printed as a
Code 128 so the dispatch screen can close the hand-over by scanning the signed sheet.
"""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from wms_tui.domain.identifiers.sscc import format_sscc_hri, is_valid_sscc
from wms_tui.domain.text import plural
from wms_tui.printing import fonts
from wms_tui.printing.barcodes import MM
from wms_tui.printing.documents import ManifestData, clean_lines, format_weight_kg
from wms_tui.printing.pages import LEADING, PaperName, render_to_bytes, write_pdf
from wms_tui.printing.toolkit import Cell, Column, DocumentWriter

_COLUMNS = (
    Column("#", 0.5, align="right", size=8.5),
    Column("Order", 1.6, size=8.5, bold=True),
    Column("SSCC", 3.0, size=8.5),
    Column("Tracking", 2.6, size=8.5, bold=True),
    Column("Service", 2.0, size=8.5),
    Column("Weight", 1.2, align="right", size=8.5),
)

_TOTAL_COLUMNS = (
    Column("Service", 4.0, size=9),
    Column("Parcels", 1.2, align="right", size=9, bold=True),
    Column("Weight", 1.5, align="right", size=9, bold=True),
)


def _sscc_text(sscc: str, prefix_length: int) -> str:
    # A manifest must still print if a bad SSCC slipped through: show it raw so it is
    # visible and can be queried, rather than failing the whole hand-over. Grouped by the
    # real company prefix, as on the labels the driver compares it with.
    if not is_valid_sscc(sscc):
        return f"{sscc} (invalid)"
    return format_sscc_hri(sscc, prefix_length)


_SIGNATURE_HEIGHT = 30 + 2 * 64 + 20


def _signature_block(writer: DocumentWriter, data: ManifestData) -> None:
    writer.ensure(_SIGNATURE_HEIGHT)
    writer.space(10)
    writer.text_line(
        f"Received {plural(data.parcel_count, 'parcel')}, "
        f"total {format_weight_kg(data.total_weight_g)}, in apparent good order.",
        9.5,
        bold=True,
    )
    canvas = writer.canvas
    half = (writer.width - 12 * MM) / 2
    for column, who in enumerate(("Driver", "Warehouse")):
        x = writer.left + column * (half + 12 * MM)
        y = writer.y - 18
        fonts.draw_text(canvas, x, y, who.upper(), 9, bold=True)
        canvas.setLineWidth(0.6)
        for offset, label in enumerate(("Name", "Signature", "Date and time")):
            line_y = y - 24 - offset * 22
            canvas.line(x + 70, line_y, x + half, line_y)
            fonts.draw_text(canvas, x, line_y + 2, label, 8.5)
    writer.y -= 18 + 24 + 2 * 22 + 12


def _build(target: BinaryIO, data: ManifestData, paper: PaperName) -> None:
    date = data.manifest_date.isoformat()
    writer = DocumentWriter(
        target,
        paper=paper,
        title=f"{data.carrier_name} manifest {data.manifest_number}",
        header_right=date,
        footer_left=f"Manifest {data.manifest_number} · {plural(data.parcel_count, 'parcel')}",
    )
    canvas = writer.canvas
    top = writer.y
    fonts.draw_text(canvas, writer.left, top - 20, "CARRIER MANIFEST", 20, bold=True)
    carrier, carrier_size = fonts.fit_text(data.carrier_name, writer.width * 0.5, 15, 9, True)
    fonts.draw_text(canvas, writer.left, top - 40, carrier, carrier_size, bold=True)
    barcode_width = writer.width * 0.42
    writer.barcode(
        data.manifest_number,
        writer.right - barcode_width,
        top - 15 * MM - 12,
        max_width=barcode_width,
        height=15 * MM,
        hri_size=10,
    )

    facts: list[tuple[str, list[str]]] = [
        ("Manifest", [data.manifest_number]),
        ("Date", [date]),
        ("Services", [", ".join(data.services) or "—"]),
    ]
    if data.account_number:
        facts.append(("Account", [data.account_number]))
    if data.shipper is not None:
        shipper = data.shipper
        # An address as it is written: one line per part, so a postcode is never split
        # from its town and the country is never the part cut off.
        parts = [
            shipper.company or shipper.name,
            ", ".join(clean_lines([shipper.line1, shipper.line2])),
            ", ".join(clean_lines(shipper.locality_lines())),
            shipper.country_name,
        ]
        facts.append(("Shipper", clean_lines(parts)))
    y = top - 48
    value_width = writer.width * 0.55 - 64
    for label, values in facts:
        y -= 12
        fonts.draw_text(canvas, writer.left, y, label, 9, bold=True)
        lines = [ln for value in values for ln in fonts.wrap_text(value, 9.5, value_width)[:2]]
        for index, line in enumerate(lines):
            if index:
                y -= 12
            fonts.draw_text(canvas, writer.left + 64, y, line, 9.5)
    writer.y = min(y, top - 15 * MM - 16) - 10

    rows: list[list[Cell]] = [
        [
            str(index),
            parcel.order_name,
            _sscc_text(parcel.sscc, data.company_prefix_length),
            parcel.tracking_number,
            parcel.service_name,
            format_weight_kg(parcel.weight_g),
        ]
        for index, parcel in enumerate(data.parcels, start=1)
    ]
    writer.table(_COLUMNS, rows, padding=3)

    totals: list[list[Cell]] = [
        [service, str(count), format_weight_kg(weight)]
        for service, count, weight in data.totals_by_service()
    ]
    totals.append(["Total", str(data.parcel_count), format_weight_kg(data.total_weight_g)])
    # Totals and signatures belong on the sheet the driver signs: keep them together.
    writer.ensure(9 * LEADING * (len(totals) + 2) + 30 + _SIGNATURE_HEIGHT)
    writer.space(8)
    writer.text_line("Totals", 10.5, bold=True)
    writer.table(_TOTAL_COLUMNS, totals, padding=3, zebra=False)
    _signature_block(writer, data)
    writer.finish()


def render_manifest_pdf_bytes(data: ManifestData, paper: PaperName = "A4") -> bytes:
    """Render the manifest and return the PDF content."""
    return render_to_bytes(lambda target: _build(target, data, paper))


def render_manifest_pdf(data: ManifestData, path: Path | str, paper: PaperName = "A4") -> Path:
    """Render the manifest to ``path`` and return it."""
    return write_pdf(path, render_manifest_pdf_bytes(data, paper))
