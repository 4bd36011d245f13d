"""One SKU in full, for the stock screen's detail and ``wms stock SKU``: its bins,
allocated against available, the orders still needing it, its latest movements."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, or_
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from wms_tui.domain.enums import OrderStatus
from wms_tui.domain.errors import NotFound
from wms_tui.domain.models import (
    Location,
    Operator,
    Order,
    OrderLine,
    ProductBarcode,
    Service,
    Stock,
    StockMovement,
)
from wms_tui.domain.scans import clean_scan
from wms_tui.domain.shown import excerpt
from wms_tui.services.core import priority
from wms_tui.services.core.clock import warehouse_zone
from wms_tui.services.inventory.stock import find_product_by_scan
from wms_tui.services.inventory.stock_queries import (
    BinStock,
    SkuStock,
    StockQuery,
    sku_row,
    sku_statement,
)
from wms_tui.store import Store

# Orders that still need units picked from storage.
NEEDING = (
    OrderStatus.NEW,
    OrderStatus.BACKORDERED,
    OrderStatus.READY_TO_PICK,
    OrderStatus.PICKING,
    OrderStatus.ON_HOLD,
)


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


def sku_detail(store: Store, code: str, *, history: int = 50) -> SkuDetail:
    """Everything about one SKU: bins, allocated vs available, orders, movements."""
    scanned = clean_scan(code)
    if not scanned:
        raise NotFound("Scan a product or type a SKU")
    with store.read() as s:
        try:
            product = find_product_by_scan(s, scanned).product
        except NotFound:
            raise NotFound(f"Unknown SKU or barcode {excerpt(scanned)}") from None
        stock = sku_row(*s.exec(sku_statement(StockQuery(), product.id)).one())
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
