"""Courier label PDF: barcodes decode to the data, geometry, text and layout fit."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pypdfium2 as pdfium
import pytest
import zxingcpp
from stdnum import gs1_128

from tests.printing.helpers import (
    KOREAN,
    PX_PER_MM,
    SSCC,
    SWEDISH,
    VERY_LONG,
    decode,
    gs1_mod10_ok,
    label_data,
    measure,
    page_sizes,
    page_texts,
    render_pages,
)
from wms_tui.domain.identifiers.sscc import make_sscc
from wms_tui.printing.barcodes import code128_module_count, sscc_data
from wms_tui.printing.errors import PrintError
from wms_tui.printing.label import LABEL_SIZES, render_label_pdf, render_label_pdf_bytes

CASES = [
    pytest.param(SWEDISH, "postnord", "4x6", id="se-4x6"),
    pytest.param(KOREAN, "korea_post", "4x6", id="kr-4x6"),
    pytest.param(VERY_LONG, "ups", "4x6", id="long-ups-4x6"),
    pytest.param(SWEDISH, "dhl_express", "A6", id="se-A6"),
    pytest.param(KOREAN, "ups", "A6", id="kr-ups-A6"),
]


def _split(found: list[zxingcpp.Barcode]) -> tuple[zxingcpp.Barcode, zxingcpp.Barcode]:
    """(tracking, SSCC); the routing symbol (421) is checked apart."""
    sscc = [b for b in found if b.text.startswith("(00)")]
    plain = [b for b in found if b.content_type != zxingcpp.ContentType.GS1]
    assert len(sscc) == 1 and len(plain) == 1, [b.text for b in found]
    return plain[0], sscc[0]


@pytest.mark.parametrize(("ship_to", "carrier", "size"), CASES)
def test_barcodes_decode_to_the_label_data(ship_to, carrier, size) -> None:
    data = label_data(ship_to, carrier)
    pdf = render_label_pdf_bytes(data, size)
    assert page_sizes(pdf) == [pytest.approx(LABEL_SIZES[size])]
    (image,) = render_pages(pdf)
    tracking, sscc = _split(decode(image))

    assert tracking.text == data.tracking_number
    assert tracking.symbology_identifier == "]C0"  # plain Code 128

    # GS1-128: symbology ]C1 means FNC1 in first position; zxing renders the AI in brackets.
    assert sscc.symbology_identifier == "]C1"
    assert sscc.text == f"(00){data.sscc}"
    assert sscc.bytes == b"00" + data.sscc.encode()
    assert gs1_128.info(sscc.text) == {"00": data.sscc}
    assert gs1_mod10_ok(sscc.text[4:])  # python-stdnum's check digit, not ours

    # The postal routing code: GS1-128 (421) ISO 3166 numeric country + postcode.
    (routing,) = [b for b in decode(image) if b.text.startswith("(421)")]
    assert routing.symbology_identifier == "]C1"
    numeric = {"SE": "752", "KR": "410"}[data.ship_to.country_code]
    assert routing.text == f"(421){numeric}{data.ship_to.postcode.replace(' ', '')}"

    # Geometry: SSCC at 0.5 mm X, >= 32 mm high, at the bottom; 10X clear space each side.
    page_height_px = image.height
    measured_sscc = measure(image, sscc, code128_module_count(sscc_data(data.sscc)))
    assert measured_sscc.x_dim_mm == pytest.approx(0.5, abs=0.01)
    assert measured_sscc.height_mm >= 32
    assert page_height_px - measured_sscc.bottom < 12 * PX_PER_MM
    measured_tracking = measure(image, tracking, code128_module_count(data.tracking_number))
    assert 0.37 <= measured_tracking.x_dim_mm <= 0.51
    assert measured_tracking.height_mm >= 12.5  # 13 mm bars; zxing's corners are approximate
    assert measured_tracking.bottom < measured_sscc.top
    for measured in (measured_sscc, measured_tracking):
        assert measured.quiet_left >= 10 * measured.x_dim
        assert measured.quiet_right >= 10 * measured.x_dim


def test_hangul_text_extracts_exactly() -> None:
    (text,) = page_texts(render_label_pdf_bytes(label_data(KOREAN, "korea_post")))
    lines = text.split("\r\n")
    for expected in [
        "김민준",
        "테헤란로 152",
        "강남파이낸스센터 21층",
        "06236 서울특별시 강남구",
    ]:
        assert expected in lines
    # The phone sits beside the short country line, leaving its row to the address.
    assert "REPUBLIC OF KOREA Tel. +82 2 1234 5678" in lines


def test_nordic_text_extracts_exactly() -> None:
    (text,) = page_texts(render_label_pdf_bytes(label_data(SWEDISH)))
    lines = text.split("\r\n")
    for expected in [
        "Åsa Öberg",
        "Storgatan 5",
        "Lägenhet Ä 1102",
        "114 55 STOCKHOLM",
        "553 02 Jönköping",
        "SWEDEN",  # the sender's country, on a line of its own
    ]:
        assert expected in lines
    assert lines.count("SWEDEN") == 1  # domestic: no destination country line
    for expected in [
        "PKG 1 of 2",
        "#1001",
        "2026-11-24",
        "1.25 kg",
        "PostNord",
        "(00) 3 0614141 123456789 1",
        label_data().tracking_number,
    ]:
        assert expected in lines


def _char_boxes(
    pdf: bytes,
) -> tuple[list[tuple[str, tuple[float, float, float, float]]], tuple[float, float]]:
    page = pdfium.PdfDocument(pdf)[0]
    text_page = page.get_textpage()
    boxes = []
    for index in range(text_page.count_chars()):
        char = text_page.get_text_range(index, 1)
        if char.strip():
            boxes.append((char, text_page.get_charbox(index)))
    return boxes, page.get_size()


#: Seven printed lines on a Korean label: company, two long street lines, town, country.
KOREAN_SEVEN_LINES = dataclasses.replace(
    KOREAN,
    name="김민준 (Minjun Kim)",
    company="주식회사 한빛소프트 글로벌 물류센터",
    line1="서울특별시 강남구 테헤란로 152 강남파이낸스센터",
    line2="21층 2105호 (역삼동, 강남파이낸스센터)",
)

LONG_FIELDS = {
    "carrier_name": "Extremely Long Carrier Name International Logistics Group",
    "service_name": "Economy Select Saver Plus with Saturday Delivery and Signature Required",
    "order_name": "#SHOP-ORDER-2026-000000123456789",
    "reference": "PO-REFERENCE-ABCDEFGHIJKLMNOP",
    "ship_from": VERY_LONG,
}


@pytest.mark.parametrize("size", ["4x6", "A6"])
@pytest.mark.parametrize(
    ("ship_to", "changes"),
    [
        (VERY_LONG, {}),
        (KOREAN, {}),
        (SWEDISH, {}),
        (VERY_LONG, LONG_FIELDS),
        (KOREAN_SEVEN_LINES, {}),
    ],
    ids=["long", "kr", "se", "everything-long", "kr-seven-lines"],
)
def test_text_stays_on_the_label_and_off_the_barcodes(ship_to, changes, size) -> None:
    data = label_data(ship_to, "ups", **changes)
    pdf = render_label_pdf_bytes(data, size)
    (image,) = render_pages(pdf)
    bars = []
    scale = 72 / 203
    for barcode in decode(image):
        position = barcode.position
        # zxing gives pixel corners (top-down); convert to PDF points (bottom-up).
        height = image.height * scale
        bars.append(
            (
                position.top_left.x * scale,
                height - position.bottom_left.y * scale,
                position.bottom_right.x * scale,
                height - position.top_left.y * scale,
            )
        )
    assert len(bars) == 3
    boxes, (width, page_height) = _char_boxes(pdf)
    margin = 2.0
    for char, (left, bottom, right, top) in boxes:
        assert margin <= left and right <= width - margin, char
        assert margin <= bottom and top <= page_height - margin, char
        for bar_left, bar_bottom, bar_right, bar_top in bars:
            apart = right <= bar_left or left >= bar_right or top <= bar_bottom or bottom >= bar_top
            assert apart, f"{char!r} overlaps a barcode"


def test_long_address_shrinks_instead_of_overflowing() -> None:
    (text,) = page_texts(render_label_pdf_bytes(label_data(VERY_LONG, "ups")))
    joined = " ".join(text.split("\r\n"))
    assert "Maximilian Alexander" in joined and "Åkerlund" in joined
    assert "194 00 UPPLANDS VÄSBY" in joined


def test_ship_to_name_is_the_largest_text() -> None:
    pdf = render_label_pdf_bytes(label_data(SWEDISH))
    page = pdfium.PdfDocument(pdf)[0]
    text_page = page.get_textpage()
    heights: dict[str, float] = {}
    for index in range(text_page.count_chars()):
        char = text_page.get_text_range(index, 1)
        left, bottom, right, top = text_page.get_charbox(index)
        heights[char] = max(heights.get(char, 0.0), top - bottom)
    # The name's capital Å is as tall as anything else on the label.
    assert heights["Å"] >= max(heights.values()) - 0.5


def test_writes_file_and_is_deterministic(tmp_path: Path) -> None:
    data = label_data()
    path = render_label_pdf(data, tmp_path / "label.pdf")
    assert path.read_bytes() == render_label_pdf_bytes(data)
    assert path.read_bytes().startswith(b"%PDF-")


def test_unwritable_path_is_a_print_error(tmp_path: Path) -> None:
    with pytest.raises(PrintError, match="cannot write"):
        render_label_pdf(label_data(), tmp_path / "missing-dir" / "label.pdf")


def test_bad_inputs() -> None:
    with pytest.raises(ValueError, match="label size"):
        render_label_pdf_bytes(label_data(), "A4")  # type: ignore[arg-type]
    with pytest.raises(PrintError, match="does not fit"):
        render_label_pdf_bytes(label_data(tracking_number="X" * 60))
    with pytest.raises(ValueError, match="check digit"):
        label_data(sscc=SSCC[:-1] + "0")
    with pytest.raises(ValueError, match="package 3 of 2"):
        label_data(package_index=3)


def test_other_sscc_values() -> None:
    sscc = make_sscc(0, "7350053850", 42)
    pdf = render_label_pdf_bytes(label_data(sscc=sscc, company_prefix_length=10))
    (image,) = render_pages(pdf)
    _, found = _split(decode(image))
    assert found.text == f"(00){sscc}"
    assert f"(00) 0 7350053850 000042 {sscc[-1]}" in page_texts(pdf)[0]
    assert sscc != SSCC


def test_pdf_cross_reference_table_is_exact() -> None:
    # The font cache writes some objects itself; every xref offset must still point at the
    # start of its object, or strict readers (printer RIPs) reject the file.
    pdf = render_label_pdf_bytes(label_data(KOREAN, "korea_post"))
    xref_at = int(pdf.rsplit(b"startxref", 1)[1].split()[0])
    assert pdf[xref_at:].startswith(b"xref")
    lines = pdf[xref_at:].split(b"\n")
    count = int(lines[1].split()[1])
    for number in range(1, count):
        offset = int(lines[2 + number].split()[0])
        assert re.match(rb"%d 0 obj" % number, pdf[offset:]), number


def _glyph_heights(pdf: bytes, text: str) -> float:
    boxes, _ = _char_boxes(pdf)
    return max(top - bottom for char, (_, bottom, _, top) in boxes if char in text)


@pytest.mark.parametrize(("size", "at_least"), [("4x6", 14.0), ("A6", 9.5)])
def test_a_long_address_shrinks_its_street_lines_before_the_name(size, at_least) -> None:
    """The name is what the courier reads: it kept 9 pt (4x6) and 7 pt (A6) with this address."""
    pdf = render_label_pdf_bytes(label_data(KOREAN_SEVEN_LINES, "korea_post"), size)
    name = _glyph_heights(pdf, "김민준")
    street = _glyph_heights(pdf, "테헤란로")
    assert name >= 0.8 * at_least  # a Hangul glyph's box is about 0.85 of its point size
    assert street < name * 0.8  # street lines are drawn at most 0.8 of the name
    (text,) = page_texts(pdf)
    lines = text.split("\r\n")
    for expected in ["김민준 (Minjun Kim)", "06236 서울특별시 강남구"]:
        assert expected in lines
    # The country line, with the phone beside it when it fits there.
    assert any(line.split(" Tel. ")[0] == "REPUBLIC OF KOREA" for line in lines)
