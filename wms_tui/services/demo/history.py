"""The demo's past week, replayed through the real services on a pinned clock.

Orders seeded as BACKORDERED, DISPATCHED or RETURNED, or in a picking or
packing state, start NEW like every imported order. Here, at the times the
seed gives them, they reach their seeded state by the code paths real orders
take, so every screen and report finds what a real week leaves behind:

* BACKORDERED: released at the end of the grace period, allocation finds a
  product out of stock: BACKORDERED, with the supervisor's BACKORDER exception.
* DISPATCHED: released, picked in that day's wave, packed at the station the
  wave chose (SSCC and tracking number from the counters, label and slip),
  loaded at the dock and shipped when the supervisor closes the carrier's
  manifest at its cut-off. Orders released by noon leave the same day, later
  ones the next; couriers take parcels on working days when the week allows.
* RETURNED: dispatched as above, then booked at the returns desk three working
  days later ("wrong size", restocked, refunded).
* Picking and packing states: allocated when released, for the current shift
  (:func:`wms_tui.services.demo.build.advance_demo_orders`) to pick and pack.

The units those orders shipped were on hand before the week began:
:func:`wms_tui.services.demo.seed_files.load_demo` puts them on the opening balance of
the bin allocation takes them from, so after the replay every bin holds what
``stock.csv`` says.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import col, select

from wms_tui.domain import clock
from wms_tui.domain import shipping_days as days
from wms_tui.domain.actor import SYSTEM
from wms_tui.domain.clock import utcnow
from wms_tui.domain.enums import Disposition, OrderStatus, ParcelStatus, Resolution
from wms_tui.domain.errors import DomainError
from wms_tui.domain.models import (
    Allocation,
    Carrier,
    Location,
    Order,
    OrderLine,
    Parcel,
    Service,
)
from wms_tui.services.core.clock import warehouse_zone
from wms_tui.services.demo import walk as demo_walk
from wms_tui.store import Store

# Seeded states this module reaches; the rest of the demo's orders are seeded as they are.
PICK_AND_PACK = frozenset(
    {OrderStatus.PICKING, OrderStatus.PICKED, OrderStatus.PACKING, OrderStatus.PACKED}
)
SHIPPED = frozenset({OrderStatus.DISPATCHED, OrderStatus.RETURNED})
REPLAYED = PICK_AND_PACK | SHIPPED | {OrderStatus.BACKORDERED}

SAME_DAY_UNTIL = time(12, 0)  # released later, an order leaves the next day
FIRST_WAVE = time(8, 0)
DAY_OVER = time(18, 0)  # every truck of the day has left
RETURN_AT = time(10, 30)
RETURN_AFTER_WORKING_DAYS = 3
RETURN_REASON = "WRONG_SIZE"  # the seed's returned orders say "Returned: wrong size"

PICKERS = ("P1001", "P1002", "P1003", "P1005")
PACKER_AT = {"PACK-1": "K2001", "PACK-2": "K2002", "PACK-3": "K2003", "PACK-4": "P1004"}
SUPERVISOR = "S9001"  # builds the waves, closes the manifests
DOCK = "S9002"  # loads the trucks
RETURNS_DESK = "R3001"


class _Timeline:
    """The pinned clock, moved by the replay: to a moment, or on by seconds."""

    def __init__(self, move) -> None:  # noqa: ANN001 - clock.pinned's setter
        self._move = move
        self.now = utcnow()

    def at(self, when: datetime) -> None:
        self.now = when
        self._move(when)

    def tick(self, seconds: int) -> None:
        self.at(self.now + timedelta(seconds=seconds))


class HistoryError(DomainError):
    """The seed files describe a week the services cannot replay."""


def replay_history(store: Store, seeded: Mapping[str, OrderStatus]) -> dict[str, int]:
    """Bring the orders whose seeded state is in :data:`REPLAYED` there; returns counts.

    ``seeded`` maps order names to their status in ``orders.csv``.
    """
    now = utcnow()
    with store.read() as s:
        tz = warehouse_zone(s)
        rows = s.exec(
            select(Order.name, Order.release_at)
            .where(col(Order.name).in_([n for n, st in seeded.items() if st in REPLAYED]))
            .order_by(col(Order.release_at), col(Order.id))
        ).all()
    # An order seeded mid-pick can be younger than the grace period: released by hand.
    released = {name: min(at, now) for name, at in rows if at is not None}
    by_status: dict[OrderStatus, list[str]] = defaultdict(list)
    for name in released:
        by_status[seeded[name]].append(name)
    shipped = [n for n in released if seeded[n] in SHIPPED]
    ship_days: dict[date, list[str]] = defaultdict(list)
    for name in shipped:
        ship_days[_ship_day(released[name], tz, now)].append(name)

    with clock.pinned(now) as move:
        t = _Timeline(move)
        for name in by_status[OrderStatus.BACKORDERED]:
            t.at(released[name])
            if _release(store, name):
                raise HistoryError(f"{name} is seeded BACKORDERED but the stock covers it")
        for day in sorted(ship_days):
            _ship(store, t, tz, day, ship_days[day], released)
        for name in by_status[OrderStatus.RETURNED]:
            _return(store, t, tz, name, now)
        for name in [n for n in released if seeded[n] in PICK_AND_PACK]:
            t.at(released[name])
            _release(store, name)  # one the stock cannot cover waits, as in real life
    return {
        "backordered": len(by_status[OrderStatus.BACKORDERED]),
        "shipped": len(shipped),
        "ship_days": len(ship_days),
        "returned": len(by_status[OrderStatus.RETURNED]),
    }


def _local(day: date, at: time, tz: ZoneInfo) -> datetime:
    return days.cutoff_at(day, at, tz)


def _ship_day(released: datetime, tz: ZoneInfo, now: datetime) -> date:
    """The day an order released at ``released`` left, long enough before ``now``."""
    local = released.astimezone(tz)
    first = local.date() + timedelta(days=0 if local.time() <= SAME_DAY_UNTIL else 1)
    day = first
    while not days.is_working_day(day):
        day += timedelta(days=1)
    if _local(day, DAY_OVER, tz) > now:
        day = first  # the weekend is still on: it went with a weekend courier
    if _local(day, DAY_OVER, tz) > now:
        raise HistoryError(f"An order released at {local:%d %b %H:%M} cannot have left yet")
    return day


def _release(store: Store, name: str) -> bool:
    """Allocate a NEW order as its release does; False when it was backordered."""
    from wms_tui.services.inventory.allocation import allocate_order

    with store.unit_of_work() as uow:
        order = uow.session.exec(select(Order).where(Order.name == name)).one()
        missing = allocate_order(uow, order, SYSTEM)
        uow.commit()
    return not missing


def _ship(
    store: Store,
    t: _Timeline,
    tz: ZoneInfo,
    day: date,
    names: list[str],
    released: Mapping[str, datetime],
) -> None:
    """One past day: release, wave, pick, pack, load, close each carrier's manifest."""
    from wms_tui.services.dispatch import handover, manifest
    from wms_tui.services.picking import waves

    for name in names:
        t.at(released[name])
        if not _release(store, name):
            raise HistoryError(f"{name} is seeded as shipped but the stock cannot cover it")
    t.at(max(_local(day, FIRST_WAVE, tz), *(released[n] + timedelta(minutes=15) for n in names)))
    office = demo_walk.actor(store, SUPERVISOR, "OFFICE")
    wave = waves.build_wave(store, office, cart_size=4)
    if sorted(o for task in wave.tasks for o in task.orders) != sorted(names):
        raise HistoryError(f"Wave {wave.code} of {day} took other orders than {names}")
    for i, task in enumerate(wave.tasks):
        picker = PICKERS[(day.toordinal() + i) % len(PICKERS)]
        me = demo_walk.actor(store, picker, f"HH-0{PICKERS.index(picker) + 1}")
        t.tick(120)
        demo_walk.pick_task(store, me, task.code, tick=t.tick, keyed_counts=True)
    t.tick(15 * 60)  # the cart reaches the pack stations
    for task in wave.tasks:
        packer = demo_walk.actor(store, PACKER_AT[task.pack_station], task.pack_station)
        for name in task.orders:
            demo_walk.pack_order(store, packer, name, tick=t.tick, keyed_counts=True)
    dock = demo_walk.actor(store, DOCK, "DOCK")
    for carrier, cutoff, codes in _trucks(store, names):
        t.at(max(t.now, _local(day, cutoff, tz) - timedelta(minutes=30)))
        for code in codes:
            t.tick(10)
            handover.load_parcel(store, dock, carrier, code)
        t.at(max(t.now, _local(day, cutoff, tz)))
        manifest.close_manifest(store, office, carrier, send_notices=False, send=False)


def _trucks(store: Store, names: list[str]) -> list[tuple[str, time, list[str]]]:
    """Per carrier of ``names``: its last cut-off and the SSCCs to load, first truck first."""
    with store.read() as s:
        rows = s.exec(
            select(Carrier.code, Parcel.sscc)
            .join(Order, col(Order.carrier_id) == Carrier.id)
            .join(Parcel, col(Parcel.order_id) == Order.id)
            .where(col(Order.name).in_(names), Parcel.status == ParcelStatus.CLOSED)
            .order_by(col(Order.name), col(Parcel.seq))
        ).all()
        cutoffs: dict[str, time] = {}
        for code, cutoff in s.exec(
            select(Carrier.code, Service.cutoff).join(
                Service, col(Service.carrier_id) == Carrier.id
            )
        ).all():
            cutoffs[code] = max(cutoffs.get(code, cutoff), cutoff)
    codes: dict[str, list[str]] = defaultdict(list)
    for carrier, sscc in rows:
        codes[carrier].append(str(sscc))
    return sorted(((c, cutoffs[c], ssccs) for c, ssccs in codes.items()), key=lambda x: x[1])


def _return(store: Store, t: _Timeline, tz: ZoneInfo, name: str, now: datetime) -> None:
    """The parcel comes back: every unit restocked to the bin it was picked from, refunded."""
    from wms_tui.services.returns import desk as returns

    with store.read() as s:
        order = s.exec(select(Order).where(Order.name == name)).one()
        order_id, shipped_at = order.id, order.status_changed_at
        lines: dict[int, tuple[int, str]] = {}
        for line_id, qty, bin_code in s.exec(
            select(OrderLine.id, OrderLine.qty_packed, Location.code)
            .join(Allocation, col(Allocation.order_line_id) == OrderLine.id)
            .join(Location, col(Location.id) == Allocation.location_id)
            .where(OrderLine.order_id == order_id, OrderLine.qty_packed > 0)
            .order_by(col(OrderLine.line_no), col(Allocation.id))
        ).all():
            lines.setdefault(line_id, (qty, bin_code))  # type: ignore[arg-type]
    back = _local(
        days.add_working_days(shipped_at.astimezone(tz).date(), RETURN_AFTER_WORKING_DAYS),
        RETURN_AT,
        tz,
    )
    if back > now - timedelta(hours=1):
        back = shipped_at + (now - shipped_at) / 2
    t.at(back)
    desk = demo_walk.actor(store, RETURNS_DESK, "RETURNS")
    units = [
        returns.ReturnUnit(
            order_line_id=line_id,
            reason_code=RETURN_REASON,
            disposition=Disposition.RESTOCK,
            location=bin_code,
            qty=qty,
        )
        for line_id, (qty, bin_code) in lines.items()
    ]
    result = returns.register_return(
        store,
        desk,
        returns.ReturnRequest(order_id, units, Resolution.REFUND),  # type: ignore[arg-type]
    )
    if not result.fully_returned:
        raise HistoryError(f"{name} is seeded RETURNED but came back only in part")
