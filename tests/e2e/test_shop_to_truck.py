"""End to end: an order from the shop comes in by its signed webhook, is picked and
packed on the floor through the real services, handed over, and the shop gets a
fulfilment with the parcel's tracking number; the HTTP API shows it all."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlmodel import col, select

from tests.fakes.shopify_admin import FakeShop, order_node
from tests.worlds import factories as f
from tests.worlds import packing as packing_world
from wms_tui.adapters.shopify.admin_api import AdminApi
from wms_tui.adapters.shopify.webhooks import shopify_signature
from wms_tui.api.app import create_app
from wms_tui.domain.actor import SYSTEM
from wms_tui.domain.clock import utcnow
from wms_tui.domain.models import Event, Order, Parcel
from wms_tui.services.demo import walk
from wms_tui.services.dispatch import handover
from wms_tui.services.intake import release as releasing
from wms_tui.services.integrations import api_keys
from wms_tui.services.picking import waves
from wms_tui.services.shop import sync
from wms_tui.store import Store

SECRET = "shpss_e2e"


def test_order_in_by_webhook_out_with_tracking(
    empty_store: Store, api: AdminApi, fake_shop: FakeShop, tmp_path
) -> None:
    store = empty_store
    world = packing_world.build(store, label_dir=str(tmp_path / "labels"))
    with store.unit_of_work() as uow:
        picker = replace(
            f.operator(uow, "Ana Lindqvist", "picker", badge="P1001"), terminal="HH-01"
        )
        uow.commit()
    _, key = api_keys.create_key(store, SYSTEM, "brand-erp", ["read", "write"])
    headers = {"Authorization": f"Bearer {key}"}

    # 1. The shop has the order, and tells us by webhook (REST shape, signed).
    node = fake_shop.add_order(
        order_node(
            5001, [("MUG-BLU", 2), ("TEE-M", 1)], **{"shippingLine": {"title": "PN Standard"}}
        )
    )
    lines = node["lineItems"]["nodes"]
    payload = {
        "id": 5001,
        "admin_graphql_api_id": node["id"],
        "name": "#5001",
        "email": "asa@example.se",
        "created_at": (utcnow() - timedelta(hours=1)).isoformat(),
        "updated_at": node["updatedAt"],
        "financial_status": "paid",
        "shipping_address": {
            "name": "Åsa Öberg",
            "address1": "Storgatan 1",
            "city": "Jönköping",
            "zip": "553 21",
            "country_code": "SE",
        },
        "shipping_lines": [{"title": "PN Standard"}],
        "line_items": [
            {
                "id": int(li["id"].rsplit("/", 1)[1]),
                "sku": li["sku"],
                "name": li["name"],
                "quantity": li["quantity"],
                "price": "19.90",
                "requires_shipping": True,
            }
            for li in lines
        ],
    }
    body = json.dumps(payload).encode()
    app = create_app(store, secret=lambda: SECRET)
    with TestClient(app, raise_server_exceptions=False) as client:
        r = client.post(
            "/shopify/webhooks",
            content=body,
            headers={
                "X-Shopify-Topic": "orders/create",
                "X-Shopify-Hmac-Sha256": shopify_signature(SECRET, body),
            },
        )
        assert r.status_code == 200 and r.json()["message"] == "#5001: created", r.text
        with store.unit_of_work() as uow:
            order = uow.session.exec(select(Order).where(Order.name == "#5001")).one()
            assert order.carrier_id is not None, "PN Standard should match the PN service"
            uow.commit()

        # 2. The floor: released, waved, picked scan by scan, packed at PACK-1.
        releasing.release(store, SYSTEM, utcnow() + timedelta(hours=1))
        wave = waves.build_wave(store, world.supervisor, cart_size=4)
        for task in wave.tasks:
            walk.pick_task(store, picker, task.code)
        assert walk.pack_order(store, world.packer, "#5001")
        with store.read() as s:
            order = s.exec(select(Order).where(Order.name == "#5001")).one()
            assert order.status == "PACKED"
            parcel = s.exec(select(Parcel).where(Parcel.order_id == order.id)).one()
            tracking = parcel.tracking_number
        assert tracking

        # 3. The dock: handed over; nothing reaches the shop inside that scan.
        handover.load_parcel(store, world.supervisor, "PN", tracking)
        assert fake_shop.created == []

        # 4. wms sync: the shop gets the fulfilment with the parcel's tracking number.
        report = sync.run_once(store, api, world.supervisor, orders=False, stock=False)
        assert report.fulfilments.sent == [f"#5001 {tracking}"], report
        [sent] = fake_shop.created
        assert sent["trackingInfo"]["number"] == tracking
        [group] = sent["lineItemsByFulfillmentOrder"]
        assert sorted(i["quantity"] for i in group["fulfillmentOrderLineItems"]) == [1, 2]
        [fo] = fake_shop.fulfillment_orders[node["id"]]
        assert all(li["remainingQuantity"] == 0 for li in fo["lineItems"]["nodes"])

        # 5. The brand's developers see the same through the HTTP API.
        r = client.get("/orders/5001", headers=headers)
        assert r.status_code == 200
        assert r.json()["parcels"][0]["tracking_number"] == tracking
    with store.read() as s:
        # In the order they were written: PostgreSQL returns rows in no set order.
        q = select(Event).where(Event.order_name == "#5001").order_by(col(Event.id))
        kinds = [e.kind for e in s.exec(q)]
    assert kinds[0] == "order.imported" and "parcel.loaded" in kinds and "shop.fulfilled" in kinds
