"""Read models for the stock screen: stock by SKU, by bin, and one SKU in full.

"Storage" is stock in pick and bulk bins: what can be allocated to orders. Units in
receiving, quarantine, totes, pack stations and dispatch lanes are shown apart.
Stock levels compare storage on hand with the product's reorder point (below it:
``low``) and maximum (above it: ``over``); the ``zero`` filter finds SKUs with
nothing in storage, thresholds or not.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy import and_, case, func, or_
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from wms_tui.domain.enums import LocationKind, OrderStatus
from wms_tui.domain.errors import NotFound
from wms_tui.domain.models import (
    Location,
    Operator,
    Order,
    OrderLine,
    Product,
    ProductBarcode,
    Service,
    Stock,
    StockMovement,
)
from wms_tui.domain.scans import clean_scan
from wms_tui.services.core import priority
from wms_tui.services.core.clock import warehouse_zone
from wms_tui.services.inventory.stock import find_product_by_scan
from wms_tui.store import Store

Level = Literal["low", "ok", "over"]
LEVELS: tuple[Level, ...] = ("low", "ok", "over")
# What the level filter may ask for: a level, or "zero" (nothing in storage, whatever
# the thresholds: a SKU without a reorder point is "ok" at 0 but still cannot ship).
LevelFilter = Literal["low", "ok", "over", "zero"]

STORAGE = (LocationKind.PICK, LocationKind.BULK)
# Orders that still need units picked from storage.
NEEDING = (
    OrderStatus.NEW,
    OrderStatus.BACKORDERED,
    OrderStatus.READY_TO_PICK,
    OrderStatus.PICKING,
    OrderStatus.ON_HOLD,
)
MAX_ROWS = 2000


def level_matches(storage: int, level: Level, wanted: LevelFilter | None) -> bool:
    if wanted is None:
        return True
    if wanted == "zero":
        return storage <= 0
    return level == wanted


def stock_level(storage: int, reorder_point: int, max_stock: int) -> Level:
    if reorder_point > 0 and storage < reorder_point:
        return "low"
    if max_stock > 0 and storage > max_stock:
        return "over"
    return "ok"


@dataclass(frozen=True)
class SkuStock:
    sku: str
    name: str
    options: str
    zone: str
    storage: int
    allocated: int
    receiving: int
    quarantine: int
    elsewhere: int  # totes, pack stations, dispatch: already on their way out
    reorder_point: int
    max_stock: int

    @property
    def available(self) -> int:
        return self.storage - self.allocated

    @property
    def level(self) -> Level:
        return stock_level(self.storage, self.reorder_point, self.max_stock)


@dataclass(frozen=True)
class BinStock:
    bin: str
    zone: str
    kind: str
    sku: str
    name: str
    qty: int
    allocated: int
    flagged: bool

    @property
    def available(self) -> int:
        return self.qty - self.allocated


@dataclass(frozen=True)
class OrderNeed:
    order: str
    status: str
    quantity: int
    allocated: int
    picked: int

    @property
    def to_pick(self) -> int:
        return self.quantity - self.picked


@dataclass(frozen=True)
class MovementRow:
    at: datetime
    reason: str
    qty: int
    from_loc: str
    to_loc: str
    who: str
    terminal: str
    order: str
    reference: str


@dataclass(frozen=True)
class SkuDetail:
    stock: SkuStock
    barcodes: tuple[str, ...]
    bins: tuple[BinStock, ...]
    orders: tuple[OrderNeed, ...]
    movements: tuple[MovementRow, ...]


def _text_filter(text: str):
    needle = f"%{text.lower()}%"
    return or_(
        func.lower(Product.sku).like(needle),
        func.lower(Product.name).like(needle),
        col(Product.id).in_(select(ProductBarcode.product_id).where(ProductBarcode.code == text)),
    )


def _qty_when(kinds: tuple[LocationKind, ...], field=Stock.qty):
    return func.coalesce(func.sum(case((col(Location.kind).in_(kinds), field), else_=0)), 0)


def _sku_rows(
    session: Session, text: str = "", zone: str = "", product_id: int | None = None
) -> list[SkuStock]:
    other = tuple(
        k
        for k in LocationKind
        if k not in (*STORAGE, LocationKind.RECEIVING, LocationKind.QUARANTINE)
    )
    stmt = (
        select(
            Product,
            _qty_when(STORAGE),
            _qty_when(STORAGE, Stock.allocated),
            _qty_when((LocationKind.RECEIVING,)),
            _qty_when((LocationKind.QUARANTINE,)),
            _qty_when(other),
        )
        .select_from(Product)
        .outerjoin(Stock, col(Stock.product_id) == Product.id)
        .outerjoin(Location, col(Location.id) == Stock.location_id)
        .group_by(col(Product.id))
        .order_by(col(Product.sku))
    )
    if product_id is not None:
        stmt = stmt.where(Product.id == product_id)
    else:
        stmt = stmt.where(col(Product.active).is_(True))
    if text:
        stmt = stmt.where(_text_filter(text))
    if zone:
        stmt = stmt.where(Product.zone == zone)
    return [
        SkuStock(
            sku=p.sku,
            name=p.name,
            options=p.options_text,
            zone=p.zone,
            storage=int(storage),
            allocated=int(allocated),
            receiving=int(rcv),
            quarantine=int(quar),
            elsewhere=int(other_qty),
            reorder_point=p.reorder_point,
            max_stock=p.max_stock,
        )
        for p, storage, allocated, rcv, quar, other_qty in session.exec(stmt).all()
    ]


def stock_by_sku(
    store: Store,
    *,
    text: str = "",
    zone: str = "",
    level: LevelFilter | None = None,
    quarantine: bool = False,
) -> list[SkuStock]:
    """One row per SKU (zero stock included, so empty SKUs show as low)."""
    text = clean_scan(text)
    with store.read() as s:
        rows = _sku_rows(s, text, zone)
    if level is not None:
        rows = [r for r in rows if level_matches(r.storage, r.level, level)]
    if quarantine:
        rows = [r for r in rows if r.quarantine > 0]
    return rows[:MAX_ROWS]


def stock_by_bin(
    store: Store,
    *,
    text: str = "",
    zone: str = "",
    level: LevelFilter | None = None,
    quarantine: bool = False,
) -> list[BinStock]:
    """One row per bin and SKU with stock; ``zone`` is the bin's zone here."""
    text = clean_scan(text)
    with store.read() as s:
        stmt = (
            select(Stock, Location, Product)
            .join(Location, col(Location.id) == Stock.location_id)
            .join(Product, col(Product.id) == Stock.product_id)
            .where(or_(Stock.qty > 0, Stock.allocated > 0))
            .order_by(col(Location.code), col(Product.sku))
        )
        if text:
            stmt = stmt.where(or_(_text_filter(text), col(Location.code).like(f"%{text.upper()}%")))
        if zone:
            stmt = stmt.where(Location.zone == zone)
        if quarantine:
            stmt = stmt.where(Location.kind == LocationKind.QUARANTINE)
        shown: set[str] = set()
        if level is not None:
            shown = {r.sku for r in _sku_rows(s) if level_matches(r.storage, r.level, level)}
        out = [
            BinStock(
                bin=loc.code,
                zone=loc.zone,
                kind=str(loc.kind),
                sku=p.sku,
                name=p.name,
                qty=st.qty,
                allocated=st.allocated,
                flagged=loc.cycle_count_flag,
            )
            for st, loc, p in s.exec(stmt).all()
            if level is None or p.sku in shown
        ]
    return out[:MAX_ROWS]


def zones(store: Store) -> list[str]:
    """Zones that have storage bins, for the zone filter."""
    with store.read() as s:
        found = s.exec(
            select(Location.zone)
            .where(col(Location.kind).in_(STORAGE), Location.zone != "")
            .distinct()
            .order_by(col(Location.zone))
        ).all()
    return list(found)


def sku_detail(store: Store, code: str, *, history: int = 50) -> SkuDetail:
    """Everything about one SKU: bins, allocated vs available, orders, movements."""
    scanned = clean_scan(code)
    if not scanned:
        raise NotFound("Scan a product or type a SKU")
    with store.read() as s:
        try:
            product = find_product_by_scan(s, scanned).product
        except NotFound:
            raise NotFound(f"Unknown SKU or barcode {scanned}") from None
        (stock,) = _sku_rows(s, product_id=product.id)
        barcodes = tuple(
            s.exec(
                select(ProductBarcode.code)
                .where(ProductBarcode.product_id == product.id)
                .order_by(col(ProductBarcode.pack_qty), col(ProductBarcode.code))
            ).all()
        )
        bins = tuple(
            BinStock(
                bin=loc.code,
                zone=loc.zone,
                kind=str(loc.kind),
                sku=product.sku,
                name=product.name,
                qty=st.qty,
                allocated=st.allocated,
                flagged=loc.cycle_count_flag,
            )
            for st, loc in s.exec(
                select(Stock, Location)
                .join(Location, col(Location.id) == Stock.location_id)
                .where(Stock.product_id == product.id, or_(Stock.qty > 0, Stock.allocated > 0))
                .order_by(col(Location.code))
            ).all()
        )
        orders = tuple(
            OrderNeed(
                order=o.name,
                status=str(o.status),
                quantity=ln.need,
                allocated=ln.qty_allocated,
                picked=ln.qty_picked,
            )
            for ln, o in s.exec(
                select(OrderLine, Order)
                .join(Order, col(Order.id) == OrderLine.order_id)
                .outerjoin(Service, col(Service.id) == Order.service_id)
                .where(
                    OrderLine.product_id == product.id,
                    col(Order.status).in_(NEEDING),
                    OrderLine.quantity - OrderLine.qty_short - OrderLine.qty_picked > 0,
                )
                .order_by(*priority.order_by(), col(OrderLine.line_no))
            ).all()
        )
        movements = _movements(s, product.id, history)
    return SkuDetail(stock, barcodes, bins, orders, movements)


def _movements(s: Session, product_id: int, limit: int) -> tuple[MovementRow, ...]:
    src = aliased(Location)
    dst = aliased(Location)
    stmt = (
        select(StockMovement, src.code, dst.code, Operator.name, Order.name)
        .outerjoin(src, and_(src.id == StockMovement.from_location_id))
        .outerjoin(dst, and_(dst.id == StockMovement.to_location_id))
        .outerjoin(Operator, col(Operator.id) == StockMovement.operator_id)
        .outerjoin(Order, col(Order.id) == StockMovement.order_id)
        .where(StockMovement.product_id == product_id)
        .order_by(col(StockMovement.at).desc(), col(StockMovement.id).desc())
        .limit(limit)
    )
    tz = warehouse_zone(s)
    return tuple(
        MovementRow(
            at=mv.at.astimezone(tz),
            reason=mv.reason,
            qty=mv.qty,
            from_loc=from_code or "",
            to_loc=to_code or "",
            who=who or "",
            terminal=mv.terminal,
            order=order or "",
            reference=mv.reference,
        )
        for mv, from_code, to_code, who, order in s.exec(stmt).all()
    )
