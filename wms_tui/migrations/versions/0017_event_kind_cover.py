"""cover the shift dashboard's reads of one kind's events in a time range (issue #20)

The dashboard's picks, pack scans, status changes per hour and cycle times all
seek one kind's events of today on ``ix_event_kind_to_state_at`` (kind,
to_state, at) and then read each event's row for who, how many, which order,
SKU and bin: at 100,000 orders that is 13,000 pick rows and 5,000 pack rows a
refresh, read at random from a table of a million. This index carries those
columns after ``at``, so the queries read the index alone (SQLite: a covering
index; PostgreSQL: an index-only scan). It replaces the old index, which is its
prefix, so every query the old one served, the new one serves.

Measured numbers: docs/insight.md (Speed) and docs/performance.md.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 12:20:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0017"
down_revision: str | Sequence[str] | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# As wms_tui.domain.models.EVENT_KIND_COVER at this revision (a migration never
# imports the models: they move on, this file must not).
COVER = [
    "kind", "to_state", "at", "operator_id", "qty", "order_id", "sku", "from_location",
    "operator_name",
]  # fmt: skip


def upgrade() -> None:
    op.create_index("ix_event_kind_cover", "event", COVER)
    op.drop_index("ix_event_kind_to_state_at", table_name="event")
    bind = op.get_bind()
    if (
        bind.dialect.name == "sqlite"
        and bind.exec_driver_sql("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").first()
    ):
        # A store someone ran ANALYZE on: without statistics of its own the new
        # index looks selective to SQLite's planner, which then reads every event
        # of a kind to find one order's (PostgreSQL keeps statistics per column).
        bind.exec_driver_sql("ANALYZE ix_event_kind_cover")


def downgrade() -> None:
    op.create_index("ix_event_kind_to_state_at", "event", ["kind", "to_state", "at"])
    op.drop_index("ix_event_kind_cover", table_name="event")
