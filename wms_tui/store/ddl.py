"""Database-side guards that SQLModel metadata cannot express."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import Connection

APPEND_ONLY_TABLES = ("event", "stockmovement")


def install_append_only_guards(conn: Connection) -> None:
    """Make the event log and the stock ledger refuse UPDATE, DELETE and rewrites.

    An audit trail that a bug (or a hurried fix at the console) can rewrite is
    not one; the database itself refuses. Idempotent: migrations 0001 and 0011
    both call it.

    * SQLite: ``REPLACE INTO`` / ``INSERT OR REPLACE`` deletes the row it
      collides with *without* firing DELETE triggers (unless the connection
      turned ``recursive_triggers`` on, which a console user will not), so a
      BEFORE INSERT trigger refuses an insert whose id is already taken.
      ``INSERT … ON CONFLICT DO UPDATE`` fires the UPDATE trigger.
    * PostgreSQL: row triggers refuse UPDATE and DELETE, a statement trigger
      TRUNCATE, for every role including the owner. The app itself should
      also connect as a role without those privileges (``wms init --app-role``,
      see :mod:`wms_tui.services.setup.db_roles`).

    The remaining limit: whoever can write the SQLite file (or owns the
    PostgreSQL tables) can drop the triggers first.
    """
    for statement in append_only_statements(conn.dialect.name):
        conn.execute(text(statement))


def append_only_statements(dialect: str) -> list[str]:
    """The guards' DDL for ``dialect`` ("sqlite" or "postgresql"), each statement idempotent."""
    out: list[str] = []
    if dialect == "postgresql":
        out.append(
            "CREATE OR REPLACE FUNCTION wms_append_only() RETURNS trigger "
            "LANGUAGE plpgsql AS $$ BEGIN "
            "RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$"
        )
    for table in APPEND_ONLY_TABLES:
        if dialect == "sqlite":
            for op in ("UPDATE", "DELETE"):
                out.append(
                    f"CREATE TRIGGER IF NOT EXISTS {table}_no_{op.lower()} "
                    f"BEFORE {op} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
                )
            out.append(
                f"CREATE TRIGGER IF NOT EXISTS {table}_no_replace "
                f"BEFORE INSERT ON {table} "
                f"WHEN EXISTS (SELECT 1 FROM {table} WHERE id = NEW.id) "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
            )
        elif dialect == "postgresql":
            out += [
                f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}",
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION wms_append_only()",
                f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}",
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION wms_append_only()",
            ]
    return out
