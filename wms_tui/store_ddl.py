"""Database-side guards that SQLModel metadata cannot express."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import Connection

APPEND_ONLY_TABLES = ("event", "stockmovement")


def install_append_only_guards(conn: Connection) -> None:
    """Make the event log and the stock ledger refuse UPDATE and DELETE.

    An audit trail that a bug (or a hurried fix at the console) can rewrite is
    not one; the database itself refuses.
    """
    dialect = conn.dialect.name
    for table in APPEND_ONLY_TABLES:
        if dialect == "sqlite":
            for op in ("UPDATE", "DELETE"):
                conn.execute(
                    text(
                        f"CREATE TRIGGER IF NOT EXISTS {table}_no_{op.lower()} "
                        f"BEFORE {op} ON {table} "
                        f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
                    )
                )
        elif dialect == "postgresql":
            conn.execute(
                text(
                    "CREATE OR REPLACE FUNCTION wms_append_only() RETURNS trigger "
                    "LANGUAGE plpgsql AS $$ BEGIN "
                    "RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$"
                )
            )
            conn.execute(text(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}"))
            conn.execute(
                text(
                    f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                    "FOR EACH ROW EXECUTE FUNCTION wms_append_only()"
                )
            )
