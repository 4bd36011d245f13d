"""Document dataclasses: validation, address formatting and derived totals."""

from __future__ import annotations

import dataclasses

import pytest

from tests.printing.helpers import KOREAN, SWEDISH, WAREHOUSE, label_data, manifest_data
from wms_tui.printing.documents import (
    Address,
    ParcelInfo,
    SlipLine,
    format_weight,
    format_weight_kg,
)


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


def test_frozen_and_hashable() -> None:
    data = label_data()
    with pytest.raises(dataclasses.FrozenInstanceError):
        data.weight_g = 1  # type: ignore[misc]
    parcel = ParcelInfo(carrier_name="X", service_name="Y", tracking_numbers=["A", "B"])
    assert parcel.tracking_numbers == ("A", "B")
    hash(parcel)


def test_slip_line_short_quantity() -> None:
    assert SlipLine(sku="A", name="a", qty_ordered=3, qty_packed=1).qty_short == 2
    assert SlipLine(sku="A", name="a", qty_ordered=1, qty_packed=2).qty_short == 0
    with pytest.raises(ValueError):
        SlipLine(sku="A", name="a", qty_ordered=-1, qty_packed=0)


def test_manifest_totals_are_derived() -> None:
    data = manifest_data(parcel_count=5)
    assert data.parcel_count == 5
    assert data.services == ("MyPack Collect", "MyPack Home", "Parcel")
    assert [count for _, count, _ in data.totals_by_service()] == [2, 2, 1]
    assert sum(weight for *_, weight in data.totals_by_service()) == data.total_weight_g


def test_weights() -> None:
    assert format_weight(80) == "80 g"
    assert format_weight(1250) == "1.25 kg"
    assert format_weight(2000) == "2 kg"
    assert format_weight_kg(1670) == "1.670 kg"


def test_a_customs_line_declares_at_least_one_unit() -> None:
    from decimal import Decimal

    from wms_tui.printing.documents import CustomsItem

    with pytest.raises(ValueError, match="MUG: a declared quantity is at least 1, got 0"):
        CustomsItem(description="Mug", sku="MUG", qty=0, weight_g=0, value=Decimal(0),
                    hs_code="691200", origin_country="SE")  # fmt: skip
