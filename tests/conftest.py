"""Shared fixtures.

``store`` runs a test on every backend: SQLite (a temporary file, with the real
pragmas) and PostgreSQL (the server at 127.0.0.1:5432, a fresh schema per test).
Set WMS_TEST_BACKENDS=sqlite to run only SQLite on a laptop without PostgreSQL;
in CI (CI=true) an unreachable PostgreSQL fails the run instead of skipping.
"""

from __future__ import annotations

import atexit
import multiprocessing
import multiprocessing.context
import os
import re
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import text

from wms_tui.domain.actor import Actor
from wms_tui.domain.clock import set_clock
from wms_tui.store import Store

if TYPE_CHECKING:
    from tests.worlds.demo import BuiltDemo

PG_BASE = os.environ.get("WMS_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
BACKENDS = [b for b in os.environ.get("WMS_TEST_BACKENDS", "sqlite,postgresql").split(",") if b]
# A test store is thrown away after the test: waiting for the server to flush
# its WAL to disk at every commit proves nothing there and was most of the
# wait of a PostgreSQL test (a few ms per commit on this disk, far more when
# the machine is busy). Locking, isolation and visibility are unchanged.
_PG_NO_FLUSH = "-csynchronous_commit%3Doff"
_PG_ADMIN = PG_BASE.replace("postgresql+psycopg", "postgresql")

# Tests' folders (SQLite files, labels, reports) live in memory when the
# machine has room there: an fsync on this disk costs ~3 ms, and nothing a
# test checks depends on the data surviving a power cut. Below this much free
# space (a container's 64 MB /dev/shm) the default temporary folder is used.
_SHM = Path("/dev/shm")
_SHM_NEEDED = 2 << 30


def pytest_configure(config: pytest.Config) -> None:
    if config.option.basetemp or os.environ.get("PYTEST_DEBUG_TEMPROOT"):
        return
    try:
        st = os.statvfs(_SHM)
    except OSError:
        return
    if st.f_bavail * st.f_frsize >= _SHM_NEEDED and os.access(_SHM, os.W_OK):
        # Read by pytest's tmp_path_factory (and inherited by xdist workers).
        os.environ["PYTEST_DEBUG_TEMPROOT"] = str(_SHM)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Long tests (marked ``slow``) first, the rest in their usual order.

    With ``--dist loadgroup`` xdist hands each worker one test at a time as
    it runs short of work, so starting with the long ones lets the many short
    tests fill in at the end and both workers finish together; a 40 s test
    drawn last kept one worker busy alone. Every worker sorts the same
    collection the same way (xdist requires it).
    """
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


def _pg_admin():  # noqa: ANN202 - psycopg is imported lazily
    """A connection to the tests' database, outside any test schema."""
    import psycopg

    return psycopg.connect(_PG_ADMIN, autocommit=True, options="-c synchronous_commit=off")


def _pg_available() -> str | None:
    try:
        import psycopg

        with psycopg.connect(_PG_ADMIN, connect_timeout=3):
            return None
    except Exception as exc:  # noqa: BLE001 - any failure means "not here"
        return str(exc).splitlines()[0]


_PG_PROBLEM: str | None = None
if "postgresql" in BACKENDS:
    _PG_PROBLEM = _pg_available()


def pg_schema_url() -> tuple[str, str]:
    """A URL whose search_path is a fresh schema, and that schema's name."""
    schema = "t_" + uuid.uuid4().hex[:12]
    with _pg_admin() as c:
        c.execute(f"CREATE SCHEMA {schema}")
    return _pg_url(schema), schema


def _pg_url(schema: str) -> str:
    return f"{PG_BASE}?options=-csearch_path%3D{schema}%20{_PG_NO_FLUSH}"


def schema_of(url: str) -> str:
    """The test schema a URL from :func:`pg_schema_url` puts on the search path."""
    found = re.search(r"search_path%3D(\w+)", url)
    assert found, url
    return found.group(1)


def drop_pg_schema(schema: str) -> None:
    with _pg_admin() as c:
        c.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


def require_postgres() -> None:
    """Skip on a developer machine without the server; in CI its absence fails."""
    if _PG_PROBLEM is not None:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is not reachable in CI: {_PG_PROBLEM}")
        pytest.skip(f"PostgreSQL not reachable: {_PG_PROBLEM}")


def make_url(backend: str, tmp_path: Path) -> tuple[str, str | None]:
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'wms.db'}", None
    require_postgres()
    return pg_schema_url()


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def db_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    if backend == "postgresql" and "empty_store" in request.fixturenames:
        # The test's store starts with the whole schema: take one emptied
        # after an earlier test instead of creating and dropping ~40 tables.
        require_postgres()
        schema = _PG_SCHEMAS.take()
        yield _pg_url(schema)
        _PG_SCHEMAS.give_back(schema)
        return
    url, schema = make_url(backend, tmp_path)
    yield url
    if schema:
        drop_pg_schema(schema)


_PG_DDL: str | None = None


def pg_schema_ddl() -> str:
    """The whole schema as one SQL script, compiled once per test session.

    ``create_all`` talks to the server once per table and index (about 0.8 s
    per test); replaying the same DDL in one round trip takes a few ms. It is
    compiled from the same metadata and guards, and test_migrations checks
    ``Store.create_schema`` itself against the models.
    """
    global _PG_DDL
    if _PG_DDL is None:
        from sqlalchemy import create_mock_engine
        from sqlmodel import SQLModel

        import wms_tui.domain.models  # noqa: F401
        from wms_tui.store import SCHEMA_REVISION
        from wms_tui.store.ddl import append_only_statements

        statements: list[str] = []

        def collect(sql, *_a, **_k) -> None:
            statements.append(str(sql.compile(dialect=engine.dialect)).strip())

        engine = create_mock_engine("postgresql+psycopg://", collect)
        SQLModel.metadata.create_all(engine, checkfirst=False)
        statements += append_only_statements("postgresql")
        statements.append(
            "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)"
        )
        statements.append(f"INSERT INTO alembic_version VALUES ('{SCHEMA_REVISION}')")
        # Each test's schema is its own store, with its own identity (as create_schema).
        statements.append(
            "INSERT INTO storeidentity (uuid, created_at) VALUES (gen_random_uuid()::text, now())"
        )
        _PG_DDL = ";\n".join(statements)
    return _PG_DDL


_SQLITE_TEMPLATE: Path | None = None


def sqlite_schema_copy(url: str, tmp_path_factory: pytest.TempPathFactory | None = None) -> Store:
    """A new SQLite store at ``url`` with the whole schema, as ``create_schema``
    leaves it, copied from a file made once per test process.

    ``create_schema`` compiles and runs every table's DDL (~30 ms of CPU per
    test); a file copy takes about 1 ms. The copy gets an identity of its own,
    as a store made by ``create_schema`` has; test_migrations checks
    ``create_schema`` itself against the models and the migrations. Code
    without fixtures (a hypothesis example, a state machine) passes no
    ``tmp_path_factory``: the template then goes to a folder of its own.
    """
    global _SQLITE_TEMPLATE
    if _SQLITE_TEMPLATE is None:
        if tmp_path_factory is not None:
            folder = tmp_path_factory.mktemp("schema")
        else:
            folder = Path(tempfile.mkdtemp(prefix="wms-schema-", dir=temp_root()))
            atexit.register(shutil.rmtree, folder, ignore_errors=True)
        template = folder / "template.db"
        made = Store(f"sqlite:///{template}")
        made.create_schema()
        made.dispose()  # the last connection checkpoints the WAL into the file
        _SQLITE_TEMPLATE = template
    path = Path(url.removeprefix("sqlite:///"))
    shutil.copyfile(_SQLITE_TEMPLATE, path)
    store = Store(url)
    with store.unit_of_work() as uow:
        uow.session.execute(text("UPDATE storeidentity SET uuid = :u"), {"u": str(uuid.uuid4())})
        uow.commit()
    store.remember_identity()
    return store


# What the multi-process tests' workers run: imported once by the fork server.
_WORKER_MODULES = [
    "tests.store.test_claims_multiprocess",
    "tests.store.test_pack_multiprocess",
    "tests.store.test_pick_claims_multiprocess",
    "tests.store.test_release_multiprocess",
]


def worker_processes() -> multiprocessing.context.BaseContext:
    """How a multi-process test starts its workers: each its own OS process with its
    own engine, forked from a server process that imported the store, the services
    and the workers' modules once.

    With ``spawn`` every worker imported all of it again (8 handhelds: ~10 s of CPU
    before the first claim). The server starts fresh and single-threaded, so no
    pytest or xdist thread, no open connection is forked; it lives as long as the
    test process and serves every multi-process test in it.
    """
    from bench.load_terminals import TERMINAL_MODULES

    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(_WORKER_MODULES + TERMINAL_MODULES)
    return ctx


def temp_root() -> str | None:
    """Where a test's own temporary folders go: memory when pytest_configure chose
    it (see _SHM), else the system's default."""
    return os.environ.get("PYTEST_DEBUG_TEMPROOT")


# What a schema's shape is made of: its tables' columns and privileges,
# triggers (enabled or not), constraints and indexes. A test that changed it
# (dropped a guard, revoked a grant) leaves a schema that is dropped instead of
# reused. Every lookup goes through a catalog index: scanning pg_class for a
# namespace reads the whole (much churned) catalog.
_PG_SHAPE = """
WITH t AS (SELECT c.oid, c.relname, c.relnatts, c.relacl FROM pg_class c
            WHERE c.relname = ANY(%(tables)s) AND c.relnamespace = %(ns)s::regnamespace)
SELECT md5(
  (SELECT string_agg(concat_ws(' ', relname, relnatts, relacl), ',' ORDER BY relname) FROM t)
  || (SELECT string_agg(concat_ws(' ', g.tgname, g.tgenabled), ',' ORDER BY g.tgname)
        FROM pg_trigger g JOIN t ON g.tgrelid = t.oid)
  || (SELECT string_agg(concat_ws(' ', k.conname, k.convalidated), ',' ORDER BY k.conname)
        FROM pg_constraint k JOIN t ON k.conrelid = t.oid)
  || (SELECT string_agg(x.relname, ',' ORDER BY x.relname)
        FROM pg_index i JOIN t ON i.indrelid = t.oid JOIN pg_class x ON x.oid = i.indexrelid))
"""


def _pg_tables() -> list[str]:
    from sqlmodel import SQLModel

    return [t.name for t in SQLModel.metadata.sorted_tables] + ["alembic_version"]


def _pg_shape(conn, schema: str) -> str:  # noqa: ANN001
    return conn.execute(_PG_SHAPE, {"ns": schema, "tables": _pg_tables()}).fetchone()[0]


class _PgSchemas:
    """PostgreSQL schemas holding the whole store schema, reused between tests.

    Creating a schema's ~40 tables, indexes and guards and dropping them again
    after the test was most of a PostgreSQL test's time, spent in the server.
    A schema handed back is emptied in one round trip instead: every table's
    rows deleted with triggers off (the append-only guards and foreign keys
    are triggers; the admin connection is the superuser), every sequence
    restarted, and the revision and a new store identity written as
    ``create_schema`` writes them, so the next test sees what a fresh schema
    holds. One whose shape the test changed is dropped.
    """

    def __init__(self) -> None:
        self.idle: list[str] = []
        self.shape: str | None = None
        self.restart = ""  # resets every sequence to its start (read once: pg_sequences is slow)

    def take(self) -> str:
        if self.idle:
            return self.idle.pop()
        _url, schema = pg_schema_url()
        with _pg_admin() as c:
            c.execute(f"SET search_path TO {schema}; " + pg_schema_ddl())
            if self.shape is None:
                self.shape = _pg_shape(c, schema)
                sequences = c.execute(
                    "SELECT sequencename, start_value FROM pg_sequences WHERE schemaname = %s",
                    (schema,),
                ).fetchall()
                self.restart = "SELECT " + ", ".join(
                    f"setval('{name}', {start}, false)" for name, start in sequences
                )
        return schema

    def give_back(self, schema: str) -> None:
        from wms_tui.store import SCHEMA_REVISION

        tables = _pg_tables()
        try:
            with _pg_admin() as c:
                if _pg_shape(c, schema) != self.shape:
                    raise LookupError(schema)
                # One script, no parameters: sent as one simple query.
                c.execute(
                    f"SET search_path TO {schema}; SET session_replication_role = replica; "
                    + "".join(f'DELETE FROM "{t}"; ' for t in tables)
                    + f"{self.restart}; "
                    f"INSERT INTO alembic_version VALUES ('{SCHEMA_REVISION}'); "
                    "INSERT INTO storeidentity (uuid, created_at)"
                    " VALUES (gen_random_uuid()::text, now())"
                )
        except Exception:  # noqa: BLE001 - a schema that cannot be emptied is dropped
            drop_pg_schema(schema)
            return
        self.idle.append(schema)

    def drop_all(self) -> None:
        while self.idle:
            drop_pg_schema(self.idle.pop())


_PG_SCHEMAS = _PgSchemas()


@pytest.fixture(scope="session", autouse=True)
def _drop_idle_pg_schemas() -> Iterator[None]:
    yield
    _PG_SCHEMAS.drop_all()


@pytest.fixture
def empty_store(db_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    if db_url.startswith("sqlite"):
        store = sqlite_schema_copy(db_url, tmp_path_factory)
    else:
        store = Store(db_url)  # its schema came ready from the db_url fixture
    yield store
    store.dispose()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'wms.db'}"


@pytest.fixture
def sqlite_store(sqlite_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    store = sqlite_schema_copy(sqlite_url, tmp_path_factory)
    yield store
    store.dispose()


@pytest.fixture(scope="session")
def sqlite_demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BuiltDemo]:
    """The SQLite demo, built once per test process by ``wms demo --no-tui``
    (tests/worlds/demo.py). Read it; to write, work on ``sqlite_demo.copy(...)``."""
    from tests.worlds.demo import build_sqlite

    built = build_sqlite(tmp_path_factory.mktemp("demo"))
    yield built
    built.store.dispose()


@pytest.fixture(scope="session")
def pg_demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BuiltDemo]:
    """The PostgreSQL demo, built once per test process by a reset over a small
    demo store (tests/worlds/demo.py). Read it only."""
    from tests.worlds.demo import build_postgresql

    require_postgres()
    url, schema = pg_schema_url()
    try:
        built = build_postgresql(url, tmp_path_factory.mktemp("pgdemo"))
        yield built
        built.store.dispose()
    finally:
        drop_pg_schema(schema)


@pytest.fixture(params=BACKENDS)
def demo_build(request: pytest.FixtureRequest) -> BuiltDemo:
    """The shared demo on each backend (mark the test ``xdist_group("demo_build")``
    so one worker builds it for all of them)."""
    return request.getfixturevalue(f"{'sqlite' if request.param == 'sqlite' else 'pg'}_demo")


@pytest.fixture(autouse=True)
def _run_in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test runs in its own folder: relative outputs (labels/, data/reports,
    data/outbox) never land in the checkout or collide between xdist workers."""
    monkeypatch.chdir(tmp_path)


@pytest.fixture(autouse=True)
def _cli_identity(monkeypatch: pytest.MonkeyPatch) -> None:
    """Commands that change the store take a badge and a PIN: no badge unless a
    test gives one, and the PIN every test supervisor has (worlds/factories)."""
    monkeypatch.delenv("WMS_BADGE", raising=False)
    monkeypatch.delenv("WMS_NEW_PIN", raising=False)
    monkeypatch.setenv("WMS_PIN", "9001")


@pytest.fixture(autouse=True)
def _real_clock() -> Iterator[None]:
    yield
    set_clock(None)


def actor(name: str = "Test", *roles: str, operator_id: int | None = None) -> Actor:
    return Actor(
        operator_id=operator_id,
        name=name,
        roles=frozenset(roles or ("picker", "packer", "receiver", "supervisor")),
        terminal="TEST",
    )
