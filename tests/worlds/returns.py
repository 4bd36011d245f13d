"""A returns desk's world: one order shipped to Busan (MUG-1 x2, TEE-M x1), packed
by Johan Öberg, picked by Ana Lindqvist; bins, bulk, quarantine and a receiver.

Shared by the returns desk's service, CLI and UI tests and the order-name lookup.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlmodel import col, select

from tests.worlds import factories as f
from wms_tui.domain.actor import Actor
from wms_tui.domain.enums import LocationKind, OrderStatus
from wms_tui.domain.models import Event, Location, Operator, Order, OrderLine, Product, Stock
from wms_tui.services.setup.reference_data import seed_reference_data
from wms_tui.store import Store

MUG_EAN = f.ean13(1)
TEE_M_EAN = f.ean13(2)
TEE_L_EAN = f.ean13(3)


@dataclass
class World:
    store: Store
    order_id: int
    mug_line: int
    tee_line: int
    receiver: Actor
    picker: Actor
    packer: Actor


def build_world(store: Store, *, name: str = "#1042", packed: bool = True) -> World:
    with store.unit_of_work() as uow:
        f.warehouse(uow)
        seed_reference_data(uow)
        for code in ("A-01-1-A", "A-01-2-A", "A-01-3-A"):
            f.location(uow, code)
        f.location(uow, "R-11-1-A", LocationKind.BULK, zone="R")
        f.location(uow, "QUAR-1", LocationKind.QUARANTINE, zone="Q")
        f.location(uow, "PACK-1", LocationKind.PACK, zone="P")
        f.location(uow, "RCV-1", LocationKind.RECEIVING, zone="R")
        inactive = f.location(uow, "A-01-4-A")
        inactive.active = False
        mug = f.product(uow, "MUG-1", name="Mugg Åre", barcode=MUG_EAN)
        tee_m = f.product(uow, "TEE-M", name="T-shirt M", barcode=TEE_M_EAN)
        tee_l = f.product(uow, "TEE-L", name="T-shirt L", barcode=TEE_L_EAN)
        bin2 = uow.session.exec(select(Location).where(Location.code == "A-01-2-A")).one()
        f.receive(uow, tee_l, bin2, 5)
        carrier, service = f.carrier(uow, "PN")
        receiver = f.operator(uow, "Björn Åkesson", "receiver", badge="R3001")
        picker = f.operator(uow, "Ana Lindqvist", "picker", badge="P1001")
        packer = f.operator(uow, "Johan Öberg", "packer", badge="K2001")
        f.operator(uow, "Karin Holmgren", "supervisor", badge="S9001")
        o = f.order(
            uow,
            name,
            [(mug, 2), (tee_m, 1)],
            status=OrderStatus.DISPATCHED,
            carrier_id=carrier.id,
            service_id=service.id,
            ship_name="김지훈",
            ship_city="Busan",
            ship_country="KR",
        )
        lines = uow.session.exec(
            select(OrderLine).where(OrderLine.order_id == o.id).order_by(col(OrderLine.line_no))
        ).all()
        if packed:
            for ln in lines:
                ln.qty_allocated = ln.qty_picked = ln.qty_packed = ln.quantity
                uow.add(ln)
            f.parcel(
                uow,
                o,
                tracking="00370730253",
                sscc="373500530000000019",
                packed_by_name=packer.name,
                packed_by_id=packer.operator_id,
            )
            for ln in lines:
                uow.add(
                    Event(
                        kind="pick.confirm",
                        operator_id=picker.operator_id,
                        operator_name=picker.name,
                        order_id=o.id,
                        order_name=o.name,
                        sku=ln.sku,
                        qty=ln.quantity,
                    )
                )
        uow.commit()
        return World(store, o.id, lines[0].id, lines[1].id, receiver, picker, packer)


def stock(store: Store, sku: str, loc: str) -> int:
    with store.read() as s:
        row = s.exec(
            select(Stock)
            .join(Location, col(Location.id) == Stock.location_id)
            .where(Location.code == loc, Stock.product_id.in_(_pid(s, sku)))  # type: ignore[attr-defined]
        ).first()
        return row.qty if row else 0


def _pid(s, sku: str):
    return select(Product.id).where(Product.sku == sku)


def order_status(store: Store, order_id: int) -> tuple[str, str]:
    with store.read() as s:
        o = s.get(Order, order_id)
        return str(o.status), o.resolution


def add_shipped_order(store: Store, name: str) -> World:
    """Another dispatched order (MUG-1 x2, TEE-M x1) in an existing world."""
    with store.unit_of_work() as uow:
        mug = uow.session.exec(select(Product).where(Product.sku == "MUG-1")).one()
        tee = uow.session.exec(select(Product).where(Product.sku == "TEE-M")).one()
        o = f.order(uow, name, [(mug, 2), (tee, 1)], status=OrderStatus.DISPATCHED)
        lines = uow.session.exec(
            select(OrderLine).where(OrderLine.order_id == o.id).order_by(col(OrderLine.line_no))
        ).all()
        op = uow.session.exec(select(Operator).where(Operator.name == "Björn Åkesson")).one()
        receiver = Actor(op.id, op.name, op.role_set, "TEST")
        uow.commit()
        return World(store, o.id, lines[0].id, lines[1].id, receiver, receiver, receiver)


def build_reported_world(store: Store, report_dir: Path) -> World:
    """:func:`build_world` with one return booked (a mug damaged by packing, scrapped x2;
    a T-shirt the customer changed their mind about, restocked): what the return
    reports count. Reports are written under ``report_dir``."""
    from wms_tui.services.core import settings
    from wms_tui.services.returns import desk as returns
    from wms_tui.services.returns.desk import ReturnRequest, ReturnUnit

    w = build_world(store)
    returns.register_return(
        store,
        w.receiver,
        ReturnRequest(
            w.order_id,
            [
                ReturnUnit(w.mug_line, "DAMAGED_PACKING", "SCRAP", qty=2),
                ReturnUnit(w.tee_line, "CHANGED_MIND", "RESTOCK", "A-01-1-A"),
            ],
            "REFUND",
        ),
    )
    with store.unit_of_work() as uow:
        settings.put(uow.session, "report_dir", str(report_dir))
        uow.commit()
    return w
