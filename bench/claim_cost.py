"""What one pick claim costs, at 1, 8 and 32 terminals claiming at once.

The load benchmark (``load_terminals.py``) says how long a claim waits on a
loaded machine; this one says why: per claim, the statements sent, the CPU
the terminal's Python spent and the CPU its PostgreSQL backend spent (read
from ``/proc`` when the server runs on this machine), and the wall time. A
claim that costs less CPU waits less when 32 terminals share two cores.

Each terminal is an OS process with its own engine and picker; they start
together at a barrier and claim back to back (no pauses: the worst case for
the queue). After each claim the task is marked done with one raw UPDATE,
outside the measurement, so the next claim takes a fresh task from the queue
as a picker starting their next cart would.

    PYTHONPATH=. python bench/claim_cost.py                  # PostgreSQL, 1 / 8 / 32 terminals
    PYTHONPATH=. python bench/claim_cost.py --quick          # 1 / 2 terminals, 2 claims each
    PYTHONPATH=. python bench/claim_cost.py --store sqlite

PostgreSQL runs in its own database ``wms_bench_claims`` (dropped and created
each run), never the tests' ``test``. The rows' baseline is the 1-terminal
figure of the same run, so the ratios survive a loaded machine.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: the checkout is the import root
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import PG_DATABASE  # noqa: E402
from bench.load_terminals import PG_SERVER, Mix, build_world, fresh_pg_database  # noqa: E402

BENCH_DB = PG_DATABASE + "_claims"
CART = 4  # orders (and totes) per task


def _backend_cpu(pid: int | None) -> float:
    """Seconds of CPU the PostgreSQL backend ``pid`` has used (0 if not readable here)."""
    if pid is None:
        return 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _terminal(url: str, badge: str, claims: int, start: Any, out: Any) -> None:
    from sqlalchemy import event, text

    from wms_tui.services.demo.walk import actor
    from wms_tui.services.picking import claiming
    from wms_tui.store import Store

    store = Store(url)
    me = actor(store, badge, f"HH-{badge}")
    sent = [0]

    @event.listens_for(store.engine, "before_cursor_execute")
    def _count(*_args: Any) -> None:
        sent[0] += 1

    pg = store.dialect == "postgresql"
    backend: int | None = None
    with store.engine.connect() as conn:  # the pool's one connection, reused below
        if pg:
            backend = conn.execute(text("SELECT pg_backend_pid()")).scalar()
    rows: list[tuple[float, float, float, int, int]] = []
    start.wait(timeout=300)
    # The first claim of a process compiles its statements: a terminal does that
    # once a shift, so it is not counted.
    for n in range(claims + 1):
        stmts, cpu, server = sent[0], time.process_time(), _backend_cpu(backend)
        t0 = time.perf_counter()
        view = claiming.claim_next_task(store, me)
        wall = time.perf_counter() - t0
        if view is None:
            break
        if n:
            rows.append(
                (
                    wall,
                    time.process_time() - cpu,
                    _backend_cpu(backend) - server,
                    sent[0] - stmts,
                    len(view.stops),
                )
            )
        with store.engine.begin() as conn:
            conn.execute(
                text("UPDATE picktask SET status = 'DONE' WHERE code = :c"), {"c": view.code}
            )
    store.dispose()
    out.put(rows)


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


def measure(
    url: str, terminals: int, claims: int, first_badge: int, start_method: str = "spawn"
) -> dict[str, Any]:
    """``terminals`` processes claiming ``claims`` tasks each, at once."""
    ctx = mp.get_context(start_method)
    out = ctx.Queue()
    start = ctx.Barrier(terminals)
    procs = [
        ctx.Process(
            target=_terminal,
            args=(url, f"BP{first_badge + i:03d}", claims, start, out),
            daemon=True,
        )
        for i in range(terminals)
    ]
    for p in procs:
        p.start()
    rows = [r for _ in procs for r in out.get(timeout=600)]
    for p in procs:
        p.join(timeout=60)
    walls = [r[0] * 1000 for r in rows]
    return {
        "terminals": terminals,
        "claims": len(rows),
        "stops": statistics.mean(r[4] for r in rows) if rows else 0.0,
        "statements": statistics.mean(r[3] for r in rows) if rows else 0.0,
        "cpu_ms": statistics.mean(r[1] for r in rows) * 1000 if rows else 0.0,
        "server_cpu_ms": statistics.mean(r[2] for r in rows) * 1000 if rows else 0.0,
        "wall_p50_ms": _pct(walls, 0.5),
        "wall_p99_ms": _pct(walls, 0.99),
    }


def run_claims(
    url: str, counts: tuple[int, ...], claims: int, start_method: str = "spawn"
) -> list[dict[str, Any]]:
    """Build one world with a task for every claim, then measure at each count."""
    from wms_tui.domain.errors import DomainError
    from wms_tui.services.demo.walk import actor
    from wms_tui.services.picking.waves import build_wave
    from wms_tui.store import Store

    tasks = sum(counts) * (claims + 1)
    # A picker per terminal of every count (each process claims as its own picker)
    # and a cart of totes per task.
    mix = Mix(pickers=max(sum(counts), tasks // 2 + 1), packers=1, receivers=1)
    build_world(url, mix, 0, picked_carts=0)
    _add_orders(url, tasks * CART)
    store = Store(url)
    boss = actor(store, "S9001", "OFFICE-1")
    while True:
        try:
            build_wave(store, boss, cart_size=CART, max_orders=16 * CART)
        except DomainError:
            break
    store.dispose()
    results, badge = [], 1
    for n in counts:
        results.append(measure(url, n, claims, badge, start_method))
        badge += n
    return results


def _add_orders(url: str, n: int) -> None:
    """``n`` released orders of one or two lines (the load benchmark's world, sized here)."""
    import random
    from datetime import timedelta
    from decimal import Decimal

    from sqlmodel import col, select

    from wms_tui.domain.clock import utcnow
    from wms_tui.domain.enums import LocationKind, OrderStatus
    from wms_tui.domain.models import Location, Order, OrderLine, Product, Stock
    from wms_tui.services.intake.release import release_due_orders
    from wms_tui.store import Store

    rnd = random.Random(4)
    store = Store(url)
    with store.unit_of_work() as uow:
        s = uow.session
        stocked = sorted(
            {
                p.id: p
                for p in s.exec(
                    select(Product)
                    .join(Stock, Stock.product_id == Product.id)
                    .join(Location, Location.id == Stock.location_id)
                    .where(Location.kind == LocationKind.PICK, Stock.qty > 1000)
                )
            }.values(),
            key=lambda p: p.sku,
        )
        template = s.exec(select(Order).where(col(Order.service_id).is_not(None))).first()
        assert template is not None
        keep = {"customer_name", "ship_name", "ship_address1", "ship_city", "ship_zip"}
        keep |= {"ship_country", "carrier_id", "service_id", "shipping_method", "email"}
        now = utcnow()
        for i in range(n):
            o = Order(
                **template.model_dump(include=keep),
                name=f"#C{i + 1:05d}",
                status=OrderStatus.NEW,
                financial_status="paid",
                created_at=now - timedelta(hours=2),
                release_at=now - timedelta(hours=1),
            )
            uow.add(o)
            uow.flush()
            for no, p in enumerate(rnd.sample(stocked, rnd.choice((1, 2))), start=1):
                uow.add(
                    OrderLine(
                        order_id=o.id,
                        line_no=no,
                        product_id=p.id,
                        sku=p.sku,
                        name=p.name,
                        options=p.options_text,
                        quantity=1,
                        price=Decimal("9.90"),
                    )
                )
        uow.commit()
    release_due_orders(store)
    store.dispose()


def run_store(store: str, quick: bool) -> list[dict[str, Any]]:
    # Quick proves the benchmark runs and prints its ratio (1 and 2 terminals,
    # a claim each after the first): forked terminals skip the ~1.5 s of
    # imports a spawned one pays, which was most of the suite's time here.
    counts, claims = ((1, 2), 1) if quick else ((1, 8, 32), 4)
    with tempfile.TemporaryDirectory() as tmp:
        old = os.getcwd()
        os.chdir(tmp)
        try:
            url = (
                f"sqlite:///{Path(tmp) / 'claims.db'}"
                if store == "sqlite"
                else fresh_pg_database(PG_SERVER, BENCH_DB)
            )
            rows = run_claims(url, counts, claims, "fork" if quick else "spawn")
        finally:
            os.chdir(old)
    for r in rows:
        r["store"] = store
    return rows


def run(quick: bool) -> list:
    """Rows for ``python -m bench``: CPU per claim, baseline one terminal alone."""
    from bench.common import Row, pg_enabled

    store = "postgresql" if pg_enabled() else "sqlite"
    rows = run_store(store, quick)
    base = rows[0]
    out = []
    for r in rows:
        out.append(
            Row(
                what=f"claim CPU, {r['terminals']} {store} terminal(s) at once",
                result=round(r["cpu_ms"], 2),
                unit="ms",
                baseline=round(base["cpu_ms"], 2) or None,
                baseline_what="1 terminal",
                note=f"{r['statements']:.1f} statements, server {r['server_cpu_ms']:.1f} ms, "
                f"wall p50/p99 {r['wall_p50_ms']:.0f}/{r['wall_p99_ms']:.0f} ms, "
                f"{r['stops']:.1f} stops",
            )
        )
    return out


COLUMNS = (
    ("store", 10),
    ("terminals", 9),
    ("claims", 6),
    ("stops", 5),
    ("statements", 10),
    ("cpu_ms", 7),
    ("server_cpu_ms", 13),
    ("wall_p50_ms", 11),
    ("wall_p99_ms", 11),
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--store", choices=("sqlite", "postgresql"), default="postgresql")
    args = parser.parse_args(argv)
    rows = run_store(args.store, args.quick)
    print(" ".join(f"{name:>{width}}" for name, width in COLUMNS))
    for r in rows:
        cells = (
            f"{r[name]:.1f}" if isinstance(r[name], float) else str(r[name]) for name, _ in COLUMNS
        )
        print(" ".join(f"{c:>{w}}" for c, (_, w) in zip(cells, COLUMNS, strict=True)))
    base = rows[0]["cpu_ms"] or 1.0
    print(
        "CPU per claim vs 1 terminal: "
        + ", ".join(f"{r['terminals']}: {r['cpu_ms'] / base:.2f}×" for r in rows)
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
