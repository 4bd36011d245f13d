"""``wms sync`` fills the customs facts open orders leaving the EU need, from the fake shop.

The fake Admin API answers ``productVariants`` with each variant's ``price`` and its
inventory item's ``harmonizedSystemCode`` and ``countryCodeOfOrigin``, the shapes Shopify
documents; the CLI's ``wms import shop-customs`` asks for every incomplete product
(test_customs_pull.py), a sync pass only for those a packer would be refused at close.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlmodel import select
from typer.testing import CliRunner

from tests.fakes.shopify_admin import FakeShop, order_node
from tests.worlds import factories as f
from tests.worlds import intake as w
from wms_tui.adapters.shopify.admin_api import AdminApi
from wms_tui.domain.clock import utcnow
from wms_tui.domain.enums import OrderStatus
from wms_tui.domain.models import Order, Product
from wms_tui.services.shop import sync
from wms_tui.services.shop.customs_pull import ASK_AGAIN_AFTER
from wms_tui.store import Store

runner = CliRunner()


def ship_to(country: str, city: str, postcode: str) -> dict:
    return {
        "name": "김민준",
        "firstName": "민준",
        "lastName": "김",
        "company": None,
        "address1": "테헤란로 152",
        "address2": None,
        "city": city,
        "zip": postcode,
        "provinceCode": None,
        "countryCodeV2": country,
        "phone": "+82212345678",
    }


def customs_questions(shop: FakeShop) -> list[str]:
    """The SKU searches of every customs question the shop was asked, in order."""
    return [
        r["variables"]["query"]
        for r in shop.requests
        if "harmonizedSystemCode" in r.get("query", "")
    ]


def facts(store: Store, *skus: str) -> dict[str, tuple]:
    with store.read() as s:
        rows = s.exec(select(Product).where(Product.sku.in_(skus))).all()  # type: ignore[attr-defined]
        return {p.sku: (p.hs_code, p.origin_country, p.customs_value) for p in rows}


def test_a_pass_fills_what_orders_leaving_the_eu_need_and_only_that(
    empty_store: Store, api: AdminApi, fake_shop: FakeShop
) -> None:
    w.shop(empty_store)
    fake_shop.customs = {
        "MUG-FIKA": ("691200", "SE", "149.00"),
        "NOTE-HANJI-A5": (None, "KR", "89.00"),  # the shop has no HS code for it
        "SOCK-ARE-3639": ("611595", "PT", "99.00"),
    }
    fake_shop.add_order(
        order_node(
            2001,
            [("MUG-FIKA", 1), ("NOTE-HANJI-A5", 2)],
            shippingAddress=ship_to("KR", "Seoul", "06236"),
        )
    )
    fake_shop.add_order(
        order_node(2002, [("SOCK-ARE-3639", 1)], shippingAddress=ship_to("DE", "Berlin", "10115"))
    )
    supervisor = f.supervisor_actor(empty_store)
    report = sync.run_once(empty_store, api, supervisor, stock=False)
    assert report.errors == []
    assert report.customs is not None
    # Korea is outside the EU: its products are asked for; Germany's sock is not.
    assert customs_questions(fake_shop) == ['sku:"MUG-FIKA" OR sku:"NOTE-HANJI-A5"']
    assert report.customs.filled == {
        "MUG-FIKA": ("hs_code", "origin_country", "customs_value"),
        "NOTE-HANJI-A5": ("origin_country", "customs_value"),
    }
    assert report.customs.incomplete == ["NOTE-HANJI-A5"]
    assert facts(empty_store, "MUG-FIKA", "NOTE-HANJI-A5", "SOCK-ARE-3639") == {
        "MUG-FIKA": ("691200", "SE", Decimal("149.00")),
        "NOTE-HANJI-A5": ("", "KR", Decimal("89.00")),
        "SOCK-ARE-3639": ("", "", None),
    }

    # The next passes do not ask again for what the shop does not have ...
    again = sync.run_once(empty_store, api, supervisor, stock=False)
    assert again.customs is None and len(customs_questions(fake_shop)) == 1
    # ... until an hour has passed: the merchant may have added it in Shopify by then.
    fake_shop.customs["NOTE-HANJI-A5"] = ("482010", "KR", "89.00")
    later = utcnow() + ASK_AGAIN_AFTER + timedelta(minutes=1)
    last = sync.run_once(empty_store, api, supervisor, stock=False, now=later)
    assert customs_questions(fake_shop)[-1] == 'sku:"NOTE-HANJI-A5"'
    assert last.customs is not None and last.customs.filled == {"NOTE-HANJI-A5": ("hs_code",)}
    assert last.customs.incomplete == []


def test_packed_orders_and_complete_products_ask_nothing(
    empty_store: Store, api: AdminApi, fake_shop: FakeShop
) -> None:
    w.shop(empty_store)
    fake_shop.add_order(
        order_node(2003, [("MUG-FIKA", 1)], shippingAddress=ship_to("GB", "London", "SW1A 1AA"))
    )
    supervisor = f.supervisor_actor(empty_store)
    sync.run_once(empty_store, api, supervisor, stock=False, orders=True)
    assert len(customs_questions(fake_shop)) == 1  # asked once (the shop had nothing)
    with empty_store.unit_of_work() as uow:
        order = uow.session.exec(select(Order).where(Order.name == "#2003")).one()
        order.status = OrderStatus.PACKED  # a supervisor's customs.csv got it out
        uow.add(order)
        uow.commit()
    later = utcnow() + ASK_AGAIN_AFTER * 2
    report = sync.run_once(empty_store, api, supervisor, stock=False, now=later)
    assert report.customs is None and len(customs_questions(fake_shop)) == 1


def test_the_sync_command_says_what_it_filled_and_what_is_still_missing(
    empty_store: Store, fake_shop: FakeShop, monkeypatch
) -> None:
    from wms_tui.cli.main import app

    w.shop(empty_store)
    f.supervisor_actor(empty_store)
    fake_shop.customs = {"MUG-FIKA": ("691200", "SE", "149.00")}
    fake_shop.add_order(
        order_node(
            2004,
            [("MUG-FIKA", 1), ("NOTE-HANJI-A5", 1)],
            shippingAddress=ship_to("KR", "Seoul", "06236"),
        )
    )
    monkeypatch.setenv("WMS_SHOPIFY_SHOP", fake_shop.base_url)  # type: ignore[attr-defined]
    monkeypatch.setenv("WMS_SHOPIFY_TOKEN", fake_shop.token)
    monkeypatch.setenv("WMS_PIN", "9001")
    result = runner.invoke(app, ["sync", "--db", empty_store.url, "--badge", "S9001", "--no-stock"])
    assert result.exit_code == 0, result.output
    assert "customs data: 1 products filled" in result.output
    assert "no customs data in the shop for NOTE-HANJI-A5" in result.output
