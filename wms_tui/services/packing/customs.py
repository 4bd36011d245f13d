"""Customs for parcels leaving the EU: the check at close, and the declaration's data.

:func:`check_declarable` is the one place that decides whether an order can be
declared: a parcel to a country outside the EU whose goods lack an HS code, a
country of origin or a customs value is refused with the SKU and the missing
field named. Packing calls it at close; it takes only the session, the order
and the country it ships from, so an order-open check can call it as well.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from sqlmodel import Session, col, func, select

from wms_tui.domain import customs
from wms_tui.domain.errors import DomainError
from wms_tui.domain.identifiers.tracking import S10_SCHEMES
from wms_tui.domain.models import Carrier, Order, OrderLine, PackScan, Parcel, Product
from wms_tui.services.core import settings


def incoterms(session: Session) -> str:
    """The shop's terms of delivery (``DAP`` or ``DDP``): who pays the import duties."""
    code = settings.get(session, "incoterms").strip().upper()
    return code if code in customs.INCOTERMS else customs.DEFAULT_INCOTERMS


def shop_currency(session: Session) -> str:
    """The currency customs values are kept and declared in (warehouse.csv ``currency``)."""
    return settings.get(session, "shop_currency")


Goods = list[tuple[OrderLine, Product]]


def goods_of(lines: list[OrderLine], products: dict[int, Product]) -> Goods:
    """The order's goods from lines (by line number) and products a caller has already read."""
    return [(ln, products[ln.product_id]) for ln in lines if ln.quantity - ln.qty_short > 0]


def _goods(session: Session, order: Order) -> Goods:
    rows = session.exec(
        select(OrderLine, Product)
        .where(OrderLine.order_id == order.id, OrderLine.product_id == Product.id)
        .order_by(col(OrderLine.line_no))
    ).all()
    return [(line, product) for line, product in rows if line.quantity - line.qty_short > 0]


def needs_declaration(order: Order, origin: str) -> bool:
    return customs.needs_declaration(origin, order.ship_country or origin)


def check_declarable(
    session: Session, order: Order, origin: str, goods: Goods | None = None
) -> None:
    """Refuse (DomainError) an order leaving the EU whose goods cannot be declared.

    ``goods`` (:func:`goods_of`): the lines a close has read already."""
    if not needs_declaration(order, origin):
        return
    where = f"{order.ship_country} is outside the EU"
    for _line, product in _goods(session, order) if goods is None else goods:
        if not product.hs_code:
            missing = "no HS code"
        elif not customs.valid_hs_code(product.hs_code):
            missing = f"HS code {product.hs_code!r}, not 6-10 digits"
        elif not product.origin_country:
            missing = "no country of origin"
        elif product.customs_value is None or product.customs_value <= 0:
            missing = "no customs value"
        else:
            continue
        raise DomainError(
            f"Cannot close {order.name}: {where} and {product.sku} has {missing} for the "
            "customs declaration; a supervisor must add it to the product"
        )


def is_postal(carrier: Carrier | None) -> bool:
    """Postal operators number items in UPU S10 and take the UPU forms CN22/CN23."""
    return carrier is not None and carrier.tracking_check in S10_SCHEMES


def parcel_contents(session: Session, parcel: Parcel) -> dict[int, int]:
    """Order line id -> units in this parcel, from the pack scans (undo and QC rows are
    negative, so the sum is what stayed in the box)."""
    rows = session.exec(
        select(PackScan.order_line_id, func.sum(PackScan.qty))
        .where(PackScan.parcel_id == parcel.id)
        .group_by(col(PackScan.order_line_id))
    ).all()
    return {line_id: int(qty) for line_id, qty in rows if qty and int(qty) > 0}


def declared_items(
    session: Session,
    order: Order,
    contents: dict[int, int] | None = None,
    goods: Goods | None = None,
) -> list[dict]:
    """One entry per SKU: quantity shipped, net weight, value and the product's customs data.

    ``contents`` (:func:`parcel_contents`) limits it to one parcel: a postal item's CN 22
    or CN 23 declares what is in that item, not the whole order. ``goods``
    (:func:`goods_of`): the lines a close has read already."""
    by_sku: dict[str, dict] = defaultdict(dict)
    for line, product in _goods(session, order) if goods is None else goods:
        if contents is None:
            qty = line.qty_packed or (line.quantity - line.qty_short)
        else:
            qty = contents.get(line.id or 0, 0)
        entry = by_sku[product.sku]
        if not entry:
            entry.update(
                description=line.name or product.name,
                sku=product.sku,
                qty=0,
                weight_g=0,
                value=Decimal(0),
                hs_code=product.hs_code,
                origin_country=product.origin_country,
                dangerous_goods=product.dangerous_goods,
            )
        entry["qty"] += qty
        entry["weight_g"] += qty * product.weight_g
        entry["value"] += qty * (product.customs_value or Decimal(0))
    return [e for e in by_sku.values() if e["qty"] > 0]
