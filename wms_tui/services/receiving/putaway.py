"""Put-away: received units from the receiving area to storage bins.

Each line waiting for put-away gets a suggested bin: a bin already holding the SKU
(pick bins first), else an empty pick bin in the product's zone, else bulk. The
receiver scans that bin to confirm, or any other storage bin; a pick bin holds one
SKU only, so a pick bin full of something else is refused. Stock that lands in a
bin is offered to backordered orders in the same transaction.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import case, func
from sqlmodel import Session, col, select

from wms_tui.domain.actor import Actor
from wms_tui.domain.enums import LocationKind, MovementReason
from wms_tui.domain.errors import DomainError, NotFound
from wms_tui.domain.models import Delivery, DeliveryLine, Location, Product, Stock, StockMovement
from wms_tui.domain.scans import clean_scan
from wms_tui.domain.shown import excerpt
from wms_tui.services.intake import release
from wms_tui.services.inventory.stock import find_product_by_scan, get_stock, move_stock
from wms_tui.services.receiving.deliveries import RECEIVER_ROLES, find_delivery
from wms_tui.store import Store, UnitOfWork, retrying

STORAGE_KINDS = (LocationKind.PICK, LocationKind.BULK)


@dataclass(frozen=True)
class Suggestion:
    bin: str
    why: str  # "holds SKU", "empty pick bin", "bulk"


@dataclass(frozen=True)
class PutawayLine:
    reference: str
    sku: str
    name: str
    options: str
    qty: int
    suggestion: Suggestion | None


@dataclass(frozen=True)
class PutawayResult:
    reference: str
    sku: str
    qty: int
    bin: str
    left_on_line: int
    released_orders: tuple[str, ...]


# --------------------------------------------------------------------------- suggestions


def _occupied_location_ids(session: Session) -> set[int]:
    return set(session.exec(select(Stock.location_id).where(Stock.qty > 0)).all())


def suggest_bin(session: Session, product: Product) -> Suggestion | None:
    """Where ``product`` should go; ``None`` when no storage bin is free at all."""
    holding = session.exec(
        select(Location)
        .join(Stock, col(Stock.location_id) == Location.id)
        .where(
            Stock.product_id == product.id,
            Stock.qty > 0,
            col(Location.kind).in_(STORAGE_KINDS),
            col(Location.active).is_(True),
            # A bin flagged for a count is suspect: units put there would be
            # kept from allocation until someone counts it.
            col(Location.cycle_count_flag).is_(False),
        )
        .order_by(
            # pick bins before bulk: put-away should refill the pick face
            case((Location.kind == LocationKind.PICK, 0), else_=1),
            col(Stock.qty).desc(),
            col(Location.code),
        )
        # .first() on an ORM select builds an object for every row it gets:
        # without LIMIT, every bin of the query (all the empty ones below).
        .limit(1)
    ).first()
    if holding is not None:
        return Suggestion(holding.code, "holds SKU")
    occupied = _occupied_location_ids(session)
    for kind, why, same_zone in (
        (LocationKind.PICK, "empty pick bin", True),
        (LocationKind.BULK, "empty bulk bin", False),
    ):
        stmt = select(Location).where(
            Location.kind == kind,
            col(Location.active).is_(True),
            col(Location.cycle_count_flag).is_(False),
        )
        if same_zone:
            if not product.zone:
                continue
            stmt = stmt.where(Location.zone == product.zone)
        if occupied:
            stmt = stmt.where(col(Location.id).not_in(occupied))
        loc = session.exec(stmt.order_by(col(Location.code)).limit(1)).first()
        if loc is not None:
            return Suggestion(loc.code, why)
    bulk = session.exec(
        select(Location)
        .where(
            Location.kind == LocationKind.BULK,
            col(Location.active).is_(True),
            col(Location.cycle_count_flag).is_(False),
        )
        .order_by(col(Location.code))
        .limit(1)
    ).first()
    return Suggestion(bulk.code, "bulk") if bulk is not None else None


# --------------------------------------------------------------------------- pending work


def _pending_rows(session: Session, reference: str | None = None):
    stmt = (
        select(DeliveryLine, Delivery, Product)
        .join(Delivery, col(Delivery.id) == DeliveryLine.delivery_id)
        .join(Product, col(Product.id) == DeliveryLine.product_id)
        .where(DeliveryLine.received_qty - DeliveryLine.damaged_qty - DeliveryLine.put_away_qty > 0)
        .order_by(col(Delivery.created_at), col(Delivery.id), col(Product.sku))
    )
    if reference is not None:
        stmt = stmt.where(Delivery.id == find_delivery(session, reference).id)
    return session.exec(stmt).all()


def _waiting(line: DeliveryLine) -> int:
    return line.received_qty - line.damaged_qty - line.put_away_qty


def pending(store: Store, reference: str | None = None) -> list[PutawayLine]:
    """Lines with good units still in the receiving area, oldest delivery first."""
    with store.read() as s:
        return [
            PutawayLine(
                reference=d.reference,
                sku=p.sku,
                name=p.name,
                options=p.options_text,
                qty=_waiting(line),
                suggestion=suggest_bin(s, p),
            )
            for line, d, p in _pending_rows(s, reference)
        ]


def line_for_scan(store: Store, code: str, reference: str | None = None) -> PutawayLine:
    """The oldest line waiting for the scanned product."""
    scanned = clean_scan(code)
    if not scanned:
        raise DomainError("Scan a product or type a SKU")
    with store.read() as s:
        try:
            product = find_product_by_scan(s, scanned).product
        except NotFound:
            raise NotFound(f"Unknown barcode {excerpt(scanned)}") from None
        for line, d, p in _pending_rows(s, reference):
            if p.id == product.id:
                return PutawayLine(
                    reference=d.reference,
                    sku=p.sku,
                    name=p.name,
                    options=p.options_text,
                    qty=_waiting(line),
                    suggestion=suggest_bin(s, p),
                )
        where = f" from {reference}" if reference else ""
        raise NotFound(f"No {product.sku} waiting for put-away{where}")


# --------------------------------------------------------------------------- moving


def check_bin(session: Session, code: str, product: Product, *, lock: bool = False) -> Location:
    """The scanned bin if ``product`` may go there; else a one-line reason.

    ``lock`` holds the bin's row to the end of the transaction and decides on
    what is committed once it is held: two receivers putting two products
    into one empty pick bin at once would otherwise both find it empty.
    """
    scanned = clean_scan(code)
    if not scanned:
        raise DomainError("Scan a bin")
    stmt = select(Location).where(Location.code == scanned.upper())
    if lock:
        stmt = stmt.with_for_update(key_share=True).execution_options(populate_existing=True)
    loc = session.exec(stmt).first()
    if loc is None:
        raise NotFound(f"Unknown bin {excerpt(scanned)}")
    kind = LocationKind(loc.kind)
    if kind not in STORAGE_KINDS:
        raise DomainError(f"{loc.code} is a {kind.value} location, not a storage bin")
    if not loc.active:
        raise DomainError(f"Bin {loc.code} is not in use: scan another bin")
    if kind is LocationKind.PICK:
        other = session.exec(
            select(Product)
            .join(Stock, col(Stock.product_id) == Product.id)
            .where(Stock.location_id == loc.id, Stock.qty > 0, Product.id != product.id)
        ).first()
        if other is not None:
            raise DomainError(f"{loc.code} holds {other.sku}: scan an empty bin or one with it")
    return loc


def _sources(uow: UnitOfWork, reference: str, product: Product) -> list[tuple[Location, int]]:
    """Receiving locations holding this delivery's units of ``product``, per the ledger."""
    s = uow.session
    net: dict[int, int] = defaultdict(int)
    rows = s.exec(
        select(StockMovement.to_location_id, func.sum(StockMovement.qty))
        .where(
            StockMovement.reference == reference,
            StockMovement.product_id == product.id,
            StockMovement.reason == MovementReason.RECEIVED,
        )
        .group_by(col(StockMovement.to_location_id))
    ).all()
    for loc_id, qty in rows:
        if loc_id is not None:
            net[loc_id] += int(qty)
    rows = s.exec(
        select(StockMovement.from_location_id, func.sum(StockMovement.qty))
        .where(
            StockMovement.reference == reference,
            StockMovement.product_id == product.id,
            StockMovement.reason == MovementReason.PUTAWAY,
        )
        .group_by(col(StockMovement.from_location_id))
    ).all()
    for loc_id, qty in rows:
        if loc_id is not None:
            net[loc_id] -= int(qty)
    out = []
    for loc_id, qty in sorted(net.items()):
        loc = s.get(Location, loc_id)
        if qty > 0 and loc is not None:
            st = get_stock(s, product.id, loc_id)
            free = (st.qty - st.allocated) if st else 0
            out.append((loc, min(qty, free)))
    return out


@retrying
def put_away(
    store: Store,
    actor: Actor,
    *,
    reference: str,
    product_code: str,
    bin_code: str,
    qty: int | None = None,
) -> PutawayResult:
    """Move ``qty`` (default: all waiting) units of a delivery line into a bin."""
    actor.require(*RECEIVER_ROLES, action="put stock away")
    with store.unit_of_work() as uow:
        s = uow.session
        d = find_delivery(s, reference, lock=True)
        try:
            product = find_product_by_scan(s, clean_scan(product_code)).product
        except NotFound:
            raise NotFound(f"Unknown barcode {excerpt(clean_scan(product_code))}") from None
        line = s.exec(
            select(DeliveryLine).where(
                DeliveryLine.delivery_id == d.id, DeliveryLine.product_id == product.id
            )
        ).first()
        waiting = _waiting(line) if line is not None else 0
        if line is None or waiting <= 0:
            raise NotFound(f"No {product.sku} waiting for put-away from {d.reference}")
        want = waiting if qty is None else qty
        if want < 1:
            raise DomainError(f"Count must be at least 1 (got {want})")
        if want > waiting:
            raise DomainError(f"Only {waiting} of {product.sku} waiting from {d.reference}")
        # Orders, then the bin, then stock (see release.lock_backorders).
        check_bin(s, bin_code, product)
        waiting_orders = release.lock_backorders(uow, {product.id})
        dest = check_bin(s, bin_code, product, lock=True)
        left = want
        for src, available in _sources(uow, d.reference, product):
            take = min(left, available)
            if take <= 0:
                continue
            move_stock(
                uow,
                actor,
                product,
                take,
                from_loc=src,
                to_loc=dest,
                reason=MovementReason.PUTAWAY,
                reference=d.reference,
            )
            left -= take
            if left == 0:
                break
        if left:
            raise DomainError(
                f"Only {want - left} of {product.sku} from {d.reference} found in receiving: "
                "ask a supervisor to count the receiving area"
            )
        line.put_away_qty += want
        uow.add(line)
        uow.flush()
        released = release.retry_backorders(uow, actor, {product.id}, locked=waiting_orders)
        uow.commit()
    return PutawayResult(
        reference=d.reference,
        sku=product.sku,
        qty=want,
        bin=dest.code,
        left_on_line=waiting - want,
        released_orders=tuple(released),
    )
