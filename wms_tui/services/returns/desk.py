"""Returned parcels: find the order, check what may come back, book it in one go.

The returns desk scans the RMA barcode printed on the packing slip (or the
tracking number, or types the order number), sees what was shipped and who
packed it, and books each unit with a reason and a disposition:

* RESTOCK   back into a pickable bin (a ledger movement; waiting backorders
             get first call on it);
* QUARANTINE into a quarantine location (stock, but never picked from);
* SCRAP     no stock, only the record.

The resolution (refund, exchange, store credit) is recorded on the receipt and
the order; an exchange creates a new order for the replacement that is
allocated and picked like any other. Everything happens in one unit of work:
a refused request changes nothing.

"Shipped" is what packing confirmed (``qty_packed``). Orders that reached
DISPATCHED without pack records (imported history) count their
ordered quantity less any short.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from wms_tui.domain.actor import Actor
from wms_tui.domain.clock import utcnow
from wms_tui.domain.codes import parse_rma, rma_code
from wms_tui.domain.enums import (
    Disposition,
    EventKind,
    LocationKind,
    MovementReason,
    OrderStatus,
    Resolution,
    Role,
)
from wms_tui.domain.errors import DomainError, NotFound
from wms_tui.domain.models import (
    Carrier,
    Event,
    Location,
    Operator,
    Order,
    OrderLine,
    Parcel,
    Product,
    ReturnLine,
    ReturnReason,
    ReturnReceipt,
    Stock,
)
from wms_tui.domain.scans import clean_scan
from wms_tui.domain.shown import excerpt
from wms_tui.services.core import events, order_names
from wms_tui.services.core.clock import warehouse_zone
from wms_tui.services.intake import release
from wms_tui.services.inventory import allocation
from wms_tui.services.inventory import stock as inventory
from wms_tui.services.returns import accountability
from wms_tui.store import Store, UnitOfWork, retrying

RESOLUTION_LABELS: dict[Resolution, str] = {
    Resolution.REFUND: "Refund",
    Resolution.EXCHANGE: "Exchange",
    Resolution.STORE_CREDIT: "Store credit",
}
DISPOSITION_LABELS: dict[Disposition, str] = {
    Disposition.RESTOCK: "Restock",
    Disposition.QUARANTINE: "Quarantine",
    Disposition.SCRAP: "Scrap",
}


# --------------------------------------------------------------------------- views


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


@dataclass(frozen=True)
class ProductChoice:
    sku: str
    name: str
    options: str


# --------------------------------------------------------------------------- requests


@dataclass(frozen=True)
class ReturnUnit:
    """Units of one line coming back with the same reason and fate."""

    order_line_id: int
    reason_code: str
    disposition: Disposition | str
    location: str = ""  # RESTOCK: the bin scanned; QUARANTINE: optional location
    note: str = ""
    qty: int = 1


@dataclass(frozen=True)
class ReturnRequest:
    order_id: int
    units: Sequence[ReturnUnit]
    resolution: Resolution | str
    # EXCHANGE only: order line id -> SKU or barcode of the replacement
    # (default: the same SKU).
    replacements: Mapping[int, str] = field(default_factory=dict)
    note: str = ""


@dataclass(frozen=True)
class ReturnResult:
    receipt_id: int
    rma: str
    order_name: str
    order_status: str
    fully_returned: bool
    units: int
    restocked: int
    quarantined: int
    scrapped: int
    resolution: str
    exchange_order: str = ""
    exchange_status: str = ""
    exchange_shortages: tuple[str, ...] = ()
    released_backorders: tuple[str, ...] = ()

    def summary(self) -> str:
        done = "returned" if self.fully_returned else "partly returned"
        text = f"{self.order_name} {done}: {self.units} unit{'s' if self.units != 1 else ''}; "
        if self.exchange_order:
            status = OrderStatus(self.exchange_status).label
            return text + f"exchange {self.exchange_order} {status}"
        return text + RESOLUTION_LABELS[Resolution(self.resolution)].lower()


# --------------------------------------------------------------------------- lookup


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


def _check_returnable(session: Session, order: Order) -> None:
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
        _check_returnable(s, order)
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


def _restock_bin(session: Session, code: str) -> Location:
    code = clean_scan(code)
    if not code:
        raise DomainError("Scan the bin the unit goes back to")
    loc = inventory.find_location(session, code)
    kind = LocationKind(loc.kind)
    if kind is LocationKind.QUARANTINE:
        raise DomainError(f"{loc.code} is quarantine: restock to a pick bin or choose quarantine")
    if not kind.pickable:
        raise DomainError(f"{loc.code} is a {kind.value} location: restock to a pick bin")
    if not loc.active:
        raise DomainError(f"{loc.code} is not in use: choose another bin")
    return loc


def _quarantine_location(session: Session, code: str) -> Location:
    code = clean_scan(code)
    if code:
        loc = inventory.find_location(session, code)
        if loc.kind != LocationKind.QUARANTINE or not loc.active:
            raise DomainError(f"{loc.code} is not a quarantine location")
        return loc
    loc = session.exec(
        select(Location)
        .where(Location.kind == LocationKind.QUARANTINE, col(Location.active).is_(True))
        .order_by(col(Location.code))
    ).first()
    if loc is None:
        raise DomainError("No quarantine location is set up: ask a supervisor")
    return loc


def check_restock_bin(store: Store, code: str) -> str:
    """The bin's code if returned units may be restocked there; raises otherwise."""
    with store.read() as s:
        return _restock_bin(s, code).code


def quarantine_location(store: Store, code: str = "") -> str:
    """The quarantine location returned units go to (the one scanned, or the default)."""
    with store.read() as s:
        return _quarantine_location(s, code).code


def _replacement(session: Session, code: str) -> ProductChoice:
    product = inventory.find_product_by_scan(session, clean_scan(code)).product
    if not product.active:
        raise DomainError(f"{product.sku} is no longer sold: choose another variant")
    return ProductChoice(product.sku, product.name, product.options_text)


def check_replacement(store: Store, code: str) -> ProductChoice:
    """The product an exchange would send for a scanned barcode or typed SKU."""
    with store.read() as s:
        return _replacement(s, code)


# --------------------------------------------------------------------------- booking


def _too_many(order: Order, line: OrderLine, shipped: int, wanted: int) -> str:
    left = shipped - line.qty_returned
    if line.qty_returned and left <= 0:
        return (
            f"All {shipped} {line.sku} on {order.name} were already returned; "
            "it cannot be returned twice"
        )
    already = f", {line.qty_returned} already returned" if line.qty_returned else ""
    return (
        f"Only {left} {line.sku} can come back on {order.name} "
        f"({shipped} shipped{already}), not {wanted}"
    )


def _merge_resolution(existing: str, new: Resolution) -> str:
    parts = [p for p in existing.split(",") if p]
    if new.value not in parts:
        parts.append(new.value)
    return ",".join(parts)


@retrying
def register_return(store: Store, actor: Actor, request: ReturnRequest) -> ReturnResult:
    """Book a returned parcel; raises (changing nothing) on any bad input."""
    actor.require(Role.RECEIVER, Role.SUPERVISOR, action="book returns")
    try:
        resolution = Resolution(str(request.resolution).upper())
    except ValueError:
        raise DomainError(
            f"Unknown resolution {request.resolution}: refund, exchange or store credit"
        ) from None
    if not request.units:
        raise DomainError("Nothing to return: choose at least one line")
    with store.unit_of_work() as uow:
        s = uow.session
        order = s.exec(
            select(Order).where(Order.id == request.order_id).with_for_update(key_share=True)
        ).first()
        if order is None:
            raise NotFound("That order no longer exists")
        _check_returnable(s, order)
        lines = {ln.id: ln for ln in order_lines(s, order.id)}  # type: ignore[arg-type]
        shipped = shipped_quantities(list(lines.values()))
        reasons = {r.code: r for r in s.exec(select(ReturnReason)).all()}
        rma = rma_code(order.id)  # type: ignore[arg-type]

        wanted: Counter[int] = Counter()
        for unit in request.units:
            if unit.qty < 1:
                raise DomainError(f"Quantity must be at least 1 (got {unit.qty})")
            if unit.order_line_id not in lines:
                raise DomainError(f"That line is not on order {order.name}")
            if unit.reason_code.upper() not in reasons:
                raise NotFound(f"Unknown return reason {unit.reason_code}: choose from the list")
            try:
                Disposition(str(unit.disposition).upper())
            except ValueError:
                raise DomainError(
                    f"Unknown disposition {unit.disposition}: restock, quarantine or scrap"
                ) from None
            wanted[unit.order_line_id] += unit.qty
        for line_id, qty in wanted.items():
            line = lines[line_id]
            if qty > shipped[line_id] - line.qty_returned:
                raise DomainError(_too_many(order, line, shipped[line_id], qty))
        extra = set(request.replacements) - set(wanted)
        if resolution is Resolution.EXCHANGE and extra:
            raise DomainError("A replacement was chosen for a line that is not coming back")

        receipt = ReturnReceipt(
            order_id=order.id,  # type: ignore[arg-type]
            operator_id=actor.operator_id,
            terminal=actor.terminal,
            resolution=resolution.value,
            note=request.note.strip(),
        )
        uow.add(receipt)
        uow.flush()

        merged: dict[tuple[int, str, Disposition, str, str], int] = defaultdict(int)
        for unit in request.units:
            disp = Disposition(str(unit.disposition).upper())
            key = (
                unit.order_line_id,
                unit.reason_code.upper(),
                disp,
                clean_scan(unit.location).upper(),
                unit.note.strip(),
            )
            merged[key] += unit.qty

        counts: Counter[Disposition] = Counter()
        restocked_products: set[int] = set()
        for (line_id, reason_code, disp, loc_code, note), qty in merged.items():
            line = lines[line_id]
            _book_units(
                uow, actor, order, line, reasons[reason_code], disp, loc_code, note, qty, receipt
            )
            counts[disp] += qty
            if disp is Disposition.RESTOCK:
                restocked_products.add(line.product_id)

        fully = all(shipped[lid] - ln.qty_returned <= 0 for lid, ln in lines.items())
        if fully:
            events.change_status(uow, order, OrderStatus.RETURNED, actor, detail=rma)
        order.resolution = _merge_resolution(order.resolution, resolution)
        uow.add(order)

        released: list[str] = []
        if restocked_products:
            uow.flush()
            released = release.retry_backorders(uow, actor, restocked_products)

        exchange: Order | None = None
        shortages: list[allocation.Shortage] = []
        if resolution is Resolution.EXCHANGE:
            exchange, shortages = _create_exchange(
                uow, actor, order, lines, wanted, request.replacements
            )
            receipt.exchange_order_id = exchange.id
            uow.add(receipt)

        units = sum(wanted.values())
        events.log(
            uow,
            actor,
            EventKind.RETURN_RECEIVED,
            order=order,
            qty=units,
            to_state=resolution.value,
            detail=f"{rma} receipt {receipt.id}"
            + (f", exchange {exchange.name}" if exchange else "")
            + (f": {receipt.note}" if receipt.note else ""),
        )
        uow.commit()
        return ReturnResult(
            receipt_id=receipt.id,  # type: ignore[arg-type]
            rma=rma,
            order_name=order.name,
            order_status=str(order.status),
            fully_returned=fully,
            units=units,
            restocked=counts[Disposition.RESTOCK],
            quarantined=counts[Disposition.QUARANTINE],
            scrapped=counts[Disposition.SCRAP],
            resolution=resolution.value,
            exchange_order=exchange.name if exchange else "",
            exchange_status=str(exchange.status) if exchange else "",
            exchange_shortages=tuple(str(x) for x in shortages),
            released_backorders=tuple(released),
        )


def _book_units(
    uow: UnitOfWork,
    actor: Actor,
    order: Order,
    line: OrderLine,
    reason: ReturnReason,
    disp: Disposition,
    loc_code: str,
    note: str,
    qty: int,
    receipt: ReturnReceipt,
) -> None:
    """Units of one line with one fate: stock (or not), the return line, the log."""
    s = uow.session
    rma = rma_code(order.id)  # type: ignore[arg-type]
    loc: Location | None = None
    if disp is Disposition.RESTOCK:
        loc = _restock_bin(s, loc_code)
    elif disp is Disposition.QUARANTINE:
        loc = _quarantine_location(s, loc_code)
    detail = f"{reason.code} {reason.label}" + (f": {note}" if note else "")
    if loc is not None:
        product = s.get(Product, line.product_id)
        assert product is not None
        inventory.move_stock(
            uow,
            actor,
            product,
            qty,
            from_loc=None,
            to_loc=loc,
            reason=MovementReason.RETURNED,
            order=order,
            reference=rma,
        )
    else:
        # Scrapped units never re-enter stock; the log is their only trace.
        events.log(
            uow, actor, EventKind.RETURN_SCRAP, order=order, sku=line.sku, qty=qty, detail=detail
        )
    uow.add(
        ReturnLine(
            return_id=receipt.id,  # type: ignore[arg-type]
            order_line_id=line.id,  # type: ignore[arg-type]
            qty=qty,
            reason_code=reason.code,
            disposition=disp.value,
            location_id=loc.id if loc else None,
            note=note,
        )
    )
    line.qty_returned += qty
    uow.add(line)
    events.log(
        uow,
        actor,
        EventKind.RETURN_LINE,
        order=order,
        sku=line.sku,
        qty=qty,
        to_state=disp.value,
        location=loc.code if loc else "",
        detail=detail,
    )


def _create_exchange(
    uow: UnitOfWork,
    actor: Actor,
    order: Order,
    lines: Mapping[int, OrderLine],
    returned: Mapping[int, int],
    replacements: Mapping[int, str],
) -> tuple[Order, list[allocation.Shortage]]:
    """A new order for the replacements, allocated now like any other order."""
    s = uow.session
    wanted: dict[int, int] = defaultdict(int)
    source: dict[int, OrderLine] = {}
    for line_id, qty in returned.items():
        line = lines[line_id]
        code = replacements.get(line_id, "").strip() or line.sku
        choice = _replacement(s, code)
        product = s.exec(select(Product).where(Product.sku == choice.sku)).one()
        wanted[product.id] += qty  # type: ignore[index]
        source.setdefault(product.id, line)  # type: ignore[arg-type]
    n = 1
    while s.exec(select(Order).where(Order.name == f"{order.name}-X{n}")).first():
        n += 1
    now = utcnow()
    tags = [t for t in order.tags.split(",") if t.strip()]
    child = Order(
        **order.model_dump(
            exclude={
                "id",
                "name",
                "status",
                "held_from",
                "hold_reason",
                "created_at",
                "release_at",
                "promised_ship_date",
                "status_changed_at",
                "notes",
                "gift_message",
                "tags",
                "financial_status",
                "cancelled_at",
                "source_hash",
                "locked_by_operator_id",
                "locked_terminal",
                "locked_at",
                "resolution",
            }
        ),
        name=f"{order.name}-X{n}",
        status=OrderStatus.NEW,
        created_at=now,
        release_at=now,
        status_changed_at=now,
        promised_ship_date=(now + timedelta(days=1)).date(),
        notes=f"Exchange for {order.name} ({rma_code(order.id)})",  # type: ignore[arg-type]
        tags=",".join([*tags, "exchange"]),
        financial_status="paid",
    )
    uow.add(child)
    uow.flush()
    for i, (product_id, qty) in enumerate(wanted.items(), start=1):
        product = s.get(Product, product_id)
        assert product is not None
        uow.add(
            OrderLine(
                order_id=child.id,  # type: ignore[arg-type]
                line_no=i,
                product_id=product_id,
                sku=product.sku,
                name=product.name,
                options=product.options_text,
                quantity=qty,
                price=source[product_id].price,
            )
        )
    uow.flush()
    events.log(
        uow,
        actor,
        EventKind.ORDER_CREATED,
        order=child,
        to_state=OrderStatus.NEW,
        detail=f"exchange for {order.name}",
    )
    shortages = allocation.allocate_order(uow, child, actor)
    return child, shortages


# --------------------------------------------------------------------------- history


@dataclass(frozen=True)
class ReturnLineView:
    sku: str
    qty: int
    reason: str
    disposition: str
    location: str
    note: str


@dataclass(frozen=True)
class ReceiptView:
    receipt_id: int
    at: datetime
    operator: str
    resolution: str
    exchange_order: str
    lines: tuple[ReturnLineView, ...]


def receipts_for_order(store: Store, order_id: int) -> list[ReceiptView]:
    """Earlier returns of an order, newest first."""
    with store.read() as s:
        tz = warehouse_zone(s)
        out: list[ReceiptView] = []
        receipts = s.exec(
            select(ReturnReceipt)
            .where(ReturnReceipt.order_id == order_id)
            .order_by(col(ReturnReceipt.at).desc(), col(ReturnReceipt.id).desc())
        ).all()
        for r in receipts:
            op = s.get(Operator, r.operator_id) if r.operator_id else None
            ex = s.get(Order, r.exchange_order_id) if r.exchange_order_id else None
            rows = s.exec(
                select(ReturnLine, OrderLine, ReturnReason, Location)
                .join(OrderLine, col(OrderLine.id) == ReturnLine.order_line_id)
                .join(ReturnReason, col(ReturnReason.code) == ReturnLine.reason_code)
                .join(Location, col(Location.id) == ReturnLine.location_id, isouter=True)
                .where(ReturnLine.return_id == r.id)
                .order_by(col(ReturnLine.id))
            ).all()
            out.append(
                ReceiptView(
                    receipt_id=r.id,  # type: ignore[arg-type]
                    at=_local(r.at, tz),  # type: ignore[arg-type]
                    operator=op.name if op else "",
                    resolution=r.resolution,
                    exchange_order=ex.name if ex else "",
                    lines=tuple(
                        ReturnLineView(
                            sku=ol.sku,
                            qty=rl.qty,
                            reason=rr.label,
                            disposition=rl.disposition,
                            location=loc.code if loc else "",
                            note=rl.note,
                        )
                        for rl, ol, rr, loc in rows
                    ),
                )
            )
    return out
