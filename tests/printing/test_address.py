"""A postal address: lines in the order its country writes them; its country code checked."""

from __future__ import annotations

import pytest

from tests.printing.helpers import KOREAN, SWEDISH, WAREHOUSE
from wms_tui.printing.address import Address


def test_address_lines_follow_the_destination_country() -> None:
    assert SWEDISH.lines() == [
        "Åsa Öberg",
        "Storgatan 5",
        "Lägenhet Ä 1102",
        "114 55 Stockholm",
        "SWEDEN",
    ]
    assert KOREAN.locality_lines() == ["06236 서울특별시 강남구"]
    us = Address(
        name="A",
        line1="1 Main St",
        city="Springfield",
        region="IL",
        postcode="62701",
        country_code="us",
    )
    assert us.country_code == "US"
    assert us.locality_lines() == ["Springfield IL 62701"]
    gb = Address(
        name="B", line1="10 Downing St", city="London", postcode="SW1A 2AA", country_code="GB"
    )
    assert gb.locality_lines() == ["London", "SW1A 2AA"]
    assert WAREHOUSE.lines(include_name=False, include_country=False)[0] == "Nordic Goods AB"


def test_country_code_is_validated() -> None:
    with pytest.raises(ValueError, match="alpha-2"):
        Address(name="x", line1="y", city="z", postcode="1", country_code="SWE")
