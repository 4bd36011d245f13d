"""Webhooks go to public https addresses only: checked at registration and at delivery."""

from __future__ import annotations

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from tests.api.conftest import Api, order
from tests.api.webhook_receiver import Receiver, to_packed
from tests.worlds.dbstate import snapshot
from wms_tui.api.app import create_app
from wms_tui.domain.errors import BadInput
from wms_tui.domain.models.integration import ShopOutbox
from wms_tui.services.integrations import webhook_delivery, webhooks_out
from wms_tui.services.integrations.webhook_targets import check_url, pin

INSIDE = [
    "http://localhost/hook",
    "https://localhost/hook",
    "https://shop.localhost/hook",
    "https://127.0.0.1/hook",
    "https://127.8.9.10:8443/hook",
    "https://[::1]/hook",
    "https://10.1.2.3/hook",
    "https://172.16.0.1/hook",
    "https://172.31.255.254/hook",
    "https://192.168.1.1/hook",
    "https://169.254.169.254/latest/meta-data",
    "https://[fe80::1]/hook",
    "https://[fd00::1]/hook",
    "https://[::ffff:127.0.0.1]/hook",
    "https://0.0.0.0/hook",
    "https://100.64.0.1/hook",
    "https://2130706433/hook",  # 127.0.0.1 written as one number
    "https://0x7f.1/hook",
    "https://127.1/hook",
]


def public(_host: str, _port: int) -> list[str]:
    return ["93.184.215.14"]


def private(_host: str, _port: int) -> list[str]:
    return ["93.184.215.14", "10.0.0.5"]


@pytest.mark.parametrize("url", INSIDE)
def test_the_server_and_its_network_are_refused(url: str):
    with pytest.raises(BadInput, match=r"^url: "):
        check_url(url, allow_private=False, resolver=lambda h, p: [])


def test_only_https_and_a_name_resolving_inside_is_refused():
    with pytest.raises(BadInput, match="must be https"):
        check_url("http://erp.example/h", allow_private=False, resolver=public)
    with pytest.raises(BadInput, match=r"erp.example is a private or local address \(10.0.0.5\)"):
        check_url("https://erp.example/h", allow_private=False, resolver=private)
    assert check_url(" https://erp.example/h ", allow_private=False, resolver=public) == (
        "https://erp.example/h"
    )


def test_the_setting_lets_a_local_test_receiver_in():
    assert check_url("http://127.0.0.1:9000/h", allow_private=True) == "http://127.0.0.1:9000/h"
    with pytest.raises(BadInput):
        check_url("ftp://127.0.0.1/h", allow_private=True)


def test_registration_answers_422_naming_the_url_and_stores_nothing(api_world: Api):
    c = api_world.client
    before = snapshot(api_world.store)
    for url in INSIDE:
        r = c.post("/webhooks", json={"url": url}, headers=api_world.both)
        assert r.status_code == 422, (url, r.text)
        assert r.json()["error"].startswith("url: "), r.text
    after = snapshot(api_world.store)
    after.pop("api_key"), before.pop("api_key")
    assert after == before
    local = create_app(api_world.store, allow_private_webhooks=True)
    with TestClient(local, raise_server_exceptions=False) as client:
        r = client.post("/webhooks", json={"url": "http://127.0.0.1:9/h"}, headers=api_world.both)
        assert r.status_code == 201


def outbox_row(api: Api, order_name: str) -> ShopOutbox:
    with api.store.read() as s:
        row = s.exec(
            select(ShopOutbox).where(
                ShopOutbox.kind == "webhook", ShopOutbox.order_name == order_name
            )
        ).one()
        s.expunge(row)
        return row


def test_delivery_checks_the_name_again_and_connects_to_the_address_it_checked(api_world: Api):
    c = api_world.client
    hook = c.post("/webhooks", json={"url": "https://erp.example/hooks"}, headers=api_world.both)
    c.post("/orders", json=order("#T-1"), headers=api_world.both)
    c.post("/orders", json=order("#T-2"), headers=api_world.both)
    to_packed(api_world, "#T-1")
    webhooks_out.queue_new(api_world.store)
    receiver = Receiver()
    with httpx.Client(transport=httpx.MockTransport(receiver)) as client:
        report = webhook_delivery.deliver_due(api_world.store, client, resolver=public)
        assert report.delivered == 1
        [sent] = receiver.got
        assert str(sent.url) == "https://93.184.215.14/hooks"
        assert sent.headers["Host"] == "erp.example"
        assert sent.extensions["sni_hostname"] == "erp.example"
        # Since then the name was pointed inside the network: refused by our own policy,
        # which every later try would be too, so given up at once (it was retried 12
        # times over a day), and said in the log the developer reads.
        to_packed(api_world, "#T-2")
        webhooks_out.queue_new(api_world.store)
        report = webhook_delivery.deliver_due(api_world.store, client, resolver=private)
        assert (report.failed, report.retrying, len(receiver.got)) == (1, 0, 1)
    row = outbox_row(api_world, "#T-2")
    assert (row.failed, row.attempts) == (True, 1)
    why = "refused, not sent: erp.example is a private or local address (10.0.0.5)"
    assert row.last_error == why
    log = c.get(f"/webhooks/{hook.json()['id']}/deliveries", headers=api_world.both).json()
    assert [(d["order"], d["state"], d["last_error"]) for d in log] == [
        ("#T-2", "failed", why),
        ("#T-1", "delivered", ""),
    ]


def test_a_stale_http_webhook_fails_at_once_with_why(api_world: Api):
    """Registered while the server took a test receiver, delivered after it stopped."""
    local = create_app(api_world.store, allow_private_webhooks=True)
    with TestClient(local, raise_server_exceptions=False) as client:
        r = client.post("/webhooks", json={"url": "http://127.0.0.1:9/h"}, headers=api_world.both)
        assert r.status_code == 201
    c = api_world.client
    c.post("/orders", json=order("#T-3"), headers=api_world.both)
    to_packed(api_world, "#T-3")
    webhooks_out.queue_new(api_world.store)
    receiver = Receiver()
    with httpx.Client(transport=httpx.MockTransport(receiver)) as client:
        assert webhook_delivery.deliver_due(api_world.store, client, resolver=public).failed == 1
    assert receiver.got == []
    row = outbox_row(api_world, "#T-3")
    assert (row.failed, row.attempts) == (True, 1)
    assert row.last_error.startswith("refused, not sent: must be https")
    [d] = c.get(f"/webhooks/{r.json()['id']}/deliveries", headers=api_world.both).json()
    assert d["state"] == "failed" and d["next_try_at"] is None


def test_a_name_that_does_not_resolve_yet_is_tried_again(api_world: Api):
    c = api_world.client
    c.post("/webhooks", json={"url": "https://new.erp.example/h"}, headers=api_world.both)
    c.post("/orders", json=order("#T-4"), headers=api_world.both)
    to_packed(api_world, "#T-4")
    webhooks_out.queue_new(api_world.store)
    with httpx.Client(transport=httpx.MockTransport(Receiver())) as client:
        report = webhook_delivery.deliver_due(api_world.store, client, resolver=lambda h, p: [])
    assert report.retrying == 1
    row = outbox_row(api_world, "#T-4")
    assert not row.failed and row.last_error == "cannot reach it: new.erp.example does not resolve"


def test_pinning_keeps_the_port_and_brackets_an_ipv6_address():
    pinned = pin("https://erp.example:8443/h?x=1", resolver=lambda h, p: ["2606:2800:220:1::1"])
    assert pinned.url == "https://[2606:2800:220:1::1]:8443/h?x=1"
    assert (pinned.host, pinned.sni) == ("erp.example:8443", "erp.example")
    with pytest.raises(BadInput, match="does not resolve"):
        pin("https://erp.example/h", resolver=lambda h, p: [])
