"""Orders through the HTTP API: keys, scopes, create/read/cancel/hold, bad input."""

from __future__ import annotations

from sqlmodel import select

from tests.api.conftest import Api, bearer, order
from tests.worlds import intake as w
from tests.worlds.dbstate import snapshot
from wms_tui.domain.actor import SYSTEM
from wms_tui.domain.enums import ParcelStatus
from wms_tui.domain.models import Carrier, Event, Order, Parcel
from wms_tui.services.core import settings
from wms_tui.services.integrations import api_keys
from wms_tui.services.lookup import order_lookup


def test_create_then_read(api_world: Api):
    r = api_world.client.post("/orders", json=order(), headers=api_world.both)
    assert r.status_code == 201, r.text
    assert r.json()["outcome"] == "created" and r.json()["status"] == "NEW"
    again = api_world.client.post("/orders", json=order(), headers=api_world.both)
    # A retried POST is no second order: 200, not 201.
    assert (again.status_code, again.json()["outcome"]) == (200, "unchanged")
    r = api_world.client.get("/orders/%23A-1001", headers=api_world.both)
    assert r.status_code == 200
    body = r.json()
    assert body["channel"] == "wholesale" and body["lines"][0]["quantity"] == 2
    assert api_world.client.get("/orders/A-1001", headers=api_world.read).json()["name"] == (
        "#A-1001"
    )
    with api_world.store.read() as s:
        ev = s.exec(select(Event).where(Event.kind == "order.imported")).one()
        assert ev.operator_name == "brand-erp" and ev.terminal == "api"


def test_unknown_sku_holds_the_order(api_world: Api):
    body = order(lines=[{"sku": "NOT-A-SKU", "quantity": 1}])
    r = api_world.client.post("/orders", json=body, headers=api_world.write)
    assert r.status_code == 201
    assert r.json()["unknown_skus"] == ["NOT-A-SKU"] and r.json()["status"] == "ON_HOLD"


def test_cancel_and_hold_go_through_the_floors_rules(api_world: Api):
    api_world.client.post("/orders", json=order("#A-2"), headers=api_world.write)
    api_world.client.post("/orders", json=order("#A-3"), headers=api_world.write)
    r = api_world.client.post(
        "/orders/A-2/hold", json={"reason": "address check"}, headers=api_world.write
    )
    assert r.status_code == 200 and "on hold" in r.json()["message"]
    r = api_world.client.post("/orders/A-3/cancel", headers=api_world.write)
    assert r.status_code == 200
    r = api_world.client.post("/orders/A-3/cancel", headers=api_world.write)
    assert r.status_code == 409 and "cancelled" in r.json()["error"]
    assert w.orders_by_name(api_world.store)["#A-3"].status == "CANCELLED"


def test_keys_and_scopes(api_world: Api):
    c = api_world.client
    assert c.get("/orders/A-1").status_code == 401
    assert c.get("/orders/A-1", headers=bearer("nonsense")).status_code == 401
    assert c.get("/orders/A-1", headers=bearer("wms_000000000000_" + "x" * 43)).status_code == 401
    assert c.post("/orders", json=order(), headers=api_world.read).status_code == 403
    assert c.get("/orders/A-1", headers=api_world.write).status_code == 403
    api_keys.revoke_key(api_world.store, SYSTEM, "brand-erp")
    r = c.get("/orders/A-1", headers=api_world.both)
    assert r.status_code == 401 and "revoked" in r.json()["error"]


def test_bad_input_changes_nothing(api_world: Api):
    c = api_world.client
    before = snapshot(api_world.store)
    bad = [
        order(name="../etc/passwd"),
        order(name="x" * 10_000),
        order(lines=[]),
        order(lines=[{"sku": "MUG-FIKA", "quantity": 0}]),
        order(lines=[{"sku": "MUG-FIKA", "quantity": 1}, {"sku": "MUG-FIKA", "quantity": 1}]),
        order(notes="n" * 10_000),
        order(ship_to={"name": "A", "address1": "B", "city": "C", "country": "Sweden"}),
        order(unexpected=True),
        {"name": "#A-9"},
    ]
    for body in bad:
        r = c.post("/orders", json=body, headers=api_world.write)
        assert r.status_code in (409, 422), (body, r.text)
        assert len(r.json()["error"]) < 400 and "\n" not in r.json()["error"]
    r = c.post(
        "/orders",
        content=b"{not json",
        headers={**api_world.write, "Content-Type": "application/json"},
    )
    assert r.status_code == 422
    assert c.get("/orders/..%2F..%2Fetc", headers=api_world.read).status_code in (404, 422)
    assert c.get("/orders/" + "9" * 10_000, headers=api_world.read).status_code in (404, 414, 422)
    assert c.get("/orders/NOPE-1", headers=api_world.read).status_code == 404
    after = snapshot(api_world.store)
    assert after.pop("api_key") and before.pop("api_key")  # last_used_at aside
    assert after == before


def test_a_body_that_does_not_fit_says_what_is_missing_or_broken(api_world: Api):
    """A developer read "0: JSON decode error" and "name: Field required (and 2 more)"."""
    c = api_world.client
    before = snapshot(api_world.store)
    r = c.post("/orders", json={}, headers=api_world.write)
    assert (r.status_code, r.json()) == (422, {"error": "Missing: name, lines, ship_to"})
    r = c.post("/orders", json=order(ship_to={"name": "A"}), headers=api_world.write)
    assert r.json() == {"error": "Missing: ship_to.address1, ship_to.city, ship_to.country"}
    as_json = {**api_world.write, "Content-Type": "application/json"}
    r = c.post("/orders", content=b"{not json", headers=as_json)
    assert r.status_code == 422
    assert r.json()["error"].startswith("The body is not JSON (at character 1: ")
    # One broken field among missing ones names the broken one first.
    r = c.post("/orders", json={"name": "../x"}, headers=api_world.write)
    assert r.json()["error"].startswith("name: String should match pattern")
    assert r.json()["error"].endswith("(and 2 more)")
    after = snapshot(api_world.store)
    assert after.pop("api_key") and before.pop("api_key")
    assert after == before


def test_another_channels_name_is_not_overwritten(api_world: Api):
    api_world.client.post("/orders", json=order("#A-5"), headers=api_world.write)
    r = api_world.client.post(
        "/orders", json=order("#A-5", channel="amazon"), headers=api_world.write
    )
    assert r.status_code == 409 and "wholesale" in r.json()["error"]


def test_rate_limit_per_key(api_world: Api):
    _, slow = api_keys.create_key(api_world.store, SYSTEM, "slow", ["read"], rate_per_minute=2)
    c = api_world.client
    codes = [c.get("/stock/MUG-FIKA", headers=bearer(slow)).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    r = c.get("/stock/MUG-FIKA", headers=bearer(slow))
    assert r.status_code == 429 and int(r.headers["Retry-After"]) >= 1
    # Another key is not slowed down by it.
    assert c.get("/stock/MUG-FIKA", headers=api_world.read).status_code == 200


def test_stock_by_sku_and_location(api_world: Api):
    r = api_world.client.get("/stock/MUG-FIKA", headers=api_world.read)
    assert r.status_code == 200
    body = r.json()
    assert body["available"] == 20 and body["locations"][0]["on_hand"] == 20
    where = body["locations"][0]["location"]
    r = api_world.client.get(f"/stock/MUG-FIKA?location={where}", headers=api_world.read)
    assert r.json()["available"] == 20
    assert api_world.client.get("/stock/NOPE", headers=api_world.read).status_code == 404
    r = api_world.client.get("/stock/MUG-FIKA?location=NOWHERE", headers=api_world.read)
    assert r.status_code == 404


def test_an_order_reads_as_the_lookup_screen_reads_it(api_world: Api):
    """One read model (lookup.order_lookup) for the API and the lookup screen. The API
    had its own, which gave the built-in tracking link where the warehouse set its own
    ("tracking_url.<CARRIER>"), so the brand and the shop were sent different links."""
    c = api_world.client
    c.post("/orders", json=order("#R-1", shipping_method=""), headers=api_world.both)
    with api_world.store.unit_of_work() as uow:
        o = uow.session.exec(select(Order).where(Order.name == "#R-1")).one()
        o.carrier_id = uow.session.exec(select(Carrier.id).where(Carrier.code == "POSTNORD")).one()
        settings.put(uow.session, "tracking_url.POSTNORD", "https://track.example/pn/{number}")
        uow.add(o)
        uow.flush()
        uow.add(Parcel(order_id=o.id, status=ParcelStatus.VOID, tracking_number="RR000000001SE"))
        uow.add(Parcel(order_id=o.id, status=ParcelStatus.CLOSED, tracking_number="RR000000002SE"))
        oid = o.id
        uow.commit()
    body = c.get("/orders/R-1", headers=api_world.read).json()
    assert [(p["tracking_number"], p["tracking_url"]) for p in body["parcels"]] == [
        ("RR000000002SE", "https://track.example/pn/RR000000002SE")
    ]
    assert body["carrier"] == "PostNord" and body["channel"] == "wholesale"
    shown = order_lookup.order_detail(api_world.store, SYSTEM, oid)
    assert [p.tracking_url for p in shown.parcels if p.status == "CLOSED"] == [
        body["parcels"][0]["tracking_url"]
    ]
    assert [(ln.sku, ln.quantity) for ln in shown.lines] == [
        (ln["sku"], ln["quantity"]) for ln in body["lines"]
    ]
