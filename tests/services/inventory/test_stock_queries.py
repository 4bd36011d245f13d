"""Stock read models: by SKU, by bin, filters, and one SKU in full."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlmodel import select

from tests.worlds import factories as f
from tests.worlds.receiving import MUG_EAN, TEE_EAN, World, build
from wms_tui.domain.clock import pinned
from wms_tui.domain.errors import NotFound
from wms_tui.domain.models import Location, Product
from wms_tui.services.inventory import sku_detail, stock_history
from wms_tui.services.inventory import stock_queries as q
from wms_tui.services.inventory.allocation import allocate_order
from wms_tui.services.receiving import putaway
from wms_tui.services.receiving import receipt as receiving
from wms_tui.store import Store


def skus(store: Store, **filters: str) -> list[q.SkuStock]:
    return list(q.find_stock(store, q.stock_query(**filters)).skus)


def bins(store: Store, **filters: str) -> list[q.BinStock]:
    return list(q.find_stock(store, q.stock_query(by_bin=True, **filters)).bins)


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
    rows = {r.sku: r for r in skus(empty_store)}
    assert set(rows) == {"MUG", "PRINT", "TEE"}  # zero stock listed too
    tee, mug, prt = rows["TEE"], rows["MUG"], rows["PRINT"]
    assert (tee.storage, tee.allocated, tee.available, tee.receiving) == (23, 2, 21, 2)
    assert tee.level == "over"  # 23 > max 20
    assert (mug.storage, mug.quarantine, mug.level) == (2, 2, "low")  # quarantine not counted
    assert (prt.storage, prt.level) == (0, "ok")  # no reorder point set


def test_filters(empty_store: Store, world: World) -> None:
    assert [r.sku for r in skus(empty_store, text="tee")] == ["TEE"]
    assert [r.sku for r in skus(empty_store, text="organic")] == ["TEE"]
    assert [r.sku for r in skus(empty_store, text=MUG_EAN)] == ["MUG"]
    assert [r.sku for r in skus(empty_store, zone="B")] == ["PRINT"]
    assert [r.sku for r in skus(empty_store, level="low")] == ["MUG"]
    assert [r.sku for r in skus(empty_store, level="over")] == ["TEE"]
    assert [r.sku for r in skus(empty_store, status="quarantine")] == ["MUG"]
    rows = bins(empty_store)
    assert [(b.bin, b.sku, b.qty) for b in rows] == [
        ("A-01-1-A", "TEE", 5),
        ("A-01-2-A", "MUG", 2),
        ("QUAR-1", "MUG", 2),
        ("R-11-1-A", "TEE", 18),
        ("RCV-1", "TEE", 2),
    ]
    assert [b.bin for b in bins(empty_store, status="quarantine")] == ["QUAR-1"]
    assert [b.bin for b in bins(empty_store, zone="R")] == ["R-11-1-A"]
    assert [b.bin for b in bins(empty_store, text="r-11")] == ["R-11-1-A"]
    assert {b.sku for b in bins(empty_store, level="low")} == {"MUG"}
    assert q.zones(empty_store) == ["A", "B", "R"]


def test_sku_detail(empty_store: Store, world: World) -> None:
    d = sku_detail.sku_detail(empty_store, TEE_EAN)
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
    mug = sku_detail.sku_detail(empty_store, "mug")
    assert [o.order for o in mug.orders] == ["#1002"]
    with pytest.raises(NotFound, match="Unknown SKU or barcode NOPE"):
        sku_detail.sku_detail(empty_store, "NOPE")


def test_flagged_bins_show_in_bin_rows(empty_store: Store, world: World) -> None:
    with empty_store.unit_of_work() as uow:
        loc = uow.session.exec(select(Location).where(Location.code == "A-01-1-A")).one()
        loc.cycle_count_flag = True
        uow.add(loc)
        uow.commit()
    flagged = [b.bin for b in bins(empty_store) if b.flagged]
    assert flagged == ["A-01-1-A"]


# --------------------------------------------------------------------------- find_stock


def test_status_level_bin_and_zone_filters_known_answers(empty_store: Store, world: World) -> None:
    # TEE: 23 in storage (A-01-1-A 5, R-11-1-A 18), 2 allocated to #1001, 2 in RCV-1,
    # reorder 3 / max 20 (over). MUG: 2 in A-01-2-A, 2 in quarantine, reorder 5 (low).
    # PRINT: nothing, no thresholds (ok, zero).
    def names(**kw: str) -> list[str]:
        return [r.sku for r in skus(empty_store, **kw)]

    assert names(status="available") == ["MUG", "TEE"]
    assert names(status="allocated") == ["TEE"]
    assert names(status="quarantine") == ["MUG"]
    assert names(level="zero") == ["PRINT"]
    assert names(level="ok") == ["PRINT"]
    assert names(bin="a-01") == ["MUG", "TEE"]
    assert names(bin="R-11") == ["TEE"]
    assert names(bin="QUAR") == ["MUG"]
    assert names(level="over", status="allocated") == ["TEE"]
    assert names(level="low", bin="R-11") == []  # both exist; together nothing: no refusal
    assert names(zone="A", level="low") == ["MUG"]
    by_bin = [(b.bin, b.sku, b.available) for b in bins(empty_store, status="available")]
    assert by_bin == [("A-01-1-A", "TEE", 3), ("A-01-2-A", "MUG", 2), ("R-11-1-A", "TEE", 18)]
    assert [b.bin for b in bins(empty_store, status="allocated")] == ["A-01-1-A"]
    assert [b.bin for b in bins(empty_store, level="over", bin="A-01")] == ["A-01-1-A"]
    assert [b.bin for b in bins(empty_store, text="mug", status="quarantine")] == ["QUAR-1"]


def test_thresholds_move_a_sku_between_levels(empty_store: Store, world: World) -> None:
    with empty_store.unit_of_work() as uow:
        tee = uow.session.exec(select(Product).where(Product.sku == "TEE")).one()
        tee.reorder_point, tee.max_stock = 24, 0  # 23 in storage: now below its reorder point
        uow.add(tee)
        uow.commit()
    assert [r.sku for r in skus(empty_store, level="low")] == ["MUG", "TEE"]
    assert [r.sku for r in skus(empty_store, level="over")] == []


def test_the_row_limit_is_said(empty_store: Store, world: World, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setattr(q, "MAX_ROWS", 2)
    found = q.find_stock(empty_store, q.stock_query())
    assert [r.sku for r in found.skus] == ["MUG", "PRINT"] and found.more
    assert not q.find_stock(empty_store, q.stock_query(text="tee")).more


@pytest.mark.parametrize(
    ("filters", "message"),
    [
        ({"text": "²"}, "No SKU, name or barcode matches '²'"),
        ({"text": "NOPE-1"}, "No SKU, name or barcode matches 'NOPE-1'"),
        ({"text": "TE\x00E"}, "The SKU filter holds a control character: 'TE\\x00E'"),
        ({"text": "T\u202eEE"}, "The SKU filter holds a control character"),
        ({"text": "X" * 10_000}, "The SKU filter is 10000 characters long; at most 64"),
        ({"bin": "ZZ-99"}, "No bin matches 'ZZ-99'"),
        ({"bin": "A\x00"}, "The bin filter holds a control character"),
        ({"zone": "Q"}, "No zone 'Q'; the zones are A, B, R"),
        ({"zone": "²"}, "No zone '²'"),
        ({"level": "²"}, "Level is low, over, zero, ok; not '²'"),
        ({"level": "high"}, "Level is low, over, zero, ok; not 'high'"),
        ({"status": "shipped"}, "Status is available, allocated, quarantine; not 'shipped'"),
        ({"status": "\x00"}, "The status filter holds a control character"),
    ],
)
def test_bad_filters_are_refused_in_one_line(
    empty_store: Store, world: World, filters: dict[str, str], message: str
) -> None:
    from wms_tui.domain.errors import DomainError

    with pytest.raises(DomainError) as refused:
        q.find_stock(empty_store, q.stock_query(**filters))
    text = str(refused.value)
    assert text.startswith(message) and "\n" not in text and len(text) < 200


def test_a_scanned_code_keeps_its_scanner_ending_and_by_bin_text_may_be_a_bin(
    empty_store: Store, world: World
) -> None:
    assert [r.sku for r in skus(empty_store, text=MUG_EAN + "\r")] == ["MUG"]
    assert [b.bin for b in bins(empty_store, text="quar-1")] == ["QUAR-1"]
    with pytest.raises(NotFound, match="No SKU, name or barcode matches 'quar-1'"):
        skus(empty_store, text="quar-1")  # by SKU a bin's code names no product


# --------------------------------------------------------------------------- row history


def test_row_history_newest_first_on_the_warehouse_clock(empty_store: Store) -> None:
    def utc(hour: int) -> datetime:
        return datetime(2026, 3, 10, hour, 0, tzinfo=UTC)  # Stockholm is UTC+1 in March

    with pinned(utc(8)) as at:
        w = build(empty_store)  # TEE: 5 into A-01-1-A
        with empty_store.unit_of_work() as uow:
            f.warehouse(uow)  # Europe/Stockholm
            tee = uow.session.exec(select(Product).where(Product.sku == "TEE")).one()
            at(utc(9))
            allocate_order(uow, f.order(uow, "#1001", [(tee, 2)]))
            uow.commit()
        at(utc(10))
        receiving.receive_scan(empty_store, w.receiver, "PO-1", TEE_EAN, count=20, confirmed=True)
        at(utc(11))
        putaway.put_away(
            empty_store,
            w.receiver,
            reference="PO-1",
            product_code="TEE",
            bin_code="R-11-1-A",
            qty=18,
        )
    h = stock_history.row_history(empty_store, "TEE")
    assert h.tz_name == "Europe/Stockholm" and not h.more
    assert [(f"{e.at:%H:%M}", e.what, e.qty, e.from_loc, e.to_loc, e.order) for e in h.entries] == [
        ("12:00", "PUTAWAY", 18, "RCV-1", "R-11-1-A", ""),
        ("11:00", "RECEIVED", 20, "", "RCV-1", ""),
        ("10:00", "stock.allocate", 2, "", "", "#1001"),
        ("09:00", "RECEIVED", 5, "", "A-01-1-A", ""),
    ]
    assert [e.movement for e in h.entries] == [True, True, False, True]
    assert all(str(e.at.tzinfo) == "Europe/Stockholm" for e in h.entries)
    assert h.entries[0].who == "Björn Åkesson" and h.entries[0].detail == "PO-1"
    bin_h = stock_history.row_history(empty_store, "TEE", "r-11-1-a")
    assert bin_h.bin == "R-11-1-A" and [e.what for e in bin_h.entries] == ["PUTAWAY"]
    assert stock_history.row_history(empty_store, "TEE", limit=2).more


def test_row_history_of_a_bin_has_its_counts_and_flags(empty_store: Store, world: World) -> None:
    from wms_tui.services.inventory import cycle_count

    cycle_count.approve_count(
        empty_store, world.supervisor, "A-01-2-A", {"MUG": 3}, reason="Found stock"
    )
    h = stock_history.row_history(empty_store, "MUG", "A-01-2-A")
    # the count's ledger row and its event, then the bin's first receipt
    assert {e.what for e in h.entries[:2]} == {"cycle.count", "ADJUSTED"}
    assert [(e.what, e.qty) for e in h.entries[2:]] == [("RECEIVED", 2)]
    assert "cycle.count" in [e.what for e in stock_history.row_history(empty_store, "MUG").entries]
    assert "cycle.count" not in [
        e.what for e in stock_history.row_history(empty_store, "TEE").entries
    ]


@pytest.mark.parametrize(
    ("sku", "bin", "message"),
    [
        ("NOPE", "", "No SKU 'NOPE'"),
        ("TEE", "ZZ-1", "No bin 'ZZ-1'"),
        ("", "", "Which SKU?"),
        ("T\x00", "", "The SKU filter holds a control character"),
    ],
)
def test_row_history_refusals(
    empty_store: Store, world: World, sku: str, bin: str, message: str
) -> None:
    from wms_tui.domain.errors import DomainError

    with pytest.raises(DomainError, match=message.replace("?", r"\?")):
        stock_history.row_history(empty_store, sku, bin)
