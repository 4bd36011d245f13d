"""Stock out: what the warehouse can sell, per SKU, set at the shop's location.

Available = units in pick and bulk bins minus units reserved for orders (the
stock screen's "available"). Each sync pass compares it with what the shop
was last told (``shop_stock_pushed``) and sends only the SKUs that changed,
in batches of 100 per ``inventorySetQuantities`` call -- so every receipt,
allocation, count or return reaches the shop on the next pass, without any
floor transaction waiting on the network. A SKU the shop does not sell is
remembered as pushed, so it is not asked about on every pass
(``wms sync --full-stock`` sends everything again).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import case
from sqlmodel import col, delete, func, select

from wms_tui.adapters.shopify.admin_api import AdminApi
from wms_tui.domain.clock import utcnow
from wms_tui.domain.integration_models import ShopStockPushed
from wms_tui.domain.models import Location, Product, Stock
from wms_tui.services.inventory.stock_queries import STORAGE
from wms_tui.services.shop import state
from wms_tui.store import Store


@dataclass
class StockReport:
    pushed: dict[str, int] = field(default_factory=dict)
    not_in_shop: list[str] = field(default_factory=list)


def available_by_sku(store: Store) -> dict[str, int]:
    sellable = case((col(Location.kind).in_(STORAGE), Stock.qty - Stock.allocated), else_=0)
    with store.read() as s:
        rows = s.exec(
            select(Product.sku, func.coalesce(func.sum(sellable), 0))
            .select_from(Product)
            .outerjoin(Stock, col(Stock.product_id) == Product.id)
            .outerjoin(Location, col(Location.id) == Stock.location_id)
            .where(col(Product.active).is_(True))
            .group_by(col(Product.sku))
        ).all()
    return {sku: max(0, int(q)) for sku, q in rows}


def changes(store: Store) -> dict[str, int]:
    now = available_by_sku(store)
    with store.read() as s:
        told = dict(s.exec(select(ShopStockPushed.sku, ShopStockPushed.available)).all())
    return {sku: q for sku, q in sorted(now.items()) if told.get(sku) != q}


def push(store: Store, api: AdminApi, *, full: bool = False) -> StockReport:
    """Send the changed levels; raises ShopError (nothing is recorded as pushed then)."""
    if full:
        with store.unit_of_work() as uow:
            uow.session.exec(delete(ShopStockPushed))  # type: ignore[call-overload]
            uow.commit()
    report = StockReport()
    changed = changes(store)
    if not changed:
        return report
    items = api.inventory_items(list(changed))
    location = api.location()
    api.set_available(location, {items[s]: q for s, q in changed.items() if s in items})
    report.pushed = {s: q for s, q in changed.items() if s in items}
    report.not_in_shop = [s for s in changed if s not in items]
    now = utcnow()
    with store.unit_of_work() as uow:
        for sku, qty in changed.items():
            row = uow.session.get(ShopStockPushed, sku) or ShopStockPushed(sku=sku, available=qty)
            row.available = qty
            row.pushed_at = now
            uow.add(row)
        state.put(uow.session, state.LAST_STOCK_PUSH, now.isoformat())
        uow.commit()
    return report
