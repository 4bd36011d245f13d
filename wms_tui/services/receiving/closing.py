"""Closing a receipt: what it reports, and the supervisor exception a discrepancy raises."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from wms_tui.domain.actor import Actor
from wms_tui.domain.clock import utcnow
from wms_tui.domain.enums import DeliveryStatus, EventKind, ExceptionKind
from wms_tui.domain.errors import DomainError
from wms_tui.domain.models import Delivery, WmsException
from wms_tui.domain.receiving import Discrepancy
from wms_tui.domain.text import plural
from wms_tui.services.core import events
from wms_tui.services.receiving.deliveries import (
    RECEIVER_ROLES,
    Receipt,
    ReceiptLine,
    find_delivery,
    receipt_view,
    require_open,
)
from wms_tui.store import Store, retrying


@dataclass(frozen=True)
class Discrepancies:
    """What closing a receipt would report."""

    reference: str
    short: tuple[ReceiptLine, ...]
    over: tuple[ReceiptLine, ...]
    unexpected: tuple[ReceiptLine, ...]
    damaged: tuple[ReceiptLine, ...]
    # A blind receipt expected nothing, so it has nothing to compare: "no discrepancies"
    # (and "Everything arrived as expected") said more than anyone knew.
    blind: bool = False
    units: int = 0  # received, damaged included
    products: int = 0

    @property
    def clean(self) -> bool:
        return not (self.short or self.over or self.unexpected or self.damaged)

    def summary(self) -> str:
        parts = []
        if self.blind:
            parts.append(
                f"blind: {plural(self.units, 'unit')} of {plural(self.products, 'product')} counted"
            )
        if self.short:
            parts.append(f"{len(self.short)} short")
        if self.over:
            parts.append(f"{len(self.over)} over")
        if self.unexpected:
            parts.append(f"{len(self.unexpected)} unexpected")
        if self.damaged:
            parts.append(f"{sum(ln.damaged for ln in self.damaged)} damaged")
        return ", ".join(parts) if parts else "no discrepancies"


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
        blind=receipt.blind,
        units=receipt.received_units,
        products=sum(1 for ln in lines if ln.received > 0),
    )


def _require_closable(session: Session, d: Delivery) -> Receipt:
    require_open(session, d)
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
                WmsException.raised_by(
                    actor,
                    ExceptionKind.RECEIVING,
                    f"Delivery {d.reference}: {found.summary()}",
                    location=f"delivery:{d.reference}",
                    sku=", ".join(ln.sku for ln in (*found.short, *found.over, *found.unexpected))[
                        :500
                    ],
                )
            )
        uow.commit()
    return view, found
