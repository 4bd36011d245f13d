"""Splitting the part of an order that cannot be allocated into a backordered order ``#1042-Bn``.

The order ships what is in stock; the new order waits for the rest with a
backorder exception a supervisor sees, and is released when stock arrives.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam
from sqlmodel import select

from wms_tui.domain.actor import Actor
from wms_tui.domain.enums import EventKind, OrderStatus
from wms_tui.domain.models import Order, OrderLine
from wms_tui.services.inventory.batch_stock import OrderRow
from wms_tui.services.inventory.live_stock import LiveStock, open_qty, order_lines
from wms_tui.store import UnitOfWork

# Whether a split-off order's name is taken (``#1042-B1``, ``-B2``, ...).
_NAME_TAKEN = select(Order.id).where(Order.name == bindparam("name")).limit(1)


def split_off_shortages(uow: UnitOfWork, order: Order, actor: Actor) -> Order | None:
    """Move the quantities that cannot be allocated now into a backordered order."""
    return split_off_shortages_from(LiveStock(uow), order, order_lines(uow, order), actor)


def split_off_shortages_from(
    stock: LiveStock, order: Order, lines: list[OrderLine], actor: Actor
) -> Order | None:
    free: dict[int, int] = {}
    moved: list[tuple[OrderLine, int]] = []
    for line in lines:
        want = open_qty(line)
        if not want:
            continue
        if line.product_id not in free:
            free[line.product_id] = stock.available(line.product_id)
        can = min(want, free[line.product_id])
        free[line.product_id] -= can
        if want - can:
            moved.append((line, want - can))
    if not moved:
        return None
    return _split(
        stock,
        actor,
        order,
        moved,
        split_detail="backordered part moved to {child}: "
        + ", ".join(f"{ln.sku}×{q}" for ln, q in moved),
        created_detail=f"split from {order.name}",
    )


def split_into_backorder(
    uow: UnitOfWork,
    actor: Actor,
    order: Order,
    moved: list[tuple[OrderLine, int]],
    *,
    split_detail: str,
    created_detail: str,
    sku: str = "",
    qty: int | None = None,
) -> Order:
    """Move ``qty`` of each line into a new BACKORDERED order ``#1042-Bn``; log both sides.

    ``split_detail`` may contain ``{child}`` for the new order's name. Lines
    wholly moved keep quantity 0 on the original as a record of the split.
    """
    return _split(
        LiveStock(uow),
        actor,
        order,
        moved,
        split_detail=split_detail,
        created_detail=created_detail,
        sku=sku,
        qty=qty,
    )


# What a split-off order does not take over from the order it came from.
_NOT_INHERITED = frozenset(
    {
        "id",
        "name",
        "status",
        "status_changed_at",
        "source_hash",
        "held_from",
        "locked_by_operator_id",
        "locked_terminal",
        "locked_at",
    }
)


def _columns_of(order: Order | OrderRow) -> dict[str, Any]:
    if isinstance(order, OrderRow):
        return dict(vars(order))
    return order.model_dump()


def _split(
    stock: LiveStock,
    actor: Actor,
    order: Order,
    moved: list[tuple[OrderLine, int]],
    *,
    split_detail: str,
    created_detail: str,
    sku: str = "",
    qty: int | None = None,
) -> Order:
    uow = stock.uow
    n = 1
    # Split-off orders are written as soon as they are made (below), so this
    # sees them without flushing everything else first.
    with uow.session.no_autoflush:
        while uow.session.execute(_NAME_TAKEN, {"name": f"{order.name}-B{n}"}).first():
            n += 1
    child = Order(
        **{key: value for key, value in _columns_of(order).items() if key not in _NOT_INHERITED},
        name=f"{order.name}-B{n}",
        status=OrderStatus.BACKORDERED,
    )
    stock.new_order(child)
    for i, (line, q) in enumerate(moved, start=1):
        uow.add(
            OrderLine(
                order_id=child.id,
                line_no=i,
                product_id=line.product_id,
                sku=line.sku,
                name=line.name,
                options=line.options,
                quantity=q,
                price=line.price,
            )
        )
        line.quantity -= q
        stock.touch(line)
    stock.log(
        actor,
        EventKind.ORDER_SPLIT,
        order,
        sku=sku,
        qty=qty,
        detail=split_detail.replace("{child}", child.name),
    )
    stock.log(
        actor,
        EventKind.ORDER_CREATED,
        child,
        to_state=OrderStatus.BACKORDERED.value,
        detail=created_detail,
    )
    # The backorder waits on something a supervisor can see and act on, like
    # any order allocation backorders (it closes when the child is allocated).
    stock.new_exception(
        child.id,
        actor,
        ", ".join(dict.fromkeys(ln.sku for ln, _ in moved)),
        f"{', '.join(f'{ln.sku} ×{q}' for ln, q in moved)} split from "
        f"{order.name}: waits for stock",
    )
    stock.flush()
    return child
