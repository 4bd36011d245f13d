"""carrier.tracking_next and warehouse.sscc_next_serial: 64-bit

Carriers hand out tracking ranges past 2^31 (CJ: 60500000001) and a 6-digit
GS1 company prefix leaves a 10-digit SSCC serial; PostgreSQL's INTEGER is
32-bit. SQLite's INTEGER is already 64-bit, so nothing changes there (the
models keep INTEGER on SQLite) and no SQLite table is copied.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 09:00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COUNTERS = (("carrier", "tracking_next"), ("warehouse", "sscc_next_serial"))


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        return
    for table, column in COUNTERS:
        op.alter_column(
            table,
            column,
            existing_type=sa.Integer(),
            type_=sa.BigInteger(),
            existing_nullable=False,
        )


def downgrade() -> None:
    # Refused by PostgreSQL if a counter has already passed 2^31 - 1, which is
    # the right answer: those numbers cannot be kept in 32 bits.
    if op.get_bind().dialect.name == "sqlite":
        return
    for table, column in COUNTERS:
        op.alter_column(
            table,
            column,
            existing_type=sa.BigInteger(),
            type_=sa.Integer(),
            existing_nullable=False,
        )
