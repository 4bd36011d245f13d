"""Many terminals on one store at once: 8 on SQLite, 32 on PostgreSQL.

Each terminal is its own OS process with its own engine and operator, doing
what the floor does through the same use cases the screens call, with real
pauses between scans, for a fixed time:

* a supervisor builds a wave whenever the pickers run short of tasks;
* pickers claim a task (``picking.claiming``, the pick screen's claim) and walk
  it: bin, one scan per unit, tote;
* packers take the next picked order at their station, scan every unit, weigh,
  tick the inserts and close it (labels are not rendered: that is printing's
  benchmark, not the store's);
* receivers start a blind receipt, receive two products, put them away into
  their pick bins (which releases backorders waiting for them) and close it.

Afterwards the store is inspected, and the table says:

* doubles: a task claimed by two terminals, an order closed by two packers, a
  pick line picked past its quantity;
* lost units: stock rows that differ from the sum of their movements, units
  the terminals were told were picked/received/packed that the ledger does not
  show (or the other way round), stock below zero;
* errors: exceptions that are not a refusal a floor worker reads (DomainError),
  i.e. what would kill a screen; "busy" counts the one-line StoreBusy a
  terminal shows after its retries ran out;
* throughput (accepted scans per second, orders picked and packed) and the
  latency of a claim and of a scan, p50 and p99 (2 cores shared by everything
  on this machine: the counts are what matter, the latencies are inflated).

PostgreSQL runs in its own database ``wms_bench`` (dropped and created each
run; ``WMS_BENCH_PG`` names the server), never the tests' ``test``.

    PYTHONPATH=. python bench/load_terminals.py            # 8 SQLite, 32 PostgreSQL, 60 s
    PYTHONPATH=. python bench/load_terminals.py --quick    # 4 terminals a store, 3 s
    PYTHONPATH=. python bench/load_terminals.py --store postgresql --terminals 48 --seconds 90
"""

from __future__ import annotations

import argparse
import contextlib
import multiprocessing as mp
import os
import random
import sys
import tempfile
import time
import traceback
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: the checkout is the import root
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import PG_DATABASE as BENCH_DB  # noqa: E402 - see bench/common.py
from bench.common import PG_SERVER as _PG_SERVER  # noqa: E402

PG_SERVER = _PG_SERVER.replace("postgresql://", "postgresql+psycopg://", 1)


# --------------------------------------------------------------------------- sizes


@dataclass(frozen=True)
class Mix:
    """Who the terminals are: one supervisor, the rest split by role."""

    pickers: int
    packers: int
    receivers: int

    @property
    def terminals(self) -> int:
        return 1 + self.pickers + self.packers + self.receivers

    @classmethod
    def of(cls, terminals: int) -> Mix:
        rest = max(3, terminals) - 1
        packers = max(1, rest // 4)
        receivers = max(1, rest // 6)
        return cls(pickers=rest - packers - receivers, packers=packers, receivers=receivers)


@dataclass(frozen=True)
class Pace:
    """Seconds between a terminal's actions (uniform in [low, high]).

    The default is a floor's: a picker walks a few seconds from bin to bin and
    takes a second or two to take an item and scan it; a packer the same to
    take the next item out of the tote. Even so a picker here does 300-400
    lines an hour, above what a floor plans for. :meth:`rush` is ten times
    that (every terminal scanning as fast as a hand can press the trigger):
    a stress, not a shift.
    """

    walk: tuple[float, float] = (3.0, 8.0)  # picker to the next bin, packer to the next tote
    scan: tuple[float, float] = (1.0, 2.5)  # between two scans

    @classmethod
    def rush(cls) -> Pace:
        return cls(walk=(0.3, 0.8), scan=(0.15, 0.4))

    def pause(self, which: tuple[float, float]) -> None:
        time.sleep(random.uniform(*which))


# --------------------------------------------------------------------------- the world


def build_world(
    url: str, mix: Mix, n_orders: int, seed: int = 16, *, picked_carts: int | None = None
) -> None:
    """The demo's master data and stock, ``n_orders`` more orders released, an
    operator per terminal (the demo has too few), and ``picked_carts`` carts
    of four orders picked before the shift (one a packer unless told)."""
    from sqlmodel import col, select

    from wms_tui.domain.actor import SYSTEM
    from wms_tui.domain.clock import utcnow
    from wms_tui.domain.enums import LocationKind, MovementReason, OrderStatus
    from wms_tui.domain.models import Location, Operator, Order, OrderLine, Product, Stock
    from wms_tui.services.demo.seed_files import load_demo
    from wms_tui.services.intake.release import release_due_orders
    from wms_tui.services.inventory.stock import move_stock
    from wms_tui.store import Store

    rnd = random.Random(seed)
    store = Store(url)
    store.create_schema()
    with store.unit_of_work() as uow:
        s = uow.session
        load_demo(uow)
        uow.flush()
        for role, prefix, n in (
            ("picker", "BP", mix.pickers),
            ("packer", "BK", mix.packers),
            ("receiver", "BR", mix.receivers),
        ):
            for i in range(1, n + 1):
                uow.add(Operator(badge=f"{prefix}{i:03d}", name=f"Bench {role} {i}", roles=role))
        have = {loc.code for loc in s.exec(select(Location))}
        for i in range(1, mix.packers + 1):
            if f"PACK-{i}" not in have:
                uow.add(Location(code=f"PACK-{i}", zone="PACK", kind=LocationKind.PACK))
        # Every picker's cart of 4 totes, twice over.
        for i in range(1, 8 * mix.pickers + 1):
            if f"T-{i:04d}" not in have:
                uow.add(Location(code=f"T-{i:04d}", zone="TOTE", kind=LocationKind.TOTE))
        uow.flush()
        # Plenty of stock in each product's pick bins, through the ledger.
        in_pick = s.exec(
            select(Stock, Location, Product)
            .join(Location, Location.id == Stock.location_id)
            .join(Product, Product.id == Stock.product_id)
            .where(Location.kind == LocationKind.PICK)
            .order_by(Product.sku, Location.code)
        ).all()
        first_bin: dict[int, tuple[Product, Location]] = {}
        for _st, loc, p in in_pick:
            first_bin.setdefault(p.id, (p, loc))
        for p, loc in first_bin.values():
            move_stock(
                uow, SYSTEM, p, 5000, from_loc=None, to_loc=loc, reason=MovementReason.RECEIVED
            )
        products = [p for p, _ in first_bin.values()]
        # New orders shaped like the demo's (addresses, carriers, services).
        templates = list(s.exec(select(Order).where(col(Order.service_id).is_not(None))))
        now = utcnow()
        for i in range(n_orders):
            t = templates[i % len(templates)]
            o = Order(
                **t.model_dump(
                    include={
                        "customer_name",
                        "email",
                        "ship_name",
                        "ship_company",
                        "ship_address1",
                        "ship_address2",
                        "ship_city",
                        "ship_zip",
                        "ship_province",
                        "phone",
                        "ship_country",
                        "ship_phone",
                        "carrier_id",
                        "service_id",
                        "shipping_method",
                    }
                ),
                name=f"#L{i + 1:05d}",
                status=OrderStatus.NEW,
                financial_status="paid",
                created_at=now - timedelta(hours=2),
                release_at=now - timedelta(hours=1),
            )
            uow.add(o)
            uow.flush()
            for n, p in enumerate(rnd.sample(products, rnd.choice((1, 1, 2, 3))), start=1):
                uow.add(
                    OrderLine(
                        order_id=o.id,
                        line_no=n,
                        product_id=p.id,
                        sku=p.sku,
                        name=p.name,
                        options=p.options_text,
                        quantity=rnd.choice((1, 1, 1, 2, 3)),
                        price=Decimal("19.90"),
                    )
                )
        uow.commit()
    release_due_orders(store)
    # The shift starts with a task for every picker, as a supervisor would
    # have released before the pickers arrive.
    from wms_tui.domain.errors import DomainError
    from wms_tui.services.demo.walk import actor, pick_task
    from wms_tui.services.picking.claiming import claim_next_task
    from wms_tui.services.picking.waves import build_wave

    supervisor = actor(store, "S9001", "OFFICE-1")
    # Totes from before the shift wait at the pack stations (about four orders
    # a packer), so that packers have work from the start: at a floor's pace
    # the first carts of the shift reach them only after a minute or so.
    pre_picked = mix.packers if picked_carts is None else picked_carts  # a wave has four
    for _ in range(mix.pickers // 4 + 1 + -(-pre_picked // 4)):
        try:
            build_wave(store, supervisor, cart_size=4, max_orders=16)
        except DomainError:
            break
    night = actor(store, "BP001", "HH-NIGHT")
    for _ in range(pre_picked):
        view = claim_next_task(store, night)
        if view is None:
            break
        pick_task(store, night, view.code, keyed_counts=True)
    store.dispose()


# --------------------------------------------------------------------------- terminals


@dataclass
class Tally:
    """What one terminal saw; sent back to the parent."""

    terminal: str
    role: str
    claim_ms: list[float] = field(default_factory=list)
    scan_ms: list[float] = field(default_factory=list)
    wave_ms: list[float] = field(default_factory=list)  # building a wave: not a scan
    accepted: int = 0
    refused: Counter = field(default_factory=Counter)
    busy: int = 0
    errors: list[str] = field(default_factory=list)
    claims: list[str] = field(default_factory=list)  # task codes, first claim of each
    picked: dict[int, int] = field(default_factory=lambda: defaultdict(int))  # line -> units
    received: int = 0
    put_away: int = 0
    packed_orders: list[str] = field(default_factory=list)
    packed_units: int = 0
    waves: int = 0
    retries: int = 0
    # Where each claim's wall time went, in ms: (wall, this process on a CPU,
    # this process waiting for a CPU, its PostgreSQL backend on a CPU, the
    # backend waiting for a CPU) from /proc/<pid>/schedstat; the rest of the
    # wall time is lock waits, the network and the disk.
    claim_parts: list[tuple[float, float, float, float, float]] = field(default_factory=list)
    claim_statements: list[int] = field(default_factory=list)
    cpu_s: float = 0.0  # the whole terminal process, over the run
    backend_cpu_s: float = 0.0  # its PostgreSQL backend(s), over the run


def _schedstat(pid: int | str) -> tuple[float, float]:
    """(ms on a CPU, ms waiting for one) of process ``pid`` since it started;
    zeros where /proc cannot tell (another machine's server, another OS)."""
    try:
        fields = Path(f"/proc/{pid}/schedstat").read_text().split()
    except OSError:
        return (0.0, 0.0)
    return (int(fields[0]) / 1e6, int(fields[1]) / 1e6)


class _Terminal:
    def __init__(self, url: str, badge: str, terminal: str, role: str, pace: Pace) -> None:
        from sqlalchemy import event
        from sqlmodel import select

        from wms_tui.domain.actor import Actor
        from wms_tui.domain.models import Operator
        from wms_tui.store import Store

        self.store = Store(url)
        self.backends: list[int] = []
        self.statements = 0
        if self.store.dialect == "postgresql":

            @event.listens_for(self.store.engine, "connect")
            def _backend(dbapi_conn: Any, _record: Any) -> None:
                self.backends.append(dbapi_conn.info.backend_pid)

        @event.listens_for(self.store.engine, "before_cursor_execute")
        def _count(*_args: Any) -> None:
            self.statements += 1

        with self.store.read() as s:
            op = s.exec(select(Operator).where(Operator.badge == badge)).one()
            self.me = Actor(op.id, op.name, op.role_set, terminal)
        self.tally = Tally(terminal, role)
        self.pace = pace

    def backend_stat(self) -> tuple[float, float]:
        """The terminal's PostgreSQL backends' schedstat (one, unless one was lost)."""
        cpu = wait = 0.0
        for pid in self.backends:
            c, w = _schedstat(pid)
            cpu, wait = cpu + c, wait + w
        return cpu, wait

    def timed(self, into: list[float], fn, *args, **kwargs):
        """Call a use case; a refusal is counted and returned as None."""
        from wms_tui.domain.errors import DomainError, StoreBusy

        claim = into is self.tally.claim_ms
        if claim:
            me0, srv0, sent0 = _schedstat("self"), self.backend_stat(), self.statements
        t0 = time.perf_counter()
        try:
            out = fn(*args, **kwargs)
        except StoreBusy:
            self.tally.busy += 1
            return None
        except DomainError as exc:
            self.tally.refused[type(exc).__name__] += 1
            return None
        finally:
            wall = (time.perf_counter() - t0) * 1000
            into.append(wall)
            if claim:
                me1, srv1 = _schedstat("self"), self.backend_stat()
                self.tally.claim_parts.append(
                    (
                        wall,
                        me1[0] - me0[0],
                        me1[1] - me0[1],
                        srv1[0] - srv0[0],
                        srv1[1] - srv0[1],
                    )
                )
                self.tally.claim_statements.append(self.statements - sent0)
        self.tally.accepted += 1
        return out


def _supervisor(t: _Terminal, until: float, mix: Mix) -> None:
    from sqlmodel import col, func, select

    from wms_tui.domain.enums import TaskStatus
    from wms_tui.domain.models import PickTask
    from wms_tui.services.picking import waves

    while time.monotonic() < until:
        with t.store.read() as s:
            open_tasks = s.exec(
                select(func.count())
                .select_from(PickTask)
                .where(col(PickTask.status) == TaskStatus.OPEN)
            ).one()
        if open_tasks < mix.pickers and t.timed(
            t.tally.wave_ms, waves.build_wave, t.store, t.me, cart_size=4, max_orders=16
        ):
            t.tally.waves += 1
        time.sleep(1.0)


def _picker(t: _Terminal, until: float) -> None:
    from wms_tui.services.picking import claiming
    from wms_tui.services.picking import walk as picking

    while time.monotonic() < until:
        view = t.timed(t.tally.claim_ms, claiming.claim_next_task, t.store, t.me)
        if view is None:
            time.sleep(1.0)
            continue
        if view.code not in t.tally.claims:
            t.tally.claims.append(view.code)
        while (stop := view.stop) is not None and time.monotonic() < until:
            t.pace.pause(t.pace.walk)
            got = t.timed(t.tally.scan_ms, picking.scan, t.store, t.me, view.code, stop.bin)
            if got is None:
                break
            at = got.at_bin
            for _ in range(stop.remaining):
                t.pace.pause(t.pace.scan)
                ok = t.timed(
                    t.tally.scan_ms, picking.scan, t.store, t.me, view.code, stop.sku, at_bin=at
                )
                if ok is not None:
                    t.tally.picked[stop.line_id] += 1
            t.pace.pause(t.pace.scan)
            got = t.timed(
                t.tally.scan_ms, picking.scan, t.store, t.me, view.code, stop.tote, at_bin=at
            )
            if got is None:
                break
            view = got.view
        if view.stop is not None:  # the shift ended mid-task: hand it back
            t.timed(t.tally.scan_ms, picking.pause_task, t.store, t.me, view.code)


def _packer(t: _Terminal, until: float) -> None:
    from wms_tui.services.demo.walk import scale_reading
    from wms_tui.services.packing import station as packing

    while time.monotonic() < until:
        rows = t.timed(t.tally.scan_ms, packing.station_queue, t.store, t.me, 8) or []
        rows = [r for r in rows if r.status == "PICKED"]
        if not rows:
            time.sleep(1.0)
            continue
        row = random.choice(rows[:3])
        t.pace.pause(t.pace.walk)
        view = t.timed(t.tally.scan_ms, packing.open_order, t.store, t.me, row.name)
        if view is None:
            continue  # another station got it first
        units = 0
        for line in view.lines:
            for _ in range(line.need - line.packed):
                t.pace.pause(t.pace.scan)
                got = t.timed(t.tally.scan_ms, packing.scan, t.store, t.me, view.order_id, line.sku)
                if got is not None:
                    view, units = got, units + 1
        for parcel in view.parcels:
            reading = scale_reading(parcel.expected_g, view.order_id)
            view = (
                t.timed(
                    t.tally.scan_ms,
                    packing.enter_weight,
                    t.store,
                    t.me,
                    view.order_id,
                    reading,
                    parcel_no=parcel.seq,
                )
                or view
            )
        for item in view.inserts:
            if not item.done:
                view = (
                    t.timed(
                        t.tally.scan_ms,
                        packing.confirm_insert,
                        t.store,
                        t.me,
                        view.order_id,
                        item.n,
                    )
                    or view
                )
        closed = t.timed(t.tally.scan_ms, packing.close_parcel, t.store, t.me, view.order_id)
        if closed is None:
            t.timed(t.tally.scan_ms, packing.release, t.store, t.me, view.order_id)
            continue
        t.tally.packed_orders.append(row.name)
        t.tally.packed_units += units


def _receiver(t: _Terminal, until: float, skus: list[tuple[str, str]]) -> None:
    from wms_tui.services.receiving import closing, putaway
    from wms_tui.services.receiving import receipt as receiving

    while time.monotonic() < until:
        receipt = t.timed(t.tally.scan_ms, receiving.start_blind_receipt, t.store, t.me)
        if receipt is None:
            time.sleep(1.0)
            continue
        ref = receipt.reference
        got: list[tuple[str, str, int]] = []
        for sku, bin_code in random.sample(skus, 2):
            n = random.randint(2, 12)
            t.pace.pause(t.pace.scan)
            if t.timed(t.tally.scan_ms, receiving.receive_scan, t.store, t.me, ref, sku, count=n):
                t.tally.received += n
                got.append((sku, bin_code, n))
        for sku, bin_code, n in got:
            t.pace.pause(t.pace.walk)
            if t.timed(
                t.tally.scan_ms,
                putaway.put_away,
                t.store,
                t.me,
                reference=ref,
                product_code=sku,
                bin_code=bin_code,
            ):
                t.tally.put_away += n
        if got:
            t.timed(t.tally.scan_ms, closing.close_receipt, t.store, t.me, ref)


def _next_tally(out: Any, procs: list[Any], timeout: float) -> Tally:
    """The next terminal's tally; an error at once when every terminal has ended
    without sending one (a terminal that dies before its ``finally`` left the run
    waiting for ten minutes, and the test suite with it)."""
    import queue

    deadline = time.monotonic() + timeout
    while True:
        try:
            return out.get(timeout=1.0)
        except queue.Empty:
            if not any(p.is_alive() for p in procs):
                try:
                    return out.get(timeout=1.0)  # sent just before it ended
                except queue.Empty:
                    codes = sorted({p.exitcode for p in procs})
                    raise RuntimeError(
                        f"every terminal ended and one sent no tally (exit codes {codes})"
                    ) from None
            if time.monotonic() > deadline:
                raise


def _terminal_main(
    url: str,
    badge: str,
    terminal: str,
    role: str,
    seconds: float,
    mix: Mix,
    pace: Pace,
    skus: list[tuple[str, str]],
    out: Any,
    start: Any,
    own_session: bool = True,
    cwd: str | None = None,
) -> None:
    from wms_tui.store.retry import retries_so_far

    if cwd is not None:
        # A forked terminal has its fork server's folder, not this run's.
        os.chdir(cwd)

    random.seed(f"{terminal}-{os.getpid()}")
    # A session of its own, as `wms serve` starts each device's app
    # (serve/app_process.py): with the kernel's autogroup scheduling, 32
    # terminals in the benchmark's one session would share one session's
    # slice of the CPU against every other session on the machine.
    if own_session:
        with contextlib.suppress(OSError, AttributeError):
            os.setsid()
    t: _Terminal | None = None
    tally = Tally(terminal, role)
    try:
        t = _Terminal(url, badge, terminal, role, pace)
        tally = t.tally
        start.wait(timeout=300)
        until = time.monotonic() + seconds
        cpu0, srv0 = time.process_time(), t.backend_stat()[0]
        # A shift's terminals do not act in the same millisecond: each starts
        # within one walk of the others (the barrier still lines them up).
        time.sleep(random.uniform(0, pace.walk[1]))
        if role == "supervisor":
            _supervisor(t, until, mix)
        elif role == "picker":
            _picker(t, until)
        elif role == "packer":
            _packer(t, until)
        else:
            _receiver(t, until, skus)
    except Exception as exc:  # noqa: BLE001 - what would have killed the screen
        tally.errors.append(f"{type(exc).__name__}: {str(exc).splitlines()[0][:300]}")
        tally.errors.append(traceback.format_exc(limit=-3)[-600:])
    finally:
        # Whatever fails here, the tally is sent: the parent waits for one per terminal.
        try:
            tally.retries = retries_so_far()
            if t is not None:
                if "cpu0" in locals():
                    tally.cpu_s = time.process_time() - cpu0
                    tally.backend_cpu_s = (t.backend_stat()[0] - srv0) / 1000
                t.store.dispose()
        except Exception as exc:  # noqa: BLE001 - reported in the table, not lost
            tally.errors.append(f"after the shift: {type(exc).__name__}: {exc}"[:300])
        tally.picked = dict(tally.picked)
        out.put(tally)


# --------------------------------------------------------------------------- a run


def _pct(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _skus_and_bins(url: str) -> list[tuple[str, str]]:
    from sqlmodel import select

    from wms_tui.domain.enums import LocationKind
    from wms_tui.domain.models import Location, Product, Stock
    from wms_tui.store import Store

    store = Store(url)
    try:
        with store.read() as s:
            rows = s.exec(
                select(Product.sku, Location.code)
                .join(Stock, Stock.product_id == Product.id)
                .join(Location, Location.id == Stock.location_id)
                .where(Location.kind == LocationKind.PICK, Stock.qty > 0)
                .order_by(Product.sku, Location.code)
            ).all()
    finally:
        store.dispose()
    first: dict[str, str] = {}
    for sku, code in rows:
        first.setdefault(sku, code)
    return sorted(first.items())


def _ledger(url: str) -> dict[str, Any]:
    from sqlmodel import col, func, select

    from wms_tui.domain.models import OrderLine, PickTaskLine, Stock, StockMovement
    from wms_tui.services.inventory.stock import ledger_mismatches
    from wms_tui.store import Store

    store = Store(url)
    try:
        with store.read() as s:

            def moved(reason: str, *where) -> int:
                q = select(func.coalesce(func.sum(StockMovement.qty), 0)).where(
                    StockMovement.reason == reason, *where
                )
                return int(s.exec(q).one())

            return {
                "mismatches": len(ledger_mismatches(s)),
                "negative": s.exec(
                    select(func.count()).select_from(Stock).where(Stock.qty < 0)
                ).one(),
                "over_allocated": s.exec(
                    select(func.count()).select_from(Stock).where(Stock.allocated > Stock.qty)
                ).one(),
                "picked": moved("PICKED"),
                "received": moved("RECEIVED", col(StockMovement.reference).startswith("BLIND-")),
                "packed": moved("PACKED"),
                "line_picked": {ln.id: ln.qty_picked for ln in s.exec(select(PickTaskLine))},
                "over_picked": s.exec(
                    select(func.count())
                    .select_from(PickTaskLine)
                    .where(PickTaskLine.qty_picked + PickTaskLine.qty_short > PickTaskLine.qty)
                ).one(),
                "lines_over": s.exec(
                    select(func.count())
                    .select_from(OrderLine)
                    .where(OrderLine.qty_picked > OrderLine.quantity)
                ).one(),
            }
    finally:
        store.dispose()


def _machine_cpu() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine so far, from /proc/stat."""
    try:
        first = Path("/proc/stat").read_text().splitlines()[0].split()
    except OSError:
        return (0.0, 0.0)
    ticks = [int(x) for x in first[1:9]]  # user nice system idle iowait irq softirq steal
    idle = ticks[3] + ticks[4]
    hz = os.sysconf("SC_CLK_TCK")
    return ((sum(ticks) - idle) / hz, sum(ticks) / hz)


class _WaitSampler:
    """What the benchmark's PostgreSQL sessions are doing, sampled every 0.1 s
    from ``pg_stat_activity`` in a thread of the parent: running (on a CPU or
    waiting for one: the server cannot tell), waiting for a lock, for the
    client (``ClientRead``: idle, or a transaction waiting for the terminal's
    next statement), for I/O."""

    def __init__(self, url: str) -> None:
        import threading

        self.url = url
        self.seen: Counter = Counter()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> _WaitSampler:
        if self.url.startswith("postgresql"):
            self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)

    def _run(self) -> None:
        import psycopg

        plain = self.url.replace("postgresql+psycopg", "postgresql")
        with psycopg.connect(plain, autocommit=True) as conn:
            while not self._stop.wait(0.1):
                for state, kind, name in conn.execute(
                    "SELECT state, wait_event_type, wait_event FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid() "
                    "AND backend_type = 'client backend'"
                ):
                    if state == "idle":
                        self.seen["idle"] += 1
                    elif kind is None:
                        self.seen["running"] += 1
                    else:
                        self.seen[f"{state}: {kind}/{name}"] += 1

    def shares(self) -> dict[str, float]:
        total = sum(self.seen.values()) or 1
        return {k: round(100 * n / total, 1) for k, n in self.seen.most_common(8)}


def run_load(
    url: str,
    terminals: int,
    seconds: float,
    *,
    n_orders: int = 3000,
    pace: Pace | None = None,
    label: str = "",
    own_sessions: bool = True,
    processes: mp.context.BaseContext | None = None,
) -> dict[str, Any]:
    """Build the world in ``url`` (an empty database), run the terminals, inspect.

    ``processes`` starts the terminals (spawned unless given: each imports the
    store and services itself, as a device's app does); see :func:`forked`.
    """
    pace = pace or Pace()
    mix = Mix.of(terminals)
    t0 = time.perf_counter()
    build_world(url, mix, n_orders)
    built_s = time.perf_counter() - t0
    skus = _skus_and_bins(url)
    before = _ledger(url)
    people = [("S9001", "OFFICE-1", "supervisor")]
    people += [(f"BP{i:03d}", f"HH-{i:02d}", "picker") for i in range(1, mix.pickers + 1)]
    people += [(f"BK{i:03d}", f"PACK-{i}", "packer") for i in range(1, mix.packers + 1)]
    people += [(f"BR{i:03d}", f"RCV-{1 + i % 2}", "receiver") for i in range(1, mix.receivers + 1)]
    ctx = processes or mp.get_context("spawn")
    out = ctx.Queue()
    start = ctx.Barrier(len(people) + 1)  # and this process, to start the clocks
    here = os.getcwd()
    procs = [
        ctx.Process(
            target=_terminal_main,
            args=(url, badge, term, role, seconds, mix, pace, skus, out, start, own_sessions, here),
            daemon=True,
        )
        for badge, term, role in people
    ]
    for p in procs:
        p.start()
    tallies: list[Tally] = []
    with _WaitSampler(url) as sampler:
        start.wait(timeout=300)
        busy0, total0 = _machine_cpu()
        tallies.append(_next_tally(out, procs, seconds + 600))
        busy1, total1 = _machine_cpu()
        for _ in procs[1:]:
            tallies.append(_next_tally(out, procs, seconds + 600))
    for p in procs:
        p.join(timeout=60)
    after = _ledger(url)

    claimed_by: dict[str, set[str]] = defaultdict(set)
    for t in tallies:
        for code in t.claims:
            claimed_by[code].add(t.terminal)
    packed = Counter(name for t in tallies for name in t.packed_orders)
    doubles = (
        sum(1 for who in claimed_by.values() if len(who) > 1)
        + sum(n - 1 for n in packed.values() if n > 1)
        + after["over_picked"]
        + after["lines_over"]
    )
    picked_told: dict[int, int] = defaultdict(int)
    for t in tallies:
        for line, n in t.picked.items():
            picked_told[int(line)] += n
    line_diff = sum(
        abs(after["line_picked"].get(line, 0) - before["line_picked"].get(line, 0) - n)
        for line, n in picked_told.items()
    )
    lost = (
        after["mismatches"]
        + after["negative"]
        + after["over_allocated"]
        + line_diff
        + abs((after["picked"] - before["picked"]) - sum(picked_told.values()))
        + abs((after["received"] - before["received"]) - sum(t.received for t in tallies))
        + abs((after["packed"] - before["packed"]) - sum(t.packed_units for t in tallies))
    )
    claim_ms = [x for t in tallies for x in t.claim_ms]
    parts = [x for t in tallies for x in t.claim_parts]
    window = max(total1 - total0, 1e-9) / (os.cpu_count() or 1)  # wall seconds
    scan_ms = [x for t in tallies for x in t.scan_ms]
    accepted = sum(t.accepted for t in tallies)
    errors = [e for t in tallies for e in t.errors]
    return {
        "store": label or url.split(":", 1)[0],
        "terminals": len(people),
        "seconds": seconds,
        "doubles": doubles,
        "lost_units": lost,
        "errors": len([e for e in errors if not e.startswith("Traceback")]),
        "busy": sum(t.busy for t in tallies),
        "retries": sum(t.retries for t in tallies),
        "accepted": accepted,
        "per_s": round(accepted / seconds, 1),
        "refused": sum(sum(t.refused.values()) for t in tallies),
        "tasks": len(claimed_by),
        "waves": sum(t.waves for t in tallies),
        "packed": sum(packed.values()),
        "received": sum(t.received for t in tallies),
        "claim_p50_ms": round(_pct(claim_ms, 0.50), 1),
        "claim_p99_ms": round(_pct(claim_ms, 0.99), 1),
        "claim_max_ms": round(max(claim_ms, default=0.0), 1),
        "scan_p50_ms": round(_pct(scan_ms, 0.50), 1),
        "scan_p99_ms": round(_pct(scan_ms, 0.99), 1),
        "wave_p50_ms": round(_pct([x for t in tallies for x in t.wave_ms], 0.50), 1),
        "world_s": round(built_s, 1),
        "error_samples": errors[:6],
        # Where a claim's time went (means, ms), and the same for the claims
        # at or above the p99.
        "claim_parts": _claim_parts(parts),
        "claim_parts_p99": _claim_parts(
            [x for x in parts if x[0] >= _pct([x[0] for x in parts], 0.99)]
        ),
        "claim_statements": round(
            sum(n for t in tallies for n in t.claim_statements)
            / max(1, sum(len(t.claim_statements) for t in tallies)),
            1,
        ),
        # CPU over the run, in cores: the machine (everything on it), the
        # terminal processes, their PostgreSQL backends.
        "cpus": os.cpu_count(),
        "machine_cores": round((busy1 - busy0) / window, 2),
        "terminal_cores": round(sum(t.cpu_s for t in tallies) / seconds, 2),
        "backend_cores": round(sum(t.backend_cpu_s for t in tallies) / seconds, 2),
        "pg_sessions": sampler.shares(),
    }


def _claim_parts(parts: list[tuple[float, ...]]) -> dict[str, float]:
    if not parts:
        return {}
    n = len(parts)
    wall, cpu, rq, srv, srv_rq = (sum(x[i] for x in parts) / n for i in range(5))
    return {
        "claims": n,
        "wall": round(wall, 1),
        "client_cpu": round(cpu, 1),
        "client_waits_cpu": round(rq, 1),
        "server_cpu": round(srv, 1),
        "server_waits_cpu": round(srv_rq, 1),
        "other": round(wall - cpu - rq - srv - srv_rq, 1),
    }


def fresh_pg_database(server: str = PG_SERVER, name: str = BENCH_DB) -> str:
    """Drop and create ``name`` on ``server``; its URL. Never the tests' database."""
    import psycopg

    if name in ("test", "postgres", "template0", "template1"):
        raise ValueError(f"refusing to recreate database {name!r}")
    with psycopg.connect(
        server.replace("postgresql+psycopg", "postgresql") + "/postgres", autocommit=True
    ) as c:
        c.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        c.execute(f"CREATE DATABASE {name}")
    return f"{server}/{name}"


# What a terminal imports (lazily, in the functions above): a fork server that
# imported them once forks terminals ready to work.
TERMINAL_MODULES = [
    "wms_tui.domain.models",
    "wms_tui.services.demo.walk",
    "wms_tui.services.packing.station",
    "wms_tui.services.picking.claiming",
    "wms_tui.services.picking.walk",
    "wms_tui.services.picking.waves",
    "wms_tui.services.receiving.closing",
    "wms_tui.services.receiving.putaway",
    "wms_tui.services.receiving.receipt",
    "wms_tui.store",
    "wms_tui.store.retry",
]


def forked() -> mp.context.BaseContext:
    """Terminals forked from a server process that imported their modules once.

    A spawned terminal spends ~1.5 s of CPU importing before its first scan;
    the quick run and the tests prove the terminals' work, not their start,
    and ten spawned terminals were most of their CPU. The server starts fresh
    and single-threaded, so no thread or open connection of this process is
    forked.
    """
    ctx = mp.get_context("forkserver")
    ctx.set_forkserver_preload(TERMINAL_MODULES)
    return ctx


def run(quick: bool) -> list:
    """The benchmark as the ``python -m bench`` runner calls it: rows for its table."""
    from bench.common import Row

    out = []
    for r in run_stores(quick):
        clean = r["doubles"] == 0 and r["lost_units"] == 0 and r["errors"] == 0
        out.append(
            Row(
                what=f"claim p99, {r['terminals']} {r['store']} terminals "
                f"({r['doubles']} doubles, {r['lost_units']} lost, {r['errors']} errors)",
                result=r["claim_p99_ms"],
                unit="ms",
                p50=r["claim_p50_ms"],
                target="< 1000 ms, 0/0/0",
                ok=None if quick else (clean and r["claim_p99_ms"] < 1000),
                note=f"{r['per_s']:.1f} accepted/s",
            )
        )
    return out


def run_stores(quick: bool, pace: Pace | None = None) -> list[dict[str, Any]]:
    """One result dict per store (SQLite, then PostgreSQL in its own database)."""
    # Quick proves the benchmark runs (every kind of terminal, both stores) and
    # claims no verdict: four terminals, forked ready to work (see forked), at
    # the rush's pace so that 3 s see every kind of action.
    sizes = [("sqlite", 4, 3.0, 100), ("postgresql", 4, 3.0, 100)]
    processes = None
    if quick:
        pace = pace or Pace.rush()
        processes = forked()
    else:
        sizes = [("sqlite", 8, 60.0, 3000), ("postgresql", 32, 60.0, 3000)]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        old = os.getcwd()
        os.chdir(tmp)  # labels/ and the outbox of anything written land here
        try:
            for store, n, seconds, orders in sizes:
                url = (
                    f"sqlite:///{Path(tmp) / 'load.db'}"
                    if store == "sqlite"
                    else fresh_pg_database()
                )
                rows.append(
                    run_load(
                        url,
                        n,
                        seconds,
                        n_orders=orders,
                        pace=pace,
                        label=store,
                        processes=processes,
                    )
                )
        finally:
            os.chdir(old)
    return rows


COLUMNS = (
    ("store", 10),
    ("terminals", 9),
    ("seconds", 7),
    ("doubles", 7),
    ("lost_units", 10),
    ("errors", 6),
    ("busy", 4),
    ("retries", 7),
    ("per_s", 6),
    ("tasks", 5),
    ("packed", 6),
    ("claim_p50_ms", 12),
    ("claim_p99_ms", 12),
    ("scan_p50_ms", 11),
    ("scan_p99_ms", 11),
)


def print_table(rows: list[dict[str, Any]]) -> None:
    print(" ".join(f"{name:>{width}}" for name, width in COLUMNS))
    for row in rows:
        print(" ".join(f"{row[name]!s:>{width}}" for name, width in COLUMNS))
    for row in rows:
        for sample in row["error_samples"]:
            print(f"  {row['store']}: {sample}")
    for row in rows:
        print(
            f"{row['store']} x {row['terminals']}: CPU over the run, in cores of "
            f"{row['cpus']}: machine {row['machine_cores']}, terminals "
            f"{row['terminal_cores']}, their backends {row['backend_cores']}; "
            f"{row['claim_statements']} statements a claim"
        )
        for key, what in (("claim_parts", "mean claim"), ("claim_parts_p99", "claims >= p99")):
            print(f"  {what} (ms): {row[key]}")
        if row["pg_sessions"]:
            print(f"  PostgreSQL sessions sampled (%): {row['pg_sessions']}")
    print("targets: doubles 0, lost_units 0, errors 0; claim p99 under 1000 ms at 32 terminals")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--store", choices=("sqlite", "postgresql"))
    parser.add_argument("--terminals", type=int)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--orders", type=int, default=3000)
    parser.add_argument(
        "--pace",
        choices=("floor", "rush"),
        help="floor: a shift's pauses between scans (the default, but rush with --quick); "
        "rush: ten times faster",
    )
    parser.add_argument(
        "--one-session",
        action="store_true",
        help="leave every terminal in this command's session (how much autogroup "
        "scheduling starves them on a shared machine)",
    )
    args = parser.parse_args(argv)
    pace = {"floor": Pace(), "rush": Pace.rush(), None: None}[args.pace]
    if args.store:
        with tempfile.TemporaryDirectory() as tmp:
            os.chdir(tmp)
            url = (
                f"sqlite:///{Path(tmp) / 'load.db'}"
                if args.store == "sqlite"
                else fresh_pg_database()
            )
            n = args.terminals or (8 if args.store == "sqlite" else 32)
            rows = [
                run_load(
                    url,
                    n,
                    args.seconds,
                    n_orders=args.orders,
                    pace=pace,
                    label=args.store,
                    own_sessions=not args.one_session,
                )
            ]
    else:
        rows = run_stores(args.quick, pace)
    print_table(rows)
    bad = any(r["doubles"] or r["lost_units"] or r["errors"] for r in rows)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
