"""A packed order whose papers did not print is the supervisor's business too.

The packer reads one line at the station and may walk on; a label held in a stopped
queue, a job CUPS aborted or a printer that refused stays open in the exceptions inbox
("Printing") until the order's papers print (a reprint that goes through closes it) or a
supervisor acknowledges it. One open exception per order: a second failure updates it.
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from wms_tui.domain.clock import utcnow
from wms_tui.domain.enums import ExceptionKind
from wms_tui.domain.models import Order, Parcel, WmsException
from wms_tui.store import Store, retrying

#: The inbox's detail shows a few rows; the packer's lines are kept whole up to this.
MESSAGE_LIMIT = 500


@retrying
def record(store: Store, order_id: int, terminal: str, lines: list[str]) -> None:
    """Open (or update) the order's printing exception with ``lines``; none: close it."""
    with store.read() as s:
        open_id = _open_one(s, order_id)
    if not lines and open_id is None:
        return  # the usual case: printed, nothing open, no write transaction
    with store.unit_of_work() as uow:
        s = uow.session
        found = s.get(WmsException, open_id) if open_id is not None else None
        if not lines:
            if found is not None and found.resolved_at is None:
                found.resolved_at = utcnow()
                uow.add(found)
                uow.commit()
            return
        order = s.get(Order, order_id)
        name = order.name if order is not None else f"order {order_id}"
        message = f"Papers of {name} did not print at {terminal}: {'; '.join(lines)}"
        packer = s.exec(
            select(Parcel)
            .where(Parcel.order_id == order_id)
            .order_by(col(Parcel.packed_at).desc(), col(Parcel.seq).desc())
        ).first()
        if found is None or found.resolved_at is not None:
            found = WmsException(kind=ExceptionKind.PRINT, order_id=order_id)
        found.at = utcnow()
        found.terminal = terminal
        found.message = message[:MESSAGE_LIMIT]
        if packer is not None:
            found.operator_id, found.operator_name = packer.packed_by_id, packer.packed_by_name
        uow.add(found)
        uow.commit()


def _open_one(session: Session, order_id: int) -> int | None:
    return session.exec(
        select(WmsException.id).where(
            WmsException.kind == ExceptionKind.PRINT,
            WmsException.order_id == order_id,
            col(WmsException.resolved_at).is_(None),
        )
    ).first()
