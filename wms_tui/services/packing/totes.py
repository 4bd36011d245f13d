"""Which tote holds which order's picked units.

Picking puts one order per tote: ``PickTaskLine.tote_id`` links the order's
lines to the tote, and the pick itself is a ``StockMovement`` from the bin into
the tote with the order's id. Both are read, so a tote filled by hand (a
supervisor moving stock into it for an order) is found too.
"""

from __future__ import annotations

from functools import cache

from sqlalchemy import bindparam, exists
from sqlmodel import Session, col, select

from wms_tui.domain.enums import LocationKind, OrderStatus
from wms_tui.domain.models import Location, Order, OrderLine, PickTaskLine, Stock, StockMovement

# Orders a tote can be waiting for at the pack station (PICKING: a replacement
# unit is on its way into the same tote).
ACTIVE = (OrderStatus.PICKED, OrderStatus.PACKING, OrderStatus.PICKING)


# Built once with bound parameters (an expanding list for the ids): the station asks
# for totes on every open, queue and close, and building a select cost more than
# running it (docs/performance.md).


@cache
def _totes_via_task():
    return (
        select(OrderLine.order_id, PickTaskLine.tote_id)
        .join(OrderLine, col(OrderLine.id) == PickTaskLine.order_line_id)
        .where(
            col(OrderLine.order_id).in_(bindparam("order_ids", expanding=True)),
            col(PickTaskLine.tote_id).is_not(None),
        )
    )


@cache
def _totes_via_moves():
    return select(StockMovement.order_id, StockMovement.to_location_id).where(
        col(StockMovement.order_id).in_(bindparam("order_ids", expanding=True)),
        col(StockMovement.to_location_id).is_not(None),
    )


@cache
def _totes_among():
    return select(Location).where(
        col(Location.id).in_(bindparam("ids", expanding=True)), Location.kind == LocationKind.TOTE
    )


@cache
def _product_in_totes():
    return select(Stock).where(
        Stock.product_id == bindparam("product_id"),
        col(Stock.location_id).in_(bindparam("ids", expanding=True)),
        Stock.qty > 0,
    )


@cache
def _units_in():
    return select(Stock.qty).where(
        col(Stock.location_id).in_(bindparam("ids", expanding=True)), Stock.qty > 0
    )


@cache
def _orders_in_tote():
    tote_id = bindparam("tote_id")
    by_task = exists().where(
        PickTaskLine.tote_id == tote_id,
        col(OrderLine.id) == PickTaskLine.order_line_id,
        OrderLine.order_id == Order.id,
    )
    by_move = exists().where(
        StockMovement.order_id == Order.id, StockMovement.to_location_id == tote_id
    )
    return (
        select(Order)
        .where(col(Order.status).in_(ACTIVE), by_task | by_move)
        .order_by(col(Order.status_changed_at).desc(), col(Order.id).desc())
    )


@cache
def _location_by_code():
    return select(Location).where(Location.code == bindparam("code"))


def order_totes(session: Session, order_id: int) -> list[Location]:
    """The totes the order's units were picked into, by code."""
    return totes_of_orders(session, [order_id]).get(order_id, [])


def totes_of_orders(session: Session, order_ids: list[int]) -> dict[int, list[Location]]:
    """Order id -> its totes by code, for many orders in three queries (a queue of twenty)."""
    if not order_ids:
        return {}
    ids = {"order_ids": list(order_ids)}
    pairs = set(session.exec(_totes_via_task(), params=ids).all()) | set(
        session.exec(_totes_via_moves(), params=ids).all()
    )
    if not pairs:
        return {}
    totes = {
        loc.id: loc
        for loc in session.exec(_totes_among(), params={"ids": list({lid for _, lid in pairs})})
    }
    found: dict[int, list[Location]] = {}
    for order_id, lid in pairs:
        if lid in totes:
            found.setdefault(order_id, []).append(totes[lid])  # type: ignore[arg-type]
    return {oid: sorted(locs, key=lambda loc: loc.code) for oid, locs in found.items()}


def orders_in_tote(session: Session, tote: Location) -> list[Order]:
    """Orders still to be packed whose units went into ``tote`` (newest first)."""
    return list(session.exec(_orders_in_tote(), params={"tote_id": tote.id}).all())


def tote_stock(
    session: Session, totes: list[Location], product_id: int
) -> list[tuple[Location, int]]:
    """(tote, units of the product in it) where there are any."""
    if not totes:
        return []
    by_id = {t.id: t for t in totes}
    rows = session.exec(
        _product_in_totes(), params={"product_id": product_id, "ids": list(by_id)}
    ).all()
    return sorted(((by_id[r.location_id], r.qty) for r in rows), key=lambda x: x[0].code)


def units_in_totes(session: Session, totes: list[Location]) -> int:
    if not totes:
        return 0
    rows = session.exec(_units_in(), params={"ids": [t.id for t in totes]}).all()
    return sum(rows)


def find_tote(session: Session, code: str) -> Location | None:
    """The tote a scanned code names, or None (a bin or an unknown code is no tote)."""
    loc = session.exec(_location_by_code(), params={"code": code.upper()}).first()
    return loc if loc is not None and loc.kind == LocationKind.TOTE else None
