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
from wms_tui.domain.integration_models import ShopOutbox
from wms_tui.services.integrations import webhooks_out
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


def test_delivery_checks_the_name_again_and_connects_to_the_address_it_checked(api_world: Api):
    c = api_world.client
    c.post("/webhooks", json={"url": "https://erp.example/hooks"}, headers=api_world.both)
    c.post("/orders", json=order("#T-1"), headers=api_world.both)
    to_packed(api_world, "#T-1")
    webhooks_out.queue_new(api_world.store)
    receiver = Receiver()
    with httpx.Client(transport=httpx.MockTransport(receiver)) as client:
        # Since registration the name was pointed inside the network.
        assert webhooks_out.deliver_due(api_world.store, client, resolver=private).retrying == 1
        assert receiver.got == []
        with api_world.store.read() as s:
            row = s.exec(select(ShopOutbox).where(ShopOutbox.kind == "webhook")).one()
            error, later = row.last_error, row.next_try_at
        assert error == "refused: erp.example is a private or local address (10.0.0.5)"
        report = webhooks_out.deliver_due(api_world.store, client, now=later, resolver=public)
    assert report.delivered == 1
    [sent] = receiver.got
    assert str(sent.url) == "https://93.184.215.14/hooks"
    assert sent.headers["Host"] == "erp.example"
    assert sent.extensions["sni_hostname"] == "erp.example"


def test_pinning_keeps_the_port_and_brackets_an_ipv6_address():
    pinned = pin("https://erp.example:8443/h?x=1", resolver=lambda h, p: ["2606:2800:220:1::1"])
    assert pinned.url == "https://[2606:2800:220:1::1]:8443/h?x=1"
    assert (pinned.host, pinned.sni) == ("erp.example:8443", "erp.example")
    with pytest.raises(BadInput, match="does not resolve"):
        pin("https://erp.example/h", resolver=lambda h, p: [])
