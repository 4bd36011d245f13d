"""Every open exception with what it concerns and the actions that resolve it.

Most urgent first, then newest: an order stuck in the flow (a unit failed
quality check, nothing left to ship, a short pick) before a parcel to stop at
the dock, before a weight, a backorder, a delivery report. Within a kind, the
newest first. Each row says what it concerns (order, bin, delivery), who raised
it where, and the actions that can resolve it *now* (an action that would
only be refused, such as counting a bin already counted, a re-pick the bins
cannot cover, or restocking a parcel still on the truck, is not offered: the
row says why, and names the work on another screen that resolves it when no
key of the inbox can). A backorder's cause is what is short *now*, read when
listing: the text stored when it was raised goes stale as stock comes and goes,
and a failed retry rolls back, so it is never rewritten.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlmodel import Session, col, select

from wms_tui.domain.actor import Actor
from wms_tui.domain.enums import ExceptionKind as K
from wms_tui.domain.enums import OrderStatus as S
from wms_tui.domain.enums import Role
from wms_tui.domain.models import Location, Order, WmsException
from wms_tui.services.exceptions.settle import settle, settled
from wms_tui.services.exceptions.waiting import TASK_PREFIX, raise_waiting, unraised
from wms_tui.store import Store, retrying

DELIVERY_PREFIX = "delivery:"


class Action(StrEnum):
    RETRY = "retry"  # retry allocation
    RELEASE = "release"  # release to pick what is in stock; the rest waits as a backorder
    CANCEL = "cancel"  # cancel the order, with a reason
    COUNT = "count"  # count the bin (the cycle count screen, bin filled in)
    PUT_BACK = "put_back"  # the picked units of a cancelled order back to their bins
    ACKNOWLEDGE = "ack"  # seen and dealt with, with a note
    APPROVE = "approve"  # ship an order held for its payment anyway
    FREE_TASK = "free_task"  # a paused task off its picker: the next picker claims it
    REPICK = "repick"  # short-shipped units are picked after all (a replacement task)
    RESTOCK = "restock"  # a parcel stopped after packing: unpacked, its units to their bins
    SHIP_SHORT = "ship_short"  # a unit missing at packing: the rest ships without it

    @property
    def label(self) -> str:
        return ACTION_LABELS[self]


ACTION_LABELS: dict[Action, str] = {
    Action.RETRY: "Retry allocation",
    Action.RELEASE: "Release what is in stock",
    Action.CANCEL: "Cancel order",
    Action.COUNT: "Count the bin",
    Action.PUT_BACK: "Put units back",
    Action.ACKNOWLEDGE: "Acknowledge",
    Action.APPROVE: "Approve: ship it unpaid",
    Action.FREE_TASK: "Free the task for the next picker",
    Action.REPICK: "Request a re-pick",
    Action.RESTOCK: "Unpack and restock",
    Action.SHIP_SHORT: "Ship without it",
}

KIND_LABELS: dict[str, str] = {
    K.QC_FAIL: "QC fail",
    K.NOTHING_TO_SHIP: "Nothing to ship",
    K.MISSING_UNIT: "Missing unit",
    K.SHORT_PICK: "Short pick",
    K.CANCELLED_AFTER_PACK: "Stop parcel",
    K.OTHER: "Cancelled",
    K.WEIGHT_MISMATCH: "Weight",
    K.BACKORDER: "Backorder",
    K.RECEIVING: "Receiving",
    K.UNKNOWN_SKU: "Unknown SKU",
    K.SHOP_SYNC: "Shop sync",
    K.PAYMENT_HOLD: "Payment",
    K.PAUSED_TASK: "Paused task",
    K.PRINT: "Printing",
}
# Lower is more urgent: work stuck on the floor first, paperwork last.
URGENCY: dict[str, int] = {
    K.QC_FAIL: 0,
    K.NOTHING_TO_SHIP: 0,
    K.MISSING_UNIT: 0,
    K.SHORT_PICK: 1,
    K.CANCELLED_AFTER_PACK: 2,
    K.OTHER: 3,
    K.PAUSED_TASK: 3,
    K.WEIGHT_MISMATCH: 4,
    K.PRINT: 4,
    K.PAYMENT_HOLD: 5,
    K.BACKORDER: 5,
    K.UNKNOWN_SKU: 5,
    K.RECEIVING: 6,
    K.SHOP_SYNC: 6,
}

# Orders a supervisor may still cancel from the inbox.
_CANCELLABLE = frozenset(
    {S.NEW, S.READY_TO_PICK, S.BACKORDERED, S.PICKING, S.PICKED, S.PACKING, S.ON_HOLD}
)


@dataclass(frozen=True)
class Offer:
    """What the inbox offers for one exception now."""

    actions: tuple[Action, ...]
    # Work on another screen that resolves it while no key of the inbox can (a
    # cancelled order's parcel on the truck: the dock takes it out first).
    elsewhere: str = ""
    # Actions a supervisor would look for, held back because they would only be
    # refused, each with why (shown under the keys, and the refusal's words).
    withheld: tuple[tuple[Action, str], ...] = ()

    def why_not(self, action: Action) -> str:
        return dict(self.withheld).get(action, "")


@dataclass(frozen=True)
class InboxItem:
    id: int
    kind: str
    at: datetime
    cause: str
    order: str  # order name, "" when it concerns no order
    order_id: int | None
    order_status: str
    bin: str
    delivery: str
    task: str  # a pick task's code, "" when it concerns none
    raised_by: str
    terminal: str
    actions: tuple[Action, ...]
    elsewhere: str = ""  # see Offer
    withheld: str = ""  # why actions one would look for are not offered, one line

    @property
    def workable(self) -> bool:
        """A person can do something about it now: a key here, or the work it names elsewhere."""
        return bool(self.actions or self.elsewhere)

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind.replace("_", " ").title())

    @property
    def concerns(self) -> str:
        """What it is about, in a few characters: the order, else the bin, else the delivery."""
        return " · ".join(self._concerns())

    @property
    def first_concern(self) -> str:
        """The order, else the bin, else the delivery: a handheld's narrow column holds one
        whole (its bin is in the detail under the list)."""
        return next(iter(self._concerns()), "")

    def _concerns(self) -> list[str]:
        return [p for p in (self.order, self.bin, self.delivery, self.task) if p]


def actions_for(
    kind: str,
    order: Order | None,
    bin_code: str,
    bin_flagged: bool,
    units_in_totes: int,
    *,
    task_paused: bool = False,
    short_shipped: int = 0,
    packed_left: int = 0,
    to_ship: int = 0,
    repick_blocked: str = "",
    on_truck: tuple[str, ...] = (),
) -> Offer:
    """What can resolve an exception of ``kind`` in the state it is in now.

    ``short_shipped``: units of the order short-shipped at packing;
    ``packed_left``: units its packing left where it put them (a stopped parcel);
    ``to_ship``: units the order still ships (a missing unit's: without it);
    ``repick_blocked``: why a re-pick of the short-shipped units would be
    refused now ("" when it would work): :func:`.repick.repick_blocked`;
    ``on_truck``: the order's parcels loaded at the dock (their codes).
    """
    status = S(order.status) if order is not None else None
    if kind == K.PAUSED_TASK:
        # Acknowledging would leave the task paused with nobody's name on it.
        return Offer((Action.FREE_TASK,) if task_paused else ())
    if kind == K.PAYMENT_HOLD:
        return Offer((Action.APPROVE, Action.CANCEL) if status is S.ON_HOLD else ())
    found: list[Action] = []
    withheld: list[tuple[Action, str]] = []
    # Offered only when the bins cover it: a re-pick of units nobody can reserve
    # was refused every time (14 refusals in a 400-order simulated day).
    repick_due = short_shipped > 0 and (
        (kind == K.MISSING_UNIT and status is S.ON_HOLD)
        or (kind == K.QC_FAIL and status in (S.PACKING, S.PICKED))
    )
    repick = repick_due and not repick_blocked
    if repick_due and repick_blocked:
        withheld.append((Action.REPICK, repick_blocked))
    if kind == K.NOTHING_TO_SHIP and status is S.ON_HOLD:
        return Offer((Action.RETRY, Action.CANCEL))
    if kind == K.MISSING_UNIT:
        # The bin it was picked from, flagged: counted whatever the decision.
        count = [Action.COUNT] if bin_code and bin_flagged else []
        if status is not S.ON_HOLD:
            return Offer(tuple(count))  # the decision was taken: it closes with the count
        missing = [Action.REPICK] if repick else []
        # Shipping without it is shipping nothing when it was all there was.
        ship = [Action.SHIP_SHORT] if to_ship > 0 else []
        # Left open without a re-pick, it waits for stock: the re-pick is offered
        # once the bins cover it.
        return Offer((*missing, *ship, Action.CANCEL, *count), withheld=tuple(withheld))
    elsewhere = ""
    if status is S.BACKORDERED:
        found += [Action.RETRY, Action.RELEASE]
    if status is S.ON_HOLD and kind in (K.BACKORDER, K.SHORT_PICK):
        found.append(Action.RETRY)
    if kind == K.SHORT_PICK and bin_code and bin_flagged:
        found.append(Action.COUNT)
    if status is S.CANCELLED and units_in_totes > 0:
        found.append(Action.PUT_BACK)
    if kind == K.QC_FAIL and repick:
        found.append(Action.REPICK)
    unpack = kind == K.CANCELLED_AFTER_PACK and status is S.CANCELLED and packed_left > 0
    if unpack and on_truck:
        # Restocking goods about to leave would put phantom units in a bin: the
        # dock takes the parcel out first (which raises the unpacking's own row).
        # Offered anyway, it was the simulated day's most frequent refusal.
        assert order is not None
        if len(on_truck) == 1:
            elsewhere = f"Dock: take parcel {on_truck[0]} off the truck (Hand-over F8)"
            why = f"Parcel {on_truck[0]} of {order.name} is on the truck: take it"
        else:
            elsewhere = f"Dock: take its {len(on_truck)} parcels off the truck (Hand-over F8)"
            why = f"{len(on_truck)} parcels of {order.name} are on the truck: take them"
        withheld.append((Action.RESTOCK, f"{why} out at the dock first (Hand-over F8)"))
    elif unpack:
        found.append(Action.RESTOCK)
    if status in _CANCELLABLE:
        found.append(Action.CANCEL)
    # Acknowledging closes the exception: never offered while it is the only
    # thing naming an order that waits, or while a cancelled order's units
    # still sit in a tote or in its stopped parcel.
    waiting = status in (S.BACKORDERED, S.ON_HOLD)
    if (
        kind not in (K.BACKORDER, K.NOTHING_TO_SHIP)
        and not waiting
        and Action.PUT_BACK not in found
        and not unpack
    ):
        found.append(Action.ACKNOWLEDGE)
    return Offer(tuple(dict.fromkeys(found)), elsewhere, tuple(withheld))


@retrying
def open_exceptions(store: Store, actor: Actor, *, limit: int = 500) -> list[InboxItem]:
    """Every open exception, most urgent first, then newest (see the module docstring).

    Exceptions whose work is already done are closed first (:func:`settle`),
    and the waiting ones nobody raised are raised (:func:`raise_waiting`). The
    listing itself reads only: a write transaction is opened just when one of
    those is found, so supervisors' screens refreshing every 30 s do not take
    the write lock from the floor's terminals.
    """
    actor.require(Role.SUPERVISOR, action="see the exceptions inbox")
    with store.read() as s:
        if not settled(s) and not unraised(s):
            return _items(s, limit)
    with store.unit_of_work() as uow:
        if settle(uow, actor) + raise_waiting(uow, actor):
            uow.commit()
    with store.read() as s:
        return _items(s, limit)


def _items(s: Session, limit: int) -> list[InboxItem]:
    from wms_tui.services.exceptions.backorders import waits_for
    from wms_tui.services.exceptions.repick import (
        REPICKABLE,
        repick_blocked,
        short_shipped,
        units_to_ship,
    )
    from wms_tui.services.exceptions.restock import on_the_truck_of, packed_units_left
    from wms_tui.services.exceptions.totes import units_held_for

    rows = s.exec(
        select(WmsException, Order, Location.cycle_count_flag)
        .outerjoin(Order, col(Order.id) == WmsException.order_id)
        .outerjoin(Location, col(Location.code) == WmsException.location)
        .where(col(WmsException.resolved_at).is_(None))
    ).all()
    cancelled = [o.id for _, o, _ in rows if o is not None and o.status == S.CANCELLED]
    held = units_held_for(s, cancelled)
    short = {
        o.id: short_shipped(s, o.id)
        for e, o, _ in rows
        if o is not None
        and (
            (e.kind == K.QC_FAIL and o.status in REPICKABLE)
            or (e.kind == K.MISSING_UNIT and o.status == S.ON_HOLD)
        )
    }
    to_ship = {
        o.id: units_to_ship(s, o.id)
        for e, o, _ in rows
        if o is not None and e.kind == K.MISSING_UNIT and o.status == S.ON_HOLD
    }
    packed = {
        o.id: sum(packed_units_left(s, o.id).values())
        for e, o, _ in rows
        if o is not None and e.kind == K.CANCELLED_AFTER_PACK and o.status == S.CANCELLED
    }
    blocked = repick_blocked(s, [oid for oid, n in short.items() if n > 0])
    loaded = on_the_truck_of(s, [oid for oid, n in packed.items() if n > 0])
    backordered = waits_for(
        s,
        [
            o.id
            for e, o, _ in rows
            if o is not None and e.kind == K.BACKORDER and o.status == S.BACKORDERED
        ],
    )
    items = []
    for exc, order, flagged in rows:
        bin_code = exc.location if flagged is not None else ""
        delivery = (
            exc.location.removeprefix(DELIVERY_PREFIX)
            if exc.location.startswith(DELIVERY_PREFIX)
            else ""
        )
        task = (
            exc.location.removeprefix(TASK_PREFIX) if exc.location.startswith(TASK_PREFIX) else ""
        )
        oid = order.id if order is not None else None
        offer = actions_for(
            exc.kind,
            order,
            bin_code,
            bool(flagged),
            held.get(oid, 0),
            # Listed right after settle(): an open one's task is still paused.
            task_paused=bool(task),
            short_shipped=short.get(oid, 0),
            packed_left=packed.get(oid, 0),
            to_ship=to_ship.get(oid, 0),
            repick_blocked=blocked.get(oid, ""),
            on_truck=tuple(loaded.get(oid, ())),
        )
        cause = (backordered.get(oid) if exc.kind == K.BACKORDER else None) or exc.message
        items.append(
            InboxItem(
                id=exc.id or 0,
                kind=exc.kind,
                at=exc.at,
                cause=" ".join(cause.split()),
                order=order.name if order is not None else "",
                order_id=order.id if order is not None else None,
                order_status=S(order.status).label if order is not None else "",
                bin=bin_code,
                delivery=delivery,
                task=task,
                raised_by=exc.operator_name,
                terminal=exc.terminal,
                actions=offer.actions,
                elsewhere=offer.elsewhere,
                withheld=" · ".join(why for _, why in offer.withheld),
            )
        )
    items.sort(key=lambda i: (URGENCY.get(i.kind, 9), -i.at.timestamp(), -i.id))
    return items[:limit]
