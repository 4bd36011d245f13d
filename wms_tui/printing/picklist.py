"""Pick list PDF: the route for one pick task, one row per stop in walking order.

Each row carries a Code 128 of the bin (scan on arrival) and of the SKU (scan the item), the
quantity in large type, the tote to drop it in and a box to tick. The task code barcode at
the top starts and closes the task on a terminal.

The SKU column holds about 10 characters of Code 128 at the minimum X-dimension; a longer
SKU (or bin) is drawn on a band under its row instead (``BarcodePart(overflow="row")``), so
real shops' 15-30 character SKUs scan rather than print as text to key in.
"""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from wms_tui.domain.text import plural
from wms_tui.printing import fonts
from wms_tui.printing.barcodes import MM
from wms_tui.printing.documents import PickListData
from wms_tui.printing.pages import PaperName, render_to_bytes, write_pdf
from wms_tui.printing.toolkit import BarcodePart, Cell, Column, DocumentWriter, TextPart

_COLUMNS = (
    Column("#", 0.6, align="right", size=9),
    Column("Bin", 3.0),
    Column("SKU", 3.2),
    Column("Item", 3.6),
    Column("Qty", 0.9, align="right", size=16, bold=True),
    Column("Tote", 1.2, align="center", size=11, bold=True),
    Column("Done", 0.8, align="center", size=14),
)


def _rows(data: PickListData) -> list[list[Cell]]:
    rows: list[list[Cell]] = []
    for stop in data.stops:
        item: list[TextPart] = [TextPart(stop.name, 9, bold=True)]
        if stop.options:
            item.append(TextPart(stop.options, 8, gray=0.3))
        rows.append(
            [
                str(stop.seq),
                [
                    TextPart(stop.bin, 12, bold=True, code=True),
                    BarcodePart(stop.bin, 8 * MM, hri=False, overflow="row"),
                ],
                [BarcodePart(stop.sku, 8 * MM, hri_size=8, overflow="row")],
                item,
                str(stop.qty),
                stop.tote or "—",
                "☐",
            ]
        )
    return rows


def _build(target: BinaryIO, data: PickListData, paper: PaperName) -> None:
    writer = DocumentWriter(
        target,
        paper=paper,
        title=f"Pick list {data.task_code}",
        header_right=f"Pack station {data.pack_station}" if data.pack_station else "",
        footer_left=f"Task {data.task_code}",
    )
    canvas = writer.canvas
    top = writer.y
    fonts.draw_text(canvas, writer.left, top - 20, "PICK LIST", 20, bold=True)
    barcode_width = writer.width * 0.42
    writer.barcode(
        data.task_code,
        writer.right - barcode_width,
        top - 15 * MM - 12,
        max_width=barcode_width,
        height=15 * MM,
        hri_size=10,
    )

    facts = [
        ("Task", data.task_code),
        ("Picker", data.picker or "unassigned"),
        ("Pack station", data.pack_station or "—"),
        ("Stops / units", f"{len(data.stops)} / {data.total_units}"),
    ]
    if data.created_at is not None:
        facts.append(("Released", data.created_at.strftime("%Y-%m-%d %H:%M %Z")))
    if data.order_names:
        facts.append(("Orders", ", ".join(data.order_names)))
    y = top - 34
    info_width = writer.width * 0.55 - 70
    for label, value in facts:
        lines = fonts.wrap_text(value, 9.5, info_width)[:3]
        y -= 12
        fonts.draw_text(canvas, writer.left, y, label, 9, bold=True)
        for index, line in enumerate(lines):
            if index:
                y -= 12
            fonts.draw_text(canvas, writer.left + 70, y, line, 9.5)
    writer.y = min(y, top - 15 * MM - 16) - 10

    writer.table(_COLUMNS, _rows(data), padding=5)
    writer.space(8)
    writer.text_line(
        f"{plural(len(data.stops), 'stop')}, {plural(data.total_units, 'unit')}. "
        f"Take the totes to {data.pack_station or 'packing'}.",
        9.5,
        bold=True,
    )
    writer.finish()


def render_picklist_pdf_bytes(data: PickListData, paper: PaperName = "A4") -> bytes:
    """Render the pick list and return the PDF content."""
    return render_to_bytes(lambda target: _build(target, data, paper))


def render_picklist_pdf(data: PickListData, path: Path | str, paper: PaperName = "A4") -> Path:
    """Render the pick list to ``path`` and return it."""
    return write_pdf(path, render_picklist_pdf_bytes(data, paper))
