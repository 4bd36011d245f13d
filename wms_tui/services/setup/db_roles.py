"""PostgreSQL: the role the terminals connect as cannot rewrite the ledger.

The store's tables belong to the role that created them (``wms init`` and
``wms db upgrade`` run as that owner). The terminals connect as an *app role*
that may read and write every table except the event log and the stock
ledger, which it may only read and append to: no UPDATE, DELETE or TRUNCATE,
whatever a bug or a console session tries. The owner is still refused UPDATE,
DELETE and TRUNCATE by triggers (``store.ddl``), but it could drop them; the
app role cannot (it owns nothing).

``grant_app_role`` is idempotent: ``wms init --app-role wms_app`` runs it on a
new or an existing store; tables a later ``wms db upgrade`` adds get the same
grants through default privileges.
"""

from __future__ import annotations

import re

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from wms_tui.domain.errors import StoreError
from wms_tui.store import Store
from wms_tui.store.ddl import APPEND_ONLY_TABLES
from wms_tui.store.urls import hide_password

_ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def grant_app_role(store: Store, role: str) -> bool:
    """Create ``role`` (LOGIN, no password) if absent and grant it the app's rights.

    Returns True when the role was created. The password (or a trust/peer
    rule in pg_hba.conf) is set by whoever runs the server:
    ``ALTER ROLE wms_app PASSWORD '…'``.
    """
    if store.dialect != "postgresql":
        raise StoreError("--app-role is for PostgreSQL; a SQLite store has no roles")
    if not _ROLE_NAME.match(role):
        raise StoreError(
            f"Role name {role[:40]!r}: use lower-case letters, digits and _ (e.g. wms_app)"
        )
    try:
        with store.engine.begin() as conn:
            schema = conn.execute(text("SELECT current_schema()")).scalar_one()
            owner = conn.execute(text("SELECT current_user")).scalar_one()
            if role == owner:
                raise StoreError(
                    f"{role} owns the tables; the app role must be another role "
                    "(the owner can drop the ledger's guards)"
                )
            exists = conn.execute(
                text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}
            ).first()
            if not exists:
                conn.execute(text(f"CREATE ROLE {role} LOGIN"))
            ledger = ", ".join(APPEND_ONLY_TABLES)
            for statement in (
                f'GRANT USAGE ON SCHEMA "{schema}" TO {role}',
                f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES "
                f'IN SCHEMA "{schema}" TO {role}',
                f"REVOKE UPDATE, DELETE, TRUNCATE ON {ledger} FROM {role}",
                # Only `wms db upgrade`, as the owner, moves the schema revision.
                f"REVOKE INSERT, UPDATE, DELETE ON alembic_version FROM {role}",
                f'GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA "{schema}" TO {role}',
                f'ALTER DEFAULT PRIVILEGES FOR ROLE "{owner}" IN SCHEMA "{schema}" '
                f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role}",
                f'ALTER DEFAULT PRIVILEGES FOR ROLE "{owner}" IN SCHEMA "{schema}" '
                f"GRANT USAGE, SELECT ON SEQUENCES TO {role}",
            ):
                conn.execute(text(statement))
    except DBAPIError as exc:
        raise StoreError(
            f"Cannot set up role {role}: " + hide_password(str(exc.orig).splitlines()[0], store.url)
        ) from exc
    return not exists


def ledger_rights(store: Store, role: str) -> dict[str, set[str]]:
    """What ``role`` may do to the ledger tables (for ``wms init`` to show and tests)."""
    out: dict[str, set[str]] = {}
    with store.engine.connect() as conn:
        for table in APPEND_ONLY_TABLES:
            out[table] = {
                priv
                for priv in ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE")
                if conn.execute(
                    text("SELECT has_table_privilege(:r, :t, :p)"),
                    {"r": role, "t": table, "p": priv},
                ).scalar_one()
            }
    return out
