"""A good unit scan answered from what the station holds: one read, one guarded write.

The station keeps the order's rows from its last request (:mod:`held`). A scan
of a unit the order still needs, into an open parcel nobody weighed yet, then
costs a read of the scanned code and one ``UPDATE`` of the order line whose
``WHERE`` is the whole check: the order is PACKING and locked by this operator
at this terminal, the line still has the units the station saw (and room for
these), no line was added or short-shipped, no scan was written since the
station's newest, the parcels are the ones it holds. Its pack-scan row and
event follow in the same transaction. A keyed count the rules accept (after
one unit of the line was scanned) is written the same way. A guard that matches
no row, and every
other case (a carton code, a refusal, a first parcel to open, a weighed parcel
to clear), returns None: the caller answers the full way, from the store
(:func:`~wms_tui.services.packing.station.scan`), which also tells a take-over,
a cancel or a hold in the words it always has.

On PostgreSQL the guard locks the order row as the full path does (``FOR NO
KEY UPDATE``), so a take-over, cancel or hold and a quick scan are serialised
as before, and the guard reads the row the other one committed; SQLite's
``BEGIN IMMEDIATE`` serialises every writer already.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Integer, Update, bindparam, exists, func, insert, select, update

from wms_tui.domain.actor import Actor
from wms_tui.domain.clock import utcnow
from wms_tui.domain.enums import EventKind, OrderStatus, PackScanKind, ParcelStatus
from wms_tui.domain.models import (
    Event,
    Order,
    OrderLine,
    PackScan,
    Parcel,
    Product,
    ProductBarcode,
)
from wms_tui.services.core import events
from wms_tui.services.packing import held as station_memory
from wms_tui.services.packing import rules
from wms_tui.services.packing.held import HeldOrder
from wms_tui.services.packing.view import PackView, Said
from wms_tui.store import Store, UnitOfWork, retrying

_LINE = OrderLine.__table__  # type: ignore[attr-defined]
_ORDER = Order.__table__  # type: ignore[attr-defined]
_SCAN = PackScan.__table__  # type: ignore[attr-defined]
_PARCEL = Parcel.__table__  # type: ignore[attr-defined]
_EVENT = Event.__table__  # type: ignore[attr-defined]
_BARCODE = ProductBarcode.__table__  # type: ignore[attr-defined]


@dataclass
class _Unit:
    line: OrderLine
    qty: int
    parcel: Parcel
    row: dict[str, Any] = field(default_factory=dict)  # the scan row, once written


def _product_of(conn: Connection, held: HeldOrder, code: str) -> tuple[int, int] | None:
    """(product id, units) of a scanned code, read as ``find_product_by_scan`` reads it.

    A barcode row wins over a SKU, as there; a SKU is looked up among the order's
    own products only (another product's SKU is a refusal, answered the full way).
    """
    row = conn.execute(_BARCODE_OF, {"code": code}).first()
    if row is not None:
        return int(row[0]), int(row[1])
    products: dict[int, Product] = held.snapshot.products
    for wanted in (code, code.upper()):
        for pid, product in products.items():
            if product.sku == wanted:
                return pid, 1
    return None


def _unit(held: HeldOrder, product_id: int, qty: int) -> _Unit | None:
    """The line and parcel the full path would put ``qty`` units of the product in."""
    snap = held.snapshot
    open_lines = [
        ln for ln in snap.lines if ln.product_id == product_id and ln.qty_packed < ln.need
    ]
    parcel = held.current
    if not open_lines or parcel is None or parcel.weight_g is not None:
        # A refusal, a parcel to open or a weight to clear: the full path says and does it.
        return None
    line = open_lines[0]
    if qty > line.need - line.qty_packed:
        return None
    return _Unit(line, qty, parcel)


def _guard() -> Update:
    """The scan's write and its whole check, built once (its cache key with it)."""
    oid = bindparam("oid")
    order_here = (
        select(_ORDER.c.id)
        .where(
            _ORDER.c.id == oid,
            _ORDER.c.status == OrderStatus.PACKING,
            _ORDER.c.locked_terminal == bindparam("terminal"),
            _ORDER.c.locked_by_operator_id == bindparam("operator_id"),
        )
        .with_for_update(key_share=True)
    )
    of_order = _LINE.c.order_id == oid
    return (
        update(_LINE)
        .where(
            _LINE.c.id == bindparam("line_id"),
            _LINE.c.qty_packed == bindparam("packed"),
            _LINE.c.quantity == bindparam("ordered_here"),
            _LINE.c.qty_short == bindparam("short"),
            exists(order_here),
            select(func.count()).where(of_order).scalar_subquery() == bindparam("n_lines"),
            select(func.sum(_LINE.c.quantity)).where(of_order).scalar_subquery()
            == bindparam("ordered"),
            select(func.sum(_LINE.c.qty_short)).where(of_order).scalar_subquery()
            == bindparam("shorts"),
            select(func.coalesce(func.max(_SCAN.c.id), 0))
            .where(_SCAN.c.order_id == oid)
            .scalar_subquery()
            == bindparam("last_scan"),
            select(func.count())
            .where(_PARCEL.c.order_id == oid, _PARCEL.c.status != ParcelStatus.VOID)
            .scalar_subquery()
            == bindparam("parcels"),
            exists(
                select(_PARCEL.c.id).where(
                    _PARCEL.c.id == bindparam("parcel_id"),
                    _PARCEL.c.status == ParcelStatus.OPEN,
                    _PARCEL.c.weight_g.is_(None),
                    _PARCEL.c.carton_type_id.is_not_distinct_from(
                        bindparam("carton", type_=Integer)
                    ),
                )
            ),
        )
        .values(qty_packed=_LINE.c.qty_packed + bindparam("add"))
    )


_GUARD = _guard()
_ADD_SCAN = insert(_SCAN)
_ADD_EVENT = insert(_EVENT)
_BARCODE_OF = select(_BARCODE.c.product_id, _BARCODE.c.pack_qty).where(
    _BARCODE.c.code == bindparam("code")
)


def _guarded_update(conn: Connection, actor: Actor, held: HeldOrder, unit: _Unit) -> bool:
    """Add the units to the line if the order is still as the station holds it."""
    line, parcel = unit.line, unit.parcel
    n_lines, ordered, shorts = held.line_totals()
    params = dict(
        oid=held.order_id,
        terminal=actor.terminal,
        operator_id=actor.operator_id,
        line_id=line.id,
        packed=line.qty_packed,
        ordered_here=line.quantity,
        short=line.qty_short,
        n_lines=n_lines,
        ordered=ordered,
        shorts=shorts,
        last_scan=held.last_scan_id,
        parcels=held.live_parcels(),
        parcel_id=parcel.id,
        carton=parcel.carton_type_id,
        add=unit.qty,
    )
    return conn.execute(_GUARD, params).rowcount == 1


@retrying
def try_scan(store: Store, actor: Actor, order_id: int, code: str) -> PackView | None:
    """The view after a good unit scan, or None when the full path must answer."""
    held = station_memory.recall(store, actor, order_id)
    if held is None or rules.carton_by_code(held.snapshot.cartons, code) is not None:
        return None
    with store.unit_of_work() as uow:
        conn = uow.session.connection()
        scanned = _product_of(conn, held, code)
        unit = _unit(held, *scanned) if scanned is not None else None
        if unit is None or not _write(store, uow, actor, held, unit, code=code):
            return None
        uow.commit()
    return _answer(held, unit, "")


@retrying
def try_count(
    store: Store, actor: Actor, order_id: int, line_no: int, total: int
) -> PackView | None:
    """The view after a keyed count the rules accept, or None when the full path must
    answer (and word a refusal)."""
    held = station_memory.recall(store, actor, order_id)
    if held is None:
        return None
    snap = held.snapshot
    line = next((ln for ln in snap.lines if ln.line_no == line_no), None)
    if (
        line is None
        or not line.qty_packed < total <= line.need
        or not any(sc.order_line_id == line.id and sc.qty > 0 for sc in snap.scans)
        or (parcel := held.current) is None
        or parcel.weight_g is not None
    ):
        return None
    unit = _Unit(line, total - line.qty_packed, parcel)
    with store.unit_of_work() as uow:
        if not _write(store, uow, actor, held, unit, counted_to=total):
            return None
        uow.commit()
    return _answer(held, unit, "counted ")


def _write(
    store: Store,
    uow: UnitOfWork,
    actor: Actor,
    held: HeldOrder,
    unit: _Unit,
    *,
    code: str = "",
    counted_to: int | None = None,
) -> bool:
    """The guarded write, then the scan row and its event; False: changed under the
    station (forgotten: the full path answers from the store)."""
    conn = uow.session.connection()
    if not _guarded_update(conn, actor, held, unit):
        station_memory.forget(store, actor)
        return False
    at = utcnow()
    unit.row.update(
        order_id=held.order_id,
        order_line_id=unit.line.id,
        parcel_id=unit.parcel.id,
        qty=unit.qty,
        kind=(PackScanKind.SCAN if counted_to is None else PackScanKind.COUNT).value,
        code=code[:200],
        qc_reason="",
        counted_to=counted_to,
        operator_id=actor.operator_id,
        terminal=actor.terminal,
        at=at,
    )
    unit.row["id"] = conn.execute(_ADD_SCAN, unit.row).inserted_primary_key[0]
    index = held.snapshot.open_parcels.index(unit.parcel) + 1
    event = events.event_row(
        actor,
        EventKind.PACK_SCAN,
        at,
        order_id=held.order_id,
        order_name=held.snapshot.order.name,
        sku=unit.line.sku,
        qty=unit.qty,
        detail=f"parcel {index} {code}"[:400],
    )
    conn.execute(_ADD_EVENT, dict(zip(events.ROW_COLUMNS, event, strict=True)))
    return True


def _answer(held: HeldOrder, unit: _Unit, prefix: str) -> PackView:
    """Committed: the held rows follow, as a reload would find them, and the view."""
    unit.line.qty_packed += unit.qty
    held.snapshot.scans.append(PackScan(**unit.row))
    said = Said.ok(prefix + progress(held.snapshot.lines, unit.line, unit.qty))
    return rules.build_view(held.snapshot, held.suggestion, said, unit.line.line_no)


def progress(lines: list[OrderLine], line: OrderLine, qty: int) -> str:
    """What a counted unit says: the line's count, and what follows when all are in."""
    text = f"{qty}× " if qty > 1 else ""
    text += f"{line.sku}  {line.qty_packed}/{line.need}"
    if line.qty_packed >= line.need:
        text += "  line done"
    if all(ln.qty_packed >= ln.need for ln in lines):
        text += " · all units scanned: weigh the parcel"
    return text
