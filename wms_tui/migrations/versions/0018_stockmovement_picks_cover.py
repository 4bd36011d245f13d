"""cover the dispatch overview's picks today (issue #20)

The overview counts today's picks per picker and hour from the stock ledger:
``reason = 'PICKED'`` in today's range, grouped by who, summing the quantity. It
sought the day on ``ix_stockmovement_at`` and read every movement's row for its
reason, picker and quantity. This partial index holds only the picks, by time,
with who and how many, so the statement reads the index alone (SQLite: a covering
index; PostgreSQL: an index-only scan). Partial, not a (reason, at, ...) index:
without statistics SQLite's planner took such an index for a manifest's SHIPPED
movements of a few orders and read every shipment on record. The overview writes
the reason out (a bound parameter cannot select a partial index on SQLite).

Measured numbers: docs/performance.md.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07 16:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | Sequence[str] | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# As wms_tui.domain.models.StockMovement's index at this revision (a migration never
# imports the models: they move on, this file must not).
COVER = ["at", "operator_id", "qty", "reason"]
PICKS = sa.text("reason = 'PICKED'")


def upgrade() -> None:
    op.create_index(
        "ix_stockmovement_picks_cover",
        "stockmovement",
        COVER,
        sqlite_where=PICKS,
        postgresql_where=PICKS,
    )


def downgrade() -> None:
    op.drop_index("ix_stockmovement_picks_cover", table_name="stockmovement")
