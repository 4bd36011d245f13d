"""Stock read models: by SKU, by bin, filters, and one SKU in full."""

from __future__ import annotations

import pytest
from sqlmodel import select

from tests.worlds import factories as f
from tests.worlds.receiving import MUG_EAN, TEE_EAN, World, build
from wms_tui.domain.errors import NotFound
from wms_tui.domain.models import Location, Product
from wms_tui.services.inventory import stock_queries as q
from wms_tui.services.inventory.allocation import allocate_order
from wms_tui.services.receiving import putaway
from wms_tui.services.receiving import receipt as receiving
from wms_tui.store import Store


@pytest.fixture
def world(empty_store: Store) -> World:
    w = build(empty_store)
    with empty_store.unit_of_work() as uow:
        s = uow.session
        tee = s.exec(select(Product).where(Product.sku == "TEE")).one()
        mug = s.exec(select(Product).where(Product.sku == "MUG")).one()
        tee.reorder_point, tee.max_stock = 3, 20
        mug.reorder_point, mug.max_stock = 5, 50
        uow.add(tee)
        uow.add(mug)
        o = f.order(uow, "#1001", [(tee, 2)])
        allocate_order(uow, o)
        f.order(uow, "#1002", [(mug, 4)])  # NEW, not yet allocated
        uow.commit()
    receiving.receive_scan(empty_store, w.receiver, "PO-1", TEE_EAN, count=20, confirmed=True)
    receiving.receive_scan(empty_store, w.receiver, "PO-1", MUG_EAN, count=2, damaged_reason="Wet")
    putaway.put_away(
        empty_store, w.receiver, reference="PO-1", product_code="TEE", bin_code="R-11-1-A", qty=18
    )
    return w


def test_stock_by_sku_splits_storage_receiving_and_quarantine(
    empty_store: Store, world: World
) -> None:
    rows = {r.sku: r for r in q.stock_by_sku(empty_store)}
    assert set(rows) == {"MUG", "PRINT", "TEE"}  # zero stock listed too
    tee, mug, prt = rows["TEE"], rows["MUG"], rows["PRINT"]
    assert (tee.storage, tee.allocated, tee.available, tee.receiving) == (23, 2, 21, 2)
    assert tee.level == "over"  # 23 > max 20
    assert (mug.storage, mug.quarantine, mug.level) == (2, 2, "low")  # quarantine not counted
    assert (prt.storage, prt.level) == (0, "ok")  # no reorder point set


def test_filters(empty_store: Store, world: World) -> None:
    assert [r.sku for r in q.stock_by_sku(empty_store, text="tee")] == ["TEE"]
    assert [r.sku for r in q.stock_by_sku(empty_store, text="organic")] == ["TEE"]
    assert [r.sku for r in q.stock_by_sku(empty_store, text=MUG_EAN)] == ["MUG"]
    assert [r.sku for r in q.stock_by_sku(empty_store, zone="B")] == ["PRINT"]
    assert [r.sku for r in q.stock_by_sku(empty_store, level="low")] == ["MUG"]
    assert [r.sku for r in q.stock_by_sku(empty_store, level="over")] == ["TEE"]
    assert [r.sku for r in q.stock_by_sku(empty_store, quarantine=True)] == ["MUG"]
    bins = q.stock_by_bin(empty_store)
    assert [(b.bin, b.sku, b.qty) for b in bins] == [
        ("A-01-1-A", "TEE", 5),
        ("A-01-2-A", "MUG", 2),
        ("QUAR-1", "MUG", 2),
        ("R-11-1-A", "TEE", 18),
        ("RCV-1", "TEE", 2),
    ]
    assert [b.bin for b in q.stock_by_bin(empty_store, quarantine=True)] == ["QUAR-1"]
    assert [b.bin for b in q.stock_by_bin(empty_store, zone="R")] == ["R-11-1-A"]
    assert [b.bin for b in q.stock_by_bin(empty_store, text="r-11")] == ["R-11-1-A"]
    assert {b.sku for b in q.stock_by_bin(empty_store, level="low")} == {"MUG"}
    assert q.zones(empty_store) == ["A", "B", "R"]


def test_sku_detail(empty_store: Store, world: World) -> None:
    d = q.sku_detail(empty_store, TEE_EAN)
    assert d.stock.sku == "TEE" and d.barcodes == (TEE_EAN,)
    assert [(b.bin, b.qty, b.allocated) for b in d.bins] == [
        ("A-01-1-A", 5, 2),
        ("R-11-1-A", 18, 0),
        ("RCV-1", 2, 0),
    ]
    assert [(o.order, o.status, o.quantity, o.allocated, o.to_pick) for o in d.orders] == [
        ("#1001", "READY_TO_PICK", 2, 2, 2)
    ]
    assert [(m.reason, m.qty, m.from_loc, m.to_loc) for m in d.movements] == [
        ("PUTAWAY", 18, "RCV-1", "R-11-1-A"),
        ("RECEIVED", 20, "", "RCV-1"),
        ("RECEIVED", 5, "", "A-01-1-A"),
    ]
    assert d.movements[0].who == "Björn Åkesson" and d.movements[0].reference == "PO-1"
    mug = q.sku_detail(empty_store, "mug")
    assert [o.order for o in mug.orders] == ["#1002"]
    with pytest.raises(NotFound, match="Unknown SKU or barcode NOPE"):
        q.sku_detail(empty_store, "NOPE")


def test_flagged_bins_show_in_bin_rows(empty_store: Store, world: World) -> None:
    with empty_store.unit_of_work() as uow:
        loc = uow.session.exec(select(Location).where(Location.code == "A-01-1-A")).one()
        loc.cycle_count_flag = True
        uow.add(loc)
        uow.commit()
    flagged = [b.bin for b in q.stock_by_bin(empty_store) if b.flagged]
    assert flagged == ["A-01-1-A"]
