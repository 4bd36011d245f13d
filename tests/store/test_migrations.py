"""Migrations and models must describe the same schema."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlmodel import SQLModel

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
