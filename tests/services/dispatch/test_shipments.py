"""The shop export's rows carry carrier, service and every tracking number."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from tests.worlds.dispatch import NOW, Dock, build_dock
from wms_tui.adapters.shopify.csv_format import write_fulfillments_csv
from wms_tui.services.dispatch import handover, manifest, shipments
from wms_tui.store import Store


@pytest.fixture
def dock(empty_store: Store, tmp_path: Path) -> Dock:
    return build_dock(empty_store, tmp_path)


def test_fulfilment_rows_of_todays_dispatch(dock: Dock, tmp_path: Path) -> None:
    assert shipments.fulfilments_for(dock.store) == []  # nothing has left yet
    for k in ("#1", "#2", "#2/2"):
        handover.load_parcel(dock.store, dock.packer, "PN", dock.sscc[k])
    manifest.close_manifest(dock.store, dock.boss, "PN", send_notices=False)
    rows = shipments.fulfilments_for(dock.store)
    assert [(r.name, r.sku, r.quantity) for r in rows] == [("#1", "MUG-1", 2), ("#2", "MUG-1", 2)]
    two = rows[1]
    assert two.tracking_numbers == (dock.tracking["#2"], dock.tracking["#2/2"])
    assert (two.tracking_company, two.shipping_service) == ("PN Carrier", "Standard")
    assert two.shipped_at == NOW
    out = tmp_path / "fulfilments.csv"
    assert write_fulfillments_csv(rows, out) == 2
    with out.open(encoding="utf-8-sig", newline="") as fh:
        written = list(csv.DictReader(fh))
    assert written[1]["Tracking Number"] == f"{dock.tracking['#2']}, {dock.tracking['#2/2']}"
