"""Benchmark: importing a big Shopify orders export.

Run from the repository root::

    python bench/bench_import.py [--lines 100000] [--products 2000] [--keep DIR]

Generates, in a temporary folder, a products export and an orders export in
Shopify's 79-column layout (about 2.5 lines per order, Korean and Swedish names,
quoted commas, multi-line notes on every 10th order, a BOM), creates an empty
SQLite store (``wms init``) and imports the products. Then it measures, each
step in a fresh process so peak memory is the step's own:

* baseline: ``csv.reader`` over the orders file, counting rows (nothing else);
* parse: ``shopify_csv.parse_orders`` with the SKU check, records discarded;
* import: ``order_import.import_orders`` into the empty store (both passes,
  without the release step: the orders are created "now", inside their grace period);
* re-import: the same file again (every order unchanged: read and compare only);
* import at a quarter of the size, to show memory does not grow with the file;
* release: 2,000 of those orders once their grace period is over (allocation,
  one order at a time), for scale: the import itself does not release them.

Peak memory is the step's ``ru_maxrss`` minus the process's RSS before the step
(the interpreter and imported modules), on Linux in KiB.
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
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

HEADER_SOURCE = ROOT / "tests" / "fixtures" / "shopify" / "orders.csv"
PRODUCT_HEADER_SOURCE = ROOT / "tests" / "fixtures" / "shopify" / "products.csv"

NAMES = (
    "Åsa Öberg",
    "김민준",
    "Björn Ängström",
    "이서연",
    "Jack Murphy",
    "Märta Sjöberg",
    "박지훈",
    "Lea Schmidt",
)
CITIES = (
    ("Göteborg", "SE", "412 54"),
    ("서울특별시 강남구", "KR", "06236"),
    ("Malmö", "SE", "211 34"),
)
METHODS = ("PostNord MyPack Collect", "CJ Express", "DHL Express Worldwide", "Hämta i butik")


def _header(path: Path) -> list[str]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return next(csv.reader(fh))


def generate(folder: Path, n_lines: int, n_products: int, seed: int = 7) -> tuple[Path, Path]:
    rnd = random.Random(seed)
    products = folder / "products.csv"
    p_header = _header(PRODUCT_HEADER_SOURCE)
    skus = [f"SKU-{i:05d}" for i in range(n_products)]
    with open(products, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(p_header)
        ix = {c: i for i, c in enumerate(p_header)}
        for i, sku in enumerate(skus):
            row = [""] * len(p_header)
            row[ix["Handle"]] = f"product-{i}"
            row[ix["Title"]] = f"Ullsockor Åre {i}" if i % 2 else f"한지 노트 {i}"
            row[ix["Option1 Name"]] = "Title"
            row[ix["Option1 Value"]] = "Default Title"
            row[ix["Variant SKU"]] = sku
            row[ix["Variant Grams"]] = str(100 + i % 900)
            w.writerow(row)

    orders = folder / "orders.csv"
    header = _header(HEADER_SOURCE)
    ix = {c: i for i, c in enumerate(header)}
    now = datetime.now(UTC).astimezone()
    written, n = 0, 0
    with open(orders, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        while written < n_lines:
            n += 1
            k = min(rnd.choice((1, 1, 2, 3, 4, 4)), n_lines - written)
            created = (now - timedelta(seconds=rnd.randint(0, 600))).strftime(
                "%Y-%m-%d %H:%M:%S %z"
            )
            name = NAMES[n % len(NAMES)]
            city, country, zip_ = CITIES[n % len(CITIES)]
            for j, sku in enumerate(rnd.sample(skus, k)):
                row = [""] * len(header)
                row[ix["Name"]] = f"#{100000 + n}"
                row[ix["Email"]] = f"customer{n}@example.com"
                row[ix["Created at"]] = created
                row[ix["Lineitem quantity"]] = str(rnd.randint(1, 3))
                row[ix["Lineitem name"]] = f"Item {sku}, size M"
                row[ix["Lineitem price"]] = "199.00"
                row[ix["Lineitem sku"]] = sku
                row[ix["Lineitem requires shipping"]] = "true"
                if j == 0:
                    row[ix["Financial Status"]] = "paid" if n % 25 else "pending"
                    row[ix["Fulfillment Status"]] = "unfulfilled"
                    row[ix["Shipping Method"]] = METHODS[n % len(METHODS)]
                    row[ix["Shipping Name"]] = name
                    row[ix["Shipping Address1"]] = f"Storgatan {n % 90 + 1}, lgh 1102"
                    row[ix["Shipping City"]] = city
                    row[ix["Shipping Zip"]] = zip_
                    row[ix["Shipping Country"]] = country
                    row[ix["Tags"]] = "vip, split-ok" if n % 7 == 0 else ""
                    if n % 10 == 0:
                        row[ix["Notes"]] = (
                            "Ring på porttelefonen, tack!\n부재 시 경비실에 맡겨 주세요."
                        )
                w.writerow(row)
                written += 1
    return products, orders


def _rss_kib() -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def step(name: str, db: str, path: str) -> dict:
    """Run one measured step in this process (called in a child)."""
    from wms_tui.services.order_import import import_orders
    from wms_tui.services.shopify_csv import parse_orders
    from wms_tui.store import Store

    store = Store(db)
    with store.read() as session:
        from wms_tui.services.order_import import load_skus

        skus = load_skus(session)
    before = _rss_kib()
    t0 = time.perf_counter()
    detail = ""
    if name == "baseline":
        with open(path, encoding="utf-8-sig", newline="") as fh:
            rows = sum(1 for _ in csv.reader(fh)) - 1
        detail = f"{rows:,} rows"
    elif name == "parse":
        orders = errors = 0
        for item in parse_orders(path, known_skus=skus.__contains__):
            if hasattr(item, "reason"):
                errors += 1
            else:
                orders += 1
        detail = f"{orders:,} orders, {errors} errors"
    elif name == "release":
        from datetime import timedelta

        from wms_tui.domain.clock import utcnow
        from wms_tui.services.allocation import release_due_orders

        # An hour later every imported order is past its grace period.
        result = release_due_orders(store, now=utcnow() + timedelta(hours=1), max_orders=2000)
        detail = ", ".join(f"{len(v):,} {k}" for k, v in result.items() if v)
    else:
        report = import_orders(store, path, release=False)
        assert report.ok, (report.file_error, report.errors[:3])
        counts = {k: t.count for k, t in report.tallies.items()}
        detail = ", ".join(f"{v:,} {k}" for k, v in counts.items())
    seconds = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    store.dispose()
    return {"seconds": seconds, "peak_kib": max(0, peak - before), "detail": detail}


def run_child(name: str, db: str, path: Path) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--step", name, "--db", db, "--file", str(path)],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def fresh_store(folder: Path, products: Path, tag: str) -> str:
    from wms_tui.services.product_import import import_products
    from wms_tui.services.setup import init_store

    db = f"sqlite:///{folder / f'wms-{tag}.db'}"
    store, _ = init_store(db)
    report = import_products(store, products)
    assert report.ok, report.errors[:3]
    store.dispose()
    return db


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--lines", type=int, default=100_000)
    ap.add_argument("--products", type=int, default=2_000)
    ap.add_argument("--keep", type=Path, help="write the files here and keep them")
    ap.add_argument("--step", help=argparse.SUPPRESS)
    ap.add_argument("--db", help=argparse.SUPPRESS)
    ap.add_argument("--file", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.step:
        print(json.dumps(step(args.step, args.db, args.file)))
        return

    from rich.console import Console
    from rich.table import Table

    console = Console(width=120)
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        t0 = time.perf_counter()
        products, orders = generate(folder, args.lines, args.products)
        (folder / "quarter").mkdir(exist_ok=True)
        quarter_products, quarter = generate(folder / "quarter", args.lines // 4, args.products)
        console.print(
            f"Generated {args.lines:,} order lines ({orders.stat().st_size / 1e6:.1f} MB) and "
            f"{args.products:,} products in {time.perf_counter() - t0:.1f} s"
        )
        db = fresh_store(folder, products, "full")
        db_quarter = fresh_store(folder, quarter_products, "quarter")
        results = [
            ("csv.reader baseline", args.lines, run_child("baseline", db, orders)),
            ("parse_orders", args.lines, run_child("parse", db, orders)),
            ("import_orders (new)", args.lines, run_child("import", db, orders)),
            ("import_orders (again)", args.lines, run_child("import", db, orders)),
            ("import_orders (¼ size)", args.lines // 4, run_child("import", db_quarter, quarter)),
            ("release 2,000 due orders", 0, run_child("release", db_quarter, quarter)),
        ]
    base = results[0][2]["seconds"]
    table = Table(title=f"Shopify orders import, {args.lines:,} lines", title_justify="left")
    for column in ("Step", "Lines", "Seconds", "Lines/s", "× baseline", "Peak MiB", "Result"):
        table.add_column(column, justify="left" if column in ("Step", "Result") else "right")
    for label, lines, r in results:
        table.add_row(
            label,
            f"{lines:,}" if lines else "",
            f"{r['seconds']:.2f}",
            f"{lines / r['seconds']:,.0f}" if lines else "",
            f"{r['seconds'] / base:.1f}" if lines else "",
            f"{r['peak_kib'] / 1024:.1f}",
            r["detail"],
        )
    console.print(table)


if __name__ == "__main__":
    main()
