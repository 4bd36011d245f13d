"""Pick list PDF: every bin, SKU and the task code scan back."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from tests.printing.helpers import (
    PX_PER_MM,
    decode,
    joined_lines,
    measure,
    page_texts,
    picklist_data,
    render_pages,
)
from wms_tui.printing.barcodes import MM, QUIET_ZONE_MODULES, code128_module_count
from wms_tui.printing.documents import PickListData
from wms_tui.printing.pages import DOC_MIN_X_DIM
from wms_tui.printing.picklist import render_picklist_pdf, render_picklist_pdf_bytes

# Real shops' SKUs: the SKU column holds about 10 characters of Code 128 at the
# minimum X-dimension; these need more, up to 20 and past it.
LONG_SKUS = (
    "TS-ORG-BLK-S",
    "HOODIE-ORG-NVY-XL",
    "ABCDEFGHIJKLMNOPQRST",  # 20 characters, none of them digits: 20 set-B codewords
    "wool-scarf-navy-m-2024",
    "12345678901234567890",  # 20 digits: set C, fits the column as it is
    "MERINO-SOCKS-3PK-GRY-L-EU4143",
)


def test_every_bin_sku_and_task_barcode_decodes() -> None:
    data = picklist_data(stop_count=20)
    pdf = render_picklist_pdf_bytes(data)
    images = render_pages(pdf)
    assert len(images) >= 2  # 20 stops do not fit one page
    decoded = [barcode.text for image in images for barcode in decode(image)]
    expected = [data.task_code] + [value for stop in data.stops for value in (stop.bin, stop.sku)]
    assert sorted(decoded) == sorted(expected)


def test_route_order_and_details_in_text(tmp_path: Path) -> None:
    data = picklist_data(stop_count=8)
    path = render_picklist_pdf(data, tmp_path / "pick.pdf")
    text = "\r\n".join(page_texts(path.read_bytes()))
    positions = [text.index(stop.bin) for stop in data.stops]
    assert positions == sorted(positions)  # printed in walking order
    for expected in [
        "PICK LIST",
        "Lena Berg",
        "PS-02",
        "울 스카프",
        "Ullmössa Åre",
        "T01",
        "8 / 15",
        "#1001, #1002",
    ]:
        assert expected in text, expected
    assert "Page 1 of 1" in text


def with_skus(data: PickListData, skus: tuple[str, ...], **bins: str) -> PickListData:
    stops = [
        dataclasses.replace(stop, sku=sku, bin=bins.get(f"stop{stop.seq}", stop.bin))
        for stop, sku in zip(data.stops, skus, strict=True)
    ]
    return dataclasses.replace(data, stops=stops)


def scanned(data: PickListData) -> dict[str, list]:
    """What a scanner reads off the printed pages: text -> (page image, symbol) per code."""
    found: dict[str, list] = {}
    for image in render_pages(render_picklist_pdf_bytes(data)):
        for barcode in decode(image):
            found.setdefault(barcode.text, []).append((image, barcode))
    return found


def test_long_skus_print_as_scannable_barcodes() -> None:
    """Every SKU, 20 characters and more, decodes from the rendered page, with an
    X-dimension no narrower than the printing module's minimum and full quiet zones."""
    skus = ("SKU-1000", *LONG_SKUS)
    assert len(max(skus, key=len)) > 20 and "ABCDEFGHIJKLMNOPQRST" in skus
    data = with_skus(picklist_data(stop_count=len(skus)), skus)
    found = scanned(data)
    assert sorted(found) == sorted(
        [data.task_code, *(stop.bin for stop in data.stops), *(stop.sku for stop in data.stops)]
    )
    for sku in skus:
        [(image, barcode)] = found[sku]
        modules = code128_module_count(sku)
        size = measure(image, barcode, modules)
        one_pixel = 1 / PX_PER_MM / modules  # the measured width is good to a pixel
        assert size.x_dim_mm >= DOC_MIN_X_DIM / MM - one_pixel, (sku, size.x_dim_mm)
        quiet = QUIET_ZONE_MODULES * size.x_dim
        assert size.quiet_left >= quiet and size.quiet_right >= quiet, (sku, size)
        assert size.height_mm > 7, (sku, size.height_mm)


def test_long_skus_stay_readable_in_their_column() -> None:
    data = with_skus(picklist_data(stop_count=len(LONG_SKUS)), LONG_SKUS)
    text = joined_lines(page_texts(render_picklist_pdf_bytes(data))[0])
    for sku in LONG_SKUS:
        # in the column and under its barcode (digits-only SKUs fit the column: once)
        assert text.count(sku) == (1 if sku.isdigit() else 2), sku


def test_long_skus_over_several_pages_all_scan() -> None:
    data = picklist_data(stop_count=24)
    skus = tuple(f"{LONG_SKUS[i % len(LONG_SKUS)]}-{i:02d}" for i in range(24))
    data = with_skus(data, skus)
    found = scanned(data)
    assert all(len(found.get(sku, [])) == 1 for sku in skus), sorted(set(skus) - set(found))


def test_a_long_bin_code_scans_too() -> None:
    data = with_skus(
        picklist_data(stop_count=2), ("SKU-1", "HOODIE-ORG-NVY-XL"), stop1="BULK-R12-L03-P04"
    )
    found = scanned(data)
    assert {"BULK-R12-L03-P04", "SKU-1", "HOODIE-ORG-NVY-XL"} <= set(found)


def test_codes_never_wrap_mid_code() -> None:
    """Every bin and SKU comes out of the page text whole, on one line."""
    long_bin = "MEZZANINE-NORTH-AISLE-07-BAY-12-LEVEL-3"
    base = picklist_data(len(LONG_SKUS)).stops
    stops = tuple(
        dataclasses.replace(stop, sku=sku, bin=long_bin if i == 1 else stop.bin)
        for i, (stop, sku) in enumerate(zip(base, LONG_SKUS, strict=True))
    )
    data = dataclasses.replace(picklist_data(len(LONG_SKUS)), stops=stops)
    pdf = render_picklist_pdf_bytes(data)
    lines = "\r\n".join(page_texts(pdf)).split("\r\n")
    for stop in stops:
        assert any(stop.bin in line for line in lines), stop.bin
        assert any(stop.sku in line for line in lines), stop.sku
    decoded = [b.text for image in render_pages(pdf) for b in decode(image)]
    assert long_bin in decoded
