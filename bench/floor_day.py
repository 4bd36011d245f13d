"""The simulated floor day (issue #15): what one order costs the services.

    python -m bench.floor_day [--orders 100] [--seed 2] [--baseline REV] [--pg]

Runs ``simulate_day`` twice on fresh stores, same seed: once with the code of
git revision ``--baseline`` (its tree unpacked into a temporary folder) and
once with this checkout's, each in a child process of its own (the same
imports, caches and pools for both). Each run counts the SQL statements sent
(BEGIN and the store-identity check included), the ORM rows built and the
process's CPU time around the day; the table gives per-order figures and the
ratio today / baseline. Both days run on a stopped clock, so the same seed
walks the same orders as long as the changes between the two revisions decide
nothing differently (the end states are compared and printed). ``--pg`` runs
them on PostgreSQL, in throw-away schemas of the benchmark's own database
(``WMS_BENCH_DB``); CPU is the client's only there.

Statements are counted on ``store.engine`` alone: a unit of work runs on an
engine derived from it with ``execution_options``, which shares its event
listeners, so listening on both counted every write transaction's statements
twice (the figures before 7 Dec 2026 18:30 UTC in docs/performance.md are
inflated that way).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.common import PgSchema, Row  # noqa: E402

QUICK_ORDERS = 4  # the quick run proves both days run, not their figures
FULL_ORDERS = 100
DAY = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)  # a Wednesday morning
# The revision before session 7's statement cuts (move_stock, the pick scan's view, …).
BASELINE = "020093d"


# --------------------------------------------------------------------------- one day (child)


def _child(url: str, orders: int, seed: int) -> dict:
    """One day in this process, with whichever ``wms_tui`` is first on sys.path."""
    import time

    from sqlalchemy import event
    from sqlalchemy.orm import Mapper

    from wms_tui.domain import clock
    from wms_tui.services.demo.simulate import simulate_day
    from wms_tui.store import Store

    store = Store(url)
    store.create_schema()
    counts = {"statements": 0, "rows": 0}

    def on_statement(*_: object) -> None:
        counts["statements"] += 1

    def on_load(*_: object) -> None:
        counts["rows"] += 1

    event.listen(store.engine, "before_cursor_execute", on_statement)
    event.listen(Mapper, "load", on_load)
    cpu = time.process_time()
    try:
        # A stopped clock: on the wall clock a slow run crosses a carrier's
        # cut-off or the paused-task limit another run does not.
        with clock.pinned(DAY):
            report = simulate_day(store, orders=orders, seed=seed)
    finally:
        counts["cpu"] = time.process_time() - cpu
        store.dispose()
    counts["statuses"] = dict(report.statuses)
    counts["ok"] = report.ok
    return counts


def _run_child(tree: Path, url: str, orders: int, seed: int) -> dict:
    env = dict(os.environ, PYTHONPATH=str(tree))
    out = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--child", str(tree), url]
        + ["--orders", str(orders), "--seed", str(seed)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        raise RuntimeError(f"the day at {tree} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _unpack(rev: str, into: Path) -> Path | None:
    """``rev``'s tree in ``into``, or None when git cannot give it."""
    try:
        data = subprocess.run(
            ["git", "-C", str(ROOT), "archive", rev, "wms_tui"],
            capture_output=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    with tarfile.open(fileobj=BytesIO(data)) as tar:
        tar.extractall(into, filter="data")
    # A tree from before the demo's CSVs were package data reads them from the
    # checkout's data/demo (beside the package), which the archive of wms_tui leaves
    # out: it gets today's files (they moved unchanged).
    seeds = into / "wms_tui" / "demo_data"
    if not (seeds / "orders.csv").is_file():
        shutil.copytree(ROOT / "wms_tui" / "demo_data", into / "data" / "demo")
    return into


def _url(folder: Path, tag: str, pg: bool) -> tuple[str, PgSchema | None]:
    if pg:
        schema = PgSchema(f"floorday_{tag}")
        return schema.url, schema
    return f"sqlite:///{folder / f'{tag}.db'}", None


def run(
    quick: bool,
    orders: int | None = None,
    seed: int = 2,
    baseline: str = BASELINE,
    pg: bool = False,
) -> list[Row]:
    n = orders or (QUICK_ORDERS if quick else FULL_ORDERS)
    results: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="wms-floor-day-") as tmp:
        folder = Path(tmp)
        trees = {"today": ROOT}
        old = _unpack(baseline, folder / "baseline")
        if old is not None:
            trees = {"baseline": old, **trees}
        for tag, tree in trees.items():
            url, schema = _url(folder, tag, pg)
            try:
                results[tag] = _run_child(tree, url, n, seed)
            finally:
                if schema is not None:
                    schema.drop()
    new, old_r = results["today"], results.get("baseline")
    checks = "pass" if new["ok"] else "FAIL"
    store = "PostgreSQL" if pg else "SQLite"
    note = f"{n} orders, seed {seed}, {store}; checks {checks}"
    before = f"the same day at {baseline}"
    if old_r is not None:
        note += f"; same end states as {baseline}: {old_r['statuses'] == new['statuses']}"

    def base(key: str, scale: float = 1.0) -> float | None:
        return scale * old_r[key] / n if old_r is not None else None

    return [
        Row(
            f"floor day: SQL statements per order ({n} orders)",
            new["statements"] / n,
            "stmts",
            baseline=base("statements"),
            baseline_what=before,
            note=note,
        ),
        Row(
            "floor day: ORM rows built per order",
            new["rows"] / n,
            "rows",
            baseline=base("rows"),
            baseline_what=before,
        ),
        Row(
            "floor day: CPU per order",
            1000 * new["cpu"] / n,
            "ms",
            baseline=base("cpu", 1000),
            baseline_what=before,
        ),
    ]


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        # The tree given goes first: the child measures that revision's wms_tui.
        sys.path.insert(0, sys.argv[2])
        for name in [m for m in sys.modules if m == "wms_tui" or m.startswith("wms_tui.")]:
            del sys.modules[name]
        parser = argparse.ArgumentParser()
        parser.add_argument("--orders", type=int)
        parser.add_argument("--seed", type=int)
        args = parser.parse_args(sys.argv[4:])
        print(json.dumps(_child(sys.argv[3], args.orders, args.seed)))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=FULL_ORDERS)
    parser.add_argument("--seed", type=int, default=2)
    parser.add_argument("--baseline", default=BASELINE, help="git revision to compare with")
    parser.add_argument("--pg", action="store_true", help="on PostgreSQL (WMS_BENCH_DB)")
    args = parser.parse_args()
    for row in run(False, args.orders, args.seed, args.baseline, args.pg):
        base = f"{row.baseline:10.1f}  ratio {row.ratio:.2f}" if row.baseline else "(no baseline)"
        print(f"{row.what:<52} {row.result:10.1f} {row.unit:<6} before {base}  {row.note}")


if __name__ == "__main__":
    main()
