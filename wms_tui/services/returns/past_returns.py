"""Earlier returns of an order, as the desk shows them when the order is scanned."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import col, select

from wms_tui.domain.models import (
    Location,
    Operator,
    Order,
    OrderLine,
    ReturnLine,
    ReturnReason,
    ReturnReceipt,
)
from wms_tui.services.core.clock import warehouse_zone
from wms_tui.store import Store


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
                    at=r.at.astimezone(tz),
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
