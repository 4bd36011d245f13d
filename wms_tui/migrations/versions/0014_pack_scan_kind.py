"""packscan: what a row is (kind, counted_to, qc_reason) instead of codes in ``code``

``PackScan.code`` held what was scanned, or the instruction a row stood for:
"UNDO", "QC <reason>", "COUNT <n>". Rows now say what they are in ``kind``
(scan, count, undo, qc) with the count's new total and the QC reason in their
own columns; ``code`` keeps only what was scanned. Existing rows are carried
over by their code.

Revision ID: 0014
Revises: 0004
Create Date: 2026-12-07 02:40:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0014"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("packscan", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "kind",
                sqlmodel.sql.sqltypes.AutoString(length=8),
                nullable=False,
                server_default="scan",
            )
        )
        batch_op.add_column(
            sa.Column(
                "qc_reason",
                sqlmodel.sql.sqltypes.AutoString(length=32),
                nullable=False,
                server_default="",
            )
        )
        batch_op.add_column(sa.Column("counted_to", sa.Integer(), nullable=True))
    op.execute("UPDATE packscan SET kind = 'undo', code = '' WHERE code = 'UNDO'")
    op.execute(
        "UPDATE packscan SET kind = 'qc', qc_reason = substr(code, 4), code = ''"
        " WHERE code LIKE 'QC %'"
    )
    op.execute(
        "UPDATE packscan SET kind = 'count', counted_to = CAST(substr(code, 7) AS INTEGER),"
        " code = '' WHERE code LIKE 'COUNT %'"
    )


def downgrade() -> None:
    op.execute("UPDATE packscan SET code = 'UNDO' WHERE kind = 'undo'")
    op.execute("UPDATE packscan SET code = 'QC ' || qc_reason WHERE kind = 'qc'")
    op.execute(
        "UPDATE packscan SET code = 'COUNT ' || CAST(counted_to AS VARCHAR) WHERE kind = 'count'"
    )
    with op.batch_alter_table("packscan", schema=None) as batch_op:
        batch_op.drop_column("counted_to")
        batch_op.drop_column("qc_reason")
        batch_op.drop_column("kind")
