"""Deliveries and their receipts as the receiving screens see them.

A delivery is found by its reference (as scanned or typed); its receipt is
what arrived against what was expected, line by line. Scanning units in is
:mod:`~wms_tui.services.receiving.receipt`, closing it
:mod:`~wms_tui.services.receiving.closing`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from functools import cache

from sqlalchemy import bindparam
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import Select

from wms_tui.domain.enums import DeliveryStatus, Role
from wms_tui.domain.errors import Conflict, NotFound
from wms_tui.domain.models import Delivery, DeliveryLine, Operator, Product, ProductBarcode
from wms_tui.domain.receiving import Discrepancy, LineCheck, check_line
from wms_tui.domain.scans import clean_scan
from wms_tui.domain.shown import excerpt
from wms_tui.services.core.clock import warehouse_zone
from wms_tui.store import Store

RECEIVER_ROLES = (Role.RECEIVER, Role.SUPERVISOR)


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
    product_id: int = 0  # what a later scan's counts are matched by (with_counts)

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


def closed_message(session: Session, d: Delivery) -> str:
    by = ""
    if d.closed_by_id is not None:
        op = session.get(Operator, d.closed_by_id)
        by = f" by {op.name}" if op else ""
    closed = d.closed_at.astimezone(warehouse_zone(session)) if d.closed_at else None
    when = f" on {closed:%Y-%m-%d %H:%M}" if closed else ""
    return f"Delivery {d.reference} was closed{when}{by}: nothing more can be received"


def require_open(session: Session, d: Delivery) -> None:
    if d.status == DeliveryStatus.CLOSED:
        raise Conflict(closed_message(session, d))


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
            product_id=p.id or 0,
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


@dataclass(frozen=True)
class LineCounts:
    """One delivery line's numbers as stored: what every scan changes."""

    line_id: int
    product_id: int
    expected: int
    received: int
    damaged: int
    put_away: int


def line_counts(session: Session, delivery_id: int) -> dict[int, LineCounts]:
    """The delivery's lines' numbers by product id, as plain values (no ORM rows):
    a scan reads them once, for its own line and for every other terminal's counts."""
    rows = session.execute(_line_counts(), {"delivery_id": delivery_id}).all()
    return {row[1]: LineCounts(*row) for row in rows}


@cache
def _line_counts() -> Select:
    return select(
        DeliveryLine.id,
        DeliveryLine.product_id,
        DeliveryLine.expected_qty,
        DeliveryLine.received_qty,
        DeliveryLine.damaged_qty,
        DeliveryLine.put_away_qty,
    ).where(DeliveryLine.delivery_id == bindparam("delivery_id"))


def with_counts(
    known: Receipt | None, d: Delivery, counts: dict[int, LineCounts]
) -> Receipt | None:
    """``known`` (the receipt a terminal shows) with the counts just read, or None when
    it does not describe this delivery's lines any more (a line added since, another
    delivery): the caller then reads the receipt whole. Names, options and barcodes
    are the known ones; what a scan or another terminal changes is the counts."""
    if known is None or known.reference != d.reference or len(known.lines) != len(counts):
        return None
    lines = []
    for ln in known.lines:
        c = counts.get(ln.product_id)
        if c is None:
            return None
        lines.append(
            replace(
                ln,
                expected=c.expected,
                received=c.received,
                damaged=c.damaged,
                put_away=c.put_away,
                blind=d.blind,
            )
        )
    return replace(
        known,
        supplier=d.supplier,
        expected_date=d.expected_date,
        status=DeliveryStatus(d.status),
        blind=d.blind,
        lines=tuple(lines),
        report_file=d.report_file,
    )


def get_receipt(store: Store, reference: str, *, known: Receipt | None = None) -> Receipt:
    """The receipt as stored; given the one a terminal shows, only the counts are read
    (the whole receipt when its lines no longer match: :func:`with_counts`)."""
    with store.read() as s:
        d = find_delivery(s, reference)
        if known is not None:
            kept = with_counts(known, d, line_counts(s, d.id))  # type: ignore[arg-type]
            if kept is not None:
                return kept
        return receipt_view(s, d)


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
