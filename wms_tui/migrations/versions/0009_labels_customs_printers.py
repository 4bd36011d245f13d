"""Customs data per product, two printers per station with dpi and transport

product: hs_code, origin_country, customs_value, dangerous_goods (issue #18:
non-EU parcels need a customs declaration; lithium batteries a mark).
station: document_printer (slips and customs papers go to A4, not to the label
printer), printer_dpi (203 or 300: ZPL geometry in whole dots),
printer_transport (cups or tcp port 9100) and printer_fonts (fonts already
downloaded to the label printer).

Revision ID: 0009
Revises: 0010
Create Date: 2026-12-07 02:20:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _product() -> tuple[sa.Column, ...]:
    return (
        sa.Column("hs_code", sa.String(length=10), nullable=False, server_default=""),
        sa.Column("origin_country", sa.String(length=2), nullable=False, server_default=""),
        sa.Column("customs_value", sa.Numeric(12, 2), nullable=True),
        sa.Column("dangerous_goods", sa.String(length=16), nullable=False, server_default=""),
    )


def _station() -> tuple[sa.Column, ...]:
    return (
        sa.Column("document_printer", sa.String(), nullable=True),
        sa.Column("printer_dpi", sa.Integer(), nullable=False, server_default="203"),
        sa.Column("printer_transport", sa.String(), nullable=False, server_default="cups"),
        sa.Column("printer_fonts", sa.String(), nullable=False, server_default=""),
    )


def upgrade() -> None:
    with op.batch_alter_table("product") as batch:
        for column in _product():
            batch.add_column(column)
    with op.batch_alter_table("station") as batch:
        for column in _station():
            batch.add_column(column)


def downgrade() -> None:
    with op.batch_alter_table("station") as batch:
        for column in reversed(_station()):
            batch.drop_column(column.name)
    with op.batch_alter_table("product") as batch:
        for column in reversed(_product()):
            batch.drop_column(column.name)
