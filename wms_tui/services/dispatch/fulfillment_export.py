"""Exporting dispatched orders as a fulfilments CSV to upload back to the shop.

One row per shipped line: the shop's order name, SKU, quantity shipped, carrier,
service, every tracking number of the order's parcels and the time it was
dispatched (its DISPATCHED log row). Orders that came back (RETURNED) were
shipped too and are included.

Quantity shipped is what was packed (``qty_packed``). Orders dispatched without
pack scans (imported history) fall back to ordered minus short.
A split-off backorder ``#1042-B1`` is reported under the shop's name ``#1042``:
the shop only knows that one.

Streams: orders are read in pages by id, so memory does not grow with history.
"""

from __future__ import annotations

import os
import re
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, datetime

from sqlalchemy import func
from sqlmodel import col, select

from wms_tui.adapters.shopify.csv_format import FulfillmentRow, write_fulfillments_csv
from wms_tui.domain.enums import EventKind, OrderStatus, ParcelStatus
from wms_tui.domain.models import Carrier, Event, Order, OrderLine, Parcel, Service
from wms_tui.store import Store

PAGE = 500
_SPLIT_SUFFIX = re.compile(r"^(?P<name>.+)-B\d+$")


def shop_order_name(name: str) -> str:
    m = _SPLIT_SUFFIX.match(name)
    return m.group("name") if m else name


def fulfillment_rows(store: Store, since: datetime | None = None) -> Iterator[FulfillmentRow]:
    """Rows for every order dispatched at or after ``since`` (all when None), by order id."""
    with store.read() as s:
        carriers = {c.id: c.name for c in s.exec(select(Carrier))}
        services = {sv.id: sv.name for sv in s.exec(select(Service))}
        shipped = (
            select(Event.order_id, func.max(Event.at).label("at"))
            .where(
                Event.kind == EventKind.ORDER_STATUS, Event.to_state == OrderStatus.DISPATCHED.value
            )
            .group_by(Event.order_id)
            .subquery()
        )
        last_id = 0
        while True:
            stmt = (
                select(Order, shipped.c.at)
                .join(shipped, shipped.c.order_id == Order.id)
                .where(
                    col(Order.status).in_([OrderStatus.DISPATCHED, OrderStatus.RETURNED]),
                    col(Order.id) > last_id,
                )
                .order_by(col(Order.id))
                .limit(PAGE)
            )
            if since is not None:
                stmt = stmt.where(shipped.c.at >= since)
            page = s.exec(stmt).all()
            if not page:
                return
            last_id = page[-1][0].id
            ids = [o.id for o, _ in page]
            lines: dict[int, list[OrderLine]] = defaultdict(list)
            for line in s.exec(
                select(OrderLine)
                .where(col(OrderLine.order_id).in_(ids))
                .order_by(col(OrderLine.order_id), col(OrderLine.line_no))
            ):
                lines[line.order_id].append(line)
            tracking: dict[int, list[str]] = defaultdict(list)
            for parcel in s.exec(
                select(Parcel)
                .where(
                    col(Parcel.order_id).in_(ids),
                    Parcel.status != ParcelStatus.VOID,
                    col(Parcel.tracking_number).is_not(None),
                )
                .order_by(col(Parcel.order_id), col(Parcel.seq), col(Parcel.id))
            ):
                tracking[parcel.order_id].append(parcel.tracking_number or "")
            for order, at in page:
                order_lines = lines[order.id]
                packed = any(line.qty_packed for line in order_lines)
                for line in order_lines:
                    qty = line.qty_packed if packed else line.need
                    if qty <= 0:
                        continue
                    yield FulfillmentRow(
                        name=shop_order_name(order.name),
                        sku=line.sku,
                        quantity=qty,
                        tracking_company=carriers.get(order.carrier_id, ""),
                        shipping_service=services.get(order.service_id, ""),
                        tracking_numbers=tuple(tracking[order.id]),
                        shipped_at=_aware(at),
                    )


def _aware(at: datetime) -> datetime:
    # Belt and braces for an aggregate read back without the column's type; the log is UTC.
    if isinstance(at, str):
        at = datetime.fromisoformat(at)
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)


def export_fulfillments(
    store: Store, path: str | os.PathLike[str], since: datetime | None = None
) -> int:
    """Write the CSV (atomically, see ``write_fulfillments_csv``); returns rows written."""
    return write_fulfillments_csv(fulfillment_rows(store, since), path)
