"""Printing a packed order's papers again, by its name or a parcel's SSCC or tracking number."""

from __future__ import annotations

from sqlmodel import Session, select

from wms_tui.domain.actor import Actor
from wms_tui.domain.enums import EventKind, OrderStatus, Role
from wms_tui.domain.errors import DomainError, NotFound
from wms_tui.domain.models import Order, Parcel
from wms_tui.domain.shown import excerpt
from wms_tui.services.core import events, order_names
from wms_tui.services.packing.documents import Documents, produce
from wms_tui.services.packing.paper_data import PRINTED_STATUSES, printed_parcels
from wms_tui.store import Store, retrying


def find_packed_order(session: Session, code: str) -> tuple[Order, Parcel | None]:
    """An order by name (``#1042``, ``1042``, ``d1042``), or the parcel (and its
    order) an SSCC or tracking number names."""
    code = code.strip()
    order = order_names.find(session, code)
    if order is not None:
        return order, None
    parcel = session.exec(
        select(Parcel).where(
            (Parcel.tracking_number == code.upper()) | (Parcel.sscc == code.removeprefix("00"))
        )
    ).first()
    if parcel is not None:
        order = session.get(Order, parcel.order_id)
        if order is not None:
            return order, parcel
    raise NotFound(f"No order, SSCC or tracking number {excerpt(code)}")


@retrying
def reprint(
    store: Store,
    actor: Actor,
    code: str,
    *,
    labels: bool = True,
    slip: bool | None = None,
    zpl: bool | None = None,
    printer: str | None = None,
    send: bool = True,
) -> Documents:
    """Print a packed order's label(s) and/or slip again, from what was stored.

    An SSCC or tracking number names one parcel: only that parcel's label is
    printed again (the others of the order are on their boxes already), with its
    customs paper when it leaves the EU.
    ``slip=None``: the slip when ``code`` names the order, not for one parcel.
    """
    actor.require(Role.PACKER, Role.SUPERVISOR, action="reprint labels")
    if not (labels or slip or slip is None):
        raise DomainError("Nothing to reprint: choose the label, the slip or both")
    with store.unit_of_work() as uow:
        order, parcel = find_packed_order(uow.session, code)
        only = parcel.seq if parcel is not None else None
        if slip is None:
            slip = only is None
            if not (labels or slip):
                raise DomainError("Nothing to reprint: choose the label, the slip or both")
        if parcel is not None and parcel.status not in PRINTED_STATUSES:
            raise DomainError(f"Parcel {code.strip()} of {order.name} is not closed: no label yet")
        if not printed_parcels(uow.session, order):
            status = OrderStatus(order.status)
            raise DomainError(
                f"Order {order.name} is {status.label}, not packed: nothing to reprint"
            )
        what = " and ".join(w for w, on in (("label", labels), ("slip", slip)) if on)
        events.log(
            uow,
            actor,
            EventKind.LABEL_REPRINT,
            order=order,
            detail=f"{what}{' zpl' if zpl else ''}"
            + (f" of parcel {only}" if only is not None else ""),
        )
        order_id = order.id
        uow.commit()
    return produce(
        store,
        order_id,  # type: ignore[arg-type]
        actor.terminal,
        only_parcel=only,
        labels=labels,
        slip=slip,
        zpl=zpl,
        printer=printer,
        send=send,
    )
