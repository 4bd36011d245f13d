"""A whole floor day, simulated through the services, then checked for dead ends.

``simulate_day(store, orders=N, seed=S)`` sets up the demo warehouse's master
data in an empty store, stocks it from a seeded random demand (some SKUs on
hand short or not at all), and runs one day in rounds. Orders arrive through
the order API's use case spread over the day; in every round each operator
does one piece of work, in a seeded random order, so several pickers, packers,
receivers and supervisors interleave on one store as terminals do:

* the supervisor releases (the terminals' periodic release), builds waves,
  cancels orders mid-flow, takes over an order open at another station, and
  works the exceptions inbox with its actions (counts the bins short picks
  flagged, puts a cancelled order's units back, unpacks a parcel stopped
  after packing into its bins, asks for a short-shipped unit to be re-picked,
  lets an order with nothing left to ship wait for stock, acknowledges
  delivery reports);
* pickers claim tasks and walk them stop by stop; some stops are short
  ("item not in bin"), some pickers log out mid-task (the task is paused and
  resumed later);
* packers open the next order of their station's queue, scan every unit (now
  and then one unit too many, which must be refused), send a damaged or wrong
  unit to quarantine (replacement pick, or a supervised short-ship), report a
  unit missing from the tote (the order goes to the inbox: the supervisor
  re-picks it, ships without it or cancels), weigh,
  confirm inserts and close; a packer whose order was taken over is told once
  and goes back to the queue;
* receivers take late deliveries (blind receipts) of the SKUs that ran out and
  put them away, which releases the waiting backorders;
* the dock loads closed parcels and closes each carrier's manifest; parcels
  of earlier in the day come back at the returns desk and are restocked.

The day ends when the orders have all arrived and a round passes in which
nobody could do anything. Then :mod:`wms_tui.services.demo.day_checks` checks
the store: every order shipped, cancelled or named by an open exception with
an action; no tote, station or task held by finished work; stock equal to the
sum of its movements, never negative; every open exception has an action.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta

from sqlmodel import select

from wms_tui.domain import clock
from wms_tui.domain.actor import SYSTEM
from wms_tui.domain.clock import utcnow
from wms_tui.domain.errors import DomainError
from wms_tui.domain.models import Order
from wms_tui.services.core.clock import today as warehouse_today
from wms_tui.services.demo.day_checks import check_day
from wms_tui.services.demo.day_dock import DockWork
from wms_tui.services.demo.day_floor import FloorWork
from wms_tui.services.demo.day_office import OfficeWork
from wms_tui.services.demo.day_report import DayReport, refusal_reason
from wms_tui.services.demo.day_setup import (
    DOCK,
    OFFICE,
    PACKERS,
    PICKERS,
    RECEIVERS,
    TAKE_OVER,
    Faults,
    day_actor,
    set_up_day,
)
from wms_tui.store import Store

# Rounds the day may take beyond the arrivals before it is called stuck.
MAX_ROUNDS_PER_ORDER = 2


# --------------------------------------------------------------------------- the day


class _Day(OfficeWork, FloorWork, DockWork):
    def __init__(self, store: Store, rng: random.Random, faults: Faults, report: DayReport) -> None:
        self.store, self.rng, self.faults, self.report = store, rng, faults, report
        self.office = day_actor(store, *OFFICE)
        self.dock = day_actor(store, *DOCK)
        self.pickers = [day_actor(store, b, t) for b, t in PICKERS]
        self.packers = [day_actor(store, b, t) for b, t in PACKERS]
        self.taker = day_actor(store, *TAKE_OVER)
        self.packers.append(self.taker)
        self.receivers = [day_actor(store, b, t) for b, t in RECEIVERS]
        self.open_at: dict[str, int | None] = {p.terminal: None for p in self.packers}
        self.open_at[self.taker.terminal] = None
        # What each terminal shows after its last answer, as a handheld keeps
        # it: the next scan goes by it instead of asking the store again. A
        # refused scan drops it (the terminal reloads, as the screens do).
        self.task_views: dict[str, object] = {}
        self.pack_views: dict[str, object] = {}
        self.on_break: dict[str, int] = {}
        # What a terminal knows without asking the store again: the task on a
        # picker's handheld (and whether the picker paused it), whether a packer
        # has looked for an order left open at the station (once, at login), and
        # whether a receipt left units to put away. Polling the store for these
        # every round was ~8 of the day's ~250 statements per order.
        self.task_of: dict[str, str] = {}
        self.paused: set[str] = set()
        self.logged_in: set[str] = set()
        self.putaway_waiting = False
        self.round = 0
        self.deliveries: list[tuple[int, dict[str, int]]] = []

    def note(self, what: str) -> None:
        self.report.events[what] += 1

    def refused(self, what: str, exc: DomainError) -> None:
        self.report.events[f"refused: {what}"[:80]] += 1
        key = (what, refusal_reason(str(exc)))
        self.report.refusals[key] += 1
        self.report.refusal_examples.setdefault(key, str(exc)[:160])


def _run(
    day: _Day,
    orders: list[tuple],
    per_round: int,
    tick: Callable[[int], None] | None,
    progress: Callable[[str], None] | None = None,
) -> None:
    """Rounds until every order has arrived and a few rounds pass with nothing to do."""
    from wms_tui.services.integrations.orders_api import NewLine, NewOrder, create_order

    store, rng, report = day.store, day.rng, day.report
    shop = replace(SYSTEM, name="shop", terminal="SHOP")
    pending = list(orders)
    arrival_rounds = (len(orders) + per_round - 1) // per_round
    start = day.round
    quiet = 0
    while True:
        day.round += 1
        if tick is not None:
            tick(day.round - start)
        did = False
        for name, lines, method in pending[:per_round]:
            create_order(
                store,
                shop,
                NewOrder(
                    name=name,
                    channel="simulation",
                    lines=[NewLine(sku=sku, quantity=q) for sku, q in lines],
                    ship_name="Åsa Öberg",
                    ship_address1="Storgatan 5",
                    ship_city="Stockholm",
                    ship_zip="114 55",
                    ship_country="SE",
                    shipping_method=method,
                ),
            )
            did = True
        del pending[:per_round]
        agents: list[Callable[[], bool]] = [day.supervise, day.load]
        agents += [lambda p=p: day.pick(p) for p in day.pickers]
        agents += [lambda p=p: day.pack(p) for p in day.packers]
        agents += [lambda r=r: day.receive(r) for r in day.receivers]
        rng.shuffle(agents)
        for agent in agents:
            try:
                did = agent() or did
            except DomainError as exc:
                # A refusal the operator would read and work around; counted, and
                # the day goes on (the checks say whether anything got stuck).
                day.refused("a turn", exc)
        if progress is not None and day.round % 10 == 0:
            progress(f"round {day.round}: {len(orders) - len(pending)} of {len(orders)} orders in")
        waiting = (
            bool(pending)
            or any(at > day.round for at, _ in day.deliveries)
            or any(back > day.round for back in day.on_break.values())
        )
        quiet = 0 if did or waiting else quiet + 1
        if quiet >= 3:
            return
        # A round moves a few orders on (one stop per picker, one line per
        # packer): a big day queues up and needs rounds in proportion to its
        # orders, not to its arrival rounds.
        if day.round - start > arrival_rounds + MAX_ROUNDS_PER_ORDER * len(orders) + 100:
            report.events["day cut short: still busy"] += 1
            return


def simulate_day(
    store: Store,
    *,
    orders: int = 200,
    seed: int = 1,
    faults: Faults | None = None,
    progress: Callable[[str], None] | None = None,
) -> DayReport:
    """Run one floor day in ``store`` (empty) and check it; see the module docstring."""
    faults = faults or Faults()
    rng = random.Random(seed)
    report = DayReport(orders=orders, seed=seed)
    started = time.perf_counter()
    day_orders, late, demand = set_up_day(store, rng, orders, faults)
    day = _Day(store, rng, faults, report)
    per_round = max(1, orders // 40)
    # Yesterday's share of the orders left on yesterday's trucks; some come back today.
    first = max(1, orders // 10)
    yesterday = utcnow() - timedelta(days=1)
    while yesterday.weekday() >= 5:
        yesterday -= timedelta(days=1)
    with store.read() as s:
        today = warehouse_today(s)
    with clock.pinned(yesterday) as move:
        _run(day, day_orders[:first], per_round, lambda r: move(yesterday + timedelta(minutes=r)))
        # Yesterday's trucks take yesterday's parcels. Started late in the evening,
        # yesterday's rounds reach today's date: closing today's manifest then made
        # every parcel packed today "goes tomorrow" on a clock that never gets there
        # (seed 3 from 23:50: 7 orders left PACKED, the day cut short still busy).
        day.close_manifests(before=today)
    report.events["yesterday's orders"] = first
    # The SKUs that ran out arrive late, in two deliveries during the day.
    arrival_rounds = (orders - first + per_round - 1) // per_round
    half = len(late) // 2
    for i, chunk in enumerate((late[:half], late[half:])):
        if chunk:
            day.deliveries.append(
                (day.round + (i + 1) * arrival_rounds // 2, {sku: demand[sku] for sku in chunk})
            )
    day.returns()
    _run(day, day_orders[first:], per_round, None, progress)
    day.close_manifests()
    report.rounds = day.round
    with store.read() as s:
        report.statuses = Counter(str(st) for st in s.exec(select(Order.status)).all())
    report.checks = check_day(store, day.office)
    report.seconds = time.perf_counter() - started
    return report
