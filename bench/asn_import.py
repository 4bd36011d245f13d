"""Benchmark: memory of the ASN import as the file grows (issue #16).

Run from the repository root::

    python -m bench --only asn_import            # 10 MB and 100 MB files
    python -m bench.asn_import [--mb 10,100] [--real]

Generates ASN files of the given sizes (deliveries of 40 lines over 2,000
SKUs, the rows of a delivery together, as exports write them), creates an
empty SQLite store with those products, and measures each step in a fresh
process, so its peak memory is its own (not ``ru_maxrss`` minus the process's RSS
before the step: imports peak higher than a small step); the process's max
RSS, or with ``BENCH_TRACE=1`` the peak of Python's own allocations traced by
``tracemalloc`` (exact, about six times slower):

* baseline: ``csv.reader`` over the file, counting rows (the floor);
* check: ``import_asn(..., dry_run=True)``: every row read and checked against
  the store, nothing written;
* import (``--real``): the same, written in one transaction.

Before streaming, the importer held the whole file, its text and every row:
620 MB for a 45 MB file. The figure to look at is the ratio between sizes:
flat memory means the 100 MB file needs about what the 10 MB file needs.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from bench.common import Row

ROOT = Path(__file__).resolve().parents[1]
N_PRODUCTS = 2000
LINES_PER_DELIVERY = 40


def generate(path: Path, megabytes: float, seed: int = 16) -> int:
    rnd = random.Random(seed)
    skus = [f"SKU-{i:05d}" for i in range(N_PRODUCTS)]
    target = int(megabytes * 1_000_000)
    rows = 0
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["reference", "supplier", "expected_date", "sku", "quantity"])
        n = 0
        while fh.tell() < target:
            n += 1
            supplier = "Nordic Tees AB" if n % 2 else "한옥리빙 주식회사"
            for sku in rnd.sample(skus, LINES_PER_DELIVERY):
                w.writerow([f"PO-{n:07d}", supplier, "2026-12-24", sku, rnd.randint(1, 48)])
                rows += 1
    return rows


def make_store(folder: Path) -> str:
    sys.path.insert(0, str(ROOT))
    from wms_tui.domain.models import Product
    from wms_tui.store import Store

    url = f"sqlite:///{folder / 'wms.db'}"
    store = Store(url)
    store.create_schema()
    with store.unit_of_work() as uow:
        for i in range(N_PRODUCTS):
            uow.add(Product(sku=f"SKU-{i:05d}", name=f"Product {i}"))
        uow.commit()
    store.dispose()
    return url


def _child(step: str, url: str, path: str) -> None:
    """Run one step and print its figures as JSON (in a fresh process)."""
    sys.path.insert(0, str(ROOT))
    from wms_tui.domain.actor import SYSTEM
    from wms_tui.services.receiving.asn import import_asn
    from wms_tui.store import Store

    store = Store(url)
    if os.environ.get("BENCH_TRACE"):
        tracemalloc.start()  # exact, but about 6x slower
    start = time.perf_counter()
    if step == "baseline":
        with open(path, encoding="utf-8", newline="") as fh:
            n = sum(1 for _ in csv.reader(fh))
    else:
        n = len(import_asn(store, SYSTEM, Path(path), dry_run=step == "check"))
    took = time.perf_counter() - start
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    peak = tracemalloc.get_traced_memory()[1] // 1024 if tracemalloc.is_tracing() else rss
    print(json.dumps({"n": n, "seconds": took, "peak_kib": peak, "rss_kib": rss}))


def measure(step: str, url: str, path: Path) -> dict:
    out = subprocess.run(
        [sys.executable, "-m", "bench.asn_import", "--child", step, url, str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def run(quick: bool, sizes_mb: tuple[float, ...] = (10, 100), real: bool = False) -> list[Row]:
    if quick:
        sizes_mb = (0.2, 2)
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        peaks: dict[str, list[float]] = {}
        for mb in sizes_mb:
            store_dir = folder / f"s{mb}"
            store_dir.mkdir()
            url = make_store(store_dir)
            path = folder / f"asn_{mb}mb.csv"
            n_rows = generate(path, mb)
            for step in ("baseline", "check", *(("import",) if real else ())):
                got = measure(step, url, path)
                peaks.setdefault(step, []).append(got["peak_kib"])
                rows.append(
                    Row(
                        f"asn {step} {mb:g} MB ({n_rows:,} rows)",
                        got["peak_kib"] / 1024,
                        "MB peak",
                        note=f"{got['seconds']:.1f} s; max RSS {got['rss_kib'] / 1024:.0f} MB",
                    )
                )
        for step, values in peaks.items():
            if len(values) == 2 and values[0] > 0:
                rows.append(
                    Row(
                        f"asn {step}: peak at {sizes_mb[1]:g} MB / at {sizes_mb[0]:g} MB",
                        values[1] / values[0],
                        "×",
                    )
                )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--child", nargs=3)
    parser.add_argument("--mb", default="10,100")
    parser.add_argument("--real", action="store_true")
    args = parser.parse_args()
    if args.child:
        _child(*args.child)
        return
    sizes_mb = tuple(float(x) for x in args.mb.split(","))
    for row in run(False, sizes_mb, args.real):
        print(f"{row.what:55} {row.result:10.1f} {row.unit:8} {row.note}")


if __name__ == "__main__":
    main()
