"""indexes for the dispatch overview's day-bounded queries (issue #21)

Revision ID: 0012
Revises: 0014
Create Date: 2026-12-07 02:20:00

Packs today and orders finished today were range scans over *every* event
or status change of the day, filtered row by row. At 100,000 orders with
20,000 open (the store of python -m bench --only dispatch_overview, SQLite,
CPU time): packs today 85 -> 15.7 ms, dispatched/cancelled today 18.4 ->
7.4 ms. (An index on stock movements by reason and time did not help picks
today there, 17 -> 20 ms, so there is none: it would only cost every move.)
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0012"
down_revision: str | Sequence[str] | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_event_kind_to_state_at", "event", ["kind", "to_state", "at"])
    op.create_index("ix_orders_status_changed", "orders", ["status", "status_changed_at"])


def downgrade() -> None:
    op.drop_index("ix_orders_status_changed", table_name="orders")
    op.drop_index("ix_event_kind_to_state_at", table_name="event")
