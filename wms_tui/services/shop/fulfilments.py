"""Fulfilments out: each parcel handed to its carrier becomes one fulfilment in the shop.

The hand-over scan (``services/dispatch/handover.load_parcel``) writes an
outbox row in its own transaction (``queue``); nothing there talks to the
network. ``send_due`` (run by ``wms sync``) sends due rows: it reads what the
parcel holds (its pack scans; a single-parcel order without scans: its lines),
asks the shop for the order's fulfilment orders, and fulfils exactly those
units with the parcel's carrier, tracking number and tracking URL -- a
partial shipment fulfils only what left. Before creating, it checks that no
fulfilment with this tracking number exists yet, so a send repeated after a
crash does not fulfil twice.

Failures are never lost: a transient one (5xx, timeout, throttling) is tried
again with backoff (1 min doubling to 1 h); one the shop refuses (4xx, user
errors, units it no longer has open) stops the row and opens a SHOP_SYNC
exception for a supervisor, and ``wms sync --retry-failed`` sends it again
once fixed. A parcel taken back off the truck before sending is withdrawn.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session, col, func, select

from wms_tui.adapters.shopify.admin_api import AdminApi, ShopError
from wms_tui.domain.actor import Actor
from wms_tui.domain.clock import utcnow
from wms_tui.domain.enums import EventKind, ExceptionKind, Role
from wms_tui.domain.models import (
    Carrier,
    Order,
    OrderLine,
    PackScan,
    Parcel,
    Setting,
    WmsException,
)
from wms_tui.domain.models.integration import ShopOrderLink, ShopOutbox
from wms_tui.services.core import events, outbox
from wms_tui.services.shop.state import SHOP_ACTOR
from wms_tui.store import Store, UnitOfWork, retrying

KIND = "fulfillment"
OPEN_FO = frozenset({"OPEN", "IN_PROGRESS", "SCHEDULED"})

# Where a customer follows a parcel; a setting "tracking_url.<CARRIER>" with {number} wins.
TRACKING_URLS = {
    "POSTNORD": "https://tracking.postnord.com/se/?id={number}",
    "PN": "https://tracking.postnord.com/se/?id={number}",
    "DHL": "https://www.dhl.com/se-en/home/tracking/tracking-parcel.html?tracking-id={number}",
    "UPS": "https://www.ups.com/track?tracknum={number}",
    "DB": "https://tracking.bring.se/tracking/{number}",
    "BRING": "https://tracking.bring.se/tracking/{number}",
    "CJ": "https://trace.cjlogistics.com/next/tracking.html?wblNo={number}",
}


def queue(uow: UnitOfWork, parcel: Parcel, order: Order) -> None:
    """Called inside the hand-over's transaction: this parcel's fulfilment is owed."""
    if order.channel != "shopify" or parcel.id is None:
        return
    ref = str(parcel.id)
    row = uow.session.exec(
        select(ShopOutbox).where(ShopOutbox.kind == KIND, ShopOutbox.ref == ref)
    ).first()
    now = utcnow()
    if row is None:
        row = ShopOutbox(kind=KIND, ref=ref, order_name=order.name, created_at=now)
    elif row.done_at is not None:
        return  # loaded again after a take-out: the shop already has it
    row.payload = json.dumps({"parcel_id": parcel.id})
    row.next_try_at = now
    row.failed = False
    uow.add(row)


def withdraw(uow: UnitOfWork, parcel: Parcel, order: Order, actor: Actor) -> None:
    """The parcel came back off the truck: an unsent fulfilment is dropped; a sent one
    is the shop's to undo, so a supervisor is told."""
    row = uow.session.exec(
        select(ShopOutbox).where(ShopOutbox.kind == KIND, ShopOutbox.ref == str(parcel.id))
    ).first()
    if row is None:
        return
    if row.done_at is None:
        uow.session.delete(row)
        return
    code = parcel.tracking_number or parcel.sscc
    uow.add(
        WmsException.raised_by(
            actor,
            ExceptionKind.SHOP_SYNC,
            f"Parcel {code} of {order.name} was taken off the truck after the shop "
            "was told it shipped: cancel that fulfilment in the shop",
            order_id=order.id,
        )
    )


@dataclass(frozen=True)
class Plan:
    outbox_id: int
    order_name: str
    shop_order_id: str
    line_items: dict[str, str]  # sku -> LineItem gid
    contents: dict[str, int]  # sku -> units in this parcel
    company: str
    number: str
    url: str


class PlanError(Exception):
    pass


def _contents(s: Session, parcel: Parcel) -> dict[str, int]:
    rows = s.exec(
        select(OrderLine.sku, func.sum(PackScan.qty))
        .join(OrderLine, col(OrderLine.id) == PackScan.order_line_id)
        .where(PackScan.parcel_id == parcel.id)
        .group_by(OrderLine.sku)
    ).all()
    contents = {sku: int(q) for sku, q in rows if q and int(q) > 0}
    if contents:
        return contents
    if parcel.count == 1:
        lines = s.exec(select(OrderLine).where(OrderLine.order_id == parcel.order_id)).all()
        return {ln.sku: ln.need for ln in lines if ln.need > 0}
    raise PlanError(f"no record of what parcel {parcel.seq}/{parcel.count} holds")


def tracking_url(session: Session, carrier_code: str, number: str) -> str:
    """Where a customer follows parcel ``number`` of ``carrier_code``: the setting
    "tracking_url.<CARRIER>" else our default; "" when neither (or no number). The
    shop's fulfilment, the API and the lookup screen give the same link."""
    code = carrier_code.upper()
    if not code or not number:
        return ""
    custom = session.get(Setting, f"tracking_url.{code}")
    template = custom.value if custom else TRACKING_URLS.get(code, "")
    return template.replace("{number}", number) if template else ""


def _plan(store: Store, row: ShopOutbox) -> Plan:
    with store.read() as s:
        parcel_id = json.loads(row.payload or "{}").get("parcel_id")
        parcel = s.get(Parcel, parcel_id) if parcel_id else None
        if parcel is None:
            raise PlanError(f"parcel {row.ref} no longer exists")
        order = s.get(Order, parcel.order_id)
        assert order is not None
        carrier = s.get(Carrier, order.carrier_id) if order.carrier_id else None
        link = s.exec(select(ShopOrderLink).where(ShopOrderLink.order_name == order.name)).first()
        number = parcel.tracking_number or parcel.sscc or ""
        return Plan(
            outbox_id=row.id,
            order_name=order.name,
            shop_order_id=link.shop_order_id if link else "",
            line_items=json.loads(link.line_items) if link else {},
            contents=_contents(s, parcel),
            company=carrier.name if carrier else "",
            number=number,
            url=tracking_url(s, carrier.code if carrier else "", number),
        )


def _nodes(value: object) -> list[dict]:
    if isinstance(value, dict):
        value = value.get("nodes") or [e.get("node") for e in value.get("edges") or []]
    return [v for v in value or [] if isinstance(v, dict)] if isinstance(value, list) else []


def send(api: AdminApi, plan: Plan, notify: bool) -> str:
    """Fulfil one parcel in the shop; the fulfilment's id. Raises ShopError."""
    order_id = plan.shop_order_id or api.order_by_name(plan.order_name)
    if not order_id:
        raise ShopError(f"the shop has no order named {plan.order_name}", retryable=False)
    state = api.fulfillment_state(order_id)
    for done in _nodes(state.get("fulfillments")):
        numbers = {
            str(t.get("number")) for t in done.get("trackingInfo") or [] if isinstance(t, dict)
        }
        if plan.number and plan.number in numbers:
            return str(done.get("id", ""))  # sent before a crash: the shop has it already
    by_fo: dict[str, list[dict]] = {}
    for sku, qty in sorted(plan.contents.items()):
        left = qty
        wanted_id = plan.line_items.get(sku)
        for fo in _nodes(state.get("fulfillmentOrders")):
            if str(fo.get("status", "OPEN")).upper() not in OPEN_FO:
                continue
            for li in _nodes(fo.get("lineItems")):
                item = li.get("lineItem") or {}
                same = item.get("id") == wanted_id if wanted_id else item.get("sku") == sku
                remaining = li.get("remainingQuantity") or 0
                if not same or left <= 0 or not isinstance(remaining, int) or remaining <= 0:
                    continue
                take = min(left, remaining)
                by_fo.setdefault(str(fo["id"]), []).append({"id": li["id"], "quantity": take})
                left -= take
        if left > 0:
            raise ShopError(
                f"the shop has {qty - left} of {qty} units of {sku} left to fulfil "
                f"in {plan.order_name}",
                retryable=False,
            )
    line_items = [
        {"fulfillmentOrderId": fo, "fulfillmentOrderLineItems": items}
        for fo, items in by_fo.items()
    ]
    return api.create_fulfillment(
        line_items, company=plan.company, number=plan.number, url=plan.url, notify=notify
    )


@dataclass
class SendReport:
    sent: list[str] = field(default_factory=list)
    retrying: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def send_due(
    store: Store,
    api: AdminApi,
    *,
    actor: Actor = SHOP_ACTOR,
    now: datetime | None = None,
    limit: int = 100,
) -> SendReport:
    """Send the fulfilments that are due; ``actor`` is who the event log names."""
    actor.require(Role.SUPERVISOR, action="send fulfilments to the shop")
    now = now or utcnow()
    report = SendReport()
    due = outbox.due(store, KIND, now, limit)
    for row in due:
        try:
            plan = _plan(store, row)
            result = send(api, plan, api.config.notify_customer)
        except PlanError as exc:
            _failed(store, row.id, str(exc), actor)
            report.failed.append(row.order_name)
        except ShopError as exc:
            if exc.retryable:
                _retry(store, row.id, exc.message, now)
                report.retrying.append(row.order_name)
            else:
                _failed(store, row.id, exc.message, actor)
                report.failed.append(row.order_name)
        else:
            _done(store, row.id, plan, result, actor)
            report.sent.append(f"{plan.order_name} {plan.number}")
    return report


@retrying
def _done(store: Store, outbox_id: int, plan: Plan, result: str, actor: Actor) -> None:
    with store.unit_of_work() as uow:
        row = uow.session.get(ShopOutbox, outbox_id)
        if row is None:
            return
        row.done_at = utcnow()
        row.attempts += 1
        row.result = result[:200]
        row.last_error = ""
        uow.add(row)
        order = uow.session.exec(select(Order).where(Order.name == plan.order_name)).first()
        if order is not None:
            close_refusals(uow, order.id, f"Fulfilment of {order.name} not sent")
        units = sum(plan.contents.values())
        events.log(
            uow,
            actor,
            EventKind.SHOP_FULFILLED,
            order=order,
            qty=units,
            detail=f"{plan.number} {plan.company}".strip(),
        )
        uow.commit()


@retrying
def _retry(store: Store, outbox_id: int, message: str, now: datetime) -> None:
    with store.unit_of_work() as uow:
        row = uow.session.get(ShopOutbox, outbox_id)
        if row is None:
            return
        row.attempts += 1
        row.last_error = message[:500]
        row.next_try_at = now + outbox.retry_delay(row.attempts)
        uow.add(row)
        uow.commit()


@retrying
def _failed(store: Store, outbox_id: int, message: str, actor: Actor) -> None:
    with store.unit_of_work() as uow:
        row = uow.session.get(ShopOutbox, outbox_id)
        if row is None:
            return
        row.attempts += 1
        row.failed = True
        row.last_error = message[:500]
        uow.add(row)
        order = uow.session.exec(select(Order).where(Order.name == row.order_name)).first()
        uow.add(
            WmsException(
                kind=ExceptionKind.SHOP_SYNC,
                order_id=order.id if order else None,
                operator_name=actor.name,
                terminal=actor.terminal,
                message=f"Fulfilment of {row.order_name} not sent: {message}"[:500]
                + " (fix it, then: wms sync --retry-failed)",
            )
        )
        uow.commit()


@retrying
def retry_failed(store: Store, *, actor: Actor = SHOP_ACTOR) -> int:
    """Give every stopped fulfilment another go (after a supervisor fixed the cause)."""
    actor.require(Role.SUPERVISOR, action="send fulfilments to the shop")
    with store.unit_of_work() as uow:
        rows = uow.session.exec(
            select(ShopOutbox).where(
                ShopOutbox.kind == KIND,
                col(ShopOutbox.failed).is_(True),
                col(ShopOutbox.done_at).is_(None),
            )
        ).all()
        for row in rows:
            row.failed = False
            row.next_try_at = utcnow()
            uow.add(row)
        uow.commit()
    return len(rows)


def close_refusals(uow: UnitOfWork, order_id: int | None, prefix: str) -> None:
    """The shop took what it refused before: its SHOP_SYNC exceptions are done with."""
    for exc in uow.session.exec(
        select(WmsException).where(
            WmsException.kind == ExceptionKind.SHOP_SYNC,
            WmsException.order_id == order_id,
            col(WmsException.resolved_at).is_(None),
            col(WmsException.message).startswith(prefix, autoescape=True),
        )
    ):
        exc.resolved_at = utcnow()
        uow.add(exc)
