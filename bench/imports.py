"""Benchmark: importing a big Shopify orders export.

Run from the repository root::

    python -m bench --only imports      # at every seeded size, and the release
    python -m bench.imports [--lines 100000] [--products 2000] [--keep DIR]

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
* import at a quarter of the size, to show memory does not grow with the file.

Then the release of the ``--release`` most urgent orders (default 2,000) of the
full-size import once its grace period is over, with stock: every product has a pick bin
and a bulk bin holding 0–6 units each (some pick bins flagged for a count, so
left out), so orders are allocated, backordered, split (``split-ok``) or held
(unpaid). Each variant runs on its own copy of that store, with the clock
frozen, in a fresh process:

* release baseline: the same number of orders "released" in plain SQL with the
  stdlib ``sqlite3`` in one transaction: read the due orders in ranking order,
  their lines and the candidate stock in three queries, then write what an
  allocated order writes (status, one event per order and per line, an
  allocation per line, line and stock counters) with ``executemany``. No rules,
  no ORM: the floor for "release N orders";
* release one by one: ``allocate_order`` for each order in turn, in
  transactions of 200 (how ``release_due_orders`` worked before it loaded a
  batch's stock at once);
* release_due_orders: the service as it is.

The last two must leave identical databases (every row of every table is
compared); the table says so.

Peak memory is the step's ``ru_maxrss`` minus the process's RSS before the step
(the interpreter and imported modules), on Linux in KiB.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import random
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.common import OUT, Row, human, sizes

ROOT = Path(__file__).resolve().parents[1]

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
# The release steps run at this frozen time, an hour after the orders were made
# (the same in every child process, so their databases can be compared).
os.environ.setdefault(
    "BENCH_RELEASE_AT", (datetime.now(UTC).replace(microsecond=0) + timedelta(hours=1)).isoformat()
)
RELEASE_AT = datetime.fromisoformat(os.environ["BENCH_RELEASE_AT"])


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
    from wms_tui.adapters.shopify.csv_format import parse_orders
    from wms_tui.services.intake.order_import import import_orders
    from wms_tui.store import Store

    store = Store(db)
    with store.read() as session:
        from wms_tui.services.intake.order_records import load_skus

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
    elif name.startswith("release"):
        detail = release_step(name, store, int(path))
    else:
        report = import_orders(store, path, release=False)
        assert report.ok, (report.file_error, report.errors[:3])
        counts = {k: t.count for k, t in report.tallies.items()}
        detail = ", ".join(f"{v:,} {k}" for k, v in counts.items())
    seconds = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    store.dispose()
    return {"seconds": seconds, "peak_kib": max(0, peak - before), "detail": detail}


def release_step(name: str, store, n: int) -> str:
    """One release variant on ``store`` (a copy of the stocked store)."""
    from wms_tui.domain.clock import set_clock
    from wms_tui.services.intake import release

    set_clock(lambda: RELEASE_AT)
    if name == "release-baseline":
        return release_in_plain_sql(str(store.engine.url.database), n)
    if name == "release-one-by-one":
        result = release_one_by_one(store, n)
    else:
        result = release.release_due_orders(store, now=RELEASE_AT, max_orders=n)
    return ", ".join(f"{len(v):,} {k}" for k, v in result.items() if v)


def release_one_by_one(store, n: int, batch_size: int = 200) -> dict[str, list[str]]:
    """The release as it was: ``allocate_order`` per order, its own queries each time."""
    from sqlmodel import col, select

    from wms_tui.domain.actor import SYSTEM
    from wms_tui.domain.enums import OrderStatus
    from wms_tui.domain.models import Order, Service
    from wms_tui.services.core import events, priority
    from wms_tui.services.intake.release import HOLD_FINANCIAL
    from wms_tui.services.inventory.allocation import allocate_order

    result: dict[str, list[str]] = {"ready": [], "backordered": [], "held": []}
    done = 0
    while done < n:
        with store.unit_of_work() as uow:
            orders = uow.session.exec(
                select(Order)
                .outerjoin(Service, col(Service.id) == Order.service_id)
                .where(
                    Order.status == OrderStatus.NEW,
                    col(Order.release_at).is_not(None),
                    col(Order.release_at) <= RELEASE_AT,
                )
                .order_by(*priority.order_by())
                .limit(min(batch_size, n - done))
            ).all()
            for order in orders:
                if order.financial_status.lower() in HOLD_FINANCIAL:
                    order.hold_reason = f"payment {order.financial_status}"
                    events.change_status(
                        uow, order, OrderStatus.ON_HOLD, SYSTEM, detail=order.hold_reason
                    )
                    result["held"].append(order.name)
                    continue
                missing = allocate_order(uow, order, SYSTEM)
                result["backordered" if missing else "ready"].append(order.name)
            uow.commit()
        done += len(orders)
        if len(orders) < batch_size:
            break
    return result


def release_in_plain_sql(path: str, n: int) -> str:
    """The floor: a release's reads and writes in plain SQL, no rules (see the docstring)."""
    at = RELEASE_AT.strftime("%Y-%m-%d %H:%M:%S.%f")
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("BEGIN IMMEDIATE")
    orders = con.execute(
        "SELECT o.id, o.name FROM orders o LEFT JOIN service s ON s.id = o.service_id "
        "WHERE o.status = 'NEW' AND o.release_at IS NOT NULL AND o.release_at <= ? "
        "ORDER BY o.priority DESC, o.promised_ship_date IS NULL, o.promised_ship_date, "
        "s.cutoff IS NULL, s.cutoff, s.express IS NULL, s.express DESC, o.created_at, o.id "
        "LIMIT ?",
        (at, n),
    ).fetchall()
    names = dict(orders)
    ids = ",".join(str(i) for i, _ in orders) or "0"
    lines = con.execute(
        f"SELECT id, order_id, product_id, sku, quantity FROM orderline WHERE order_id IN ({ids}) "
        "ORDER BY order_id, line_no"
    ).fetchall()
    pids = ",".join(sorted({str(p) for _, _, p, _, _ in lines})) or "0"
    first_bin: dict[int, tuple[int, int]] = {}
    for sid, pid, loc in con.execute(
        "SELECT st.id, st.product_id, st.location_id FROM stock st "
        f"JOIN location l ON l.id = st.location_id WHERE st.product_id IN ({pids}) "
        # As text: with a plain kind IN (...) SQLite drives the join from the
        # location-kind index and probes stock per product at every location.
        "AND CAST(l.kind AS VARCHAR) IN ('PICK', 'BULK') AND l.active "
        "AND NOT l.cycle_count_flag "
        "AND st.qty > st.allocated ORDER BY st.product_id, l.kind = 'BULK', "
        "st.first_received_at, l.code"
    ):
        first_bin.setdefault(pid, (sid, loc))
    event = (
        "INSERT INTO event (at, kind, operator_name, terminal, order_id, order_name, sku, qty, "
        "from_state, to_state, location, from_location, to_location, delivery_ref, "
        "prior_terminal, prior_operator, detail) "
        "VALUES (?, ?, 'system', '', ?, ?, ?, ?, ?, ?, '', '', '', '', '', '', ?)"
    )
    allocs, line_updates, stock_updates, line_events = [], [], [], []
    for line_id, order_id, pid, sku, qty in lines:
        sid, loc = first_bin.get(pid, (None, None))
        if sid is None:
            continue
        allocs.append((line_id, pid, loc, qty))
        line_updates.append((qty, line_id))
        stock_updates.append((qty, sid))
        line_events.append((at, "stock.allocate", order_id, names[order_id], sku, qty, "", "", ""))
    con.executemany(
        "INSERT INTO allocation (order_line_id, product_id, location_id, qty, qty_picked) "
        "VALUES (?, ?, ?, ?, 0)",
        allocs,
    )
    con.executemany(
        "UPDATE orderline SET qty_allocated = qty_allocated + ? WHERE id = ?", line_updates
    )
    con.executemany("UPDATE stock SET allocated = allocated + ? WHERE id = ?", stock_updates)
    con.executemany(event, line_events)
    con.executemany(
        "UPDATE orders SET status = 'READY_TO_PICK', status_changed_at = ? WHERE id = ?",
        [(at, i) for i, _ in orders],
    )
    con.executemany(
        event,
        [
            (at, "order.status", i, name, "", None, "NEW", "READY_TO_PICK", "allocated")
            for i, name in orders
        ],
    )
    con.execute("COMMIT")
    con.close()
    return f"{len(orders):,} orders, {len(allocs):,} allocations"


def stock_up(db: str, seed: int = 11) -> None:
    """A pick and a bulk bin per product with 0-6 units each; every 40th pick bin flagged."""
    from sqlmodel import select

    from wms_tui.domain.actor import SYSTEM
    from wms_tui.domain.enums import LocationKind, MovementReason
    from wms_tui.domain.models import Location, Product
    from wms_tui.services.inventory.stock import move_stock
    from wms_tui.store import Store

    rnd = random.Random(seed)
    store = Store(db)
    with store.unit_of_work() as uow:
        for i, product in enumerate(uow.session.exec(select(Product).order_by(Product.id)).all()):
            pick = Location(code=f"A-{i:04d}", zone="A", kind=LocationKind.PICK)
            bulk = Location(code=f"R-{i:04d}", zone="R", kind=LocationKind.BULK)
            pick.cycle_count_flag = i % 40 == 0
            uow.add(pick)
            uow.add(bulk)
            uow.flush()
            for loc in (pick, bulk):
                if qty := rnd.randint(0, 6):
                    move_stock(
                        uow, SYSTEM, product, qty, from_loc=None, to_loc=loc,
                        reason=MovementReason.RECEIVED,
                    )  # fmt: skip
        uow.commit()
    store.dispose()


def copy_store(db: str, tag: str) -> str:
    """A copy of a (closed, checkpointed) SQLite store next to it."""
    src = Path(db.removeprefix("sqlite:///"))
    con = sqlite3.connect(src)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    dst = src.with_name(f"{src.stem}-{tag}.db")
    shutil.copy(src, dst)
    return f"sqlite:///{dst}"


def digest(db: str) -> str:
    """Every row of every table, hashed: two stores with the same digest hold the same data."""
    con = sqlite3.connect(db.removeprefix("sqlite:///"))
    h = hashlib.sha256()
    tables = [
        r[0]
        for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    ]
    for table in tables:
        h.update(table.encode())
        for row in con.execute(f'SELECT * FROM "{table}" ORDER BY rowid'):
            h.update(repr(row).encode())
    con.close()
    return h.hexdigest()


def run_child(name: str, db: str, path: Path) -> dict:
    out = subprocess.run(
        [sys.executable, "-m", "bench.imports", "--step", name, "--db", db, "--file", str(path)],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def fresh_store(folder: Path, products: Path, tag: str) -> str:
    from wms_tui.services.intake.product_import import import_products
    from wms_tui.services.setup.store_init import init_store

    db = f"sqlite:///{folder / f'wms-{tag}.db'}"
    store, _ = init_store(db)
    report = import_products(store, products)
    assert report.ok, report.errors[:3]
    store.dispose()
    return db


def run(quick: bool) -> list[Row]:
    """Import time and peak memory at every seeded size; the release at the largest."""
    n_products = 200 if quick else 2_000
    rows: list[Row] = []
    peaks: list[tuple[int, float, float]] = []  # (lines, parse MiB, import MiB)
    release_db: str | None = None
    release_n = 40 if quick else 2_000
    with tempfile.TemporaryDirectory() as tmp:
        for lines in sizes(quick):
            folder = OUT / f"import-{lines}-{n_products}"
            products, orders = folder / "products.csv", folder / "orders.csv"
            if not orders.exists():
                folder.mkdir(parents=True, exist_ok=True)
                generate(folder, lines, n_products)
            db = fresh_store(Path(tmp), products, str(lines))
            base = run_child("baseline", db, orders)
            parse = run_child("parse", db, orders)
            new = run_child("import", db, orders)
            again = run_child("import", db, orders)
            peaks.append((lines, parse["peak_kib"] / 1024, new["peak_kib"] / 1024))
            size = human(lines)
            rows.append(
                Row(
                    f"Shopify orders import, {size} lines",
                    new["seconds"],
                    "s",
                    baseline=base["seconds"],
                    baseline_what="s csv.reader",
                    target="< 10 s at 100 k lines" if lines == 100_000 else "",
                    ok=(new["seconds"] < 10) if lines == 100_000 and not quick else None,
                    note=f"peak {new['peak_kib'] / 1024:.0f} MiB; {new['detail']}",
                )
            )
            rows.append(
                Row(
                    f"Shopify orders import again (unchanged), {size} lines",
                    again["seconds"],
                    "s",
                    baseline=base["seconds"],
                    baseline_what="s csv.reader",
                )
            )
            release_db = db
        if release_db is not None:
            stock_up(release_db)
            kinds = ("release-baseline", "release")
            copies = {kind: copy_store(release_db, kind) for kind in kinds}
            n = Path(str(release_n))
            done = {kind: run_child(kind, copies[kind], n) for kind in kinds}
            ratio = done["release"]["seconds"] / done["release-baseline"]["seconds"]
            rows.append(
                Row(
                    f"release of the {release_n:,} most urgent due orders",
                    release_n / done["release"]["seconds"],
                    "orders/s",
                    baseline=release_n / done["release-baseline"]["seconds"],
                    baseline_what="/s plain SQL",
                    target="≤ 3× plain SQL's time",
                    ok=None if quick else ratio <= 3,
                    note=done["release"]["detail"],
                )
            )
    first = peaks[0]
    for lines, parse_mib, import_mib in peaks:
        flat = None if quick or lines == first[0] else import_mib <= 1.5 * max(first[2], 1)
        rows.append(
            Row(
                f"import peak memory, {human(lines)} lines",
                import_mib,
                "MiB",
                baseline=first[2],
                baseline_what=f"MiB at {human(first[0])}",
                target="flat as the file grows (≤ 1.5×)",
                ok=flat,
                note=f"parser alone {parse_mib:.0f} MiB",
            )
        )
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--lines", type=int, default=100_000)
    ap.add_argument("--products", type=int, default=2_000)
    ap.add_argument("--release", type=int, default=2_000, help="orders to release")
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
        ]
        stock_up(db)
        n = Path(str(args.release))
        kinds = ("release-baseline", "release-one-by-one", "release")
        copies = {kind: copy_store(db, kind) for kind in kinds}
        releases = {kind: run_child(kind, copies[kind], n) for kind in kinds}
        same = digest(copies["release-one-by-one"]) == digest(copies["release"])
    base = results[0][2]["seconds"]
    table = Table(title=f"Shopify orders import, {args.lines:,} lines", title_justify="left")
    for column in ("Step", "Lines", "Seconds", "Lines/s", "× baseline", "Peak MiB", "Result"):
        table.add_column(column, justify="left" if column in ("Step", "Result") else "right")
    for label, lines, r in results:
        table.add_row(
            label,
            f"{lines:,}",
            f"{r['seconds']:.2f}",
            f"{lines / r['seconds']:,.0f}",
            f"{r['seconds'] / base:.1f}",
            f"{r['peak_kib'] / 1024:.1f}",
            r["detail"],
        )
    console.print(table)

    base = releases["release-baseline"]["seconds"]
    table = Table(
        title=f"Release of the {args.release:,} most urgent due orders (full import, stocked)",
        title_justify="left",
    )
    for column in ("Step", "Seconds", "Orders/s", "× baseline", "Peak MiB", "Result"):
        table.add_column(column, justify="left" if column in ("Step", "Result") else "right")
    labels = {
        "release-baseline": "plain SQL baseline",
        "release-one-by-one": "one order at a time",
        "release": "release_due_orders",
    }
    for kind, r in releases.items():
        table.add_row(
            labels[kind],
            f"{r['seconds']:.2f}",
            f"{args.release / r['seconds']:,.0f}",
            f"{r['seconds'] / base:.1f}",
            f"{r['peak_kib'] / 1024:.1f}",
            r["detail"],
        )
    console.print(table)
    console.print(
        "one order at a time and release_due_orders left "
        + ("identical databases" if same else "[bold red]DIFFERENT databases[/]")
    )


if __name__ == "__main__":
    main()
