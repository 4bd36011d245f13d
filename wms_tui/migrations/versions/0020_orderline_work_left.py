"""the order lines with work left, for the shift dashboard (issues #20, #21)

The dashboard's carriers' work left sums, per carrier and service, the units still to
pick and to pack of the orders due today. PostgreSQL answered it by hashing the due
orders against every order line on record (200,000 at 100,000 orders), SQLite by
reading each due order's line rows. This partial covering index holds only the lines
with units still to pick or to pack (a packed or dispatched order's lines fail the
condition), with what the sums need, so both read the index alone and PostgreSQL's
hash join reads the open work, not the history. Lines of orders cancelled before they
were packed stay in it (a few per cent of all orders).

Measured numbers: docs/performance.md.

Revision ID: 0020
Revises: 0018
Create Date: 2026-12-07 18:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | Sequence[str] | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# As wms_tui.domain.models.OrderLine's index at this revision (a migration never
# imports the models: they move on, this file must not).
COVER = ["order_id", "quantity", "qty_short", "qty_picked", "qty_packed"]
HAS_WORK = sa.text("quantity > qty_short + qty_packed OR quantity > qty_short + qty_picked")


def upgrade() -> None:
    op.create_index(
        "ix_orderline_work_left",
        "orderline",
        COVER,
        sqlite_where=HAS_WORK,
        postgresql_where=HAS_WORK,
    )


def downgrade() -> None:
    op.drop_index("ix_orderline_work_left", table_name="orderline")
