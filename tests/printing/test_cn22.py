"""CN 22 on label stock: PDF and ZPL from one layout, rendered at 203 and 300 dpi and read."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import replace
from decimal import Decimal

import pytest
import zplkit
from PIL import Image

from tests.printing.helpers import KOREAN, WAREHOUSE, decode, page_sizes, page_texts, render_pages
from tests.printing.label_render import LIMITS
from wms_tui.printing.cn22 import cn22_program, render_cn22_pdf_bytes
from wms_tui.printing.customs_data import CustomsData, CustomsItem
from wms_tui.printing.errors import PrintError
from wms_tui.printing.label import LABEL_SIZES
from wms_tui.printing.zpl import LABEL_DOTS, font_download


def item(sku: str, value: str, **changes) -> CustomsItem:
    fields = dict(
        description=f"Goods {sku}",
        sku=sku,
        qty=1,
        weight_g=300,
        value=Decimal(value),
        hs_code="610910",
        origin_country="PT",
        dangerous_goods="",
    )
    fields.update(changes)
    return CustomsItem(**fields)  # type: ignore[arg-type]


CN22 = CustomsData(
    form="CN22",
    sender=WAREHOUSE,
    recipient=KOREAN,
    order_name="#D1042",
    consignment="73500530000010425",
    tracking_numbers=("CA735000019SE",),
    items=(
        item(
            "MUG-BLU",
            "298.00",
            qty=2,
            hs_code="691200",
            origin_country="SE",
            dangerous_goods="UN3481",
        ),
        item("TEE-M", "299.00", description="Organic tee 한글"),
    ),
    currency="SEK",
    category="Sale of goods",
    date=dt.date(2026, 12, 7),
    signed_by="Johan Öberg",
    gross_weight_g=1250,
    carrier_name="PostNord",
)


def zpl_image(data: CustomsData, size: str, dpi: int) -> Image.Image:
    program, used = cn22_program(data, size, dpi=dpi)  # type: ignore[arg-type]
    doc = zplkit.render(
        font_download(used) + program.encode(), zplkit.Options(dpi=dpi), limits=LIMITS
    )
    assert doc.warnings == [], doc.warnings
    (scene,) = doc.labels
    return Image.open(io.BytesIO(scene.png())).convert("L")


@pytest.mark.parametrize("size", ["4x6", "A6"])
@pytest.mark.parametrize("dpi", [203, 300])
def test_pdf_is_label_sized_and_its_item_barcode_reads(size: str, dpi: int) -> None:
    pdf = render_cn22_pdf_bytes(CN22, size, dpi)  # type: ignore[arg-type]
    assert page_sizes(pdf) == [pytest.approx(LABEL_SIZES[size])]
    (image,) = render_pages(pdf, dpi)
    assert [b.text for b in decode(image)] == ["CA735000019SE"]
    (text,) = page_texts(pdf)
    for fact in (
        "CN 22",
        "691200",
        "610910",
        "597.00 SEK",
        "UN3481",
        "[X] Sale of goods",
        "Organic tee 한글",
        "REPUBLIC OF KOREA",
        "Designated operator: PostNord",
    ):
        assert fact in text, fact


@pytest.mark.parametrize("dpi", [203, 300])
def test_zpl_prints_the_same_form(dpi: int) -> None:
    image = zpl_image(CN22, "4x6", dpi)
    assert image.size == LABEL_DOTS[dpi]["4x6"]
    assert [b.text for b in decode(image)] == ["CA735000019SE"]
    program, used = cn22_program(CN22, "4x6", dpi=dpi)
    assert "^FDCN 22^FS" in program and "^FDTotal value 597.00 SEK^FS" in program
    assert used == ["WmsSans", "WmsSans-Bold", "WmsSansKR"]  # Korean font for the Hangul only


def test_every_parcel_of_the_item_gets_its_barcode() -> None:
    two = replace(CN22, tracking_numbers=("CA735000019SE", "CA735000020SE"), parcel_count=2)
    (image,) = render_pages(render_cn22_pdf_bytes(two), 203)
    assert sorted(b.text for b in decode(image)) == ["CA735000019SE", "CA735000020SE"]


def test_bad_inputs() -> None:
    with pytest.raises(PrintError, match="CN23 is an A4 paper"):
        render_cn22_pdf_bytes(replace(CN22, form="CN23"))
    crowded = replace(CN22, items=tuple(item(f"SKU-{i}", "10.00") for i in range(30)))
    with pytest.raises(PrintError, match="does not fit on the label .30 kinds of goods"):
        render_cn22_pdf_bytes(crowded)
    with pytest.raises(ValueError, match="unknown label size"):
        render_cn22_pdf_bytes(CN22, "A4")  # type: ignore[arg-type]
