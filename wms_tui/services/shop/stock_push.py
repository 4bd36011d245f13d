"""Stock out: what the warehouse can sell, per SKU, set at the shop's location.

Available = units in pick and bulk bins minus units reserved for orders (the
stock screen's "available"). Each sync pass compares it with what the shop
was last told (``shop_stock_pushed``) and sends only the SKUs that changed,
in batches of 100 per ``inventorySetQuantities`` call -- so every receipt,
allocation, count or return reaches the shop on the next pass, without any
floor transaction waiting on the network. A SKU the shop does not sell is
remembered as pushed, so it is not asked about on every pass
(``wms sync --full-stock`` sends everything again).

Streamed: the SKUs are walked in SKU order a batch at a time (their levels,
what the shop was told, the shop's inventory items, the levels set, the
batch recorded as pushed), so a pass's memory is one batch whatever the
catalogue's size, and a shop that fails half-way keeps what it was already
told: the next pass sends the rest.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import case
from sqlmodel import Session, col, delete, func, select

from wms_tui.adapters.shopify.admin_api import AdminApi
from wms_tui.domain.clock import utcnow
from wms_tui.domain.models import Location, Product, Stock
from wms_tui.domain.models.integration import ShopStockPushed
from wms_tui.services.inventory.stock_queries import STORAGE
from wms_tui.services.shop import state
from wms_tui.store import Store, retrying

BATCH = 100  # SKUs per pass of the loop: one inventorySetQuantities call at most
SHOWN = 100  # SKUs a report names (all are counted)


@dataclass
class StockReport:
    """What a push did: every SKU counted, the first :data:`SHOWN` named."""

    pushed: dict[str, int] = field(default_factory=dict)
    not_in_shop: list[str] = field(default_factory=list)
    pushed_count: int = 0
    not_in_shop_count: int = 0

    def add(self, pushed: dict[str, int], missing: list[str]) -> None:
        self.pushed_count += len(pushed)
        self.not_in_shop_count += len(missing)
        for sku, qty in pushed.items():
            if len(self.pushed) < SHOWN:
                self.pushed[sku] = qty
        self.not_in_shop.extend(missing[: max(0, SHOWN - len(self.not_in_shop))])


def _available(s: Session, after: str, limit: int) -> dict[str, int]:
    """Sellable units of the next ``limit`` active SKUs after ``after``, in SKU order."""
    sellable = case((col(Location.kind).in_(STORAGE), Stock.qty - Stock.allocated), else_=0)
    rows = s.exec(
        select(Product.sku, func.coalesce(func.sum(sellable), 0))
        .select_from(Product)
        .outerjoin(Stock, col(Stock.product_id) == Product.id)
        .outerjoin(Location, col(Location.id) == Stock.location_id)
        .where(col(Product.active).is_(True), col(Product.sku) > after)
        .group_by(col(Product.sku))
        .order_by(col(Product.sku))
        .limit(limit)
    ).all()
    return {sku: max(0, int(q)) for sku, q in rows}


def changed_batches(store: Store, batch: int | None = None):
    """The SKUs whose level differs from what the shop was last told, ``batch``
    SKUs looked at a time: yields {sku: available} (possibly empty) per batch."""
    batch = batch or BATCH
    after = ""
    while True:
        with store.read() as s:
            now = _available(s, after, batch)
            if not now:
                return
            told = dict(
                s.exec(
                    select(ShopStockPushed.sku, ShopStockPushed.available).where(
                        col(ShopStockPushed.sku).in_(list(now))
                    )
                ).all()
            )
        yield {sku: q for sku, q in now.items() if told.get(sku) != q}
        after = max(now)


def changes(store: Store) -> dict[str, int]:
    """Every changed SKU at once (for a screen or a test; the push streams)."""
    out: dict[str, int] = {}
    for part in changed_batches(store):
        out.update(part)
    return out


def push(store: Store, api: AdminApi, *, full: bool = False) -> StockReport:
    """Send the changed levels, a batch at a time; raises ShopError when the shop
    fails (the batches sent before it are recorded as pushed)."""
    if full:
        _forget_pushed(store)
    report = StockReport()
    location: str | None = None
    for changed in changed_batches(store):
        if not changed:
            continue
        items = api.inventory_items(list(changed))
        location = location or api.location()
        api.set_available(location, {items[s]: q for s, q in changed.items() if s in items})
        _record(store, changed)
        report.add(
            {s: q for s, q in changed.items() if s in items},
            [s for s in changed if s not in items],
        )
    return report


@retrying
def _forget_pushed(store: Store) -> None:
    with store.unit_of_work() as uow:
        uow.session.exec(delete(ShopStockPushed))  # type: ignore[call-overload]
        uow.commit()


@retrying
def _record(store: Store, changed: dict[str, int]) -> None:
    """One batch as pushed (a SKU the shop does not sell too: not asked again)."""
    now = utcnow()
    with store.unit_of_work() as uow:
        for sku, qty in changed.items():
            row = uow.session.get(ShopStockPushed, sku) or ShopStockPushed(sku=sku, available=qty)
            row.available = qty
            row.pushed_at = now
            uow.add(row)
        state.put(uow.session, state.LAST_STOCK_PUSH, now.isoformat())
        uow.commit()
