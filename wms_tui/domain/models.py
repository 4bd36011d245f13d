"""SQLModel tables for the whole fulfilment flow.

The schema covers receiving, stock, orders, picking, packing, dispatch and
returns up front so that features add behaviour, not tables. Conventions:

* quantities are integers (units), weights grams, dimensions millimetres;
* times are aware UTC (see :mod:`wms_tui.domain.clock`);
* statuses are stored as their string values;
* ``Event`` is append-only (enforced by triggers, see ``store/ddl.py``).
"""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import (
    BigInteger,
    Column,
    ForeignKeyConstraint,
    Index,
    Integer,
    Numeric,
    UniqueConstraint,
    text,
)
from sqlmodel import Field, SQLModel

from wms_tui.domain.clock import utcnow
from wms_tui.domain.enums import (
    DeliveryStatus,
    LocationKind,
    ManifestStatus,
    OrderStatus,
    PackScanKind,
    ParcelStatus,
    TaskStatus,
    WaveStatus,
)

if TYPE_CHECKING:
    from wms_tui.domain.actor import Actor

# A counter that outgrows 32 bits: BIGINT on PostgreSQL. SQLite's INTEGER is
# already 64-bit, so it stays INTEGER there and no SQLite table is rebuilt for it.
COUNTER = BigInteger().with_variant(Integer(), "sqlite")

# --------------------------------------------------------------------------- site


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


# --------------------------------------------------------------------------- catalogue


class Product(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    sku: str = Field(unique=True, max_length=64)
    name: str
    handle: str = ""
    option1_name: str = ""
    option1_value: str = ""
    option2_name: str = ""
    option2_value: str = ""
    weight_g: int = 0
    length_mm: int = 0
    width_mm: int = 0
    height_mm: int = 0
    fragile: bool = False
    zone: str = ""
    reorder_point: int = 0
    # Customs (parcels leaving the EU): 6-10 digit HS code, ISO origin country and the
    # value of one unit in the shop's currency; None means "not declared".
    hs_code: str = Field(default="", max_length=10)
    origin_country: str = Field(default="", max_length=2)
    customs_value: Decimal | None = Field(default=None, sa_column=Column(Numeric(12, 2)))
    # Dangerous goods mark printed on the label, e.g. "UN3481" (lithium ion in equipment).
    dangerous_goods: str = Field(default="", max_length=16)
    max_stock: int = 0
    active: bool = True

    @property
    def options_text(self) -> str:
        parts = [
            f"{n}: {v}" if n else v
            for n, v in (
                (self.option1_name, self.option1_value),
                (self.option2_name, self.option2_value),
            )
            if v
        ]
        return " / ".join(parts)


class ProductBarcode(SQLModel, table=True):
    """A scannable code for a product; a case code counts ``pack_qty`` units."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=32)
    product_id: int = Field(foreign_key="product.id", index=True)
    pack_qty: int = 1


# --------------------------------------------------------------------------- stock


class Stock(SQLModel, table=True):
    """Units of one product in one location.

    ``qty`` is on hand and always equals the sum of ``StockMovement`` rows for
    the pair; ``allocated`` is reserved for order lines and never exceeds it.
    """

    __table_args__ = (UniqueConstraint("product_id", "location_id"),)

    id: int | None = Field(default=None, primary_key=True)
    product_id: int = Field(foreign_key="product.id", index=True)
    location_id: int = Field(foreign_key="location.id", index=True)
    qty: int = 0
    allocated: int = 0
    # FIFO: allocation takes the oldest stock first.
    first_received_at: datetime = Field(default_factory=utcnow)


class StockMovement(SQLModel, table=True):
    """The stock ledger. A receipt has no source, a shipment no destination."""

    __table_args__ = (
        # Today's picks per picker and hour (the dispatch overview) from the index alone
        # (migration 0018). Partial, and asked for with the reason written out: a plain
        # (reason, …) index made SQLite, which has no statistics here, read every SHIPPED
        # movement on record to find a manifest's orders' instead of using the order index.
        Index(
            "ix_stockmovement_picks_cover",
            "at",
            "operator_id",
            "qty",
            "reason",  # SQLite reads a partial index alone only if it holds its condition's column
            sqlite_where=text("reason = 'PICKED'"),
            postgresql_where=text("reason = 'PICKED'"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    product_id: int = Field(foreign_key="product.id", index=True)
    from_location_id: int | None = Field(default=None, foreign_key="location.id")
    to_location_id: int | None = Field(default=None, foreign_key="location.id")
    qty: int
    reason: str
    operator_id: int | None = Field(default=None, foreign_key="operator.id")
    terminal: str = ""
    order_id: int | None = Field(default=None, foreign_key="orders.id", index=True)
    reference: str = ""


# --------------------------------------------------------------------------- carriers


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


# --------------------------------------------------------------------------- orders


class Order(SQLModel, table=True):
    __tablename__ = "orders"  # "order" is an SQL keyword
    __table_args__ = (
        # Everything the dispatch overview reads of an open order, so counting and listing
        # 20,000 of them never reads the table (migration 0015; it also serves every
        # "status, then carrier" lookup the narrower index it replaced did). The id is in
        # it on PostgreSQL too (migration 0021): a SQLite index holds the rowid anyway, a
        # PostgreSQL one does not, so every statement that named an open order's id read
        # its row from the table.
        Index(
            "ix_orders_open_work",
            "status",
            "carrier_id",
            "service_id",
            "priority",
            "promised_ship_date",
            "status_changed_at",
            "name",
            postgresql_include=["id"],
        ),
        # Dispatched/cancelled *today* without reading every shipped order's row.
        Index("ix_orders_status_changed", "status", "status_changed_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, max_length=64)
    channel: str = "shopify"
    customer_name: str = ""
    email: str = Field(default="", index=True)
    phone: str = ""
    ship_name: str = ""
    ship_company: str = ""
    ship_address1: str = ""
    ship_address2: str = ""
    ship_city: str = ""
    ship_zip: str = ""
    ship_province: str = ""
    ship_country: str = Field(default="", max_length=2)
    ship_phone: str = ""
    shipping_method: str = ""
    carrier_id: int | None = Field(default=None, foreign_key="carrier.id")
    service_id: int | None = Field(default=None, foreign_key="service.id")
    status: OrderStatus = Field(default=OrderStatus.NEW, index=True)
    # Status before ON_HOLD, so a release returns the order where it was.
    held_from: OrderStatus | None = None
    hold_reason: str = ""
    priority: int = 0
    created_at: datetime = Field(default_factory=utcnow, index=True)
    release_at: datetime | None = None
    promised_ship_date: date | None = None
    status_changed_at: datetime = Field(default_factory=utcnow, index=True)
    notes: str = ""
    gift_message: str = ""
    tags: str = ""  # comma separated, lower case
    financial_status: str = "paid"
    split_allowed: bool = False
    cancelled_at: datetime | None = None
    # Import fingerprint: a re-import of an unchanged order changes nothing.
    source_hash: str = ""
    # Pack station lock: two stations never pack the same order.
    locked_by_operator_id: int | None = Field(default=None, foreign_key="operator.id")
    locked_terminal: str = ""
    locked_at: datetime | None = None
    resolution: str = ""

    @property
    def tag_set(self) -> frozenset[str]:
        return frozenset(t.strip().lower() for t in self.tags.split(",") if t.strip())


# An order line with units still to pick or to pack. Lines of packed and dispatched orders
# (nearly all of the history) fail it, so an index with this condition stays the size of the
# open work: the shift dashboard's work left reads it instead of every line on record.
LINE_HAS_WORK = "quantity > qty_short + qty_packed OR quantity > qty_short + qty_picked"


class OrderLine(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("order_id", "line_no"),
        # Covering: SQLite and PostgreSQL read the work left from the index alone.
        Index(
            "ix_orderline_work_left",
            "order_id",
            "quantity",
            "qty_short",
            "qty_picked",
            "qty_packed",
            sqlite_where=text(LINE_HAS_WORK),
            postgresql_where=text(LINE_HAS_WORK),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="orders.id", index=True)
    line_no: int
    product_id: int = Field(foreign_key="product.id", index=True)
    sku: str = Field(max_length=64)
    name: str = ""
    options: str = ""
    quantity: int
    price: Decimal = Field(default=Decimal("0"), sa_column=Column(Numeric(12, 2)))
    qty_allocated: int = 0
    qty_picked: int = 0
    qty_packed: int = 0
    qty_short: int = 0
    short_reason: str = ""
    qty_returned: int = 0

    @property
    def need(self) -> int:
        """Units this line still has to ship: a supervisor-approved short is not owed."""
        return self.quantity - self.qty_short


class Allocation(SQLModel, table=True):
    """Stock reserved for an order line in one location."""

    # The key a pick-task line refers to: its stop is this reservation, and the
    # line's order line, product and bin are the reservation's (migration 0022).
    __table_args__ = (
        Index(
            "uq_allocation_pick_key", "id", "order_line_id", "product_id", "location_id",
            unique=True,
        ),
    )  # fmt: skip

    id: int | None = Field(default=None, primary_key=True)
    order_line_id: int = Field(foreign_key="orderline.id", index=True)
    product_id: int = Field(foreign_key="product.id")
    location_id: int = Field(foreign_key="location.id", index=True)
    qty: int
    qty_picked: int = 0


# --------------------------------------------------------------------------- picking


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


# --------------------------------------------------------------------------- packing


class Parcel(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="orders.id", index=True)
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


# --------------------------------------------------------------------------- receiving


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


# --------------------------------------------------------------------------- dispatch


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


# --------------------------------------------------------------------------- exceptions


class WmsException(SQLModel, table=True):
    """Something a supervisor must look at: short pick, QC fail, weight, ..."""

    __tablename__ = "wms_exception"

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(index=True)
    at: datetime = Field(default_factory=utcnow)
    order_id: int | None = Field(default=None, foreign_key="orders.id", index=True)
    sku: str = ""
    location: str = ""
    operator_id: int | None = Field(default=None, foreign_key="operator.id")
    operator_name: str = ""
    terminal: str = ""
    message: str = ""
    resolved_at: datetime | None = None
    resolved_by_id: int | None = Field(default=None, foreign_key="operator.id")

    @classmethod
    def raised_by(cls, actor: Actor, kind: str, message: str, **refs: object) -> WmsException:
        """An exception raised at an operator's step: who, at which terminal, what.

        ``refs`` are the other columns it names (``order_id``, ``sku``, ``location``).
        """
        return cls(
            kind=kind,
            operator_id=actor.operator_id,
            operator_name=actor.name,
            terminal=actor.terminal,
            message=message,
            **refs,
        )


# --------------------------------------------------------------------------- returns


class ReturnReason(SQLModel, table=True):
    code: str = Field(primary_key=True, max_length=32)
    label: str
    # Kept in step with ``cause`` (PICK or PACK): the share of returns that
    # were the warehouse's own doing.
    controllable: bool
    # A ReasonCause value; plain text so a new cause needs no ALTER TYPE.
    cause: str = Field(default="CUSTOMER", max_length=16)


class StoreIdentity(SQLModel, table=True):
    """One row, written when the store is created: a terminal compares it on
    every unit of work to notice a store replaced under it (a reset, a restore),
    and documents carry it so two stores' files never share a name."""

    id: int | None = Field(default=None, primary_key=True)
    uuid: str = Field(max_length=36)
    created_at: datetime = Field(default_factory=utcnow)


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


# --------------------------------------------------------------------------- event log


# What the shift dashboard and the overview read of one kind's events in a time
# range: every column they select or group by (see the index below).
EVENT_KIND_COVER = (
    "kind", "to_state", "at", "operator_id", "qty", "order_id", "sku", "from_location",
    "operator_name",
)  # fmt: skip


class Event(SQLModel, table=True):
    """Append-only: who did what, where and when.

    Names are copied in (not only ids) so the timeline reads the same after an
    operator or product is renamed.
    """

    __table_args__ = (
        Index("ix_event_order_at", "order_id", "at"),
        # One kind's events in a time range: today's packs (the overview's pace),
        # status changes per hour, who picked and packed what (the shift
        # dashboard). The columns after ``at`` let those read the index alone,
        # never the rows (migration 0017; docs/insight.md has the numbers).
        Index("ix_event_kind_cover", *EVENT_KIND_COVER),
        # Time ranges, with the order: "which orders had an event in the last two hours"
        # (stuck, in the overview) from the index alone (migration 0015).
        Index("ix_event_at_order", "at", "order_id"),
        # A stock row's history: one SKU's events newest first (migration 0016).
        Index("ix_event_sku_at", "sku", "at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow)
    kind: str = Field(index=True, max_length=40)
    operator_id: int | None = Field(default=None, foreign_key="operator.id")
    operator_name: str = ""
    terminal: str = ""
    order_id: int | None = Field(default=None, foreign_key="orders.id")
    order_name: str = ""
    sku: str = ""
    qty: int | None = None
    # A status change: order, delivery or parcel status before and after.
    from_state: str = ""
    to_state: str = ""
    # Typed references (one meaning per column; migration 0004 moved them out
    # of from_state/to_state, which used to carry locations and references too).
    location: str = ""
    from_location: str = ""
    to_location: str = ""
    delivery_ref: str = Field(default="", max_length=64)
    prior_terminal: str = ""  # who held the work before (take-over, hand-over)
    prior_operator: str = ""
    detail: str = ""


# --------------------------------------------------------------------------- devices


class Device(SQLModel, table=True):
    """A floor device allowed to reach ``wms serve`` (a handheld, a station PC).

    Its name is the SSH user name and the terminal code in the header and the
    event log. Secrets are kept only as hashes: an argon2 hash of the password,
    a SHA-256 of the browser token (a random 256-bit value needs no slow hash).
    The public key is stored as given, in OpenSSH's one-line format.
    """

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, max_length=32)
    public_key: str = ""
    password_hash: str = ""
    token_hash: str = Field(default="", index=True, max_length=64)
    created_at: datetime = Field(default_factory=utcnow)
    created_by: str = ""


# The shop sync's and the HTTP API's tables live in their own module; importing
# it here registers them with every other table.
from wms_tui.domain import integration_models  # noqa: E402, F401
