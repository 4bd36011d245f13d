"""A database at an older revision is refused with the command that upgrades it.

A PostgreSQL database still at 0002 has 32-bit counters: opening it as if it
were current would let packing fail on CJ's first tracking number. Terminals
refuse it and change nothing; `wms db upgrade` (the command the refusal names)
brings it up; a new database is created at the head revision.
"""

from __future__ import annotations

import re
import shlex

import pytest
from sqlalchemy import text
from sqlmodel import select
from typer.testing import CliRunner

from tests.store.old_revisions import add_carrier_and_warehouse, counter_type, database_at
from tests.worlds.dbstate import snapshot
from wms_tui.cli import main as cli
from wms_tui.domain.errors import StoreError
from wms_tui.domain.models import Carrier
from wms_tui.services.demo.build import create_demo
from wms_tui.store import SCHEMA_REVISION, Store, open_store

runner = CliRunner()
OLD = ("0001", "0002")


def refusal(url: str) -> str:
    with pytest.raises(StoreError) as err:
        open_store(url)
    return str(err.value)


def command_in(message: str) -> list[str]:
    """The `wms …` command a message tells the operator to run, as argv after `wms`."""
    found = re.search(r"`(wms [^`]+)`", message)
    assert found, message
    argv = shlex.split(found.group(1))
    return argv[1:]


@pytest.mark.parametrize("revision", OLD)
def test_an_older_database_is_refused_and_left_as_it_was(db_url: str, revision: str) -> None:
    database_at(db_url, revision)
    add_carrier_and_warehouse(db_url)
    store = Store(db_url)
    try:
        before, declared = snapshot(store), counter_type(store)
        message = refusal(db_url)
        assert "\n" not in message
        assert f"schema {revision} is older than this wms ({SCHEMA_REVISION})" in message
        assert command_in(message)[:3] == ["db", "upgrade", "--db"]
        assert store.schema_revision() == revision
        assert snapshot(store) == before
        assert counter_type(store) == declared
    finally:
        store.dispose()


@pytest.mark.parametrize("revision", OLD)
def test_the_command_the_refusal_names_upgrades_the_database(db_url: str, revision: str) -> None:
    database_at(db_url, revision)
    add_carrier_and_warehouse(db_url)
    result = runner.invoke(cli.app, command_in(refusal(db_url)))
    assert result.exit_code == 0, result.output
    assert f"upgraded from schema {revision} to {SCHEMA_REVISION}" in result.output
    store = open_store(db_url)
    try:
        # The reason for refusing: after the upgrade CJ's range fits on both backends.
        with store.unit_of_work() as uow:
            cj = uow.session.exec(select(Carrier)).one()
            assert cj.tracking_next == 1234
            cj.tracking_next = 60500000001
            uow.add(cj)
            uow.commit()
        with store.read() as s:
            assert s.exec(select(Carrier.tracking_next)).one() == 60500000001
    finally:
        store.dispose()
    again = runner.invoke(cli.app, ["db", "upgrade", "--db", db_url])
    assert again.exit_code == 0 and f"already at schema {SCHEMA_REVISION}" in again.output


def test_the_refusal_hides_a_password_but_keeps_the_rest_of_the_url() -> None:
    from wms_tui.store.urls import db_option

    assert db_option("postgresql+psycopg://wms:s3cret@db.lan:5432/wms") == (
        "'postgresql+psycopg://wms:***@db.lan:5432/wms'"
    )
    assert db_option("postgresql+psycopg://wms@db.lan/wms?options=-csearch_path%3Dx") == (
        "'postgresql+psycopg://wms@db.lan/wms?options=-csearch_path%3Dx'"
    )
    assert db_option("sqlite:////srv/wms/my store.db") == "'/srv/wms/my store.db'"


def test_wms_run_refuses_an_older_database_without_opening_the_tui(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[str] = []
    monkeypatch.setattr(cli, "_run_tui", lambda url, terminal: opened.append(url))
    database_at(db_url, "0002")
    result = runner.invoke(cli.app, ["run", "--db", db_url])
    assert result.exit_code == 1
    assert len(result.output.strip().splitlines()) == 1
    assert "wms db upgrade --db" in result.output
    assert opened == []
    store = Store(db_url)
    assert store.schema_revision() == "0002"
    store.dispose()


def test_a_new_database_is_created_at_the_head_revision(db_url: str) -> None:
    result = runner.invoke(cli.app, ["init", "--db", db_url])
    assert result.exit_code == 0, result.output
    store = open_store(db_url)
    assert store.schema_revision() == SCHEMA_REVISION
    store.dispose()


def test_db_upgrade_refuses_an_empty_or_newer_database_and_changes_nothing(
    db_url: str,
) -> None:
    store = Store(db_url)
    with store.engine.connect():
        pass  # a SQLite file exists but has nothing in it
    store.dispose()
    empty = runner.invoke(cli.app, ["db", "upgrade", "--db", db_url])
    assert empty.exit_code == 1 and "is empty" in empty.output
    store = Store(db_url)
    try:
        assert store.schema_revision() is None
        store.create_schema()
        with store.engine.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
        before = snapshot(store)
        newer = runner.invoke(cli.app, ["db", "upgrade", "--db", db_url])
        assert newer.exit_code == 1, newer.output
        assert "newer than this wms" in newer.output
        assert len(newer.output.strip().splitlines()) == 1
        assert store.schema_revision() == "9999" and snapshot(store) == before
    finally:
        store.dispose()


def test_the_demo_upgrades_its_own_sqlite_file(sqlite_url: str) -> None:
    """`wms demo` on a demo file an older wms made: upgraded in place, and said so."""
    database_at(sqlite_url, "0002")
    add_carrier_and_warehouse(sqlite_url)  # a warehouse: the demo is not rebuilt
    told: list[tuple[str, str]] = []
    store, created = create_demo(sqlite_url, on_upgrade=lambda *a: told.append(a))
    try:
        assert not created
        assert told == [("0002", SCHEMA_REVISION)]
        assert store.schema_revision() == SCHEMA_REVISION
    finally:
        store.dispose()


def test_wms_demo_says_it_upgraded(tmp_path) -> None:
    db = tmp_path / "demo.db"
    database_at(f"sqlite:///{db}", "0001")
    add_carrier_and_warehouse(f"sqlite:///{db}")
    result = runner.invoke(cli.app, ["demo", "--db", str(db), "--no-tui"])
    assert result.exit_code == 0, result.output
    assert f"Demo database upgraded from schema 0001 to {SCHEMA_REVISION}" in result.output


def test_the_demo_does_not_migrate_a_postgresql_database(db_url: str, backend: str) -> None:
    """PostgreSQL may be shared with other terminals: the demo refuses like `wms run`."""
    if backend != "postgresql":
        pytest.skip("the SQLite demo file is upgraded (test above)")
    database_at(db_url, "0002")
    add_carrier_and_warehouse(db_url)
    with pytest.raises(StoreError, match="wms db upgrade --db"):
        create_demo(db_url)
    store = Store(db_url)
    assert store.schema_revision() == "0002"
    assert counter_type(store) == "integer"
    store.dispose()


@pytest.mark.parametrize("argv", [["run"], ["db", "upgrade"], ["release"]])
def test_a_missing_sqlite_file_is_named_as_missing_and_not_created(
    tmp_path, argv: list[str]
) -> None:
    path = tmp_path / "mistyped.db"
    result = runner.invoke(cli.app, [*argv, "--db", str(path)])
    assert result.exit_code == 1, result.output
    assert f"Database file {path} does not exist" in result.output
    assert "is empty" not in result.output
    assert not path.exists()
