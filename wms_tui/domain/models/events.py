"""The append-only event log (enforced by triggers, see ``store/ddl.py``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from wms_tui.domain.clock import utcnow

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
