"""An API on a store with the intake world's catalogue, and keys to call it with."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient

from tests.worlds import intake as w
from wms_tui.api.app import create_app
from wms_tui.domain.actor import SYSTEM
from wms_tui.services.integrations import api_keys
from wms_tui.store import Store

SECRET = "shpss_test_webhook_secret"


@dataclass
class Api:
    store: Store
    client: TestClient
    read: dict[str, str]
    write: dict[str, str]
    both: dict[str, str]


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture
def api_world(empty_store: Store) -> Iterator[Api]:
    w.shop(empty_store)
    w.stock_up(empty_store, MUG_FIKA=20, HOOD_NAVY_S=5)
    _, reader = api_keys.create_key(empty_store, SYSTEM, "reporting", ["read"])
    _, writer = api_keys.create_key(empty_store, SYSTEM, "erp-writer", ["write"])
    _, both = api_keys.create_key(empty_store, SYSTEM, "brand-erp", ["read", "write"])
    app = create_app(empty_store, secret=lambda: SECRET)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield Api(empty_store, client, bearer(reader), bearer(writer), bearer(both))


def order(name: str = "#A-1001", **extra) -> dict:
    """A wholesale order as a client posts it to ``/orders``; ``extra`` replaces keys."""
    body = {
        "name": name,
        "channel": "wholesale",
        "lines": [{"sku": "MUG-FIKA", "quantity": 2, "price": "12.50"}],
        "ship_to": {
            "name": "Åsa Öberg",
            "address1": "Storgatan 1",
            "city": "Jönköping",
            "zip": "553 21",
            "country": "SE",
        },
        "tags": ["b2b"],
    }
    body.update(extra)
    return body
