"""The overview's reads of today's work: finished orders, manifests, packs and picks per
person and hour, open exceptions and parcels of orders cancelled after packing.

Each is a range on *today* (or the open exceptions), never the history. The statements
are built once per SQL dialect with bound values and reused on every refresh: building
and compiling them anew cost more than running some of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Integer, bindparam, cast, func, literal, literal_column, select
from sqlalchemy.engine import Connection, Row
from sqlalchemy.orm import aliased
from sqlmodel import col

from wms_tui.domain.enums import EventKind, MovementReason, OrderStatus, ParcelStatus
from wms_tui.domain.models import (
    Event,
    Manifest,
    Operator,
    Order,
    Parcel,
    StockMovement,
    WmsException,
)
from wms_tui.services.dispatch.overview.model import MAX_LISTED

S = OrderStatus


@dataclass(frozen=True)
class Today:
    finished: list[Row]  # (carrier id, service id, status, orders) dispatched or cancelled
    manifests: dict[int, str]  # carrier id -> today's manifest's status
    packs: list[Row]  # (packer, UTC hour, orders, first at)
    picks: list[Row]  # (picker, UTC hour, units)
    exceptions: list[Row]  # open ones, newest first, each with the open count last
    pulls: list[Row]  # parcels of orders cancelled after packing, still in the building

    @property
    def open_exceptions(self) -> int:
        return int(self.exceptions[0][-1]) if self.exceptions else 0


def read(cx: Connection, day: date, start: datetime, end: datetime) -> Today:
    q = _statements(cx.dialect.name)
    span = {"start": start, "end": end}
    return Today(
        finished=cx.execute(q["finished"], span).all(),
        manifests={cid: str(st) for cid, st in cx.execute(q["manifests"], {"day": day})},
        packs=cx.execute(q["packs"], span).all(),
        picks=cx.execute(q["picks"], span).all(),
        exceptions=cx.execute(q["exceptions"]).all(),
        pulls=cx.execute(q["pulls"]).all(),
    )


_BUILT: dict[str, dict[str, Any]] = {}


def _statements(dialect: str) -> dict[str, Any]:
    if dialect not in _BUILT:
        _BUILT[dialect] = _build(dialect)
    return _BUILT[dialect]


def _utc_hour(dialect: str, column):  # noqa: ANN001, ANN202 - SQL expression in, out
    """The UTC hour of a timestamp column, as an integer, on either backend."""
    if dialect == "postgresql":
        return cast(func.extract("hour", func.timezone("UTC", column)), Integer)
    # SQLite stores UTC as "YYYY-MM-DD HH:MM:SS.ffffff": the hour is characters 12-13;
    # substr copies them where strftime parses every row's date (today's 12,874 picks at
    # 100,000 orders: 8.4 -> 6.6 ms CPU).
    return cast(func.substr(column, 12, 2), Integer)


def _build(dialect: str) -> dict[str, Any]:
    def span(column):  # noqa: ANN001, ANN202 - today's range on a timestamp column
        return (column >= bindparam("start"), column < bindparam("end"))

    hour_ev = _utc_hour(dialect, Event.at)
    cancelled = aliased(Order)
    hour_mv = _utc_hour(dialect, StockMovement.at)
    return {
        "finished": select(Order.carrier_id, Order.service_id, Order.status, func.count())
        .where(
            col(Order.status).in_((S.DISPATCHED, S.CANCELLED)),
            *span(col(Order.status_changed_at)),
        )
        .group_by(Order.carrier_id, Order.service_id, Order.status),
        "manifests": select(Manifest.carrier_id, Manifest.status).where(
            col(Manifest.day) == bindparam("day")
        ),
        "packs": select(Event.operator_name, hour_ev, func.count(), func.min(Event.at))
        .where(
            Event.kind == EventKind.ORDER_STATUS,
            Event.to_state == S.PACKED.value,
            # A person packed it: imported orders (no operator) are not work.
            col(Event.operator_id).is_not(None),
            *span(col(Event.at)),
        )
        .group_by(Event.operator_name, hour_ev),
        "picks": select(
            func.coalesce(Operator.name, literal("?")), hour_mv, func.sum(StockMovement.qty)
        )
        .select_from(StockMovement)
        .join(Operator, col(Operator.id) == StockMovement.operator_id, isouter=True)
        .where(
            # Written out, not bound: it selects the partial index ix_stockmovement_picks_cover.
            col(StockMovement.reason) == literal_column(f"'{MovementReason.PICKED.value}'"),
            col(StockMovement.operator_id).is_not(None),
            *span(col(StockMovement.at)),
        )
        .group_by(Operator.name, hour_mv),
        "exceptions": select(
            WmsException.id,
            WmsException.kind,
            WmsException.at,
            WmsException.order_id,
            Order.name,
            WmsException.sku,
            WmsException.location,
            WmsException.operator_name,
            WmsException.terminal,
            WmsException.message,
            func.count().over(),  # all open ones, counted before the limit
        )
        .join(Order, col(Order.id) == WmsException.order_id, isouter=True)
        .where(col(WmsException.resolved_at).is_(None))
        .order_by(col(WmsException.at).desc(), col(WmsException.id).desc())
        .limit(MAX_LISTED),
        "pulls": select(
            Parcel.id,
            Parcel.order_id,
            Order.name,
            Order.cancelled_at,
            Parcel.status,
            Parcel.sscc,
            Parcel.tracking_number,
            Parcel.packed_by_name,
            Parcel.terminal,
        )
        .join(Order, col(Order.id) == Parcel.order_id)
        .where(
            col(Parcel.status).in_((ParcelStatus.CLOSED, ParcelStatus.LOADED)),
            # The cancelled orders' ids from ix_orders_open_work (which holds every
            # order's status and, on PostgreSQL, its id) in a semi-join, and an order's
            # row only for a parcel that matched. As ``Order.status == CANCELLED`` on the
            # joined row, PostgreSQL read the row of every order ever cancelled (a bitmap
            # heap scan of 1,734 blocks at 100,000 orders, 12-17 ms under load) to find the
            # few whose parcels are still in the building.
            col(Parcel.order_id).in_(select(cancelled.id).where(cancelled.status == S.CANCELLED)),
        )
        .order_by(col(Parcel.id))
        .limit(MAX_LISTED),
    }
