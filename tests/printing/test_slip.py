"""Packing slip PDF: content, return form, RMA barcode and multi-page flow."""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
import pytest
from reportlab.lib.pagesizes import A4, letter

from tests.printing.helpers import (
    KOREAN,
    SWEDISH,
    decode,
    page_sizes,
    page_texts,
    render_pages,
    slip_data,
)
from wms_tui.printing.documents import ParcelInfo, SlipLine
from wms_tui.printing.slip import RETURN_REASONS, render_slip_pdf, render_slip_pdf_bytes


def _lines(text: str) -> list[str]:
    return text.split("\r\n")


def test_single_page_slip_content_and_rma_barcode() -> None:
    data = slip_data(SWEDISH)
    pdf = render_slip_pdf_bytes(data)
    assert page_sizes(pdf) == [pytest.approx(A4)]
    (text,) = page_texts(pdf)
    lines = _lines(text)
    # Lines drawn on their own must come back exactly (Å Ä Ö and Hangul included) ...
    for expected in [
        "PACKING SLIP",
        "Order #1001",
        "Åsa Öberg",
        "Storgatan 5",
        "Lägenhet Ä 1102",
        "114 55 Stockholm",
        "GIFT MESSAGE",
        "Grattis på födelsedagen, Åsa! 생일 축하해요",
        "Packed by Lena Berg at 2026-11-24 14:03",
        "RETURN FORM",
        "Tracking: RR012345675SE",
        "• Autumn catalogue",
    ]:
        assert expected in lines, expected
    # ... table cells share a baseline, so pdfium joins them into one line.
    for expected in [
        "SHORT 1",
        "Out of stock, backordered",
        "Ullmössa Åre",
        "Färg: Grön",
        "Page 1 of 1",
        f"Return code {data.rma}",
    ]:
        assert expected in text, expected
    for reason in RETURN_REASONS:
        assert reason in text
    (image,) = render_pages(pdf)
    assert [barcode.text for barcode in decode(image)] == [data.rma]


def test_hangul_on_the_slip() -> None:
    data = slip_data(KOREAN)
    text = "\r\n".join(page_texts(render_slip_pdf_bytes(data)))
    lines = _lines(text)
    for expected in [
        "김민준",
        "테헤란로 152",
        "06236 서울특별시 강남구",
        "REPUBLIC OF KOREA",
        "Leave at the door. 문 앞에 놓아주세요.",
    ]:
        assert expected in lines, expected
    assert "울 스카프 (겨울용)" in text and "색상: 네이비" in text


def test_many_lines_flow_over_pages_and_keep_return_form_whole() -> None:
    data = slip_data(KOREAN, line_count=60)
    pdf = render_slip_pdf_bytes(data)
    texts = page_texts(pdf)
    pages = len(texts)
    assert pages >= 3
    for number, text in enumerate(texts, start=1):
        assert f"Page {number} of {pages}" in text
        if "SKU-" in text:  # every page with item rows repeats the column headings
            assert "SKU Item Ordered Packed Note" in _lines(text)
    everything = "\r\n".join(texts)
    for line in data.lines:
        assert line.sku in everything
    # The return form is in one piece on the last page, with its barcode.
    assert "RETURN FORM" in texts[-1]
    assert all(reason in texts[-1] for reason in RETURN_REASONS)
    images = render_pages(pdf)
    found = [[barcode.text for barcode in decode(image)] for image in images]
    assert found[-1] == [data.rma]
    assert all(not codes for codes in found[:-1])
    assert "60 of 72 units packed" in everything  # 12 lines short by one


def test_letter_paper(tmp_path: Path) -> None:
    path = render_slip_pdf(slip_data(), tmp_path / "slip.pdf", paper="Letter")
    sizes = page_sizes(path.read_bytes())
    assert sizes and all(size == pytest.approx(letter) for size in sizes)


def test_optional_sections_can_be_empty() -> None:
    data = slip_data(
        gift_message="",
        notes="",
        inserts=[],
        parcel=None,
        return_policy="",
        lines=[SlipLine(sku="A", name="Thing", qty_ordered=1, qty_packed=1)],
    )
    text = page_texts(render_slip_pdf_bytes(data))[0]
    assert "GIFT MESSAGE" not in text and "Notes" not in text
    assert "1 of 1 unit packed" in text


@pytest.mark.parametrize(
    ("ordered", "packages", "summary", "shipment"),
    [
        (1, 1, "1 of 1 unit packed", "1 package, 1.25 kg"),
        (2, 2, "2 of 2 units packed", "2 packages, 1.25 kg"),
    ],
)
def test_counts_read_as_english(ordered: int, packages: int, summary: str, shipment: str) -> None:
    data = slip_data(
        lines=[SlipLine(sku="A", name="Thing", qty_ordered=ordered, qty_packed=ordered)],
        parcel=ParcelInfo(
            carrier_name="PostNord",
            service_name="MyPack Collect",
            weight_g=1250,
            package_count=packages,
        ),
    )
    lines = _lines(page_texts(render_slip_pdf_bytes(data))[0])
    assert summary in lines and shipment in lines
    assert not any("(s)" in line for line in lines)


def test_rma_must_be_given() -> None:
    with pytest.raises(ValueError, match="rma"):
        slip_data(rma=" ")


def test_extreme_text_stays_on_the_pages() -> None:
    data = slip_data(
        shop_name="The Extremely Long Named Nordic Goods Trading Company of Scandinavia AB",
        order_name="#SHOP-ORDER-2026-000000123456789-SPLIT-3",
        gift_message="Grattis! 생일 축하해요. " * 300,
        return_policy="Returns are accepted within thirty days. " * 120,
        notes="Ring twice. " * 200,
    )
    pdf = render_slip_pdf_bytes(data)
    document = pdfium.PdfDocument(pdf)
    for page in document:
        width, height = page.get_size()
        text_page = page.get_textpage()
        for index in range(text_page.count_chars()):
            left, bottom, right, top = text_page.get_charbox(index)
            if text_page.get_text_range(index, 1).strip():
                assert left >= 0 and right <= width and bottom >= 0 and top <= height
    found = [b.text for image in render_pages(pdf) for b in decode(image)]
    assert found == [data.rma]
