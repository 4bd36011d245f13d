"""The worlds UI tests of several modules share, one fixture each."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.worlds.dispatch import Dock, build_dock
from tests.worlds.picking import floor_world
from tests.worlds.receiving import build as build_receiving
from wms_tui.store import Store


@pytest.fixture
def floor(sqlite_store: Store) -> Store:
    """Two orders on one wave of four totes, not claimed yet (``floor_world``)."""
    floor_world(sqlite_store)
    return sqlite_store


@pytest.fixture
def dock(sqlite_store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Dock:
    """Parcels at the dock (tests/worlds/dispatch.py); no mail server, no printer."""
    monkeypatch.delenv("WMS_SMTP_HOST", raising=False)
    monkeypatch.delenv("WMS_PRINTER", raising=False)
    return build_dock(sqlite_store, tmp_path)


@pytest.fixture
def receiving_store(sqlite_store: Store, tmp_path: Path) -> Store:
    """A delivery to receive (tests/worlds/receiving.py), its papers under tmp_path."""
    from tests.worlds import factories as f
    from wms_tui.services.core import settings

    build_receiving(sqlite_store)
    with sqlite_store.unit_of_work() as uow:
        f.warehouse(uow)
        settings.put(uow.session, "report_dir", str(tmp_path / "reports"))
        settings.put(uow.session, "label_dir", str(tmp_path / "labels"))
        uow.commit()
    return sqlite_store
