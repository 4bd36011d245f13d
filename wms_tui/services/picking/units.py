"""Taking picked units: the ledger, the allocation, the stop and the log for one item scan.

:func:`pick_units` is what an accepted item scan writes, inside the scan's unit of work
(:mod:`walk`): the allocation gives up ``n`` units and the stop takes them, each by a
guarded UPDATE built once (the reservation still holds them; the stop is still open for
them on this picker's claim on this terminal), then the units move from the bin into the
tote in the ledger (the allocation consumed), the order line counts them and a
``pick.unit`` event records them. A refusal raises and the unit of work rolls back.
"""

from __future__ import annotations

from functools import cache

from sqlalchemy import Update, bindparam, update
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import col, select

from wms_tui.domain.actor import Actor
from wms_tui.domain.enums import EventKind, MovementReason, OrderStatus, TaskStatus
from wms_tui.domain.errors import DomainError
from wms_tui.domain.models import Allocation, PickTask, PickTaskLine
from wms_tui.services.core import events
from wms_tui.services.inventory import stock as inventory
from wms_tui.services.picking.task import STOPPED, TaskContext
from wms_tui.store import UnitOfWork

# An item scan's two guarded UPDATEs, built once with bound parameters: built per
# scan, the pair cost about as much SQLAlchemy work as running them.


@cache
def _reserve_units() -> Update:
    """The allocation still holds ``n`` unpicked units: take them off it."""
    n = bindparam("n")
    return (
        update(Allocation)
        .where(
            col(Allocation.id) == bindparam("allocation"),
            Allocation.qty - Allocation.qty_picked >= n,
        )
        .values(qty_picked=Allocation.qty_picked + n)
        .execution_options(synchronize_session=False)
    )


@cache
def _take_units() -> Update:
    """The stop is open for ``n`` more, on a task this picker holds on this terminal."""
    n = bindparam("n")
    claimed = (
        select(PickTask.id)
        .where(
            PickTask.id == PickTaskLine.task_id,
            PickTask.status == TaskStatus.CLAIMED,
            PickTask.picker_id == bindparam("picker"),
            PickTask.terminal == bindparam("terminal"),
        )
        .exists()
    )
    return (
        update(PickTaskLine)
        .where(
            col(PickTaskLine.id) == bindparam("line"),
            col(PickTaskLine.done).is_(False),
            PickTaskLine.qty_picked + PickTaskLine.qty_short + n <= PickTaskLine.qty,
            claimed,
        )
        .values(qty_picked=PickTaskLine.qty_picked + n)
        .execution_options(synchronize_session=False)
    )


def pick_units(uow: UnitOfWork, actor: Actor, ctx: TaskContext, ln: PickTaskLine, n: int) -> None:
    s = uow.session
    order = ctx.order_of(ln)
    if OrderStatus(order.status) in STOPPED:
        raise DomainError(f"Order {order.name} is {OrderStatus(order.status).label}: skip it")
    oline = ctx.olines[ln.order_line_id]
    product = ctx.products[ln.product_id]
    bin_loc, tote = ctx.locs[ln.location_id], ctx.locs[ln.tote_id]  # type: ignore[index]
    # Guarded in SQL, not read first: the reservation still holds n units, and the
    # stop is still open for n more on this picker's claim on this terminal. Under
    # the task's lock both hold; a refusal raises and the unit of work rolls back.
    reserved = s.execute(_reserve_units(), {"allocation": ln.allocation_id, "n": n})
    if reserved.rowcount != 1:  # type: ignore[attr-defined]
        raise DomainError(f"{product.sku} in {bin_loc.code} is not reserved for {order.name}")
    taken = s.execute(
        _take_units(),
        {"line": ln.id, "n": n, "picker": actor.operator_id, "terminal": actor.terminal},
    )
    if taken.rowcount != 1:  # type: ignore[attr-defined]
        raise DomainError(f"Stop {ctx.loc_code(ln.location_id)} changed: scan again")
    set_committed_value(ln, "qty_picked", ln.qty_picked + n)
    inventory.move_stock(
        uow,
        actor,
        product,
        n,
        from_loc=bin_loc,
        to_loc=tote,
        reason=MovementReason.PICKED,
        order=order,
        reference=ctx.task.code,
        consume_allocation=True,
    )
    oline.qty_picked += n
    uow.add(oline)
    events.log(
        uow,
        actor,
        EventKind.PICK_UNIT,
        order=order,
        sku=product.sku,
        qty=n,
        from_location=bin_loc.code,
        to_location=tote.code,
        location=bin_loc.code,
        detail=f"task {ctx.task.code}",
    )
