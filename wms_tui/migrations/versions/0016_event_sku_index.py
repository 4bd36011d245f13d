"""index the event log by SKU and time, for a stock row's history (issue #20)

The stock screen's history of one SKU (F6, ``wms stock --history``) reads the
SKU's stock events newest first. Without this index SQLite walked the whole log
backwards by time looking for them. ``python -m bench --only stock_history``
(1,000,000 events, 2,000 SKUs, SQLite, a loaded shared machine; median of 15
SKUs): 3,147 ms wall / 317 ms CPU without it, 180 ms / 25 ms with it, against a
``count(*)`` of orders of 0.55 ms in the same run.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 05:45:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0016"
down_revision: str | Sequence[str] | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_event_sku_at", "event", ["sku", "at"])


def downgrade() -> None:
    op.drop_index("ix_event_sku_at", table_name="event")
