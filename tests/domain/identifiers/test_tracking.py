"""Tracking number rules: published check-digit examples, round trips, config loading."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum import ean

from wms_tui.domain.identifiers.tracking import (
    EXAMPLE_RULES,
    TrackingRule,
    check_character,
    make_tracking_number,
    rules_from_config,
    sscc_at_home,
    validate_tracking_number,
)

UPS = TrackingRule(prefix="1Z999AA101", length=18, check="ups")
S10_GB = TrackingRule(prefix="RR", length=13, check="s10", suffix="GB")
S10_SE = TrackingRule(prefix="RR", length=13, check="s10", suffix="SE")
AWB = TrackingRule(prefix="", length=8, check="mod7")
GS1 = TrackingRule(prefix="00340434", length=18, check="mod10")
PLAIN = TrackingRule(prefix="LC", length=12, check="none")


def test_ups_published_example() -> None:
    # "1Z 999 AA1 01 2345 678 4" is the sample number in UPS's own documentation.
    assert make_tracking_number(UPS, 2345678) == "1Z999AA10123456784"
    assert validate_tracking_number(UPS, "1Z999AA10123456784")
    assert validate_tracking_number(UPS, "1z 999 aa1 01 2345 678 4")  # as printed, any case
    assert not validate_tracking_number(UPS, "1Z999AA10123456785")


@pytest.mark.parametrize(
    ("number", "valid"),
    [
        # Test numbers of the tracking-number data set many carrier libraries share
        # (github.com/jkeen/tracking_number_data, couriers/ups.json): letters in the
        # shipper number and the service code, and a check character that is wrong.
        ("1Z5R89390357567127", True),
        ("1Z879E930346834440", True),
        ("1Z410E7W0392751591", True),
        ("1Z8V92A70367203024", True),
        ("1Z1111111111111111", False),
    ],
)
def test_ups_check_character_on_published_test_numbers(number: str, valid: bool) -> None:
    assert (check_character("ups", number[:17]) == number[17]) is valid


def test_ups_letters_count_as_documented() -> None:
    # A=2 ... H=9, I=0, J=1 ...: letters map to (ord - 63) % 10
    assert check_character("ups", "1Z" + "A" * 15) == check_character("ups", "1Z" + "2" * 15)
    assert check_character("ups", "1Z" + "I" * 15) == check_character("ups", "1Z" + "0" * 15)


def test_s10_published_examples() -> None:
    # UPU S10 worked example: serial 47312482 -> check digit 9.
    assert make_tracking_number(S10_GB, 47312482) == "RR473124829GB"
    # 12345678: S = 204, 11 - 204 % 11 = 5
    assert make_tracking_number(S10_SE, 12345678) == "RR123456785SE"
    assert validate_tracking_number(S10_SE, "RR123456785SE")
    assert not validate_tracking_number(S10_SE, "RR123456784SE")
    assert not validate_tracking_number(S10_SE, "RR123456785GB")


@pytest.mark.parametrize(
    ("serial", "expected"),
    [
        ("00000000", "5"),  # S = 0 -> C = 11 -> 5
        ("00000001", "4"),  # S = 7 -> C = 4
        ("00000010", "2"),  # S = 9 -> C = 2
    ],
)
def test_s10_special_cases(serial: str, expected: str) -> None:
    assert check_character("s10", "RR" + serial) == expected


def test_s10_remainder_one_maps_to_zero() -> None:
    # S % 11 == 1 gives C = 10, which the standard maps to 0.
    serial = next(
        f"{n:08d}"
        for n in range(10**6)
        if sum(int(d) * w for d, w in zip(f"{n:08d}", (8, 6, 4, 2, 3, 5, 9, 7), strict=True)) % 11
        == 1
    )
    assert check_character("s10", "RR" + serial) == "0"


def test_mod7_published_air_waybill_examples() -> None:
    # IATA air waybill serials: 1234567 -> 5, 8114074 -> 3 (serial mod 7).
    assert make_tracking_number(AWB, 1234567) == "12345675"
    assert make_tracking_number(AWB, 8114074) == "81140743"
    assert validate_tracking_number(AWB, "81140743")
    assert not validate_tracking_number(AWB, "81140744")


def test_dhl_express_ten_digits() -> None:
    rule = EXAMPLE_RULES["dhl_express"]
    number = make_tracking_number(rule, 123456789)
    assert number == "1234567891"  # 123456789 % 7 == 1
    assert validate_tracking_number(rule, number)


def test_dhl_express_numbers_from_dhl() -> None:
    # Waybills as DHL Express prints them: the first nine digits mod 7 is the tenth.
    rule = EXAMPLE_RULES["dhl_express"]
    for number in ("3318810025", "8487135506", "1099255990", "3821724944", "3318810036"):
        assert validate_tracking_number(rule, number), number
    for number in ("3318810010", "3318810034", "3318810011"):
        assert not validate_tracking_number(rule, number), number


def test_cj_waybill_is_twelve_digits_mod_7() -> None:
    # CJ Logistics: 11-digit serial, check = serial mod 7 (not confirmed by CJ: docs/printing.md).
    rule = TrackingRule(prefix="", length=12, check="mod7")
    assert make_tracking_number(rule, 60500000002) == "605000000021"  # 60500000002 % 7 == 1
    assert validate_tracking_number(rule, "605000000021")
    assert not validate_tracking_number(rule, "605000000022")
    # Waybills a Korean tracking app registered with CJ in its own code (KHyun94/SOPO,
    # app/src/main/java/com/delivery/sopo/viewmodels/inquiry/InquiryViewModel.kt).
    for number in ("633505672612", "633603780622", "632830166566"):
        assert validate_tracking_number(rule, number), number


POSTNORD = EXAMPLE_RULES["postnord"]


def test_postnord_abroad_is_an_s10_parcel_number() -> None:
    # CA..CZ is UPU parcel post; RR, the old demo range, is a registered letter.
    assert POSTNORD.check == "sscc_s10" and POSTNORD.prefix.startswith("C")
    number = make_tracking_number(POSTNORD, 73500001)
    assert number == "CA735000019SE"  # 7·8+3·6+5·4+1·7 = 101, 11 - 101 % 11 = 9
    assert check_character("sscc_s10", number[:10]) == check_character("s10", number[:10])
    assert validate_tracking_number(POSTNORD, number)
    assert not validate_tracking_number(POSTNORD, "CA735000018SE")


def test_postnord_at_home_uses_the_parcels_sscc() -> None:
    assert sscc_at_home("sscc_s10", "SE", "se")
    assert not sscc_at_home("sscc_s10", "SE", "NO")
    assert not sscc_at_home("s10", "SE", "SE")  # a plain S10 range numbers every parcel


def test_mod10_agrees_with_stdnum() -> None:
    number = make_tracking_number(GS1, 1)
    assert number == "003404340000000017"
    assert ean.calc_check_digit(number[:-1]) == number[-1]


def test_none_rule_pads_the_sequence() -> None:
    assert make_tracking_number(PLAIN, 42) == "LC0000000042"
    assert validate_tracking_number(PLAIN, "LC0000000042")
    assert not validate_tracking_number(PLAIN, "LC00000000AB")


RULES = [UPS, S10_SE, AWB, GS1, PLAIN, *EXAMPLE_RULES.values()]


@pytest.mark.parametrize("rule", RULES, ids=lambda r: f"{r.check}-{r.prefix}")
@given(data=st.data())
def test_round_trip(rule: TrackingRule, data: st.DataObject) -> None:
    sequence = data.draw(st.integers(0, rule.capacity - 1))
    number = make_tracking_number(rule, sequence)
    assert len(number) == rule.length
    assert number.startswith(rule.prefix) and number.endswith(rule.suffix)
    assert validate_tracking_number(rule, number)


@pytest.mark.parametrize("rule", [GS1, EXAMPLE_RULES["gs1_parcel"]], ids=lambda r: r.prefix)
@given(data=st.data())
def test_single_digit_errors_are_caught(rule: TrackingRule, data: st.DataObject) -> None:
    # GS1 weights 3 and 1 are both invertible mod 10, so any single wrong digit changes the
    # check digit. (UPS doubling and S10's 10->0 / 11->5 folding do not have this property.)
    number = make_tracking_number(rule, data.draw(st.integers(0, rule.capacity - 1)))
    position = data.draw(st.integers(len(rule.prefix), len(rule.prefix) + rule.serial_digits - 1))
    replacement = data.draw(st.sampled_from([d for d in "0123456789" if d != number[position]]))
    broken = number[:position] + replacement + number[position + 1 :]
    assert not validate_tracking_number(rule, broken)


def test_sequence_out_of_range() -> None:
    with pytest.raises(ValueError, match="does not fit"):
        make_tracking_number(S10_SE, 10**8)
    with pytest.raises(ValueError, match="negative"):
        make_tracking_number(S10_SE, -1)
    with pytest.raises(ValueError, match="int"):
        make_tracking_number(S10_SE, "12")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"prefix": "", "length": 10, "check": "luhn"}, "unknown check scheme"),
        ({"prefix": "1Y999", "length": 18, "check": "ups"}, "start with '1Z'"),
        ({"prefix": "1Z999", "length": 17, "check": "ups"}, "exactly 18"),
        ({"prefix": "R", "length": 13, "check": "s10", "suffix": "SE"}, "2-letter service"),
        ({"prefix": "RR", "length": 13, "check": "s10", "suffix": "S"}, "country code"),
        # Letters are not enough: the suffix names a post ISO 3166-1 knows.
        ({"prefix": "RR", "length": 13, "check": "s10", "suffix": "ZZ"}, "ISO 3166-1"),
        ({"prefix": "RR", "length": 13, "check": "s10", "suffix": "XX"}, "ISO 3166-1"),
        ({"prefix": "CA", "length": 13, "check": "sscc_s10", "suffix": "UK"}, "ISO 3166-1"),
        ({"prefix": "RR", "length": 14, "check": "s10", "suffix": "SE"}, "13 characters"),
        ({"prefix": "JA", "length": 13, "check": "s10", "suffix": "SE"}, "reserved by the UPU"),
        ({"prefix": "RR", "length": 13, "check": "sscc_s10", "suffix": "SE"}, "CA-CZ"),
        ({"prefix": "AB", "length": 10, "check": "mod10"}, "numeric prefix"),
        ({"prefix": "12345", "length": 6, "check": "mod7"}, "no room"),
        ({"prefix": "ab", "length": 10, "check": "none"}, "uppercase"),
    ],
)
def test_invalid_rules(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        TrackingRule(**kwargs)


def test_rules_from_config() -> None:
    rules = rules_from_config(
        {
            "postnord": {"prefix": "RR", "length": 13, "check": "s10", "suffix": "SE"},
            "dhl": {"length": 10, "check": "mod7"},
        }
    )
    assert rules["postnord"] == S10_SE
    assert make_tracking_number(rules["dhl"], 123456789) == "1234567891"
    with pytest.raises(ValueError, match="missing 'check'"):
        rules_from_config({"x": {"length": 10}})
    with pytest.raises(ValueError, match="unknown keys"):
        rules_from_config({"x": {"length": 10, "check": "none", "colour": "red"}})
    with pytest.raises(ValueError, match="tracking rule 'x'"):
        rules_from_config({"x": {"length": 10, "check": "nope"}})


def test_validate_rejects_garbage() -> None:
    assert not validate_tracking_number(S10_SE, None)  # type: ignore[arg-type]
    assert not validate_tracking_number(S10_SE, "")
    assert not validate_tracking_number(S10_SE, "RR12345678５SE")  # full-width digit
    assert not validate_tracking_number(AWB, "1234567X")
