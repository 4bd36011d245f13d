"""Carrier manifests and customer notices."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from wms_tui.domain.clock import utcnow
from wms_tui.domain.enums import ManifestStatus


class Manifest(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("carrier_id", "day"),)

    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(unique=True, max_length=32)
    carrier_id: int = Field(foreign_key="carrier.id")
    day: date
    status: ManifestStatus = ManifestStatus.OPEN
    closed_at: datetime | None = None
    closed_by_id: int | None = Field(default=None, foreign_key="operator.id")
    pdf_file: str = ""
    csv_file: str = ""


class Notice(SQLModel, table=True):
    """A customer e-mail written to the outbox (and sent when SMTP is set)."""

    # One notice of each kind per order, also when two terminals run at once.
    __table_args__ = (UniqueConstraint("order_id", "kind", name="uq_notice_order_kind"),)

    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="orders.id", index=True)
    kind: str  # shipped | delay
    at: datetime = Field(default_factory=utcnow)
    file: str = ""
    sent: bool = False
