"""Return reasons say whose cause they are; the store has an identity

``returnreason.cause`` (PICK, PACK, CARRIER, CUSTOMER, SUPPLIER): reports
charge pickers only with PICK reasons and packers only with PACK ones. The
shipped reasons get their cause by code; "damaged in transit" and "late
delivery" become the carrier's (they were counted as the warehouse's).
A reason a warehouse added itself keeps its controllable flag: controllable
ones become PACK, the others CUSTOMER -- `wms returns reasons list` shows
them to check.

``storeidentity``: one row with a UUID made here, so terminals notice a store
replaced under them and documents name their store.

Revision ID: 0010
Revises: 0007
Create Date: 2026-12-07 02:00:00

"""

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0010"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KNOWN_CAUSES = {
    "WRONG_ITEM": "PICK",
    "DAMAGED_PACKING": "PACK",
    "DAMAGED_TRANSIT": "CARRIER",
    "LATE": "CARRIER",
    "NOT_AS_DESCRIBED": "SUPPLIER",
    "CHANGED_MIND": "CUSTOMER",
    "WRONG_SIZE": "CUSTOMER",
    "MISTAKE": "CUSTOMER",
}


def upgrade() -> None:
    with op.batch_alter_table("returnreason") as batch_op:
        batch_op.add_column(
            sa.Column(
                "cause",
                sqlmodel.sql.sqltypes.AutoString(length=16),
                nullable=False,
                server_default="CUSTOMER",
            )
        )
    bind = op.get_bind()
    bind.execute(sa.text("UPDATE returnreason SET cause = 'PACK' WHERE controllable"))
    for code, cause in KNOWN_CAUSES.items():
        bind.execute(
            sa.text("UPDATE returnreason SET cause = :cause, controllable = :ours WHERE code = :c"),
            {"cause": cause, "ours": cause in ("PICK", "PACK"), "c": code},
        )
    with op.batch_alter_table("returnreason") as batch_op:
        batch_op.alter_column("cause", server_default=None)

    identity = op.create_table(
        "storeidentity",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.bulk_insert(identity, [{"uuid": str(uuid.uuid4()), "created_at": datetime.now(UTC)}])


def downgrade() -> None:
    op.drop_table("storeidentity")
    with op.batch_alter_table("returnreason") as batch_op:
        batch_op.drop_column("cause")
