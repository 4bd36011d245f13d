"""The store's settings, read back from live connections."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import event, text
from sqlalchemy.exc import DBAPIError
from sqlmodel import col, select

from wms_tui.domain.errors import StoreError
from wms_tui.domain.models import Event, Operator
from wms_tui.store import Store, open_store
from wms_tui.store.engine import SQLITE_PRAGMAS
from wms_tui.store.urls import resolve_url


def test_sqlite_pragmas_on_every_connection(sqlite_store: Store) -> None:
    expected = {"journal_mode": "wal", "synchronous": 1, "busy_timeout": 5000, "foreign_keys": 1}
    assert set(expected) == set(SQLITE_PRAGMAS)
    for _ in range(2):  # a second pooled connection too
        with sqlite_store.engine.connect() as conn:
            for name, want in expected.items():
                got = conn.exec_driver_sql(f"PRAGMA {name}").scalar()
                assert got == want, name
            # autocommit driver: pysqlite must not open transactions itself
            assert conn.connection.dbapi_connection.isolation_level is None


def test_writes_begin_immediate_reads_plain_begin(sqlite_store: Store) -> None:
    seen: list[str] = []
    event.listen(
        sqlite_store.engine,
        "before_cursor_execute",
        lambda conn, cur, stmt, *a: seen.append(
            stmt.split()[0] + " " + stmt.split()[1]
            if stmt.startswith("BEGIN ")
            else stmt.split()[0]
        ),
    )
    with sqlite_store.unit_of_work() as uow:
        uow.add(Operator(badge="B1", name="Bo", roles="picker"))
        uow.commit()
    with sqlite_store.read() as s:
        s.exec(select(Operator)).all()
    assert seen[0] == "BEGIN IMMEDIATE"
    assert "BEGIN" in seen[2:] and seen[seen.index("BEGIN")] == "BEGIN"


def test_uow_rolls_back_without_commit(empty_store: Store) -> None:
    with empty_store.unit_of_work() as uow:
        uow.add(Operator(badge="B1", name="Bo", roles="picker"))
    with pytest.raises(RuntimeError), empty_store.unit_of_work() as uow:
        uow.add(Operator(badge="B2", name="Bea", roles="picker"))
        uow.flush()
        raise RuntimeError("boom")
    with empty_store.read() as s:
        assert s.exec(select(Operator)).all() == []


def test_event_log_is_append_only(empty_store: Store) -> None:
    with empty_store.unit_of_work() as uow:
        uow.add(Event(kind="test", operator_name="x"))
        uow.commit()
    for stmt in ("UPDATE event SET detail = 'changed'", "DELETE FROM event"):
        with pytest.raises(DBAPIError, match="append-only"), empty_store.unit_of_work() as uow:
            uow.session.exec(text(stmt))
    with empty_store.read() as s:
        assert s.exec(select(Event.detail)).all() == [""]


def test_url_resolution(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("WMS_DATABASE_URL", raising=False)
    assert resolve_url(None) == "sqlite:///data/wms.db"
    monkeypatch.setenv("WMS_DATABASE_URL", "postgresql+psycopg://u@h/db")
    assert resolve_url(None) == "postgresql+psycopg://u@h/db"
    assert resolve_url(str(tmp_path / "x.db")) == f"sqlite:///{tmp_path / 'x.db'}"


def test_unopenable_path_is_one_clear_line(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="does not exist") as err:
        open_store(str(tmp_path / "missing" / "wms.db"))
    assert "\n" not in str(err.value)
    with pytest.raises(StoreError, match="fresh.db does not exist"):
        open_store(str(tmp_path / "fresh.db"))
    assert not (tmp_path / "fresh.db").exists()
    (tmp_path / "blank.db").touch()  # there, but no wms store in it
    with pytest.raises(StoreError, match="empty"):
        open_store(str(tmp_path / "blank.db"))


def test_newer_schema_is_refused(sqlite_store: Store) -> None:
    with sqlite_store.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(StoreError, match="newer than this wms"):
        sqlite_store.check_schema()


def test_unsupported_backend() -> None:
    with pytest.raises(StoreError, match="Unsupported database"):
        Store("mysql://u@h/db")


def test_postgresql_without_its_driver_names_the_install_step(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`wms init --db postgresql+psycopg://…` on a machine without psycopg: one line."""
    import sys

    from typer.testing import CliRunner

    from wms_tui.cli.main import app

    monkeypatch.setitem(sys.modules, "psycopg", None)  # as if never installed
    result = CliRunner().invoke(app, ["init", "--db", "postgresql+psycopg://wms:pw@db/wms"])
    assert result.exit_code != 0
    assert "Traceback" not in result.output and "pw@" not in result.output
    [line] = [ln for ln in result.output.splitlines() if ln.strip()]
    assert "PostgreSQL needs its driver (psycopg)" in line
    # Not 'wms_tui[postgres]': wms is not on PyPI, and pip would look for it there.
    assert "pip install 'psycopg[binary]'" in line and "wms_tui[" not in line


def test_everything_a_unit_of_work_writes_carries_one_time(
    empty_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A row and its event never fall either side of a second (or of "now").

    The dashboard counts pack units from events and the ledger from pack-scan
    rows; a scan whose row was stamped 12:00:00 and whose event 12:00:01 made
    the two disagree by one unit for a reader asking "before 12:00:01".
    """
    from datetime import UTC, datetime

    from wms_tui.domain import clock
    from wms_tui.domain.actor import SYSTEM
    from wms_tui.domain.enums import EventKind
    from wms_tui.services.core import events

    seconds = iter(range(60))
    monkeypatch.setattr(
        clock, "_real_now", lambda: datetime(2026, 3, 10, 12, 0, next(seconds), tzinfo=UTC)
    )
    with empty_store.unit_of_work() as uow:
        events.log(uow, SYSTEM, EventKind.PACK_SCAN, sku="A", qty=1)
        events.log(uow, SYSTEM, EventKind.PACK_SCAN, sku="B", qty=1)
        uow.commit()
    with empty_store.unit_of_work() as uow:
        events.log(uow, SYSTEM, EventKind.PACK_SCAN, sku="C", qty=1)
        uow.commit()
    with empty_store.read() as s:
        rows = s.exec(select(Event.sku, Event.at).where(col(Event.sku).in_(["A", "B", "C"])))
        at = dict(rows.all())
    assert at["A"] == at["B"]
    assert at["C"] > at["A"]
