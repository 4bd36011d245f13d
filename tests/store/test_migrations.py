"""Migrations and models must describe the same schema."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlmodel import SQLModel

from tests.store.old_revisions import add_carrier_and_warehouse, database_at
from wms_tui.migrations import head_revision, upgrade
from wms_tui.store import KNOWN_REVISIONS, SCHEMA_REVISION, Store


def test_code_knows_the_head_revision() -> None:
    assert head_revision() == SCHEMA_REVISION
    assert SCHEMA_REVISION in KNOWN_REVISIONS


def test_upgrading_an_empty_database_gives_the_models_schema(db_url: str) -> None:
    upgrade(db_url)
    store = Store(db_url)
    try:
        store.check_schema()
        with store.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
        assert diff == []
        with store.engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO event (at, kind, operator_name, terminal, order_name,"
                    " sku, from_state, to_state, location, detail) VALUES "
                    "(CURRENT_TIMESTAMP, 'x', '', '', '', '', '', '', '', '')"
                )
            )
        with pytest.raises(DBAPIError, match="append-only"), store.engine.begin() as conn:
            conn.execute(text("DELETE FROM event"))
    finally:
        store.dispose()


def test_0003_widens_the_counters_of_an_existing_database(db_url: str) -> None:
    """A 0002 database with carriers in use keeps its counters and then takes CJ's range."""
    database_at(db_url, "0002")
    add_carrier_and_warehouse(db_url)
    store = Store(db_url)
    try:
        upgrade(db_url)
        assert store.schema_revision() == SCHEMA_REVISION
        with store.engine.begin() as conn:
            assert conn.execute(text("SELECT tracking_next FROM carrier")).scalar_one() == 1234
            assert conn.execute(text("SELECT sscc_next_serial FROM warehouse")).scalar_one() == 77
            conn.execute(text("UPDATE carrier SET tracking_next = 60500000001"))
            conn.execute(text("UPDATE warehouse SET sscc_next_serial = 9999999999"))
        with store.engine.connect() as conn:
            assert conn.execute(text("SELECT tracking_next FROM carrier")).scalar_one() == (
                60500000001
            )
            assert conn.execute(text("SELECT sscc_next_serial FROM warehouse")).scalar_one() == (
                9999999999
            )
    finally:
        store.dispose()
