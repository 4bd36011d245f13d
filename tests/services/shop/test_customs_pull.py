"""Customs facts from the shop's Admin API fill what products lack, by customs.csv's rules."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlmodel import select

from tests.fakes.shopify_admin import FakeShop, Fault
from tests.worlds import factories as f
from tests.worlds.dbstate import snapshot
from wms_tui.adapters.shopify.admin_api import AdminApi, ShopError
from wms_tui.domain.actor import Actor
from wms_tui.domain.errors import PermissionDenied
from wms_tui.domain.models import Product
from wms_tui.services.shop.customs_pull import pull_customs
from wms_tui.store import Store


def people(store: Store) -> tuple[Actor, Actor]:
    with store.unit_of_work() as uow:
        boss = f.operator(uow, "Karin Holmgren", "supervisor", badge="S9001")
        packer = f.operator(uow, "Johan Öberg", "packer", badge="P2001")
        for sku in ("MUG-BLU", "TEE-M", "SOCK-X", "CAP-1"):
            f.product(uow, sku)
        set_by_hand = uow.session.exec(select(Product).where(Product.sku == "CAP-1")).one()
        set_by_hand.hs_code, set_by_hand.origin_country = "650500", "IT"
        set_by_hand.customs_value = Decimal("120.00")
        uow.add(set_by_hand)
        uow.commit()
    return boss, packer


def customs(store: Store) -> dict[str, tuple]:
    with store.read() as s:
        return {
            p.sku: (p.hs_code, p.origin_country, p.customs_value)
            for p in s.exec(select(Product).order_by(Product.sku))
        }


def test_the_shop_fills_what_products_lack_and_its_bad_values_are_named(
    empty_store: Store, api: AdminApi, fake_shop: FakeShop
) -> None:
    boss, _ = people(empty_store)
    fake_shop.customs = {
        "MUG-BLU": ("691200", "SE", "149.00"),
        "TEE-M": ("6109", "PT", "299.00"),  # a 4-digit heading: not an HS code
        "SOCK-X": (None, None, "0.00"),  # nothing kept in the shop, a free sample
        "CAP-1": ("999999", "CN", "1.00"),  # the supervisor's master data stays
    }
    report = pull_customs(empty_store, boss, api)
    assert report.asked == 3  # CAP-1 was complete: not even asked for
    assert report.filled == {
        "MUG-BLU": ("hs_code", "origin_country", "customs_value"),
        "TEE-M": ("origin_country", "customs_value"),
    }
    assert report.refused == [
        "SOCK-X: the shop's value: 0.00 must be more than 0",
        "TEE-M: the shop's HS code: '6109' is not an HS code (6 to 10 digits, like 610910)",
    ]
    assert report.incomplete == ["SOCK-X", "TEE-M"]
    assert customs(empty_store) == {
        "CAP-1": ("650500", "IT", Decimal("120.00")),
        "MUG-BLU": ("691200", "SE", Decimal("149.00")),
        "SOCK-X": ("", "", None),
        "TEE-M": ("", "PT", Decimal("299.00")),
    }
    again = pull_customs(empty_store, boss, api)
    assert again.filled == {} and again.asked == 2


def test_only_a_supervisor_changes_customs_data(
    empty_store: Store, api: AdminApi, fake_shop: FakeShop
) -> None:
    _, packer = people(empty_store)
    fake_shop.customs = {"MUG-BLU": ("691200", "SE", "149.00")}
    before = snapshot(empty_store)
    with pytest.raises(PermissionDenied):
        pull_customs(empty_store, packer, api)
    assert snapshot(empty_store) == before
    assert fake_shop.requests == []  # refused before asking the shop


def test_a_shop_that_refuses_changes_nothing(
    empty_store: Store, api: AdminApi, fake_shop: FakeShop
) -> None:
    boss, _ = people(empty_store)
    fake_shop.fail_next(Fault(status=403, body=b'{"errors":"Forbidden: scope read_products"}'))
    before = snapshot(empty_store)
    with pytest.raises(ShopError, match="read_products"):
        pull_customs(empty_store, boss, api)
    assert snapshot(empty_store) == before
