"""Restock a parcel stopped after packing: the order was cancelled once it was packed.

Its units sit, by the ledger, where the pack station put them (the station's
pack location); its parcels wait at the dock, or were taken off the truck and
voided there. Unpacking it moves every unit still there back to the bin it was
picked from (a ledger move carrying the order), voids the parcels not voided
yet, and retries the backorders waiting for those SKUs, in one unit of work. A
parcel still on the truck is taken off first (the hand-over screen's take-out):
restocking goods that are about to leave would put phantom units in a bin.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import func
from sqlmodel import Session, col, select

from wms_tui.domain.actor import Actor
from wms_tui.domain.enums import LocationKind, MovementReason, ParcelStatus, Role
from wms_tui.domain.enums import OrderStatus as S
from wms_tui.domain.errors import DomainError
from wms_tui.domain.models import Location, Order, Parcel, Product, StockMovement
from wms_tui.services.intake.cancelling import void_parcel
from wms_tui.services.intake.release import retry_backorders
from wms_tui.services.inventory.stock import move_stock
from wms_tui.store import UnitOfWork


def packed_units_left(session: Session, order_id: int) -> dict[tuple[int, int], int]:
    """(product id, location id) -> units the order's packing put there and that are still there.

    What PACKED moves of the order brought to a location (not a tote), less what
    the order's moves took from it since (shipped, or restocked).
    """
    into = session.exec(
        select(StockMovement.product_id, StockMovement.to_location_id, func.sum(StockMovement.qty))
        .where(
            StockMovement.order_id == order_id,
            StockMovement.reason == MovementReason.PACKED.value,
            col(StockMovement.to_location_id).is_not(None),
        )
        .group_by(StockMovement.product_id, StockMovement.to_location_id)
    ).all()
    left: dict[tuple[int, int], int] = {
        (int(p), int(loc)): int(n) for p, loc, n in into if loc is not None
    }
    if not left:
        return {}
    out = session.exec(
        select(
            StockMovement.product_id, StockMovement.from_location_id, func.sum(StockMovement.qty)
        )
        .where(
            StockMovement.order_id == order_id,
            col(StockMovement.from_location_id).in_({loc for _, loc in left}),
        )
        .group_by(StockMovement.product_id, StockMovement.from_location_id)
    ).all()
    for p, loc, n in out:
        key = (int(p), int(loc))
        if key in left:
            left[key] -= int(n)
    return {k: n for k, n in left.items() if n > 0}


def on_the_truck(session: Session, order_id: int) -> list[str]:
    return on_the_truck_of(session, [order_id]).get(order_id, [])


def on_the_truck_of(session: Session, order_ids: list[int]) -> dict[int, list[str]]:
    """Order id -> the codes of its parcels loaded at the dock (only orders with some)."""
    if not order_ids:
        return {}
    loaded: dict[int, list[str]] = defaultdict(list)
    for order_id, sscc, tracking in session.exec(
        select(Parcel.order_id, Parcel.sscc, Parcel.tracking_number)
        .where(
            col(Parcel.order_id).in_(order_ids),
            col(Parcel.status).in_([ParcelStatus.LOADED, ParcelStatus.MANIFESTED]),
        )
        .order_by(col(Parcel.id))
    ).all():
        loaded[order_id].append(sscc or tracking)
    return dict(loaded)


def _home_bin(session: Session, order_id: int, product_id: int) -> Location | None:
    """The pickable bin the order's units of the product were picked from (the last pick)."""
    loc_id = session.exec(
        select(StockMovement.from_location_id)
        .join(Location, col(Location.id) == StockMovement.from_location_id)
        .where(
            StockMovement.order_id == order_id,
            StockMovement.product_id == product_id,
            StockMovement.reason == MovementReason.PICKED.value,
            col(Location.kind).in_([LocationKind.PICK, LocationKind.BULK]),
        )
        .order_by(col(StockMovement.id).desc())
    ).first()
    return session.get(Location, loc_id) if loc_id else None


def restock_in(uow: UnitOfWork, actor: Actor, order: Order) -> str:
    """Unpack the cancelled ``order``'s parcels (locked by the caller) into their bins."""
    actor.require(Role.SUPERVISOR, action="restock a stopped parcel")
    if S(order.status) is not S.CANCELLED:
        raise DomainError(f"{order.name} is {S(order.status).label}: its parcel ships")
    s = uow.session
    loaded = on_the_truck(s, order.id)  # type: ignore[arg-type]
    if loaded:
        raise DomainError(
            f"Parcel {loaded[0]} of {order.name} is on the truck: take it out at the dock first"
        )
    left = packed_units_left(s, order.id)  # type: ignore[arg-type]
    if not left:
        raise DomainError(f"Nothing of {order.name} is left where it was packed")
    moved: dict[str, int] = defaultdict(int)
    restocked: set[int] = set()
    for (product_id, loc_id), qty in sorted(left.items()):
        product = s.get(Product, product_id)
        assert product is not None
        home = _home_bin(s, order.id, product_id)  # type: ignore[arg-type]
        if home is None:
            raise DomainError(f"Where {product.sku} was picked from is unknown: move it by hand")
        move_stock(
            uow,
            actor,
            product,
            qty,
            from_loc=s.get(Location, loc_id),
            to_loc=home,
            reason=MovementReason.MOVED,
            order=order,
            reference=f"restock: {order.name} cancelled after packing",
        )
        moved[home.code] += qty
        restocked.add(product_id)
    for parcel in s.exec(
        select(Parcel).where(Parcel.order_id == order.id, Parcel.status == ParcelStatus.CLOSED)
    ).all():
        void_parcel(
            uow,
            actor,
            order,
            parcel,
            f"{parcel.sscc or parcel.tracking_number} {parcel.seq}/{parcel.count} "
            "unpacked: order cancelled after packing",
        )
    uow.flush()
    released = retry_backorders(uow, actor, restocked)
    units = sum(moved.values())
    # Several bins are counted, not named: the names cut a handheld's two rows.
    where = next(iter(moved)) if len(moved) == 1 else f"{len(moved)} bins"
    text = f"{units} unit{'s' if units != 1 else ''} of {order.name} back to {where}; parcel void"
    if released:
        text += f"; released {', '.join(released)}"
    return text
