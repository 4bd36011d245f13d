"""Customs papers for parcels leaving the EU: CN22, CN23 or a commercial invoice (A4/Letter).

One renderer for the three: they ask for the same facts (sender, addressee, for each kind of
goods a description, quantity, net weight, value, HS tariff number and country of origin,
the totals, the category of the item, date and signature) and differ in title and in the
declaration the sender signs. Dangerous goods are named in their own boxed line, which a
postal or courier acceptance desk looks for first.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import BinaryIO

from wms_tui.printing import fonts
from wms_tui.printing.address import Address
from wms_tui.printing.customs_data import CustomsData
from wms_tui.printing.documents import clean_lines, format_weight_kg
from wms_tui.printing.pages import LEADING, PaperName, render_to_bytes, write_pdf
from wms_tui.printing.toolkit import Column, DocumentWriter, TextPart

TITLES = {
    "CN22": "CN 22 — CUSTOMS DECLARATION",
    "CN23": "CN 23 — CUSTOMS DECLARATION",
    "INVOICE": "COMMERCIAL INVOICE",
}
DECLARATIONS = {
    "CN22": "I certify that the particulars given in this customs declaration are correct and "
    "that this item does not contain any dangerous article prohibited by legislation or by "
    "postal or customs regulations.",
    "CN23": "I certify that the particulars given in this customs declaration are correct and "
    "that this item does not contain any dangerous article or articles prohibited by "
    "legislation or by postal or customs regulations.",
    "INVOICE": "I declare that the information on this invoice is true and correct and that "
    "the contents of this shipment are as stated above.",
}
_COLUMNS = (
    Column("Detailed description of contents", 4.2),
    Column("Qty", 0.8, align="right"),
    Column("Net weight", 1.4, align="right"),
    Column("Value", 1.5, align="right", bold=True),
    Column("HS tariff no.", 1.6),
    Column("Origin", 0.9),
)
BOLD_FACTS = ("Category of item", "Reason for export", "Terms of delivery")
# A commercial invoice prices each line: unit value beside the line's total.
_INVOICE_COLUMNS = (
    Column("Description of goods", 3.4),
    Column("Qty", 0.6, align="right"),
    Column("Net weight", 1.3, align="right"),
    Column("Unit value", 1.5, align="right"),
    Column("Total value", 1.7, align="right", bold=True),
    Column("HS tariff no.", 1.5),
    Column("Origin", 0.8),
)


def _money(value: Decimal, currency: str) -> str:
    return f"{value:,.2f} {currency}"


def _amount(value: Decimal, currency: str, bold: bool = False) -> TextPart:
    # An amount broken over two lines ("1,047.00" / "SEK") is misread like a code: it
    # shrinks to its column instead.
    return TextPart(_money(value, currency), bold=bold, code=True)


def _address(writer: DocumentWriter, x: float, top: float, width: float, caption: str,
             address: Address) -> float:  # fmt: skip
    canvas = writer.canvas
    y = top - 8
    fonts.draw_text(canvas, x, y, caption, 7.5, bold=True)
    lines = clean_lines([*address.lines(), address.phone and f"Tel. {address.phone}"])
    for index, line in enumerate(lines):
        size = 10 if index == 0 else 9
        for part in fonts.wrap_text(line, size, width, index == 0):
            y -= size * LEADING
            fonts.draw_text(canvas, x, y, part, size, bold=index == 0)
    return y


def _build(target: BinaryIO, data: CustomsData, paper: PaperName) -> None:
    writer = DocumentWriter(
        target,
        paper=paper,
        title=TITLES[data.form],
        header_right=f"Order {data.order_name} · {data.consignment}",
        footer_left=f"{data.form} · {data.order_name}",
    )
    canvas = writer.canvas
    top = writer.y
    fonts.draw_text(canvas, writer.left, top - 18, TITLES[data.form], 17, bold=True)
    writer.y = top - 26
    writer.rule(1.2, gap=2)

    column = (writer.width - 12) / 2
    top = writer.y - 2
    left_bottom = _address(writer, writer.left, top, column, "FROM (EXPORTER)", data.sender)
    right_x = writer.left + column + 12
    right_bottom = _address(writer, right_x, top, column, "TO (IMPORTER)", data.recipient)
    writer.y = min(left_bottom, right_bottom) - 8
    writer.rule(0.6, gap=2)

    invoice = data.form == "INVOICE"
    facts = [
        # An invoice names its number and why the goods leave; the UPU forms their category.
        *([("Invoice no.", data.order_name)] if invoice else []),
        ("Reason for export" if invoice else "Category of item", data.category),
        *([("Currency", data.currency)] if invoice else []),
        # Who pays the import duties: the invoice's "terms of delivery"; CN 22/CN 23 have
        # no such box (a postal operator's DDP is a service, not a field on the form).
        *([("Terms of delivery", f"{data.incoterms} (Incoterms 2020)")] if invoice else []),
        ("Consignment", data.consignment),
        ("Tracking", ", ".join(data.tracking_numbers)),
        ("Parcel", data.item_of.removeprefix("item "))
        if data.item_of
        else ("Parcels", str(data.parcel_count)),
        ("Date", data.date.isoformat()),
    ]
    for caption, value in facts:
        writer.text_line(f"{caption}: {value}", 9.5, bold=caption in BOLD_FACTS)
    writer.space(4)

    dangerous = sorted({i.dangerous_goods for i in data.items if i.dangerous_goods})
    if dangerous:
        height = 26.0
        writer.ensure(height + 6)
        box_top = writer.y - 2
        canvas.setLineWidth(2)
        canvas.rect(writer.left, box_top - height, writer.width, height, stroke=1, fill=0)
        text = f"DANGEROUS GOODS: LITHIUM BATTERIES {' '.join(dangerous)}"
        text, size = fonts.fit_text(text, writer.width - 16, 13, 8, bold=True)
        fonts.draw_text(canvas, writer.left + 8, box_top - 18, text, size, bold=True)
        writer.y = box_top - height - 6

    rows = [
        [
            item.description if not item.sku else f"{item.description} ({item.sku})",
            str(item.qty),
            format_weight_kg(item.weight_g),
            *([_amount(item.value / item.qty, data.currency)] if invoice else []),
            _amount(item.value, data.currency, bold=True),
            TextPart(item.hs_code, code=True),
            item.origin_country,
        ]
        for item in data.items
    ]
    writer.table(_INVOICE_COLUMNS if invoice else _COLUMNS, rows)
    writer.space(4)
    totals = (
        f"Total gross weight {format_weight_kg(data.gross_weight_g)}  ·  "
        f"net {format_weight_kg(data.net_weight_g)}  ·  "
        f"total value {_money(data.total_value, data.currency)}"
    )
    writer.text_line(totals, 10, bold=True, x=writer.right, anchor="end")
    writer.space(8)
    writer.paragraph(DECLARATIONS[data.form], 9)
    writer.space(18)
    writer.ensure(30)
    canvas.setLineWidth(0.6)
    canvas.line(writer.left, writer.y, writer.left + writer.width * 0.45, writer.y)
    writer.text_line(f"Date and sender's signature: {data.date.isoformat()}  {data.signed_by}", 9)
    writer.finish()


def render_customs_pdf_bytes(data: CustomsData, paper: PaperName = "A4") -> bytes:
    return render_to_bytes(lambda target: _build(target, data, paper))


def render_customs_pdf(data: CustomsData, path: Path | str, paper: PaperName = "A4") -> Path:
    return write_pdf(path, render_customs_pdf_bytes(data, paper))
