"""Packing slip PDF (A4 or Letter): what is in the parcel, and a return form.

Page 1 opens with the shop and order details, the addresses and the shipment; a gift message
is boxed and set large so the packer cannot miss it. The item table flows over as many pages
as needed. The return section (policy, reason tick boxes, RMA barcode for the returns
screen) is kept in one piece at the end, on a fresh page if it does not fit.
"""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from wms_tui.domain.text import plural
from wms_tui.printing import fonts
from wms_tui.printing.address import Address
from wms_tui.printing.barcodes import MM
from wms_tui.printing.documents import SlipData, clean_lines, format_weight
from wms_tui.printing.pages import LEADING, PaperName, render_to_bytes, write_pdf
from wms_tui.printing.toolkit import Column, DocumentWriter, TextPart

#: Reasons offered on the return form, in print order.
RETURN_REASONS: tuple[str, ...] = (
    "Wrong item sent",
    "Damaged in transit",
    "Damaged by packing",
    "Late delivery",
    "Not as described",
    "Changed mind",
    "Wrong size ordered",
    "Ordered by mistake",
)

_MAX_POLICY_LINES = 24

_ITEM_COLUMNS = (
    Column("SKU", 2.2, size=8.5),
    Column("Item", 5.0),
    Column("Ordered", 1.1, align="right", bold=True),
    Column("Packed", 1.1, align="right", bold=True),
    Column("Note", 2.6, size=8.5),
)


def _address_block(
    writer: DocumentWriter,
    x: float,
    top: float,
    width: float,
    caption: str,
    address: Address,
    extra: list[str],
) -> float:
    """Caption + address lines at ``x``; returns the y below the block."""
    canvas = writer.canvas
    y = top - 8
    canvas.setFillGray(0.35)
    fonts.draw_text(canvas, x, y, caption.upper(), 7.5, bold=True)
    canvas.setFillGray(0)
    lines = address.lines()
    for index, line in enumerate([*lines, *extra]):
        size = 10 if index == 0 else 9
        for part in fonts.wrap_text(line, size, width, index == 0):
            y -= size * LEADING
            fonts.draw_text(canvas, x, y, part, size, bold=index == 0)
    return y


def _draw_top(writer: DocumentWriter, data: SlipData) -> None:
    canvas = writer.canvas
    left, right = writer.left, writer.right
    top = writer.y
    shop_name, shop_size = fonts.fit_text(data.shop_name, writer.width * 0.55, 18, 11, True)
    fonts.draw_text(canvas, left, top - shop_size, shop_name, shop_size, bold=True)
    shop = data.shop_address
    shop_line = ", ".join(
        clean_lines([*shop.street_lines(), *shop.locality_lines(), shop.country_name])
    )
    y = top - shop_size - 4
    for line in fonts.wrap_text(shop_line, 8, writer.width * 0.55)[:3]:
        y -= 10
        fonts.draw_text(canvas, left, y, line, 8)

    fonts.draw_text(canvas, right, top - 16, "PACKING SLIP", 16, bold=True, anchor="end")
    order, order_size = fonts.fit_text(f"Order {data.order_name}", writer.width * 0.42, 11, 7, True)
    fonts.draw_text(canvas, right, top - 32, order, order_size, bold=True, anchor="end")
    fonts.draw_text(
        canvas, right, top - 45, f"Ordered {data.order_date.isoformat()}", 9, anchor="end"
    )
    writer.y = min(y, top - 48) - 10
    writer.rule(1.2, gap=2)

    # Addresses and shipment in three columns.
    column = (writer.width - 2 * 6 * MM) / 3
    top = writer.y - 2
    contact = [data.email] if data.email else []
    if data.ship_to.phone:
        contact.append(data.ship_to.phone)
    bottoms = [_address_block(writer, left, top, column, "Ship to", data.ship_to, contact)]
    second_x = left + column + 6 * MM
    if data.bill_to is not None:
        bottoms.append(_address_block(writer, second_x, top, column, "Bill to", data.bill_to, []))
    third_x = left + 2 * (column + 6 * MM)
    if data.parcel is not None:
        parcel = data.parcel
        y = top - 8
        canvas.setFillGray(0.35)
        fonts.draw_text(canvas, third_x, y, "SHIPMENT", 7.5, bold=True)
        canvas.setFillGray(0)
        details = [
            (f"{parcel.carrier_name} · {parcel.service_name}", True),
            (f"{plural(parcel.package_count, 'package')}, {format_weight(parcel.weight_g)}", False),
            *((f"Tracking: {number}", False) for number in parcel.tracking_numbers),
        ]
        for text, bold in details:
            for part in fonts.wrap_text(text, 9, column, bold):
                y -= 9 * LEADING
                fonts.draw_text(canvas, third_x, y, part, 9, bold)
        bottoms.append(y)
    writer.y = min(bottoms) - 8


def _draw_gift_message(writer: DocumentWriter, message: str) -> None:
    inner = writer.width - 2 * 10
    # The box never splits across pages, so an essay-length message is cut to one page.
    fitting = int((writer.top - writer.bottom - 60) / (12 * LEADING))
    lines = fonts.wrap_lines(message, 12, inner, fitting)
    height = 22 + len(lines) * 12 * LEADING + 10
    writer.ensure(height + 6)
    top = writer.y - 4
    canvas = writer.canvas
    canvas.setFillGray(0.94)
    canvas.setLineWidth(2)
    canvas.rect(writer.left, top - height, writer.width, height, stroke=1, fill=1)
    canvas.setFillGray(0)
    fonts.draw_text(canvas, writer.left + 10, top - 16, "GIFT MESSAGE", 10, bold=True)
    y = top - 22
    for line in lines:
        y -= 12 * LEADING
        fonts.draw_text(canvas, writer.left + 10, y + 3, line, 12)
    writer.y = top - height - 8


def _item_rows(data: SlipData) -> list[list[object]]:
    rows: list[list[object]] = []
    for line in data.lines:
        item: list[TextPart] = [TextPart(line.name, 9.5, bold=True)]
        if line.options:
            item.append(TextPart(line.options, 8, gray=0.3))
        note: list[TextPart] = []
        if line.qty_short:
            note.append(TextPart(f"SHORT {line.qty_short}", 8.5, bold=True))
            if line.short_reason:
                note.append(TextPart(line.short_reason, 8))
        rows.append([line.sku, item, str(line.qty_ordered), str(line.qty_packed), note])
    return rows


def _policy_lines(writer: DocumentWriter, data: SlipData) -> list[str]:
    # The return form is kept on one page, so the policy text gets a bounded share of it.
    return fonts.wrap_lines(data.return_policy, 8.5, writer.width * 0.62, _MAX_POLICY_LINES)


def _return_section_height(writer: DocumentWriter, data: SlipData) -> float:
    policy_lines = len(_policy_lines(writer, data))
    head = 20 + 38 + max(policy_lines * 8.5 * LEADING, 56 - 38 + 6 * MM) + 8
    return head + 16 + 14 + 2 * 16 + 14 + 2 * 18 + 14 + 2 * 8.5 * LEADING


def _draw_return_section(writer: DocumentWriter, data: SlipData) -> None:
    writer.ensure(_return_section_height(writer, data))
    canvas = writer.canvas
    left, right = writer.left, writer.right

    writer.space(6)
    canvas.setDash(4, 3)
    canvas.setLineWidth(0.8)
    canvas.line(left, writer.y, right, writer.y)
    canvas.setDash()
    fonts.draw_text(
        canvas,
        left + writer.width / 2,
        writer.y - 10,
        "✂  Cut here and put this form in your return parcel",
        7.5,
        anchor="middle",
    )
    writer.space(14)

    top = writer.y
    fonts.draw_text(canvas, left, top - 16, "RETURN FORM", 15, bold=True)
    reference, size = fonts.fit_text(
        f"Order {data.order_name}  ·  Return code {data.rma}", writer.width * 0.6, 9.5, 7, True
    )
    fonts.draw_text(canvas, left, top - 30, reference, size, bold=True)
    barcode_width = writer.width * 0.36
    writer.barcode(
        data.rma,
        right - barcode_width,
        top - 56,
        max_width=barcode_width,
        height=14 * MM,
        hri_size=9,
    )
    writer.y = top - 38

    if data.return_policy:
        policy_top = writer.y
        for line in _policy_lines(writer, data):
            writer.y -= 8.5 * LEADING
            fonts.draw_text(canvas, left, writer.y + 2, line, 8.5)
        writer.y = min(writer.y, policy_top - 30)
    writer.y = min(writer.y, top - 56 - 6 * MM) - 8

    fonts.draw_text(
        canvas, left, writer.y - 10, "Reason for return (tick all that apply):", 9, bold=True
    )
    writer.y -= 16
    per_row = 4
    column = writer.width / per_row
    for index, reason in enumerate(RETURN_REASONS):
        row, col = divmod(index, per_row)
        baseline = writer.y - 14 - row * 16
        x = left + col * column
        writer.tick_box(x, baseline, 9)
        size = fonts.fit_size(reason, column - 18, 9, 7)
        fonts.draw_text(canvas, x + 14, baseline, reason, size)
    rows = -(-len(RETURN_REASONS) // per_row)
    writer.y -= 14 + rows * 16

    fonts.draw_text(canvas, left, writer.y - 12, "Items returned (SKU and quantity):", 9, bold=True)
    writer.y -= 14
    canvas.setLineWidth(0.5)
    for _ in range(2):
        writer.y -= 18
        canvas.line(left, writer.y, right, writer.y)

    writer.y -= 14
    shop = data.shop_address
    return_to = ", ".join(clean_lines([data.shop_name, *shop.lines(include_name=False)]))
    for line in fonts.wrap_text(f"Send returns to: {return_to}", 8.5, writer.width)[:2]:
        writer.y -= 8.5 * LEADING
        fonts.draw_text(canvas, left, writer.y, line, 8.5)


def _build(target: BinaryIO, data: SlipData, paper: PaperName) -> None:
    writer = DocumentWriter(
        target,
        paper=paper,
        title=f"{data.shop_name} — Packing slip",
        header_right=f"Order {data.order_name}",
        footer_left=f"RMA {data.rma}",
    )
    _draw_top(writer, data)
    if data.gift_message.strip():
        _draw_gift_message(writer, data.gift_message)

    writer.space(4)
    writer.table(_ITEM_COLUMNS, _item_rows(data))
    ordered = sum(line.qty_ordered for line in data.lines)
    packed = sum(line.qty_packed for line in data.lines)
    writer.space(3)
    summary = f"{packed} of {plural(ordered, 'unit')} packed"
    writer.text_line(summary, 9.5, bold=True, x=writer.right, anchor="end")
    if packed < ordered:
        writer.paragraph(
            "Items marked SHORT will follow separately or be refunded; "
            "see the note next to each item.",
            8.5,
            gray=0.25,
        )

    if data.notes.strip():
        writer.space(4)
        writer.text_line("Notes", 9.5, bold=True)
        writer.paragraph(data.notes, 9)
    if data.inserts:
        writer.space(4)
        writer.text_line("Also in this parcel", 9.5, bold=True)
        for insert in data.inserts:
            writer.paragraph(f"• {insert}", 9, indent=4)

    writer.space(6)
    stamp = data.packed_at.strftime("%Y-%m-%d %H:%M")
    writer.text_line(f"Packed by {data.packed_by} at {stamp}", 9.5, bold=True)

    _draw_return_section(writer, data)
    writer.finish()


def render_slip_pdf_bytes(data: SlipData, paper: PaperName = "A4") -> bytes:
    """Render the packing slip and return the PDF content."""
    return render_to_bytes(lambda target: _build(target, data, paper))


def render_slip_pdf(data: SlipData, path: Path | str, paper: PaperName = "A4") -> Path:
    """Render the packing slip to ``path`` and return it."""
    return write_pdf(path, render_slip_pdf_bytes(data, paper))
