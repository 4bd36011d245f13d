"""Deliveries (ASNs and blind receipts) and their lines."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from wms_tui.domain.clock import utcnow
from wms_tui.domain.enums import DeliveryStatus


class Delivery(SQLModel, table=True):
    """An expected delivery (ASN) or a blind receipt."""

    id: int | None = Field(default=None, primary_key=True)
    reference: str = Field(unique=True, max_length=64)
    supplier: str = ""
    expected_date: date | None = None
    status: DeliveryStatus = DeliveryStatus.EXPECTED
    blind: bool = False
    created_at: datetime = Field(default_factory=utcnow)
    closed_at: datetime | None = None
    closed_by_id: int | None = Field(default=None, foreign_key="operator.id")
    report_file: str = ""


class DeliveryLine(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("delivery_id", "product_id"),)

    id: int | None = Field(default=None, primary_key=True)
    delivery_id: int = Field(foreign_key="delivery.id", index=True)
    product_id: int = Field(foreign_key="product.id")
    expected_qty: int = 0
    received_qty: int = 0
    damaged_qty: int = 0
    put_away_qty: int = 0
