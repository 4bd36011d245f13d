"""The returns-desk world these tests share (tests/worlds/returns.py): #1042 shipped."""

from __future__ import annotations

import pytest

from tests.worlds.returns import World, build_world
from wms_tui.store import Store


@pytest.fixture
def world(empty_store: Store) -> World:
    return build_world(empty_store)
