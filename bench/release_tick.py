"""The periodic release's backorder retry: one tick with nothing new to allocate.

    python -m bench.release_tick [--backorders 300] [--repeat 5]

A SQLite store with ``--backorders`` orders waiting, each short of two units of
its own SKU with one unit free (and a second SKU fully in stock): stock no
allocation can use. The baseline is the tick as it was before (every backorder
with a free unit of any of its SKUs allocated and refused again, written out
below as it was); the result is today's ``release()``. Both run on the same
store in a transaction rolled back each time, so both see the same state.
Prints each one's statements and milliseconds per tick and the ratio.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import String, cast, event  # noqa: E402
from sqlmodel import col, select  # noqa: E402

from tests.worlds import factories as f  # noqa: E402
from wms_tui.domain.actor import SYSTEM  # noqa: E402
from wms_tui.domain.enums import LocationKind, OrderStatus  # noqa: E402
from wms_tui.domain.models import Location, Order, OrderLine, Stock  # noqa: E402
from wms_tui.services.intake import release  # noqa: E402
from wms_tui.store import Store  # noqa: E402


def _old_tick(store: Store) -> None:
    """The backorder half of release() before: any free unit of any waiting SKU."""
    with store.unit_of_work() as uow:
        waiting = (
            select(OrderLine.product_id)
            .join(Order, col(Order.id) == OrderLine.order_id)
            .where(Order.status == OrderStatus.BACKORDERED)
        )
        products = set(
            uow.session.exec(
                select(Stock.product_id)
                .join(Location, col(Location.id) == Stock.location_id)
                .where(
                    col(Stock.product_id).in_(waiting),
                    cast(Location.kind, String).in_(
                        [LocationKind.PICK.name, LocationKind.BULK.name]
                    ),
                    col(Location.active).is_(True),
                    col(Location.cycle_count_flag).is_(False),
                    Stock.qty > Stock.allocated,
                )
                .distinct()
            ).all()
        )
        if products:
            release.retry_backorders(uow, SYSTEM, products)


def _new_tick(store: Store) -> None:
    """The backorder half of release() now."""
    with store.unit_of_work() as uow:
        covered = release.backorders_stock_covers(uow)
        if covered:
            release.retry_backorders(uow, SYSTEM, locked=release.lock_orders(uow, covered))


def _build(store: Store, n: int) -> None:
    with store.unit_of_work() as uow:
        bin_ = f.location(uow, "A-01-1-A")
        for i in range(n):
            short, plenty = f.product(uow, f"S-{i:05d}"), f.product(uow, f"P-{i:05d}")
            f.receive(uow, short, bin_, 1)
            f.receive(uow, plenty, bin_, 5)
            f.order(uow, f"#B{i:05d}", [(short, 2), (plenty, 1)], status=OrderStatus.BACKORDERED)
        uow.commit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backorders", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(f"sqlite:///{tmp}/tick.db")
        store.create_schema()
        _build(store, args.backorders)
        counted = [0]
        for engine in {store.engine, store._write_engine}:  # noqa: SLF001 - counting only
            event.listen(
                engine, "before_cursor_execute", lambda *a: counted.__setitem__(0, counted[0] + 1)
            )
        rows = {}
        for name, tick in (("before (any free unit)", _old_tick), ("now (covered)", _new_tick)):
            times, statements = [], 0
            for _ in range(args.repeat):
                counted[0] = 0
                started = time.perf_counter()
                tick(store)
                times.append((time.perf_counter() - started) * 1000)
                statements = counted[0]
            rows[name] = (statements, statistics.median(times))
            print(f"{name:24} {statements:7,} statements  {rows[name][1]:9.1f} ms per tick")
        (old_n, old_ms), (new_n, new_ms) = rows.values()
        print(
            f"{args.backorders} backorders, none allocatable: "
            f"{old_n / new_n:.0f}x fewer statements, {old_ms / new_ms:.0f}x less time per tick"
        )
        store.dispose()


if __name__ == "__main__":
    main()
