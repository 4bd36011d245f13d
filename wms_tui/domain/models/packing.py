"""Parcels and the pack station's scans."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from wms_tui.domain.clock import utcnow
from wms_tui.domain.enums import PackScanKind, ParcelStatus


class Parcel(SQLModel, table=True):
    # An order's parcels with their status: "every parcel loaded" (the dispatch
    # overview) is read from the index alone (migration 0024 added the status).
    __table_args__ = (Index("ix_parcel_order_id", "order_id", "status"),)

    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="orders.id")
    seq: int = 1
    count: int = 1
    carton_type_id: int | None = Field(default=None, foreign_key="cartontype.id")
    status: ParcelStatus = Field(default=ParcelStatus.OPEN, index=True)
    weight_g: int | None = None
    expected_weight_g: int | None = None
    sscc: str | None = Field(default=None, unique=True, max_length=18)
    tracking_number: str | None = Field(default=None, unique=True, max_length=40)
    packed_by_id: int | None = Field(default=None, foreign_key="operator.id")
    packed_by_name: str = ""
    packed_at: datetime | None = None
    terminal: str = ""
    label_file: str = ""
    slip_file: str = ""
    loaded_at: datetime | None = None
    loaded_by_id: int | None = Field(default=None, foreign_key="operator.id")
    manifest_id: int | None = Field(default=None, foreign_key="manifest.id", index=True)


class PackScan(SQLModel, table=True):
    """Every unit confirmed at the pack station; an undo is a negative row.

    ``kind`` says what the row is (a ``PackScanKind`` value); ``code`` is only
    ever what was scanned, never an encoded instruction.
    """

    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="orders.id", index=True)
    order_line_id: int = Field(foreign_key="orderline.id", index=True)
    parcel_id: int | None = Field(default=None, foreign_key="parcel.id")
    qty: int
    kind: str = Field(default=PackScanKind.SCAN, max_length=8)
    code: str = ""
    qc_reason: str = Field(default="", max_length=32)
    counted_to: int | None = None
    operator_id: int | None = Field(default=None, foreign_key="operator.id")
    terminal: str = ""
    at: datetime = Field(default_factory=utcnow)
