"""notice: one per order and kind

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 07:30:00

"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("notice", schema=None) as batch_op:
        batch_op.create_unique_constraint("uq_notice_order_kind", ["order_id", "kind"])


def downgrade() -> None:
    with op.batch_alter_table("notice", schema=None) as batch_op:
        batch_op.drop_constraint("uq_notice_order_kind", type_="unique")
