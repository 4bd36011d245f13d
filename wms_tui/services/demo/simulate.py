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
import re
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from sqlmodel import col, select

from wms_tui.domain import clock
from wms_tui.domain.actor import SYSTEM, Actor
from wms_tui.domain.clock import utcnow
from wms_tui.domain.credentials import Credential
from wms_tui.domain.enums import (
    Disposition,
    LocationKind,
    ManifestStatus,
    MovementReason,
    OrderStatus,
    ParcelStatus,
    Resolution,
    TaskStatus,
)
from wms_tui.domain.errors import DomainError
from wms_tui.domain.models import (
    Carrier,
    Location,
    Manifest,
    Operator,
    Order,
    OrderLine,
    Parcel,
    PickTask,
    Product,
    ReturnReason,
    Setting,
    Stock,
    Warehouse,
)
from wms_tui.services.core.clock import today as warehouse_today
from wms_tui.services.demo.day_checks import Check, check_day
from wms_tui.store import Store

S = OrderStatus
# Service names the shop sends as shipping methods (the demo's services.csv).
METHODS = ("PostNord MyPack Home", "PostNord MyPack Collect", "DHL Express Worldwide")
PICKERS = (("P1001", "HH-01"), ("P1002", "HH-02"), ("P1003", "HH-03"), ("P1005", "HH-05"))
PACKERS = (("K2001", "PACK-1"), ("K2002", "PACK-2"), ("K2003", "PACK-3"))
TAKE_OVER = ("P1004", "PACK-4")  # Märta packs too: she takes orders over at PACK-4
RECEIVERS = (("R3001", "RCV-1"), ("R3002", "RCV-2"))
OFFICE = ("S9001", "OFFICE")
LONG_MM = 400
# Rounds the day may take beyond the arrivals before it is called stuck.
MAX_ROUNDS_PER_ORDER = 2
DOCK = ("S9002", "DOCK")
CART = 4  # orders on a picker's cart
WAVE_CARTS = 2 * len(PICKERS)  # a wave: two carts a picker

# The demo's supervisor approves at the stations with the demo PIN (README).
DEMO_SUPERVISOR = Credential("S9001", "9001")


@dataclass(frozen=True)
class Faults:
    """How often things go wrong, per opportunity."""

    short_pick: float = 0.03
    logout_mid_task: float = 0.02
    damaged_at_pack: float = 0.03
    missing_at_pack: float = 0.01  # a unit the tote should hold is not there
    short_ship: float = 0.3  # of damaged units: short-shipped instead of replaced
    over_scan: float = 0.05
    take_over: float = 0.01
    cancel: float = 0.01
    returns: float = 0.05
    out_of_stock_skus: float = 0.08


@dataclass
class DayReport:
    orders: int
    seed: int
    seconds: float = 0.0
    rounds: int = 0
    statuses: Counter = field(default_factory=Counter)
    events: Counter = field(default_factory=Counter)
    checks: list[Check] = field(default_factory=list)
    # Every refusal an operator read, by where and the reason's shape (order names,
    # counts and quoted codes made alike), with one message as it was said: 419
    # refused inbox actions in a 5,000-order day were a bare count, and a dead end
    # that shows itself only as a refusal read the same as a harmless race.
    refusals: Counter = field(default_factory=Counter)
    refusal_examples: dict[tuple[str, str], str] = field(default_factory=dict)

    def refusal_summary(self, top: int = 15) -> list[str]:
        """The refusals' reasons, most frequent first, one line each (and one for the rest)."""
        lines = []
        ranked = sorted(self.refusals.items(), key=lambda kv: (-kv[1], kv[0]))
        for (where, reason), n in ranked[:top]:
            example = self.refusal_examples[(where, reason)]
            said = "" if example == reason else f" (e.g. {example})"
            lines.append(f"{n:6,}  {where}: {reason}{said}")
        rest = ranked[top:]
        if rest:
            more = sum(n for _, n in rest)
            lines.append(f"{more:6,}  … {len(rest)} other reasons")
        return lines

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)


_QUOTED = re.compile(r"'[^']*'")
# A SKU, bin or tote code (upper case in parts joined by "-"), then anything with a digit.
_CODE = re.compile(r"#?\b[A-Z0-9]+(?:-[A-Z0-9]+)+\b")
_WITH_DIGITS = re.compile(r"#?[\w-]*\d[\w.-]*")


def refusal_reason(message: str) -> str:
    """A refusal's message with what differs between orders, codes and counts made alike:
    "Only 0 NB-DOT-OLV free … for #S1252" and "Only 2 TS-ORG-BLK-S free … for #S1311"
    are one reason."""
    line = message.splitlines()[0] if message else ""
    reason = _WITH_DIGITS.sub("N", _CODE.sub("X", _QUOTED.sub("'…'", line)))
    return reason[:100]


class SimulationError(DomainError):
    """The store is not one a simulation may write a day into."""


def _actor(store: Store, badge: str, terminal: str) -> Actor:
    with store.read() as s:
        op = s.exec(select(Operator).where(Operator.badge == badge)).one()
        return Actor(operator_id=op.id, name=op.name, roles=op.role_set, terminal=terminal)


# --------------------------------------------------------------------------- setup


def _setup(store: Store, rng: random.Random, n_orders: int, faults: Faults) -> list[tuple]:
    """Master data, opening stock and the day's orders (returned, to arrive later)."""
    from wms_tui.services.demo.build import DEMO_DIR, load_products, seed_reference_data
    from wms_tui.services.inventory.stock import move_stock
    from wms_tui.services.setup.master_data import load_setup

    with store.read() as s:
        if s.exec(select(Warehouse)).first() is not None:
            raise SimulationError(
                "A simulation writes a whole day into the store: give it an empty one "
                "(a new file with --db, or an empty PostgreSQL database)"
            )
    with store.unit_of_work() as uow:
        s = uow.session
        load_setup(uow, DEMO_DIR, SYSTEM, log=False)
        load_products(uow, DEMO_DIR)
        seed_reference_data(uow)
        s.add(Setting(key="grace_period_minutes", value="0"))
        uow.flush()
        products = list(s.exec(select(Product).order_by(col(Product.sku))))
        picks = list(
            s.exec(
                select(Location)
                .where(Location.kind == LocationKind.PICK)
                .order_by(col(Location.code))
            )
        )
        # A few best sellers and a long tail, as shops have.
        weights = [1.0 / (1 + i) ** 0.8 for i in range(len(products))]
        rng.shuffle(weights)
        orders = []
        demand: Counter = Counter()
        for i in range(n_orders):
            lines: dict[str, int] = {}
            for p in rng.choices(products, weights, k=rng.choice((1, 1, 1, 2, 2, 3))):
                # One poster ships alone: with anything else, or a second poster,
                # it takes two parcels, which the station does (F-key "new
                # parcel") but this simulated packer does not.
                if max(p.length_mm, p.width_mm, p.height_mm) > LONG_MM and lines:
                    continue
                if max(p.length_mm, p.width_mm, p.height_mm) > LONG_MM:
                    lines[p.sku] = 1
                    break
                lines[p.sku] = lines.get(p.sku, 0) + rng.choice((1, 1, 1, 2))
            for sku, q in lines.items():
                demand[sku] += q
            orders.append((f"#S{1001 + i}", sorted(lines.items()), rng.choice(METHODS)))
        late: list[str] = []
        for k, p in enumerate(products):
            want = demand[p.sku]
            if not want:
                continue
            if rng.random() < faults.out_of_stock_skus:
                late.append(p.sku)
                have = 0
            else:
                have = max(0, round(want * rng.uniform(0.8, 1.3)))
            if have:
                move_stock(
                    uow,
                    SYSTEM,
                    p,
                    have,
                    from_loc=None,
                    to_loc=picks[k % len(picks)],
                    reason=MovementReason.RECEIVED,
                    reference="opening balance",
                )
        uow.commit()
    return [orders, late, demand]


# --------------------------------------------------------------------------- the day


class _Day:
    def __init__(self, store: Store, rng: random.Random, faults: Faults, report: DayReport) -> None:
        self.store, self.rng, self.faults, self.report = store, rng, faults, report
        self.office = _actor(store, *OFFICE)
        self.dock = _actor(store, *DOCK)
        self.pickers = [_actor(store, b, t) for b, t in PICKERS]
        self.packers = [_actor(store, b, t) for b, t in PACKERS]
        self.taker = _actor(store, *TAKE_OVER)
        self.packers.append(self.taker)
        self.receivers = [_actor(store, b, t) for b, t in RECEIVERS]
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

    # -- supervisor ---------------------------------------------------------

    def supervise(self) -> bool:
        from wms_tui.services.intake.release import release
        from wms_tui.services.picking import waves

        did = False
        result = release(self.store, replace(SYSTEM, terminal=self.office.terminal))
        if result.anything:
            self.report.events["released"] += len(result.ready)
            self.report.events["backorders released"] += len(result.backorders_released)
            did = True
        if self.round % 3 == 0 and self.open_tasks() < len(self.pickers):
            # As a supervisor does: the next wave when the pickers are running
            # out of work, a few carts' worth. Building one every few rounds
            # from every ready order made each round cost as much as the
            # backlog (a wave reads all its candidates): a day of 5,000 orders
            # slowed to a crawl once thousands were waiting.
            try:
                wave = waves.build_wave(
                    self.store, self.office, cart_size=CART, max_orders=WAVE_CARTS * CART
                )
                self.note("wave built")
                did = did or bool(wave.tasks)
            except DomainError:
                pass
        if self.rng.random() < self.faults.cancel * 10:
            did = self.cancel_something() or did
        if self.rng.random() < self.faults.take_over * 10:
            did = self.take_over() or did
        return self.work_inbox() or did

    def open_tasks(self) -> int:
        """Pick tasks no picker has claimed yet."""
        from sqlalchemy import func

        with self.store.read() as s:
            return s.exec(
                select(func.count()).select_from(PickTask).where(PickTask.status == TaskStatus.OPEN)
            ).one()

    def cancel_something(self) -> bool:
        from wms_tui.services.intake import order_admin

        with self.store.read() as s:
            ids = s.exec(
                select(Order.id)
                .where(
                    col(Order.status).in_(
                        [S.NEW, S.READY_TO_PICK, S.BACKORDERED, S.PICKING, S.PICKED, S.PACKED]
                    )
                )
                # In a set order: the store's own order follows whichever index it reads,
                # and the seed alone must decide which order the customer cancels.
                .order_by(col(Order.id))
            ).all()
        if not ids:
            return False
        try:
            order_admin.cancel_order(
                self.store, self.office, self.rng.choice(ids), "customer cancelled"
            )
            self.note("cancelled mid-flow")
            return True
        except DomainError as exc:
            self.refused("cancel", exc)
            return False

    def take_over(self) -> bool:
        from wms_tui.services.packing import station as packing

        taken = [
            t for t, oid in self.open_at.items() if oid is not None and t != self.taker.terminal
        ]
        if not taken or self.open_at.get(self.taker.terminal):
            return False
        terminal = self.rng.choice(taken)
        order_id = self.open_at[terminal]
        with self.store.read() as s:
            name = s.get(Order, order_id).name  # type: ignore[union-attr]
        try:
            view = packing.open_order(self.store, self.taker, name, take_over=DEMO_SUPERVISOR)
        except DomainError as exc:
            self.refused("take over", exc)
            return False
        self.note("taken over")
        # Märta goes on with it at PACK-4; the first station learns on its next scan.
        self.open_at[self.taker.terminal] = view.order_id
        self.pack_views[self.taker.terminal] = view
        return True

    def work_inbox(self) -> bool:
        from wms_tui.services.exceptions.actions import resolve
        from wms_tui.services.exceptions.inbox import Action, open_exceptions

        did = False
        # Twenty decisions a turn, not the first twenty rows: rows the supervisor
        # leaves (backorders waiting for stock) filled the top of a big day's
        # inbox, and two cancelled orders' put-backs further down never came up.
        acted = 0
        for item in open_exceptions(self.store, self.office):
            if acted >= 20:
                break
            try:
                if Action.PUT_BACK in item.actions:
                    resolve(self.store, self.office, item.id, Action.PUT_BACK)
                    self.note("inbox: put back")
                elif Action.RESTOCK in item.actions:
                    resolve(self.store, self.office, item.id, Action.RESTOCK)
                    self.note("inbox: stopped parcel restocked")
                elif Action.REPICK in item.actions and self.rng.random() < 0.5:
                    resolve(self.store, self.office, item.id, Action.REPICK)
                    self.note("inbox: re-pick requested")
                elif Action.COUNT in item.actions:
                    self.count_bin(item.bin)
                    self.note("inbox: bin counted")
                elif item.kind == "MISSING_UNIT":
                    if Action.SHIP_SHORT in item.actions:
                        resolve(self.store, self.office, item.id, Action.SHIP_SHORT)
                        self.note("inbox: missing unit, shipped without it")
                    else:
                        resolve(
                            self.store, self.office, item.id, Action.CANCEL, note="unit missing"
                        )
                        self.note("inbox: missing unit, cancelled")
                elif item.kind == "NOTHING_TO_SHIP":
                    resolve(self.store, self.office, item.id, Action.RETRY)
                    self.note("inbox: wait for stock")
                elif item.kind in ("RECEIVING", "OTHER", "CANCELLED_AFTER_PACK", "WEIGHT_MISMATCH"):
                    if Action.ACKNOWLEDGE in item.actions:
                        resolve(
                            self.store, self.office, item.id, Action.ACKNOWLEDGE, note="checked"
                        )
                        self.note("inbox: acknowledged")
                    else:
                        continue
                else:
                    continue
                did = True
                acted += 1
            except DomainError as exc:
                self.refused("inbox", exc)
        return did

    def count_bin(self, bin_code: str) -> None:
        from wms_tui.services.inventory import cycle_count as cc

        system = {v.sku: v.system for v in cc.count_variance(self.store, self.office, bin_code, {})}
        counted = dict(system)
        reason = ""
        if system and self.rng.random() < 0.5:
            # The short pick was right: one unit really is missing.
            sku = self.rng.choice(sorted(system))
            if counted[sku] > 0:
                counted[sku] -= 1
                reason = "missing, found by count"
        cc.approve_count(self.store, self.office, bin_code, counted, reason=reason, expected=system)

    # -- pickers ------------------------------------------------------------

    def pick(self, picker: Actor) -> bool:
        from wms_tui.services.picking import walk as picking
        from wms_tui.services.picking.short_pick import report_short
        from wms_tui.services.picking.task_view import Stage

        if self.on_break.get(picker.terminal, 0) > self.round:
            return False
        view = self.task_views.pop(picker.terminal, None)
        if view is None:
            view = self._task_view(picker)
            if view is None:
                return False
        code, stop = view.code, view.stop
        if stop is None:
            return False
        if self.rng.random() < self.faults.logout_mid_task:
            picking.pause_task(self.store, picker, code)
            self.paused.add(picker.terminal)
            self.on_break[picker.terminal] = self.round + self.rng.randint(2, 8)
            self.note("logout mid-task")
            return True
        # Every scan passes the view the handheld shows, as the pick screen does:
        # the service then reads only the stop (picking/stop.py), not the cart.
        if stop.stage == Stage.TOTE:
            # Picked, the tote not scanned yet (the scan was refused, or the
            # picker logged out in between): the handheld asks for the tote.
            done = picking.scan(self.store, picker, code, stop.tote, known=view)
            self._after_tote(picker, done)
            return True
        out = picking.scan(self.store, picker, code, stop.bin, known=view)
        at, view = out.at_bin, out.view
        left = stop.qty - stop.picked - stop.short
        if left > 0 and self.rng.random() < self.faults.short_pick:
            if left > 1:
                # What is there goes in the tote; the rest is reported short.
                out = picking.scan(
                    self.store, picker, code, stop.sku, at_bin=at, count=left - 1, known=view
                )
                out = report_short(self.store, picker, code, "missing", at_bin=at)
                picking.scan(self.store, picker, code, stop.tote, at_bin=at, known=out.view)
            else:
                report_short(self.store, picker, code, "missing", at_bin=at)
            self.note("short pick")
            return True
        if left > 0:
            out = picking.scan(
                self.store, picker, code, stop.sku, at_bin=at, count=left, known=view
            )
            view = out.view
        done = picking.scan(self.store, picker, code, stop.tote, at_bin=at, known=view)
        self._after_tote(picker, done)
        return True

    def _after_tote(self, picker: Actor, done) -> None:  # noqa: ANN001 - a ScanOutcome
        if done.finished is None and done.view.stop is not None:
            self.task_views[picker.terminal] = done.view
        elif done.finished is not None:
            self.task_of.pop(picker.terminal, None)

    def _task_view(self, picker: Actor):  # noqa: ANN202 - a TaskView or None
        """The picker's task as the handheld shows it next: the one it holds (resumed
        after a pause), else the next one claimed."""
        from wms_tui.services.picking import walk as picking

        terminal = picker.terminal
        if terminal not in self.logged_in:
            # At login the handheld asks for a task left claimed or paused.
            self.logged_in.add(terminal)
            if (left := picking.my_open_task(self.store, picker)) is not None:
                self.task_of[terminal] = left
                self.paused.add(terminal)
        code = self.task_of.get(terminal)
        if code is not None:
            try:
                if terminal in self.paused:
                    view = picking.resume_task(self.store, picker, code)
                else:
                    view = picking.current_stop(self.store, picker, code)
                self.paused.discard(terminal)
                if view.stop is not None:
                    return view
            except DomainError as exc:
                # Finished or taken away meanwhile (its last orders cancelled, the
                # supervisor released it): the picker takes the next one.
                self.refused("pick: task gone", exc)
            self.task_of.pop(terminal, None)
            self.paused.discard(terminal)
        view = picking.claim_next_task(self.store, picker)
        if view is None:
            return None
        self.note("task claimed")
        self.task_of[terminal] = view.code
        return view

    # -- packers ------------------------------------------------------------

    def pack(self, packer: Actor) -> bool:
        from wms_tui.services.packing import station as packing

        order_id = self.open_at.get(packer.terminal)
        if order_id is None and packer.terminal not in self.logged_in:
            # At login the station asks for an order left open here.
            self.logged_in.add(packer.terminal)
            order_id = packing.my_open_order(self.store, packer)
        if order_id is None:
            for row in packing.station_queue(self.store, packer):
                try:
                    view = packing.open_order(self.store, packer, row.name)
                    order_id = view.order_id
                    self.pack_views[packer.terminal] = view
                    break
                except DomainError:
                    continue
            if order_id is None:
                return False
            self.note("order opened")
        self.open_at[packer.terminal] = order_id
        try:
            self._pack_step(packer, order_id)
        except DomainError as exc:
            self.pack_views.pop(packer.terminal, None)
            # Taken over, cancelled, stopped: told once, back to the queue.
            with self.store.read() as s:
                order = s.get(Order, order_id)
                mine = (
                    order is not None
                    and order.status == S.PACKING
                    and order.locked_terminal == packer.terminal
                )
            if mine:
                self.refused("pack", exc)
                return False
            self.open_at[packer.terminal] = None
            self.refused("pack: order gone from the station", exc)
        return True

    def _pack_step(self, packer: Actor, order_id: int) -> None:
        from wms_tui.services.packing import station as packing

        view = self.pack_views.pop(packer.terminal, None)
        if view is None or view.order_id != order_id:
            view = packing.current_view(self.store, packer, order_id)
        if view.status != S.PACKING:
            self.open_at[packer.terminal] = None
            if view.status not in (S.PACKED,):
                self.note("pack: order left the station")
            return
        for line in view.lines:
            left = line.need - line.packed
            if left <= 0:
                continue
            if self.rng.random() < self.faults.missing_at_pack:
                packing.report_missing(self.store, packer, order_id, line.line_no)
                self.note("unit missing at pack")
                self.open_at[packer.terminal] = None
                return
            if self.rng.random() < self.faults.damaged_at_pack:
                short = self.rng.random() < self.faults.short_ship
                view = packing.qc_fail(
                    self.store,
                    packer,
                    order_id,
                    line.line_no,
                    self.rng.choice(("damaged", "colour", "size", "item")),
                    replace=not short,
                    scanned=False,
                    approver=DEMO_SUPERVISOR if short else None,
                )
                self.note("short-shipped at pack" if short else "replacement requested")
                if view.status != S.PACKING:
                    self.open_at[packer.terminal] = None
                else:
                    self.pack_views[packer.terminal] = view
                return
            view = packing.scan(self.store, packer, order_id, line.sku)
            if left > 1:
                view = packing.set_count(self.store, packer, order_id, line.line_no, line.need)
            if self.rng.random() < self.faults.over_scan:
                try:
                    view = packing.scan(self.store, packer, order_id, line.sku)
                    self.note("OVER-SCAN ACCEPTED")
                except DomainError:
                    self.note("over-scan refused")
            self.pack_views[packer.terminal] = view
            return
        self._finish_pack(packer, order_id, view)
        self.open_at[packer.terminal] = None

    def _finish_pack(self, packer: Actor, order_id: int, view) -> None:  # noqa: ANN001 - a PackView
        from wms_tui.services.demo.walk import scale_reading
        from wms_tui.services.packing import station as packing

        for line in view.lines:
            if line.need - line.packed > 0:
                if line.packed == 0:
                    view = packing.scan(self.store, packer, order_id, line.sku)
                view = packing.set_count(self.store, packer, order_id, line.line_no, line.need)
        if not any(p.units for p in view.parcels):
            return
        if any(p.fit_problem for p in view.parcels):
            # The suggested box does not take them: the packer picks one that does.
            fits = [c for c in packing.carton_options(self.store, packer, order_id) if c.ok]
            if fits:
                view = packing.choose_carton(self.store, packer, order_id, fits[0].code)
                self.note("other carton chosen")
        for parcel in view.parcels:
            reading = scale_reading(parcel.expected_g, order_id)
            view = packing.enter_weight(self.store, packer, order_id, reading, parcel_no=parcel.seq)
        for item in view.inserts:
            if not item.done:
                view = packing.confirm_insert(self.store, packer, order_id, item.n)
        packing.close_parcel(self.store, packer, order_id)
        self.note("packed")

    # -- receiving ----------------------------------------------------------

    def receive(self, receiver: Actor) -> bool:
        from wms_tui.services.receiving import closing, putaway
        from wms_tui.services.receiving import receipt as receiving

        due = [d for d in self.deliveries if d[0] <= self.round]
        if due:
            delivery = due[0]
            self.deliveries.remove(delivery)
            r = receiving.start_blind_receipt(self.store, receiver, supplier="Late supplier")
            for sku, qty in delivery[1].items():
                receiving.receive_scan(self.store, receiver, r.reference, sku, count=qty)
            closing.close_receipt(self.store, receiver, r.reference)
            self.putaway_waiting = True
            self.note("late delivery received")
            return True
        if not self.putaway_waiting:
            return False
        lines = putaway.pending(self.store)
        if not lines:
            self.putaway_waiting = False
            return False
        line = lines[0]
        if line.suggestion is None:
            return False
        putaway.put_away(
            self.store,
            receiver,
            reference=line.reference,
            product_code=line.sku,
            bin_code=line.suggestion.bin,
        )
        self.note("put away")
        return True

    # -- dock ---------------------------------------------------------------

    def load(self) -> bool:
        from wms_tui.services.dispatch import handover

        took_out = self.stop_cancelled_parcels()
        with self.store.read() as s:
            rows = s.exec(
                select(Carrier.code, Parcel.sscc)
                .join(Order, col(Order.id) == Parcel.order_id)
                .join(Carrier, col(Carrier.id) == Order.carrier_id)
                .where(Parcel.status == ParcelStatus.CLOSED, Order.status == S.PACKED)
                .order_by(col(Parcel.id))
                .limit(10)
            ).all()
        for carrier, sscc in rows:
            try:
                handover.load_parcel(self.store, self.dock, carrier, str(sscc))
                self.note("parcel loaded")
            except DomainError as exc:
                self.refused("load", exc)
        return bool(rows) or took_out

    def stop_cancelled_parcels(self) -> bool:
        """The dock takes off the truck the parcels of orders cancelled after packing."""
        from wms_tui.services.dispatch import handover

        with self.store.read() as s:
            rows = s.exec(
                select(Carrier.code, Parcel.sscc)
                .join(Order, col(Order.id) == Parcel.order_id)
                .join(Carrier, col(Carrier.id) == Order.carrier_id)
                .where(Parcel.status == ParcelStatus.LOADED, Order.status == S.CANCELLED)
            ).all()
        for carrier, sscc in rows:
            try:
                handover.take_out(self.store, self.dock, carrier, str(sscc))
                self.note("stopped parcel taken off the truck")
            except DomainError as exc:
                self.refused("take out", exc)
        return bool(rows)

    def close_manifests(self, before: date | None = None) -> None:
        """Close every open manifest with parcels loaded (only those dated ``before``)."""
        from wms_tui.services.dispatch import manifest

        self.stop_cancelled_parcels()
        # Each open manifest by its own day: a long day's rounds run past the warehouse's
        # midnight, and closing only "today's" left the earlier day's parcels loaded on
        # an open manifest (401 orders PACKED at the end of a 5,000-order day).
        with self.store.read() as s:
            open_days = s.exec(
                select(Carrier.code, Manifest.day)
                .join(Manifest, col(Manifest.carrier_id) == Carrier.id)
                .join(Parcel, col(Parcel.manifest_id) == Manifest.id)
                .where(
                    Manifest.status == ManifestStatus.OPEN,
                    Parcel.status == ParcelStatus.LOADED,
                    *([Manifest.day < before] if before is not None else []),
                )
                .distinct()
                .order_by(col(Manifest.day))
            ).all()
        for code, on_day in open_days:
            try:
                manifest.close_manifest(
                    self.store, self.office, code, on_day, send_notices=False, send=False
                )
                self.note("manifest closed")
            except DomainError as exc:
                self.refused("manifest", exc)

    def returns(self) -> None:
        from wms_tui.services.returns import desk

        with self.store.read() as s:
            ids = s.exec(
                select(Order.id).where(Order.status == S.DISPATCHED).order_by(col(Order.id))
            ).all()
            reason = s.exec(select(ReturnReason.code).order_by(col(ReturnReason.code))).first()
        desk_actor = self.receivers[0]
        for oid in ids:
            if self.rng.random() >= self.faults.returns or reason is None:
                continue
            with self.store.read() as s:
                lines = s.exec(
                    select(OrderLine.id, OrderLine.qty_packed, Stock.location_id)
                    .join(Stock, col(Stock.product_id) == OrderLine.product_id, isouter=True)
                    .where(OrderLine.order_id == oid, OrderLine.qty_packed > 0)
                ).all()
                bins = {}
                for line_id, qty, loc_id in lines:
                    loc = s.get(Location, loc_id) if loc_id else None
                    if loc is not None and loc.kind == LocationKind.PICK:
                        bins.setdefault(line_id, (qty, loc.code))
            units = [
                desk.ReturnUnit(
                    order_line_id=line_id,
                    reason_code=reason,
                    disposition=Disposition.RESTOCK,
                    location=code,
                    qty=qty,
                )
                for line_id, (qty, code) in bins.items()
            ]
            if not units:
                continue
            try:
                desk.register_return(
                    self.store, desk_actor, desk.ReturnRequest(oid, units, Resolution.REFUND)
                )
                self.note("returned and restocked")
            except DomainError as exc:
                self.refused("return", exc)


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
    day_orders, late, demand = _setup(store, rng, orders, faults)
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
