"""Units of an order still sitting in totes: what a cancelled order leaves behind.

Every move into or out of a tote for an order carries the order's id (a pick,
a pack, a unit sent to quarantine, a put-back), so what the order still holds
in a tote is the sum of those moves, per tote and product.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import case, func
from sqlmodel import Session, col, select

from wms_tui.domain.enums import LocationKind
from wms_tui.domain.models import Location, StockMovement


def _held_stmt(order_ids: list[int]):
    tote = select(Location.id).where(Location.kind == LocationKind.TOTE)
    into = case((col(StockMovement.to_location_id).in_(tote), StockMovement.qty), else_=0)
    out = case((col(StockMovement.from_location_id).in_(tote), StockMovement.qty), else_=0)
    tote_id = case(
        (col(StockMovement.to_location_id).in_(tote), StockMovement.to_location_id),
        else_=StockMovement.from_location_id,
    )
    return (
        select(StockMovement.order_id, tote_id, StockMovement.product_id, func.sum(into - out))
        .where(
            col(StockMovement.order_id).in_(order_ids),
            col(StockMovement.to_location_id).in_(tote)
            | col(StockMovement.from_location_id).in_(tote),
        )
        .group_by(StockMovement.order_id, tote_id, StockMovement.product_id)
    )


def held_in_totes(session: Session, order_id: int) -> list[tuple[int, int, int]]:
    """(tote location id, product id, units) the order still holds, where units > 0."""
    return [
        (int(t), int(p), int(n))
        for _o, t, p, n in session.exec(_held_stmt([order_id])).all()
        if n and n > 0
    ]


def units_held_for(session: Session, order_ids: list[int]) -> dict[int, int]:
    """Units each order still holds in totes (only orders holding some)."""
    if not order_ids:
        return {}
    out: dict[int, int] = defaultdict(int)
    for o, _t, _p, n in session.exec(_held_stmt(order_ids)).all():
        if n and n > 0:
            out[int(o)] += int(n)
    return dict(out)
