"""Receiving deliveries: scan units in, quarantine damaged ones, close with a discrepancy list.

Every scan is its own small transaction, so a handheld that crashes (or a battery that
dies) loses at most the scan in flight. Good units go to a receiving location and wait
for put-away; damaged units go straight to quarantine and are never pickable.

``DeliveryLine.received_qty`` counts every unit that arrived, damaged ones included;
``damaged_qty`` is the part of it that went to quarantine, so the good units waiting
for put-away are ``received - damaged - put_away``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session, col, select

from wms_tui.domain.actor import Actor
from wms_tui.domain.clock import utcnow
from wms_tui.domain.credentials import Credential
from wms_tui.domain.enums import (
    DeliveryStatus,
    EventKind,
    ExceptionKind,
    LocationKind,
    MovementReason,
    Role,
)
from wms_tui.domain.errors import Conflict, DomainError, NotFound
from wms_tui.domain.models import (
    Delivery,
    DeliveryLine,
    Event,
    Location,
    Operator,
    Product,
    ProductBarcode,
    Station,
    WmsException,
)
from wms_tui.domain.numbers import read_int
from wms_tui.domain.receiving import (
    MAX_LINE_UNITS,
    Discrepancy,
    LineCheck,
    check_line,
    over_tolerance,
)
from wms_tui.domain.scans import clean_scan
from wms_tui.domain.shown import excerpt
from wms_tui.services.core import approval, clock, counters, events, settings
from wms_tui.services.core.clock import warehouse_zone
from wms_tui.services.core.locations import default_location
from wms_tui.services.inventory.stock import find_product_by_scan, move_stock
from wms_tui.store import Store, UnitOfWork, retrying

DAMAGE_REASONS: tuple[str, ...] = (
    "Crushed or broken",
    "Wet or stained",
    "Packaging opened",
    "Parts missing",
    "Wrong item in box",
)

RECEIVER_ROLES = (Role.RECEIVER, Role.SUPERVISOR)


class NeedsConfirmation(DomainError):
    """The request is allowed but unusual; call again with ``confirmed=True``."""


class UnknownBarcode(NotFound):
    """A scanned code that no product has; a supervisor may link it."""

    def __init__(self, code: str) -> None:
        super().__init__(f"Unknown barcode {excerpt(code)}")
        self.code = code


# --------------------------------------------------------------------------- read models


@dataclass(frozen=True)
class ReceiptLine:
    sku: str
    name: str
    options: str
    expected: int
    received: int
    damaged: int
    put_away: int
    has_barcode: bool
    blind: bool = False  # the line of a blind receipt: nothing was expected

    @property
    def good(self) -> int:
        return self.received - self.damaged

    @property
    def to_put_away(self) -> int:
        return self.good - self.put_away

    @property
    def diff(self) -> int:
        """Arrived minus expected: negative is short, positive is over."""
        return self.received - self.expected

    @property
    def check(self) -> LineCheck:
        return check_line(self.expected, self.received, blind=self.blind)

    @property
    def unexpected(self) -> bool:
        return self.check.kind is Discrepancy.UNEXPECTED


@dataclass(frozen=True)
class Receipt:
    reference: str
    supplier: str
    expected_date: date | None
    status: DeliveryStatus
    blind: bool
    lines: tuple[ReceiptLine, ...]
    closed_at: datetime | None = None
    closed_by: str = ""
    report_file: str = ""

    @property
    def is_closed(self) -> bool:
        return self.status is DeliveryStatus.CLOSED

    @property
    def expected_units(self) -> int:
        return sum(ln.expected for ln in self.lines)

    @property
    def received_units(self) -> int:
        return sum(ln.received for ln in self.lines)

    @property
    def damaged_units(self) -> int:
        return sum(ln.damaged for ln in self.lines)

    def line(self, sku: str) -> ReceiptLine | None:
        return next((ln for ln in self.lines if ln.sku == sku), None)


@dataclass(frozen=True)
class DeliverySummary:
    reference: str
    supplier: str
    expected_date: date | None
    status: DeliveryStatus
    blind: bool
    skus: int
    expected_units: int
    received_units: int


@dataclass(frozen=True)
class Discrepancies:
    """What closing a receipt would report."""

    reference: str
    short: tuple[ReceiptLine, ...]
    over: tuple[ReceiptLine, ...]
    unexpected: tuple[ReceiptLine, ...]
    damaged: tuple[ReceiptLine, ...]

    @property
    def clean(self) -> bool:
        return not (self.short or self.over or self.unexpected or self.damaged)

    def summary(self) -> str:
        parts = []
        if self.short:
            parts.append(f"{len(self.short)} short")
        if self.over:
            parts.append(f"{len(self.over)} over")
        if self.unexpected:
            parts.append(f"{len(self.unexpected)} unexpected")
        if self.damaged:
            parts.append(f"{sum(ln.damaged for ln in self.damaged)} damaged")
        return ", ".join(parts) if parts else "no discrepancies"


@dataclass(frozen=True)
class ScanResult:
    sku: str
    name: str
    qty: int
    location: str
    damaged: bool
    unexpected: bool
    receipt: Receipt

    @property
    def line(self) -> ReceiptLine:
        found = self.receipt.line(self.sku)
        assert found is not None
        return found


@dataclass(frozen=True)
class LinkResult:
    code: str
    sku: str
    name: str
    authorised_by: str


# --------------------------------------------------------------------------- lookups


def find_delivery(session: Session, reference: str, *, lock: bool = False) -> Delivery:
    """The delivery with this reference; ``lock`` holds its row for this transaction.

    Writers lock it so that two terminals receiving the same delivery take turns
    (on PostgreSQL; SQLite's BEGIN IMMEDIATE already serialises writers).
    """
    ref = clean_scan(reference)
    if not ref:
        raise NotFound("Scan or type a delivery reference")
    for candidate in dict.fromkeys((ref, ref.upper())):
        stmt = select(Delivery).where(Delivery.reference == candidate)
        d = session.exec(stmt.with_for_update(key_share=True) if lock else stmt).first()
        if d is not None:
            return d
    raise NotFound(f"No delivery {excerpt(ref)}: check the paperwork or start a blind receipt")


def _closed_message(session: Session, d: Delivery) -> str:
    by = ""
    if d.closed_by_id is not None:
        op = session.get(Operator, d.closed_by_id)
        by = f" by {op.name}" if op else ""
    closed = d.closed_at.astimezone(warehouse_zone(session)) if d.closed_at else None
    when = f" on {closed:%Y-%m-%d %H:%M}" if closed else ""
    return f"Delivery {d.reference} was closed{when}{by}: nothing more can be received"


def _require_open(session: Session, d: Delivery) -> None:
    if d.status == DeliveryStatus.CLOSED:
        raise Conflict(_closed_message(session, d))


def receiving_location(session: Session, terminal: str) -> Location:
    """Where this terminal's good units land: its station's location, else RCV-1."""
    station = session.exec(select(Station).where(Station.code == terminal)).first()
    if station is not None and station.location_id is not None:
        loc = session.get(Location, station.location_id)
        if loc is not None and loc.kind == LocationKind.RECEIVING and loc.active:
            return loc
    if terminal:
        loc = session.exec(select(Location).where(Location.code == terminal.upper())).first()
        if loc is not None and loc.kind == LocationKind.RECEIVING and loc.active:
            return loc
    return default_location(session, LocationKind.RECEIVING)


def _unit_barcode_products(session: Session, product_ids: list[int]) -> set[int]:
    if not product_ids:
        return set()
    rows = session.exec(
        select(ProductBarcode.product_id).where(
            col(ProductBarcode.product_id).in_(product_ids), ProductBarcode.pack_qty == 1
        )
    ).all()
    return set(rows)


def receipt_view(session: Session, d: Delivery) -> Receipt:
    rows = session.exec(
        select(DeliveryLine, Product)
        .join(Product, col(Product.id) == DeliveryLine.product_id)
        .where(DeliveryLine.delivery_id == d.id)
        .order_by(col(Product.sku))
    ).all()
    with_barcode = _unit_barcode_products(session, [p.id for _, p in rows])
    lines = tuple(
        ReceiptLine(
            sku=p.sku,
            name=p.name,
            options=p.options_text,
            expected=ln.expected_qty,
            received=ln.received_qty,
            damaged=ln.damaged_qty,
            put_away=ln.put_away_qty,
            has_barcode=p.id in with_barcode,
            blind=d.blind,
        )
        for ln, p in rows
    )
    closed_by = ""
    if d.closed_by_id is not None:
        op = session.get(Operator, d.closed_by_id)
        closed_by = op.name if op else ""
    return Receipt(
        reference=d.reference,
        supplier=d.supplier,
        expected_date=d.expected_date,
        status=DeliveryStatus(d.status),
        blind=d.blind,
        lines=lines,
        closed_at=d.closed_at.astimezone(warehouse_zone(session)) if d.closed_at else None,
        closed_by=closed_by,
        report_file=d.report_file,
    )


def get_receipt(store: Store, reference: str) -> Receipt:
    with store.read() as s:
        return receipt_view(s, find_delivery(s, reference))


def open_deliveries(store: Store, limit: int = 50) -> list[DeliverySummary]:
    """Deliveries that can still be received, expected soonest first."""
    with store.read() as s:
        ds = s.exec(
            select(Delivery)
            .where(col(Delivery.status).in_([DeliveryStatus.EXPECTED, DeliveryStatus.RECEIVING]))
            .order_by(col(Delivery.expected_date), col(Delivery.reference))
            .limit(limit)
        ).all()
        out = []
        for d in ds:
            lines = s.exec(select(DeliveryLine).where(DeliveryLine.delivery_id == d.id)).all()
            out.append(
                DeliverySummary(
                    reference=d.reference,
                    supplier=d.supplier,
                    expected_date=d.expected_date,
                    status=DeliveryStatus(d.status),
                    blind=d.blind,
                    skus=len(lines),
                    expected_units=sum(ln.expected_qty for ln in lines),
                    received_units=sum(ln.received_qty for ln in lines),
                )
            )
        return out


# --------------------------------------------------------------------------- starting


def start_receipt(store: Store, actor: Actor, reference: str) -> Receipt:
    """Open an expected delivery for receiving (nothing is written until the first scan)."""
    actor.require(*RECEIVER_ROLES, action="receive deliveries")
    with store.read() as s:
        d = find_delivery(s, reference)
        _require_open(s, d)
        return receipt_view(s, d)


def _blind_reference(uow: UnitOfWork) -> str:
    """``BLIND-20261124-007``: the warehouse day's next number, from a counter
    (see services/core/counters.py), past any reference already taken."""
    s = uow.session
    stem = f"BLIND-{clock.today(s):%Y%m%d}-"

    def used() -> int:
        refs = s.exec(select(Delivery.reference).where(col(Delivery.reference).startswith(stem)))
        tails = (r[len(stem) :] for r in refs)
        return max((int(t) for t in tails if t.isascii() and t.isdigit()), default=0)

    while True:
        ref = f"{stem}{counters.next_value(uow, 'blind:' + stem, start=used):03d}"
        if s.exec(select(Delivery.id).where(Delivery.reference == ref)).first() is None:
            return ref


@retrying
def start_blind_receipt(store: Store, actor: Actor, supplier: str = "") -> Receipt:
    """A receipt with no advance notice: every SKU scanned is 'unexpected' by definition."""
    actor.require(*RECEIVER_ROLES, action="receive deliveries")
    with store.unit_of_work() as uow:
        d = Delivery(
            reference=_blind_reference(uow),
            supplier=supplier.strip(),
            status=DeliveryStatus.RECEIVING,
            blind=True,
        )
        uow.add(d)
        uow.flush()
        events.log(
            uow, actor, EventKind.DELIVERY_BLIND, delivery_ref=d.reference, detail=d.supplier
        )
        view = receipt_view(uow.session, d)
        uow.commit()
    return view


# --------------------------------------------------------------------------- scanning


def parse_count(text: str) -> int:
    """A keyed count: a whole number from 1 to :data:`MAX_LINE_UNITS`."""
    value = text.strip()
    if not value:
        raise DomainError("Key a count")
    try:
        n = read_int(value, what="a count", low=None)
    except DomainError:
        raise DomainError(f"Count must be a whole number (got {excerpt(value)})") from None
    if n < 1:
        raise DomainError(f"Count must be at least 1 (got {n})")
    if n > MAX_LINE_UNITS:
        raise DomainError(f"Count must be at most {MAX_LINE_UNITS:,} (got {n:,})")
    return n


def check_sanity(session: Session, sku: str, qty: int, confirmed: bool) -> None:
    if qty > MAX_LINE_UNITS:
        # Beyond any delivery: refused outright, a yes would not make it true.
        raise DomainError(f"{qty:,} × {sku} is more than {MAX_LINE_UNITS:,} at once: count again")
    limit = settings.get_int(session, "receiving_sanity_limit")
    if qty > limit and not confirmed:
        raise NeedsConfirmation(f"{qty} × {sku} is more than {limit} at once: sure?")


def check_over_receipt(
    session: Session, d: Delivery, sku: str, line: DeliveryLine, qty: int, confirmed: bool
) -> None:
    """More than the tolerated over-receipt needs the receiver's yes (a miscount,
    or a supplier's extra the buyer never ordered)."""
    if confirmed:
        return
    tolerance = settings.get_int(session, "receiving_over_tolerance_pct")
    after = line.received_qty + qty
    beyond = over_tolerance(line.expected_qty, after, tolerance)
    if beyond:
        raise NeedsConfirmation(
            f"{sku}: {after} of {line.expected_qty} expected on {d.reference}, "
            f"{after - line.expected_qty} over (tolerance {tolerance}%): receive anyway?"
        )


@retrying
def receive_scan(
    store: Store,
    actor: Actor,
    reference: str,
    code: str,
    *,
    count: int = 1,
    damaged_reason: str | None = None,
    confirmed: bool = False,
) -> ScanResult:
    """Receive ``count`` scans of ``code`` (a case code counts its pack quantity each).

    Good units go to the terminal's receiving location; with ``damaged_reason`` they
    go to quarantine instead. Raises (changing nothing) on a closed delivery, an
    unknown barcode, a count below 1, or a count above the sanity limit unless
    ``confirmed``.
    """
    actor.require(*RECEIVER_ROLES, action="receive deliveries")
    scanned = clean_scan(code)
    if not scanned:
        raise DomainError("Scan a barcode or type a SKU")
    if count < 1:
        raise DomainError(f"Count must be at least 1 (got {count})")
    reason = (damaged_reason or "").strip()
    if damaged_reason is not None and not reason:
        raise DomainError("Give a reason for the damage")
    with store.unit_of_work() as uow:
        s = uow.session
        d = find_delivery(s, reference, lock=True)
        _require_open(s, d)
        try:
            found = find_product_by_scan(s, scanned)
        except NotFound:
            raise UnknownBarcode(scanned) from None
        product = found.product
        qty = count * found.pack_qty
        check_sanity(s, product.sku, qty, confirmed)
        line = s.exec(
            select(DeliveryLine).where(
                DeliveryLine.delivery_id == d.id, DeliveryLine.product_id == product.id
            )
        ).first()
        if line is None:
            line = DeliveryLine(delivery_id=d.id, product_id=product.id, expected_qty=0)
        unexpected = line.expected_qty == 0
        if line.received_qty + qty > MAX_LINE_UNITS:
            raise DomainError(
                f"{product.sku}: {line.received_qty + qty:,} on {d.reference} would be more "
                f"than {MAX_LINE_UNITS:,}"
            )
        check_over_receipt(s, d, product.sku, line, qty, confirmed)
        # Damaged units go to quarantine, good ones to this terminal's receiving
        # location; one event per scan either way: what "undo" takes back. The
        # report finds damage reasons again by delivery_ref (the event's detail).
        damaged = damaged_reason is not None
        loc = (
            default_location(s, LocationKind.QUARANTINE)
            if damaged
            else receiving_location(s, actor.terminal)
        )
        move_stock(
            uow,
            actor,
            product,
            qty,
            from_loc=None,
            to_loc=loc,
            reason=MovementReason.QUARANTINED if damaged else MovementReason.RECEIVED,
            reference=d.reference,
        )
        if damaged:
            line.damaged_qty += qty
        events.log(
            uow,
            actor,
            EventKind.RECEIVING_DAMAGED if damaged else EventKind.RECEIVING_SCAN,
            sku=product.sku,
            qty=qty,
            delivery_ref=d.reference,
            to_location=loc.code,
            location=loc.code,
            detail=reason if damaged else "",
        )
        line.received_qty += qty
        uow.add(line)
        if d.status == DeliveryStatus.EXPECTED:
            d.status = DeliveryStatus.RECEIVING
            uow.add(d)
            events.log(
                uow,
                actor,
                EventKind.DELIVERY_STATUS,
                from_state=DeliveryStatus.EXPECTED,
                to_state=DeliveryStatus.RECEIVING,
                delivery_ref=d.reference,
                detail=d.reference,
            )
        uow.flush()
        view = receipt_view(s, d)
        uow.commit()
    return ScanResult(
        sku=product.sku,
        name=product.name,
        qty=qty,
        location=loc.code,
        damaged=damaged_reason is not None,
        unexpected=unexpected,
        receipt=view,
    )


@dataclass(frozen=True)
class UndoResult:
    sku: str
    qty: int
    damaged: bool
    receipt: Receipt

    @property
    def message(self) -> str:
        what = "damaged " if self.damaged else ""
        return f"Undone: {self.qty} × {what}{self.sku} taken off {self.receipt.reference}"


def undone_scans(session: Session, reference: str) -> set[int]:
    """Ids of the scan events on ``reference`` taken back by an undo (the undo's
    detail ends with the id of the scan it took back)."""
    details = session.exec(
        select(Event.detail).where(
            Event.kind == EventKind.RECEIVING_UNDO, Event.delivery_ref == reference
        )
    ).all()
    return {int(d.rsplit(" ", 1)[-1]) for d in details if d.rsplit(" ", 1)[-1].isdigit()}


@retrying
def undo_last_scan(store: Store, actor: Actor, reference: str) -> UndoResult:
    """Take back this terminal's last scan on the delivery (a wrong count, a
    double scan): the units leave the receiving (or quarantine) location again
    and the line's count drops, logged as ``receiving.undo``. Another terminal's
    scans are theirs to undo; units already put away cannot be taken back here.
    """
    actor.require(*RECEIVER_ROLES, action="receive deliveries")
    with store.unit_of_work() as uow:
        s = uow.session
        d = find_delivery(s, reference, lock=True)
        _require_open(s, d)
        done = undone_scans(s, d.reference)
        scans = s.exec(
            select(Event)
            .where(
                col(Event.kind).in_((EventKind.RECEIVING_SCAN, EventKind.RECEIVING_DAMAGED)),
                Event.delivery_ref == d.reference,
                Event.terminal == actor.terminal,
            )
            .order_by(col(Event.id).desc())
        ).all()
        last = next((e for e in scans if e.id not in done), None)
        if last is None:
            raise DomainError(f"Nothing scanned on {d.reference} at {actor.terminal} to undo")
        product = s.exec(select(Product).where(Product.sku == last.sku)).one()
        line = s.exec(
            select(DeliveryLine).where(
                DeliveryLine.delivery_id == d.id, DeliveryLine.product_id == product.id
            )
        ).one()
        qty = last.qty or 0
        damaged = last.kind == EventKind.RECEIVING_DAMAGED
        if not damaged and line.received_qty - line.damaged_qty - line.put_away_qty < qty:
            raise DomainError(
                f"{qty} × {product.sku} already put away: undo refused (count the bin instead)"
            )
        loc = s.exec(select(Location).where(Location.code == last.location)).one()
        move_stock(
            uow,
            actor,
            product,
            qty,
            from_loc=loc,
            to_loc=None,
            reason=MovementReason.ADJUSTED,
            reference=d.reference,
        )
        line.received_qty -= qty
        if damaged:
            line.damaged_qty -= qty
        uow.add(line)
        events.log(
            uow,
            actor,
            EventKind.RECEIVING_UNDO,
            sku=product.sku,
            qty=qty,
            delivery_ref=d.reference,
            from_location=loc.code,
            location=loc.code,
            detail=f"undid {'damaged ' if damaged else ''}scan event {last.id}",
        )
        uow.flush()
        view = receipt_view(s, d)
        uow.commit()
    return UndoResult(product.sku, qty, damaged, view)


def identify(store: Store, code: str) -> tuple[str, str, int]:
    """(sku, name, pack qty) for a scanned code, or :class:`UnknownBarcode`."""
    scanned = clean_scan(code)
    if not scanned:
        raise DomainError("Scan a barcode or type a SKU")
    with store.read() as s:
        try:
            found = find_product_by_scan(s, scanned)
        except NotFound:
            raise UnknownBarcode(scanned) from None
        return found.product.sku, found.product.name, found.pack_qty


# --------------------------------------------------------------------------- barcodes


@retrying
def link_barcode(
    store: Store,
    actor: Actor,
    code: str,
    product_code: str,
    *,
    approver: Credential | None = None,
) -> LinkResult:
    """Link an unknown unit barcode to an existing product (a supervisor's say-so)."""
    barcode = clean_scan(code)
    target = clean_scan(product_code)
    if not barcode:
        raise DomainError("Scan the new barcode first")
    if not target:
        raise DomainError("Scan or type the SKU to link it to")
    if len(barcode) > 32:
        raise DomainError(f"Barcode {barcode[:20]}… is too long (at most 32 characters)")
    approved = approval.verify(store, actor, approver, action="linking a barcode")
    with store.unit_of_work() as uow:
        s = uow.session
        who = approval.supervisor(actor, approved, action="linking a barcode")
        existing = s.exec(select(ProductBarcode).where(ProductBarcode.code == barcode)).first()
        if existing is not None:
            other = s.get(Product, existing.product_id)
            raise Conflict(f"{barcode} is already linked to {other.sku if other else '?'}")
        clash = s.exec(select(Product).where(Product.sku == barcode)).first()
        if clash is not None:
            raise Conflict(f"{barcode} is the SKU of {clash.name}; it cannot be a barcode too")
        try:
            product = find_product_by_scan(s, target).product
        except NotFound:
            raise NotFound(f"Unknown SKU {target}") from None
        uow.add(ProductBarcode(code=barcode, product_id=product.id, pack_qty=1))
        events.log(
            uow,
            who,
            EventKind.BARCODE_LINKED,
            sku=product.sku,
            detail=f"{barcode} linked at {actor.terminal} for {actor.name}",
        )
        uow.commit()
    return LinkResult(code=barcode, sku=product.sku, name=product.name, authorised_by=who.name)


# --------------------------------------------------------------------------- closing


def discrepancies(receipt: Receipt) -> Discrepancies:
    lines = receipt.lines

    def of(kind: Discrepancy) -> tuple[ReceiptLine, ...]:
        return tuple(ln for ln in lines if ln.check.kind is kind)

    return Discrepancies(
        reference=receipt.reference,
        short=of(Discrepancy.SHORT),
        over=of(Discrepancy.OVER),
        unexpected=of(Discrepancy.UNEXPECTED),
        damaged=tuple(ln for ln in lines if ln.damaged > 0),
    )


def _require_closable(session: Session, d: Delivery) -> Receipt:
    _require_open(session, d)
    view = receipt_view(session, d)
    if view.received_units == 0:
        raise DomainError(f"Nothing received on {d.reference} yet: scan units before closing")
    return view


def close_preview(store: Store, actor: Actor, reference: str) -> Discrepancies:
    """What closing would report; refuses an empty or already closed receipt."""
    actor.require(*RECEIVER_ROLES, action="close receipts")
    with store.read() as s:
        return discrepancies(_require_closable(s, find_delivery(s, reference)))


@retrying
def close_receipt(store: Store, actor: Actor, reference: str) -> tuple[Receipt, Discrepancies]:
    """Close and freeze the receipt; a supervisor exception records any discrepancy."""
    actor.require(*RECEIVER_ROLES, action="close receipts")
    with store.unit_of_work() as uow:
        s = uow.session
        d = find_delivery(s, reference, lock=True)
        _require_closable(s, d)
        before = DeliveryStatus(d.status)
        d.status = DeliveryStatus.CLOSED
        d.closed_at = utcnow()
        d.closed_by_id = actor.operator_id
        uow.add(d)
        view = receipt_view(s, d)
        found = discrepancies(view)
        events.log(
            uow,
            actor,
            EventKind.DELIVERY_STATUS,
            from_state=before,
            to_state=DeliveryStatus.CLOSED,
            delivery_ref=d.reference,
            detail=f"{d.reference}: {found.summary()}",
        )
        if not found.clean:
            uow.add(
                WmsException(
                    kind=ExceptionKind.RECEIVING,
                    location=f"delivery:{d.reference}",
                    sku=", ".join(ln.sku for ln in (*found.short, *found.over, *found.unexpected))[
                        :500
                    ],
                    operator_id=actor.operator_id,
                    operator_name=actor.name,
                    terminal=actor.terminal,
                    message=f"Delivery {d.reference}: {found.summary()}",
                )
            )
        uow.commit()
    return view, found
