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
