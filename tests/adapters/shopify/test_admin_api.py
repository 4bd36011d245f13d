"""The real Admin API client against the fake shop over HTTP: throttling, retries, refusals."""

from __future__ import annotations

import httpx
import pytest

from tests.fakes.shopify_admin import FakeShop, Fault, order_node
from wms_tui.adapters.shopify.admin_api import API_VERSION, AdminApi, ShopConfig, ShopError


def test_every_request_names_the_pinned_version_and_the_token(api: AdminApi, fake_shop: FakeShop):
    fake_shop.add_order(order_node(1001, [("MUG-FIKA", 1)]))
    nodes, end, more = api.orders_page("", None)
    assert [n["name"] for n in nodes] == ["#1001"]
    assert fake_shop.versions == {API_VERSION}
    assert not more and end


def test_pages_follow_the_cursor(api: AdminApi, fake_shop: FakeShop, monkeypatch):
    monkeypatch.setattr("wms_tui.adapters.shopify.admin_api.ORDER_PAGE", 2)
    for n in range(5):
        fake_shop.add_order(
            order_node(1001 + n, [("MUG-FIKA", 1)], updated=f"2026-12-01T10:0{n}:00Z")
        )
    seen, cursor = [], None
    while True:
        nodes, cursor, more = api.orders_page("", cursor)
        seen += [n["name"] for n in nodes]
        if not more:
            break
    assert seen == ["#1001", "#1002", "#1003", "#1004", "#1005"]


@pytest.mark.parametrize(
    "fault",
    [
        Fault(status=503, body=b"upstream down"),
        Fault(status=502, body=b"<html>bad gateway</html>"),
        Fault(status=200, body=b"<html>not json</html>"),
        Fault(status=200, body=b'{"data": null}'),
        Fault(status=429, headers={"Retry-After": "2.0"}),
        Fault(throttled=True),
    ],
    ids=["503", "502-html", "garbage", "no-data", "429", "throttled"],
)
def test_transient_answers_are_tried_again(api: AdminApi, fake_shop: FakeShop, sleeps, fault):
    fake_shop.fail_next(fault)
    assert api.location() == fake_shop.location
    assert api.calls == 2
    assert sleeps and all(0 <= s <= 30 for s in sleeps)
    if fault.status == 429:
        assert sleeps == [2.0]


def test_giving_up_after_the_attempts_is_a_retryable_error(api: AdminApi, fake_shop: FakeShop):
    fake_shop.fail_next(*[Fault(status=500)] * 5)
    with pytest.raises(ShopError) as err:
        api.location()
    assert err.value.retryable
    assert "gave up after 5 tries" in str(err.value)


def test_a_4xx_is_reported_at_once_with_the_shops_message(fake_shop: FakeShop, sleeps):
    config = ShopConfig(shop=fake_shop.base_url, token="wrong-token-secret")
    with AdminApi(config, sleep=sleeps.append) as client, pytest.raises(ShopError) as err:
        client.location()
    assert not err.value.retryable and err.value.status == 401
    assert "Invalid API key" in str(err.value)
    assert "wrong-token-secret" not in str(err.value)
    assert "wrong-token-secret" not in repr(config)
    assert sleeps == []


def test_graphql_errors_are_not_retried(api: AdminApi, fake_shop: FakeShop):
    with pytest.raises(ShopError, match="doesn't exist") as err:
        api.query("query { nothingLikeThis }")
    assert not err.value.retryable and api.calls == 1


def test_a_low_bucket_waits_before_the_next_call(api: AdminApi, fake_shop: FakeShop, sleeps):
    fake_shop.available = 40.0
    api.location()
    assert sleeps == []
    api.location()
    assert sleeps == [pytest.approx((100 - 40) / 100)]


def test_timeouts_are_retried(fake_shop: FakeShop, sleeps):
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        if len(calls) == 1:
            raise httpx.ReadTimeout("slow", request=request)
        return httpx.Response(
            200, json={"data": {"locations": {"nodes": [{"id": "gid://shopify/Location/9"}]}}}
        )

    client = httpx.Client(transport=httpx.MockTransport(handler))
    api = AdminApi(
        ShopConfig(shop="x.myshopify.com", token="t"), client=client, sleep=sleeps.append
    )
    assert api.location() == "gid://shopify/Location/9"
    assert len(calls) == 2 and calls[0].url.host == "x.myshopify.com"
    assert str(calls[0].url).endswith(f"/admin/api/{API_VERSION}/graphql.json")
