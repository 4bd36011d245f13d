"""A small warehouse with orders waiting at the pack station, for packing tests.

Orders are allocated by the real allocation service and "picked" the way the
pick screen does it: stock moves from the bin into the order's tote through
the ledger (``move_stock``, allocation consumed) and the order goes
READY_TO_PICK -> PICKING -> PICKED.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path

import pytest
from sqlmodel import select

from tests.worlds import factories as f
from wms_tui.domain.actor import SYSTEM, Actor
from wms_tui.domain.enums import LocationKind, MovementReason, OrderStatus
from wms_tui.domain.models import (
    Allocation,
    Location,
    Order,
    OrderLine,
    Product,
    Setting,
)
from wms_tui.services.core import events
from wms_tui.services.inventory import allocation
from wms_tui.services.inventory.stock import move_stock
from wms_tui.services.packing import station as packing
from wms_tui.store import Store, UnitOfWork

MUG_EAN = f.ean13(11)
MUG_CASE = "17350053999116"
TEE_EAN = f.ean13(12)
BOOK_EAN = f.ean13(13)
STRANGER_EAN = f.ean13(14)  # a product of the warehouse that no test order has


@dataclass
class World:
    store: Store
    packer: Actor
    packer2: Actor
    supervisor: Actor
    orders: dict[str, int] = field(default_factory=dict)
    totes: dict[str, str] = field(default_factory=dict)  # order name -> tote code


def pick_into_tote(uow: UnitOfWork, order: Order, tote: Location, actor: Actor = SYSTEM) -> None:
    """Allocate ``order`` and move every unit into ``tote`` as picking would."""
    assert not allocation.allocate_order(uow, order, actor), "test stock too small"
    events.change_status(uow, order, OrderStatus.PICKING, actor, detail="test pick")
    lines = uow.session.exec(select(OrderLine).where(OrderLine.order_id == order.id)).all()
    for line in lines:
        product = uow.session.get(Product, line.product_id)
        for alloc in uow.session.exec(
            select(Allocation).where(Allocation.order_line_id == line.id)
        ).all():
            n = alloc.qty - alloc.qty_picked
            if n <= 0:
                continue
            move_stock(
                uow,
                actor,
                product,
                n,
                from_loc=uow.session.get(Location, alloc.location_id),
                to_loc=tote,
                reason=MovementReason.PICKED,
                order=order,
                consume_allocation=True,
            )
            alloc.qty_picked += n
            line.qty_picked += n
            uow.add(alloc)
        uow.add(line)
    events.change_status(uow, order, OrderStatus.PICKED, actor, detail="test pick")
    uow.flush()


def build(
    store: Store,
    *,
    label_dir: str | None = None,
    carrier_check: str = "mod10",
    extra_orders: int = 0,
) -> World:
    with store.unit_of_work() as uow:
        f.warehouse(uow)
        packer = replace(f.operator(uow, "Johan Öberg", "packer", badge="K2001"), terminal="PACK-1")
        packer2 = replace(
            f.operator(uow, "Emily Carter", "packer", badge="K2003"), terminal="PACK-2"
        )
        boss = replace(
            f.operator(uow, "Karin Holmgren", "supervisor", badge="S9001"), terminal="PACK-1"
        )
        bin_a = f.location(uow, "A-01-1-A")
        bin_b = f.location(uow, "A-01-2-A")
        f.location(uow, "QUAR-1", LocationKind.QUARANTINE, zone="Q")
        for code in ("PACK-1", "PACK-2", "PACK-3", "PACK-4"):
            f.station(uow, code)
        totes = [
            f.location(uow, f"T-{i:04d}", LocationKind.TOTE, zone="T")
            for i in range(1, 5 + extra_orders)
        ]
        carrier, service = f.carrier(uow, "PN")
        if carrier_check in ("s10", "sscc_s10"):
            # PostNord-style (sscc_s10) numbers parcels abroad as UPU parcel post (CA).
            carrier.tracking_prefix = "RR" if carrier_check == "s10" else "CA"
            carrier.tracking_length = 13
            carrier.tracking_check, carrier.tracking_next = carrier_check, 73500001
            uow.add(carrier)
        f.carton(uow, "BOX-S", 200, 150, 100, own_g=120, max_g=5000)
        f.carton(uow, "BOX-M", 300, 200, 150, own_g=220, max_g=10000)
        f.carton(uow, "BOX-L", 400, 300, 200, own_g=380, max_g=15000)
        mug = f.product(
            uow,
            "MUG-BLU",
            name="Stoneware mug",
            barcode=MUG_EAN,
            weight_g=350,
            dims=(120, 90, 100),
            fragile=True,
            case_barcode=MUG_CASE,
            case_qty=6,
        )
        tee = f.product(
            uow, "TEE-M", name="Organic tee", barcode=TEE_EAN, weight_g=180, dims=(300, 250, 20)
        )
        book = f.product(
            uow, "BOOK-SV", name="Kokbok", barcode=BOOK_EAN, weight_g=900, dims=(240, 170, 30)
        )
        f.product(
            uow, "SOCK-X", name="Wool socks", barcode=STRANGER_EAN, weight_g=80, dims=(200, 100, 30)
        )
        f.receive(uow, mug, bin_a, 60)
        f.receive(uow, tee, bin_b, 60)
        f.receive(uow, book, bin_b, 40)
        common = dict(carrier_id=carrier.id, service_id=service.id, shipping_method="PN Standard")
        o1 = f.order(uow, "#1042", [(mug, 2), (tee, 1)], **common)
        o2 = f.order(
            uow,
            "#1043",
            [(book, 1)],
            tags="gift-wrap,first-order",
            gift_message="Grattis på födelsedagen, Åsa!",
            notes="Leave at the door",
            **common,
        )
        o3 = f.order(uow, "#1044", [(tee, 8)], **common)
        world = World(store, packer, packer2, boss)
        for o, tote in zip([o1, o2, o3], totes, strict=False):
            pick_into_tote(uow, o, tote)
            world.orders[o.name] = o.id  # type: ignore[assignment]
            world.totes[o.name] = tote.code
        for i in range(extra_orders):
            o = f.order(uow, f"#{2000 + i}", [(tee, 1 + i % 2), (book, 1)], **common)
            pick_into_tote(uow, o, totes[3 + i])
            world.orders[o.name] = o.id  # type: ignore[assignment]
            world.totes[o.name] = totes[3 + i].code
        if label_dir:
            uow.add(Setting(key="label_dir", value=label_dir))
        uow.commit()
    return world


@pytest.fixture
def world(empty_store: Store, tmp_path: Path, request: pytest.FixtureRequest) -> World:
    """The pack floor on both stores, its labels in the test's folder. A conftest or a
    test module takes it with ``from tests.worlds.packing import world``; a module's
    ``pytestmark = pytest.mark.world(carrier_check="s10")`` passes options to :func:`build`."""
    mark = request.node.get_closest_marker("world")
    options = dict(mark.kwargs) if mark else {}
    return build(empty_store, label_dir=str(tmp_path / "labels"), **options)


def open_1042(w: World) -> packing.PackView:
    return packing.open_order(w.store, w.packer, w.totes["#1042"])


def scan_all_1042(w: World, oid: int) -> packing.PackView:
    for code in (MUG_EAN, MUG_EAN, TEE_EAN):
        view = packing.scan(w.store, w.packer, oid, code)
    return view


def finish(w: World, view: packing.PackView, actor=None) -> packing.PackView:
    """Weigh every parcel at its expected weight and tick every insert."""
    actor = actor or w.packer
    for p in view.parcels:
        view = packing.enter_weight(w.store, actor, view.order_id, str(p.expected_g))
    for item in view.inserts:
        if not item.done:
            view = packing.confirm_insert(w.store, actor, view.order_id, item.n)
    return view


def pack(w: World, code: str, *, parcels: int = 1) -> int:
    """Pack an order completely at PACK-1 the way a packer would; returns its id."""
    view = packing.open_order(w.store, w.packer, code)
    oid = view.order_id
    units = [(ln.sku, ln.need) for ln in view.lines]
    codes = {"MUG-BLU": MUG_EAN, "TEE-M": TEE_EAN, "BOOK-SV": BOOK_EAN}
    first = True
    for sku, n in units:
        if parcels > 1 and not first:
            packing.new_parcel(w.store, w.packer, oid)
        for _ in range(n):
            view = packing.scan(w.store, w.packer, oid, codes[sku])
        first = False
    for p in view.parcels:
        view = packing.enter_weight(w.store, w.packer, oid, str(p.expected_g), parcel_no=p.seq)
    for item in view.inserts:
        view = packing.confirm_insert(w.store, w.packer, oid, item.n)
    packing.close_parcel(w.store, w.packer, oid)
    return oid


CUSTOMS = {
    "MUG-BLU": ("691200", "SE", Decimal("149.00"), ""),
    "TEE-M": ("610910", "PT", Decimal("299.00"), ""),
}


def ship_1042_to(w: World, country: str) -> int:
    oid = open_1042(w).order_id
    finish(w, scan_all_1042(w, oid))
    with w.store.unit_of_work() as uow:
        o = uow.session.get(Order, oid)
        o.ship_country, o.ship_zip, o.ship_city = country, "06236", "Seoul"
        uow.add(o)
        uow.commit()
    return oid


def declare(w: World, **skip: str) -> None:
    with w.store.unit_of_work() as uow:
        for p in uow.session.exec(select(Product)):
            if p.sku in CUSTOMS:
                p.hs_code, p.origin_country, p.customs_value, p.dangerous_goods = CUSTOMS[p.sku]
                if p.sku in skip:
                    setattr(p, skip[p.sku], None if skip[p.sku] == "customs_value" else "")
                uow.add(p)
        uow.commit()


def order_state(store: Store, name: str) -> tuple[OrderStatus, str]:
    """An order's status and the terminal holding it ('' when none)."""
    with store.read() as s:
        order = s.exec(select(Order).where(Order.name == name)).one()
        return OrderStatus(order.status), order.locked_terminal
