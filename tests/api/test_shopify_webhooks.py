"""The shop's webhooks: signature over the raw body first, then the same import rules."""

from __future__ import annotations

import json

from tests.api.conftest import SECRET, Api
from tests.fakes.shopify_admin import webhook_body
from tests.worlds import intake as w
from tests.worlds.dbstate import snapshot
from wms_tui.adapters.shopify.webhooks import shopify_signature, verify


def post(api: Api, body: bytes, signature: str | None, topic: str = "orders/create"):
    headers = {"X-Shopify-Topic": topic, "Content-Type": "application/json"}
    if signature is not None:
        headers["X-Shopify-Hmac-Sha256"] = signature
    return api.client.post("/shopify/webhooks", content=body, headers=headers)


def test_signature_is_checked_over_the_raw_bytes():
    body = b'{"id": 1}'
    good = shopify_signature("s3cret", body)
    assert verify("s3cret", body, good)
    assert not verify("s3cret", body + b" ", good)
    assert not verify("s3cret", body, None)
    assert not verify("", body, shopify_signature("", body))  # no secret: nothing verifies
    assert not verify("s3cret", body, "not base64 at all")


def test_a_signed_webhook_creates_the_order_and_a_replay_changes_nothing(api_world: Api):
    body = json.dumps(
        webhook_body(
            line_items=[{"id": 5, "sku": "MUG-FIKA", "name": "Mug", "quantity": 2, "price": "9.00"}]
        )
    ).encode()
    r = post(api_world, body, shopify_signature(SECRET, body))
    assert r.status_code == 200 and r.json()["message"] == "#1001: created"
    assert w.lines_of(api_world.store, "#1001") == {"MUG-FIKA": 2}
    before = snapshot(api_world.store)
    r = post(api_world, body, shopify_signature(SECRET, body))
    assert r.json()["message"] == "#1001: unchanged"
    after = snapshot(api_world.store)
    after.pop("shop_order_link"), before.pop("shop_order_link")
    assert after == before


def test_a_cancel_webhook_cancels(api_world: Api):
    items = [{"id": 5, "sku": "MUG-FIKA", "name": "Mug", "quantity": 1, "price": "9.00"}]
    body = json.dumps(webhook_body(line_items=items)).encode()
    post(api_world, body, shopify_signature(SECRET, body))
    cancel = json.dumps(
        webhook_body(
            line_items=items,
            cancelled_at="2026-12-01T11:00:00-05:00",
            updated_at="2026-12-01T11:00:00-05:00",
        )
    ).encode()
    r = post(api_world, cancel, shopify_signature(SECRET, cancel), topic="orders/cancelled")
    assert r.json()["message"] == "#1001: cancelled"


def test_wrong_or_missing_signatures_change_nothing(api_world: Api, caplog):
    body = json.dumps(webhook_body()).encode()
    before = snapshot(api_world.store)
    assert post(api_world, body, None).status_code == 401
    assert post(api_world, body, shopify_signature("other-secret", body)).status_code == 401
    assert post(api_world, body, "").status_code == 401
    tampered = body.replace(b"#1001", b"#6666")
    assert post(api_world, tampered, shopify_signature(SECRET, body)).status_code == 401
    assert snapshot(api_world.store) == before
    assert "refused a webhook" in caplog.text


def test_signed_garbage_is_refused_cleanly(api_world: Api):
    for body in (
        b"not json",
        b"[]",
        b'{"name": "#1"}',
        json.dumps({"name": "../" * 4000}).encode(),
    ):
        r = post(api_world, body, shopify_signature(SECRET, body))
        assert r.status_code in (200, 422), r.text
        assert r.status_code == 422 or "refused" in r.json()["message"]
    assert w.orders_by_name(api_world.store) == {}


def test_an_unknown_sku_by_webhook_is_held(api_world: Api):
    items = [{"id": 5, "sku": "NEW-LAMP", "name": "Lamp", "quantity": 1, "price": "9.00"}]
    body = json.dumps(webhook_body(line_items=items)).encode()
    r = post(api_world, body, shopify_signature(SECRET, body))
    assert r.json()["message"] == "#1001: created, held"
    assert w.orders_by_name(api_world.store)["#1001"].hold_reason == "unknown SKU NEW-LAMP"


def test_a_secret_file_others_can_read_is_a_503_not_a_crash(api_world: Api, tmp_path, monkeypatch):
    from wms_tui.adapters.shopify.credentials import webhook_secret

    loose = tmp_path / "secret"
    loose.write_text(SECRET)
    loose.chmod(0o644)
    monkeypatch.setenv("WMS_SHOPIFY_WEBHOOK_SECRET_FILE", str(loose))
    monkeypatch.delenv("WMS_SHOPIFY_WEBHOOK_SECRET", raising=False)
    api_world.client.app.state.webhook_secret = webhook_secret
    body = json.dumps(webhook_body()).encode()
    r = post(api_world, body, shopify_signature(SECRET, body))
    assert r.status_code == 503
    assert w.orders_by_name(api_world.store) == {}
    loose.chmod(0o600)
    assert post(api_world, body, shopify_signature(SECRET, body)).status_code == 200


def test_a_nul_in_the_shops_order_is_refused_as_the_orders_problem(api_world: Api):
    """It answered 409 from the store's guard: the shop retries a non-2xx for days."""
    before = snapshot(api_world.store)
    for extra in ({"email": "a\x00b@example.com"}, {"name": "#10\x0001"}):
        body = json.dumps(webhook_body(**extra)).encode()
        r = post(api_world, body, shopify_signature(SECRET, body))
        assert r.status_code == 200 and r.json()["message"].endswith(": refused"), r.text
    after = snapshot(api_world.store)
    after.pop("api_key"), before.pop("api_key")
    # No order: only the exception a supervisor sees, as for any order the shop
    # sends that cannot be read.
    assert [k for k in after if after[k] != before[k]] == ["wms_exception"]
