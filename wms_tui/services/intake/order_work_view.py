"""One order in detail for the supervisor's orders screen: its lines against free
stock, its due times, what it may become next and its latest events.

Not the order's story (``lookup.order_lookup.OrderDetail``, which the lookup screen
and the HTTP API share): this is the supervisor's work view, and what it adds —
free stock per line, what is missing, the actions the life cycle allows — neither
of those shows."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from wms_tui.domain.clock import utcnow
from wms_tui.domain.enums import EventKind
from wms_tui.domain.errors import NotFound
from wms_tui.domain.lifecycle import allowed_targets
from wms_tui.domain.models import Carrier, Event, Order, OrderLine, Service
from wms_tui.services.core import priority
from wms_tui.services.intake.order_queries import (
    CLOSED,
    S,
    available_by_product,
    due_texts,
    duration,
    service_label,
)
from wms_tui.store import Store


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
class OrderWorkView:
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


def _find(session: Session, order_id: int) -> Order:
    order = session.get(Order, order_id)
    if order is None:
        raise NotFound(f"Order {order_id} no longer exists")
    return order


def order_work_view(store: Store, order_id: int) -> OrderWorkView:
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
        due_long, _, late = due_texts(due, now, rules)
        if late:
            due_long = f"{due.astimezone(rules.tz):%a %d %b %H:%M}, late by {due_long[5:]}"
        method = order.shipping_method
        label = service_label(carrier, service) if service else "no carrier service"
        if service and service.express:
            label += " (express)"
        if method and method.casefold() != (service.name.casefold() if service else ""):
            label += f" · shop: {method}"
        return OrderWorkView(
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
