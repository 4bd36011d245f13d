"""Benchmark: one stock row's history (stock screen F6, ``wms stock --history``) on a
big event log.

    python -m bench --only stock_history        # 1,000,000 events, 2,000 SKUs (SQLite)
    python -m bench.stock_history [--events N]

A SQLite store with 50 bins, 2,000 SKUs and N events written straight into the log
(picks, pack scans and status changes for the bulk; stock moves, allocations, short
picks and cycle counts among them, times 3 s apart). It times, alternating in the same
run, ``SELECT count(*) FROM orders`` (the baseline) and
``stock_history.row_history()`` of 15 SKUs, median wall and CPU time; then the same
history with ``ix_event_sku_at`` dropped, which is what the store had before
migration 0016. No assertion: benchmarks measure, tests check behaviour.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import text

from bench.common import Row
from wms_tui.domain.actor import SYSTEM
from wms_tui.domain.enums import LocationKind, MovementReason
from wms_tui.domain.models import Location, Product, Warehouse
from wms_tui.services.inventory import stock_history
from wms_tui.services.inventory.stock import move_stock
from wms_tui.store import Store

SKUS, BINS = 2_000, 50
KINDS = (
    ["pick.unit"] * 30 + ["pack.scan"] * 30 + ["order.status"] * 20 + ["stock.move"] * 10
    + ["stock.allocate"] * 8 + ["cycle.count", "short_pick"]
)  # fmt: skip
NO_SKU = {"order.status", "cycle.count"}
AT_A_BIN = {"cycle.count", "short_pick"}


def build(path: Path, n_events: int, seed: int = 20261207) -> None:
    store = Store(f"sqlite:///{path}")
    store.create_schema()
    with store.unit_of_work() as uow:
        where = dict(address1="Lagergatan 1", city="Jönköping", zip="553 03", country_code="SE")
        uow.add(Warehouse(code="WH1", name="Bench DC", gs1_company_prefix="7350053", **where))
        bins = [
            Location(code=f"A-{i:02d}-1-A", kind=LocationKind.PICK, zone="A") for i in range(BINS)
        ]
        products = [Product(sku=f"SKU-{i:04d}", name=f"Product {i}") for i in range(SKUS)]
        for row in (*bins, *products):
            uow.add(row)
        uow.flush()
        rng = random.Random(seed)
        for p in products[:200]:
            move_stock(uow, SYSTEM, p, 10, from_loc=None, to_loc=rng.choice(bins),
                       reason=MovementReason.RECEIVED)  # fmt: skip
        uow.commit()
    store.dispose()
    rng = random.Random(seed + 1)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    rows = []
    for i in range(n_events):
        kind = rng.choice(KINDS)
        sku = "" if kind in NO_SKU else f"SKU-{rng.randrange(SKUS):04d}"
        loc = f"A-{rng.randrange(BINS):02d}-1-A" if kind in AT_A_BIN else ""
        at = (start + timedelta(seconds=3 * i)).strftime("%Y-%m-%d %H:%M:%S.000000")
        rows.append((at, kind, "Ana", "HH-1", sku, 1, loc))
    con = sqlite3.connect(path)
    con.executemany(
        "INSERT INTO event (at, kind, operator_name, terminal, sku, qty, location, order_name,"
        " from_state, to_state, from_location, to_location, delivery_ref, prior_terminal,"
        " prior_operator, detail) VALUES (?, ?, ?, ?, ?, ?, ?, '', '', '', '', '', '', '', '', '')",
        rows,
    )
    con.commit()
    con.execute("ANALYZE")
    con.close()


def measure(path: Path, repeat: int = 15) -> tuple[float, float, float]:
    """(history median ms, its CPU median ms, baseline count(*) median ms)."""
    store = Store(f"sqlite:///{path}")
    wall, cpu, base = [], [], []
    try:
        for i in range(repeat):
            sku = f"SKU-{(i * 37) % SKUS:04d}"
            t, c = time.perf_counter(), time.process_time()
            stock_history.row_history(store, sku)
            wall.append(1e3 * (time.perf_counter() - t))
            cpu.append(1e3 * (time.process_time() - c))
            t = time.perf_counter()
            with store.read() as s:
                s.execute(text("SELECT count(*) FROM orders")).one()
            base.append(1e3 * (time.perf_counter() - t))
    finally:
        store.dispose()
    return statistics.median(wall), statistics.median(cpu), statistics.median(base)


def run(quick: bool, n_events: int | None = None) -> list[Row]:
    n = n_events or (20_000 if quick else 1_000_000)
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "history.db"
        build(path, n)
        for label, drop in (("", False), (" without ix_event_sku_at", True)):
            if drop:
                con = sqlite3.connect(path)
                con.execute("DROP INDEX ix_event_sku_at")
                con.execute("ANALYZE")
                con.close()
            wall, cpu, base = measure(path)
            rows.append(
                Row(
                    f"stock row history, {n:,} events, sqlite{label}",
                    wall,
                    "ms",
                    baseline=base,
                    baseline_what="ms count(*) orders",
                    p50=wall,
                    ratio=wall / base if base else None,
                    note=f"median of 15 SKUs; CPU {cpu:.1f} ms",
                )
            )
    return rows


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    args = parser.parse_args()
    for row in run(False, args.events):
        print(f"{row.what}: {row.result:.1f} ms (baseline {row.baseline:.2f} ms), {row.note}")
