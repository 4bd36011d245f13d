"""What every benchmark module shares: the row it reports, sizes, timing, stores.

A benchmark module has ``run(quick: bool) -> list[Row]``; ``python -m bench``
imports it by name, calls it and prints the rows in one table. ``quick`` means
a tiny size that only proves the code still runs (the test suite calls it);
no timing is asserted anywhere.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from wms_tui.store import Store

ROOT = Path(__file__).resolve().parents[1]
# Cached stores and files, gitignored; the tests point it at a temporary folder.
OUT = Path(os.environ.get("WMS_BENCH_OUT") or ROOT / "bench" / "out")
RESULTS = ROOT / "bench" / "results"

# Order lines in the seeded stores of a full run; ``python -m bench --sizes``
# changes them, ``--quick`` replaces them with QUICK_LINES.
FULL_LINES = (10_000, 100_000, 1_000_000)
QUICK_LINES = 400
_lines: tuple[int, ...] = FULL_LINES

# PostgreSQL gets its own database, never the shared ``test`` one. WMS_BENCH_DB names
# it: two people benchmarking on one server each take their own (load_terminals and
# claim_cost drop and create theirs, named after it).


def bench_database(value: str) -> tuple[str | None, str]:
    """``WMS_BENCH_DB`` as a database name (``wms_you``) or as the store URL a
    newcomer has at hand (``postgresql+psycopg://postgres@host:5432/wms_you``):
    the server that URL names (psycopg's form, None for a bare name) and the name.
    The name goes into CREATE and DROP DATABASE, so it is a plain identifier; a URL
    went in whole before and PostgreSQL answered 'syntax error at or near "+"'."""
    import re
    from urllib.parse import urlsplit

    server, name = None, value.strip()
    if "://" in name:
        parts = urlsplit(name)
        server, name = f"postgresql://{parts.netloc}", parts.path.strip("/")
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{0,40}", name):
        raise SystemExit(
            f"WMS_BENCH_DB={value!r}: give a database name such as wms_you "
            "(letters, digits, _), or a PostgreSQL URL ending in one"
        )
    return server, name


_URL_SERVER, PG_DATABASE = bench_database(os.environ.get("WMS_BENCH_DB", "wms_bench"))
PG_SERVER = os.environ.get("WMS_BENCH_PG") or _URL_SERVER or "postgresql://postgres@127.0.0.1:5432"
_pg_enabled = True


@dataclass
class Row:
    """One line of the table.

    ``result`` is the headline figure in ``unit`` (for latencies the p99, with
    ``p50`` beside it); ``baseline`` was measured in the same run, in the same
    unit, and ``ratio`` is result / baseline (for rates, baseline / result: how
    many times slower than the floor). ``ok`` is None when there is no target
    or the size was too small for the target to mean anything.
    """

    what: str
    result: float
    unit: str
    baseline: float | None = None
    baseline_what: str = ""
    p50: float | None = None
    target: str = ""
    ok: bool | None = None
    note: str = ""
    ratio: float | None = None
    runs: list[float] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.ratio is None and self.baseline:
            rate = self.unit.endswith("/s")
            self.ratio = self.baseline / self.result if rate else self.result / self.baseline
        if not self.runs:
            self.runs = [self.result]

    def as_json(self) -> dict:
        return asdict(self)


def set_sizes(lines: Iterable[int]) -> None:
    global _lines
    _lines = tuple(sorted(lines))


def sizes(quick: bool) -> tuple[int, ...]:
    """Order-line counts of the seeded stores to run at."""
    return (QUICK_LINES,) if quick else _lines


def largest(quick: bool) -> int:
    return sizes(quick)[-1]


def set_pg(enabled: bool) -> None:
    global _pg_enabled
    _pg_enabled = enabled


def pg_enabled() -> bool:
    return _pg_enabled


def human(n: int) -> str:
    """10000 -> "10 k", 1000000 -> "1 M"."""
    for div, suffix in ((1_000_000, " M"), (1_000, " k")):
        if n >= div and n % (div // 10) == 0:
            value = n / div
            return f"{value:g}{suffix}"
    return f"{n:,}"


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def latency_row(
    what: str,
    samples: list[float],
    base: list[float] | None = None,
    *,
    baseline_what: str = "",
    limit_ms: float | None = None,
    max_ratio: float | None = None,
    target: str = "",
    judge: bool = True,
    note: str = "",
) -> Row:
    """A row for latencies (seconds in): p99 and p50 in ms, the ratio of p99s."""
    p99 = 1000 * pct(samples, 0.99)
    base99 = 1000 * pct(base, 0.99) if base else None
    ok: bool | None = None
    if judge and (limit_ms is not None or max_ratio is not None):
        ok = True
        if limit_ms is not None:
            ok = p99 <= limit_ms
        if max_ratio is not None and base99:
            ok = ok and p99 / base99 <= max_ratio
    return Row(
        what,
        p99,
        "ms p99",
        baseline=base99,
        baseline_what=baseline_what,
        p50=1000 * statistics.median(samples),
        target=target,
        ok=ok,
        note=note,
    )


# --------------------------------------------------------------------------- stores


def _fingerprint(*sources: Path) -> str:
    """Changes when a builder or the schema changes, so a stale cache is rebuilt.

    The schema is the Alembic head the store is stamped with, the models and
    the DDL ``create_schema`` adds to them (triggers): a store built before a
    migration would otherwise be benchmarked as if it were today's.
    """
    from wms_tui.store import SCHEMA_REVISION

    h = hashlib.sha256(f"schema {SCHEMA_REVISION}\n".encode())
    wms = ROOT / "wms_tui"
    store = (wms / "store" / "__init__.py", wms / "store" / "engine.py", wms / "store" / "ddl.py")
    models = sorted((wms / "domain" / "models").glob("*.py"))
    for src in (*models, *store, *sources):
        if src.exists():
            h.update(src.read_bytes())
    return h.hexdigest()[:10]


def cached_sqlite(name: str, builder: Callable[[str], None], *sources: Path) -> Path:
    """A SQLite store under bench/out/, built once by ``builder(url)`` and kept.

    Returns the path of the cached file; benchmarks that write work on a copy
    (:func:`copy_sqlite`) so the cache stays as built.
    """
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"{name}-{_fingerprint(*sources)}.db"
    if not path.exists():
        for stale in OUT.glob(f"{name}-*.db*"):
            stale.unlink()
        tmp = path.with_suffix(".building")
        for leftover in OUT.glob(tmp.name + "*"):
            leftover.unlink()
        builder(f"sqlite:///{tmp}")
        con = sqlite3.connect(tmp)
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        con.execute("PRAGMA journal_mode=DELETE")
        con.close()
        tmp.rename(path)
    return path


def copy_sqlite(src: Path, dst_dir: Path, tag: str) -> str:
    dst = Path(dst_dir) / f"{src.stem}-{tag}.db"
    shutil.copy(src, dst)
    return f"sqlite:///{dst}"


class PgSchema:
    """A throw-away schema in the benchmark's own PostgreSQL database."""

    def __init__(self, tag: str) -> None:
        import uuid

        import psycopg

        self.schema = f"b_{tag}_{uuid.uuid4().hex[:6]}"
        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as con:
            exists = con.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", (PG_DATABASE,)
            ).fetchone()
            if not exists:
                con.execute(f"CREATE DATABASE {PG_DATABASE}")
        with psycopg.connect(f"{PG_SERVER}/{PG_DATABASE}", autocommit=True) as con:
            con.execute(f"CREATE SCHEMA {self.schema}")
        server = PG_SERVER.replace("postgresql://", "postgresql+psycopg://", 1)
        self.url = f"{server}/{PG_DATABASE}?options=-csearch_path%3D{self.schema}"

    def drop(self) -> None:
        import psycopg

        with psycopg.connect(f"{PG_SERVER}/{PG_DATABASE}", autocommit=True) as con:
            con.execute(f"DROP SCHEMA IF EXISTS {self.schema} CASCADE")


def vacuum_analyze(store) -> None:  # noqa: ANN001 - a wms_tui.store.Store on PostgreSQL
    """What autovacuum would have done by the time anyone looks: statistics and
    the visibility map (index-only scans without heap fetches).

    On the driver's own connection, which the store keeps in autocommit (it
    sends its own BEGIN, store/engine.py): asking SQLAlchemy for AUTOCOMMIT still sent
    that BEGIN, which VACUUM refuses, and returned the connection to the pool
    out of autocommit.
    """
    raw = store.engine.raw_connection()
    try:
        raw.driver_connection.execute("VACUUM ANALYZE")
    finally:
        raw.close()


def pg_reachable() -> bool:
    if not _pg_enabled:
        return False
    try:
        import psycopg

        with psycopg.connect(f"{PG_SERVER}/postgres", connect_timeout=3):
            return True
    except Exception:  # noqa: BLE001 - any failure means "run without PostgreSQL"
        return False


def seeded_stores(
    name: str,
    sizes: Iterable[tuple[int, int]],
    fill: Callable[[Store, int, int], None],
    *sources: Path,
) -> Iterator[tuple[str, int, str]]:
    """("SQLite" or "PostgreSQL", orders, url) for each (orders, recent) size, filled once.

    The SQLite store is cached under ``name`` with ``{n}`` the orders (rebuilt when
    ``sources`` change) and
    given as a throw-away copy; PostgreSQL, when it answers, gets a fresh schema filled
    the same way and dropped once the caller has moved on.
    """
    from wms_tui.store import Store

    for n, recent in sizes:

        def make(url: str, n: int = n, recent: int = recent) -> None:
            store = Store(url)
            store.create_schema()
            fill(store, n, recent)
            store.dispose()

        cached = cached_sqlite(name.format(n=n), make, *sources)
        with tempfile.TemporaryDirectory() as tmp:
            yield "SQLite", n, copy_sqlite(cached, Path(tmp), "run")
        if pg_reachable():
            pg = PgSchema(name.split("-")[0])
            try:
                make(pg.url)
                yield "PostgreSQL", n, pg.url
            finally:
                pg.drop()
