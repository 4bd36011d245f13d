"""Shared sample data and PDF inspection helpers for the printing tests.

PDF pages are rasterised with pdfium at 203 dpi (a thermal label printer's resolution) and
barcodes decoded with zxing-cpp, so the tests check what a scanner would read, not what the
code meant to draw.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
import zxingcpp
from PIL import Image

from wms_tui.domain.identifiers.sscc import make_sscc
from wms_tui.domain.identifiers.tracking import EXAMPLE_RULES, make_tracking_number
from wms_tui.printing.address import Address
from wms_tui.printing.documents import (
    LabelData,
    ManifestData,
    ManifestParcel,
    ParcelInfo,
    PickListData,
    PickStop,
    SlipData,
    SlipLine,
)

DPI = 203
PX_PER_MM = DPI / 25.4

WAREHOUSE = Address(
    name="Nordic Goods Warehouse",
    company="Nordic Goods AB",
    line1="Lagervägen 12",
    city="Jönköping",
    postcode="553 02",
    country_code="SE",
    phone="+46 36 123 45 67",
)
KOREAN = Address(
    name="김민준",
    line1="테헤란로 152",
    line2="강남파이낸스센터 21층",
    city="강남구",
    region="서울특별시",
    postcode="06236",
    country_code="KR",
    phone="+82 2 1234 5678",
)
SWEDISH = Address(
    name="Åsa Öberg",
    line1="Storgatan 5",
    line2="Lägenhet Ä 1102",
    city="Stockholm",
    postcode="114 55",
    country_code="SE",
    phone="070-123 45 67",
)
VERY_LONG = Address(
    name="Maximilian Alexander von Habsburg-Lothringen-Ändersson-Åkerlund",
    company="Very Long Company Name Aktiebolag International Holdings Scandinavia",
    line1="Kungsträdgårdsgatan 123, Trappuppgång C, Våning 14, Lägenhet 1402, Port 3",
    line2="c/o Extremely Long Care-Of Name That Goes On And On And On Forever",
    city="Upplands Väsby och Sollentuna kommun med omnejd",
    postcode="194 00",
    region="Stockholms län",
    country_code="SE",
    phone="+46 70 000 00 00",
)

SSCC = make_sscc(3, "0614141", 123456789)


def label_data(
    ship_to: Address = SWEDISH, carrier: str = "postnord", sequence: int = 1234567, **changes
) -> LabelData:
    names = {
        "postnord": ("PostNord", "MyPack Collect"),
        "ups": ("UPS", "UPS Standard"),
        "korea_post": ("Korea Post", "EMS"),
        "dhl_express": ("DHL Express", "Worldwide"),
    }
    carrier_name, service = names[carrier]
    fields = {
        "ship_from": WAREHOUSE,
        "ship_to": ship_to,
        "carrier_name": carrier_name,
        "service_name": service,
        "weight_g": 1250,
        "package_index": 1,
        "package_count": 2,
        "order_name": "#1001",
        "date": dt.date(2026, 11, 24),
        "tracking_number": make_tracking_number(EXAMPLE_RULES[carrier], sequence),
        "sscc": SSCC,
    }
    fields.update(changes)
    return LabelData(**fields)


def slip_data(ship_to: Address = SWEDISH, line_count: int = 4, **changes) -> SlipData:
    names = ["Wool scarf", "울 스카프 (겨울용)", "Ullmössa Åre", "Merino socks 3-pack"]
    options = ["Colour: Navy / Size: M", "색상: 네이비", "Färg: Grön", ""]
    lines = [
        SlipLine(
            sku=f"SKU-{index:04d}",
            name=names[index % 4],
            options=options[index % 4],
            qty_ordered=2 if index % 5 == 0 else 1,
            qty_packed=1,
            short_reason="Out of stock, backordered" if index % 5 == 0 else None,
        )
        for index in range(line_count)
    ]
    fields = {
        "shop_name": "Nordic Goods",
        "shop_address": WAREHOUSE,
        "order_name": "#1001",
        "order_date": dt.date(2026, 11, 20),
        "ship_to": ship_to,
        "email": "asa.oberg@example.se",
        "lines": lines,
        "gift_message": "Grattis på födelsedagen, Åsa! 생일 축하해요",
        "notes": "Leave at the door. 문 앞에 놓아주세요.",
        "inserts": ["Autumn catalogue", "Free sample: hand cream"],
        "packed_by": "Lena Berg",
        "packed_at": dt.datetime(2026, 11, 24, 14, 3),
        "return_policy": "Return unused items within 30 days for a full refund. "
        "Tick the reason below and put this form in the parcel.",
        "rma": "RMA-1001-7F3K",
        "parcel": ParcelInfo(
            carrier_name="PostNord",
            service_name="MyPack Collect",
            tracking_numbers=("RR012345675SE",),
            weight_g=1250,
        ),
    }
    fields.update(changes)
    return SlipData(**fields)


def picklist_data(stop_count: int = 8) -> PickListData:
    stops = [
        PickStop(
            seq=index + 1,
            bin=f"A-{index // 6 + 1:02d}-{index % 6 + 1:02d}-B",
            sku=f"SKU-{1000 + index * 7}",
            name=["Wool scarf", "울 스카프", "Ullmössa Åre", "Merino socks"][index % 4],
            options=["Navy / M", "네이비", "Grön", ""][index % 4],
            qty=1 + index % 3,
            tote=f"T{index % 3 + 1:02d}",
        )
        for index in range(stop_count)
    ]
    return PickListData(
        task_code="PICK-2026-000123",
        picker="Lena Berg",
        pack_station="PS-02",
        stops=stops,
        created_at=dt.datetime(2026, 11, 24, 9, 30),
        order_names=("#1001", "#1002"),
    )


def manifest_data(parcel_count: int = 12) -> ManifestData:
    services = ["MyPack Collect", "MyPack Home", "Parcel"]
    parcels = [
        ManifestParcel(
            order_name=f"#{1001 + index}",
            sscc=make_sscc(3, "0614141", 1000 + index),
            tracking_number=make_tracking_number(EXAMPLE_RULES["postnord"], 500 + index),
            weight_g=300 + index * 137,
            service_name=services[index % 3],
        )
        for index in range(parcel_count)
    ]
    return ManifestData(
        carrier_name="PostNord",
        manifest_number="MAN-20261124-01",
        manifest_date=dt.date(2026, 11, 24),
        parcels=parcels,
        shipper=WAREHOUSE,
        account_number="123456789",
    )


# -- PDF inspection ---------------------------------------------------------------------------


def render_pages(pdf: bytes, dpi: int = DPI) -> list[Image.Image]:
    document = pdfium.PdfDocument(pdf)
    return [page.render(scale=dpi / 72).to_pil() for page in document]


def page_texts(pdf: bytes) -> list[str]:
    document = pdfium.PdfDocument(pdf)
    return [page.get_textpage().get_text_range() for page in document]


def pdf_text(path: Path | str) -> str:
    """A PDF file's text, page after page."""
    return "\n".join(page_texts(Path(path).read_bytes()))


def joined_lines(text: str) -> str:
    """Page text with wrapped lines joined (pdfium marks a line-end hyphen U+FFFE)."""
    return text.replace("\ufffe", "-").replace("\r\n", "")


def page_sizes(pdf: bytes) -> list[tuple[float, float]]:
    document = pdfium.PdfDocument(pdf)
    return [tuple(page.get_size()) for page in document]


def decode(image: Image.Image) -> list[zxingcpp.Barcode]:
    return zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.Code128)


def barcodes(path: Path) -> set[str]:
    """The text of every barcode a PDF file's pages hold."""
    return {b.text for page in decode_pdf(path.read_bytes()) for b in page}


def decode_pdf(pdf: bytes) -> list[list[zxingcpp.Barcode]]:
    return [decode(image) for image in render_pages(pdf)]


@dataclass(frozen=True)
class Measured:
    """A decoded barcode measured on the rendered image, in pixels at 203 dpi."""

    left: int
    right: int
    top: int
    bottom: int
    x_dim: float
    quiet_left: int
    quiet_right: int

    @property
    def height_mm(self) -> float:
        return (self.bottom - self.top + 1) / PX_PER_MM

    @property
    def x_dim_mm(self) -> float:
        return self.x_dim / PX_PER_MM


def _clear_run(gray: Image.Image, x_from: int, step: int, top: int, bottom: int) -> int:
    """How many columns from ``x_from`` in direction ``step`` are white over top..bottom."""
    count = 0
    x = x_from
    while 0 <= x < gray.width:
        low, _ = gray.crop((x, top, x + 1, bottom + 1)).getextrema()
        if low < 160:
            break
        count += 1
        x += step
    return count


def measure(image: Image.Image, barcode: zxingcpp.Barcode, modules: int) -> Measured:
    """Bar extent, X-dimension and clear space either side of a decoded symbol.

    zxing reports the corners of the bar area; the clear space is counted column by column
    over the full bar height, so a stray glyph anywhere beside the bars shortens it.
    """
    gray = image.convert("L")
    position = barcode.position
    left = min(position.top_left.x, position.bottom_left.x)
    right = max(position.top_right.x, position.bottom_right.x)
    top = min(position.top_left.y, position.top_right.y)
    bottom = max(position.bottom_left.y, position.bottom_right.y)
    x_dim = (right - left + 1) / modules
    return Measured(
        left=left,
        right=right,
        top=top,
        bottom=bottom,
        x_dim=x_dim,
        quiet_left=_clear_run(gray, left - 1, -1, top, bottom),
        quiet_right=_clear_run(gray, right + 1, 1, top, bottom),
    )


def gs1_mod10_ok(number: str) -> bool:
    """Independent GS1 check digit test (python-stdnum), not our own implementation."""
    from stdnum import ean

    return ean.calc_check_digit(number[:-1]) == number[-1]
