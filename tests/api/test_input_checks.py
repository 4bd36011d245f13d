"""Malformed input is a 422 that names the field and changes nothing; a conflict stays 409."""

from __future__ import annotations

from tests.api.conftest import Api, order
from tests.worlds.dbstate import snapshot


def unchanged(api: Api, before: dict) -> None:
    after = snapshot(api.store)
    after.pop("api_key"), before.pop("api_key")  # last_used_at moves with each call
    assert after == before


def test_a_made_up_country_is_refused_by_name(api_world: Api):
    c = api_world.client
    before = snapshot(api_world.store)
    ship = {"name": "A", "address1": "B", "city": "C"}
    for code, why in (
        ("ZZ", "'ZZ' is not an ISO 3166-1 country code like SE"),
        ("UK", "'UK' is not an ISO country code: use GB"),
    ):
        r = c.post(
            "/orders", json=order(ship_to={**ship, "country": code}), headers=api_world.write
        )
        assert (r.status_code, r.json()) == (422, {"error": f"ship_to.country: {why}"})
    unchanged(api_world, before)
    r = c.post("/orders", json=order(ship_to={**ship, "country": "no"}), headers=api_world.write)
    assert r.status_code == 201


def line(**extra) -> list[dict]:
    return [{"sku": "MUG-FIKA", "quantity": 2, **extra}]


def test_malformed_fields_are_422_with_the_field_named(api_world: Api):
    """Each was taken (a bool as 1 unit, "١٢" as 12.00) or answered 409 (a NUL)."""
    c = api_world.client
    before = snapshot(api_world.store)
    ship = {"name": "A", "address1": "B", "city": "C", "country": "SE"}
    cases = [
        (order(ship_to={**ship, "name": "A\x00"}), "ship_to.name: holds the control character"),
        (order(notes="a\x1b[31mb"), "notes: holds the control character '\\x1b'"),
        (order(tags=["ok", "b\x00"]), "tags: holds the control character"),
        (
            order(ship_to={**ship, "name": "A\nB"}),
            "ship_to.name: holds the control character '\\n'",
        ),
        (order(lines=line(quantity=True)), "lines.0.quantity: Input should be a valid integer"),
        (order(lines=line(quantity="2")), "lines.0.quantity: Input should be a valid integer"),
        (order(lines=line(quantity=2.0)), "lines.0.quantity: Input should be a valid integer"),
        (order(lines=line(quantity="²")), "lines.0.quantity: Input should be a valid integer"),
        (
            order(lines=line(quantity=-1)),
            "lines.0.quantity: Input should be greater than or equal to 1",
        ),
        (order(lines=line(price="١٢")), "lines.0.price: must be an amount like 12.50"),
        (order(lines=line(price="1²")), "lines.0.price: must be an amount like 12.50"),
        (order(lines=line(price=True)), "lines.0.price: must be an amount like 12.50"),
        (order(lines=line(price="-1")), "lines.0.price: must be an amount like 12.50"),
        (order(lines=line() * 201), "lines: List should have at most 200 items"),
        (order(name="x" * 10_000), "name: String should have at most 64 characters"),
    ]
    for body, said in cases:
        r = c.post("/orders", json=body, headers=api_world.write)
        assert r.status_code == 422, (said, r.text)
        assert r.json()["error"].startswith(said), r.text
    r = c.post("/orders/A-1/hold", json={"reason": "x\x00"}, headers=api_world.write)
    assert r.status_code == 422 and r.json()["error"].startswith("reason: holds the control")
    r = c.post(
        "/deliveries",
        json={"reference": "ASN-1", "lines": [{"sku": "MUG-FIKA", "quantity": 1.5}]},
        headers=api_world.write,
    )
    assert r.status_code == 422 and r.json()["error"].startswith("lines.0.quantity")
    unchanged(api_world, before)


def test_a_body_the_schema_never_sees_is_refused_in_one_line(api_world: Api):
    c = api_world.client
    before = snapshot(api_world.store)
    as_json = {**api_world.write, "Content-Type": "application/json"}
    twice = b'{"name": "#A-1", "name": "#A-2", "lines": [], "ship_to": {}}'
    r = c.post("/orders", content=twice, headers=as_json)
    assert (r.status_code, r.json()) == (422, {"error": "name: given twice in one object"})
    r = c.post("/orders", content=b"[" * 100_000 + b"]" * 100_000, headers=as_json)
    assert r.status_code == 422 and "nested too deep" in r.json()["error"]
    r = c.post("/deliveries", content=b" " * 1_000_001, headers=as_json)
    assert (r.status_code, r.json()) == (413, {"error": "The body is larger than 1 MB"})
    must = "The body must be a JSON object, sent as Content-Type: application/json"
    r = c.post("/orders", content=b"[1]", headers=as_json)
    assert (r.status_code, r.json()) == (422, {"error": must})
    form = {**api_world.write, "Content-Type": "application/x-www-form-urlencoded"}
    r = c.post("/webhooks", content=b'{"url": "https://erp.example/h"}', headers=form)
    assert (r.status_code, r.json()) == (422, {"error": must})
    unchanged(api_world, before)


def test_a_note_keeps_its_lines(api_world: Api):
    body = order("#L-1", notes="Ring twice\r\nthen wait", gift_message="Dear Åsa,\n\tenjoy")
    r = api_world.client.post("/orders", json=body, headers=api_world.write)
    assert r.status_code == 201, r.text


def test_a_conflict_stays_409(api_world: Api):
    c = api_world.client
    assert c.post("/orders", json=order("#C-1"), headers=api_world.write).status_code == 201
    c.post("/orders/C-1/hold", json={"reason": "check"}, headers=api_world.write)
    r = c.post("/orders/C-1/hold", json={"reason": "again"}, headers=api_world.write)
    assert r.status_code == 409 and r.json()["error"] == "Order #C-1 is already on hold"


def test_invisible_and_bidi_characters_are_422_naming_the_field(api_world: Api):
    """A right-to-left override in a name prints "Anna" + U+202E + "knaB" as "AnnaBank" on
    the label: the data and what the carrier reads differ. Taken until now."""
    c = api_world.client
    before = snapshot(api_world.store)
    ship = {"name": "A", "address1": "B", "city": "C", "country": "SE"}
    cases = [
        (order(ship_to={**ship, "name": "Anna\u202eknaB"}), "ship_to.name", "U+202E"),
        (order(ship_to={**ship, "address1": "Gatan\u2066 1"}), "ship_to.address1", "U+2066"),
        (order(ship_to={**ship, "city": "Lund\u2069"}), "ship_to.city", "U+2069"),
        (order(notes="Leave \u200bat the door"), "notes", "U+200B"),
        (order(gift_message="\ufeffHi"), "gift_message", "U+FEFF"),
        (order(lines=line(name="Mug\u202a")), "lines.0.name", "U+202A"),
        (order(tags=["ok", "b\u200e"]), "tags", "U+200E"),
    ]
    for body, field, char in cases:
        r = c.post("/orders", json=body, headers=api_world.write)
        assert r.status_code == 422, (field, r.text)
        assert r.json()["error"].startswith(f"{field}: holds the invisible character {char} ("), (
            r.text
        )
    r = c.post("/orders/A-1/hold", json={"reason": "x\u202e"}, headers=api_world.write)
    assert r.status_code == 422 and r.json()["error"].startswith("reason: holds the invisible")
    unchanged(api_world, before)
    # Persian and emoji spell with ZWNJ and ZWJ: a real name, taken.
    real = order("#P-1", ship_to={**ship, "name": "می\u200cخواهم 👨\u200d👩"})
    assert c.post("/orders", json=real, headers=api_world.write).status_code == 201
