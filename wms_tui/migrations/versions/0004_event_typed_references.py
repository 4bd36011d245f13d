"""event: typed reference columns instead of an overloaded from_state/to_state

``from_state``/``to_state`` carried an order status, a delivery reference, a
bin, a tote, a terminal or an operator's name depending on the event kind.
They now hold status changes only; places, deliveries and previous holders
get their own columns, and existing rows are carried over by kind.

The event table is append-only (triggers refuse UPDATE): the guard is lifted
for the carry-over inside this migration's transaction and put back as it was
(SQL inlined here, so this revision does the same thing whatever later code
does to the guards).

Revision ID: 0004
Revises: 0008
Create Date: 2026-12-07 02:00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ("from_location", "to_location", "delivery_ref", "prior_terminal", "prior_operator")

# (kinds, SET clause) — from the writers of each kind before this revision.
CARRY_OVER = (
    (
        ("stock.move", "pick.unit", "qc.fail"),
        "from_location = from_state, to_location = to_state, from_state = '', to_state = ''",
    ),
    (
        ("receiving.damaged",),
        "delivery_ref = from_state, to_location = to_state, from_state = '', to_state = ''",
    ),
    (("delivery.blind", "delivery.imported"), "delivery_ref = to_state, to_state = ''"),
    (("pack.takeover",), "prior_terminal = from_state, from_state = '', to_state = ''"),
    (("pack.handover",), "prior_operator = from_state, from_state = '', to_state = ''"),
)
BACK = (
    (("stock.move", "pick.unit", "qc.fail"), "from_state = from_location, to_state = to_location"),
    (("receiving.damaged",), "from_state = delivery_ref, to_state = to_location"),
    (("delivery.blind", "delivery.imported"), "to_state = delivery_ref"),
    (("pack.takeover",), "from_state = prior_terminal, to_state = terminal"),
    (("pack.handover",), "from_state = prior_operator, to_state = operator_name"),
)


def _unguard(dialect: str) -> None:
    if dialect == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS event_no_update")
    else:
        op.execute("DROP TRIGGER IF EXISTS event_append_only ON event")


def _guard(dialect: str) -> None:
    if dialect == "sqlite":
        op.execute(
            "CREATE TRIGGER IF NOT EXISTS event_no_update BEFORE UPDATE ON event "
            "BEGIN SELECT RAISE(ABORT, 'event is append-only'); END"
        )
    else:
        op.execute(
            "CREATE TRIGGER event_append_only BEFORE UPDATE OR DELETE ON event "
            "FOR EACH ROW EXECUTE FUNCTION wms_append_only()"
        )


def _rewrite(rules) -> None:
    dialect = op.get_bind().dialect.name
    _unguard(dialect)
    for kinds, assignments in rules:
        in_list = ", ".join(f"'{k}'" for k in kinds)
        op.execute(f"UPDATE event SET {assignments} WHERE kind IN ({in_list})")
    _guard(dialect)


def upgrade() -> None:
    with op.batch_alter_table("event", schema=None) as batch_op:
        for name in COLUMNS:
            length = 64 if name == "delivery_ref" else None
            batch_op.add_column(
                sa.Column(
                    name,
                    sqlmodel.sql.sqltypes.AutoString(length=length),
                    nullable=False,
                    server_default="",
                )
            )
    _rewrite(CARRY_OVER)


def downgrade() -> None:
    _rewrite(BACK)
    with op.batch_alter_table("event", schema=None) as batch_op:
        for name in COLUMNS:
            batch_op.drop_column(name)
