"""Returns: reasons, receipts and their lines."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from wms_tui.domain.clock import utcnow


class ReturnReason(SQLModel, table=True):
    code: str = Field(primary_key=True, max_length=32)
    label: str
    # Kept in step with ``cause`` (PICK or PACK): the share of returns that
    # were the warehouse's own doing.
    controllable: bool
    # A ReasonCause value; plain text so a new cause needs no ALTER TYPE.
    cause: str = Field(default="CUSTOMER", max_length=16)


class ReturnReceipt(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="orders.id", index=True)
    at: datetime = Field(default_factory=utcnow)
    operator_id: int | None = Field(default=None, foreign_key="operator.id")
    terminal: str = ""
    resolution: str = ""
    exchange_order_id: int | None = Field(default=None, foreign_key="orders.id")
    note: str = ""


class ReturnLine(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    return_id: int = Field(foreign_key="returnreceipt.id", index=True)
    order_line_id: int = Field(foreign_key="orderline.id", index=True)
    qty: int
    reason_code: str = Field(foreign_key="returnreason.code")
    disposition: str
    location_id: int | None = Field(default=None, foreign_key="location.id")
    note: str = ""
