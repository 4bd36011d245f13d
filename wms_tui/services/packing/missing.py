"""A unit missing from the tote at the pack station: the order goes to a supervisor.

The ledger says the order's tote holds the unit; the packer cannot find it.
Before, the only way on was to scan everything else and try to close, which
refused "find the missing unit or ask a supervisor" and raised nothing: the
order sat at the station with nobody's task naming it.

:func:`report_missing` (the packer, one unit of one line) writes the unit off
the tote (ledger move out, reason ADJUSTED: it is not where the books say),
owes it no more for now (``qty_short``, "missing from the tote"), takes the
order off the station and puts it ON_HOLD, held from PICKED, with a
MISSING_UNIT exception. The inbox offers what resolves it
(:mod:`wms_tui.services.exceptions.actions`): request a re-pick (the unit is
reserved again and picked into the same tote by a priority task), ship
without it (the hold is lifted, any station packs the rest; offered while
something is left to ship) or cancel the order (its units in the tote are put
back). Whichever is chosen, the order leaves the hold.

The bin the unit was picked from is flagged for a count, as a short pick
flags its bin: if the picker never put the unit in the tote, that bin holds
one more than the books say, and its stock is kept from allocation until
someone counts it. The exception names the bin and offers the count while it
is flagged; it closes when the order has left the hold and the bin is counted.
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from wms_tui.domain.actor import Actor
from wms_tui.domain.enums import (
    EventKind,
    ExceptionKind,
    MovementReason,
    OrderStatus,
    Role,
)
from wms_tui.domain.errors import DomainError
from wms_tui.domain.models import Location, StockMovement, WmsException
from wms_tui.services.core import events
from wms_tui.services.inventory.stock import move_stock
from wms_tui.services.packing import totes as pack_totes
from wms_tui.services.packing.ownership import lock_order, require_open_here
from wms_tui.services.packing.state import PackContext
from wms_tui.services.packing.view import PackView, Said
from wms_tui.store import Store, UnitOfWork, retrying

SHORT_REASON = "Missing from the tote"
# The line's reason once a supervisor ships without it: the packing slip prints it.
SHIPPED_SHORT_REASON = "Not sent, refund follows"
# The quality check's choices end with this one: the unit is not there at all.
MISSING_REASON = ("missing", "Not in the tote")
HOLD_REASON = "unit missing at packing: a supervisor decides"


@retrying
def report_missing(store: Store, actor: Actor, order_id: int, line_no: int) -> PackView:
    """One unit of line ``line_no`` is not in the order's tote (see the module docstring)."""
    actor.require(Role.PACKER, action="pack orders")
    with store.unit_of_work() as uow:
        s = uow.session
        order = lock_order(s, order_id)
        require_open_here(s, order, actor.operator_id, actor.terminal)
        ctx = PackContext(s, order)
        line = ctx.line_by_no(line_no)
        if line.need <= 0:
            raise DomainError(f"Line {line_no} ({line.sku}) is already short-shipped")
        if line.need - line.qty_packed <= 0:
            raise DomainError(f"Every {line.sku} of line {line_no} is scanned: none is missing")
        # The bin before the tote's stock row: the house lock order (bin, then stock).
        source = _picked_from(s, order.id, line.product_id)  # type: ignore[arg-type]
        if source is not None:
            _flag(uow, actor, source, f"Unit missing at packing: 1× {line.sku} of {order.name}")
        totes = pack_totes.order_totes(s, order.id)  # type: ignore[arg-type]
        held = pack_totes.tote_stock(s, totes, line.product_id)
        if held:
            tote = held[0][0]
            move_stock(
                uow,
                actor,
                ctx.products[line.product_id],
                1,
                from_loc=tote,
                to_loc=None,
                reason=MovementReason.ADJUSTED,
                order=order,
                reference=f"missing from {tote.code} at {actor.terminal}",
            )
            where = tote.code
        else:
            # The books already had it out of the tote (taken out at a count):
            # nothing to write off, the order still waits for the decision.
            where = " ".join(t.code for t in totes) or "the tote"
        line.qty_picked = max(0, line.qty_picked - 1)
        line.qty_allocated = max(0, line.qty_allocated - 1)
        line.qty_short += 1
        line.short_reason = SHORT_REASON
        uow.add(line)

        order.locked_by_operator_id = None
        order.locked_terminal = ""
        order.locked_at = None
        order.hold_reason = HOLD_REASON
        events.change_status(
            uow, order, OrderStatus.ON_HOLD, actor, detail=f"1× {line.sku} missing from {where}"
        )
        # Lifted, the hold gives the order back to the stations' queues, not to
        # the bench it left (the transition noted PACKING).
        order.held_from = OrderStatus.PICKED
        uow.add(order)
        # The inbox offers "ship without it" only while something else ships.
        ways = (
            "re-pick it, ship without it or cancel"
            if any(ln.need > 0 for ln in ctx.lines)
            else "re-pick it or cancel"
        )
        uow.add(
            WmsException.raised_by(
                actor,
                ExceptionKind.MISSING_UNIT,
                f"1× {line.sku} of {order.name} missing from {where} at {actor.terminal}: {ways}",
                order_id=order.id,
                sku=line.sku,
                location=source.code if source is not None else "",
            )
        )
        events.log(
            uow,
            actor,
            EventKind.PACK_MISSING,
            order=order,
            sku=line.sku,
            qty=1,
            from_location=where,
            detail=f"line {line_no}: not in the tote; the order waits for a supervisor",
        )
        uow.flush()
        ctx.invalidate()
        view = ctx.view(
            # Two rows of a 40-column handheld: what happened, where the tote goes.
            Said.info(f"{line.sku} missing: {order.name} to the supervisor; park tote {where}")
        )
        uow.commit()
    return view


def _picked_from(session: Session, order_id: int, product_id: int) -> Location | None:
    """The bin the order's units of the product were last picked from (the ledger says)."""
    loc_id = session.exec(
        select(StockMovement.from_location_id)
        .where(
            StockMovement.order_id == order_id,
            StockMovement.product_id == product_id,
            StockMovement.reason == str(MovementReason.PICKED),
            col(StockMovement.from_location_id).is_not(None),
        )
        .order_by(col(StockMovement.id).desc())
        .limit(1)
    ).first()
    return session.get(Location, loc_id) if loc_id is not None else None


def _flag(uow: UnitOfWork, actor: Actor, loc: Location, why: str) -> None:
    """Send ``loc`` to be counted; a bin already flagged keeps the reason it has."""
    if loc.cycle_count_flag:
        return
    loc.cycle_count_flag = True
    loc.cycle_count_reason = f"{why} ({actor.name} on {actor.terminal})"[:200]
    uow.add(loc)
    events.log(
        uow,
        actor,
        EventKind.LOCATION_FLAGGED,
        location=loc.code,
        detail=loc.cycle_count_reason,
    )
