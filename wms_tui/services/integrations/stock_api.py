"""Stock as an integration sees it: per SKU and location, and what can be sold."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import col, select

from wms_tui.domain.errors import NotFound
from wms_tui.domain.models import Location, Product, Stock
from wms_tui.services.inventory.stock_queries import STORAGE
from wms_tui.store import Store


@dataclass(frozen=True)
class StockAt:
    location: str
    kind: str
    on_hand: int
    allocated: int


@dataclass(frozen=True)
class SkuStockView:
    sku: str
    name: str
    available: int  # sellable: pick and bulk bins minus reserved units
    locations: list[StockAt]


def stock_for_sku(store: Store, sku: str, location: str = "") -> SkuStockView:
    with store.read() as s:
        product = s.exec(select(Product).where(Product.sku == sku)).first()
        if product is None:
            raise NotFound(f"No product with SKU {sku}")
        stmt = (
            select(Stock, Location)
            .join(Location, col(Location.id) == Stock.location_id)
            .where(Stock.product_id == product.id, Stock.qty != 0)
            .order_by(col(Location.code))
        )
        if location:
            if s.exec(select(Location.id).where(Location.code == location)).first() is None:
                raise NotFound(f"No location {location}")
            stmt = stmt.where(Location.code == location)
        rows = s.exec(stmt).all()
        at = [StockAt(loc.code, str(loc.kind), st.qty, st.allocated) for st, loc in rows]
        available = sum(st.qty - st.allocated for st, loc in rows if loc.kind in STORAGE)
        return SkuStockView(product.sku, product.name, max(0, available), at)
