"""Benchmark: the shift dashboard's refresh at 100,000 orders and 1,000,000 events.

Run from the repository root::

    python -m bench --only insight_dashboard   # the table's rows (SQLite and PostgreSQL)
    python -m bench.insight_dashboard [--orders 100000] [--repeat 20] [--pg]

The store is the dispatch overview benchmark's (``bench.dispatch_overview.build``:
orders over 120 days with their status events, picks in the ledger, parcels,
manifests, exceptions, the last 36 hours' open work), plus what the dashboard
reads on top: two order lines per order (picked and packed as far as the
order went), a ``pick.unit`` and a ``pack.scan`` event per picked or packed
order, some ``pack.undo`` and ``qc.fail`` events, and returns booked at the
desk (a third for a packing cause). At 100,000 orders that is just over a
million events.

It times, alternating in the same run and connection pool, the baseline
``SELECT count(*) FROM orders`` and ``insight.dashboard.dashboard()`` (every
query of one refresh plus building the read model), and prints medians, the
95th percentile and the ratio to the baseline, then where a refresh's time
goes: each step's median (wall and this process's CPU), so the step to work
on next is named, not guessed. Target: a median under 50 ms. No assertion:
benchmarks measure, tests check behaviour.
"""

from __future__ import annotations

import argparse
import functools
import random
import statistics
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, select, text

from bench.common import PgSchema, Row, pct, seeded_stores, vacuum_analyze
from bench.dispatch_overview import build as build_overview
from wms_tui.domain.actor import SYSTEM
from wms_tui.domain.clock import set_clock
from wms_tui.domain.enums import EventKind, OrderStatus
from wms_tui.domain.models import (
    Event,
    Operator,
    Order,
    OrderLine,
    Product,
    ReturnLine,
    ReturnReason,
    ReturnReceipt,
)
from wms_tui.services.insight import dashboard as dashboard_module
from wms_tui.services.insight import hour_cache, hour_rows, metrics
from wms_tui.services.insight.dashboard import dashboard
from wms_tui.store import Store

S = OrderStatus
SIZES = ((10_000, 2_700), (100_000, 27_000))  # (orders, of them in the last 36 hours)
QUICK_SIZES = ((400, 100),)
SEED = 20261207
PICKED = {S.PICKED.name, S.PACKING.name, S.PACKED.name, S.DISPATCHED.name, S.RETURNED.name}
PACKED = {S.PACKED.name, S.DISPATCHED.name, S.RETURNED.name}


def _chunks(rows: list[dict], n: int = 5000):  # noqa: ANN202
    for i in range(0, len(rows), n):
        yield rows[i : i + n]


def build(store: Store, n_orders: int, now: datetime, seed: int, n_recent: int) -> dict[str, int]:
    counts = build_overview(store, n_orders, now, seed, n_recent)
    rng = random.Random(seed + 1)
    with store.engine.connect() as cx:
        orders = cx.execute(
            select(Order.id, Order.name, Order.status, Order.status_changed_at)
        ).all()
        products = [(pid, sku) for pid, sku in cx.execute(select(Product.id, Product.sku))]
        people = cx.execute(select(Operator.id, Operator.name, Operator.roles)).all()
    pickers = [(i, n) for i, n, r in people if r == "picker"]
    packers = [(i, n) for i, n, r in people if r == "packer"]
    lines: list[dict] = []
    events: list[dict] = []
    receipts: list[dict] = []
    returns: list[tuple[int, int, str]] = []  # (receipt index, order line id, reason)
    line_id = 0
    for oid, name, status, changed in orders:
        picked, packed = status in PICKED, status in PACKED
        skus = []
        for no in (1, 2):
            pid, sku = rng.choice(products)
            qty = rng.randint(1, 3)
            line_id += 1
            skus.append((sku, qty))
            lines.append(dict(
                id=line_id, order_id=oid, line_no=no, product_id=pid, sku=sku, name=sku,
                options="", quantity=qty, price=0, qty_allocated=qty if picked else 0,
                qty_picked=qty if picked else 0, qty_packed=qty if packed else 0, qty_short=0,
                short_reason="", qty_returned=0,
            ))  # fmt: skip
        base = dict(terminal="bench", order_id=oid, order_name=name, from_state="", to_state="",
                    location="", from_location="", to_location="", delivery_ref="",
                    prior_terminal="", prior_operator="", detail="")  # fmt: skip
        if picked:  # a pick.unit per line
            who = rng.choice(pickers)
            for n, (line_sku, line_qty) in enumerate(skus):
                events.append({**base, "at": changed - timedelta(minutes=rng.randint(20, 60) + n),
                               "kind": EventKind.PICK_UNIT.value, "operator_id": who[0],
                               "operator_name": who[1], "sku": line_sku, "qty": line_qty,
                               "from_location": "A-0001", "to_location": "T-0001"})  # fmt: skip
        if packed:
            who = rng.choice(packers)
            at = changed - timedelta(minutes=rng.randint(1, 15))
            events.append({**base, "at": at, "kind": EventKind.PACK_SCAN.value,
                           "operator_id": who[0], "operator_name": who[1], "sku": sku,
                           "qty": qty})  # fmt: skip
            r = rng.random()
            if r < 0.03:
                events.append({**base, "at": at, "kind": EventKind.PACK_UNDO.value,
                               "operator_id": who[0], "operator_name": who[1], "sku": sku,
                               "qty": -1})  # fmt: skip
            elif r < 0.04:
                events.append({**base, "at": at, "kind": EventKind.QC_FAIL.value,
                               "operator_id": who[0], "operator_name": who[1], "sku": sku,
                               "qty": 1})  # fmt: skip
            if status == S.RETURNED.name or rng.random() < 0.01:
                booked = min(now - timedelta(minutes=5), changed + timedelta(days=3))
                receipts.append(dict(order_id=oid, at=booked, operator_id=None,
                                     terminal="RET", resolution="REFUND", note=""))  # fmt: skip
                reason = "WRONG_ITEM" if rng.random() < 0.33 else "CHANGED_MIND"
                returns.append((len(receipts), line_id, reason))
    with store.engine.begin() as cx:
        cx.execute(insert(ReturnReason.__table__), [
            dict(code="WRONG_ITEM", label="Wrong item packed", controllable=True, cause="PACK"),
            dict(code="CHANGED_MIND", label="Changed mind", controllable=False, cause="CUSTOMER"),
        ])  # fmt: skip
        for table, rows in ((OrderLine, lines), (Event, events), (ReturnReceipt, receipts)):
            for chunk in _chunks(rows):
                cx.execute(insert(table.__table__), chunk)
        first = cx.execute(select(ReturnReceipt.id).order_by(ReturnReceipt.id)).first()
        offset = (first[0] - 1) if first else 0
        rl = [dict(return_id=offset + i, order_line_id=lid, qty=1, reason_code=reason,
                   disposition="RESTOCK", note="") for i, lid, reason in returns]  # fmt: skip
        for chunk in _chunks(rl):
            cx.execute(insert(ReturnLine.__table__), chunk)
        if store.dialect == "sqlite":
            cx.exec_driver_sql("ANALYZE")
    if store.dialect == "postgresql":
        vacuum_analyze(store)
    counts["event"] += len(events)
    counts["orderline"] = len(lines)
    counts["returnline"] = len(rl)
    return counts


def _now() -> datetime:
    from bench.dispatch_overview import _now as overview_now

    return overview_now()


def _events(store: Store) -> int:
    with store.read() as s:
        return int(s.exec(text("SELECT count(*) FROM event")).one()[0])  # type: ignore[call-overload]


# The steps of one refresh, as (module, function): each runs one or two queries.
STEPS = (
    (dashboard_module, "_stages"),
    (hour_cache, "today"),  # the per-hour steps below, kept or read
    (hour_cache, "_stored"),  # the day's kept rows read from the store
    (hour_cache, "store_kept"),  # and written there
    (hour_rows, "flow_rows"),
    (hour_rows, "pick_rows"),
    (hour_rows, "refused_rows"),
    (hour_rows, "pack_rows"),
    (metrics, "units_in_window"),
    (hour_rows, "cycle_rows"),
    (dashboard_module, "_backorder_ages"),
    (dashboard_module, "_open_exceptions"),
    (dashboard_module, "carrier_rows"),  # carrier_outlook.carrier_rows, as _build calls it
    (metrics, "packing_returns"),
    (metrics, "packers_of"),  # includes packing_returns
)


class StepTimes:
    """Wall and CPU time per step of a refresh, while installed."""

    def __init__(self) -> None:
        self.wall: dict[str, list[float]] = {}
        self.cpu: dict[str, list[float]] = {}
        self._saved: list[tuple[object, str, object]] = []

    def install(self) -> None:
        for module, name in STEPS:
            fn = getattr(module, name, None)
            if fn is None:  # an older wms (measuring a "before")
                continue
            self._saved.append((module, name, fn))
            setattr(module, name, self._timed(name, fn))

    def uninstall(self) -> None:
        for module, name, fn in reversed(self._saved):
            setattr(module, name, fn)
        self._saved.clear()

    def _timed(self, name: str, fn):  # noqa: ANN001, ANN202
        @functools.wraps(fn)
        def timed(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
            t0, c0 = time.perf_counter(), time.process_time()
            try:
                return fn(*args, **kwargs)
            finally:
                self.wall.setdefault(name, []).append(time.perf_counter() - t0)
                self.cpu.setdefault(name, []).append(time.process_time() - c0)

        return timed

    def lines(self) -> list[str]:
        rows = sorted(self.wall, key=lambda n: -statistics.median(self.wall[n]))
        return [
            f"  {name:<18} {1000 * statistics.median(self.wall[name]):7.1f} ms wall "
            f"{1000 * statistics.median(self.cpu[name]):7.1f} ms CPU"
            for name in rows
        ]


def breakdown(url: str, now: datetime, repeat: int, kind: str) -> list[str]:
    """Each step's median over ``repeat`` refreshes of one of KINDS (after the timed
    runs: the wrappers cost a little, so they stay out of the headline numbers)."""
    store = Store(url)
    dashboard(store, SYSTEM, now)
    steps = StepTimes()
    steps.install()
    try:
        for _ in range(repeat):
            forget(store, kind)
            dashboard(store, SYSTEM, now)
    finally:
        steps.uninstall()
        store.dispose()
    return steps.lines()


def _measure(url: str, now: datetime, repeat: int) -> dict[str, list[float]]:
    """Medians' inputs: the baseline, a cold and a warm refresh (wall), and each
    refresh's CPU, alternating in one run so load from others hits them alike."""
    store = Store(url)
    try:

        def baseline() -> None:
            with store.read() as s:
                s.exec(text("SELECT count(*) FROM orders")).one()  # type: ignore[call-overload]

        def refresh(kind: str) -> None:
            forget(store, kind)
            dashboard(store, SYSTEM, now)

        baseline()
        refresh("first")  # warm-up
        got: dict[str, list[float]] = {
            k: [] for k in ("base", *KINDS, *(k + "_cpu" for k in KINDS))
        }
        for _ in range(repeat):
            t0 = time.perf_counter()
            baseline()
            got["base"].append(time.perf_counter() - t0)
            for kind in KINDS:
                forget(store, kind)  # outside the timing: it writes
                t0, c0 = time.perf_counter(), time.process_time()
                dashboard(store, SYSTEM, now)
                got[kind].append(time.perf_counter() - t0)
                # CPU of this process: on SQLite the queries themselves, on PostgreSQL
                # only the client's side; wall time on a shared machine includes waiting.
                got[f"{kind}_cpu"].append(time.process_time() - c0)
        got["events"] = [_events(store)]
        return got
    finally:
        store.dispose()


# A warm refresh reads what is not kept yet: the last SETTLE (10 minutes) plus the
# time since the previous refresh, which here is none (the same "now" each time); a
# live dashboard refreshing every 15 s reads 10 min 15 s. A cold one is the first of
# a dashboard process: what an earlier one kept in the store, and the log after it.
# The first of the day found nothing kept anywhere (no dashboard ran today before
# 14:00): it reads the whole day and writes what it kept to the store.
KINDS = {
    "first": "first of the day (nothing kept: every hour read)",
    "cold": "cold (first of a process: the day kept in the store, the rest read)",
    "warm": "warm (kept up to 10 min ago: the rest read)",
}


def forget(store: Store, kind: str) -> None:
    if kind == "first":
        hour_cache.forget_everywhere(store)
    elif kind == "cold":
        hour_cache.forget(store)


def _rows(db: str, n: int, got: dict[str, list[float]], quick: bool) -> list[Row]:
    rows = []
    for kind, what in KINDS.items():
        med = 1000 * statistics.median(got[kind])
        rows.append(
            Row(
                f"shift dashboard refresh {what}, {n:,} orders, {int(got['events'][0]):,} "
                f"events, {db}",
                med,
                "ms median",
                baseline=1000 * statistics.median(got["base"]),
                baseline_what="ms count(*)",
                target="< 50 ms",
                ok=None if quick else med < 50,
                note=f"p95 {1000 * pct(got[kind], 0.95):.1f} ms, CPU "
                f"{1000 * statistics.median(got[kind + '_cpu']):.1f} ms, {len(got[kind])} runs",
            )
        )
    return rows


def run(quick: bool) -> list[Row]:
    now = _now()
    repeat = 3 if quick else 20
    rows = []
    set_clock(lambda: now)
    try:
        for db, n, url in seeded_stores(
            "insight-{n}-" + f"{now:%Y%m%d}",
            QUICK_SIZES if quick else SIZES,
            lambda store, n, recent: build(store, n, now, SEED, recent),
            Path(__file__),
            Path(__file__).parent / "dispatch_overview.py",
        ):
            rows.extend(_rows(db, n, _measure(url, now, repeat), quick))
            if not quick:
                for kind in KINDS:
                    print(f"{db}, {n:,} orders, per step of a {kind} refresh:",
                          *breakdown(url, now, 5, kind), sep="\n")  # fmt: skip
    finally:
        set_clock(None)
    return rows


def _report(url: str, db: str, orders: int, now: datetime, repeat: int) -> None:
    for row in _rows(db, orders, _measure(url, now, repeat), False):
        print(f"{row.what}: {row.result:.1f} ms median ({row.note}); count(*) "
              f"{row.baseline:.2f} ms; ratio {row.result / (row.baseline or 1):.1f}")  # fmt: skip
    for kind in KINDS:
        print(f"per step of a {kind} refresh (median of 5):",
              *breakdown(url, now, 5, kind), sep="\n")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--pg", action="store_true", help="PostgreSQL (database wms_bench)")
    parser.add_argument(
        "--url", help="measure this store, already built by this module (nothing is built)"
    )
    args = parser.parse_args()
    if args.url:
        now = _now()
        set_clock(lambda: now)
        try:
            _report(args.url, "PostgreSQL" if args.url.startswith("postgresql") else "SQLite",
                    args.orders, now, args.repeat)  # fmt: skip
        finally:
            set_clock(None)
        return
    now = _now()
    set_clock(lambda: now)
    schema = PgSchema("insight") if args.pg else None
    tmp = tempfile.TemporaryDirectory()
    url = schema.url if schema else f"sqlite:///{Path(tmp.name) / 'bench.db'}"
    try:
        store = Store(url)
        store.create_schema()
        t0 = time.perf_counter()
        counts = build(store, args.orders, now, SEED, int(args.orders * 0.27))
        store.dispose()
        print(f"built in {time.perf_counter() - t0:.0f} s: " + ", ".join(
            f"{v:,} {k}" for k, v in counts.items()))  # fmt: skip
        _report(url, "PostgreSQL" if schema else "SQLite", args.orders, now, args.repeat)
    finally:
        set_clock(None)
        if schema:
            schema.drop()
        tmp.cleanup()


if __name__ == "__main__":
    main()
