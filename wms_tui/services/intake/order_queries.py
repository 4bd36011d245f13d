"""Read models for the supervisor's orders screen: the queue (one order in detail is
:mod:`~wms_tui.services.intake.order_work_view`).

Plain values only, sorted by ``priority.order_by`` (the same urgency the release
and the waves use), times already on the warehouse clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from wms_tui.domain.clock import utcnow
from wms_tui.domain.enums import LocationKind, OrderStatus
from wms_tui.domain.models import Carrier, Location, Order, OrderLine, Service, Stock
from wms_tui.services.core import priority
from wms_tui.store import Store

S = OrderStatus
CLOSED = (S.DISPATCHED, S.RETURNED, S.CANCELLED)
# Filters the screen cycles through, in order; None = every order.
FILTERS: tuple[str | None, ...] = (
    "open",
    S.ON_HOLD.value,
    S.BACKORDERED.value,
    S.NEW.value,
    S.READY_TO_PICK.value,
    S.PICKING.value,
    S.PACKED.value,
    S.DISPATCHED.value,
    S.CANCELLED.value,
    None,
)
SHORT_STATUS = {
    S.NEW: "new",
    S.READY_TO_PICK: "ready",
    S.BACKORDERED: "no stock",
    S.PICKING: "picking",
    S.PICKED: "picked",
    S.PACKING: "packing",
    S.PACKED: "packed",
    S.DISPATCHED: "sent",
    S.RETURNED: "returned",
    S.ON_HOLD: "HOLD",
    S.CANCELLED: "cancel",
}


def filter_label(value: str | None) -> str:
    if value is None:
        return "all"
    if value == "open":
        return "open"
    return S(value).label


@dataclass(frozen=True)
class OrderRow:
    id: int
    name: str
    customer: str
    status: str
    short_status: str
    lines: int
    units: int
    service: str
    express: bool
    due: str  # "14:00", "Wed 16:00", "LATE 2h"
    due_short: str  # fits 5 columns
    late: bool
    age: str
    priority: int
    note: str  # hold reason, what is missing, why it waits


@dataclass(frozen=True)
class OrdersPage:
    rows: list[OrderRow]
    total: int  # matching orders, of which ``rows`` are the most urgent
    filter: str | None
    text: str


# --------------------------------------------------------------------------- helpers


def duration(minutes: float) -> str:
    m = int(max(0, minutes))
    if m < 60:
        return f"{m}m"
    if m < 24 * 60:
        return f"{m // 60}h{m % 60:02d}"
    return f"{m // (24 * 60)}d{(m % (24 * 60)) // 60}h"


def due_texts(due: datetime, now: datetime, rules: priority.PriorityRules) -> tuple[str, str, bool]:
    if due <= now:
        late = duration((now - due).total_seconds() / 60)
        return f"LATE {late}", "LATE", True
    local, today = due.astimezone(rules.tz), now.astimezone(rules.tz).date()
    clock = local.strftime("%H:%M")
    if local.date() == today:
        return f"today {clock}", clock, False
    return f"{local:%a} {clock}", f"{local:%a}", False


def _case_variants(text: str) -> set[str]:
    # SQLite's LIKE folds ASCII only, so "åsa" must also be tried as "Åsa".
    return {text, text.lower(), text.upper(), text.capitalize(), text.title()}


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _search(stmt, text: str):
    text = text.strip()
    if not text:
        return stmt
    status = text.upper().replace(" ", "_")
    if status in S.__members__:
        return stmt.where(Order.status == S(status))
    conditions = []
    for variant in _case_variants(text):
        pattern = _like(variant)
        conditions += [
            col(Order.name).like(pattern, escape="\\"),
            col(Order.customer_name).like(pattern, escape="\\"),
            col(Order.ship_name).like(pattern, escape="\\"),
            col(Order.email).like(pattern, escape="\\"),
        ]
    skus = select(OrderLine.order_id).where(
        or_(
            *(
                col(OrderLine.sku).like(_like(v), escape="\\")
                for v in {text, text.upper(), text.lower()}
            )
        ),
        OrderLine.quantity > 0,
    )
    conditions.append(col(Order.id).in_(skus))
    return stmt.where(or_(*conditions))


def _filter(stmt, status: str | None):
    if status is None:
        return stmt
    if status == "open":
        return stmt.where(col(Order.status).not_in(CLOSED))
    if status == S.PICKING.value:
        return stmt.where(col(Order.status).in_([S.PICKING, S.PICKED, S.PACKING]))
    return stmt.where(Order.status == S(status))


def service_label(carrier: Carrier | None, service: Service) -> str:
    """'DHL Express Worldwide', or 'CJ Standard'; the carrier only when the name lacks it."""
    if carrier is None:
        return service.name
    name = service.name.casefold()
    if carrier.code.casefold() in name or carrier.name.split()[0].casefold() in name:
        return service.name
    return f"{carrier.code} {service.name}"


def _service_labels(session: Session) -> dict[int, tuple[str, bool]]:
    carriers = {c.id: c for c in session.exec(select(Carrier))}
    return {
        s.id: (service_label(carriers.get(s.carrier_id), s), s.express)
        for s in session.exec(select(Service))
    }


def _missing_now(session: Session, order_ids: list[int]) -> dict[int, str]:
    """'needs SKU ×2, SKU ×1' per backordered order, from stock as it is now."""
    if not order_ids:
        return {}
    lines = list(
        session.exec(
            select(OrderLine).where(col(OrderLine.order_id).in_(order_ids), OrderLine.quantity > 0)
        )
    )
    free = available_by_product(session, {ln.product_id for ln in lines})
    need: dict[int, dict[str, tuple[int, int]]] = {}
    for ln in lines:
        open_qty = max(0, ln.need - ln.qty_allocated)
        if open_qty:
            per_sku = need.setdefault(ln.order_id, {})
            wanted, _ = per_sku.get(ln.sku, (0, 0))
            per_sku[ln.sku] = (wanted + open_qty, free.get(ln.product_id, 0))
    out: dict[int, str] = {}
    for oid, per_sku in need.items():
        short = [f"{sku} ×{w - have}" for sku, (w, have) in per_sku.items() if w > have]
        out[oid] = "needs " + ", ".join(short) if short else "in stock now: release it"
    return out


def available_by_product(session: Session, product_ids: set[int]) -> dict[int, int]:
    """Free units (on hand minus reserved) in pickable bins; bins awaiting a count excluded."""
    if not product_ids:
        return {}
    rows = session.exec(
        select(Stock.product_id, func.sum(Stock.qty - Stock.allocated))
        .join(Location, col(Location.id) == Stock.location_id)
        .where(
            col(Stock.product_id).in_(product_ids),
            col(Location.kind).in_([LocationKind.PICK, LocationKind.BULK]),
            col(Location.active).is_(True),
            col(Location.cycle_count_flag).is_(False),
        )
        .group_by(Stock.product_id)
    )
    return {pid: int(n or 0) for pid, n in rows}


# --------------------------------------------------------------------------- queue


def list_orders(
    store: Store, text: str = "", status: str | None = "open", limit: int = 300
) -> OrdersPage:
    """The most urgent ``limit`` orders matching ``text`` (name, customer, e-mail, SKU)."""
    now = utcnow()
    with store.read() as s:
        rules = priority.load_rules(s)
        services = _service_labels(s)
        base = _filter(_search(select(Order), text), status)
        total = s.exec(select(func.count()).select_from(base.subquery())).one()
        stmt = (
            base.outerjoin(Service, col(Service.id) == Order.service_id)
            .order_by(*priority.order_by())
            .limit(limit)
        )
        orders = list(s.exec(stmt))
        ids = [o.id for o in orders]
        counts: dict[int, tuple[int, int]] = {}
        waits: dict[int, str] = {}
        if ids:
            counts = {
                oid: (int(n), int(u or 0))
                for oid, n, u in s.exec(
                    select(OrderLine.order_id, func.count(), func.sum(OrderLine.quantity))
                    .where(col(OrderLine.order_id).in_(ids), OrderLine.quantity > 0)
                    .group_by(OrderLine.order_id)
                )
            }
            waits = _missing_now(s, [o.id for o in orders if o.status is S.BACKORDERED])
        cutoffs = {sv.id: sv for sv in s.exec(select(Service))}
        rows = []
        for o in orders:
            svc = cutoffs.get(o.service_id) if o.service_id else None
            due = priority.due_at(o, svc, rules)
            due_long, due_short, late = due_texts(due, now, rules)
            label, express = (
                services.get(o.service_id, ("", False)) if o.service_id else ("", False)
            )
            st = S(o.status)
            if st is S.ON_HOLD:
                note = f"held: {o.hold_reason or 'no reason given'}"
            elif st is S.BACKORDERED:
                note = waits.get(o.id, "waiting for stock")
            elif st is S.NEW and o.release_at and o.release_at > now:
                note = f"grace until {o.release_at.astimezone(rules.tz):%H:%M}"
            elif not o.service_id:
                note = (
                    f"no carrier for '{o.shipping_method}'" if o.shipping_method else "no carrier"
                )
            else:
                note = ""
            n_lines, units = counts.get(o.id, (0, 0))
            closed = st in CLOSED
            rows.append(
                OrderRow(
                    id=o.id,
                    name=o.name,
                    customer=o.customer_name or o.ship_name,
                    status=st.value,
                    short_status=SHORT_STATUS[st],
                    lines=n_lines,
                    units=units,
                    service=label or (o.shipping_method and f"? {o.shipping_method}") or "",
                    express=express,
                    due="" if closed else due_long,
                    due_short="" if closed else due_short,
                    late=late and not closed,
                    age=duration((now - o.created_at).total_seconds() / 60),
                    priority=o.priority,
                    note=note,
                )
            )
    return OrdersPage(rows=rows, total=int(total), filter=status, text=text)
