"""Booking a returned parcel in one go: each unit with a reason and a fate.

The desk finds the order first (:mod:`~wms_tui.services.returns.returnable`),
then books each unit with a reason and a disposition:

* RESTOCK   back into a pickable bin (a ledger movement; waiting backorders
             get first call on it);
* QUARANTINE into a quarantine location (stock, but never picked from);
* SCRAP     no stock, only the record.

The resolution (refund, exchange, store credit) is recorded on the receipt and
the order; an exchange creates a new order for the replacement
(:mod:`~wms_tui.services.returns.exchange`) that is allocated and picked like
any other. Everything happens in one unit of work: a refused request changes
nothing. The desk's steps, scan by scan, are
:mod:`~wms_tui.services.returns.desk_flow`.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from sqlmodel import Session, select

from wms_tui.domain.actor import Actor
from wms_tui.domain.codes import rma_code
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
    Location,
    Order,
    OrderLine,
    Product,
    ReturnLine,
    ReturnReason,
    ReturnReceipt,
)
from wms_tui.domain.scans import clean_scan
from wms_tui.services.core import events
from wms_tui.services.core.locations import default_location
from wms_tui.services.intake import release
from wms_tui.services.inventory import allocation
from wms_tui.services.inventory import stock as inventory
from wms_tui.services.returns.exchange import create_exchange
from wms_tui.services.returns.returnable import check_returnable, order_lines, shipped_quantities
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
    return default_location(session, LocationKind.QUARANTINE)


def check_restock_bin(store: Store, code: str) -> str:
    """The bin's code if returned units may be restocked there; raises otherwise."""
    with store.read() as s:
        return _restock_bin(s, code).code


def quarantine_location(store: Store, code: str = "") -> str:
    """The quarantine location returned units go to (the one scanned, or the default)."""
    with store.read() as s:
        return _quarantine_location(s, code).code


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
        check_returnable(s, order)
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
            exchange, shortages = create_exchange(
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
