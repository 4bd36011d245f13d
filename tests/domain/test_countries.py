"""One country check for the API, the shop's orders and setup files."""

from __future__ import annotations

import pytest

from wms_tui.domain.countries import COUNTRIES, country_problem, is_country
from wms_tui.domain.customs import EU, needs_declaration


@pytest.mark.parametrize("code", ["SE", "se", "GB", "US", "KR", "AX", "XK"])
def test_real_codes_pass(code: str):
    assert is_country(code) and country_problem(code) == ""


@pytest.mark.parametrize(
    "code", ["ZZ", "XX", "AA", "QQ", "UK", "EL", "S", "SWE", "", "ＳＥ", "S\x00"]
)
def test_made_up_codes_are_refused(code: str):
    assert not is_country(code)
    assert country_problem(code)


def test_the_nearest_iso_code_is_named():
    assert country_problem("uk") == "'uk' is not an ISO country code: use GB"
    assert country_problem("ZZ") == "'ZZ' is not an ISO 3166-1 country code like SE"


def test_the_list_is_the_standard_and_holds_the_eu():
    assert len(COUNTRIES) == 250  # 249 assigned + XK
    assert EU <= COUNTRIES


def test_customs_does_not_declare_to_a_made_up_country():
    assert needs_declaration("SE", "US")
    assert not needs_declaration("SE", "ZZ")
