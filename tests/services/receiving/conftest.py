"""The receiving world these tests share (tests/worlds/receiving.py)."""

from __future__ import annotations

import pytest

from tests.worlds.receiving import World, build
from wms_tui.store import Store


@pytest.fixture
def world(empty_store: Store) -> World:
    return build(empty_store)
