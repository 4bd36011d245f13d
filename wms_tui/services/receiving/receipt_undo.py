"""Taking back a receiving scan: a receiver's wrong count or double scan undone at the
terminal that made it, the units off the receiving (or quarantine) location again, and
which scans an undo took back (the receiving documents leave them out).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from wms_tui.domain.actor import Actor
from wms_tui.domain.enums import EventKind, MovementReason
from wms_tui.domain.errors import DomainError
from wms_tui.domain.models import DeliveryLine, Event, Location, Product
from wms_tui.services.core import events
from wms_tui.services.inventory.stock import move_stock
from wms_tui.services.receiving.deliveries import (
    RECEIVER_ROLES,
    Receipt,
    find_delivery,
    receipt_view,
    require_open,
)
from wms_tui.store import Store, retrying


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
        require_open(s, d)
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
