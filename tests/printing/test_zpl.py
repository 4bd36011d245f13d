"""ZPL labels as a Zebra prints them: rendered by zplkit (an independent ZPL renderer),
decoded with zxing-cpp and measured, at 203 and 300 dpi."""

from __future__ import annotations

import re

import pytest
from reportlab.pdfbase import pdfmetrics

from tests.printing.helpers import KOREAN, SSCC, SWEDISH, VERY_LONG, label_data
from tests.printing.label_render import render_pdf, render_zpl, symbols
from wms_tui.printing import fonts
from wms_tui.printing.address import Address
from wms_tui.printing.surface import ZPL_FONTS
from wms_tui.printing.zpl import LABEL_DOTS, font_download, fonts_needed, render_label_zpl

CASES = [
    pytest.param(SWEDISH, "postnord", "4x6", id="se"),
    pytest.param(KOREAN, "korea_post", "4x6", id="kr"),
    pytest.param(VERY_LONG, "ups", "4x6", id="long"),
    pytest.param(KOREAN, "dhl_express", "A6", id="kr-A6"),
]
LONG = {
    "carrier_name": "Extremely Long Carrier Name International Logistics Group",
    "service_name": "Economy Select Saver Plus with Saturday Delivery and Signature Required",
    "order_name": "#SHOP-ORDER-2026-000000123456789",
    "reference": "PO-REFERENCE-ABCDEFGHIJKLMNOP",
    "ship_from": VERY_LONG,
    "consignment": "73500530000010425",
    "dangerous_goods": ("UN3480", "UN3481"),
    "terms": "DDP",
}


@pytest.mark.parametrize("dpi", [203, 300])
@pytest.mark.parametrize(("ship_to", "carrier", "size"), CASES)
def test_renders_and_every_barcode_decodes_to_the_data(ship_to, carrier, size, dpi) -> None:
    data = label_data(ship_to, carrier)
    image, _ = render_zpl(data, size, dpi)
    assert image.size == LABEL_DOTS[dpi][size]
    found = {s.text: s for s in symbols(image)}
    routing = f"(421){ {'SE': '752', 'KR': '410'}[ship_to.country_code] }"
    routing += ship_to.postcode.replace(" ", "")
    assert set(found) == {f"(00){SSCC}", data.tracking_number, routing.replace(" ", "")}


@pytest.mark.parametrize("render", [render_zpl, render_pdf], ids=["zpl", "pdf"])
@pytest.mark.parametrize(("dpi", "x_dots"), [(203, 4), (300, 6)])
def test_sscc_geometry_measured_on_the_print(render, dpi: int, x_dots: int) -> None:
    result = render(label_data(KOREAN, "korea_post"), "4x6", dpi)
    image = result[0] if isinstance(result, tuple) else result
    (sscc,) = [s for s in symbols(image) if s.text.startswith("(00)")]
    px_per_mm = dpi / 25.4
    assert sscc.bar_height / px_per_mm >= 32.0  # GS1 logistic label: >= 31.75 mm
    assert sscc.narrowest == x_dots  # whole dots
    assert x_dots / px_per_mm >= 0.495
    assert min(sscc.quiet_left, sscc.quiet_right) >= 10 * x_dots
    others = [s for s in symbols(image) if not s.text.startswith("(00)")]
    assert all(min(s.quiet_left, s.quiet_right) >= 10 * s.narrowest for s in others)


_FIELD = re.compile(r"\^FT(\d+),(\d+)\^A@N,(\d+),\d+,(E:\w+\.TTF)\^FH\^FD(.*?)\^FS")
_BY_PRINTER_NAME = {name: font for font, name in ZPL_FONTS.items()}


def _unescape(data: str) -> str:
    return re.sub(r"_([0-9A-F]{2})", lambda m: chr(int(m.group(1), 16)), data)


def text_boxes(program: str) -> list[tuple[str, int, int, int, int]]:
    """(text, left, top, right, bottom) in dots of every text field, by the fonts' metrics."""
    fonts.ensure_fonts()
    boxes = []
    for x, y, h, name, data in _FIELD.findall(program):
        text = _unescape(data)
        width = pdfmetrics.stringWidth(text, _BY_PRINTER_NAME[name], int(h))
        # Cell from cap height to descender: what two neighbouring lines must not share.
        boxes.append((text, int(x), int(y) - int(int(h) * 0.76), int(x) + int(width),
                      int(y) + int(int(h) * 0.2)))  # fmt: skip
    return boxes


@pytest.mark.parametrize("dpi", [203, 300])
@pytest.mark.parametrize("size", ["4x6", "A6"])
@pytest.mark.parametrize("changes", [{}, LONG], ids=["plain", "everything-long"])
@pytest.mark.parametrize("ship_to", [VERY_LONG, KOREAN, SWEDISH], ids=["long", "kr", "se"])
def test_text_is_fitted_never_overprinted(ship_to, changes, size, dpi) -> None:
    program = render_label_zpl(label_data(ship_to, "ups", **changes), size, dpi=dpi)
    assert "^FB" not in program  # no printer-side wrapping that could pile lines up
    width, height = LABEL_DOTS[dpi][size]
    boxes = text_boxes(program)
    assert boxes
    for text, left, top, right, bottom in boxes:
        assert left >= 0 and right <= width and top >= 0 and bottom <= height, text
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            apart = a[3] <= b[1] or b[3] <= a[1] or a[4] <= b[2] or b[4] <= a[2]
            assert apart, f"{a[0]!r} overprints {b[0]!r}"


def test_each_character_in_a_font_that_has_it() -> None:
    mixed = Address(
        name="김민준 Åsa Żółć", line1="Östra Ågatan 3 ś ż ń", city="Uppsala", postcode="753 20",
        country_code="SE",
    )  # fmt: skip
    program = render_label_zpl(label_data(mixed, "postnord"))
    fields = [(name, _unescape(data)) for *_, name, data in _FIELD.findall(program)]
    korean = "".join(t for n, t in fields if n.startswith("E:WMSKR"))
    latin = "".join(t for n, t in fields if n.startswith("E:WMSSANS"))
    assert "김민준" in korean and not set("ÅÖŻółćśżń") & set(korean)
    for char in "ÅÖŻółćśżń":
        assert char in latin


def test_fonts_are_downloaded_only_when_used() -> None:
    swedish = label_data(SWEDISH, "postnord")
    assert fonts_needed(swedish) == [fonts.LATIN, fonts.LATIN_BOLD]
    assert fonts.HANGUL in fonts_needed(label_data(KOREAN, "korea_post"))
    blob = font_download([fonts.LATIN])
    assert blob.startswith(b"~DYE:WMSSANS.TTF,A,T,") and blob.count(b"~DY") == 1
    program = render_label_zpl(swedish)
    assert "~DY" not in program  # the label itself never carries a font


def test_caret_tilde_underscore_are_hex_escaped() -> None:
    hostile = Address(
        name="^XZ~JR Evil_Name", line1="Main St ^FS^XA", city="Town", postcode="12345",
        country_code="SE",
    )  # fmt: skip
    program = render_label_zpl(label_data(hostile, "postnord"))
    assert "^XZ~JR" not in program and "_5EXZ_7EJR Evil_5FName" in program
    assert program.count("^XA") == 1 and program.count("^XZ") == 1


def test_bad_inputs() -> None:
    with pytest.raises(ValueError, match="203 or 300 dpi"):
        render_label_zpl(label_data(), dpi=600)
    with pytest.raises(ValueError, match="unknown label size"):
        render_label_zpl(label_data(), "A4")  # type: ignore[arg-type]


@pytest.mark.parametrize("dpi", [203, 300])
@pytest.mark.parametrize("render", [render_zpl, render_pdf], ids=["zpl", "pdf"])
def test_a_tracking_number_that_is_the_sscc_is_printed_once(render, dpi: int) -> None:
    # PostNord at home: the SSCC is the item ID; a second symbol of it is a second thing to scan.
    data = label_data(SWEDISH, "postnord", tracking_number=SSCC)
    result = render(data, "4x6", dpi)
    image = result[0] if isinstance(result, tuple) else result
    texts = sorted(s.text for s in symbols(image))
    assert texts == [f"(00){SSCC}", f"(421)752{SWEDISH.postcode.replace(' ', '')}"]
