"""operator.pin_hash and operator.pin_failures: badge + PIN log-in

Existing operators get no PIN (""): supervisors must set one before they can
log in or approve (``wms operators set-pin``; the first supervisor PIN of a
store needs no other supervisor).

Revision ID: 0006
Revises: 0011
Create Date: 2026-12-07 02:00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMN (no table copy on SQLite: event rows point at operators).
    # The server defaults fill existing rows and stay; the models set the same
    # values on every insert.
    op.add_column(
        "operator",
        sa.Column(
            "pin_hash",
            sqlmodel.sql.sqltypes.AutoString(length=255),
            nullable=False,
            server_default="",
        ),
    )
    op.add_column(
        "operator", sa.Column("pin_failures", sa.Integer(), nullable=False, server_default="0")
    )


def downgrade() -> None:
    with op.batch_alter_table("operator") as batch:
        batch.drop_column("pin_failures")
        batch.drop_column("pin_hash")
