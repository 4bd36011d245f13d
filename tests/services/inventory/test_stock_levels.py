"""Stock level filters on per-product thresholds: low, over, ok and zero."""

from __future__ import annotations

from tests.worlds import factories as f
from wms_tui.domain.enums import LocationKind
from wms_tui.services.inventory import stock_queries as q
from wms_tui.store import Store


def test_low_over_ok_and_zero_follow_each_products_thresholds(empty_store: Store) -> None:
    with empty_store.unit_of_work() as uow:
        f.warehouse(uow)
        bin_, quar = f.location(uow, "A-01-1-A"), f.location(uow, "Q-1", LocationKind.QUARANTINE)
        low, over, ok = f.product(uow, "LOW"), f.product(uow, "OVER"), f.product(uow, "OK")
        gone, stuck = f.product(uow, "GONE"), f.product(uow, "STUCK")
        low.reorder_point, over.max_stock, gone.reorder_point = 10, 5, 3
        f.receive(uow, low, bin_, 4)  # 4 < reorder point 10
        f.receive(uow, over, bin_, 6)  # 6 > max 5
        f.receive(uow, ok, bin_, 7)  # no thresholds
        f.receive(uow, stuck, quar, 2)  # only in quarantine: nothing to pick
        uow.commit()

    def skus(level: q.LevelFilter) -> list[str]:
        return [r.sku for r in q.find_stock(empty_store, q.stock_query(level=level)).skus]

    assert skus("low") == ["GONE", "LOW"]  # GONE: 0 below its reorder point 3
    assert skus("over") == ["OVER"]
    assert skus("ok") == ["OK", "STUCK"]  # STUCK has no thresholds
    # Zero: nothing in storage, whatever the thresholds say.
    assert skus("zero") == ["GONE", "STUCK"]
    assert [
        (b.bin, b.sku)
        for b in q.find_stock(empty_store, q.stock_query(level="zero", by_bin=True)).bins
    ] == [("Q-1", "STUCK")]
    assert [
        b.sku for b in q.find_stock(empty_store, q.stock_query(level="low", by_bin=True)).bins
    ] == ["LOW"]
