"""What an integration announces is coming in: supplier deliveries (ASN) and customer returns.

An ASN goes through the ASN file import itself (``receiving/asn.import_asn``):
the JSON is written as the same CSV, so both refuse the same things with the
same reasons. A return announcement is checked against the returns desk's own
rules (shipped, units still returnable) and written to the order's timeline
(``return.announced``), so the desk sees it in the order's history when the
parcel arrives; the booking itself stays the desk's.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date

from sqlmodel import select

from wms_tui.domain.actor import Actor
from wms_tui.domain.enums import EventKind, Role
from wms_tui.domain.errors import DomainError
from wms_tui.domain.models import Order
from wms_tui.domain.text import plural
from wms_tui.services.core import events
from wms_tui.services.receiving import asn
from wms_tui.store import Store, retrying


@dataclass(frozen=True)
class AsnLine:
    sku: str
    quantity: int


def announce_delivery(
    store: Store,
    actor: Actor,
    reference: str,
    supplier: str,
    expected_date: date | None,
    lines: list[AsnLine],
) -> asn.ImportedDelivery:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["reference", "supplier", "expected_date", "sku", "quantity"])
    for line in lines:
        writer.writerow(
            [
                reference,
                supplier,
                expected_date.isoformat() if expected_date else "",
                line.sku,
                line.quantity,
            ]
        )
    try:
        [done] = asn.import_asn(store, actor, out.getvalue().encode())
    except asn.AsnImportError as exc:
        reasons = "; ".join(str(e).split(": ", 1)[-1] for e in exc.errors[:5])
        raise DomainError(f"Delivery {reference} refused: {reasons}") from None
    return done


@dataclass(frozen=True)
class ReturnLine:
    sku: str
    quantity: int


@dataclass(frozen=True)
class ReturnAnnounced:
    order: str
    units: int
    rma: str


@retrying
def announce_return(
    store: Store, actor: Actor, order_name: str, lines: list[ReturnLine], reason: str = ""
) -> ReturnAnnounced:
    from wms_tui.services.returns import returnable

    actor.require(Role.RECEIVER, Role.SUPERVISOR, action="announce returns")
    view = returnable.lookup(store, order_name)
    by_sku = {ln.sku: ln for ln in view.lines}
    for line in lines:
        shipped = by_sku.get(line.sku)
        if shipped is None:
            raise DomainError(f"Order {view.name} has no shipped line for SKU {line.sku}")
        if line.quantity > shipped.returnable:
            raise DomainError(
                f"Order {view.name}: only {plural(shipped.returnable, 'unit')} of "
                f"{line.sku} can come back"
            )
    units = sum(line.quantity for line in lines)
    with store.unit_of_work() as uow:
        order = uow.session.exec(select(Order).where(Order.id == view.order_id)).one()
        for line in lines:
            events.log(
                uow,
                actor,
                EventKind.RETURN_ANNOUNCED,
                order=order,
                sku=line.sku,
                qty=line.quantity,
                detail=(reason or "announced by the shop")[:200],
            )
        uow.commit()
    return ReturnAnnounced(view.name, units, view.rma)
