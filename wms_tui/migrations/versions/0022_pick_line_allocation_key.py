"""a pick-task line refers to its allocation by one key, not four (issue #21)

A task line's order line, product and bin are its allocation's: the wave, a short
pick's new stop and a QC replacement copy them from it. Each had a key of its own
besides the allocation's, and PostgreSQL checks every key of every inserted row
with a query of its own: a wave of 10,000 orders (21,846 lines) ran 131,076 checks,
most of its insert. Now one key, (allocation_id, order_line_id, product_id,
location_id) to the allocation's same four columns (a unique index there), holds
all four, and more than before: a line can no longer name another product or bin
than the reservation it picks. The order line, product and bin still exist because
the allocation's own keys say so. Every line has an allocation (allocation_id NOT
NULL): a line without one would have escaped the composite key.

Lines already stored are carried as they are. Should a store hold a line without an
allocation, or one that disagrees with its allocation (no code of wms writes either),
the upgrade stops before changing anything and names them.

Measured numbers: docs/performance.md.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-07 21:05:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022"
down_revision: str | Sequence[str] | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KEY = ["allocation_id", "order_line_id", "product_id", "location_id"]
REFERRED = ["id", "order_line_id", "product_id", "location_id"]
# The single-column keys the composite one replaces: (column, table it refers to).
SINGLE = [
    ("allocation_id", "allocation"),
    ("order_line_id", "orderline"),
    ("product_id", "product"),
    ("location_id", "location"),
]
# SQLite's keys have no names; Alembic's batch mode names them by this convention.
SQLITE_NAMES = {"fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s"}

MISFITS = """
SELECT l.id FROM picktaskline l LEFT JOIN allocation a ON a.id = l.allocation_id
WHERE a.id IS NULL OR a.order_line_id <> l.order_line_id
   OR a.product_id <> l.product_id OR a.location_id <> l.location_id
ORDER BY l.id
"""


def _single_name(sqlite: bool, column: str, table: str) -> str:
    return f"fk_picktaskline_{column}_{table}" if sqlite else f"picktaskline_{column}_fkey"


def upgrade() -> None:
    bind = op.get_bind()
    misfits = [row[0] for row in bind.execute(sa.text(MISFITS))]
    if misfits:
        shown = ", ".join(str(i) for i in misfits[:10]) + (" …" if len(misfits) > 10 else "")
        raise RuntimeError(
            f"{len(misfits)} pick-task line(s) have no allocation or name another order line, "
            f"product or bin than their allocation (picktaskline ids {shown}): correct them, "
            "then run the upgrade again. Nothing was changed."
        )
    sqlite = bind.dialect.name == "sqlite"
    op.create_index("uq_allocation_pick_key", "allocation", REFERRED, unique=True)
    with op.batch_alter_table(
        "picktaskline", naming_convention=SQLITE_NAMES if sqlite else None
    ) as batch:
        for column, table in SINGLE:
            batch.drop_constraint(_single_name(sqlite, column, table), type_="foreignkey")
        batch.alter_column("allocation_id", existing_type=sa.Integer(), nullable=False)
        batch.create_foreign_key("fk_picktaskline_allocation", "allocation", KEY, REFERRED)


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    with op.batch_alter_table(
        "picktaskline", naming_convention=SQLITE_NAMES if sqlite else None
    ) as batch:
        batch.drop_constraint("fk_picktaskline_allocation", type_="foreignkey")
        batch.alter_column("allocation_id", existing_type=sa.Integer(), nullable=True)
        for column, table in SINGLE:
            batch.create_foreign_key(_single_name(sqlite, column, table), table, [column], ["id"])
    op.drop_index("uq_allocation_pick_key", table_name="allocation")
