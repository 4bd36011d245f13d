"""Read models for the supervisor's orders screen: the queue and one order in detail.

Plain values only, sorted by ``priority.order_by`` (the same urgency the release
and the waves use), times already on the warehouse clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from wms_tui.domain.clock import utcnow
from wms_tui.domain.enums import EventKind, LocationKind, OrderStatus
from wms_tui.domain.errors import NotFound
from wms_tui.domain.lifecycle import allowed_targets
from wms_tui.domain.models import (
    Carrier,
    Event,
    Location,
    Order,
    OrderLine,
    Service,
    Stock,
)
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


@dataclass(frozen=True)
class LineView:
    line_no: int
    sku: str
    name: str
    options: str
    quantity: int
    allocated: int
    picked: int
    packed: int
    short: int
    available: int  # free stock in pick and bulk bins now

    @property
    def missing(self) -> int:
        return max(0, self.open_qty - self.available)

    @property
    def open_qty(self) -> int:
        """Units still needing a reservation (as ``allocation.open_qty``)."""
        return max(0, self.quantity - self.short - self.allocated)


@dataclass(frozen=True)
class EventView:
    at: str
    what: str
    who: str
    detail: str


@dataclass(frozen=True)
class OrderDetail:
    id: int
    name: str
    status: str
    status_label: str
    customer: str
    email: str
    ship_to: str  # one line
    service: str
    shipping_method: str
    due: str
    created: str
    age: str
    priority: int
    tags: str
    financial_status: str
    hold_reason: str
    notes: str
    gift_message: str
    lines: list[LineView]
    missing: list[str]  # "SKU short 2 (need 3, have 1)"
    events: list[EventView]
    can_hold: bool
    can_release: bool
    can_cancel: bool
    can_split: bool


# --------------------------------------------------------------------------- helpers


def duration(minutes: float) -> str:
    m = int(max(0, minutes))
    if m < 60:
        return f"{m}m"
    if m < 24 * 60:
        return f"{m // 60}h{m % 60:02d}"
    return f"{m // (24 * 60)}d{(m % (24 * 60)) // 60}h"


def _due_texts(
    due: datetime, now: datetime, rules: priority.PriorityRules
) -> tuple[str, str, bool]:
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


_EVENT_WORDS = {
    "order.imported": "imported",
    "order.updated": "updated from the shop",
    "order.priority": "priority",
    "order.split": "split",
    "order.created": "created",
    "stock.allocate": "stock reserved",
    "stock.deallocate": "stock given back",
}


def _event_what(ev: Event) -> str:
    if ev.kind == EventKind.ORDER_STATUS:
        before = S(ev.from_state).label if ev.from_state in S.__members__ else "·"
        after = S(ev.to_state).label if ev.to_state in S.__members__ else ev.to_state
        return f"{before} → {after}"
    what = _EVENT_WORDS.get(ev.kind, ev.kind)
    if ev.sku:
        what += f" {ev.sku}"
    if ev.qty is not None and ev.kind.startswith("stock."):
        what += f" ×{ev.qty}"
    return what


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
            due_long, due_short, late = _due_texts(due, now, rules)
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


# --------------------------------------------------------------------------- detail


def _find(session: Session, order_id: int) -> Order:
    order = session.get(Order, order_id)
    if order is None:
        raise NotFound(f"Order {order_id} no longer exists")
    return order


def order_detail(store: Store, order_id: int) -> OrderDetail:
    now = utcnow()
    with store.read() as s:
        order = _find(s, order_id)
        rules = priority.load_rules(s)
        service = s.get(Service, order.service_id) if order.service_id else None
        carrier = s.get(Carrier, order.carrier_id) if order.carrier_id else None
        lines = list(
            s.exec(
                select(OrderLine)
                .where(OrderLine.order_id == order.id)
                .order_by(col(OrderLine.line_no))
            )
        )
        free = available_by_product(s, {ln.product_id for ln in lines})
        st = S(order.status)
        waiting = st in (S.NEW, S.BACKORDERED) or (
            st is S.ON_HOLD and order.held_from in (S.NEW, S.BACKORDERED, None)
        )
        views = [
            LineView(
                line_no=ln.line_no,
                sku=ln.sku,
                name=ln.name,
                options=ln.options,
                quantity=ln.quantity,
                allocated=ln.qty_allocated,
                picked=ln.qty_picked,
                packed=ln.qty_packed,
                short=ln.qty_short,
                available=free.get(ln.product_id, 0),
            )
            for ln in lines
            if ln.quantity > 0
        ]
        need: dict[str, tuple[int, int]] = {}
        for v in views:
            if v.open_qty:
                wanted, _ = need.get(v.sku, (0, v.available))
                need[v.sku] = (wanted + v.open_qty, v.available)
        missing = [
            f"{sku} short {wanted - have} (need {wanted}, have {have})"
            for sku, (wanted, have) in need.items()
            if wanted > have
        ]
        if not waiting:
            missing = []
        shorts = [f"{v.sku} short-picked {v.short}" for v in views if v.short]
        history = list(
            s.exec(
                select(Event)
                .where(Event.order_id == order.id)
                .order_by(col(Event.at).desc(), col(Event.id).desc())
                .limit(12)
            )
        )
        targets = allowed_targets(order)
        ship_to = ", ".join(
            p
            for p in (
                order.ship_name,
                order.ship_company,
                order.ship_address1,
                order.ship_address2,
                f"{order.ship_zip} {order.ship_city}".strip(),
                order.ship_province,
                order.ship_country,
            )
            if p
        )
        due = priority.due_at(order, service, rules)
        due_long, _, late = _due_texts(due, now, rules)
        if late:
            due_long = f"{due.astimezone(rules.tz):%a %d %b %H:%M}, late by {due_long[5:]}"
        method = order.shipping_method
        label = service_label(carrier, service) if service else "no carrier service"
        if service and service.express:
            label += " (express)"
        if method and method.casefold() != (service.name.casefold() if service else ""):
            label += f" · shop: {method}"
        return OrderDetail(
            id=order.id,
            name=order.name,
            status=st.value,
            status_label=st.label,
            customer=order.customer_name or order.ship_name,
            email=order.email,
            ship_to=ship_to,
            service=label,
            shipping_method=order.shipping_method,
            due="" if st in CLOSED else due_long,
            created=order.created_at.astimezone(rules.tz).strftime("%Y-%m-%d %H:%M"),
            age=duration((now - order.created_at).total_seconds() / 60),
            priority=order.priority,
            tags=order.tags,
            financial_status=order.financial_status,
            hold_reason=order.hold_reason,
            notes=order.notes,
            gift_message=order.gift_message,
            lines=views,
            missing=missing + shorts,
            events=[
                EventView(
                    at=ev.at.astimezone(rules.tz).strftime("%d %b %H:%M"),
                    what=_event_what(ev),
                    who=ev.operator_name,
                    detail=ev.detail,
                )
                for ev in history
            ],
            can_hold=S.ON_HOLD in targets,
            can_release=st in (S.ON_HOLD, S.NEW, S.BACKORDERED),
            can_cancel=S.CANCELLED in targets,
            can_split=bool(missing or shorts) and st in (S.BACKORDERED, S.READY_TO_PICK),
        )
