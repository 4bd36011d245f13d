"""a webhook remembers what its registration saw, not only when it was registered

A webhook heard the events stamped from its registration on (``created_at``).
An event is stamped when its transaction begins: one begun before the
registration and committed after it was neither queued by the registration
(``since``) nor by the scan (stamped too early), and was never sent. The new
column holds the highest event and notice ids the registration saw and the
ids below them not committed yet; the hook hears every event it did not see.
Hooks registered before keep going by ``created_at`` (NULL).

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-08 00:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0026"
down_revision: str | Sequence[str] | None = "0025"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("api_webhook") as batch:
        batch.add_column(sa.Column("start_cursor", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("api_webhook") as batch:
        batch.drop_column("start_cursor")
