"""Which tote holds which order's picked units.

Picking puts one order per tote: ``PickTaskLine.tote_id`` links the order's
lines to the tote, and the pick itself is a ``StockMovement`` from the bin into
the tote with the order's id. Both are read, so a tote filled by hand (a
supervisor moving stock into it for an order) is found too.
"""

from __future__ import annotations

from sqlalchemy import exists
from sqlmodel import Session, col, select

from wms_tui.domain.enums import LocationKind, OrderStatus
from wms_tui.domain.models import Location, Order, OrderLine, PickTaskLine, Stock, StockMovement

# Orders a tote can be waiting for at the pack station (PICKING: a replacement
# unit is on its way into the same tote).
ACTIVE = (OrderStatus.PICKED, OrderStatus.PACKING, OrderStatus.PICKING)


def order_totes(session: Session, order_id: int) -> list[Location]:
    """The totes the order's units were picked into, by code."""
    return totes_of_orders(session, [order_id]).get(order_id, [])


def totes_of_orders(session: Session, order_ids: list[int]) -> dict[int, list[Location]]:
    """Order id -> its totes by code, for many orders in three queries (a queue of twenty)."""
    if not order_ids:
        return {}
    via_task = (
        select(OrderLine.order_id, PickTaskLine.tote_id)
        .join(OrderLine, col(OrderLine.id) == PickTaskLine.order_line_id)
        .where(col(OrderLine.order_id).in_(order_ids), col(PickTaskLine.tote_id).is_not(None))
    )
    via_moves = select(StockMovement.order_id, StockMovement.to_location_id).where(
        col(StockMovement.order_id).in_(order_ids), col(StockMovement.to_location_id).is_not(None)
    )
    pairs = set(session.exec(via_task).all()) | set(session.exec(via_moves).all())
    if not pairs:
        return {}
    totes = {
        loc.id: loc
        for loc in session.exec(
            select(Location).where(
                col(Location.id).in_({lid for _, lid in pairs}), Location.kind == LocationKind.TOTE
            )
        ).all()
    }
    found: dict[int, list[Location]] = {}
    for order_id, lid in pairs:
        if lid in totes:
            found.setdefault(order_id, []).append(totes[lid])  # type: ignore[arg-type]
    return {oid: sorted(locs, key=lambda loc: loc.code) for oid, locs in found.items()}


def orders_in_tote(session: Session, tote: Location) -> list[Order]:
    """Orders still to be packed whose units went into ``tote`` (newest first)."""
    by_task = exists().where(
        PickTaskLine.tote_id == tote.id,
        col(OrderLine.id) == PickTaskLine.order_line_id,
        OrderLine.order_id == Order.id,
    )
    by_move = exists().where(
        StockMovement.order_id == Order.id, StockMovement.to_location_id == tote.id
    )
    return list(
        session.exec(
            select(Order)
            .where(col(Order.status).in_(ACTIVE), by_task | by_move)
            .order_by(col(Order.status_changed_at).desc(), col(Order.id).desc())
        ).all()
    )


def tote_stock(
    session: Session, totes: list[Location], product_id: int
) -> list[tuple[Location, int]]:
    """(tote, units of the product in it) where there are any."""
    if not totes:
        return []
    by_id = {t.id: t for t in totes}
    rows = session.exec(
        select(Stock).where(
            Stock.product_id == product_id, col(Stock.location_id).in_(by_id), Stock.qty > 0
        )
    ).all()
    return sorted(((by_id[r.location_id], r.qty) for r in rows), key=lambda x: x[0].code)


def units_in_totes(session: Session, totes: list[Location]) -> int:
    if not totes:
        return 0
    rows = session.exec(
        select(Stock.qty).where(col(Stock.location_id).in_([t.id for t in totes]), Stock.qty > 0)
    ).all()
    return sum(rows)


def find_tote(session: Session, code: str) -> Location | None:
    """The tote a scanned code names, or None (a bin or an unknown code is no tote)."""
    loc = session.exec(select(Location).where(Location.code == code.upper())).first()
    return loc if loc is not None and loc.kind == LocationKind.TOTE else None
