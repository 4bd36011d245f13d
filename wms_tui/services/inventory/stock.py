"""Stock levels and the one function that moves stock.

Every change of ``Stock.qty`` goes through :func:`move_stock`, which writes the
ledger row in the same transaction; that is what keeps "stock equals the sum
of its movements" true.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import NoReturn

from sqlalchemy import Insert, Update, bindparam, case, func, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm.util import identity_key
from sqlmodel import Session, col, select

from wms_tui.domain.actor import Actor
from wms_tui.domain.clock import utcnow
from wms_tui.domain.enums import EventKind, LocationKind, MovementReason
from wms_tui.domain.errors import DomainError, NotFound
from wms_tui.domain.models import Location, Order, Product, ProductBarcode, Stock, StockMovement
from wms_tui.domain.shown import excerpt
from wms_tui.services.core import events
from wms_tui.store import UnitOfWork


def get_stock(
    session: Session, product_id: int, location_id: int, *, lock: bool = False
) -> Stock | None:
    """The stock row of a product in a location.

    ``lock`` takes a row lock (FOR UPDATE on PostgreSQL) and re-reads the row,
    for a read-modify-write: without it two terminals taking from the same bin
    at once would both write "qty - 1" and one unit would vanish from the
    books. SQLite needs no lock (BEGIN IMMEDIATE serialises writers).
    """
    stmt = select(Stock).where(Stock.product_id == product_id, Stock.location_id == location_id)
    if lock:
        stmt = stmt.with_for_update(key_share=True).execution_options(populate_existing=True)
    return session.exec(stmt).first()


def stock_for_update(
    session: Session, product_id: int, location_id: int, *, received_at: datetime
) -> Stock:
    """The stock row of a product in a location, locked, created empty if there is none.

    Two terminals putting the first units of a product into a location at once
    would both find no row and both INSERT one: on PostgreSQL the second then
    fails on the unique (product, location) constraint. ``INSERT … ON CONFLICT
    DO NOTHING`` makes the second wait for the first's transaction and then
    insert nothing, and the FOR UPDATE read after it (a new statement, so a
    fresh READ COMMITTED snapshot) locks the row the first one committed. On
    SQLite BEGIN IMMEDIATE already serialises writers; the same statement is
    used so both backends run one code path.
    """
    row = get_stock(session, product_id, location_id, lock=True)
    if row is not None:
        return row
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    session.execute(
        dialect.insert(Stock)
        .values(
            product_id=product_id,
            location_id=location_id,
            qty=0,
            allocated=0,
            first_received_at=received_at,
        )
        .on_conflict_do_nothing(index_elements=["product_id", "location_id"])
    )
    row = get_stock(session, product_id, location_id, lock=True)
    assert row is not None  # inserted above, or committed by the terminal we waited for
    return row


def move_stock(
    uow: UnitOfWork,
    actor: Actor,
    product: Product,
    qty: int,
    *,
    from_loc: Location | None,
    to_loc: Location | None,
    reason: MovementReason,
    order: Order | None = None,
    reference: str = "",
    consume_allocation: bool = False,
) -> StockMovement:
    """Move ``qty`` units; refuse (changing nothing) if the source is short.

    ``consume_allocation`` is for picks: the units taken were reserved for an
    order, so the reservation shrinks with them. Other moves may only take
    unreserved units.
    """
    if qty <= 0:
        raise DomainError(f"Quantity must be at least 1 (got {qty})")
    if from_loc is None and to_loc is None:
        raise DomainError("A stock move needs a source or a destination")
    if (
        to_loc is not None
        and to_loc.kind == LocationKind.QUARANTINE
        and reason in (MovementReason.PUTAWAY,)
    ):
        raise DomainError(f"{to_loc.code} is quarantine: put away to a pickable bin")
    session = uow.session
    now = utcnow()
    if from_loc is not None:
        _take(session, product, from_loc, qty, consume_allocation)
    if to_loc is not None:
        _put(session, product.id, to_loc.id, qty, now)
    mv = StockMovement(
        at=now,
        product_id=product.id,
        from_location_id=from_loc.id if from_loc else None,
        to_location_id=to_loc.id if to_loc else None,
        qty=qty,
        reason=str(reason),
        operator_id=actor.operator_id,
        terminal=actor.terminal,
        order_id=order.id if order else None,
        reference=reference,
    )
    session.add(mv)
    events.log(
        uow,
        actor,
        EventKind.STOCK_MOVE,
        order=order,
        sku=product.sku,
        qty=qty,
        from_location=from_loc.code if from_loc else "",
        to_location=to_loc.code if to_loc else "",
        detail=str(reason) + (f" {reference}" if reference else ""),
    )
    return mv


# A move writes each stock row with one statement that checks and changes it
# (a guarded UPDATE for the source, an upsert for the destination) instead of
# reading the row locked and writing it back: two statements and an ORM object
# fewer per side, and a move is part of every pick, close and put-away. The
# guard is the rule the read enforced; the row lock is the UPDATE's own.


@cache
def _take_statement(consume_allocation: bool) -> Update:
    """The guarded UPDATE of :func:`_take`, built once per kind with bound parameters:
    building it cost ~0.7 ms of SQLAlchemy a move, more than running it."""
    qty = bindparam("n")
    guard = Stock.allocated >= qty if consume_allocation else Stock.qty - Stock.allocated >= qty
    values = {"qty": Stock.qty - qty}
    if consume_allocation:
        values["allocated"] = Stock.allocated - qty
    return (
        update(Stock)
        .where(
            col(Stock.product_id) == bindparam("product"),
            col(Stock.location_id) == bindparam("location"),
            Stock.qty >= qty,
            guard,
        )
        .values(values)
        .returning(Stock.id)
        .execution_options(synchronize_session=False)
    )


def _take(
    session: Session, product: Product, loc: Location, qty: int, consume_allocation: bool
) -> None:
    """Take ``qty`` from the row, refusing (nothing changed) if it is short."""
    taken = session.execute(
        _take_statement(consume_allocation),
        {"product": product.id, "location": loc.id, "n": qty},
    ).first()
    if taken is None:
        _refuse_take(session, product, loc, qty, consume_allocation)
    _forget(session, taken[0])


def _refuse_take(
    session: Session, product: Product, loc: Location, qty: int, consume_allocation: bool
) -> NoReturn:
    """Why the guarded UPDATE took nothing, from the row as it is."""
    src = get_stock(session, product.id, loc.id, lock=True)
    on_hand = src.qty if src else 0
    if src is None or src.qty < qty:
        raise DomainError(f"Only {on_hand} of {product.sku} in {loc.code}, cannot take {qty}")
    if consume_allocation:
        raise DomainError(f"Only {src.allocated} of {product.sku} reserved in {loc.code}")
    raise DomainError(
        f"Only {src.qty - src.allocated} of {product.sku} free in {loc.code} "
        f"({src.allocated} reserved for orders)"
    )


def _put(session: Session, product_id: int, location_id: int, qty: int, now: datetime) -> None:
    """Add ``qty`` to the row, creating it if there is none.

    ``INSERT … ON CONFLICT DO UPDATE``: two terminals putting the first units
    of a product into one location at once both add to one row (the second
    waits for the first's row on PostgreSQL), as :func:`stock_for_update` does.
    An empty row that fills again is received now (FIFO age).
    """
    params = {"product": product_id, "location": location_id, "n": qty, "now": now}
    stmt = _put_statement(session.get_bind().dialect.name)
    _forget(session, session.execute(stmt, params).scalar_one())


@cache
def _put_statement(dialect: str) -> Insert:
    """The upsert of :func:`_put`, built once per dialect with bound parameters
    (building it, ``excluded`` and the ``case`` included, cost ~1.3 ms a move)."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = insert(Stock).values(
        product_id=bindparam("product"),
        location_id=bindparam("location"),
        qty=bindparam("n"),
        allocated=0,
        first_received_at=bindparam("now"),
    )
    return stmt.on_conflict_do_update(
        index_elements=["product_id", "location_id"],
        set_={
            "qty": Stock.qty + stmt.excluded.qty,
            "first_received_at": case(
                (Stock.qty == 0, stmt.excluded.first_received_at), else_=Stock.first_received_at
            ),
        },
    ).returning(Stock.id)


def _forget(session: Session, stock_id: int) -> None:
    """A ``Stock`` object of the row this session holds no longer says its quantities."""
    obj = session.identity_map.get(identity_key(Stock, stock_id))
    if obj is not None:
        session.expire(obj, ["qty", "allocated", "first_received_at"])


def ledger_balance(session: Session, product_id: int, location_id: int) -> int:
    """Stock of a product in a location as the ledger says (in minus out)."""
    inflow = session.exec(
        select(func.coalesce(func.sum(StockMovement.qty), 0)).where(
            StockMovement.product_id == product_id, StockMovement.to_location_id == location_id
        )
    ).one()
    outflow = session.exec(
        select(func.coalesce(func.sum(StockMovement.qty), 0)).where(
            StockMovement.product_id == product_id, StockMovement.from_location_id == location_id
        )
    ).one()
    return int(inflow) - int(outflow)


def ledger_mismatches(session: Session) -> list[tuple[int, int, int, int]]:
    """(product_id, location_id, stock qty, ledger qty) wherever they differ.

    The ledger is summed in two grouped queries, not two per stock row: at the
    end of a big day there are thousands of rows and a million movements.
    """
    balance: dict[tuple[int, int], int] = {}
    for column, sign in ((StockMovement.to_location_id, 1), (StockMovement.from_location_id, -1)):
        for product_id, location_id, qty in session.exec(
            select(StockMovement.product_id, column, func.sum(StockMovement.qty))
            .where(column.is_not(None))  # type: ignore[union-attr]
            .group_by(StockMovement.product_id, column)
        ).all():
            key = (product_id, location_id)
            balance[key] = balance.get(key, 0) + sign * int(qty)
    out: list[tuple[int, int, int, int]] = []
    seen: set[tuple[int, int]] = set()
    for st in session.exec(select(Stock).order_by(Stock.id)):
        key = (st.product_id, st.location_id)
        seen.add(key)
        bal = balance.get(key, 0)
        if bal != st.qty:
            out.append((st.product_id, st.location_id, st.qty, bal))
    # Movements into a place with no stock row at all are off the books too.
    out += [(p, loc, 0, bal) for (p, loc), bal in balance.items() if bal and (p, loc) not in seen]
    return out


@dataclass(frozen=True)
class ScannedProduct:
    product: Product
    pack_qty: int
    code: str


def find_product_by_scan(session: Session, code: str) -> ScannedProduct:
    """A barcode (unit or case) or a SKU typed by hand."""
    # The barcode with its product in one statement: every receiving scan asks.
    hit = session.exec(
        select(Product, ProductBarcode.pack_qty)
        .join(ProductBarcode, col(ProductBarcode.product_id) == Product.id)
        .where(ProductBarcode.code == code)
        .limit(1)
    ).first()
    if hit is not None:
        return ScannedProduct(hit[0], hit[1], code)
    product = session.exec(select(Product).where(Product.sku == code)).first()
    if product is None:
        product = session.exec(select(Product).where(Product.sku == code.upper())).first()
    if product is None:
        raise NotFound(f"Unknown barcode {excerpt(code)}")
    return ScannedProduct(product, 1, code)


def find_location(session: Session, code: str) -> Location:
    loc = session.exec(select(Location).where(Location.code == code.upper())).first()
    if loc is None:
        raise NotFound(f"Unknown location {excerpt(code)}")
    return loc
