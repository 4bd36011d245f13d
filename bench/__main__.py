"""``python -m bench``: every benchmark, one table, one JSON file.

    python -m bench                      # seeded stores at 10 k, 100 k and 1 M order lines
    python -m bench --quick              # tiny sizes: proves each benchmark still runs
    python -m bench --only waves,labels  # some modules
    python -m bench --sizes 10k,100k     # other store sizes
    python -m bench --repeat 3           # each module three times: min / median / max
    python -m bench --no-pg              # SQLite only

Each module in MODULES has ``run(quick: bool) -> list[Row]``; a module that
is not there (another engineer's, not landed yet) is skipped with a note, and
one that fails is reported as failed without stopping the others. Seeded
stores are cached in ``bench/out/`` (rebuilt when the models or a builder
change). A full run writes ``bench/results/latest.json`` and shows the last
run's figures beside this one's (with ``--only``, only those modules' rows are
replaced); ``--quick`` writes ``bench/out/quick.json``.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import sys
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import common  # noqa: E402
from bench.common import Row  # noqa: E402

# In the order they run: the cheap ones first, so a broken build shows early.
MODULES = (
    "startup",
    "cartonization",
    "routing",
    "labels",
    "waves",
    "dispatch_overview",
    "pack_scan",
    "pick_scan",
    "pick_service",  # issue #21: the pick scan's service, whole cart vs the stop read
    "receive_scan",
    "imports",
    "load_terminals",  # issue #16
    "claim_cost",  # issue #16: what one claim costs at 1, 8 and 32 terminals
    "shop_sync_memory",  # issue #16: wms sync's memory flat as the shop grows
    "asn_import",  # issue #16: memory flat as the file grows
    "ssh_scan",  # issue #17
    "insight_dashboard",  # issue #20: the shift dashboard at 100 k orders, 1 M events
    "stock_history",  # issue #20: a stock row's history on a 1 M-event log
    "key_flood",  # 10,000 keys into a scan field, against Textual's Input
    "floor_day",  # issue #15: the simulated day, statements and CPU per order
)


def _parse_size(text: str) -> int:
    text = text.strip().lower().replace("_", "")
    factor = 1
    if text.endswith("k"):
        factor, text = 1_000, text[:-1]
    elif text.endswith("m"):
        factor, text = 1_000_000, text[:-1]
    return int(float(text) * factor)


def _merge(runs: list[list[Row]]) -> list[Row]:
    """Rows of repeated runs of one module: the median run's row, with every result."""
    by_what: dict[str, list[Row]] = {}
    for rows in runs:
        for row in rows:
            by_what.setdefault(row.what, []).append(row)
    merged = []
    for rows in by_what.values():
        ordered = sorted(rows, key=lambda r: r.result)
        mid = ordered[(len(ordered) - 1) // 2]
        mid.runs = [r.result for r in rows]
        merged.append(mid)
    return merged


def _fmt(value: float | None) -> str:
    if value is None:
        return ""
    if value >= 100:
        return f"{value:,.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def _result_text(row: Row) -> str:
    text = f"{_fmt(row.result)} {row.unit}"
    if row.p50 is not None:
        text += f" (p50 {_fmt(row.p50)})"
    if len(row.runs) > 1:
        text += f" [{_fmt(min(row.runs))}–{_fmt(max(row.runs))}]"
    return text


def _last_results(path: Path) -> dict[str, float]:
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    return {f"{r['module']}: {r['what']}": r["result"] for r in data.get("rows", [])}


def print_table(results: list[tuple[str, Row]], last: dict[str, float]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title="wms_tui benchmarks", title_justify="left", show_lines=False)
    for column in ("module", "what", "result", "baseline", "ratio", "target", "", "last run"):
        table.add_column(column, overflow="fold")
    for module, row in results:
        verdict = {True: "pass", False: "MISS", None: ""}[row.ok]
        baseline = ""
        if row.baseline is not None:
            baseline = f"{_fmt(row.baseline)} {row.baseline_what}".strip()
        previous = last.get(f"{module}: {row.what}")
        table.add_row(
            module,
            row.what + (f" — {row.note}" if row.note else ""),
            _result_text(row),
            baseline,
            f"{row.ratio:.2f}×" if row.ratio is not None else "",
            row.target,
            verdict,
            _fmt(previous) if previous is not None else "",
        )
    Console(width=max(160, os.get_terminal_size().columns if sys.stdout.isatty() else 160)).print(
        table
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes, no verdicts")
    parser.add_argument("--only", help="comma-separated module names")
    parser.add_argument("--sizes", help="order lines of the seeded stores, e.g. 10k,100k,1M")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each module")
    parser.add_argument("--no-pg", action="store_true", help="skip PostgreSQL")
    parser.add_argument("--json", type=Path, help="where to write the results")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    if args.sizes:
        try:
            common.set_sizes(_parse_size(s) for s in args.sizes.split(","))
        except ValueError:
            parser.error(f"--sizes: {args.sizes!r} is not a list like 10k,100k,1M")
    common.set_pg(not args.no_pg)
    names = MODULES
    if args.only:
        names = tuple(n.strip() for n in args.only.split(",") if n.strip())
        unknown = [n for n in names if n not in MODULES]
        if unknown:
            parser.error(f"unknown module(s): {', '.join(unknown)}; known: {', '.join(MODULES)}")
    out = args.json or (common.OUT / "quick.json" if args.quick else common.RESULTS / "latest.json")
    last = _last_results(out)

    results: list[tuple[str, Row]] = []
    skipped: list[dict[str, str]] = []
    started = time.perf_counter()
    for name in names:
        t0 = time.perf_counter()
        try:
            module = importlib.import_module(f"bench.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"bench.{name}":
                module = exc  # a module it needs is missing: a failure, reported below
            else:
                skipped.append({"module": name, "why": "not on this branch"})
                print(f"[{name}] skipped: not on this branch", flush=True)
                continue
        except Exception as exc:  # noqa: BLE001 - reported as this module's failure
            module = exc
        print(f"[{name}] running…", flush=True)
        try:
            if isinstance(module, Exception):
                raise module
            runs = [module.run(args.quick) for _ in range(args.repeat)]
        except Exception as exc:  # noqa: BLE001 - one broken benchmark must not hide the rest
            traceback.print_exc()
            skipped.append({"module": name, "why": f"failed: {exc!r}"[:300]})
            results.append((name, Row("FAILED", 0.0, "", note=repr(exc)[:120], ok=False)))
            continue
        rows = _merge(runs)
        results.extend((name, row) for row in rows)
        print(f"[{name}] {len(rows)} rows in {time.perf_counter() - t0:.0f} s", flush=True)

    print_table(results, last)
    for s in skipped:
        print(f"{s['module']}: {s['why']}")
    load = os.getloadavg() if hasattr(os, "getloadavg") else (float("nan"),) * 3
    print(
        f"{len(results)} rows in {time.perf_counter() - started:.0f} s; load average "
        f"{load[0]:.1f} on {os.cpu_count()} cores (a shared machine: compare ratios, "
        "repeat with --repeat 3)"
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    rows = [{"module": m, **row.as_json()} for m, row in results]
    if args.only and out.exists():
        # A partial run replaces its modules' rows and keeps the others'.
        try:
            kept = [r for r in json.loads(out.read_text())["rows"] if r["module"] not in names]
        except (OSError, ValueError, KeyError):
            kept = []
        rows = kept + rows
    payload = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "load_average": load[0],
        "quick": args.quick,
        "repeat": args.repeat,
        "sizes": list(common.sizes(args.quick)),
        "rows": rows,
        "skipped": skipped,
        "misses": sum(1 for r in rows if r["ok"] is False),
    }
    out.write_text(json.dumps(payload, indent=1, ensure_ascii=False) + "\n")
    print(f"written: {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}")
    return 1 if any(r.what == "FAILED" for _, r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
