"""Carriers, their services and cut-offs, and the cartons parcels ship in."""

from __future__ import annotations

from datetime import time

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from wms_tui.domain.models.site import COUNTER


class Carrier(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=16)
    name: str
    tracking_prefix: str = ""
    tracking_length: int = 12
    tracking_check: str = "mod10"  # mod10 | mod7 | ups | s10 | none
    # 64-bit: carriers hand out ranges like CJ's 60500000001, past a 32-bit INTEGER.
    tracking_next: int = Field(default=1, sa_type=COUNTER)


class Service(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("carrier_id", "code"),)

    id: int | None = Field(default=None, primary_key=True)
    carrier_id: int = Field(foreign_key="carrier.id", index=True)
    code: str = Field(max_length=32)
    name: str
    cutoff: time = time(15, 0)
    transit_days: int = 2
    express: bool = False


class CartonType(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=16)
    name: str
    inner_length_mm: int
    inner_width_mm: int
    inner_height_mm: int
    max_weight_g: int
    own_weight_g: int
    active: bool = True

    @property
    def inner_volume_mm3(self) -> int:
        return self.inner_length_mm * self.inner_width_mm * self.inner_height_mm
