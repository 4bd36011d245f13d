"""Orders, their lines and the stock allocated to them."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Column, Index, Numeric, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from wms_tui.domain.clock import utcnow
from wms_tui.domain.enums import OrderStatus


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
        # Dispatched/cancelled *today*, counted per carrier and service, without reading
        # a shipped order's row (the dispatch overview; migration 0024 added the last two).
        Index(
            "ix_orders_status_changed", "status", "status_changed_at", "carrier_id", "service_id"
        ),
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
