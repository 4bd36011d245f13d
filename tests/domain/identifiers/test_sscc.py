"""SSCC-18 construction and GS1 mod-10 check digits, checked against python-stdnum."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum import ean, gs1_128

from wms_tui.domain.identifiers.sscc import (
    format_sscc_hri,
    gs1_check_digit,
    has_valid_check_digit,
    is_valid_sscc,
    make_sscc,
    validate_sscc,
)


@pytest.mark.parametrize(
    ("body", "check"),
    [
        ("400638133393", 1),  # EAN-13 4006381333931, the classic worked example
        ("978030640615", 7),  # ISBN-13 978-0-306-40615-7
        ("30614141123456789", 1),  # SSCC with GS1's sample company prefix 0614141
    ],
)
def test_check_digit_known_values(body: str, check: int) -> None:
    assert gs1_check_digit(body) == check
    assert ean.calc_check_digit(body) == str(check)


@given(st.text(alphabet="0123456789", min_size=1, max_size=30))
def test_check_digit_matches_stdnum(digits: str) -> None:
    assert str(gs1_check_digit(digits)) == ean.calc_check_digit(digits)


def test_make_sscc_layout_and_check_digit() -> None:
    sscc = make_sscc(3, "0614141", 123456789)
    assert sscc == "306141411234567891"
    assert len(sscc) == 18
    assert ean.calc_check_digit(sscc[:-1]) == sscc[-1]
    # python-stdnum parses it as a GS1-128 element string with AI (00)
    assert gs1_128.info(f"(00){sscc}") == {"00": sscc}


@pytest.mark.parametrize("prefix", ["061414", "0614141", "06141411", "061414112345"])
def test_serial_fills_what_the_prefix_leaves(prefix: str) -> None:
    sscc = make_sscc(0, prefix, 42)
    assert len(sscc) == 18
    assert sscc[1 : 1 + len(prefix)] == prefix
    assert int(sscc[1 + len(prefix) : 17]) == 42
    assert is_valid_sscc(sscc)


@given(
    st.integers(0, 9),
    st.text(alphabet="0123456789", min_size=6, max_size=12),
    st.data(),
)
def test_make_sscc_always_valid(extension: int, prefix: str, data: st.DataObject) -> None:
    serial = data.draw(st.integers(0, 10 ** (16 - len(prefix)) - 1))
    sscc = make_sscc(extension, prefix, serial)
    assert len(sscc) == 18 and sscc.isdigit()
    assert ean.calc_check_digit(sscc[:-1]) == sscc[-1]
    assert has_valid_check_digit(sscc)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((10, "0614141", 1), "extension digit"),
        ((-1, "0614141", 1), "extension digit"),
        ((3, "06141", 1), "company prefix"),
        ((3, "0614141234567", 1), "company prefix"),
        ((3, "06141A1", 1), "ASCII digits"),
        ((3, "0614141", 10**9), "does not fit"),
        ((3, "0614141", -5), "negative"),
        ((3, "0614141", "12x"), "ASCII digits"),
        ((3, "٠٦١٤١٤١", 1), "ASCII digits"),  # Arabic-Indic digits pass str.isdigit()
    ],
)
def test_make_sscc_rejects_bad_input(args: tuple, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        make_sscc(*args)


def test_validate_sscc() -> None:
    assert validate_sscc("306141411234567891") == "306141411234567891"
    with pytest.raises(ValueError, match="expected 1"):
        validate_sscc("306141411234567895")
    with pytest.raises(ValueError, match="18 digits"):
        validate_sscc("30614141123456789")
    assert not is_valid_sscc("30614141123456789X")


def test_format_hri_groups_digits() -> None:
    assert format_sscc_hri("306141411234567891") == "(00) 3 0614141 123456789 1"
    assert format_sscc_hri("306141411234567891", 9) == "(00) 3 061414112 3456789 1"
    with pytest.raises(ValueError):
        format_sscc_hri("306141411234567890")


def test_gsin_consignment_reference() -> None:
    from wms_tui.domain.identifiers.sscc import make_gsin

    gsin = make_gsin("7350053", 1042)
    assert gsin == "7350053000001042" + ean.calc_check_digit("7350053000001042")
    assert len(make_gsin("735005385012", 7)) == 17  # a 12-digit prefix leaves 4 digits
    with pytest.raises(ValueError, match="does not fit in 4 digits"):
        make_gsin("735005385012", 10_000)
    with pytest.raises(ValueError, match="ASCII digits"):
        make_gsin("73500X3", 1)
