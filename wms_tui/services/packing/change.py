"""One change to an order open at this station, made the same way by every station action.

The order's row is locked, the station must be the one that has it open, and the
order is loaded once (:class:`PackContext`); the action returns what to say and
the line it counted on, and the view is built from that context before the
commit, so the packer sees what was saved.
"""

from __future__ import annotations

from wms_tui.domain.actor import Actor
from wms_tui.domain.enums import OrderStatus, ParcelStatus, Role
from wms_tui.domain.models import Parcel
from wms_tui.services.packing import held
from wms_tui.services.packing.ownership import lock_order, require_open_here
from wms_tui.services.packing.state import PackContext
from wms_tui.services.packing.view import PackView, Said
from wms_tui.store import Store, UnitOfWork, retrying


def require_packer(actor: Actor) -> None:
    actor.require(Role.PACKER, action="pack orders")


# What a change returns: its answer to the packer, and the line it counted on.
Answer = Said | str | tuple[Said | str, int | None]


@retrying
def mutate(store: Store, actor: Actor, order_id: int, fn) -> PackView:
    """Run ``fn(uow, ctx) -> message`` on an order open at this station; return the view."""
    require_packer(actor)
    # Whatever the station held of the order is read again here; until this
    # request commits it is not to be trusted.
    held.forget(store, actor)
    with store.unit_of_work() as uow:
        order = lock_order(uow.session, order_id)
        require_open_here(uow.session, order, actor.operator_id, actor.terminal)
        ctx = PackContext(uow.session, order)
        result = fn(uow, ctx)
        message, focus = result if isinstance(result, tuple) else (result, None)
        uow.flush()
        view = ctx.view(message, focus)
        uow.commit()
    remember(store, actor, ctx)
    return view


def remember(store: Store, actor: Actor, ctx: PackContext) -> None:
    """Leave the rows a committed request answered from to the station (held.py)."""
    o = ctx.order
    mine = o.locked_terminal == actor.terminal and o.locked_by_operator_id == actor.operator_id
    if ctx.viewed is None or o.status != OrderStatus.PACKING or not mine:
        return
    snap, sug = ctx.viewed
    held.remember(store, actor, held.HeldOrder(actor.operator_id, actor.terminal, snap, sug))


def ensure_parcel(uow: UnitOfWork, ctx: PackContext) -> Parcel:
    if ctx.current is not None:
        return ctx.current
    seq = max((p.seq for p in ctx.parcels), default=0) + 1
    parcel = Parcel(order_id=ctx.order.id, seq=seq, status=ParcelStatus.OPEN)
    ctx.add_parcel(uow, parcel)
    return parcel
