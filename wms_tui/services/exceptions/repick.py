"""Request a re-pick: units short-shipped at the pack station are picked after all.

A packer short-ships a unit that failed its quality check (with a supervisor's
approval) when no replacement is in stock, or when one is not worth waiting
for. When the supervisor decides otherwise from the inbox (stock came in, the
customer would rather wait), the short-shipped units are owed again: they are
reserved from pickable bins (never quarantine), a high-priority pick task
``RPL-<order id>-<n>`` brings them to the order's tote, and the order goes back
to PICKING, off the station, as a replacement pick does. Picked, it returns to
its station's queue; packed, the QC failure closes itself. If the bins do not
hold enough, nothing changes and the answer says so.
"""

from __future__ import annotations

from collections import defaultdict

from sqlmodel import Session, col, select

from wms_tui.domain.actor import Actor
from wms_tui.domain.enums import LocationKind, Role
from wms_tui.domain.enums import OrderStatus as S
from wms_tui.domain.errors import DomainError
from wms_tui.domain.models import Allocation, Location, Order, OrderLine
from wms_tui.services.core import events
from wms_tui.services.inventory import allocation
from wms_tui.services.inventory.live_stock import free_units
from wms_tui.services.packing import totes as pack_totes
from wms_tui.services.packing.qc import open_replacement_task
from wms_tui.store import UnitOfWork

# Where the order is while its packer still has it, or has parked it.
REPICKABLE = frozenset({S.PACKING, S.PICKED})


def short_shipped(session, order_id: int) -> int:  # noqa: ANN001 - a Session
    """Units of the order short-shipped so far."""
    return sum(
        session.exec(
            select(OrderLine.qty_short).where(
                OrderLine.order_id == order_id, OrderLine.qty_short > 0
            )
        ).all()
    )


def units_to_ship(session, order_id: int) -> int:  # noqa: ANN001 - a Session
    """Units the order still ships: ordered, less what was short-shipped."""
    return sum(
        q - short
        for q, short in session.exec(
            select(OrderLine.quantity, OrderLine.qty_short).where(OrderLine.order_id == order_id)
        ).all()
    )


def repick_blocked(session: Session, order_ids: list[int]) -> dict[int, str]:
    """Order id -> why a re-pick of its short-shipped units would be refused now.

    Only the orders it would be refused for: the bins (as allocation reads them)
    do not hold what :func:`repick_in` reserves, or no tote holds the order.
    Read without locks, for what the inbox offers; :func:`repick_in` still
    refuses what changed in between.
    """
    if not order_ids:
        return {}
    want: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    skus: dict[int, str] = {}
    for order_id, product_id, sku, quantity, allocated in session.exec(
        select(
            OrderLine.order_id,
            OrderLine.product_id,
            OrderLine.sku,
            OrderLine.quantity,
            OrderLine.qty_allocated,
        ).where(col(OrderLine.order_id).in_(order_ids), OrderLine.qty_short > 0)
    ).all():
        # What repick_in reserves for the line once its short is owed again.
        want[order_id][product_id] += max(0, quantity - allocated)
        skus[product_id] = sku
    if not want:
        return {}
    free = free_units(session, list(skus))
    totes = pack_totes.totes_of_orders(session, list(want))
    names = dict(
        session.exec(select(Order.id, Order.name).where(col(Order.id).in_(list(want)))).all()
    )
    blocked: dict[int, str] = {}
    for order_id, by_product in want.items():
        short = [(skus[p], free.get(p, 0), n) for p, n in by_product.items() if free.get(p, 0) < n]
        if short:
            sku, have, n = short[0]
            more = f" (+{len(short) - 1} more)" if len(short) > 1 else ""
            blocked[order_id] = f"No re-pick: {have} {sku} free, {n} needed{more}"
        elif not totes.get(order_id):
            blocked[order_id] = f"No re-pick: no tote holds {names.get(order_id, '')}"
    return blocked


def repick_in(uow: UnitOfWork, actor: Actor, order: Order, *, station: str | None = None) -> str:
    """The short-shipped units of ``order`` (locked by the caller) are owed and picked again.

    ``station``: where the re-picked tote goes (default: the station the order is open at).
    """
    actor.require(Role.SUPERVISOR, action="request a re-pick")
    status = S(order.status)
    if status not in REPICKABLE:
        raise DomainError(f"{order.name} is {status.label}: nothing to re-pick")
    s = uow.session
    lines = [ln for ln in allocation.order_lines(uow, order) if ln.qty_short > 0]
    if not lines:
        raise DomainError(f"Nothing of {order.name} was short-shipped")
    totes = pack_totes.order_totes(s, order.id)  # type: ignore[arg-type]
    if not totes:
        raise DomainError(f"No tote holds {order.name}: cancel it or let it wait for stock")
    quarantine = set(
        s.exec(select(Location.id).where(Location.kind == LocationKind.QUARANTINE)).all()
    )
    stops: list[tuple[Allocation, OrderLine, int]] = []
    for line in lines:
        line.qty_short, line.short_reason = 0, ""
        want = allocation.open_qty(line)
        before = {
            a.id: a.qty
            for a in s.exec(select(Allocation).where(Allocation.order_line_id == line.id)).all()
        }
        got = allocation.reserve(uow, line, want, exclude_location_ids=quarantine)
        if got < want:
            raise DomainError(
                f"Only {got} {line.sku} free of the {want} to re-pick for {order.name}: "
                "wait for stock, or leave it short"
            )
        for alloc in s.exec(
            select(Allocation)
            .where(Allocation.order_line_id == line.id)
            .order_by(col(Allocation.id))
        ).all():
            grew = alloc.qty - before.get(alloc.id, 0)
            if grew > 0:
                stops.append((alloc, line, grew))
        uow.add(line)
    station = order.locked_terminal if station is None else station
    task = open_replacement_task(uow, actor, order, stops, totes[0], station, what="re-pick")
    order.locked_by_operator_id = None
    order.locked_terminal = ""
    order.locked_at = None
    units = sum(n for *_, n in stops)
    detail = f"re-pick {task.code}: {units} short-shipped unit{'s' if units != 1 else ''}"
    events.change_status(uow, order, S.PICKING, actor, detail=detail)
    return (
        f"{order.name}: re-pick {task.code} for {units} unit{'s' if units != 1 else ''} "
        f"into tote {totes[0].code}"
    )
