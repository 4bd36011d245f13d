""" "Where is my order?": find an order by anything a customer or a parcel carries.

:func:`search` accepts an order name (``#D1042``, ``D1042``, ``d1042``: case and
the ``#`` do not matter, see :mod:`order_names`), a customer's name,
an e-mail address, a phone number typed any way (``070-174 06 26`` finds
``+46 70 174 06 26``), a tracking number or an SSCC (scanned from the label,
with or without the ``(00)`` prefix). Each kind is one indexed or bounded
query; results are merged, best match first. Who may search by (and read) a
customer's e-mail and phone is :data:`CONTACT_ROLES`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from wms_tui.domain.actor import Actor
from wms_tui.domain.enums import OrderStatus, ParcelStatus, Role
from wms_tui.domain.errors import DomainError
from wms_tui.domain.models import (
    Carrier,
    Order,
    Parcel,
)
from wms_tui.domain.scans import clean_scan
from wms_tui.services.core import order_names
from wms_tui.services.dispatch.handover import parcel_code
from wms_tui.store import Store

S = OrderStatus
LIMIT = 50


@dataclass(frozen=True)
class OrderHit:
    order_id: int
    name: str
    customer_name: str
    email: str
    status: str
    carrier_code: str
    tracking: str  # first tracking number, if any
    matched: str  # what the query matched: order, customer, e-mail, phone, tracking, SSCC
    created_at: datetime


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _phone_expr(column):  # noqa: ANN001, ANN202 - SQL expression in, out
    """The phone column with spaces, dashes, dots, brackets and plus signs removed."""
    expr = column
    for ch in (" ", "-", "+", "(", ")", "."):
        expr = func.replace(expr, ch, "")
    return expr


# Who may read (and search by) a customer's e-mail and phone: those whose work
# involves the customer. A picker needs the order, not the person.
CONTACT_ROLES = (Role.SUPERVISOR, Role.PACKER, Role.RECEIVER)


def sees_contacts(actor: Actor) -> bool:
    return any(actor.has(r) for r in CONTACT_ROLES)


def search(
    session: Session, query: str, limit: int = LIMIT, *, contacts: bool = True
) -> list[OrderHit]:
    q = clean_scan(query)
    if not q:
        raise DomainError("Type an order number, name, e-mail, phone, tracking number or SSCC")
    found: dict[int, str] = {}  # order id -> what matched, in priority order

    def add(ids: list[int], matched: str) -> None:
        for oid in ids:
            found.setdefault(oid, matched)

    code = parcel_code(q)
    rows = session.exec(
        select(Parcel.order_id, Parcel.sscc).where(
            (Parcel.sscc == code) | col(Parcel.tracking_number).in_({code, q})
        )
    ).all()
    for oid, sscc in rows:
        found.setdefault(oid, "SSCC" if sscc == code else "tracking")

    named = order_names.find(session, q)
    if named is not None:
        add([named.id], "order")  # type: ignore[list-item]
    if len(q) >= 2:
        add(
            list(
                session.exec(
                    select(Order.id)
                    .where(order_names.starts_with(q))
                    .order_by(col(Order.name))
                    .limit(limit)
                ).all()
            ),
            "order",
        )
    if "@" in q and contacts:
        add(
            list(
                session.exec(
                    select(Order.id)
                    .where(func.lower(Order.email).contains(q.lower(), autoescape=True))
                    .order_by(col(Order.created_at).desc())
                    .limit(limit)
                ).all()
            ),
            "e-mail",
        )
    digits = _digits(q).lstrip("0")
    if contacts and len(digits) >= 6 and len(_digits(q)) >= len(re.sub(r"[\s+().-]", "", q)):
        add(
            list(
                session.exec(
                    select(Order.id)
                    .where(
                        or_(
                            _phone_expr(Order.phone).contains(digits),
                            _phone_expr(Order.ship_phone).contains(digits),
                        )
                    )
                    .order_by(col(Order.created_at).desc())
                    .limit(limit)
                ).all()
            ),
            "phone",
        )
    if len(q) >= 2 and not q.isdigit():
        # SQLite's lower() folds ASCII only, so "öberg" would miss "Öberg": also try
        # the query as typed, lower, upper and Title Case against the raw column.
        forms = {q, q.lower(), q.upper(), q.title()}
        conds = [func.lower(Order.customer_name).contains(q.lower(), autoescape=True)]
        conds += [func.lower(Order.ship_name).contains(q.lower(), autoescape=True)]
        for form in forms:
            conds.append(col(Order.customer_name).contains(form, autoescape=True))
            conds.append(col(Order.ship_name).contains(form, autoescape=True))
        add(
            list(
                session.exec(
                    select(Order.id)
                    .where(or_(*conds))
                    .order_by(col(Order.created_at).desc())
                    .limit(limit)
                ).all()
            ),
            "customer",
        )
    ids = list(found)[:limit]
    if not ids:
        return []
    orders = {
        o.id: (o, code)
        for o, code in session.exec(
            select(Order, Carrier.code)
            .join(Carrier, col(Carrier.id) == Order.carrier_id, isouter=True)
            .where(col(Order.id).in_(ids))
        ).all()
    }
    tracking: dict[int, str] = {}
    for oid, tn in session.exec(
        select(Parcel.order_id, Parcel.tracking_number)
        .where(col(Parcel.order_id).in_(ids), Parcel.status != ParcelStatus.VOID)
        .order_by(col(Parcel.seq))
    ).all():
        if tn:
            tracking.setdefault(oid, tn)
    return [
        OrderHit(
            order_id=oid,
            name=orders[oid][0].name,
            customer_name=orders[oid][0].customer_name,
            email=orders[oid][0].email if contacts else "",
            status=str(orders[oid][0].status),
            carrier_code=orders[oid][1] or "",
            tracking=tracking.get(oid, ""),
            matched=found[oid],
            created_at=orders[oid][0].created_at,
        )
        for oid in ids
        if oid in orders
    ]


def find(store: Store, actor: Actor, query: str) -> list[OrderHit]:
    """Orders matching ``query``; without a contact role no e-mail or phone is
    searched or shown (the screen shows what it gets)."""
    with store.read() as session:
        return search(session, query, contacts=sees_contacts(actor))
