"""What the dock shows: each carrier's loaded, waiting and pulled parcels; orders with no parcel."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.worlds.dispatch import Dock, build_dock
from wms_tui.services.dispatch import handover
from wms_tui.services.dispatch.dock import carrier_choices, status_for
from wms_tui.store import Store


@pytest.fixture
def dock(empty_store: Store, tmp_path: Path) -> Dock:
    return build_dock(empty_store, tmp_path)


def test_dock_status_lists_loaded_waiting_and_pull(dock: Dock) -> None:
    handover.load_parcel(dock.store, dock.packer, "PN", dock.sscc["#1"])
    st = status_for(dock.store, "PN")
    assert [p.label for p in st.loaded] == ["#1 1/1"]
    assert [p.label for p in st.waiting] == ["#2 1/2", "#2 2/2"]
    assert [p.order_name for p in st.pull] == ["#4"]
    assert (st.manifest_number, st.manifest_status, st.closed) == ("PN-20260310", "OPEN", False)
    assert st.unlabelled == []
    choices = {c.code: c for c in carrier_choices(dock.store)}
    assert (choices["PN"].waiting, choices["PN"].loaded) == (2, 1)
    assert (choices["DHL"].waiting, choices["DHL"].loaded) == (1, 0)


def test_packed_orders_without_a_parcel_are_named(dock: Dock) -> None:
    from tests.worlds import factories as f
    from wms_tui.domain.enums import OrderStatus

    with dock.store.unit_of_work() as uow:
        pn = dock.order("#1").carrier_id
        f.order(uow, "#NOLABEL", [], status=OrderStatus.PACKED, carrier_id=pn)
        uow.commit()
    assert status_for(dock.store, "PN").unlabelled == ["#NOLABEL"]


def test_the_dock_shows_the_manifest_the_next_close_takes(dock: Dock) -> None:
    """Loaded past the warehouse's midnight: the earlier day's open manifest is the one
    the dock and the close preview show, until it is closed; then today's."""
    from datetime import UTC, datetime

    from wms_tui.services.dispatch import manifest
    from wms_tui.services.dispatch.manifest_preview import preview_close

    dock.clock.at = datetime(2026, 3, 10, 22, 50, tzinfo=UTC)  # 23:50 in Stockholm
    handover.load_parcel(dock.store, dock.packer, "PN", dock.sscc["#1"])
    dock.clock.at = datetime(2026, 3, 10, 23, 10, tzinfo=UTC)  # 00:10, 11 March
    handover.load_parcel(dock.store, dock.packer, "PN", dock.sscc["#2"])
    st = status_for(dock.store, "PN")
    assert (st.manifest_number, st.earlier) == ("PN-20260310", True)
    assert [p.label for p in st.loaded] == ["#1 1/1"]
    assert [p.label for p in preview_close(dock.store, "PN").loaded] == ["#1 1/1"]
    assert {c.code: c.loaded for c in carrier_choices(dock.store)}["PN"] == 2
    manifest.close_manifest(dock.store, dock.boss, "PN", leave_behind_ok=True)
    st = status_for(dock.store, "PN")
    assert (st.manifest_number, st.earlier) == ("PN-20260311", False)
    assert [p.label for p in st.loaded] == ["#2 1/2"]
