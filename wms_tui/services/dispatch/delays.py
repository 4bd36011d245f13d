"""Orders that will miss their promised ship date, found before the customer asks.

:func:`find_delays` lists every open order with a promised ship date that will not
leave on it, with the first cause that applies:

* **late**: promised before today and not on a truck yet;
* **carrier gone**: promised today, and today's manifest of its carrier is closed
  (the truck left; nothing else goes with that carrier today);
* **missed cut-off**: promised today, its cut-off has passed, not loaded (its
  service's, else its carrier's: :mod:`cutoffs`, the rule the overview and the shift
  dashboard use);
* **backorder**: BACKORDERED, promised within ``delay_notice_days`` working days, and
  the units it misses are neither free in storage nor on a delivery expected by the
  working day before its promise (a delivery needs a day to be received and put away);
* **pace**: promised today, and at today's pack pace the pack queue reaches it after
  its cut-off: the dispatch overview's *at risk* (:mod:`overview_rules`).

ON_HOLD orders are left out (a hold is a conversation with the customer already),
and so are orders whose every parcel is on the truck. An order that already had a
delay notice is listed with the time it was written; :func:`send_delay_notices`
writes (and with SMTP set, sends) one through the notices path for the others, and
the store's one-notice-per-order-and-kind rule keeps it at one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from wms_tui.domain import shipping_days as days
from wms_tui.domain.actor import Actor
from wms_tui.domain.clock import utcnow
from wms_tui.domain.enums import DeliveryStatus, ManifestStatus, OrderStatus, ParcelStatus, Role
from wms_tui.domain.errors import NotFound
from wms_tui.domain.models import (
    Carrier,
    Delivery,
    DeliveryLine,
    Location,
    Manifest,
    Notice,
    Order,
    OrderLine,
    Parcel,
    Stock,
)
from wms_tui.domain.shown import excerpt
from wms_tui.services.core import order_names, settings
from wms_tui.services.core.clock import warehouse_zone
from wms_tui.services.dispatch import cutoffs, notices
from wms_tui.services.dispatch import pace as pace_rule
from wms_tui.services.dispatch.overview_rules import AT_RISK, FLOW, pack_queue_risk
from wms_tui.services.inventory.stock_queries import STORAGE
from wms_tui.store import Store

S = OrderStatus
LATE, CARRIER_GONE, MISSED_CUTOFF, BACKORDER, PACE = (
    "late",
    "carrier gone",
    "missed cut-off",
    "backorder",
    "pace",
)
CAUSES = (LATE, CARRIER_GONE, MISSED_CUTOFF, BACKORDER, PACE)
# Not dispatched, not cancelled, not on hold.
OPEN = (S.NEW, S.READY_TO_PICK, S.BACKORDERED, S.PICKING, S.PICKED, S.PACKING, S.PACKED)


@dataclass(frozen=True)
class DelayedOrder:
    order_id: int
    name: str
    status: str
    carrier: str
    promised: date
    cause: str  # one of CAUSES
    why: str  # one line a supervisor reads
    new_ship_day: date | None  # None: when the missing stock arrives
    noticed_at: datetime | None  # the delay notice, on the warehouse's clock
    email: str

    @property
    def noticed(self) -> bool:
        return self.noticed_at is not None


@dataclass(frozen=True)
class DelayList:
    day: date
    tz_name: str
    pace_per_hour: float
    pace_measured: bool
    orders: tuple[DelayedOrder, ...]

    @property
    def to_notify(self) -> tuple[DelayedOrder, ...]:
        return tuple(o for o in self.orders if not o.noticed)


def _short_of_stock(
    s: Session, orders: list[Order], horizon: dict[int, date]
) -> dict[int, tuple[str, date | None]]:
    """Backordered orders whose missing units will not be here in time:
    order id -> (the first SKU missing, the day it could ship if a delivery brings it)."""
    if not orders:
        return {}
    ids = [o.id for o in orders]
    lines = s.exec(
        select(
            OrderLine.order_id,
            OrderLine.product_id,
            OrderLine.sku,
            OrderLine.quantity
            - OrderLine.qty_short
            - OrderLine.qty_allocated
            - OrderLine.qty_picked,
        )  # fmt: skip
        .where(col(OrderLine.order_id).in_(ids))
        .order_by(col(OrderLine.order_id), col(OrderLine.line_no))
    ).all()
    products = {pid for _, pid, _, missing in lines if missing > 0}
    free = dict(
        s.exec(
            select(Stock.product_id, func.sum(Stock.qty - Stock.allocated))
            .join(Location, col(Location.id) == Stock.location_id)
            .where(col(Stock.product_id).in_(products), col(Location.kind).in_(STORAGE))
            .group_by(col(Stock.product_id))
        ).all()
    )
    # Expected units per product and day, from deliveries not closed yet.
    coming: dict[int, list[tuple[date, int]]] = defaultdict(list)
    for pid, expected_on, qty in s.exec(
        select(
            DeliveryLine.product_id,
            Delivery.expected_date,
            DeliveryLine.expected_qty - DeliveryLine.received_qty,
        )
        .join(Delivery, col(Delivery.id) == DeliveryLine.delivery_id)
        .where(
            col(DeliveryLine.product_id).in_(products),
            Delivery.status != DeliveryStatus.CLOSED,
            col(Delivery.expected_date).is_not(None),
            DeliveryLine.expected_qty > DeliveryLine.received_qty,
        )
        .order_by(col(Delivery.expected_date))
    ).all():
        coming[pid].append((expected_on, int(qty)))
    out: dict[int, tuple[str, date | None]] = {}
    for oid, pid, sku, missing in lines:
        if missing <= 0 or oid in out:
            continue
        need = missing - max(0, int(free.get(pid) or 0))
        if need <= 0:
            continue
        # In time: on a delivery expected by the working day before the promise.
        latest_ok = horizon[oid]
        arrived, ready = 0, None
        for expected_on, qty in coming.get(pid, []):
            arrived += qty
            if arrived >= need:
                ready = expected_on
                break
        if ready is None:
            out[oid] = (sku, None)
        elif days.next_working_day(ready) > latest_ok:
            out[oid] = (sku, days.next_working_day(ready))
    return out


def _pace_risk(
    session: Session, now: datetime, day: date, cuts: cutoffs.Cutoffs, per_hour: float
) -> set[int]:
    """Orders the pack queue reaches after their cut-off at ``per_hour``, the overview's
    rule walked over the whole queue: its attention list names only the first
    ``MAX_LISTED`` orders, and a busy day's at-risk orders beyond them went unnoticed."""
    rows = session.exec(
        select(
            Order.id, Order.name, Order.status, Order.carrier_id, Order.service_id,
            Order.priority, Order.promised_ship_date, Order.status_changed_at,
        ).where(
            col(Order.status).in_(FLOW),
            col(Order.promised_ship_date).is_(None) | (col(Order.promised_ship_date) <= day),
        )
    ).all()  # fmt: skip
    queue = [(r[0], r[1], S(r[2]).value, *r[3:]) for r in rows]
    risk = pack_queue_risk(queue, cuts.at, now, per_hour, day)
    return {oid for oid, (kind, _eta, _cut) in risk.by_order.items() if kind == AT_RISK}


def detect(session: Session, now: datetime | None = None) -> DelayList:
    """The delay list from one read transaction (see the module's rules)."""
    now = now or utcnow()
    tz = warehouse_zone(session)
    day = days.local_day(now, tz)
    ahead = days.add_working_days(day, settings.get_int(session, "delay_notice_days"))
    # The pace the overview and the dashboard use (one rule); the queue is walked by
    # _pace_risk, so the overview itself need not be read.
    pace = pace_rule.read(
        session,
        now,
        days.day_bounds(day, tz)[0],
        float(settings.get_int(session, "planned_packs_per_hour")),
    )
    cuts = cutoffs.read(session, day, tz)
    pace_risk = _pace_risk(session, now, day, cuts, pace.per_hour)
    rows = session.exec(
        select(Order, Carrier)
        .join(Carrier, col(Carrier.id) == Order.carrier_id, isouter=True)
        .where(
            col(Order.status).in_(OPEN),
            col(Order.promised_ship_date).is_not(None),
            col(Order.promised_ship_date) <= ahead,
        )
        .order_by(col(Order.promised_ship_date), col(Order.name))
    ).all()
    ids = [o.id for o, _ in rows]
    parcels: dict[int, list[str]] = defaultdict(list)
    for oid, status in session.exec(
        select(Parcel.order_id, Parcel.status).where(
            col(Parcel.order_id).in_(ids), Parcel.status != ParcelStatus.VOID
        )
    ).all():
        parcels[oid].append(str(status))
    on_truck = {oid for oid, st in parcels.items() if st and set(st) <= {"LOADED", "MANIFESTED"}}
    gone = set(
        session.exec(
            select(Manifest.carrier_id).where(
                Manifest.day == day, Manifest.status == ManifestStatus.CLOSED
            )
        ).all()
    )
    noticed = dict(
        session.exec(
            select(Notice.order_id, Notice.at).where(
                col(Notice.order_id).in_(ids), Notice.kind == notices.DELAY
            )
        ).all()
    )
    backordered = [o for o, _ in rows if o.status == S.BACKORDERED]
    short = _short_of_stock(session, backordered, {o.id: o.promised_ship_date for o in backordered})
    tomorrow = days.next_working_day(day)
    out: list[DelayedOrder] = []
    for order, carrier in rows:
        if order.id in on_truck:
            continue
        promised = order.promised_ship_date
        assert promised is not None
        cut = cuts.at(order.carrier_id, order.service_id)
        past_cut = cut is not None and cut <= now
        truck_gone = carrier is not None and carrier.id in gone
        cause, why, new_day = "", "", None
        if order.id in short:
            sku, when = short[order.id]
            cause, new_day = BACKORDER, when
            why = f"{sku}: in for {when:%a %d %b}" if when else f"{sku}: none coming"
            if promised < day:
                cause = LATE
        elif promised < day:
            cause = LATE
            new_day = tomorrow if (past_cut or truck_gone) else day
            late = (day - promised).days
            why = f"{late} day{'s' if late != 1 else ''} past its promise"
            if order.status == S.BACKORDERED:
                new_day, why = None, why + ", backordered"
        elif promised == day and truck_gone:
            cause, new_day = CARRIER_GONE, tomorrow
            why = f"today's {carrier.code} manifest is closed"
        elif promised == day and past_cut:
            cause, new_day = MISSED_CUTOFF, tomorrow
            why = f"cut-off {cut.astimezone(tz):%H:%M} passed"  # type: ignore[union-attr]
        elif promised == day and order.id in pace_risk:
            cause, new_day = PACE, tomorrow
            why = (
                f"{pace.per_hour:.0f} packs/h reaches it after the "
                f"{cut.astimezone(tz):%H:%M} cut-off"  # type: ignore[union-attr]
                if cut
                else f"{pace.per_hour:.0f} packs/h reaches it too late"
            )
        if not cause:
            continue
        at = noticed.get(order.id)
        out.append(
            DelayedOrder(
                order_id=order.id,
                name=order.name,
                status=str(order.status),
                carrier=carrier.code if carrier else "",
                promised=promised,
                cause=cause,
                why=why,
                new_ship_day=new_day,
                noticed_at=at.astimezone(tz) if at is not None else None,
                email=order.email,
            )
        )
    return DelayList(
        day=day,
        tz_name=str(tz),
        pace_per_hour=pace.per_hour,
        pace_measured=pace.measured,
        orders=tuple(out),
    )


def find_delays(store: Store, actor: Actor, now: datetime | None = None) -> DelayList:
    """Orders that will miss their promised ship date, noticed or not (supervisor)."""
    actor.require(Role.SUPERVISOR, action="list orders that will miss their date")
    with store.read() as s:
        return detect(s, now)


def send_delay_notices(
    store: Store,
    actor: Actor,
    names: Sequence[str] | None = None,
    now: datetime | None = None,
) -> notices.NoticeRun:
    """Write (and with SMTP set, send) a delay notice to each order of the list that has
    none yet: all of them, or the ones ``names`` gives (each must be on the list)."""
    actor.require(Role.SUPERVISOR, action="send delay notices")
    run = notices.NoticeRun()
    now = now or utcnow()
    with store.read() as s:
        found = detect(s, now)
        listed = {o.order_id: o for o in found.orders}
        if names is not None:
            chosen = set()
            for name in names:
                o = order_names.find(s, name)
                if o is None:
                    raise NotFound(f"No order {excerpt(name)}")
                if o.id not in listed:
                    raise NotFound(f"{o.name} is not on the delay list")
                chosen.add(o.id)
        else:
            chosen = set(listed)
        todo = [d for d in found.orders if d.order_id in chosen and not d.noticed]
        orders = {
            o.id: o
            for o in s.exec(select(Order).where(col(Order.id).in_([d.order_id for d in todo])))
        }
        items = [
            (d.order_id, d.name, notices.delay_message(s, orders[d.order_id], d.new_ship_day, now))
            for d in todo
            if notices.addressable(orders[d.order_id], run)
        ]
    notices.write_and_send(store, items, notices.DELAY, run, actor)
    return run
