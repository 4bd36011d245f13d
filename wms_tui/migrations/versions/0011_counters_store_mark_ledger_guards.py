"""counter and store_mark tables; the ledger refuses REPLACE (SQLite) and TRUNCATE (PostgreSQL)

* ``counter``: number series taken with one atomic UPDATE (wave codes, blind
  receipt references), instead of reading the highest and inserting the next.
* ``store_mark``: facts about the store (``origin = demo`` for a store built by
  ``wms demo``; only such a store may be reset). Existing stores get no mark:
  an old demo must be rebuilt by hand once, a real store is never taken for one.
* The append-only guards of ``event`` and ``stockmovement`` gain a BEFORE
  INSERT trigger refusing a taken id (SQLite REPLACE) and a TRUNCATE trigger
  (PostgreSQL).

Revision ID: 0011
Revises: 0009
Create Date: 2026-12-07 02:00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    from wms_tui.store.ddl import install_append_only_guards

    op.create_table(
        "counter",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("value", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    op.create_table(
        "store_mark",
        sa.Column("key", sa.String(length=32), nullable=False),
        sa.Column("value", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    install_append_only_guards(op.get_bind())


def downgrade() -> None:
    bind = op.get_bind()
    for table in ("event", "stockmovement"):
        if bind.dialect.name == "sqlite":
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_replace")
        else:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
    op.drop_table("store_mark")
    op.drop_table("counter")
