"""The pack-floor world the inbox and recovery tests share."""

from __future__ import annotations

import pytest

from tests.worlds import packing as pw
from wms_tui.store import Store


@pytest.fixture
def world(empty_store: Store, tmp_path) -> pw.World:  # noqa: ANN001 - pytest's tmp_path
    return pw.build(empty_store, label_dir=str(tmp_path / "labels"))
