"""Wave planning with routes: 10,000 ready orders into one wave.

    python -m bench --only waves

A cached SQLite store (``bench/out/``) holds ``ORDERS`` READY_TO_PICK orders
of 1-4 lines, fully allocated to 800 pick bins (10 aisles × 20 bays × 4
levels, one product each) and enough free totes. Each run builds one wave of
every ready order (carts of 8) on a fresh copy with ``build_wave``, the use
case the supervisor's screen and ``wms wave build`` call.

Baseline, in the same run: the routes alone, computed from the same
allocations with the same floor plan and cart grouping (the part of a wave no
amount of SQL can make cheaper). The target is a whole wave under 1 s.
On PostgreSQL the same store is built in a schema of the benchmark's own
database; when the server runs on this machine the row also gives the CPU its
backend spent on the wave (from /proc), since the wall time of a loaded machine
is mostly waiting for a core.
"""

from __future__ import annotations

import os
import random
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.common import (
    PgSchema,
    Row,
    cached_sqlite,
    copy_sqlite,
    pg_reachable,
    vacuum_analyze,
)

ORDERS = 10_000
QUICK_ORDERS = 40
CART = 8
AISLES, BAYS, LEVELS = 10, 20, "ABCD"


def build(url: str, n_orders: int) -> None:
    from sqlalchemy import insert

    from wms_tui.domain.enums import LocationKind, OrderStatus
    from wms_tui.domain.models import (
        Allocation,
        Carrier,
        Location,
        Operator,
        Order,
        OrderLine,
        Product,
        Service,
        Stock,
        Warehouse,
    )
    from wms_tui.store import Store

    rng = random.Random(21)
    store = Store(url)
    store.create_schema()
    now = datetime.now(UTC).replace(microsecond=0)
    with store.unit_of_work() as uow:
        s = uow.session
        s.add(Warehouse(code="WH", name="Bench DC"))
        s.add(Operator(badge="S0001", name="Supervisor", roles="supervisor"))
        carrier = Carrier(code="PN", name="PostNord")
        s.add(carrier)
        s.flush()
        services = []
        for code, hour in (("PN-C", 15), ("PN-H", 12)):
            sv = Service(
                carrier_id=carrier.id,
                code=code,
                name=code,
                cutoff=datetime(2000, 1, 1, hour).time(),
            )
            s.add(sv)
            services.append(sv)
        s.flush()
        carrier_id, service_ids = carrier.id, [sv.id for sv in services]
        uow.commit()
    bins = [
        dict(code=f"A-{a:02d}-{b}-{lv}", zone="A", aisle=a, bay=b, level=lv, kind=LocationKind.PICK)
        for a in range(1, AISLES + 1)
        for b in range(1, BAYS + 1)
        for lv in LEVELS
    ]
    others = [dict(code=f"PACK-{i}", kind=LocationKind.PACK) for i in (1, 2)]
    others += [dict(code=f"T-{i:05d}", kind=LocationKind.TOTE) for i in range(n_orders + 10)]
    with store.engine.begin() as conn:
        conn.execute(insert(Location.__table__), bins)
        conn.execute(insert(Location.__table__), others)
        conn.execute(
            insert(Product.__table__),
            [dict(sku=f"SKU-{i:04d}", name=f"Product {i}") for i in range(len(bins))],
        )
    # Ids were given in insertion order on an empty store: bin i is location
    # i + 1 and holds product i + 1.
    orders, lines, allocs, allocated = [], [], [], [0] * len(bins)
    line_id = 0
    for i in range(n_orders):
        oid = i + 1
        orders.append(
            dict(
                id=oid, name=f"#{200000 + i}", status=OrderStatus.READY_TO_PICK,
                carrier_id=carrier_id, service_id=rng.choice(service_ids),
                priority=rng.choice((0, 0, 0, 1)), created_at=now - timedelta(minutes=i),
                status_changed_at=now, financial_status="paid",
            )
        )  # fmt: skip
        for n, b in enumerate(rng.sample(range(len(bins)), rng.choice((1, 1, 2, 3, 4))), 1):
            line_id += 1
            qty = rng.choice((1, 1, 2))
            lines.append(
                dict(
                    id=line_id, order_id=oid, line_no=n, product_id=b + 1, sku=f"SKU-{b:04d}",
                    quantity=qty, qty_allocated=qty,
                )
            )  # fmt: skip
            allocs.append(dict(order_line_id=line_id, product_id=b + 1, location_id=b + 1, qty=qty))
            allocated[b] += qty
    stock = [
        dict(product_id=b + 1, location_id=b + 1, qty=allocated[b] + 50, allocated=allocated[b])
        for b in range(len(bins))
    ]
    with store.engine.begin() as conn:
        for table, rows in ((Order, orders), (OrderLine, lines), (Allocation, allocs)):
            for start in range(0, len(rows), 5000):
                conn.execute(insert(table.__table__), rows[start : start + 5000])
        conn.execute(insert(Stock.__table__), stock)
        if store.dialect == "sqlite":
            conn.exec_driver_sql("ANALYZE")
    if store.dialect == "postgresql":
        vacuum_analyze(store)
    store.dispose()


def routes_only(url: str) -> float:
    """Seconds to route the same carts from the same allocations (the baseline)."""
    from sqlmodel import col, select

    from wms_tui.domain.models import Allocation, OrderLine
    from wms_tui.services.picking.floor_plan import floor_plan
    from wms_tui.store import Store

    store = Store(url)
    try:
        with store.read() as s:
            plan = floor_plan(s)
            rows = s.exec(
                select(OrderLine.order_id, Allocation.location_id)
                .join(OrderLine, col(OrderLine.id) == Allocation.order_line_id)
                .order_by(OrderLine.order_id, OrderLine.line_no)
            ).all()
        by_order: dict[int, list[int]] = {}
        for order_id, loc in rows:
            by_order.setdefault(order_id, []).append(loc)
        t0 = time.perf_counter()
        orders = list(by_order.values())
        for start in range(0, len(orders), CART):
            stops = [loc for locs in orders[start : start + CART] for loc in locs]
            plan.route(list(enumerate(stops)))
        return time.perf_counter() - t0
    finally:
        store.dispose()


def _backend_cpu(pids: list[int]) -> float | None:
    """CPU seconds the PostgreSQL backends ``pids`` have used, read from /proc when
    the server runs on this machine (None when it does not): on a loaded machine the
    wall time is mostly waiting for a core, the two processes' CPU is the work."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def one_wave(url: str) -> tuple[float, float, float | None, int, int]:
    """(wall s, this process's CPU s, the server's CPU s or None, orders, tasks)."""
    from sqlalchemy import event

    from wms_tui.domain.actor import SYSTEM
    from wms_tui.services.picking.waves import build_wave
    from wms_tui.store import Store

    store = Store(url)
    pids: list[int] = []
    if store.dialect == "postgresql":
        event.listen(store.engine, "connect", lambda dbapi, _: pids.append(dbapi.info.backend_pid))
        with store.read():  # the pool's connection, opened before the clock starts
            pass
    try:
        s0 = _backend_cpu(pids)
        c0, t0 = time.process_time(), time.perf_counter()
        result = build_wave(store, SYSTEM, cart_size=CART)
        seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
        # A connection opened during the wave started at zero CPU.
        s1 = _backend_cpu(pids)
        server = s1 - s0 if s0 is not None and s1 is not None and pids else None
    finally:
        store.dispose()
    return seconds, cpu, server, result.orders, len(result.tasks)


def run(quick: bool) -> list[Row]:
    n = QUICK_ORDERS if quick else ORDERS
    here = Path(__file__)
    cached = cached_sqlite(f"waves-{n}", lambda url: build(url, n), here)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        url = copy_sqlite(cached, Path(tmp), "run")
        base = routes_only(url)
        done = one_wave(url)
    rows.append(_row("SQLite", n, base, *done, quick))
    if pg_reachable():
        pg = PgSchema("waves")
        try:
            build(pg.url, n)
            base = routes_only(pg.url)
            done = one_wave(pg.url)
        finally:
            pg.drop()
        rows.append(_row("PostgreSQL", n, base, *done, quick))
    return rows


def _row(
    db: str,
    n: int,
    base: float,
    seconds: float,
    cpu: float,
    server: float | None,
    orders: int,
    tasks: int,
    quick: bool,
) -> Row:
    note = f"{orders:,} orders in {tasks:,} tasks; this process's CPU {cpu:.2f} s"
    if server is not None:
        note += f", the server's {server:.2f} s"
    return Row(
        f"wave of {n:,} ready orders with routes, {db}",
        seconds,
        "s",
        baseline=base,
        baseline_what="s routes alone",
        target="< 1 s",
        ok=None if quick else seconds < 1.0,
        note=note,
    )


if __name__ == "__main__":
    for row in run(quick=False):
        print(row)
