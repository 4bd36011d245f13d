"""pytest fixtures for the fake shop: started on a loopback port, stopped after the test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fakes.shopify_admin import FakeShop
from wms_tui.adapters.shopify.admin_api import AdminApi, ShopConfig


@pytest.fixture
def fake_shop() -> Iterator[FakeShop]:
    shop = FakeShop()
    shop.base_url = shop.start()  # type: ignore[attr-defined]
    yield shop
    shop.stop()


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def api(fake_shop: FakeShop, sleeps: list[float]) -> Iterator[AdminApi]:
    config = ShopConfig(shop=fake_shop.base_url, token=fake_shop.token)  # type: ignore[attr-defined]
    client = AdminApi(config, sleep=sleeps.append)
    yield client
    client.close()
