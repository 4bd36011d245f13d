"""Code 128 / GS1-128 encoding and vector drawing, read back with zxing-cpp."""

from __future__ import annotations

import io

import pytest
import zxingcpp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reportlab.graphics.barcode.code128 import Code128
from reportlab.pdfgen.canvas import Canvas

from tests.printing.helpers import SSCC, decode, measure, render_pages
from wms_tui.printing.barcodes import (
    DOT_203,
    FNC1,
    LABEL_X_DIM,
    MM,
    code128_module_count,
    code128_modules,
    code128_values,
    draw_code128,
    fit_x_dim,
    gs1_element_string,
    gs1_hri,
    plan_code128,
    sscc_data,
    zpl_code128_field,
)

PRINTABLE = st.text(
    alphabet=st.characters(min_codepoint=32, max_codepoint=126), min_size=1, max_size=24
)


def _barcode_pdf(data: str, x_dim: float = LABEL_X_DIM, hri: str | None = None) -> bytes:
    buffer = io.BytesIO()
    width = (code128_module_count(data) + 20) * x_dim + 20
    canvas = Canvas(buffer, pagesize=(width, 40 * MM), invariant=1)
    draw_code128(canvas, 10, 5 * MM, data, x_dim=x_dim, bar_height=25 * MM, hri=hri, grid=DOT_203)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def test_known_encoding() -> None:
    # "1Z999AA1" in set B, then set C for the ten trailing digits.
    plan = plan_code128("1Z999AA10123456784")
    assert [segment.code_set for segment in plan] == ["B", "C"]
    values = code128_values("1Z999AA10123456784")
    assert values[0] == 104 and values[-1] == 106
    assert values[9] == 99  # CODE C
    checksum = (values[0] + sum(i * v for i, v in enumerate(values[1:-2], 1))) % 103
    assert values[-2] == checksum


def test_sscc_is_start_c_fnc1_then_pairs() -> None:
    values = code128_values(sscc_data(SSCC))
    assert values[:3] == (105, 102, 0)  # START C, FNC1, "00"
    assert len(values) == 2 + 10 + 2  # start, FNC1, 10 digit pairs, check, stop
    assert code128_module_count(sscc_data(SSCC)) == 156
    modules = code128_modules(sscc_data(SSCC))
    assert len(modules) % 2 == 1 and max(modules) <= 4  # bar, space, ..., bar


@settings(max_examples=300)
@given(PRINTABLE)
def test_never_longer_than_reportlab(data: str) -> None:
    # The dynamic programme finds the shortest symbol; reportlab's heuristic is a bound.
    symbol = Code128(data)
    symbol.validate()
    symbol.encode()
    assert len(code128_values(data)) <= len(symbol.encoded)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(PRINTABLE)
def test_drawn_symbol_decodes_to_data(data: str) -> None:
    pdf = _barcode_pdf(data)
    assert b"/Subtype /Image" not in pdf and b"/XObject" not in pdf  # vector bars only
    found = decode(render_pages(pdf)[0])
    assert [barcode.text for barcode in found] == [data]


def test_geometry_on_the_page() -> None:
    data = "RR123456785SE"
    image = render_pages(_barcode_pdf(data, hri=data))[0]
    (barcode,) = decode(image)
    measured = measure(image, barcode, code128_module_count(data))
    assert measured.x_dim == pytest.approx(4, abs=0.05)  # 4 dots at 203 dpi
    assert measured.height_mm == pytest.approx(25, abs=0.3)
    assert measured.quiet_left >= 10 * measured.x_dim
    assert measured.quiet_right >= 10 * measured.x_dim


def test_gs1_variable_fields_are_separated_by_fnc1() -> None:
    elements = [("01", "09506000134352"), ("10", "ABC123"), ("21", "XYZ"), ("00", SSCC)]
    data = gs1_element_string(elements)
    assert data == f"{FNC1}010950600013435210ABC123{FNC1}21XYZ{FNC1}00{SSCC}"
    (barcode,) = decode(render_pages(_barcode_pdf(data))[0])
    assert barcode.content_type == zxingcpp.ContentType.GS1
    assert barcode.symbology_identifier == "]C1"
    assert barcode.text == gs1_hri(elements)


@pytest.mark.parametrize(
    ("elements", "message"),
    [
        ([], "at least one"),
        ([("0", "1")], "2-4 digits"),
        ([("00", "12345")], "exactly 18"),
        ([("00", "306141411234567890")], "check digit"),
        ([("10", "")], "non-empty"),
    ],
)
def test_gs1_validation(elements: list, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        gs1_element_string(elements)


@pytest.mark.parametrize("data", ["", "Åsa", "tab\there", "€"])
def test_rejects_data_code128_cannot_carry(data: str) -> None:
    with pytest.raises(ValueError):
        code128_values(data)


def test_fit_x_dim_uses_whole_dots_and_refuses_unscannable() -> None:
    data = "1Z999AA10123456784"
    x_dim = fit_x_dim(data, 95 * MM)
    assert x_dim == pytest.approx(3 * DOT_203)  # 4 dots would not fit 95 mm
    assert fit_x_dim("A1", 95 * MM) == pytest.approx(4 * DOT_203)
    with pytest.raises(ValueError, match="only"):
        fit_x_dim("X" * 60, 95 * MM)


def _interpret_zpl(field: str) -> list[tuple[str, str]]:
    """Read ZPL ^BC mode-N field data back into (code set, item) pairs."""
    sets = {">:": "B", ">;": "C", ">6": "B", ">5": "C"}
    out: list[tuple[str, str]] = []
    current, index = "", 0
    while index < len(field):
        pair = field[index : index + 2]
        if pair in sets:
            current = sets[pair]
            index += 2
        elif pair == ">8":
            out.append((current, FNC1))
            index += 2
        elif pair == "><":
            out.append((current, ">"))
            index += 2
        elif current == "C":
            out.append((current, pair))
            index += 2
        else:
            out.append((current, field[index]))
            index += 1
    return out


@given(PRINTABLE)
def test_zpl_field_spells_out_the_same_plan(data: str) -> None:
    expected = [(s.code_set, item) for s in plan_code128(data) for item in s.items]
    assert _interpret_zpl(zpl_code128_field(data)) == expected


def test_zpl_field_for_sscc() -> None:
    assert zpl_code128_field(sscc_data(SSCC)) == f">;>800{SSCC}"
