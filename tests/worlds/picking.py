"""A small warehouse with allocated orders, for wave and picking tests.

Pick bins in aisles 1-4 (10 bays deep), one bulk location (zone R, aisle 11),
totes T-0001.., two pack stations, one supervisor and three pickers, and
READY_TO_PICK orders allocated by the real allocation service.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import time

from sqlmodel import select

from tests.worlds import factories as f
from tests.worlds.dbstate import snapshot  # noqa: F401 - the one "nothing changed" check
from wms_tui.domain.actor import Actor
from wms_tui.domain.enums import LocationKind, OrderStatus
from wms_tui.domain.models import (
    Location,
    Order,
    Service,
)
from wms_tui.services.inventory.allocation import allocate_order
from wms_tui.store import Store

# sku -> [(bin, qty)]
STOCK: dict[str, list[tuple[str, int]]] = {
    "MUG-RED": [("A-01-2-A", 10), ("A-03-5-B", 5)],
    "MUG-BLU": [("A-02-7-A", 8)],
    "TEE-M": [("A-04-3-A", 6)],
    "CAP-1": [("A-01-9-C", 4), ("R-11-1-A", 20)],
    "SOCK-6": [("A-02-1-A", 24)],
    "BAG-XL": [("R-11-4-B", 3)],
}
BARCODES = {sku: f.ean13(i) for i, sku in enumerate(STOCK, start=1)}
CASE_CODE = "17350053000999"  # SOCK-6 in cases of 6
# Two orders sharing a SKU, picked on one wave (:func:`floor_world`).
TWO_ORDERS = [
    ("#1", [("MUG-RED", 3), ("TEE-M", 1)]),
    ("#2", [("MUG-BLU", 1), ("TEE-M", 1)]),
]


@dataclass
class World:
    store: Store
    supervisor: Actor
    pickers: list[Actor]
    orders: dict[str, int] = field(default_factory=dict)  # name -> id


def build_world(
    store: Store,
    orders: list[tuple[str, list[tuple[str, int]]]] | None = None,
    *,
    n_totes: int = 10,
    n_pickers: int = 3,
    extra_bins: int = 0,
) -> World:
    """``orders``: (name, [(sku, qty)]); default three small orders."""
    if orders is None:
        orders = [
            ("#1", [("MUG-RED", 2), ("TEE-M", 1)]),
            ("#2", [("MUG-BLU", 1), ("SOCK-6", 6)]),
            ("#3", [("MUG-RED", 1), ("CAP-1", 1)]),
        ]
    with store.unit_of_work() as uow:
        sup = f.operator(uow, "Karin Holmgren", "supervisor", badge="S9001")
        pickers = [
            f.operator(uow, name, "picker", badge=f"P100{i}")
            for i, name in enumerate(
                [
                    "Ana Lindqvist",
                    "Jihoon Kim",
                    "Oliver Bennett",
                    "Märta Sjöberg",
                    "Sumin Lee",
                    "Emily Carter",
                    "Johan Öberg",
                    "Björn Åkesson",
                ][:n_pickers],
                start=1,
            )
        ]
        pickers = [
            Actor(p.operator_id, p.name, p.roles, terminal=f"HH-0{i}")
            for i, p in enumerate(pickers, start=1)
        ]
        locs: dict[str, Location] = {}
        for sku_bins in STOCK.values():
            for code, _ in sku_bins:
                if code not in locs:
                    kind = LocationKind.BULK if code.startswith("R") else LocationKind.PICK
                    locs[code] = f.location(uow, code, kind, zone=code[0])
        # The far corner, so the block is 4 aisles x 10 bays like a small floor.
        locs["A-04-10-C"] = f.location(uow, "A-04-10-C")
        for i in range(extra_bins):
            code = f"A-0{1 + i % 4}-{1 + (i * 3) % 10}-D"
            if code not in locs:
                locs[code] = f.location(uow, code)
        for i in range(1, n_totes + 1):
            f.location(uow, f"T-{i:04d}", LocationKind.TOTE, zone="TOTE")
        f.location(uow, "PACK-1", LocationKind.PACK, zone="PACK")
        f.location(uow, "PACK-2", LocationKind.PACK, zone="PACK")
        products = {}
        for sku, bins in STOCK.items():
            p = f.product(
                uow,
                sku,
                name=f"{sku.title()} thing",
                barcode=BARCODES[sku],
                case_barcode=CASE_CODE if sku == "SOCK-6" else None,
                case_qty=6,
            )
            products[sku] = p
            for code, qty in bins:
                f.receive(uow, p, locs[code], qty)
        cj, cj_std = f.carrier(uow, "CJ", cutoff=time(15, 0))
        cj_exp = Service(
            carrier_id=cj.id, code="CJ-EXP", name="Express", cutoff=time(13, 0), express=True
        )
        uow.add(cj_exp)
        pn, pn_std = f.carrier(uow, "PN", cutoff=time(16, 0))
        uow.flush()
        world = World(store, sup, pickers)
        for name, lines in orders:
            o = f.order(
                uow,
                name,
                [(products[sku], qty) for sku, qty in lines],
                carrier_id=pn.id,
                service_id=pn_std.id,
            )
            assert allocate_order(uow, o) == [], name
            world.orders[name] = o.id
        uow.commit()
    return world


def set_service(store: Store, order: str, carrier: str, service: str, **fields) -> None:
    from wms_tui.domain.models import Carrier

    with store.unit_of_work() as uow:
        s = uow.session
        c = s.exec(select(Carrier).where(Carrier.code == carrier)).one()
        sv = s.exec(select(Service).where(Service.code == service)).one()
        o = s.exec(select(Order).where(Order.name == order)).one()
        o.carrier_id, o.service_id = c.id, sv.id
        for k, v in fields.items():
            setattr(o, k, v)
        uow.add(o)
        uow.commit()


def order_status(store: Store, name: str) -> OrderStatus:
    with store.read() as s:
        return s.exec(select(Order).where(Order.name == name)).one().status


def floor_world(store: Store) -> World:
    """:data:`TWO_ORDERS` on one wave of four totes, not claimed yet: what the pick
    screen, the logout and the device server tests start from."""
    from wms_tui.services.picking.waves import build_wave

    world = build_world(store, TWO_ORDERS)
    build_wave(store, world.supervisor, cart_size=4)
    return world
