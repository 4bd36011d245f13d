"""Deliveries (ASN) and returns announced through the HTTP API, and delay webhooks."""

from __future__ import annotations

import httpx
from sqlmodel import select

from tests.api.conftest import Api, order
from tests.api.webhook_receiver import TEST_RECEIVER
from tests.worlds.dbstate import snapshot
from wms_tui.domain.enums import OrderStatus
from wms_tui.domain.models import Delivery, Event, Notice, Order
from wms_tui.services.integrations import webhook_delivery, webhooks_out


def asn(**extra) -> dict:
    body = {
        "reference": "PO-5001",
        "supplier": "Nordic Tees AB",
        "expected_date": "2026-12-10",
        "lines": [{"sku": "MUG-FIKA", "quantity": 24}, {"sku": "HOOD-NAVY-S", "quantity": 6}],
    }
    body.update(extra)
    return body


def test_a_delivery_is_announced_once(api_world: Api):
    c = api_world.client
    r = c.post("/deliveries", json=asn(), headers=api_world.write)
    assert r.status_code == 201, r.text
    assert r.json() == {"reference": "PO-5001", "action": "new", "skus": 2, "units": 30}
    again = c.post("/deliveries", json=asn(), headers=api_world.write)
    assert (again.status_code, again.json()["action"]) == (200, "unchanged")
    with api_world.store.read() as s:
        assert s.exec(select(Delivery.reference)).all() == ["PO-5001"]


def test_a_bad_delivery_changes_nothing(api_world: Api):
    c = api_world.client
    before = snapshot(api_world.store)
    r = c.post(
        "/deliveries", json=asn(lines=[{"sku": "NOPE-1", "quantity": 1}]), headers=api_world.write
    )
    assert r.status_code == 409 and "unknown SKU 'NOPE-1'" in r.json()["error"]
    for body in (
        asn(reference="../x"),
        asn(lines=[]),
        asn(lines=[{"sku": "MUG-FIKA", "quantity": 0}]),
    ):
        assert c.post("/deliveries", json=body, headers=api_world.write).status_code == 422
    assert c.post("/deliveries", json=asn(), headers=api_world.read).status_code == 403
    after = snapshot(api_world.store)
    after.pop("api_key"), before.pop("api_key")
    assert after == before


def shipped(api: Api, name: str) -> None:
    api.client.post("/orders", json=order(name), headers=api.write)
    with api.store.unit_of_work() as uow:
        o = uow.session.exec(select(Order).where(Order.name == name)).one()
        o.status = OrderStatus.DISPATCHED  # the floor's walk there is other tests' business
        uow.add(o)
        uow.commit()


def test_a_return_is_announced_on_the_orders_timeline(api_world: Api):
    shipped(api_world, "#R-1")
    c = api_world.client
    body = {"order": "R-1", "lines": [{"sku": "MUG-FIKA", "quantity": 1}], "reason": "too small"}
    r = c.post("/returns", json=body, headers=api_world.write)
    assert r.status_code == 201, r.text
    assert r.json()["order"] == "#R-1" and r.json()["units"] == 1
    with api_world.store.read() as s:
        ev = s.exec(select(Event).where(Event.kind == "return.announced")).one()
        assert ev.order_name == "#R-1" and ev.operator_name == "erp-writer" and ev.qty == 1


def test_returns_that_cannot_be_are_refused(api_world: Api):
    shipped(api_world, "#R-2")
    c = api_world.client
    c.post("/orders", json=order("#R-3"), headers=api_world.write)  # not shipped
    before = snapshot(api_world.store)
    cases = [
        ({"order": "R-3", "lines": [{"sku": "MUG-FIKA", "quantity": 1}]}, 409, "never shipped"),
        ({"order": "R-2", "lines": [{"sku": "MUG-FIKA", "quantity": 5}]}, 409, "only 2 units"),
        (
            {"order": "R-2", "lines": [{"sku": "HOOD-NAVY-S", "quantity": 1}]},
            409,
            "no shipped line",
        ),
        ({"order": "NOPE", "lines": [{"sku": "MUG-FIKA", "quantity": 1}]}, 404, ""),
        ({"order": "../R-2", "lines": [{"sku": "MUG-FIKA", "quantity": 1}]}, 422, ""),
    ]
    for body, status, words in cases:
        r = c.post("/returns", json=body, headers=api_world.write)
        assert r.status_code == status, (body, r.text)
        assert words in r.json()["error"]
    after = snapshot(api_world.store)
    after.pop("api_key"), before.pop("api_key")
    assert after == before


def test_a_delay_notice_is_an_order_delayed_webhook(api_world: Api):
    c = api_world.client
    c.post(
        "/webhooks",
        json={"url": "https://erp.example/d", "events": ["order.delayed"]},
        headers=api_world.both,
    )
    c.post("/orders", json=order("#D-1"), headers=api_world.both)
    with api_world.store.unit_of_work() as uow:
        o = uow.session.exec(select(Order).where(Order.name == "#D-1")).one()
        uow.add(Notice(order_id=o.id, kind="delay", file="outbox/d1.eml"))
        uow.commit()
    assert webhooks_out.queue_new(api_world.store) == 1
    got: list[httpx.Request] = []
    with httpx.Client(
        transport=httpx.MockTransport(lambda r: got.append(r) or httpx.Response(200))
    ) as client:
        assert webhook_delivery.deliver_due(api_world.store, client, **TEST_RECEIVER).delivered == 1
    assert got[0].headers["X-Wms-Event"] == "order.delayed"
