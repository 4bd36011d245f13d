"""covering indexes for the dispatch overview's open orders and recent events (issue #21)

The overview now grades and counts the open orders in SQL (overview.py). At
100,000 orders with 20,000 open (python -m bench --only dispatch_overview,
SQLite, CPU): counting them per carrier, service, status, priority and
promised date read every open row from the table, 32 ms; from
ix_orders_open_work alone 3.8 ms. "Orders with an event in the last two
hours" read each of the 14,755 events' rows for its order id, 18 ms; from
ix_event_at_order the index is enough.

Each replaces an index that is its prefix (orders: status, carrier; event: at),
so every query the old one served, the new one serves.

Revision ID: 0015
Revises: 0006
Create Date: 2026-12-07 05:30:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0015"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPEN_WORK = [
    "status",
    "carrier_id",
    "service_id",
    "priority",
    "promised_ship_date",
    "status_changed_at",
    "name",
]


def upgrade() -> None:
    op.create_index("ix_orders_open_work", "orders", OPEN_WORK)
    op.drop_index("ix_orders_status_carrier", table_name="orders")
    op.create_index("ix_event_at_order", "event", ["at", "order_id"])
    op.drop_index("ix_event_at", table_name="event")


def downgrade() -> None:
    op.create_index("ix_event_at", "event", ["at"])
    op.drop_index("ix_event_at_order", table_name="event")
    op.create_index("ix_orders_status_carrier", "orders", ["status", "carrier_id"])
    op.drop_index("ix_orders_open_work", table_name="orders")
