"""Tables of the connections to the outside: the shop's sync state and the HTTP API.

Registered with the rest of the schema by ``wms_tui.domain.models`` (which
imports this module). No secret is ever stored here: the shop's
access token and webhook secret come from the environment or a file, API keys
are kept only as a salted scrypt hash.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from wms_tui.domain.clock import utcnow


class ShopSyncState(SQLModel, table=True):
    """Small named values of the sync: the pull cursor, the updated_at watermark, last run."""

    __tablename__ = "shop_sync_state"

    key: str = Field(primary_key=True, max_length=40)
    value: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))


class ShopOrderLink(SQLModel, table=True):
    """Our order <-> the shop's order: its id, the version we applied, its line items.

    ``held_payload`` keeps the last version the shop sent while the order waits on
    an unknown SKU, so every sync tries it again once the product exists.
    """

    __tablename__ = "shop_order_link"

    id: int | None = Field(default=None, primary_key=True)
    order_name: str = Field(unique=True, max_length=64)
    shop_order_id: str = Field(unique=True, max_length=80)
    shop_updated_at: datetime | None = None
    # JSON {sku: line item gid}: what a fulfilment names for each of our lines.
    line_items: str = Field(default="{}", sa_column=Column(Text, nullable=False, default="{}"))
    held_payload: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    last_error: str = ""
    applied_at: datetime = Field(default_factory=utcnow)


class ShopOutbox(SQLModel, table=True):
    """Work for the outside world, written in the transaction that caused it.

    ``kind``: ``fulfillment`` (``ref`` = parcel id) or ``webhook`` (``ref`` =
    "<webhook id>:<event id>"). Sent by ``wms sync`` / the API server, never
    inside a floor transaction; retried with backoff until ``done_at`` is set or
    ``failed`` gives up (a 4xx the shop will keep answering).
    """

    __tablename__ = "shop_outbox"
    __table_args__ = (
        UniqueConstraint("kind", "ref", name="uq_shop_outbox_kind_ref"),
        Index("ix_shop_outbox_due", "done_at", "failed", "next_try_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=20)
    ref: str = Field(max_length=80)
    order_name: str = Field(default="", max_length=64)
    payload: str = Field(default="{}", sa_column=Column(Text, nullable=False, default="{}"))
    created_at: datetime = Field(default_factory=utcnow)
    attempts: int = 0
    next_try_at: datetime = Field(default_factory=utcnow)
    last_error: str = ""
    failed: bool = False
    done_at: datetime | None = None
    result: str = ""


class ShopStockPushed(SQLModel, table=True):
    """What the shop was last told is available per SKU: the next push sends only changes."""

    __tablename__ = "shop_stock_pushed"

    sku: str = Field(primary_key=True, max_length=64)
    available: int
    pushed_at: datetime = Field(default_factory=utcnow)


class ApiKey(SQLModel, table=True):
    """An integration's key: ``wms_<prefix>_<secret>``, kept as a salted scrypt hash."""

    __tablename__ = "api_key"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, max_length=40)
    prefix: str = Field(unique=True, max_length=16)
    secret_hash: str = Field(max_length=200)
    scopes: str = "read"  # comma separated: read, write
    rate_per_minute: int = 120
    created_at: datetime = Field(default_factory=utcnow)
    revoked_at: datetime | None = None
    last_used_at: datetime | None = None


class ApiWebhook(SQLModel, table=True):
    """An integrator's URL for order events, signed with its own secret (HMAC-SHA256)."""

    __tablename__ = "api_webhook"

    id: int | None = Field(default=None, primary_key=True)
    api_key_id: int = Field(foreign_key="api_key.id", index=True)
    url: str = Field(max_length=500)
    events: str = "order.packed,order.shipped,order.delayed"
    # The integrator needs it to check signatures, so it cannot be hashed; it signs
    # only our own messages to them and is shown once at registration.
    secret: str = Field(max_length=80)
    created_at: datetime = Field(default_factory=utcnow)
    active: bool = True
    # What the registration saw (webhooks_out.StartCursor, JSON): the highest event and
    # notice ids, and the ids below them not committed yet. The hook hears every event
    # the registration did not see; NULL (registered before 0026) goes by created_at.
    start_cursor: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
