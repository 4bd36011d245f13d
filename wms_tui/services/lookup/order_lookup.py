"""One order's story, as the lookup screen and the HTTP API's ``GET /orders/{name}``
show it: where the order is now, its parcels and tracking numbers, expected
delivery, notices sent, and the timeline (who did what, when, on which
terminal). Finding the order is :mod:`wms_tui.services.lookup.order_search`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlmodel import Session, col, select

from wms_tui.domain import shipping_days as days
from wms_tui.domain.actor import Actor
from wms_tui.domain.clock import utcnow
from wms_tui.domain.enums import EventKind, OrderStatus, ParcelStatus
from wms_tui.domain.errors import NotFound
from wms_tui.domain.models import (
    Carrier,
    Event,
    Manifest,
    Notice,
    Order,
    OrderLine,
    Parcel,
    Service,
)
from wms_tui.services.core.clock import warehouse_zone
from wms_tui.services.lookup import timeline
from wms_tui.services.lookup.order_search import sees_contacts
from wms_tui.services.lookup.timeline import TraceStep
from wms_tui.services.shop.fulfilments import tracking_url
from wms_tui.store import Store

S = OrderStatus


@dataclass(frozen=True)
class ParcelInfo:
    seq: int
    count: int
    sscc: str
    tracking_number: str
    weight_g: int | None
    status: str
    packed_by: str
    packed_at: datetime | None
    loaded_at: datetime | None
    manifest_number: str
    tracking_url: str = ""  # where the customer follows it (the shop gets the same)


@dataclass(frozen=True)
class LineInfo:
    sku: str
    name: str
    quantity: int
    allocated: int
    picked: int
    packed: int
    short: int


@dataclass(frozen=True)
class NoticeInfo:
    kind: str
    at: datetime
    sent: bool
    file: str


@dataclass(frozen=True)
class OrderDetail:
    order_id: int
    name: str
    status: str
    where: str  # the one-line answer to "where is my order?"
    customer_name: str
    email: str
    phone: str
    ship_to: list[str]
    carrier_name: str
    service_name: str
    promised: date | None
    late: bool
    shipped_on: date | None
    expected_delivery: date | None
    hold_reason: str
    tags: str
    lines: list[LineInfo]
    parcels: list[ParcelInfo]
    notices: list[NoticeInfo]
    timeline: list[TraceStep]  # the order trace's steps (services/lookup/timeline)
    tz_name: str = "UTC"
    created_at: datetime | None = None
    channel: str = ""


def _where(
    order: Order,
    carrier: Carrier | None,
    service: Service | None,
    parcels: list[ParcelInfo],
    lines: list[LineInfo],
    shipped_on: date | None,
    eta: date | None,
    tz_name: str,
) -> str:
    status = S(order.status)
    via = carrier.name if carrier else "the courier"
    tz = days.zone(tz_name)
    if status is S.DISPATCHED:
        track = ", ".join(p.tracking_number for p in parcels if p.tracking_number)
        text = f"Shipped {shipped_on:%a %d %b} with {via}" if shipped_on else f"Shipped with {via}"
        if track:
            text += f"; tracking {track}"
        if eta:
            text += f"; expected {eta:%a %d %b}"
        return text
    if status is S.RETURNED:
        return "Came back as a return"
    if status is S.CANCELLED:
        return f"Cancelled {days.local_time(order.cancelled_at, tz, '%d %b %H:%M')}".strip()
    if status is S.ON_HOLD:
        return f"On hold: {order.hold_reason or 'ask a supervisor'}"
    if status is S.BACKORDERED:
        short = [ln.sku for ln in lines if ln.allocated + ln.picked < ln.quantity - ln.short]
        return "Waiting for stock" + (f": {', '.join(short)}" if short else "")
    if status is S.PACKED:
        loaded = [p for p in parcels if p.status == ParcelStatus.LOADED]
        if parcels and len(loaded) == len(parcels):
            return f"Packed and on the {via} truck; leaves at close-out"
        if loaded:
            return f"Packed; {len(loaded)} of {len(parcels)} parcels on the {via} truck"
        return f"Packed, waiting at dispatch for {via}" + (
            f" (cut-off {service.cutoff:%H:%M})" if service else ""
        )
    return {
        S.NEW: "Received, not yet released to the floor",
        S.READY_TO_PICK: "In the warehouse, waiting to be picked",
        S.PICKING: "Being picked",
        S.PICKED: "Picked, waiting for a pack station",
        S.PACKING: "Being packed",
    }.get(status, status.label)


def order_detail(
    store: Store, actor: Actor, order_id: int, *, with_timeline: bool = True
) -> OrderDetail:
    """One order's story; e-mail and phone only for :data:`CONTACT_ROLES`.

    The one read model of an order for the lookup screen and the HTTP API
    (``integrations.orders_api.read_order``, ``with_timeline=False``: the API
    answers no timeline, and building it is most of the work)."""
    contacts = sees_contacts(actor)
    with store.read() as s:
        row = s.exec(
            select(Order, Carrier, Service)
            .join(Carrier, col(Carrier.id) == Order.carrier_id, isouter=True)
            .join(Service, col(Service.id) == Order.service_id, isouter=True)
            .where(Order.id == order_id)
        ).first()
        if row is None:
            raise NotFound(f"No order with id {order_id}")
        order, carrier, service = row
        tz = warehouse_zone(s)
        lines = [
            LineInfo(
                ln.sku,
                ln.name,
                ln.quantity,
                ln.qty_allocated,
                ln.qty_picked,
                ln.qty_packed,
                ln.qty_short,
            )
            for ln in s.exec(
                select(OrderLine).where(OrderLine.order_id == order_id).order_by(OrderLine.line_no)
            )
        ]
        parcels = [
            ParcelInfo(
                p.seq,
                p.count,
                p.sscc or "",
                p.tracking_number or "",
                p.weight_g,
                str(p.status),
                p.packed_by_name,
                p.packed_at,
                p.loaded_at,
                number or "",
                tracking_url(s, carrier.code if carrier else "", p.tracking_number or ""),
            )
            for p, number in s.exec(
                select(Parcel, Manifest.number)
                .join(Manifest, col(Manifest.id) == Parcel.manifest_id, isouter=True)
                .where(Parcel.order_id == order_id)
                .order_by(col(Parcel.seq), col(Parcel.id))
            ).all()
        ]
        manifest_days = s.exec(
            select(Manifest.day)
            .join(Parcel, col(Parcel.manifest_id) == Manifest.id)
            .where(Parcel.order_id == order_id)
        ).all()
        shipped_on: date | None = None
        if order.status in (S.DISPATCHED, S.RETURNED):
            shipped_on = (
                max(manifest_days)
                if manifest_days
                else (
                    _dispatched_at(s, order_id, tz) or days.local_day(order.status_changed_at, tz)
                )
            )
        eta = (
            days.expected_delivery(shipped_on, service.transit_days)
            if shipped_on and service
            else None
        )
        notices = [
            NoticeInfo(n.kind, n.at, n.sent, n.file)
            for n in s.exec(select(Notice).where(Notice.order_id == order_id).order_by(Notice.at))
        ]
        today = days.local_day(utcnow(), tz)
        late = bool(
            order.promised_ship_date
            and order.status not in (S.DISPATCHED, S.RETURNED, S.CANCELLED)
            and order.promised_ship_date < today
        )
        ship_to = [
            x
            for x in (
                order.ship_name,
                order.ship_company,
                order.ship_address1,
                order.ship_address2,
                f"{order.ship_zip} {order.ship_city}".strip(),
                " ".join(x for x in (order.ship_province, order.ship_country) if x),
            )
            if x
        ]
        return OrderDetail(
            order_id=order.id,
            name=order.name,
            status=str(order.status),
            where=_where(order, carrier, service, parcels, lines, shipped_on, eta, str(tz)),
            customer_name=order.customer_name,
            email=order.email if contacts else "",
            phone=order.phone if contacts else "",
            ship_to=ship_to,
            carrier_name=carrier.name if carrier else "",
            service_name=service.name if service else "",
            promised=order.promised_ship_date,
            late=late,
            shipped_on=shipped_on,
            expected_delivery=eta,
            hold_reason=order.hold_reason,
            tags=order.tags,
            lines=lines,
            parcels=parcels,
            notices=notices,
            timeline=timeline.steps(s, order_id, tz) if with_timeline else [],
            tz_name=str(tz),
            created_at=order.created_at,
            channel=order.channel,
        )


def _dispatched_at(session: Session, order_id: int, tz: ZoneInfo) -> date | None:
    at = session.exec(
        select(func.max(Event.at)).where(
            Event.order_id == order_id,
            Event.kind == EventKind.ORDER_STATUS,
            Event.to_state == S.DISPATCHED.value,
        )
    ).one()
    # Orders dispatched before manifests existed (imports) still get a date.
    return days.local_day(at, tz) if at else None
