"""What a backorder waits for, as the stock stands now.

A BACKORDER exception's message is written once, when the order is
backordered ("KB-CRM short 2 (need 2, have 0)"). Stock comes in and goes to
older orders, a bin is flagged for a count, and a supervisor's retry that is
still short rolls back with everything else it did: the stored text said
"have 0" after 9 were put away. The inbox shows this instead, read when it
lists (a read transaction, never the write lock a rewritten message would
take on every refresh).
"""

from __future__ import annotations

from collections import defaultdict
from functools import cache

from sqlalchemy import bindparam
from sqlmodel import Session, col, select

from wms_tui.domain.models import OrderLine
from wms_tui.services.inventory.allocation import Shortage
from wms_tui.services.inventory.live_stock import free_units


@cache
def _lines_stmt():  # noqa: ANN202 - a select of order lines' counts
    # Built once (the ids an expanding parameter): every inbox refresh runs it.
    return (
        select(
            OrderLine.order_id,
            OrderLine.product_id,
            OrderLine.sku,
            OrderLine.quantity,
            OrderLine.qty_short,
            OrderLine.qty_allocated,
        )
        .where(col(OrderLine.order_id).in_(bindparam("order_ids", expanding=True)))
        .order_by(col(OrderLine.order_id), col(OrderLine.line_no))
    )


def waits_for(session: Session, order_ids: list[int]) -> dict[int, str]:
    """Order id -> what its unallocated units wait for now, one line.

    Each SKU still to reserve, short ("LAMP short 3 (need 5, have 2)", as a
    retry would refuse it) or covered ("LAMP in stock (need 5, have 9)"); when
    every SKU is covered, the line says a retry takes it. Orders with nothing
    left to reserve are left out.
    """
    if not order_ids:
        return {}
    need: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    skus: dict[int, str] = {}
    for order_id, product_id, sku, quantity, short, allocated in session.exec(
        _lines_stmt(), params={"order_ids": order_ids}
    ).all():
        # The same units allocation's open_qty counts.
        left = max(0, quantity - short - allocated)
        if left:
            need[order_id][product_id] += left
            skus[product_id] = sku
    free = free_units(session, list(skus))
    out: dict[int, str] = {}
    for order_id, by_product in need.items():
        parts = []
        covered = True
        for product_id, wanted in by_product.items():
            have = free.get(product_id, 0)
            if have < wanted:
                covered = False
                parts.append(str(Shortage(skus[product_id], wanted, have)))
            else:
                parts.append(f"{skus[product_id]} in stock (need {wanted}, have {have})")
        text = "; ".join(parts)
        out[order_id] = f"{text}: retry allocation takes it" if covered else text
    return out
