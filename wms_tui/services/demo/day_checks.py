"""The checks at the end of a (simulated or real) floor day: no dead ends, an honest ledger.

1. every order is shipped (dispatched or returned), cancelled, or named by an
   open exception that offers an action;
2. nothing is held by finished work: no tote holds units of a shipped or
   cancelled order, no pack station holds the units of a parcel stopped
   after packing that no open exception names, no station lock is held by an
   order not being packed, no open pick task still has stops for a finished
   order;
3. stock equals the sum of its movements, and no quantity or reservation is
   negative or above what is on hand;
4. every open exception offers an action, or names the work on another
   screen that resolves it (the dock's take-out of a stopped parcel).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import col, select

from wms_tui.domain.actor import Actor
from wms_tui.domain.enums import OPEN_TASK, MovementReason
from wms_tui.domain.enums import OrderStatus as S
from wms_tui.domain.models import Order, OrderLine, PickTask, PickTaskLine, Stock, StockMovement
from wms_tui.services.exceptions.inbox import open_exceptions
from wms_tui.services.exceptions.restock import packed_units_left
from wms_tui.services.exceptions.totes import units_held_for
from wms_tui.services.inventory.stock import ledger_mismatches
from wms_tui.store import Store

DONE = (S.DISPATCHED, S.RETURNED, S.CANCELLED)
SAMPLE = 5


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


def _sample(names: list[str]) -> str:
    more = f" … (+{len(names) - SAMPLE})" if len(names) > SAMPLE else ""
    return ", ".join(names[:SAMPLE]) + more


def check_day(store: Store, supervisor: Actor) -> list[Check]:
    inbox = open_exceptions(store, supervisor, limit=10**9)
    # An exception waiting for work on another screen (the dock's take-out of a
    # cancelled order's parcel) names something a person can do: not a dead end.
    named = {i.order_id for i in inbox if i.order_id is not None and i.workable}
    checks: list[Check] = []
    with store.read() as s:
        orders = s.exec(select(Order.id, Order.name, Order.status)).all()
        loose = [
            f"{name} ({S(st).label})"
            for oid, name, st in orders
            if S(st) not in DONE and oid not in named
        ]
        checks.append(
            Check(
                "every order shipped, cancelled or in the inbox with an action",
                not loose,
                f"{len(orders)} orders"
                if not loose
                else f"{len(loose)} dead ends: {_sample(loose)}",
            )
        )

        finished = [oid for oid, _n, st in orders if S(st) in DONE]
        totes = units_held_for(s, finished)
        locks = s.exec(
            select(Order.name).where(col(Order.locked_terminal) != "", Order.status != S.PACKING)
        ).all()
        tasks = s.exec(
            select(PickTask.code, Order.name)
            .join(PickTaskLine, col(PickTaskLine.task_id) == PickTask.id)
            .join(OrderLine, col(OrderLine.id) == PickTaskLine.order_line_id)
            .join(Order, col(Order.id) == OrderLine.order_id)
            .where(
                col(PickTask.status).in_(OPEN_TASK),
                col(PickTaskLine.done).is_(False),
                col(Order.status).in_(list(DONE)),
            )
            .distinct()
        ).all()
        # A parcel stopped after packing: its units wait at the station until
        # restocked, which only an open exception may leave for later.
        stopped = s.exec(
            select(Order.id, Order.name)
            .where(
                Order.status == S.CANCELLED,
                col(Order.id).in_(
                    select(StockMovement.order_id).where(
                        StockMovement.reason == MovementReason.PACKED.value
                    )
                ),
            )
            .order_by(col(Order.id))
        ).all()
        at_station = [
            name for oid, name in stopped if oid not in named and packed_units_left(s, oid)
        ]
        held = (
            [f"tote units of order id {oid}" for oid in totes]
            + [f"packed units of {name} at the station" for name in at_station]
            + [f"station lock by {n}" for n in locks]
            + [f"task {c} for {n}" for c, n in tasks]
        )
        checks.append(
            Check(
                "no tote, station or task held by finished work",
                not held,
                "none" if not held else _sample(held),
            )
        )

        bad = ledger_mismatches(s)
        negative = s.exec(
            select(Stock.id).where(
                (Stock.qty < 0) | (Stock.allocated < 0) | (Stock.allocated > Stock.qty)
            )
        ).all()
        checks.append(
            Check(
                "stock = sum of movements, never negative",
                not bad and not negative,
                "balanced"
                if not bad and not negative
                else f"{len(bad)} rows off the ledger, {len(negative)} negative or over-reserved",
            )
        )

    stuck = [f"#{i.id} {i.kind_label} {i.concerns}" for i in inbox if not i.workable]
    checks.append(
        Check(
            "every open exception has an action",
            not stuck,
            f"{len(inbox)} open" if not stuck else f"{len(stuck)} without: {_sample(stuck)}",
        )
    )
    return checks
