"""GraphQL nodes and webhook payloads become the CSV path's OrderRecord, or every reason why not."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.fakes.shopify_admin import order_node, webhook_body
from wms_tui.adapters.shopify.order_shapes import ShapeError, from_graphql, from_webhook


def test_a_graphql_node_reads_like_a_csv_order():
    shop = from_graphql(order_node(1001, [("MUG-FIKA", 2), ("HOOD-NAVY-S", 1)]))
    rec = shop.record
    assert rec.name == "#1001" and rec.financial_status == "paid"
    assert rec.ship_to.name == "Åsa Öberg" and rec.ship_to.country == "SE"
    assert [(ln.sku, ln.quantity, ln.price) for ln in rec.lines] == [
        ("MUG-FIKA", 2, Decimal("19.90")),
        ("HOOD-NAVY-S", 1, Decimal("19.90")),
    ]
    assert rec.gift_message == "Grattis!" and rec.tags == ["vip"]
    assert rec.shipping_method == "PostNord MyPack Collect"
    assert shop.shop_order_id == "gid://shopify/Order/1001"
    assert shop.line_items == {
        "MUG-FIKA": "gid://shopify/LineItem/10010",
        "HOOD-NAVY-S": "gid://shopify/LineItem/10011",
    }


def test_a_webhook_body_reads_the_same_way():
    shop = from_webhook(webhook_body())
    rec = shop.record
    assert shop.shop_order_id == "gid://shopify/Order/820982911946154508"
    assert rec.ship_to.name == "김지훈" and rec.ship_to.country == "KR"
    # current_quantity: what is left after the shop's order edits.
    assert [(ln.sku, ln.quantity) for ln in rec.lines if ln.requires_shipping] == [("MUG-FIKA", 2)]
    assert rec.gift_message == "Happy birthday"
    assert rec.tags == ["vip", "gift-wrap"]
    assert shop.line_items["MUG-FIKA"] == "gid://shopify/LineItem/866550311766439020"


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"name": ""}, "missing order name"),
        ({"name": "../" * 40}, "longer than 64"),
        ({"name": "x" * 10_000}, "longer than 64"),
        ({"created_at": "yesterday"}, "not an ISO date-time"),
        (
            {
                "shipping_address": {
                    "name": "A",
                    "address1": "B",
                    "city": "C",
                    "country_code": "Sweden",
                }
            },
            "'Sweden' is not an ISO 3166-1 country code",
        ),
        (
            {"shipping_address": {"name": "A", "address1": "B", "city": "C", "country_code": "ZZ"}},
            "'ZZ' is not an ISO 3166-1 country code",
        ),
        ({"email": "a\x00b@example.com"}, "email holds a NUL character"),
        ({"line_items": [{"id": 1, "sku": "A\x00", "quantity": 1}]}, "lines 1 sku holds a NUL"),
        (
            {
                "shipping_address": {
                    "name": "Anna\u202eknaB",
                    "address1": "B",
                    "city": "C",
                    "country_code": "SE",
                }
            },
            "address name holds the invisible character U+202E (RIGHT-TO-LEFT OVERRIDE)",
        ),
        ({"note": "at \u2067the door"}, "note holds the invisible character U+2067"),
        ({"shipping_address": None}, "missing ship-to name"),
        (
            {"line_items": [{"id": 1, "sku": "A", "quantity": "2", "price": "1"}]},
            "not a whole number",
        ),
        (
            {"line_items": [{"id": 1, "sku": "A", "quantity": 10**7, "price": "1"}]},
            "implausibly large",
        ),
        ({"line_items": [{"id": 1, "sku": "A", "quantity": -1, "price": "1"}]}, "at least 1"),
        (
            {"line_items": [{"id": 1, "sku": "A", "quantity": 1, "price": "NaN"}]},
            "not a valid amount",
        ),
        ({"line_items": [{"id": 1, "sku": "", "quantity": 1, "price": "1"}]}, "missing SKU"),
        (
            {"line_items": [{"id": 1, "sku": "A", "quantity": 1, "price": "1"}] * 2},
            "duplicate line for SKU A",
        ),
    ],
)
def test_bad_orders_are_refused_with_the_reason(change, reason):
    with pytest.raises(ShapeError) as err:
        from_webhook(webhook_body(**change))
    assert reason in str(err.value)
    assert "\n" not in str(err.value)


def test_garbage_is_refused():
    for payload in (None, [], "order", 42):
        with pytest.raises(ShapeError):
            from_webhook(payload)
        with pytest.raises(ShapeError):
            from_graphql(payload)
