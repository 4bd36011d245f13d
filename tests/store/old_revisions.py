"""Databases as an older wms left them, for the schema-revision tests."""

from __future__ import annotations

from sqlalchemy import text

from wms_tui.store import Store


def database_at(url: str, revision: str) -> None:
    """Migrate an empty database up to ``revision`` only (e.g. "0002")."""
    from alembic import command

    from wms_tui.migrations import alembic_config

    command.upgrade(alembic_config(url), revision)


def add_carrier_and_warehouse(url: str, tracking_next: int = 1234) -> None:
    """A carrier and a warehouse in use, in plain SQL (the models are newer)."""
    store = Store(url)
    try:
        with store.engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO carrier (code, name, tracking_prefix, tracking_length,"
                    " tracking_check, tracking_next) VALUES ('CJ', 'CJ', '', 12, 'mod7', :n)"
                ),
                {"n": tracking_next},
            )
            conn.execute(
                text(
                    "INSERT INTO warehouse (code, name, address1, address2, city, zip, region,"
                    " country_code, phone, timezone, gs1_company_prefix, sscc_extension,"
                    " sscc_next_serial) VALUES ('WH', 'WH', '', '', '', '', '', 'SE', '',"
                    " 'Europe/Stockholm', '735005', 0, 77)"
                )
            )
    finally:
        store.dispose()


def counter_type(store: Store) -> str:
    """How carrier.tracking_next is declared ("integer", "bigint"; SQLite: "INTEGER")."""
    with store.engine.connect() as conn:
        if store.dialect == "sqlite":
            rows = conn.execute(text("PRAGMA table_info(carrier)")).all()
            return next(r[2] for r in rows if r[1] == "tracking_next")
        return conn.execute(
            text(
                "SELECT data_type FROM information_schema.columns WHERE table_schema ="
                " current_schema() AND table_name = 'carrier' AND column_name = 'tracking_next'"
            )
        ).scalar_one()
