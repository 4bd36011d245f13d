"""The site: the warehouse, its locations and stations, its people, its house
rules and counters, the store's own identity."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Integer
from sqlmodel import Field, SQLModel

from wms_tui.domain.clock import utcnow
from wms_tui.domain.enums import LocationKind

# A counter that outgrows 32 bits: BIGINT on PostgreSQL. SQLite's INTEGER is
# already 64-bit, so it stays INTEGER there and no SQLite table is rebuilt for it.
COUNTER = BigInteger().with_variant(Integer(), "sqlite")


class Warehouse(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=20)
    name: str
    address1: str = ""
    address2: str = ""
    city: str = ""
    zip: str = ""
    region: str = ""
    country_code: str = Field(default="SE", max_length=2)
    phone: str = ""
    timezone: str = "Europe/Stockholm"
    gs1_company_prefix: str = Field(default="0000000", max_length=12)
    sscc_extension: int = 0
    # Next SSCC serial; bumped inside the packing transaction so two stations
    # never print the same SSCC. 64-bit: a 6-digit company prefix leaves a
    # 10-digit serial, past PostgreSQL's 32-bit INTEGER.
    sscc_next_serial: int = Field(default=1, sa_type=COUNTER)


class Counter(SQLModel, table=True):
    """A named number series (wave codes, blind receipt references of a day).

    Taken with one atomic ``UPDATE … RETURNING`` (``services/core/counters.py``)
    instead of "read the highest, insert the next": two terminals asking at
    once get two numbers, never one number twice.
    """

    name: str = Field(primary_key=True, max_length=64)
    value: int = Field(default=0, sa_type=COUNTER)


class StoreMark(SQLModel, table=True):
    """Facts about the store itself, set once (``origin``: "demo" for a store
    ``wms demo`` built, which only then may ``wms demo --reset`` destroy)."""

    __tablename__ = "store_mark"

    key: str = Field(primary_key=True, max_length=32)
    value: str = Field(max_length=200)


class Setting(SQLModel, table=True):
    """House rules and tunables (grace period, weight tolerance, ...)."""

    key: str = Field(primary_key=True, max_length=64)
    value: str


class Station(SQLModel, table=True):
    """A terminal: handheld or pack station, with its printer settings."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=32)
    kind: str = "handheld"  # handheld | pack | receiving | dispatch | office
    printer: str | None = None  # the label printer (4x6/A6 stock)
    label_format: str = "pdf"  # pdf | zpl
    label_size: str = "4x6"  # 4x6 | A6
    # Slips and customs papers are A4/Letter: never sent to the label printer.
    document_printer: str | None = None
    printer_dpi: int = 203  # 203 | 300: ZPL geometry and barcode modules in whole dots
    # How the label printer is reached: "cups" (lp -o raw) or "tcp" (host[:port], 9100).
    printer_transport: str = "cups"
    # Fonts already downloaded to the label printer ("name@sha"), so ZPL sends them once.
    printer_fonts: str = ""
    location_id: int | None = Field(default=None, foreign_key="location.id")


class Operator(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    badge: str = Field(unique=True, max_length=32)
    name: str
    roles: str = ""  # comma separated Role values
    active: bool = True
    # argon2id hash of the PIN ("" = none set); wrong PINs in a row (the badge
    # locks at the ``pin_lock_after`` setting; setting a new PIN resets it).
    pin_hash: str = Field(default="", max_length=255)
    pin_failures: int = 0

    @property
    def role_set(self) -> frozenset[str]:
        return frozenset(r.strip() for r in self.roles.split(",") if r.strip())


class Location(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=32)
    zone: str = Field(default="", index=True, max_length=16)
    aisle: int = 0
    bay: int = 0
    level: str = ""
    kind: LocationKind = Field(default=LocationKind.PICK, index=True)
    active: bool = True
    cycle_count_flag: bool = False
    cycle_count_reason: str = ""


class StoreIdentity(SQLModel, table=True):
    """One row, written when the store is created: a terminal compares it on
    every unit of work to notice a store replaced under it (a reset, a restore),
    and documents carry it so two stores' files never share a name."""

    id: int | None = Field(default=None, primary_key=True)
    uuid: str = Field(max_length=36)
    created_at: datetime = Field(default_factory=utcnow)
