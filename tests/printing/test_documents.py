"""Document dataclasses: validation and derived totals."""

from __future__ import annotations

import dataclasses

import pytest

from tests.printing.helpers import label_data, manifest_data
from wms_tui.printing.documents import ParcelInfo, SlipLine, format_weight, format_weight_kg


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

    from wms_tui.printing.customs_data import CustomsItem

    with pytest.raises(ValueError, match="MUG: a declared quantity is at least 1, got 0"):
        CustomsItem(description="Mug", sku="MUG", qty=0, weight_g=0, value=Decimal(0),
                    hs_code="691200", origin_country="SE")  # fmt: skip
