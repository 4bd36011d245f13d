"""Outgoing webhooks: registered by a key, queued from the floor's records, signed, retried."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import httpx
from sqlmodel import select

from tests.api.conftest import Api, order
from tests.api.webhook_receiver import TEST_RECEIVER, Receiver, to_packed
from wms_tui.adapters.shopify.webhooks import wms_signature
from wms_tui.domain.clock import pinned, utcnow
from wms_tui.domain.models.integration import ShopOutbox
from wms_tui.services.integrations import webhook_delivery, webhooks_out


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
        report = webhook_delivery.deliver_due(
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
        assert webhook_delivery.deliver_due(api_world.store, client, **TEST_RECEIVER).retrying == 1
        assert (
            webhook_delivery.deliver_due(api_world.store, client, **TEST_RECEIVER).retrying == 0
        )  # not due yet
        receiver.status = 204
        later = utcnow() + webhooks_out.timedelta(minutes=2)
        assert (
            webhook_delivery.deliver_due(
                api_world.store, client, now=later, **TEST_RECEIVER
            ).delivered
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


def sent_orders(api: Api) -> list[str]:
    with api.store.read() as s:
        rows = s.exec(
            select(ShopOutbox).where(ShopOutbox.kind == "webhook").order_by(ShopOutbox.id)
        ).all()
        return [r.order_name for r in rows]


def test_a_new_webhook_starts_from_now(api_world: Api):
    """It was sent up to 500 events from before it was registered (the scan's window)."""
    c = api_world.client
    with pinned(datetime(2026, 12, 7, 9, 0, tzinfo=UTC)) as move:
        c.post("/orders", json=order("#W-3"), headers=api_world.both)
        c.post("/orders", json=order("#W-4"), headers=api_world.both)
        to_packed(api_world, "#W-3")
        webhooks_out.queue_new(api_world.store)  # the server's scan before: no hook yet
        move(datetime(2026, 12, 7, 9, 5, tzinfo=UTC))
        r = c.post("/webhooks", json={"url": "https://erp.example/h"}, headers=api_world.both)
        assert r.status_code == 201
        assert webhooks_out.queue_new(api_world.store) == 0
        move(datetime(2026, 12, 7, 9, 6, tzinfo=UTC))
        to_packed(api_world, "#W-4")
        assert webhooks_out.queue_new(api_world.store) == 1
    assert sent_orders(api_world) == ["#W-4"]


def test_since_sends_what_happened_from_then_once(api_world: Api):
    c = api_world.client
    with pinned(datetime(2026, 12, 7, 9, 0, tzinfo=UTC)) as move:
        for name in ("#W-5", "#W-6"):
            c.post("/orders", json=order(name), headers=api_world.both)
        to_packed(api_world, "#W-5")
        move(datetime(2026, 12, 7, 10, 0, tzinfo=UTC))
        to_packed(api_world, "#W-6")
        move(datetime(2026, 12, 7, 11, 0, tzinfo=UTC))
        r = c.post(
            "/webhooks",
            json={"url": "https://erp.example/h", "since": "2026-12-07T10:30:00+01:00"},
            headers=api_world.both,
        )
        assert r.status_code == 201, r.text
        assert sent_orders(api_world) == ["#W-6"]  # 09:30 UTC on: #W-5 was packed before
        assert webhooks_out.queue_new(api_world.store) == 0  # never twice
        log = c.get(f"/webhooks/{r.json()['id']}/deliveries", headers=api_world.both)
        [d] = log.json()
        assert (d["event"], d["order"], d["state"], d["attempts"]) == (
            "order.packed",
            "#W-6",
            "waiting",
            0,
        )


def test_a_since_that_cannot_be_is_422_and_registers_nothing(api_world: Api):
    c = api_world.client
    with pinned(datetime(2026, 12, 7, 9, 0, tzinfo=UTC)):
        for since, said in (
            ("2026-12-07T08:00:00", "since: give its time zone"),
            ("2026-12-07T10:00:00Z", "since: is in the future"),
            ("2026-11-29T09:00:00Z", "since: at most 7 days back"),
            ("yesterday", "since: Input should be a valid datetime"),
        ):
            r = c.post(
                "/webhooks",
                json={"url": "https://erp.example/h", "since": since},
                headers=api_world.both,
            )
            assert r.status_code == 422 and r.json()["error"].startswith(said), r.text
    assert c.get("/webhooks", headers=api_world.both).json() == []


def test_the_delivery_log_is_the_keys_own(api_world: Api):
    c = api_world.client
    hook = c.post("/webhooks", json={"url": "https://erp.example/h"}, headers=api_world.both)
    path = f"/webhooks/{hook.json()['id']}/deliveries"
    assert c.get(path, headers=api_world.both).json() == []
    # Another key's webhook is no webhook of this one's.
    assert c.get(path, headers=api_world.read).status_code == 404
    assert c.get(path + "?limit=0", headers=api_world.both).status_code == 422
    assert c.get("/webhooks/999/deliveries", headers=api_world.both).status_code == 404


def test_a_month_old_delivery_in_the_window_does_not_stop_the_scan(api_world: Api):
    """A quiet warehouse: the scan's window behind its cursor still holds an event whose
    outbox row is over 30 days old. Reading only recent refs took it for new, the insert
    hit the unique key, and every later scan queued nothing."""
    c = api_world.client
    with pinned(datetime(2026, 11, 1, 9, 0, tzinfo=UTC)) as move:
        c.post("/webhooks", json={"url": "https://erp.example/h"}, headers=api_world.both)
        c.post("/orders", json=order("#W-5"), headers=api_world.both)
        c.post("/orders", json=order("#W-6"), headers=api_world.both)
        to_packed(api_world, "#W-5")
        assert webhooks_out.queue_new(api_world.store) == 1
        move(datetime(2026, 12, 7, 9, 0, tzinfo=UTC))
        to_packed(api_world, "#W-6")
        assert webhooks_out.queue_new(api_world.store) == 1
    assert sent_orders(api_world) == ["#W-5", "#W-6"]


def test_an_event_committed_after_a_registration_is_sent_though_stamped_before(
    api_world: Api,
):
    """Two real connections: a pack committing while a webhook is registered. The
    event is stamped when its transaction begins, before the registration; it was
    not visible to the registration's ``since`` read, and the scan dropped it as
    older than the hook. Now the hook hears every event its registration did not
    see, once; on PostgreSQL the gap below a later committed event too."""
    import threading
    from concurrent.futures import ThreadPoolExecutor
    from datetime import timedelta

    from wms_tui.domain.actor import SYSTEM
    from wms_tui.domain.enums import OrderStatus
    from wms_tui.domain.models import Order
    from wms_tui.services.core import events

    c, store = api_world.client, api_world.store
    postgres = store.url.startswith("postgresql")
    for name in ("#W-7", "#W-8"):
        c.post("/orders", json=order(name), headers=api_world.both)
    since = (utcnow() - timedelta(hours=1)).isoformat()
    registered = threading.Event()

    def register(body: dict) -> int:
        r = c.post("/webhooks", json=body, headers=api_world.both)
        registered.set()
        assert r.status_code == 201, r.text
        return r.json()["id"]

    with ThreadPoolExecutor(2) as pool, store.unit_of_work() as uow:
        # Connection A: #W-7 packed, its event written (an id taken), not committed.
        o = uow.session.exec(select(Order).where(Order.name == "#W-7")).one()
        o.status = OrderStatus.PACKING
        events.change_status(uow, o, OrderStatus.PACKED, SYSTEM, detail="closed")
        uow.flush()
        if postgres:
            to_packed(api_world, "#W-8")  # a later id, committed first: #W-7's is a gap
        hooks = [
            pool.submit(register, {"url": "https://erp.example/since", "since": since}),
            pool.submit(register, {"url": "https://erp.example/now"}),
        ]
        if postgres:  # registrations do not wait for the pack: both end before it commits
            ids = [h.result(timeout=30) for h in hooks]
        else:  # SQLite: they wait for its write lock, so the pack commits first
            assert not registered.wait(0.3)
        uow.commit()
    if not postgres:
        ids = [h.result(timeout=30) for h in hooks]
    webhooks_out.queue_new(store)
    webhooks_out.queue_new(store)  # never twice
    with store.read() as s:
        rows = s.exec(select(ShopOutbox).where(ShopOutbox.kind == "webhook")).all()
        sent = sorted((json.loads(r.payload)["webhook_id"], r.order_name) for r in rows)
    since_hook, now_hook = ids
    expected = [(since_hook, "#W-7")]
    if postgres:
        # Committed after the registration: the "from now" hook hears both.
        expected += [(since_hook, "#W-8"), (now_hook, "#W-7")]
    assert sent == sorted(expected)
