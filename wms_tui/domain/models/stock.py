"""Stock on hand per product and location, and the ledger of every movement."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from wms_tui.domain.clock import utcnow


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
