"""Orders through the HTTP API: create (any channel), read, cancel, hold.

Creating goes through the same import rules as the shop's CSV and webhooks
(``order_import.import_record``): the same fingerprint (sending the same order
twice changes nothing), the same updates before picking, the same holds, and
an unknown SKU holds the order with an exception naming it. A name already
used by another channel is refused rather than overwritten. Cancel and hold
are the supervisor's use cases (``order_admin``), run as the key's actor.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from functools import cache

from sqlalchemy import bindparam
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from wms_tui.adapters.shopify.csv_format import OrderLineRecord, OrderRecord, ShipTo
from wms_tui.domain.actor import Actor
from wms_tui.domain.clock import utcnow
from wms_tui.domain.enums import Role
from wms_tui.domain.errors import Conflict, DomainError, NotFound
from wms_tui.domain.models import Order
from wms_tui.services.core import order_names
from wms_tui.services.intake import order_admin
from wms_tui.services.intake.order_import import import_record
from wms_tui.services.lookup import order_lookup
from wms_tui.services.lookup.order_lookup import OrderDetail
from wms_tui.store import Store, retrying


@dataclass(frozen=True)
class NewLine:
    sku: str
    quantity: int
    name: str = ""
    price: Decimal = Decimal(0)


@dataclass(frozen=True)
class NewOrder:
    name: str
    channel: str
    lines: list[NewLine]
    ship_name: str
    ship_address1: str
    ship_city: str
    ship_zip: str
    ship_country: str
    ship_address2: str = ""
    ship_company: str = ""
    ship_province: str = ""
    ship_phone: str = ""
    email: str = ""
    phone: str = ""
    shipping_method: str = ""
    notes: str = ""
    gift_message: str = ""
    tags: list[str] = field(default_factory=list)
    financial_status: str = "paid"
    created_at: datetime | None = None


@dataclass(frozen=True)
class CreateResult:
    name: str
    outcome: str  # created | updated | unchanged | held | …
    status: str
    unknown_skus: tuple[str, ...]
    notes: tuple[str, ...]


def _record(o: NewOrder) -> OrderRecord:
    skus = [line.sku for line in o.lines]
    if dup := next((s for s in skus if skus.count(s) > 1), None):
        raise DomainError(f"SKU {dup} is on two lines: put its units on one line")
    attributes = {"gift_message": o.gift_message} if o.gift_message else {}
    return OrderRecord(
        row=0,
        name=o.name,
        email=o.email,
        phone=o.phone,
        financial_status=o.financial_status,
        fulfillment_status="",
        shipping_method=o.shipping_method,
        created_at=o.created_at or utcnow(),
        cancelled_at=None,
        notes=o.notes,
        note_attributes=attributes,
        tags=o.tags,
        ship_to=ShipTo(
            name=o.ship_name,
            company=o.ship_company,
            address1=o.ship_address1,
            address2=o.ship_address2,
            city=o.ship_city,
            zip=o.ship_zip,
            province=o.ship_province,
            country=o.ship_country.upper(),
            phone=o.ship_phone,
        ),
        source=o.channel,
        lines=[
            OrderLineRecord(n, ln.sku, ln.name or ln.sku, ln.quantity, ln.price)
            for n, ln in enumerate(o.lines, start=1)
        ],
    )


def create_order(store: Store, actor: Actor, new: NewOrder) -> CreateResult:
    actor.require(Role.SUPERVISOR, action="create orders")
    rec = _record(new)
    try:
        return _create(store, actor, new, rec)
    except IntegrityError:
        # The same new order sent twice at once (PostgreSQL): the second is now an update.
        return _create(store, actor, new, rec)


@cache
def _order_named():
    # Built once: every order the API takes asks (building cost more than running).
    return select(Order).where(Order.name == bindparam("name"))


@retrying
def _create(store: Store, actor: Actor, new: NewOrder, rec: OrderRecord) -> CreateResult:
    with store.unit_of_work() as uow:
        existing = uow.session.exec(_order_named(), params={"name": new.name}).first()
        if existing is not None and existing.channel != new.channel:
            raise Conflict(
                f"Order {new.name} already exists from {existing.channel}; "
                "use another name for this channel"
            )
        done = import_record(uow, rec, actor=actor, channel=new.channel)
        if done.order_id is None:
            raise DomainError(f"Order {new.name} was not created: {done.outcome}")
        status = str(uow.session.get(Order, done.order_id).status)  # type: ignore[union-attr]
        uow.commit()
    return CreateResult(new.name, done.outcome, status, done.unknown_skus, done.notes)


def _find(session, name: str) -> Order:  # noqa: ANN001
    order = order_names.find(session, name)
    if order is None:
        raise NotFound(f"No order {name}")
    return order


def read_order(store: Store, actor: Actor, name: str) -> OrderDetail:
    """The order by the name its channel gave it, as the lookup screen reads it
    (``lookup.order_lookup``: one read model, so the API, the screen and the shop's
    tracking link cannot drift apart), without the timeline the API does not show."""
    return order_lookup.order_detail(store, actor, _order_id(store, name), with_timeline=False)


def _order_id(store: Store, name: str) -> int:
    with store.read() as s:
        order = _find(s, name)
        assert order.id is not None
        return order.id


def cancel_order(store: Store, actor: Actor, name: str) -> str:
    actor.require(Role.SUPERVISOR, action="cancel orders")  # before the name is looked up
    return order_admin.cancel_order(store, actor, _order_id(store, name))


def hold_order(store: Store, actor: Actor, name: str, reason: str) -> str:
    actor.require(Role.SUPERVISOR, action="hold orders")
    return order_admin.hold_order(store, actor, _order_id(store, name), reason)
