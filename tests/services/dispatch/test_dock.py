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
