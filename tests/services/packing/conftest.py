"""The pack-floor world these tests share, and a private CUPS scheduler with queues to
loopback (tests/fakes/cups.py).

A module whose world differs only in the builder's options says so with a mark:
``pytestmark = pytest.mark.world(carrier_check="s10")``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fakes.cups import cups, cups_server, zebra  # noqa: F401
from tests.worlds import packing as pw
from wms_tui.store import Store


def world_options(request: pytest.FixtureRequest) -> dict:
    """The ``world`` mark's keyword arguments nearest the test, or none."""
    mark = request.node.get_closest_marker("world")
    return dict(mark.kwargs) if mark else {}


@pytest.fixture
def world(empty_store: Store, tmp_path: Path, request: pytest.FixtureRequest) -> pw.World:
    return pw.build(empty_store, label_dir=str(tmp_path / "labels"), **world_options(request))
