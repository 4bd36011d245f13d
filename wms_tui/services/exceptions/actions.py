"""The actions that resolve an exception: one call each, one unit of work, a typed result.

Every action checks the supervisor role, locks the order it concerns, does the
work through the use case that owns it (release and cancel in
``services.intake.order_admin``, allocation, the stock ledger) and closes the
exception in the same transaction when its work is done; a refusal is one
``DomainError`` line and changes nothing. "Count the bin" is the cycle count
screen with the bin filled in (a count is several scans, not one call); the
count's approval closes the exception (:mod:`.settle`).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import col, select

from wms_tui.domain.actor import Actor
from wms_tui.domain.enums import ExceptionKind as K
from wms_tui.domain.enums import MovementReason, Role
from wms_tui.domain.enums import OrderStatus as S
from wms_tui.domain.errors import DomainError, NotFound
from wms_tui.domain.models import Location, Order, Product, StockMovement, WmsException
from wms_tui.services.exceptions.inbox import Action, actions_for
from wms_tui.services.exceptions.repick import (
    repick_blocked,
    repick_in,
    short_shipped,
    units_to_ship,
)
from wms_tui.services.exceptions.restock import on_the_truck, packed_units_left, restock_in
from wms_tui.services.exceptions.settle import close as close_exception
from wms_tui.services.exceptions.settle import close_open, settle
from wms_tui.services.exceptions.totes import held_in_totes
from wms_tui.services.exceptions.waiting import TASK_PREFIX, task_still_paused
from wms_tui.services.intake import order_admin
from wms_tui.services.intake.release import retry_backorders
from wms_tui.services.inventory import allocation
from wms_tui.services.inventory.stock import move_stock
from wms_tui.services.packing.missing import SHIPPED_SHORT_REASON, SHORT_REASON
from wms_tui.services.picking.holding import release_task_in
from wms_tui.store import Store, UnitOfWork, retrying

MAX_NOTE = 120


@dataclass(frozen=True)
class ActionResult:
    exception_id: int
    action: Action
    message: str
    closed: bool
    order: str = ""
    order_status: str = ""


@retrying
def resolve(
    store: Store, actor: Actor, exception_id: int, action: Action | str, *, note: str = ""
) -> ActionResult:
    """Run ``action`` on exception ``exception_id`` (see the module docstring).

    ``note`` is the reason of a cancellation or the note of an acknowledgement
    (both required, one line).
    """
    actor.require(Role.SUPERVISOR, action="resolve exceptions")
    try:
        act = Action(action)
    except ValueError:
        raise DomainError(f"Unknown action {action!r}") from None
    note = " ".join(note.split())
    if len(note) > MAX_NOTE:
        raise DomainError(f"Keep the note under {MAX_NOTE} characters")
    with store.unit_of_work() as uow:
        s = uow.session
        exc = s.exec(
            select(WmsException)
            .where(WmsException.id == exception_id)
            .with_for_update(key_share=True)
        ).first()
        if exc is None:
            raise NotFound(f"Exception {exception_id} does not exist")
        if exc.resolved_at is not None:
            raise DomainError(f"Exception {exception_id} is already closed")
        order = None
        if exc.order_id is not None:
            order = s.exec(
                select(Order).where(Order.id == exc.order_id).with_for_update(key_share=True)
            ).first()
        flagged = bool(
            exc.location
            and s.exec(
                select(Location.cycle_count_flag).where(Location.code == exc.location)
            ).first()
        )
        held = held_in_totes(s, order.id) if order is not None else []
        offer = actions_for(
            exc.kind,
            order,
            exc.location,
            flagged,
            sum(n for *_, n in held),
            task_paused=exc.kind == K.PAUSED_TASK and task_still_paused(s, exc),
            short_shipped=short_shipped(s, order.id) if order is not None else 0,
            packed_left=(sum(packed_units_left(s, order.id).values()) if order is not None else 0),
            to_ship=units_to_ship(s, order.id) if order is not None else 0,
            repick_blocked=(
                repick_blocked(s, [order.id]).get(order.id, "") if order is not None else ""
            ),
            on_truck=tuple(on_the_truck(s, order.id)) if order is not None else (),
        )
        if act not in offer.actions:
            why = offer.why_not(act)
            if why:
                raise DomainError(why)
            what = f" ({order.name} is {S(order.status).label})" if order is not None else ""
            raise DomainError(f"{act.label} does not resolve this exception now{what}")
        if act is Action.COUNT:
            raise DomainError(f"Count {exc.location} on the cycle count screen")
        message = _run(uow, actor, exc, order, act, note)
        uow.flush()
        if exc.resolved_at is None and order is not None:
            settle(uow, actor, [order.id])
        closed = exc.resolved_at is not None
        uow.commit()
        return ActionResult(
            exception_id=exception_id,
            action=act,
            message=message,
            closed=closed,
            order=order.name if order is not None else "",
            order_status=S(order.status).label if order is not None else "",
        )


def _run(
    uow: UnitOfWork,
    actor: Actor,
    exc: WmsException,
    order: Order | None,
    act: Action,
    note: str,
) -> str:
    if act is Action.ACKNOWLEDGE:
        if not note:
            raise DomainError("Add a note: what was done about it")
        close_exception(uow, actor, exc, order, f"acknowledged: {note}")
        return f"Closed: {note}"
    if act is Action.FREE_TASK:
        message = release_task_in(uow, actor, exc.location.removeprefix(TASK_PREFIX))
        close_exception(uow, actor, exc, None, "task freed for the next picker")
        return message
    assert order is not None, "order actions are offered only for exceptions about an order"
    if act is Action.CANCEL:
        if not note:
            raise DomainError(f"Give a reason to cancel {order.name}")
        message = order_admin.cancel_in(uow, actor, order, note)
        if not held_in_totes(uow.session, order.id):
            close_exception(uow, actor, exc, order, f"order cancelled: {note}")
        return message
    if act is Action.RETRY:
        return _retry(uow, actor, exc, order)
    if act is Action.RELEASE:
        return order_admin.split_in(uow, actor, order)
    if act is Action.APPROVE:
        # A supervisor's decision to ship it unpaid: the hold is lifted and the
        # order allocated as any release (settle() closes the exception).
        return order_admin.release_in(uow, actor, order)
    if act is Action.PUT_BACK:
        message = _put_back(uow, actor, order)
        close_exception(uow, actor, exc, order, message)
        return message
    if act is Action.REPICK:
        if exc.kind == K.MISSING_UNIT:
            # Off its hold first (back to PICKED), then picked again into its
            # tote for the station that found the unit missing; leaving the
            # hold closes the exception (settle).
            order_admin.release_in(uow, actor, order)
            return repick_in(uow, actor, order, station=exc.terminal)
        # The QC failure stays open: it closes itself when the order is packed.
        return repick_in(uow, actor, order)
    if act is Action.SHIP_SHORT:
        return _ship_short(uow, actor, order)
    if act is Action.RESTOCK:
        message = restock_in(uow, actor, order)
        # Any other about the same parcels (a store from before the dock's take-out
        # closed the cancel's "stop the parcel" itself) is done too.
        close_open(uow, actor, order, K.CANCELLED_AFTER_PACK, message)
        return message
    raise DomainError(f"{act.label} is not something the inbox can do")


def _ship_short(uow: UnitOfWork, actor: Actor, order: Order) -> str:
    """A missing unit is not sent: the hold is lifted, any station packs the rest."""
    for line in allocation.order_lines(uow, order):
        if line.short_reason == SHORT_REASON:
            # Printed on the customer's packing slip: what happened to them, not
            # who decided (the hold's lifting is logged under the supervisor).
            line.short_reason = SHIPPED_SHORT_REASON
            uow.add(line)
    order_admin.release_in(uow, actor, order)
    return f"{order.name} ships without the missing unit: back in the pack queue"


def _retry(uow: UnitOfWork, actor: Actor, exc: WmsException, order: Order) -> str:
    if exc.kind != K.NOTHING_TO_SHIP:
        return order_admin.release_in(uow, actor, order)
    # "Wait for stock": what was short-shipped is owed again and picked anew.
    for line in allocation.order_lines(uow, order):
        line.qty_short = 0
        line.short_reason = ""
        uow.add(line)
    uow.flush()
    message = order_admin.release_in(uow, actor, order)
    if S(order.status) is S.BACKORDERED:
        close_exception(uow, actor, exc, order, "waits for stock as a backorder")
        missing = allocation.shortages(uow, order)
        uow.add(
            WmsException.raised_by(
                actor,
                K.BACKORDER,
                "; ".join(map(str, missing)) or "waiting for stock",
                order_id=order.id,
                sku=", ".join(m.sku for m in missing),
            )
        )
    return message


def _put_back(uow: UnitOfWork, actor: Actor, order: Order) -> str:
    """A cancelled order's units go from its totes back to the bins they were picked from."""
    s = uow.session
    held = held_in_totes(s, order.id)
    if not held:
        raise DomainError(f"No units of {order.name} are left in a tote")
    moved = 0
    restocked: set[int] = set()
    for tote_id, product_id, qty in held:
        tote = s.get(Location, tote_id)
        product = s.get(Product, product_id)
        source_id = s.exec(
            select(StockMovement.from_location_id)
            .where(
                StockMovement.order_id == order.id,
                StockMovement.product_id == product_id,
                StockMovement.to_location_id == tote_id,
                col(StockMovement.from_location_id).is_not(None),
            )
            .order_by(col(StockMovement.id).desc())
        ).first()
        home = s.get(Location, source_id) if source_id else None
        if home is None or not home.kind.pickable:
            raise DomainError(f"Where {product.sku} came from is unknown: move it by hand")
        move_stock(
            uow,
            actor,
            product,
            qty,
            from_loc=tote,
            to_loc=home,
            reason=MovementReason.MOVED,
            order=order,
            reference=f"put back: {order.name} cancelled",
        )
        moved += qty
        restocked.add(product_id)
    uow.flush()
    released = retry_backorders(uow, actor, restocked)
    text = f"{moved} unit{'s' if moved != 1 else ''} of {order.name} back to their bins"
    if released:
        text += f"; released {', '.join(released)}"
    return text
