"""Outgoing webhooks: registered by a key, queued from the floor's records, signed, retried."""

from __future__ import annotations

import json

import httpx
from sqlmodel import select

from tests.api.conftest import Api, order
from tests.api.webhook_receiver import TEST_RECEIVER, Receiver, to_packed
from wms_tui.adapters.shopify.webhooks import wms_signature
from wms_tui.domain.clock import utcnow
from wms_tui.domain.integration_models import ShopOutbox
from wms_tui.services.integrations import webhooks_out


def test_packed_is_posted_signed_once(api_world: Api):
    c = api_world.client
    r = c.post(
        "/webhooks",
        json={"url": "https://erp.example/hooks", "events": ["order.packed"]},
        headers=api_world.both,
    )
    assert r.status_code == 201
    secret = r.json()["secret"]
    assert secret.startswith("whsec_")
    assert c.get("/webhooks", headers=api_world.both).json()[0]["secret"] == ""
    c.post("/orders", json=order("#W-1"), headers=api_world.both)
    to_packed(api_world, "#W-1")
    assert webhooks_out.queue_new(api_world.store) == 1
    assert webhooks_out.queue_new(api_world.store) == 0  # scanning again never doubles
    receiver = Receiver()
    with httpx.Client(transport=httpx.MockTransport(receiver)) as client:
        report = webhooks_out.deliver_due(
            api_world.store, client, clock=lambda: 1765078800, **TEST_RECEIVER
        )
    assert report.delivered == 1
    [sent] = receiver.got
    assert str(sent.url) == "https://erp.example/hooks"
    assert sent.headers["X-Wms-Event"] == "order.packed"
    assert sent.headers["X-Wms-Signature"] == wms_signature(secret, "1765078800", sent.content)
    assert json.loads(sent.content)["order"] == "#W-1"


def test_a_failing_receiver_is_retried_later(api_world: Api):
    c = api_world.client
    c.post("/webhooks", json={"url": "https://erp.example/h"}, headers=api_world.both)
    c.post("/orders", json=order("#W-2"), headers=api_world.both)
    to_packed(api_world, "#W-2")
    webhooks_out.queue_new(api_world.store)
    receiver = Receiver()
    receiver.status = 503
    with httpx.Client(transport=httpx.MockTransport(receiver)) as client:
        assert webhooks_out.deliver_due(api_world.store, client, **TEST_RECEIVER).retrying == 1
        assert (
            webhooks_out.deliver_due(api_world.store, client, **TEST_RECEIVER).retrying == 0
        )  # not due yet
        receiver.status = 204
        later = utcnow() + webhooks_out.timedelta(minutes=2)
        assert (
            webhooks_out.deliver_due(api_world.store, client, now=later, **TEST_RECEIVER).delivered
            == 1
        )
    with api_world.store.read() as s:
        row = s.exec(select(ShopOutbox).where(ShopOutbox.kind == "webhook")).one()
        assert row.attempts == 2 and row.done_at is not None


def test_bad_registrations(api_world: Api):
    c = api_world.client
    for body in (
        {"url": "ftp://x"},
        {"url": "https://" + "x" * 600},
        {"url": "https://x.example", "events": ["order.exploded"]},
    ):
        assert c.post("/webhooks", json=body, headers=api_world.both).status_code == 422
    assert (
        c.post("/webhooks", json={"url": "https://x.example"}, headers=api_world.read).status_code
        == 403
    )
    assert c.delete("/webhooks/999", headers=api_world.both).status_code == 404
