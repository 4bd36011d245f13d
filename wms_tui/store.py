"""Engine, sessions and the unit of work.

SQLite (the default, one file per warehouse) is set up so that several
terminal processes can share the file safely:

* WAL, synchronous=NORMAL, busy_timeout=5000, foreign_keys=ON on every connect;
* the driver in autocommit mode and every transaction begun by us: writes with
  ``BEGIN IMMEDIATE`` (take the write lock up front, so two terminals cannot
  both read "task is free" and then both claim it), reads with plain ``BEGIN``.

The default pysqlite setup begins transactions lazily at the first write; two
processes then race between their read and their write (measured: 394 of 400
claims doubled). With the setup above, 0 doubles and 0 "database is locked".

On PostgreSQL the same code runs; claims use ``SELECT ... FOR UPDATE SKIP LOCKED``
which SQLAlchemy leaves out on SQLite, where BEGIN IMMEDIATE already serialises.
"""

from __future__ import annotations

import contextvars
import functools
import os
import random
import re
import shlex
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from sqlalchemy import Table, event, inspect, text
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, DisconnectionError, OperationalError
from sqlmodel import Session, SQLModel, create_engine

from wms_tui.domain.clock import one_instant, utcnow
from wms_tui.domain.errors import DomainError, StoreBusy, StoreError, StoreReplaced

DEFAULT_SQLITE_PATH = Path("data") / "wms.db"
ENV_URL = "WMS_DATABASE_URL"

# The Alembic revision this code's schema corresponds to. A database stamped
# with a revision not in KNOWN_REVISIONS was made by a newer wms; one stamped
# with an earlier known revision must be upgraded (`wms db upgrade`) first.
SCHEMA_REVISION = "0022"
KNOWN_REVISIONS = (
    "0001",
    "0002",
    "0003",
    "0008",
    "0004",
    "0014",
    "0012",
    "0007",
    "0010",
    "0009",
    "0011",
    "0006",
    "0015",
    "0016",
    "0017",
    "0018",
    "0020",
    "0021",
    "0022",
)  # oldest first, SCHEMA_REVISION last

SQLITE_PRAGMAS = {
    "journal_mode": "WAL",
    "synchronous": "NORMAL",
    "busy_timeout": 5000,
    "foreign_keys": "ON",
}

_WRITE = "wms_write"
STORE_REPLACED = (
    "The store was replaced (a reset or restore) after this terminal opened it: "
    "nothing saved. Quit and start wms again"
)
LOCK_WAIT_SECONDS = 30.0


def resolve_url(db: str | None = None) -> str:
    """``--db`` (a path or URL) beats ``WMS_DATABASE_URL`` beats ``data/wms.db``."""
    value = db or os.environ.get(ENV_URL) or str(DEFAULT_SQLITE_PATH)
    if "://" in value:
        return value
    return f"sqlite:///{Path(value).expanduser()}"


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL; None for any other URL, or one that is none
    (``Store`` refuses that with one line)."""
    try:
        u = make_url(url)
    except (ArgumentError, ValueError):
        return None
    if u.get_backend_name() != "sqlite" or not u.database or u.database == ":memory:":
        return None
    return Path(u.database)


def shown_url(url: str) -> str:
    """The database as an operator names it with ``--db``: a SQLite file by its
    path, a URL with its password replaced by ``***``. Every message that names
    a database goes through here: the line is shown on floor terminals and
    written to logs, and a PostgreSQL URL may carry the password."""
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):  # ValueError: a port that is not a number
        # Not a URL SQLAlchemy can read, but it may still hold "user:password@".
        return _PASSWORD_IN_URL.sub(r"\1***@", url)
    path = sqlite_path(url)
    if path is not None:
        return str(path)
    if parsed.password:
        return parsed.render_as_string(hide_password=True)
    return url


# "scheme://user:password@host": everything from the ":" after the user to the
# last "@" is masked, since an unreadable URL may hold an unescaped "@" in it.
_PASSWORD_IN_URL = re.compile(r"^([^:/]+://[^:/@]*:).*@")


def hide_password(message: str, url: str) -> str:
    """``message`` with the URL's password masked, should a driver have quoted it."""
    try:
        password = make_url(url).password
    except (ArgumentError, ValueError):
        return message
    if password:
        message = message.replace(str(password), "***")
    return message


def db_option(url: str) -> str:
    """``shown_url`` quoted for a shell, ready to paste after ``--db``."""
    return shlex.quote(shown_url(url))


def make_engine(url: str, *, echo: bool = False) -> Engine:
    """Build an engine with the store settings; does not touch the database yet."""
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError) as exc:
        raise StoreError(f"Not a database URL: {shown_url(url)!r}") from exc
    if parsed.get_backend_name() == "sqlite":
        path = sqlite_path(url)
        if path is not None and path.parent and not path.parent.exists():
            raise StoreError(f"Cannot open database {path}: folder {path.parent} does not exist")
        engine = create_engine(
            url,
            echo=echo,
            connect_args={"check_same_thread": False, "timeout": 5.0},
        )
        _install_sqlite_hooks(engine)
        _refuse_nul(engine)
        return engine
    if parsed.get_backend_name() == "postgresql":
        try:
            engine = create_engine(url, echo=echo)
        except ImportError as exc:
            # The driver is an optional extra: say which one, not a traceback. wms is
            # installed from its checkout, not from PyPI: 'wms_tui[postgres]' would ask
            # PyPI for a project of that name, so name the driver's own package.
            raise StoreError(
                f"PostgreSQL needs its driver ({exc.name or parsed.get_driver_name()}): "
                "pip install 'psycopg[binary]' into wms's environment "
                "(or '.[postgres]' from the checkout), then start again"
            ) from exc
        _install_postgresql_hooks(engine)
        _refuse_nul(engine)
        return engine
    raise StoreError(
        f"Unsupported database {parsed.get_backend_name()!r}: use SQLite or PostgreSQL"
    )


def _refuse_nul(engine: Engine) -> None:
    """Refuse text holding NUL before it reaches the database, in one line.

    PostgreSQL cannot store U+0000 in text and psycopg raises a DataError that
    no screen expects; any use case writing typed or imported text gets this
    refusal (a DomainError: its unit of work rolls back) instead. SQLite could
    store it, but the same input must get the same answer on both stores.
    """

    @event.listens_for(engine, "before_cursor_execute")
    def _check(_conn: Any, _cursor: Any, _stmt: str, params: Any, *_rest: Any) -> None:
        _refuse_nul_in(params)


def _refuse_nul_in(params: Any) -> None:
    if _holds_nul(params):
        raise DomainError("Text with a NUL character (\\x00) cannot be stored: retype it")


def _holds_nul(params: Any) -> bool:
    """Any text in the parameters (one row or many, by name or position) holds NUL."""
    if isinstance(params, str):
        return "\x00" in params
    if isinstance(params, dict):
        params = params.values()
    elif not isinstance(params, (list, tuple)):
        return False
    # Every parameter of every statement passes here (a bulk insert: tens of
    # thousands of rows), so plain values are looked at without a call each.
    for value in params:
        if value.__class__ is str:
            if "\x00" in value:
                return True
        elif isinstance(value, (str, dict, list, tuple)) and _holds_nul(value):
            return True
    return False


def bulk_insert(
    conn: Connection, table: Table, columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """Insert ``rows`` (tuples in ``columns`` order) into ``table`` in one go.

    SQLite: one ``executemany`` of a prepared INSERT. PostgreSQL: ``COPY FROM
    STDIN``; psycopg's executemany sends a statement per row, which for a
    wave's 20,000 task lines cost the client about ten times COPY's CPU and
    the server a statement each. Both run on the caller's connection, in its
    transaction, straight on the driver: values go through the columns' bind
    processors as SQLAlchemy's insert would send them (column by column, so a
    column without one costs nothing per row), and text holding NUL is
    refused as in every other statement. Columns left out get the database's
    default; no Python-side defaults are applied, so callers name every
    column that has one.
    """
    if not rows:
        return
    dialect = conn.dialect
    values = _driver_values(conn, table, columns, rows)
    quote = dialect.identifier_preparer.quote
    names = ", ".join(quote(name) for name in columns)
    target = dialect.identifier_preparer.format_table(table)
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        if dialect.name == "postgresql":
            with cursor.copy(f"COPY {target} ({names}) FROM STDIN") as copy:
                for row in zip(*values, strict=True):
                    copy.write_row(row)
        else:
            marks = ", ".join("?" * len(columns))
            sql = f"INSERT INTO {target} ({names}) VALUES ({marks})"
            cursor.executemany(sql, zip(*values, strict=True))
    finally:
        cursor.close()


def bulk_update(
    conn: Connection, table: Table, columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """``UPDATE table SET <columns> WHERE id = ?`` for each row, in one executemany.

    ``rows`` are tuples of the new values in ``columns`` order followed by the
    row's id. Straight on the driver, on the caller's connection, with the
    columns' bind processors and the NUL refusal of :func:`bulk_insert`:
    through SQLAlchemy, preparing each row's parameters cost a release more
    than the database's work.
    """
    if not rows:
        return
    dialect = conn.dialect
    values = _driver_values(conn, table, (*columns, "id"), rows)
    quote = dialect.identifier_preparer.quote
    mark = "%s" if dialect.name == "postgresql" else "?"
    sets = ", ".join(f"{quote(name)} = {mark}" for name in columns)
    target = dialect.identifier_preparer.format_table(table)
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.executemany(
            f"UPDATE {target} SET {sets} WHERE id = {mark}", zip(*values, strict=True)
        )
    finally:
        cursor.close()


def _driver_values(
    conn: Connection, table: Table, columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> list[list[Any]]:
    """The rows' values column by column, as the driver takes them; refuses NUL in text."""
    dialect = conn.dialect
    values = [list(column) for column in zip(*rows, strict=True)]
    if len(values) != len(columns):
        raise ValueError(f"{len(columns)} columns named, rows have {len(values)}")
    for i, name in enumerate(columns):
        process = table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
        if process is not None:
            values[i] = _processed(process, values[i])
        _refuse_nul_in([v for v in values[i] if isinstance(v, str)])
    return values


def _processed(process: Callable[[Any], Any], column: list[Any]) -> list[Any]:
    """``[process(v) for v in column]``, calling ``process`` once per distinct object.

    A bulk insert repeats the same object down a column (a wave's 10,000 events
    share one timestamp, its 20,000 task lines two booleans), and a datetime's
    processor costs more than a dict lookup. Keyed by identity, not equality:
    equal values may still render differently (2.0 and 2, two time zones of
    one instant), the same object never does; the column holds every object,
    so no id is reused while the memo lives.
    """
    memo: dict[int, Any] = {}
    out = []
    append = out.append
    for v in column:
        key = id(v)
        if key in memo:
            append(memo[key])
        else:
            append(memo.setdefault(key, process(v)))
    return out


def _install_sqlite_hooks(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Autocommit driver: we issue BEGIN ourselves (see module docstring).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        for name, value in SQLITE_PRAGMAS.items():
            cur.execute(f"PRAGMA {name}={value}")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        write = conn.get_execution_options().get(_WRITE, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


# A unit of work on PostgreSQL sends its own BEGIN, in one round trip with its
# first read (the store's identity), and that read tells a dead connection
# as well as a ping would: its checkout sends none.
_UOW = "wms_unit_of_work"
_first_statement_pings: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "wms_first_statement_pings", default=False
)


def _install_postgresql_hooks(engine: Engine) -> None:
    """Round trips a PostgreSQL transaction pays besides its own statements.

    With 32 terminals on a loaded machine every round trip is a wait for a
    CPU at both ends; a unit of work used to pay three before its first
    statement (the pool's ping, psycopg's BEGIN, the identity read), now one.
    """
    dbapi_error = engine.dialect.loaded_dbapi.Error

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Autocommit driver and our own BEGIN, as on SQLite: psycopg would
        # otherwise send BEGIN by itself, in a round trip of its own.
        dbapi_conn.autocommit = True

    @event.listens_for(engine, "checkout")
    def _ping(dbapi_conn: Any, _record: Any, _proxy: Any) -> None:
        # What pool_pre_ping did: a connection PostgreSQL dropped (a restart)
        # is replaced before anyone uses it.
        if _first_statement_pings.get():
            return
        try:
            with dbapi_conn.cursor() as cur:
                cur.execute("SELECT 1")
        except dbapi_error as exc:
            raise DisconnectionError() from exc

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        if not conn.get_execution_options().get(_UOW, False):
            conn.exec_driver_sql("BEGIN")


class Store:
    """One database: its engine, its schema check and its units of work."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = url
        self.engine = make_engine(url, echo=echo)
        self._write_engine = self.engine.execution_options(**{_WRITE: True})
        self._uow_engine = (
            self.engine.execution_options(**{_WRITE: True, _UOW: True})
            if self.dialect == "postgresql"
            else self._write_engine
        )
        self._file = sqlite_path(url)
        # (SQLite file's device and inode, the store's UUID) when this process
        # opened it; None until then (a store being built is not watched).
        self._seen: tuple[tuple[int, int] | None, str | None] | None = None

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    # -- schema --------------------------------------------------------------

    def create_schema(self) -> None:
        """Create every table in an empty database and stamp its revision."""
        import wms_tui.domain.models  # noqa: F401  (registers the tables)
        from wms_tui import store_ddl

        try:
            with self._write_engine.begin() as conn:
                SQLModel.metadata.create_all(conn)
                store_ddl.install_append_only_guards(conn)
                conn.execute(
                    text(
                        "CREATE TABLE IF NOT EXISTS alembic_version "
                        "(version_num VARCHAR(32) NOT NULL PRIMARY KEY)"
                    )
                )
                conn.execute(text("DELETE FROM alembic_version"))
                conn.execute(
                    text("INSERT INTO alembic_version (version_num) VALUES (:v)"),
                    {"v": SCHEMA_REVISION},
                )
                identity = SQLModel.metadata.tables["storeidentity"]
                conn.execute(identity.insert().values(uuid=str(uuid.uuid4()), created_at=utcnow()))
        except OperationalError as exc:
            raise StoreError(
                f"Cannot create database at {shown_url(self.url)}: "
                + hide_password(str(exc.orig), self.url)
            ) from exc
        self.remember_identity()

    def schema_revision(self) -> str | None:
        """The stamped revision, or None for an empty database."""
        try:
            with self.engine.connect() as conn:
                if not inspect(conn).has_table("alembic_version"):
                    return None
                row = conn.execute(text("SELECT version_num FROM alembic_version")).first()
                return row[0] if row else None
        except OperationalError as exc:
            raise StoreError(
                f"Cannot open database {shown_url(self.url)}: "
                + hide_password(str(exc.orig), self.url)
            ) from exc

    def refuse_missing_file(self) -> None:
        """A SQLite file that is not there is named as missing (a mistyped
        ``--db``), before a connection would create it empty."""
        if self._file is not None and not self._file.exists():
            option = db_option(self.url)
            raise StoreError(
                f"Database file {shown_url(self.url)} does not exist: check the path, "
                f"or create it with `wms init --db {option}` or `wms demo --db {option}`"
            )

    def check_schema(self) -> None:
        """Refuse a database that is empty, older or newer than this code.

        An older one is not migrated here: a terminal opening a shared
        database must not change its schema under the other terminals (and
        their older wms). The operator runs `wms db upgrade` once, on purpose.
        """
        self.refuse_missing_file()
        rev = self.schema_revision()
        if rev is None:
            raise StoreError(
                f"Database {shown_url(self.url)} is empty: run `wms init` or `wms demo`"
            )
        if rev not in KNOWN_REVISIONS:
            raise StoreError(
                f"Database schema {rev} is newer than this wms knows ({SCHEMA_REVISION}); "
                "upgrade wms before using this database"
            )
        if rev != SCHEMA_REVISION:
            raise StoreError(
                f"Database schema {rev} is older than this wms ({SCHEMA_REVISION}): "
                f"run `wms db upgrade --db {db_option(self.url)}`, then start again"
            )

    # -- identity ------------------------------------------------------------

    def _file_id(self) -> tuple[int, int] | None:
        if self._file is None:
            return None
        try:
            st = os.stat(self._file)
        except OSError:
            return (-1, -1)  # deleted (a reset in progress): not the file we opened
        return (st.st_dev, st.st_ino)

    def _uuid(self, conn: Any) -> str | None:
        try:
            row = conn.execute(text("SELECT uuid FROM storeidentity ORDER BY id")).first()
        except DBAPIError:
            return None
        return row[0] if row else None

    def remember_identity(self) -> None:
        """Note which store this is, so a replaced one is noticed (:meth:`replaced`)."""
        with self.engine.connect() as conn:
            self._seen = (self._file_id(), self._uuid(conn))

    def replaced(self, conn: Any = None) -> bool:
        """Whether the store opened here was replaced since (``wms demo --reset``,
        a restore): a SQLite file by another file, any store by one with another
        identity. An old SQLite connection keeps reading and writing the deleted
        file, so the file is compared as well as the row."""
        if self._seen is None:
            return False
        if self._file_id() != self._seen[0]:
            return True
        if conn is None:
            with self.engine.connect() as fresh:
                return self._uuid(fresh) != self._seen[1]
        return self._uuid(conn) != self._seen[1]

    def begin_unit(self, conn: Any) -> bool:
        """Begin a unit of work's transaction on ``conn``; whether the store was
        replaced (:meth:`replaced`). On PostgreSQL the identity read and BEGIN
        go in one round trip (the SELECT is part of the transaction BEGIN
        opens); SQLite began already (``BEGIN IMMEDIATE``) and reads in-process."""
        if self.dialect != "postgresql":
            return self.replaced(conn)
        if self._seen is None:
            conn.exec_driver_sql("BEGIN")
            return False
        try:
            row = conn.exec_driver_sql("SELECT uuid FROM storeidentity ORDER BY id; BEGIN").first()
        except DBAPIError as exc:
            if exc.connection_invalidated:
                raise
            return True  # no identity to read: its tables were dropped (a reset)
        return (row[0] if row else None) != self._seen[1]

    def is_behind(self) -> bool:
        """Stamped with a revision older than this code's (`wms db upgrade` brings it up)."""
        rev = self.schema_revision()
        return rev in KNOWN_REVISIONS and rev != SCHEMA_REVISION

    def is_initialised(self) -> bool:
        return self.schema_revision() is not None

    # -- sessions ------------------------------------------------------------

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only session (plain BEGIN: a consistent snapshot in WAL)."""
        with Session(self.engine, expire_on_commit=False) as session:
            try:
                yield session
            finally:
                session.rollback()

    def unit_of_work(self) -> UnitOfWork:
        return UnitOfWork(self)

    def dispose(self) -> None:
        self.engine.dispose()


class UnitOfWork:
    """A write transaction: commits only when :meth:`commit` is called.

    ``with store.unit_of_work() as uow: ...; uow.commit()`` -- leaving the block
    any other way (an exception, a forgotten commit) rolls everything back, so a
    refused scan changes nothing.
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        self.session: Session
        self._instant: Any = None

    def __enter__(self) -> UnitOfWork:
        # Start the transaction now so BEGIN IMMEDIATE takes the write lock
        # before the first read (read-then-write races are the whole point).
        deadline = time.monotonic() + LOCK_WAIT_SECONDS
        reconnects = 0
        while True:
            self.session = Session(self.store._uow_engine, expire_on_commit=False)
            pings = _first_statement_pings.set(True)
            try:
                replaced = self.store.begin_unit(self.session.connection())
            except DBAPIError as exc:
                self.session.close()
                if exc.connection_invalidated and reconnects < 2:
                    # PostgreSQL dropped the pooled connection (a restart):
                    # nothing was sent in it; begin again on a new one.
                    reconnects += 1
                    continue
                # busy_timeout already waited 5 s; on a loaded machine with many
                # terminals a writer can still lose that race. A terminal should
                # wait a little longer rather than show an error to the picker.
                if not isinstance(exc, OperationalError):
                    raise
                if "locked" not in str(exc.orig) or time.monotonic() > deadline:
                    raise StoreBusy(
                        "The store is busy (another terminal is writing); try again"
                    ) from exc
                time.sleep(random.uniform(0.01, 0.05))
                continue
            finally:
                _first_statement_pings.reset(pings)
            if replaced:
                # Writing on would go into a deleted file, or mix two stores.
                self.session.close()
                raise StoreReplaced(STORE_REPLACED)
            # One time for everything the transaction writes (domain/clock.py).
            self._instant = one_instant()
            self._instant.__enter__()
            return self

    def __exit__(self, *exc: object) -> None:
        try:
            self.session.rollback()
        finally:
            self.session.close()
            if self._instant is not None:
                self._instant.__exit__(None, None, None)
                self._instant = None

    def add(self, obj: Any) -> None:
        self.session.add(obj)

    def flush(self) -> None:
        self.session.flush()

    def commit(self) -> None:
        self.session.commit()


# --------------------------------------------------------------------------- retries

# PostgreSQL SQLSTATEs of a transaction that lost a race and may simply be run
# again: deadlock_detected, serialization_failure, lock_not_available, and
# unique_violation (two terminals inserting the same natural key at once under
# READ COMMITTED: the loser's retry sees the winner's row and takes the
# "already there" path). Identifiers are numbered without such races (see
# services/core/counters.py); this is the net under whatever is left.
_RETRY_SQLSTATES = frozenset({"40P01", "40001", "55P03", "23505"})
MAX_ATTEMPTS = 6
_P = ParamSpec("_P")
_R = TypeVar("_R")
_retried = 0  # attempts rerun in this process (the load benchmark reports them)
_retrying_now: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "wms_retrying_now", default=False
)


def is_transient(exc: BaseException) -> bool:
    """A database error that another terminal caused and a rerun may not meet."""
    if not isinstance(exc, DBAPIError):
        return False
    orig = exc.orig
    state = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    if state in _RETRY_SQLSTATES:
        return True
    # SQLite: busy_timeout ran out while another process held the write lock.
    return isinstance(exc, OperationalError) and "database is locked" in str(orig)


def retrying(fn: Callable[_P, _R]) -> Callable[_P, _R]:
    """Run the use case ``fn`` again when its transaction lost a race.

    Every write use case is one function around one (or a few) units of work
    whose effects are only in the database, so running it again from the top
    is safe: the failed attempt was rolled back by the unit of work. After
    ``MAX_ATTEMPTS`` it raises :class:`StoreBusy` (one line, nothing changed).
    A use case called by another one inside the retry runs once: the outer
    one reruns both.
    """

    @functools.wraps(fn)
    def run(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        if _retrying_now.get():
            return fn(*args, **kwargs)
        token = _retrying_now.set(True)
        try:
            for attempt in range(1, MAX_ATTEMPTS + 1):
                try:
                    return fn(*args, **kwargs)
                except DBAPIError as exc:
                    if not is_transient(exc):
                        raise
                    if attempt == MAX_ATTEMPTS:
                        raise StoreBusy(
                            f"The store is busy: other terminals kept changing the same "
                            f"records ({attempt} tries); nothing was changed, try again"
                        ) from exc
                global _retried
                _retried += 1
                # Jittered, growing pause so the terminals that collided do not
                # collide again in step.
                time.sleep(random.uniform(0.005, 0.02) * 2**attempt)
            raise AssertionError("unreachable")  # pragma: no cover
        finally:
            _retrying_now.reset(token)

    return run


def retries_so_far() -> int:
    """How many attempts this process has rerun after losing a race."""
    return _retried


def open_store(db: str | None = None, *, create: bool = False) -> Store:
    """Open (and optionally create) the store, with a one-line error on failure."""
    url = resolve_url(db)
    store = Store(url)
    if create and not store.is_initialised():
        store.create_schema()
    store.check_schema()
    store.remember_identity()
    return store
