"""What left the building, in the shape the shop export needs.

The order-intake export writes Shopify fulfilments with
``shopify_csv.write_fulfillments_csv``; :func:`fulfilments` gives it one row
per shipped order line with the carrier, the service, every tracking number
of the order's parcels and the time the truck was closed out.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session, col, select

from wms_tui.adapters.shopify.csv_format import FulfillmentRow
from wms_tui.domain import shipping_days as days
from wms_tui.domain.clock import utcnow
from wms_tui.domain.enums import OrderStatus, ParcelStatus
from wms_tui.domain.models import Carrier, Manifest, Order, OrderLine, Parcel, Service
from wms_tui.services.core.clock import warehouse_zone
from wms_tui.store import Store


@dataclass(frozen=True)
class ShippedParcels:
    """Per order: its parcels' tracking numbers (in parcel order) and the
    manifest that took them (day and close-out time), where there is one."""

    tracking: dict[int, list[str]]
    manifest_day: dict[int, date]
    closed_at: dict[int, datetime]


def shipped_parcels(session: Session, order_ids: list[int]) -> ShippedParcels:
    tracking: dict[int, list[str]] = defaultdict(list)
    manifest_day: dict[int, date] = {}
    closed_at: dict[int, datetime] = {}
    for oid, tn, day, closed in session.exec(
        select(Parcel.order_id, Parcel.tracking_number, Manifest.day, Manifest.closed_at)
        .join(Manifest, col(Manifest.id) == Parcel.manifest_id, isouter=True)
        .where(col(Parcel.order_id).in_(order_ids), Parcel.status != ParcelStatus.VOID)
        .order_by(col(Parcel.order_id), col(Parcel.seq))
    ).all():
        if tn:
            tracking[oid].append(tn)
        if day:
            manifest_day[oid] = day
        if closed:
            closed_at[oid] = closed
    return ShippedParcels(tracking, manifest_day, closed_at)


def fulfilments(
    session: Session, *, day: date | None = None, order_ids: Iterable[int] | None = None
) -> list[FulfillmentRow]:
    """Rows for orders dispatched on ``day`` (warehouse clock; default today) or ``order_ids``."""
    stmt = (
        select(Order, Carrier.name, Service.name)
        .join(Carrier, col(Carrier.id) == Order.carrier_id, isouter=True)
        .join(Service, col(Service.id) == Order.service_id, isouter=True)
        .where(Order.status == OrderStatus.DISPATCHED)
    )
    if order_ids is not None:
        stmt = stmt.where(col(Order.id).in_(list(order_ids)))
    else:
        tz = warehouse_zone(session)
        start, end = days.day_bounds(day or days.local_day(utcnow(), tz), tz)
        stmt = stmt.where(Order.status_changed_at >= start, Order.status_changed_at < end)
    orders = session.exec(stmt.order_by(col(Order.name))).all()
    ids = [o.id for o, _, _ in orders]
    if not ids:
        return []
    parcels = shipped_parcels(session, ids)
    lines: dict[int, list[OrderLine]] = defaultdict(list)
    for line in session.exec(
        select(OrderLine).where(col(OrderLine.order_id).in_(ids)).order_by(OrderLine.line_no)
    ):
        lines[line.order_id].append(line)
    rows: list[FulfillmentRow] = []
    for order, carrier_name, service_name in orders:
        for line in lines[order.id]:
            qty = line.need
            if qty < 1:
                continue  # nothing of this line left the building
            rows.append(
                FulfillmentRow(
                    name=order.name,
                    sku=line.sku,
                    quantity=qty,
                    tracking_company=carrier_name or "",
                    shipping_service=service_name or "",
                    tracking_numbers=tuple(parcels.tracking[order.id]),
                    shipped_at=parcels.closed_at.get(order.id, order.status_changed_at),
                )
            )
    return rows


def fulfilments_for(store: Store, *, day: date | None = None) -> list[FulfillmentRow]:
    with store.read() as session:
        return fulfilments(session, day=day)
