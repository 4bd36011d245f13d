"""``wms sync``'s memory stays flat as the shop grows: 10× the data, the same peak.

Against the fake Shopify Admin API of the tests (``tests/fakes/shopify_admin``,
real HTTP on a loopback port), on a SQLite store:

* the order pull: N orders in the shop, pulled page by page (50 a page) and
  imported one transaction each;
* the stock push: N SKUs whose level changed, sent a batch of 100 at a time.

Each is measured at 1× and 10× the data (quick: 3 and 30 orders, 10 and
100 SKUs, which proves it runs and prints its ratio; full: 100 and 1,000
orders, 500 and 5,000 SKUs); the row's result is the peak of Python
allocations (tracemalloc) during the call at 10×, its baseline the same at
1×, so the ratio is how memory grows with the data (1.0 is flat; a pass
holding everything would be near 10).

    PYTHONPATH=. python bench/shop_sync_memory.py [--quick]
"""

from __future__ import annotations

import argparse
import collections
import os
import sys
import tempfile
import tracemalloc
from collections.abc import Callable
from pathlib import Path

if __package__ in (None, ""):  # run as a script: the checkout is the import root
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def _store(folder: Path, name: str, skus: int):
    """A store with the demo-like shop master data and ``skus`` stocked products."""
    from wms_tui.domain.actor import SYSTEM
    from wms_tui.domain.enums import LocationKind, MovementReason
    from wms_tui.domain.models import Location, Product
    from wms_tui.services.inventory.stock import move_stock
    from wms_tui.store import Store

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from tests.worlds import intake

    store = Store(f"sqlite:///{folder / name}")
    store.create_schema()
    intake.shop(store)
    with store.unit_of_work() as uow:
        bin_ = Location(code="A-01-1-A", zone="A", kind=LocationKind.PICK)
        uow.add(bin_)
        uow.flush()
        for i in range(skus):
            p = Product(sku=f"BULK-{i:06d}", name=f"Bulk item {i}")
            uow.add(p)
            uow.flush()
            move_stock(
                uow,
                SYSTEM,
                p,
                1 + i % 7,
                from_loc=None,
                to_loc=bin_,
                reason=MovementReason.RECEIVED,
            )
        uow.commit()
    return store


def _peak(fn: Callable[[], object]) -> int:
    tracemalloc.start()
    tracemalloc.reset_peak()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def measure(folder: Path, orders: int, skus: int) -> tuple[int, int]:
    """(peak bytes pulling ``orders`` orders, peak bytes pushing ``skus`` SKUs)."""
    from tests.fakes.shopify_admin import FakeShop, order_node
    from wms_tui.adapters.shopify.admin_api import AdminApi, ShopConfig
    from wms_tui.services.shop import stock_push, sync

    store = _store(folder, f"shop-{orders}-{skus}.db", skus)
    shop = FakeShop()
    url = shop.start()
    # The fake keeps every request for the tests' assertions: not here, or it
    # would be the fake's memory that grows.
    shop.requests = collections.deque(maxlen=1)  # type: ignore[assignment]
    shop.available = 1e12  # no throttling waits: memory, not manners, is measured
    try:
        for n in range(orders):
            shop.add_order(order_node(10_000 + n, [("MUG-FIKA", 1)]))
        for i in range(skus):
            item = shop.add_variant(f"BULK-{i:06d}")
            # The fake keeps the levels it was sent: made up front, so its dict
            # does not grow during the measurement (a shop's memory, not ours).
            shop.levels[(item, shop.location)] = 0
        api = AdminApi(ShopConfig(shop=url, token=shop.token))
        try:
            pulled = _peak(lambda: sync.pull_orders(store, api, sync.SyncReport()))
            pushed = _peak(lambda: stock_push.push(store, api))
        finally:
            api.close()
    finally:
        shop.stop()
        store.dispose()
    return pulled, pushed


QUICK, FULL = (3, 10), (100, 500)  # (orders, SKUs) at 1x


def run_sizes(quick: bool) -> dict[str, tuple[int, int]]:
    """{"1x": (pull peak, push peak), "10x": (…)} in bytes."""
    orders, skus = QUICK if quick else FULL
    with tempfile.TemporaryDirectory() as tmp:
        old = os.getcwd()
        os.chdir(tmp)
        try:
            return {
                "1x": measure(Path(tmp), orders, skus),
                "10x": measure(Path(tmp), orders * 10, skus * 10),
            }
        finally:
            os.chdir(old)


def run(quick: bool) -> list:
    from bench.common import Row

    sizes = run_sizes(quick)
    orders, skus = QUICK if quick else FULL
    rows = []
    for i, (what, n) in enumerate(((f"order pull, {orders * 10:,} orders", orders),
                                   (f"stock push, {skus * 10:,} SKUs", skus))):  # fmt: skip
        rows.append(
            Row(
                what=f"peak memory, {what}",
                result=round(sizes["10x"][i] / 1e6, 2),
                unit="MB",
                baseline=round(sizes["1x"][i] / 1e6, 2) or None,
                baseline_what=f"a tenth ({n:,})",
                target="ratio < 2 (flat)",
                ok=None if quick else sizes["10x"][i] < 2 * sizes["1x"][i],
            )
        )
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    sizes = run_sizes(args.quick)
    for i, what in enumerate(("order pull", "stock push")):
        one, ten = sizes["1x"][i], sizes["10x"][i]
        print(
            f"{what:11} peak 1x {one / 1e6:7.2f} MB  10x {ten / 1e6:7.2f} MB  ratio {ten / one:.2f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
