"""the open orders' index holds their id on PostgreSQL (issues #20, #21)

ix_orders_open_work (migration 0015) holds everything the dispatch overview and the
shift dashboard read of an open order but its id. A SQLite index carries the rowid,
which is the id, so SQLite reads it alone; a PostgreSQL index does not, so every
statement that joins or lists open orders by id (the overview's list and counts, the
dashboard's work left and its queue by id) read each order's row from the table: a
bitmap heap scan of 731 blocks for the dashboard's 8,011 due orders at 100,000 orders.
With the id as an included column PostgreSQL reads them index-only. SQLite is left as
it is.

Measured numbers: docs/performance.md.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07 19:05:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0021"
down_revision: str | Sequence[str] | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# As wms_tui.domain.models.Order's index at this revision (a migration never imports
# the models: they move on, this file must not).
COLUMNS = [
    "status", "carrier_id", "service_id", "priority", "promised_ship_date",
    "status_changed_at", "name",
]  # fmt: skip


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.drop_index("ix_orders_open_work", table_name="orders")
    op.create_index("ix_orders_open_work", "orders", COLUMNS, postgresql_include=["id"])


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.drop_index("ix_orders_open_work", table_name="orders")
    op.create_index("ix_orders_open_work", "orders", COLUMNS)
