"""The engine the store runs on, and what every connection to it does.

SQLite: the pragmas, the driver in autocommit and our own ``BEGIN IMMEDIATE``
for writes (see ``wms_tui.store``). PostgreSQL: autocommit, our own BEGIN, and
the checkout's ping skipped when a unit of work's first read does its job. Both:
text holding NUL is refused before it reaches the database.
"""

from __future__ import annotations

import contextvars
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, DisconnectionError
from sqlmodel import create_engine

from wms_tui.domain.errors import DomainError, StoreError
from wms_tui.store.urls import shown_url, sqlite_path

SQLITE_PRAGMAS = {
    "journal_mode": "WAL",
    "synchronous": "NORMAL",
    "busy_timeout": 5000,
    "foreign_keys": "ON",
}

# An execution option: this connection writes (SQLite begins IMMEDIATE).
WRITE = "wms_write"


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
        refuse_nul_in(params)


def refuse_nul_in(params: Any) -> None:
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
        write = conn.get_execution_options().get(WRITE, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


# A unit of work on PostgreSQL sends its own BEGIN, in one round trip with its
# first read (the store's identity), and that read tells a dead connection
# as well as a ping would: its checkout sends none.
UNIT_OF_WORK = "wms_unit_of_work"
first_statement_pings: contextvars.ContextVar[bool] = contextvars.ContextVar(
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
        if first_statement_pings.get():
            return
        try:
            with dbapi_conn.cursor() as cur:
                cur.execute("SELECT 1")
        except dbapi_error as exc:
            raise DisconnectionError() from exc

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        if not conn.get_execution_options().get(UNIT_OF_WORK, False):
            conn.exec_driver_sql("BEGIN")
