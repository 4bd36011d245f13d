"""Benchmark: the dispatch overview's queries against a plain count, on 100,000 orders.

Run from the repository root::

    python -m bench --only dispatch_overview    # the table's rows (SQLite and PostgreSQL)
    python -m bench.dispatch_overview [--orders 100000] [--repeat 30] [--pg]   # per statement

Builds a store with ``--orders`` orders spread over 120 days, with what their
lives leave behind: about 7 events each (import, status changes, picks), pick
movements in the stock ledger, a parcel per packed order, manifests, and
exceptions (most resolved). The last two days hold the open work: about 2,000
orders in every status before DISPATCHED, as on a busy day. Bulk inserts go
through ``insert()`` with executemany.

Then it times, in the same run and the same connection pool:

* the baseline, ``SELECT count(*) FROM orders``;
* ``dispatch_overview.overview()``: every query the supervisor's screen runs
  per refresh, including turning rows into the snapshot;
* each of the overview's SQL statements on its own (from the same calls).

It prints median and 95th percentile wall times and the ratio to the
baseline. The target is a median under 50 ms for the whole overview. No
assertion: benchmarks measure, tests check behaviour.

``--pg`` runs against PostgreSQL (the benchmark's own database ``wms_bench``,
a throw-away schema) instead of a temporary SQLite file.

In ``python -m bench`` it runs at 10,000 orders (2,000 open) and 100,000
orders with 20,000 open (about 850,000 events), on SQLite (a cached store
under ``bench/out/``, rebuilt each day: "today" is in the data) and on
PostgreSQL; the target is a median under 50 ms with ``count(*)`` as the
same-run baseline.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import event, insert, text  # noqa: E402

from bench.common import PgSchema, Row, seeded_stores, vacuum_analyze  # noqa: E402
from wms_tui.domain.clock import set_clock  # noqa: E402
from wms_tui.domain.enums import (  # noqa: E402
    ManifestStatus,
    MovementReason,
    OrderStatus,
    ParcelStatus,
)
from wms_tui.domain.models import (  # noqa: E402
    Carrier,
    Event,
    Location,
    Manifest,
    Operator,
    Order,
    Parcel,
    Product,
    Service,
    StockMovement,
    Warehouse,
    WmsException,
)
from wms_tui.services.dispatch import overview as dispatch_overview  # noqa: E402
from wms_tui.store import Store  # noqa: E402

S = OrderStatus
TZ = ZoneInfo("Europe/Stockholm")
DAYS = 120
CARRIERS = {
    "CJ": [("CJ-STD", 15, 4), ("CJ-EXP", 13, 2)],
    "POSTNORD": [("PN-COLLECT", 17, 2), ("PN-HOME", 16, 2), ("PN-VB1", 12, 1)],
    "DHL": [("DHL-EXP", 16, 2), ("DHL-ECO", 15, 5)],
    "UPS": [("UPS-STD", 16, 4), ("UPS-SAVER", 15, 2)],
    "USPS": [("USPS-PMI", 14, 8), ("USPS-FCPI", 14, 12)],
}
# The day's open work, by status (fractions of the last two days' orders).
OPEN_MIX = [
    (S.NEW, 0.08),
    (S.READY_TO_PICK, 0.25),
    (S.BACKORDERED, 0.04),
    (S.ON_HOLD, 0.02),
    (S.PICKING, 0.08),
    (S.PICKED, 0.08),
    (S.PACKING, 0.04),
    (S.PACKED, 0.16),
    (S.DISPATCHED, 0.23),
    (S.CANCELLED, 0.02),
]
FLOW = [S.NEW, S.READY_TO_PICK, S.PICKING, S.PICKED, S.PACKING, S.PACKED, S.DISPATCHED]


def _chunks(rows: list[dict], n: int = 5000):  # noqa: ANN202
    for i in range(0, len(rows), n):
        yield rows[i : i + n]


def build(
    store: Store, n_orders: int, now: datetime, seed: int, n_recent: int | None = None
) -> dict[str, int]:
    """``n_recent`` orders of the last 36 hours, about three quarters of them open."""
    rng = random.Random(seed)
    counts: dict[str, int] = {}
    with store.unit_of_work() as uow:
        s = uow.session
        s.add(Warehouse(code="WH", name="Bench DC", timezone="Europe/Stockholm"))
        ops = [Operator(badge=f"P{i:04d}", name=f"Picker {i}", roles="picker") for i in range(12)]
        ops += [Operator(badge=f"K{i:04d}", name=f"Packer {i}", roles="packer") for i in range(8)]
        ops += [Operator(badge="S0001", name="Supervisor", roles="supervisor")]
        for o in ops:
            s.add(o)
        products = [Product(sku=f"SKU-{i:04d}", name=f"Product {i}") for i in range(300)]
        for p in products:
            s.add(p)
        bins = [Location(code=f"A-{i:04d}") for i in range(300)]
        tote = Location(code="T-0001")
        for loc in [*bins, tote]:
            s.add(loc)
        services: list[tuple[int, int]] = []  # (carrier_id, service_id)
        carriers: list[Carrier] = []
        s.flush()
        for code, svcs in CARRIERS.items():
            c = Carrier(code=code, name=code.title())
            s.add(c)
            s.flush()
            carriers.append(c)
            for scode, hour, transit in svcs:
                sv = Service(
                    carrier_id=c.id,
                    code=scode,
                    name=scode,
                    cutoff=datetime(2000, 1, 1, hour).time(),
                    transit_days=transit,
                )
                s.add(sv)
                s.flush()
                services.append((c.id, sv.id))
        uow.commit()
        pickers = [o.id for o in ops if o.roles == "picker"]
        packers = [(o.id, o.name) for o in ops if o.roles == "packer"]
        boss = next(o for o in ops if o.roles == "supervisor")
        product_ids = [p.id for p in products]
        bin_ids = [b.id for b in bins]
        tote_id = tote.id
        carrier_ids = [c.id for c in carriers]

    today = now.astimezone(TZ).date()
    orders: list[dict] = []
    events: list[dict] = []
    moves: list[dict] = []
    parcels: list[dict] = []
    manifests: dict[tuple[int, object], int] = {}
    manifest_rows: list[dict] = []
    sscc = 10**16
    for i in range(n_orders):
        recent = i >= n_orders - (n_recent if n_recent is not None else min(2500, n_orders // 5))
        if recent:
            created = now - timedelta(minutes=rng.randint(5, 36 * 60))
            r, acc = rng.random(), 0.0
            status = OPEN_MIX[-1][0]
            for st, share in OPEN_MIX:
                acc += share
                if r < acc:
                    status = st
                    break
        else:
            created = now - timedelta(days=rng.uniform(2, DAYS))
            r = rng.random()
            status = S.DISPATCHED if r < 0.95 else S.RETURNED if r < 0.97 else S.CANCELLED
        cid, sid = rng.choice(services)
        oid = i + 1
        name = f"#{100000 + i}"
        promised = (created.astimezone(TZ) + timedelta(days=rng.choice((0, 1, 1, 2)))).date()
        path = FLOW[: FLOW.index(status) + 1] if status in FLOW else [S.NEW, S.READY_TO_PICK]
        if status is S.RETURNED:
            path = [*FLOW, S.RETURNED]
        elif status in (S.BACKORDERED, S.ON_HOLD, S.CANCELLED):
            path = [S.NEW, status]
        at = created
        ev_base = dict(
            operator_id=None, operator_name="system", terminal="bench", order_id=oid,
            order_name=name, sku="", qty=None, location="", detail="",
        )  # fmt: skip
        events.append({**ev_base, "at": at, "kind": "order.imported", "from_state": "",
                       "to_state": "NEW"})  # fmt: skip
        picker = rng.choice(pickers)
        packer_id, packer_name = rng.choice(packers)
        for prev, nxt in zip(path, path[1:], strict=False):
            at = min(now - timedelta(minutes=1), at + timedelta(minutes=rng.randint(5, 90)))
            who = (packer_id, packer_name) if nxt is S.PACKED else (boss.id, boss.name)
            events.append({**ev_base, "at": at, "kind": "order.status", "from_state": prev.value,
                           "to_state": nxt.value, "operator_id": who[0],
                           "operator_name": who[1]})  # fmt: skip
            if nxt is S.PICKED:
                for _ in range(2):
                    pid, qty = rng.choice(product_ids), rng.randint(1, 3)
                    moves.append(dict(at=at, product_id=pid, from_location_id=rng.choice(bin_ids),
                                      to_location_id=tote_id, qty=qty,
                                      reason=MovementReason.PICKED.value, operator_id=picker,
                                      terminal="HH", order_id=oid, reference=""))  # fmt: skip
                    events.append({**ev_base, "at": at, "kind": "stock.move", "sku": f"SKU-{pid}",
                                   "qty": qty, "from_state": "A", "to_state": "T",
                                   "operator_id": picker, "operator_name": "Picker"})  # fmt: skip
        orders.append(
            dict(
                id=oid, name=name, channel="shopify", customer_name=f"Customer {i}",
                email=f"c{i}@example.com", phone=f"+46 70 {i:07d}", ship_name=f"Customer {i}",
                ship_company="", ship_address1="Gatan 1", ship_address2="", ship_city="Stad",
                ship_zip="11111", ship_province="", ship_country="SE", ship_phone="",
                shipping_method="", carrier_id=cid, service_id=sid, status=status.name,
                held_from=None, hold_reason="", priority=rng.choice((0, 0, 0, 1, 5)),
                created_at=created, release_at=created + timedelta(minutes=30),
                promised_ship_date=promised, status_changed_at=at, notes="", gift_message="",
                tags="", financial_status="paid", split_allowed=False, cancelled_at=None,
                source_hash="", locked_by_operator_id=None, locked_terminal="", locked_at=None,
                resolution="",
            )
        )  # fmt: skip
        if status in (S.PACKED, S.DISPATCHED, S.RETURNED):
            sscc += 1
            mid = None
            pstatus = ParcelStatus.MANIFESTED
            if status is S.PACKED:
                pstatus = ParcelStatus.LOADED if rng.random() < 0.4 else ParcelStatus.CLOSED
            day = at.astimezone(TZ).date()
            if pstatus is not ParcelStatus.CLOSED:
                key = (cid, day)
                if key not in manifests:
                    manifests[key] = len(manifest_rows) + 1
                    closed = day < today
                    manifest_rows.append(dict(
                        id=manifests[key], number=f"M{cid}-{day:%Y%m%d}", carrier_id=cid, day=day,
                        status=(ManifestStatus.CLOSED if closed else ManifestStatus.OPEN).name,
                        closed_at=at if closed else None, closed_by_id=None, pdf_file="",
                        csv_file=""))  # fmt: skip
                mid = manifests[key]
            parcels.append(dict(
                order_id=oid, seq=1, count=1, carton_type_id=None, status=pstatus.name,
                weight_g=rng.randint(200, 9000), expected_weight_g=None, sscc=f"{sscc:018d}",
                tracking_number=f"TRK{oid:012d}", packed_by_id=packer_id,
                packed_by_name=packer_name, packed_at=at, terminal="PACK-1", label_file="",
                slip_file="", loaded_at=at if mid else None, loaded_by_id=None, manifest_id=mid,
            ))  # fmt: skip
    exceptions = [
        dict(
            kind=rng.choice(("SHORT_PICK", "QC_FAIL", "WEIGHT_MISMATCH", "BACKORDER")),
            at=now - timedelta(days=rng.uniform(0, DAYS)), order_id=rng.randint(1, n_orders),
            sku="SKU-1", location="A-0001", operator_id=None, operator_name="Picker 1",
            terminal="HH", message="bench", resolved_by_id=None,
            resolved_at=None if rng.random() < 0.03 else now,
        )
        for _ in range(max(10, n_orders // 30))
    ]  # fmt: skip
    del carrier_ids
    with store.engine.begin() as conn:
        for table, rows in (
            (Order, orders),
            (Manifest, manifest_rows),
            (Parcel, parcels),
            (Event, events),
            (StockMovement, moves),
            (WmsException, exceptions),
        ):
            for chunk in _chunks(rows):
                conn.execute(insert(table.__table__), chunk)
            counts[table.__tablename__] = len(rows)
        if store.dialect == "sqlite":
            conn.exec_driver_sql("ANALYZE")
    if store.dialect == "postgresql":
        vacuum_analyze(store)
    return counts


def timed(fn, repeat: int) -> list[float]:  # noqa: ANN001
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def pct(values: list[float], p: float) -> float:
    v = sorted(values)
    return v[min(len(v) - 1, int(round(p * (len(v) - 1))))]


def detail(n_orders: int, repeat: int, seed: int, pg: bool) -> None:
    """The overview and each of its statements, printed (``python -m bench.dispatch_overview``)."""
    schema = None
    tmp = tempfile.TemporaryDirectory()
    if pg:
        schema = PgSchema("overview")
        url = schema.url
    else:
        url = f"sqlite:///{Path(tmp.name) / 'bench.db'}"
    store = Store(url)
    try:
        store.create_schema()
        now = datetime.now(TZ).replace(hour=14, minute=0, second=0, microsecond=0).astimezone(UTC)
        set_clock(lambda: now)
        t0 = time.perf_counter()
        counts = build(store, n_orders, now, seed)
        print(
            f"{store.dialect}: built in {time.perf_counter() - t0:.1f} s: "
            + ", ".join(f"{n:,} {t}" for t, n in counts.items())
        )

        def baseline() -> None:
            with store.read() as s:
                s.exec(text("SELECT count(*) FROM orders")).one()  # type: ignore[call-overload]

        def overview() -> None:
            dispatch_overview.snapshot(store, now)

        baseline()
        snap = dispatch_overview.snapshot(store, now)  # warm-up
        # Capture the overview's statements once, to replay them on the raw driver.
        captured: list[tuple[str, object]] = []

        def capture(conn, cursor, statement, params, context, executemany) -> None:  # noqa: ANN001
            if statement.lstrip().upper().startswith("SELECT"):
                captured.append((statement, params))

        event.listen(store.engine, "before_cursor_execute", capture)
        dispatch_overview.snapshot(store, now)
        event.remove(store.engine, "before_cursor_execute", capture)

        base_t = timed(baseline, repeat)
        over_t = timed(overview, repeat)
        cpu = []
        for _ in range(repeat):
            c0 = time.process_time()
            overview()
            cpu.append(time.process_time() - c0)

        raw = store.engine.raw_connection()
        per_stmt: list[tuple[str, list[float]]] = []
        if store.dialect == "postgresql":
            # As overview() does: without it the prepared statements switch to
            # generic plans after a few runs and today's range queries slow 10x.
            cur = raw.cursor()
            cur.execute("SET plan_cache_mode = force_custom_plan")
            cur.close()
        try:
            for sql, params in captured:

                def replay(sql: str = sql, params: object = params) -> None:
                    cur = raw.cursor()
                    cur.execute(sql, params)
                    cur.fetchall()
                    cur.close()

                per_stmt.append((_label(sql), timed(replay, repeat)))
            raw.rollback()
        finally:
            raw.close()

        base_med = statistics.median(base_t)
        rows = [("SELECT count(*) FROM orders (baseline)", base_t)]
        rows.append(("dispatch_overview.overview(), wall", over_t))
        rows.append(("dispatch_overview.overview(), CPU of this process", cpu))
        sql_total = [sum(x) for x in zip(*(v for _, v in per_stmt), strict=True)]
        rows.append((f"  its {len(per_stmt)} SELECTs on the raw driver, together", sql_total))
        rows += [(f"    {k}", v) for k, v in sorted(per_stmt, key=lambda kv: -sum(kv[1]))]
        print(
            f"\nopen orders {sum(r.total for r in snap.services):,}, attention "
            f"{len(snap.attention)}, exceptions {snap.n_exceptions}, "
            f"people {len(snap.throughput)}; {repeat} runs each\n"
        )
        print(f"{'query':<60}{'median ms':>10}{'p95 ms':>9}{'x count(*)':>12}")
        for label, values in rows:
            med = statistics.median(values)
            print(
                f"{label[:60]:<60}{1e3 * med:>10.2f}{1e3 * pct(values, 0.95):>9.2f}"
                f"{med / base_med:>12.1f}"
            )
        total = statistics.median(over_t) * 1e3
        print(
            f"\noverview median {total:.1f} ms wall ({statistics.median(cpu) * 1e3:.1f} ms CPU): "
            f"{'under' if total < 50 else 'OVER'} 50 ms. The rest of the wall time is "
            "SQLAlchemy turning rows into values and the snapshot's Python."
        )
    finally:
        set_clock(None)
        store.dispose()
        if schema:
            schema.drop()
        tmp.cleanup()


# (orders, recent orders: about three quarters of them open)
SIZES = ((10_000, 2_700), (100_000, 27_000))
QUICK_SIZES = ((400, 100),)
SEED = 20261124


def _now() -> datetime:
    return datetime.now(TZ).replace(hour=14, minute=0, second=0, microsecond=0).astimezone(UTC)


def _measure(url: str, now: datetime, repeat: int) -> tuple[list[float], list[float], int, dict]:
    """Wall times of the baseline and the overview, alternating, and the overview's CPU:
    this process's, and on a PostgreSQL server on this machine its backends' (read from
    /proc), since wall times on a shared machine wait for a core as much as they work."""
    store = Store(url)
    try:

        def baseline() -> None:
            with store.read() as s:
                s.exec(text("SELECT count(*) FROM orders")).one()  # type: ignore[call-overload]

        baseline()
        snap = dispatch_overview.snapshot(store, now)  # warm-up
        backends = _backends(store)
        base_t, over_t, cpu, server = [], [], [], []
        for _ in range(repeat):  # alternating: load from others hits both alike
            base_t += timed(baseline, 1)
            s0, c0 = _backend_cpu(backends), time.process_time()
            over_t += timed(lambda: dispatch_overview.snapshot(store, now), 1)
            cpu.append(time.process_time() - c0)
            if backends:
                server.append(_backend_cpu(backends) - s0)
        return base_t, over_t, sum(r.total for r in snap.services), {"cpu": cpu, "server": server}
    finally:
        store.dispose()


def _backends(store: Store) -> list[int]:
    """The PostgreSQL backends serving this database, if their /proc entries are here."""
    if store.dialect != "postgresql":
        return []
    with store.read() as s:
        pids = list(
            s.exec(  # type: ignore[call-overload]
                text("SELECT pid FROM pg_stat_activity WHERE datname = current_database()")
            ).scalars()
        )
    return [p for p in pids if Path(f"/proc/{p}/stat").exists()]


def _backend_cpu(pids: list[int]) -> float:
    """User + system CPU seconds of these processes (0 for those gone)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def run(quick: bool) -> list[Row]:
    now = _now()
    repeat = 3 if quick else 30
    rows = []
    set_clock(lambda: now)
    try:
        for db, n, url in seeded_stores(
            "overview-{n}-" + f"{now:%Y%m%d}",
            QUICK_SIZES if quick else SIZES,
            lambda store, n, recent: build(store, n, now, SEED, recent),
            Path(__file__),
        ):
            rows.append(_row(db, n, *_measure(url, now, repeat), quick))
    finally:
        set_clock(None)
    return rows


def _row(  # noqa: PLR0913 - one measurement's parts
    db: str, n: int, base: list[float], over: list[float], open_: int, cpu: dict, quick: bool
) -> Row:
    med = 1000 * statistics.median(over)
    note = f"p95 {1000 * pct(over, 0.95):.1f} ms, {len(over)} runs; CPU median"
    note += f" {1000 * statistics.median(cpu['cpu']):.1f} ms"
    if cpu["server"]:
        # Clock ticks of 10 ms: a mean over the runs, not a median.
        note += f" + server {1000 * statistics.mean(cpu['server']):.1f} ms"
    return Row(
        f"dispatch overview, {n:,} orders ({open_:,} open), {db}",
        med,
        "ms median",
        baseline=1000 * statistics.median(base),
        baseline_what="ms count(*)",
        target="< 50 ms",
        ok=None if quick else med < 50,
        note=note,
    )


def _label(sql: str) -> str:
    """A short name for an overview statement: its main table and shape."""
    s = " ".join(sql.split()).lower()
    frm = s.split(" from ", 1)[1].split()[0] if " from " in s else "?"
    hints = [
        ("event.to_state", "packs today by packer and hour"),
        ("stockmovement.reason", "picks today by picker and hour"),
        ("join (select event.order_id", "who touched listed orders last"),
        ("max(event.at)", "open orders + time of last event"),
        ("count(*) as count_1 from wms_exception", "count open exceptions"),
        ("from wms_exception", "open exceptions, newest 200"),
        ("sum(case", "parcels of packed orders"),
        ("parcel.sscc", "parcels of orders cancelled after packing"),
        ("status_changed_at >=", "dispatched/cancelled today"),
        ("from manifest", "today's manifests"),
    ]
    for needle, label in hints:
        if needle in s:
            return f"{label} ({frm})"
    return f"{frm}: {s[:40]}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--seed", type=int, default=20261124)
    parser.add_argument("--pg", action="store_true", help="use PostgreSQL (database wms_bench)")
    args = parser.parse_args()
    detail(args.orders, args.repeat, args.seed, args.pg)


if __name__ == "__main__":
    main()
