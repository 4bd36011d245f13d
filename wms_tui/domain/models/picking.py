"""Waves, pick tasks and their lines."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKeyConstraint
from sqlmodel import Field, SQLModel

from wms_tui.domain.clock import utcnow
from wms_tui.domain.enums import TaskStatus, WaveStatus


class Wave(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=32)
    status: WaveStatus = WaveStatus.OPEN
    created_at: datetime = Field(default_factory=utcnow)
    created_by_id: int | None = Field(default=None, foreign_key="operator.id")
    rule: str = ""


class PickTask(SQLModel, table=True):
    """A cart of totes walked by one picker; one order per tote."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=32)
    wave_id: int | None = Field(default=None, foreign_key="wave.id", index=True)
    status: TaskStatus = Field(default=TaskStatus.OPEN, index=True)
    picker_id: int | None = Field(default=None, foreign_key="operator.id")
    terminal: str = ""
    claimed_at: datetime | None = None
    finished_at: datetime | None = None
    pack_station: str = ""
    route_length_m: float = 0.0
    # Replacement tasks (QC failure at packing) jump the queue.
    priority: int = 0


class PickTaskLine(SQLModel, table=True):
    """One stop of a task: a bin, a SKU, a quantity, a tote.

    A stop picks one reservation: one key to the allocation's (id, order line,
    product, bin) holds the four columns to it, and through the allocation's own
    keys to their tables (migration 0022). Four keys of a column each cost
    PostgreSQL four checks per line, most of a wave's insert.
    """

    __table_args__ = (
        ForeignKeyConstraint(
            ["allocation_id", "order_line_id", "product_id", "location_id"],
            [
                "allocation.id", "allocation.order_line_id", "allocation.product_id",
                "allocation.location_id",
            ],
            name="fk_picktaskline_allocation",
        ),
    )  # fmt: skip

    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="picktask.id", index=True)
    seq: int
    allocation_id: int
    order_line_id: int = Field(index=True)
    product_id: int
    location_id: int
    tote_id: int | None = Field(default=None, foreign_key="location.id")
    qty: int
    qty_picked: int = 0
    qty_short: int = 0
    skipped: bool = False
    done: bool = False
