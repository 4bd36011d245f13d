"""Pick list PDF: every bin, SKU and the task code scan back."""

from __future__ import annotations

from pathlib import Path

from tests.printing.helpers import decode, page_texts, picklist_data, render_pages
from wms_tui.printing.picklist import render_picklist_pdf, render_picklist_pdf_bytes


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
