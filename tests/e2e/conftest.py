"""The fake Shopify Admin API (tests/fakes) for these tests."""

from tests.fakes.fixtures import api, fake_shop, sleeps  # noqa: F401
