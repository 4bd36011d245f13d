"""The event log and the stock ledger cannot be rewritten, whatever SQL is sent.

Before #16: on SQLite ``REPLACE INTO stockmovement`` rewrote a row's quantity
(REPLACE deletes the old row without firing DELETE triggers); on PostgreSQL
``TRUNCATE event, stockmovement`` emptied both, and the app's own role could
do anything to them.
"""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from typer.testing import CliRunner

from tests.conftest import PG_BASE
from tests.worlds import factories as f
from wms_tui.cli import main as cli
from wms_tui.domain.enums import LocationKind
from wms_tui.domain.errors import StoreError
from wms_tui.services.setup.db_roles import grant_app_role, ledger_rights
from wms_tui.store import Store


def _one_movement(store: Store) -> None:
    with store.unit_of_work() as uow:
        p = f.product(uow, "LEDGER-1")
        loc = f.location(uow, "A-01-1-A", LocationKind.PICK)
        f.receive(uow, p, loc, 5)
        uow.commit()


def _qty(store: Store) -> list[int]:
    with store.engine.connect() as conn:
        return [r[0] for r in conn.execute(text("SELECT qty FROM stockmovement"))]


@pytest.mark.parametrize(
    "sql",
    [
        "REPLACE INTO stockmovement (id, at, product_id, qty, reason, terminal, reference)"
        " SELECT id, at, product_id, 500, reason, terminal, reference FROM stockmovement",
        "INSERT OR REPLACE INTO stockmovement (id, at, product_id, qty, reason, terminal,"
        " reference) SELECT id, at, product_id, 500, reason, terminal, reference"
        " FROM stockmovement",
        "INSERT INTO stockmovement (id, at, product_id, qty, reason, terminal, reference)"
        " SELECT id, at, product_id, 500, reason, terminal, reference FROM stockmovement"
        " WHERE true ON CONFLICT (id) DO UPDATE SET qty = excluded.qty",
        "UPDATE stockmovement SET qty = 500",
        "DELETE FROM stockmovement",
    ],
)
def test_sqlite_ledger_refuses_every_rewrite(sqlite_store: Store, sql: str) -> None:
    _one_movement(sqlite_store)
    with pytest.raises(DBAPIError, match="append-only"), sqlite_store.engine.begin() as conn:
        conn.execute(text(sql))
    assert _qty(sqlite_store) == [5]


_FROM = " FROM stockmovement"


def test_sqlite_ledger_still_takes_new_rows(sqlite_store: Store) -> None:
    _one_movement(sqlite_store)
    _one_more = "INSERT INTO stockmovement (at, product_id, qty, reason, terminal, reference)"
    with sqlite_store.engine.begin() as conn:
        conn.execute(
            text(_one_more + " SELECT at, product_id, 1, reason, '', '' FROM stockmovement")
        )
    assert sorted(_qty(sqlite_store)) == [1, 5]


def _pg(empty_store: Store) -> None:
    if empty_store.dialect != "postgresql":
        pytest.skip("PostgreSQL roles and TRUNCATE")


@pytest.mark.parametrize("table", ["event", "stockmovement"])
def test_postgresql_truncate_is_refused_even_to_the_owner(empty_store: Store, table: str) -> None:
    _pg(empty_store)
    _one_movement(empty_store)
    with pytest.raises(DBAPIError, match="append-only"), empty_store.engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {table} CASCADE"))
    assert _qty(empty_store) == [5]


@pytest.fixture
def app_role(empty_store: Store):
    _pg(empty_store)
    role = "wms_app_" + uuid.uuid4().hex[:8]
    yield role
    with empty_store.engine.begin() as conn:
        conn.execute(text(f"DROP OWNED BY {role}"))
        conn.execute(text(f"DROP ROLE IF EXISTS {role}"))


def test_the_app_role_reads_and_appends_but_cannot_rewrite_the_ledger(
    empty_store: Store, db_url: str, app_role: str
) -> None:
    _one_movement(empty_store)
    assert grant_app_role(empty_store, app_role) is True
    assert grant_app_role(empty_store, app_role) is False  # again: same grants, no error
    assert ledger_rights(empty_store, app_role) == {
        "event": {"SELECT", "INSERT"},
        "stockmovement": {"SELECT", "INSERT"},
    }
    as_app = Store(db_url.replace("postgres@", f"{app_role}@", 1))
    try:
        # The app's own work goes through: a stock move appends to the ledger.
        with as_app.unit_of_work() as uow:
            from sqlmodel import select

            from wms_tui.domain.actor import SYSTEM
            from wms_tui.domain.enums import MovementReason
            from wms_tui.domain.models import Location, Product
            from wms_tui.services.inventory.stock import move_stock

            p = uow.session.exec(select(Product)).one()
            loc = uow.session.exec(select(Location)).one()
            move_stock(uow, SYSTEM, p, 2, from_loc=None, to_loc=loc, reason=MovementReason.RECEIVED)
            uow.commit()
        # A wave's or a release's events go in by COPY, which needs INSERT only.
        with as_app.unit_of_work() as uow:
            from wms_tui.domain.clock import utcnow
            from wms_tui.domain.enums import EventKind
            from wms_tui.services.core import events

            row = events.event_row(SYSTEM, EventKind.WAVE_BUILT, utcnow(), detail="W0001")
            events.insert_rows(uow, [row])
            uow.commit()
        for sql in (
            "UPDATE stockmovement SET qty = 500",
            "DELETE FROM event",
            "TRUNCATE stockmovement",
            "ALTER TABLE stockmovement DISABLE TRIGGER ALL",
            "DROP TRIGGER stockmovement_append_only ON stockmovement",
        ):
            refused = pytest.raises(DBAPIError, match="permission denied|must be owner")
            with refused, as_app.engine.begin() as conn:
                conn.execute(text(sql))
    finally:
        as_app.dispose()
    assert sorted(_qty(empty_store)) == [2, 5]


def test_wms_init_sets_up_the_app_role(empty_store: Store, db_url: str, app_role: str) -> None:
    result = CliRunner().invoke(cli.app, ["init", "--db", db_url, "--app-role", app_role])
    assert result.exit_code == 0, result.output
    assert f"Role {app_role} created" in result.output
    assert ledger_rights(empty_store, app_role)["stockmovement"] == {"SELECT", "INSERT"}


def test_app_role_refusals_are_one_line(sqlite_store: Store) -> None:
    with pytest.raises(StoreError, match="for PostgreSQL"):
        grant_app_role(sqlite_store, "wms_app")


def test_a_bad_role_name_is_refused(empty_store: Store) -> None:
    _pg(empty_store)
    with pytest.raises(StoreError, match="lower-case letters"):
        grant_app_role(empty_store, "wms; DROP TABLE event")
    assert PG_BASE  # the server the test schemas live on
