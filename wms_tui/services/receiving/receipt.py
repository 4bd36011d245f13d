"""Receiving a delivery: scan units in, quarantine damaged ones.

Every scan is its own small transaction, so a handheld that crashes (or a battery that
dies) loses at most the scan in flight. Good units go to a receiving location and wait
for put-away; damaged units go straight to quarantine and are never pickable.

``DeliveryLine.received_qty`` counts every unit that arrived, damaged ones included;
``damaged_qty`` is the part of it that went to quarantine, so the good units waiting
for put-away are ``received - damaged - put_away``.

Finding a delivery and its receipt is :mod:`~wms_tui.services.receiving.deliveries`;
taking a wrong scan back :mod:`~wms_tui.services.receiving.receipt_undo`; closing it
with a discrepancy list :mod:`~wms_tui.services.receiving.closing`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cache

from sqlalchemy import bindparam, or_, update
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import Select

from wms_tui.domain.actor import Actor
from wms_tui.domain.enums import DeliveryStatus, EventKind, LocationKind, MovementReason
from wms_tui.domain.errors import DomainError, NotFound
from wms_tui.domain.models import Delivery, DeliveryLine, Location, Station
from wms_tui.domain.numbers import read_int
from wms_tui.domain.receiving import MAX_LINE_UNITS, over_tolerance
from wms_tui.domain.scans import clean_scan
from wms_tui.domain.shown import excerpt
from wms_tui.services.core import clock, counters, events, settings
from wms_tui.services.core.locations import default_location
from wms_tui.services.inventory.stock import find_product_by_scan, move_stock
from wms_tui.services.receiving.deliveries import (
    RECEIVER_ROLES,
    Receipt,
    ReceiptLine,
    find_delivery,
    line_counts,
    receipt_view,
    require_open,
    with_counts,
)
from wms_tui.store import Store, UnitOfWork, retrying

DAMAGE_REASONS: tuple[str, ...] = (
    "Crushed or broken",
    "Wet or stained",
    "Packaging opened",
    "Parts missing",
    "Wrong item in box",
)


class NeedsConfirmation(DomainError):
    """The request is allowed but unusual; call again with ``confirmed=True``."""


class UnknownBarcode(NotFound):
    """A scanned code that no product has; a supervisor may link it."""

    def __init__(self, code: str) -> None:
        super().__init__(f"Unknown barcode {excerpt(code)}")
        self.code = code


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


@cache
def _receiving_location() -> Select:
    """An active receiving location that is the terminal's station's or has the
    terminal's name, the station's first; built once (every receiving scan asks)."""
    station_loc = (
        select(Station.location_id)
        .where(Station.code == bindparam("terminal"))
        .limit(1)
        .scalar_subquery()
    )
    return (
        select(Location)
        .where(
            Location.kind == LocationKind.RECEIVING,
            col(Location.active).is_(True),
            or_(col(Location.id) == station_loc, Location.code == bindparam("code")),
        )
        .order_by((col(Location.id) == station_loc).desc())
        .limit(1)
    )


def receiving_location(session: Session, terminal: str) -> Location:
    """Where this terminal's good units land: its station's location, else the
    receiving location named like the terminal, else RCV-1 (the default)."""
    if terminal:
        params = {"terminal": terminal, "code": terminal.upper()}
        loc = session.exec(_receiving_location(), params=params).first()
        if loc is not None:
            return loc
    return default_location(session, LocationKind.RECEIVING)


# --------------------------------------------------------------------------- starting


def start_receipt(store: Store, actor: Actor, reference: str) -> Receipt:
    """Open an expected delivery for receiving (nothing is written until the first scan)."""
    actor.require(*RECEIVER_ROLES, action="receive deliveries")
    with store.read() as s:
        d = find_delivery(s, reference)
        require_open(s, d)
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
        if value.isascii() and value.isdigit():  # digits, only too many of them to read
            raise DomainError(
                f"Count must be at most {MAX_LINE_UNITS:,} (got {excerpt(value, 10)})"
            ) from None
        raise DomainError(f"Count must be a whole number (got {excerpt(value)})") from None
    if n < 1:
        raise DomainError(f"Count must be at least 1 (got {n})")
    if n > MAX_LINE_UNITS:
        raise DomainError(f"Count must be at most {MAX_LINE_UNITS:,} (got {n:,})")
    return n


def confirm_or_raise(confirmed: bool, question: str) -> None:
    """An unusual request goes ahead only with the receiver's yes: without it, ask."""
    if question and not confirmed:
        raise NeedsConfirmation(question)


def sanity_question(session: Session, sku: str, qty: int) -> str:
    """A count above the house limit is more often a typo than a delivery."""
    if qty > MAX_LINE_UNITS:
        # Beyond any delivery: refused outright, a yes would not make it true.
        raise DomainError(f"{qty:,} × {sku} is more than {MAX_LINE_UNITS:,} at once: count again")
    limit = settings.get_int(session, "receiving_sanity_limit")
    return f"{qty} × {sku} is more than {limit} at once: sure?" if qty > limit else ""


def over_receipt_question(
    session: Session, d: Delivery, sku: str, line: DeliveryLine, qty: int
) -> str:
    """More than the tolerated over-receipt needs the receiver's yes (a miscount,
    or a supplier's extra the buyer never ordered)."""
    tolerance = settings.get_int(session, "receiving_over_tolerance_pct")
    after = line.received_qty + qty
    if not over_tolerance(line.expected_qty, after, tolerance):
        return ""
    return (
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
    known: Receipt | None = None,
) -> ScanResult:
    """Receive ``count`` scans of ``code`` (a case code counts its pack quantity each).

    Good units go to the terminal's receiving location; with ``damaged_reason`` they
    go to quarantine instead. Raises (changing nothing) on a closed delivery, an
    unknown barcode, a count below 1, or a count above the sanity limit unless
    ``confirmed``.

    ``known`` is the receipt the terminal shows. The lines' counts are read once,
    before the write, under the delivery's lock; the answer's receipt is ``known``
    with those counts (another terminal's scans included) and this scan's units,
    instead of the whole receipt read again after the write. A receipt whose lines
    no longer match (a line added, another delivery, none given) is read whole.
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
        require_open(s, d)
        try:
            found = find_product_by_scan(s, scanned)
        except NotFound:
            raise UnknownBarcode(scanned) from None
        product = found.product
        qty = count * found.pack_qty
        confirm_or_raise(confirmed, sanity_question(s, product.sku, qty))
        counts = line_counts(s, d.id)  # type: ignore[arg-type]
        was = counts.get(product.id)  # type: ignore[arg-type]
        line = DeliveryLine(
            id=was.line_id if was else None,
            delivery_id=d.id,
            product_id=product.id,
            expected_qty=was.expected if was else 0,
            received_qty=was.received if was else 0,
            damaged_qty=was.damaged if was else 0,
            put_away_qty=was.put_away if was else 0,
        )
        # A blind receipt expected nothing, so nothing on it is a surprise (the
        # screen rang the bell at every good scan of one).
        unexpected = line.expected_qty == 0 and not d.blind
        if line.received_qty + qty > MAX_LINE_UNITS:
            raise DomainError(
                f"{product.sku}: {line.received_qty + qty:,} on {d.reference} would be more "
                f"than {MAX_LINE_UNITS:,}"
            )
        confirm_or_raise(confirmed, over_receipt_question(s, d, product.sku, line, qty))
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
        hurt = qty if damaged else 0
        if was is None:
            line.received_qty, line.damaged_qty = qty, hurt
            uow.add(line)
        else:
            # The count is added in SQL, not written back as read: the delivery's lock
            # makes the two the same here, and the statement says what the scan does.
            s.execute(
                update(DeliveryLine)
                .where(col(DeliveryLine.id) == was.line_id)
                .values(
                    received_qty=DeliveryLine.received_qty + qty,
                    damaged_qty=DeliveryLine.damaged_qty + hurt,
                )
                .execution_options(synchronize_session=False)
            )
            counts[product.id] = replace(  # type: ignore[index]
                was, received=was.received + qty, damaged=was.damaged + hurt
            )
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
        view = with_counts(known, d, counts) if was is not None else None
        if view is None:
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
