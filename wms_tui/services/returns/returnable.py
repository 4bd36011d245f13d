"""What came back: the order behind a returned parcel and what of it may return.

The returns desk scans the RMA barcode printed on the packing slip (or the
tracking number, or an SSCC, or types the order number) and sees what was
shipped, who picked and packed it, and how much of each line is still
returnable. Booking the units is :mod:`wms_tui.services.returns.desk`.

"Shipped" is what packing confirmed (``qty_packed``). Orders that reached
DISPATCHED without pack records (imported history) count their
ordered quantity less any short.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from wms_tui.domain.codes import parse_rma, rma_code
from wms_tui.domain.enums import LocationKind, OrderStatus
from wms_tui.domain.errors import DomainError, NotFound
from wms_tui.domain.models import (
    Carrier,
    Event,
    Location,
    Operator,
    Order,
    OrderLine,
    Parcel,
    ReturnReceipt,
    Stock,
)
from wms_tui.domain.scans import clean_scan
from wms_tui.domain.shown import excerpt
from wms_tui.services.core import order_names
from wms_tui.services.core.clock import warehouse_zone
from wms_tui.services.inventory import stock as inventory
from wms_tui.services.returns import accountability
from wms_tui.store import Store


@dataclass(frozen=True)
class ShippedLine:
    order_line_id: int
    line_no: int
    sku: str
    name: str
    options: str
    shipped: int
    returned: int
    picked_by: tuple[str, ...] = ()
    packed_by: tuple[str, ...] = ()

    @property
    def returnable(self) -> int:
        return max(0, self.shipped - self.returned)


@dataclass(frozen=True)
class ParcelInfo:
    seq: int
    count: int
    tracking_number: str
    sscc: str
    packed_by: str
    packed_at: datetime | None
    status: str


@dataclass(frozen=True)
class ReturnableOrder:
    """What the returns desk sees after a scan."""

    order_id: int
    name: str
    rma: str
    status: str
    customer: str
    ship_to: str
    carrier: str
    dispatched_at: datetime | None
    packed_at: datetime | None
    packed_by: tuple[str, ...]
    picked_by: tuple[str, ...]
    parcels: tuple[ParcelInfo, ...]
    lines: tuple[ShippedLine, ...]
    resolution: str = ""

    @property
    def partly_returned(self) -> bool:
        return any(ln.returned for ln in self.lines)

    @property
    def returnable_units(self) -> int:
        return sum(ln.returnable for ln in self.lines)

    @property
    def status_text(self) -> str:
        if self.status == OrderStatus.DISPATCHED and self.partly_returned:
            return "partly returned"
        return OrderStatus(self.status).label

    def line(self, order_line_id: int) -> ShippedLine:
        for ln in self.lines:
            if ln.order_line_id == order_line_id:
                return ln
        raise NotFound(f"That line is not on order {self.name}")


def _local(dt: datetime | None, tz: ZoneInfo) -> datetime | None:
    return dt.astimezone(tz) if dt is not None else None


def _sscc_from_scan(code: str) -> str:
    """The 18 SSCC digits of a scanned GS1-128 label barcode, or "".

    Scanners send ``00`` + 18 digits, sometimes behind the ``]C1`` symbology
    prefix; decoders that print the human-readable form send ``(00)`` + digits.
    """
    digits = code.removeprefix("]C1").replace("(", "").replace(")", "").replace(" ", "")
    if not (digits.isascii() and digits.isdigit()):
        return ""
    if len(digits) == 20 and digits.startswith("00"):
        return digits[2:]
    return digits if len(digits) == 18 else ""


def find_order(session: Session, code: str) -> Order:
    """The order behind an RMA code, a tracking number, an SSCC or an order name."""
    code = clean_scan(code)
    if not code:
        raise NotFound("Scan the RMA code on the slip, a tracking number or an order number")
    order_id = parse_rma(code)
    if order_id is not None:
        order = session.get(Order, order_id)
        if order is None:
            raise NotFound(f"{rma_code(order_id)} matches no order: check the slip")
        return order
    parcel = session.exec(
        select(Parcel).where(col(Parcel.tracking_number).in_([code, code.upper()]))
    ).first()
    sscc = _sscc_from_scan(code)
    if parcel is None and sscc:
        parcel = session.exec(select(Parcel).where(Parcel.sscc == sscc)).first()
    if parcel is not None:
        order = session.get(Order, parcel.order_id)
        assert order is not None
        return order
    order = order_names.find(session, code)
    if order is None:
        raise NotFound(f"No order, RMA or tracking number {excerpt(code)}")
    return order


def order_lines(session: Session, order_id: int) -> list[OrderLine]:
    return list(
        session.exec(
            select(OrderLine).where(OrderLine.order_id == order_id).order_by(col(OrderLine.line_no))
        ).all()
    )


def shipped_quantities(lines: Sequence[OrderLine]) -> dict[int, int]:
    """Units of each line that left the building (see the module docstring)."""
    packing_recorded = any(ln.qty_packed > 0 for ln in lines)
    return {
        ln.id: (ln.qty_packed if packing_recorded else max(0, ln.need))  # type: ignore[misc]
        for ln in lines
    }


def _last_return(session: Session, order: Order) -> str:
    row = session.exec(
        select(ReturnReceipt, Operator)
        .join(Operator, col(Operator.id) == ReturnReceipt.operator_id, isouter=True)
        .where(ReturnReceipt.order_id == order.id)
        .order_by(col(ReturnReceipt.at).desc(), col(ReturnReceipt.id).desc())
    ).first()
    if row is None:
        return ""
    receipt, op = row
    tz = warehouse_zone(session)
    when = _local(receipt.at, tz)
    by = f" by {op.name}" if op is not None else ""
    return f" on {when:%d %b}{by}" if when else by


def check_returnable(session: Session, order: Order) -> None:
    status = OrderStatus(order.status)
    if status is OrderStatus.RETURNED:
        raise DomainError(
            f"Order {order.name} was already returned{_last_return(session, order)}; "
            "nothing left to return"
        )
    if status is not OrderStatus.DISPATCHED:
        raise DomainError(f"Order {order.name} was never shipped (it is {status.label})")


def _dispatched_at(session: Session, order: Order) -> datetime | None:
    ev = session.exec(
        select(Event)
        .where(Event.order_id == order.id, Event.to_state == OrderStatus.DISPATCHED)
        .order_by(col(Event.at).desc())
    ).first()
    return ev.at if ev else order.status_changed_at


def describe(session: Session, order: Order) -> ReturnableOrder:
    tz = warehouse_zone(session)
    lines = order_lines(session, order.id)  # type: ignore[arg-type]
    shipped = shipped_quantities(lines)
    handlers = accountability.handlers_for_orders(session, [order.id])[order.id]  # type: ignore[list-item]
    parcels = session.exec(
        select(Parcel).where(Parcel.order_id == order.id).order_by(col(Parcel.seq))
    ).all()
    carrier = session.get(Carrier, order.carrier_id) if order.carrier_id else None
    shipped_lines = tuple(
        ShippedLine(
            order_line_id=ln.id,  # type: ignore[arg-type]
            line_no=ln.line_no,
            sku=ln.sku,
            name=ln.name,
            options=ln.options,
            shipped=shipped[ln.id],  # type: ignore[index]
            returned=ln.qty_returned,
            picked_by=tuple(handlers.lines[ln.id].pickers),  # type: ignore[index]
            packed_by=tuple(handlers.lines[ln.id].packers),  # type: ignore[index]
        )
        for ln in lines
        if shipped[ln.id] > 0  # type: ignore[index]
    )
    return ReturnableOrder(
        order_id=order.id,  # type: ignore[arg-type]
        name=order.name,
        rma=rma_code(order.id),  # type: ignore[arg-type]
        status=str(order.status),
        customer=order.ship_name or order.customer_name,
        ship_to=", ".join(p for p in (order.ship_city, order.ship_country) if p),
        carrier=order.shipping_method or (carrier.name if carrier else ""),
        dispatched_at=_local(_dispatched_at(session, order), tz),
        packed_at=_local(handlers.packed_at, tz),
        packed_by=tuple(handlers.packers),
        picked_by=tuple(handlers.pickers),
        parcels=tuple(
            ParcelInfo(
                seq=p.seq,
                count=p.count,
                tracking_number=p.tracking_number or "",
                sscc=p.sscc or "",
                packed_by=p.packed_by_name,
                packed_at=_local(p.packed_at, tz),
                status=str(p.status),
            )
            for p in parcels
        ),
        lines=shipped_lines,
        resolution=order.resolution,
    )


def example_order(store: Store) -> str:
    """A shipped order's name for the desk's hint ("e.g. D1042"): one that
    exists here, newest first; "" when nothing has shipped yet."""
    with store.read() as s:
        name = s.exec(
            select(Order.name)
            .where(col(Order.status) == OrderStatus.DISPATCHED)
            .order_by(col(Order.id).desc())
        ).first()
    return (name or "").lstrip("#")


def lookup(store: Store, code: str) -> ReturnableOrder:
    """What came back: refuses orders that were never shipped or are fully returned."""
    with store.read() as s:
        order = find_order(s, code)
        check_returnable(s, order)
        view = describe(s, order)
    if view.returnable_units == 0:
        raise DomainError(f"Order {view.name}: every shipped unit is already returned")
    return view


def line_for_scan(store: Store, order_id: int, code: str) -> int:
    """The order line a scanned product belongs to (for picking a line by scanning it)."""
    with store.read() as s:
        order = s.get(Order, order_id)
        if order is None:
            raise NotFound("Order not found")
        product = inventory.find_product_by_scan(s, clean_scan(code)).product
        lines = [ln for ln in order_lines(s, order_id) if ln.product_id == product.id]
        if not lines:
            raise DomainError(f"{product.sku} is not on order {order.name}")
        shipped = shipped_quantities(order_lines(s, order_id))
        for ln in lines:
            if shipped[ln.id] - ln.qty_returned > 0:  # type: ignore[index]
                return ln.id  # type: ignore[return-value]
        raise DomainError(f"Every {product.sku} shipped on {order.name} is already returned")


def bins_holding(store: Store, order_line_id: int, limit: int = 4) -> list[tuple[str, int]]:
    """Pick bins (then bulk) holding the line's product: where a restock usually goes."""
    with store.read() as s:
        line = s.get(OrderLine, order_line_id)
        if line is None:
            return []
        rows = s.exec(
            select(Location.code, Stock.qty, Location.kind)
            .join(Stock, col(Stock.location_id) == Location.id)
            .where(
                Stock.product_id == line.product_id,
                Stock.qty > 0,
                col(Location.kind).in_([LocationKind.PICK, LocationKind.BULK]),
                col(Location.active).is_(True),
            )
        ).all()
    rows = sorted(rows, key=lambda r: (r[2] != LocationKind.PICK, -r[1], r[0]))
    return [(code, qty) for code, qty, _ in rows[:limit]]
