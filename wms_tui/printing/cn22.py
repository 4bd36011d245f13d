"""CN 22 customs declaration on label stock (4x6 in or A6), as PDF or ZPL from one layout.

A CN 22 travels on the postal item with the address label: the UPU form is label-sized and
postal operators print it on the thermal printer beside the shipping label, not on A4 (the
CN 23 and the commercial invoice stay A4 papers, ``printing/customs.py``). Laid out once
against a :class:`~wms_tui.printing.surface.Surface`, like the courier label, so the PDF
and the Zebra print carry the same text and bars, top to bottom::

    CUSTOMS DECLARATION  CN 22          May be opened officially
    designated operator (carrier)
    [X] Gift  [ ] Commercial sample  [ ] Documents  [ ] Returned goods  [X] Sale of goods ...
    -----------------------------------------------------------------------------------
    description, qty | net weight | value       (one row per SKU)
      HS tariff no. · country of origin
    -----------------------------------------------------------------------------------
    total weight | total value + currency
    DANGEROUS GOODS box when the goods say so
    declaration, date and signature
    the item's tracking number as Code 128 (each parcel of the shipment)
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from wms_tui.printing import fonts
from wms_tui.printing.barcodes import MM, code128_modules, fit_x_dim
from wms_tui.printing.customs_data import CustomsData
from wms_tui.printing.documents import format_weight_kg
from wms_tui.printing.errors import PrintError
from wms_tui.printing.label import LabelSize, label_stock_pdf, module_dots, page_size
from wms_tui.printing.output import write_atomically
from wms_tui.printing.surface import Surface, ZplSurface

MARGIN = 3 * MM
CATEGORIES = ("Gift", "Commercial sample", "Documents", "Returned goods", "Sale of goods", "Other")
DECLARATION = (
    "I certify that the particulars given in this customs declaration are correct and that "
    "this item does not contain any dangerous article prohibited by legislation or by postal "
    "or customs regulations."
)
TITLE_SIZE = 15.0
TEXT_SIZE = 8.0
SMALL = 6.5
ROW_SIZE = 8.5
BAR_HEIGHT = 12 * MM
HRI_SIZE = 9.0


def _money(value: Decimal, currency: str) -> str:
    return f"{value:,.2f} {currency}"


class _Pen:
    """Writes lines downwards from the top of the page, each fitted to its width."""

    def __init__(self, surface: Surface, left: float, right: float, top: float) -> None:
        self.surface, self.left, self.right, self.y = surface, left, right, top

    @property
    def width(self) -> float:
        return self.right - self.left

    def line(
        self,
        text: str,
        size: float,
        bold: bool = False,
        *,
        x: float | None = None,
        width: float | None = None,
        anchor: str = "start",
        advance: bool = True,
    ) -> None:
        x = self.left if x is None else x
        width = self.width if width is None else width
        text, fitted = fonts.fit_text(text, width, size, size * 0.7, bold)
        self.surface.text(x, self.y - size, text, fitted, bold, anchor)
        if advance:
            self.y -= size * 1.25

    def rule(self, width: float = 0.75, gap: float = 3.0) -> None:
        self.y -= gap
        self.surface.line(self.left, self.y, self.right, self.y, width)
        self.y -= gap


def draw_cn22(surface: Surface, data: CustomsData, page_w: float, page_h: float) -> None:
    if data.form != "CN22":
        raise PrintError(f"a {data.form} is an A4 paper, not a CN 22 label")
    pen = _Pen(surface, MARGIN, page_w - MARGIN, page_h - MARGIN)
    pen.line("CUSTOMS DECLARATION", TITLE_SIZE * 0.7, True, advance=False)
    pen.line("CN 22", TITLE_SIZE, True, x=pen.right, width=pen.width * 0.3, anchor="end")
    pen.line("May be opened officially", SMALL, x=pen.right, anchor="end", advance=False)
    pen.line(f"Designated operator: {data.carrier_name or '-'}", SMALL)
    pen.rule(1.5)

    # Category boxes, two per line: the acceptance desk reads the ticked one.
    half = pen.width / 2
    for first in range(0, len(CATEGORIES), 2):
        for offset, name in enumerate(CATEGORIES[first : first + 2]):
            mark = "X" if name == data.category else " "
            pen.line(
                f"[{mark}] {name}",
                TEXT_SIZE,
                name == data.category,
                x=pen.left + offset * half,
                width=half - 4,
                advance=offset == 1,
            )
    pen.line(f"From: {data.sender.name}, {data.sender.country_name}", SMALL)
    pen.line(f"To: {data.recipient.name}, {data.recipient.country_name}", SMALL)
    pen.rule(1.0)

    weight_x = pen.left + pen.width * 0.62
    value_x = pen.right
    pen.line("Detailed description of contents", SMALL, True, advance=False, width=pen.width * 0.55)
    pen.line("Net weight", SMALL, True, x=weight_x, anchor="end", advance=False)
    pen.line("Value", SMALL, True, x=value_x, anchor="end")
    for item in data.items:
        pen.line(
            f"{item.qty} × {item.description}", ROW_SIZE, advance=False, width=pen.width * 0.45
        )
        pen.line(format_weight_kg(item.weight_g), ROW_SIZE, x=weight_x, anchor="end", advance=False)
        pen.line(_money(item.value, data.currency), ROW_SIZE, True, x=value_x, anchor="end")
        pen.line(
            f"HS tariff no. {item.hs_code} · origin {item.origin_country} · {item.sku}",
            SMALL,
            x=pen.left + 8,
            width=pen.width - 8,
        )
    pen.rule(1.0)
    pen.line(
        f"Total gross weight {format_weight_kg(data.gross_weight_g)}",
        TEXT_SIZE,
        True,
        advance=False,
        width=pen.width * 0.5,
    )
    total = sum((i.value for i in data.items), Decimal(0))
    pen.line(
        f"Total value {_money(total, data.currency)}",
        TEXT_SIZE,
        True,
        x=value_x,
        anchor="end",
        width=pen.width * 0.5,
    )

    dangerous = sorted({i.dangerous_goods for i in data.items if i.dangerous_goods})
    if dangerous:
        pen.y -= 2
        box = 14.0
        surface.rect(pen.left, pen.y - box, pen.width, box, 1.5)
        pen.y -= 2
        pen.line(
            f"DANGEROUS GOODS: LITHIUM BATTERIES {' '.join(dangerous)}",
            9.0,
            True,
            x=pen.left + 4,
            width=pen.width - 8,
        )
        pen.y -= 3
    pen.rule(0.75)
    for part in fonts.wrap_text(DECLARATION, SMALL, pen.width):
        pen.line(part, SMALL)
    pen.line(f"Date and sender's signature: {data.date.isoformat()}  {data.signed_by}", SMALL, True)
    which = f" · {data.item_of}" if data.item_of else ""
    pen.line(f"Order {data.order_name}{which} · consignment {data.consignment}", SMALL)
    _item_barcodes(surface, data, pen)


def _item_barcodes(surface: Surface, data: CustomsData, pen: _Pen) -> None:
    """Each parcel's item ID under the form, so the declaration is matched to its item."""
    numbers = [n for n in data.tracking_numbers if n]
    dpi = round(72 / surface.dot)
    x_dim = module_dots(dpi, 0.33) * surface.dot
    minimum = module_dots(dpi, 0.25) * surface.dot
    y = MARGIN
    for number in reversed(numbers):
        try:
            x = fit_x_dim(number, pen.width, preferred=x_dim, minimum=minimum, grid=surface.dot)
        except ValueError as exc:
            raise PrintError(f"tracking number does not fit on the CN 22: {exc}") from exc
        modules = code128_modules(number)
        width = sum(modules) * x
        surface.text(pen.left + pen.width / 2, y, number, HRI_SIZE, False, "middle")
        left = round((pen.left + (pen.width - width) / 2) / surface.dot) * surface.dot
        surface.bars(left, y + HRI_SIZE + 1.5, modules, x, BAR_HEIGHT)
        y += HRI_SIZE + 1.5 + BAR_HEIGHT + 4
    if y > pen.y:
        raise PrintError(
            f"the CN 22 of {data.order_name} does not fit on the label "
            f"({len(data.items)} kinds of goods, {len(numbers)} parcels): print a CN 23"
        )


def render_cn22_pdf_bytes(data: CustomsData, size: LabelSize = "4x6", dpi: int = 203) -> bytes:
    return label_stock_pdf(draw_cn22, data, size, dpi, f"CN 22 {data.order_name}")


def render_cn22_pdf(
    data: CustomsData, path: Path | str, size: LabelSize = "4x6", dpi: int = 203
) -> Path:
    target = Path(path)
    content = render_cn22_pdf_bytes(data, size, dpi)
    try:
        write_atomically(target, content)
    except OSError as exc:
        raise PrintError(f"cannot write the CN 22 to {target}: {exc}") from exc
    return target


def cn22_program(
    data: CustomsData, size: LabelSize = "4x6", *, dpi: int = 203
) -> tuple[str, list[str]]:
    """The CN 22's ZPL and the bundled fonts (reportlab names) its text uses."""
    page_w, page_h = page_size(size)
    fonts.ensure_fonts()
    surface = ZplSurface(page_w, page_h, dpi)
    draw_cn22(surface, data, page_w, page_h)
    return surface.program(), sorted(surface.fonts_used)
