"""ZPL II label: structure, escaping, GS1 FNC1 and Code 128 field data."""

from __future__ import annotations

import re

import pytest

from tests.printing.helpers import KOREAN, SSCC, SWEDISH, VERY_LONG, label_data
from wms_tui.printing.barcodes import zpl_code128_field
from wms_tui.printing.documents import Address
from wms_tui.printing.zpl import DEFAULT_UNICODE_FONT, render_label_zpl, zpl_escape

FIELD = re.compile(r"\^FD(.*?)\^FS", re.S)


def _fields(zpl: str) -> list[str]:
    return FIELD.findall(zpl)


@pytest.mark.parametrize("size", ["4x6", "A6"])
@pytest.mark.parametrize("ship_to", [SWEDISH, KOREAN, VERY_LONG], ids=["se", "kr", "long"])
def test_structure(ship_to: Address, size: str) -> None:
    zpl = render_label_zpl(label_data(ship_to), size)
    lines = zpl.strip().splitlines()
    assert lines[0] == "^XA" and lines[-1] == "^XZ"
    assert zpl.count("^XA") == 1 and zpl.count("^XZ") == 1
    assert "^CI28" in lines[:3]  # UTF-8 before any field
    width, height = {"4x6": (812, 1218), "A6": (839, 1183)}[size]
    assert f"^PW{width}" in lines and f"^LL{height}" in lines
    for line in lines[5:-2]:
        assert line.startswith("^FO") and line.endswith("^FS"), line
        x, y = map(int, re.match(r"\^FO(\d+),(\d+)", line).groups())
        assert 0 <= x < width and 0 <= y < height, line
    zpl.encode("utf-8")  # sent as UTF-8 bytes


def test_fields_carry_the_address() -> None:
    fields = _fields(render_label_zpl(label_data(SWEDISH)))
    assert "Åsa Öberg" in fields
    assert any("Storgatan 5" in field for field in fields)
    assert any("114 55 STOCKHOLM" in field for field in fields)
    assert "PKG 1 of 2" in fields and "#1001" in fields
    assert "(00) 3 0614141 123456789 1" in fields


def test_hangul_fields_use_the_unicode_font() -> None:
    zpl = render_label_zpl(label_data(KOREAN), unicode_font="E:MYFONT.TTF")
    name_line = next(line for line in zpl.splitlines() if "김민준" in line)
    assert "^A@N," in name_line and "E:MYFONT.TTF" in name_line
    latin_line = next(line for line in zpl.splitlines() if "^FDPKG 1 of 2^FS" in line)
    assert "^A0N" in latin_line
    assert DEFAULT_UNICODE_FONT.endswith(".TTF")


def test_sscc_is_gs1_128_with_fnc1() -> None:
    zpl = render_label_zpl(label_data())
    sscc_line = next(line for line in zpl.splitlines() if f"00{SSCC}" in line and "^BC" in line)
    # Mode N, interpretation line off (we print our own), FNC1 right after start C.
    assert "^BCN," in sscc_line and sscc_line.split("^BCN,")[1].startswith("216,N,N,N,N")
    assert f"^FD>;>800{SSCC}^FS" in sscc_line
    assert "^BY4" in sscc_line  # 4 dots = 0.5 mm X-dimension


def test_tracking_is_code128_with_the_same_code_sets_as_the_pdf() -> None:
    data = label_data(VERY_LONG, "ups")
    zpl = render_label_zpl(data)
    line = next(line for line in zpl.splitlines() if "^BC" in line and ">8" not in line)
    assert f"^FD{zpl_code128_field(data.tracking_number)}^FS" in line
    height = int(re.search(r"\^BCN,(\d+)", line).group(1))
    assert height >= 25 * 8  # >= 25 mm at 8 dots/mm


def test_caret_tilde_underscore_are_hex_escaped() -> None:
    hostile = Address(
        name="Evil ^XZ~JR_name",
        line1="^FO0,0^FDinjected^FS",
        city="~DGR:X",
        postcode="1",
        country_code="SE",
    )
    zpl = render_label_zpl(label_data(hostile, order_name="#1^2~3_4"))
    assert zpl.count("^XZ") == 1 and zpl.count("^XA") == 1
    assert "~JR" not in zpl and "~DG" not in zpl
    fields = _fields(zpl)
    assert "Evil _5EXZ_7EJR_5Fname" in fields
    assert "#1_5E2_7E3_5F4" in fields
    assert all("^" not in field and "~" not in field for field in fields)
    # Every field with an escape is preceded by ^FH, so the printer decodes it.
    for line in zpl.splitlines():
        if "^FD" in line and "_5" in line:
            assert "^FH^FD" in line


def test_escape_helper() -> None:
    assert zpl_escape("a^b~c_d") == "a_5Eb_7Ec_5Fd"
    assert zpl_escape("line\nbreak") == "line break"
    assert zpl_escape(r"back\slash") == r"back\\slash"
