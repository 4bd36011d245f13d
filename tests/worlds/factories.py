"""Small builders for test data; every stock change goes through the ledger."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal
from functools import cache
from itertools import count
from pathlib import Path

from wms_tui.domain.actor import SYSTEM, Actor
from wms_tui.domain.clock import utcnow
from wms_tui.domain.credentials import Credential
from wms_tui.domain.enums import LocationKind, MovementReason, OrderStatus, ParcelStatus
from wms_tui.domain.models import (
    Carrier,
    CartonType,
    Location,
    Operator,
    Order,
    OrderLine,
    Parcel,
    Product,
    ProductBarcode,
    Service,
    Station,
    Warehouse,
)
from wms_tui.services.inventory.stock import move_stock
from wms_tui.store import Store, UnitOfWork

_seq = count(1)


class Clock:
    """A clock a world sets by hand: ``set_clock(clock)``, then ``clock.at = ...``."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at


def ean13(n: int) -> str:
    body = f"735005399{n:03d}"[:12]
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body))
    return body + str((10 - total % 10) % 10)


def warehouse(uow: UnitOfWork) -> Warehouse:
    w = Warehouse(
        code="WH1",
        name="Test DC",
        address1="Lagergatan 1",
        city="Jönköping",
        zip="553 03",
        country_code="SE",
        gs1_company_prefix="7350053",
    )
    uow.add(w)
    uow.flush()
    return w


SUPERVISOR_PIN = "9001"  # the demo S9001's, so one PIN serves both worlds


@cache
def pin_hash(pin: str) -> str:
    """One argon2 hash per PIN for the whole test run (each costs ~30 ms)."""
    from wms_tui.services.core.pins import hash_pin

    return hash_pin(pin)


def operator(
    uow: UnitOfWork,
    name: str,
    *roles: str,
    badge: str | None = None,
    pin: str | None = None,
    active: bool = True,
) -> Actor:
    """An operator; a supervisor gets the PIN :data:`SUPERVISOR_PIN` unless ``pin`` says."""
    if pin is None and "supervisor" in roles:
        pin = SUPERVISOR_PIN
    op = Operator(
        badge=badge or f"B{next(_seq):04d}",
        name=name,
        roles=",".join(roles),
        pin_hash=pin_hash(pin) if pin else "",
        active=active,
    )
    uow.add(op)
    uow.flush()
    return Actor(operator_id=op.id, name=name, roles=op.role_set, terminal="TEST")


def location(
    uow: UnitOfWork, code: str, kind: LocationKind = LocationKind.PICK, *, zone: str = "A"
) -> Location:
    parts = code.split("-")
    aisle = int(parts[1]) if len(parts) > 2 and parts[1].isdigit() else 0
    bay = int(parts[2]) if len(parts) > 2 and parts[2].isdigit() else 0
    level = parts[3] if len(parts) > 3 else ""
    loc = Location(code=code, zone=zone, aisle=aisle, bay=bay, level=level, kind=kind)
    uow.add(loc)
    uow.flush()
    return loc


def station(uow: UnitOfWork, code: str, *, zone: str = "P") -> Station:
    """A pack station and the bench location its parcels stand on, as setup makes one."""
    bench = location(uow, code, LocationKind.PACK, zone=zone)
    st = Station(code=code, kind="pack", location_id=bench.id)
    uow.add(st)
    uow.flush()
    return st


def product(
    uow: UnitOfWork,
    sku: str,
    *,
    name: str | None = None,
    barcode: str | None = None,
    weight_g: int = 200,
    dims: tuple[int, int, int] = (200, 150, 50),
    fragile: bool = False,
    case_barcode: str | None = None,
    case_qty: int = 6,
) -> Product:
    p = Product(
        sku=sku,
        name=name or f"Product {sku}",
        weight_g=weight_g,
        length_mm=dims[0],
        width_mm=dims[1],
        height_mm=dims[2],
        fragile=fragile,
        option1_name="Colour",
        option1_value="Black",
        zone="A",
    )
    uow.add(p)
    uow.flush()
    if barcode:
        uow.add(ProductBarcode(code=barcode, product_id=p.id))
    if case_barcode:
        uow.add(ProductBarcode(code=case_barcode, product_id=p.id, pack_qty=case_qty))
    uow.flush()
    return p


def receive(uow: UnitOfWork, p: Product, loc: Location, qty: int, actor: Actor = SYSTEM) -> None:
    move_stock(uow, actor, p, qty, from_loc=None, to_loc=loc, reason=MovementReason.RECEIVED)
    uow.flush()


def carrier(
    uow: UnitOfWork, code: str = "PN", *, cutoff: time = time(16, 0)
) -> tuple[Carrier, Service]:
    c = Carrier(
        code=code,
        name=f"{code} Carrier",
        tracking_prefix="",
        tracking_length=12,
        tracking_check="mod10",
        tracking_next=1000,
    )
    uow.add(c)
    uow.flush()
    s = Service(carrier_id=c.id, code=f"{code}-STD", name="Standard", cutoff=cutoff, transit_days=2)
    uow.add(s)
    uow.flush()
    return c, s


def carton(
    uow: UnitOfWork,
    code: str,
    length: int,
    width: int,
    height: int,
    *,
    max_g: int = 20000,
    own_g: int = 150,
) -> CartonType:
    c = CartonType(
        code=code,
        name=f"{code} box",
        inner_length_mm=length,
        inner_width_mm=width,
        inner_height_mm=height,
        max_weight_g=max_g,
        own_weight_g=own_g,
    )
    uow.add(c)
    uow.flush()
    return c


def order(
    uow: UnitOfWork,
    name: str,
    lines: list[tuple[Product, int]],
    *,
    status: OrderStatus = OrderStatus.NEW,
    tags: str = "",
    priority: int = 0,
    minutes_ago: int = 60,
    **fields,
) -> Order:
    created = utcnow() - timedelta(minutes=minutes_ago)
    defaults = dict(
        customer_name="Åsa Öberg",
        email="asa@example.se",
        ship_name="Åsa Öberg",
        ship_address1="Storgatan 5",
        ship_city="Stockholm",
        ship_zip="114 55",
        ship_country="SE",
    )
    defaults.update(fields)
    o = Order(
        name=name,
        status=status,
        tags=tags,
        priority=priority,
        created_at=created,
        release_at=created + timedelta(minutes=30),
        split_allowed="split-ok" in tags,
        **defaults,
    )
    uow.add(o)
    uow.flush()
    for i, (p, qty) in enumerate(lines, start=1):
        uow.add(
            OrderLine(
                order_id=o.id,
                line_no=i,
                product_id=p.id,
                sku=p.sku,
                name=p.name,
                options=p.options_text,
                quantity=qty,
                price=Decimal("99.00"),
            )
        )
    uow.flush()
    return o


def sscc(serial: int, *, prefix: str = "7350053", extension: int = 0) -> str:
    """A valid SSCC-18: extension digit, company prefix, serial, GS1 mod-10 check digit."""
    body = f"{extension}{prefix}{serial:0{16 - len(prefix)}d}"
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(body))
    return body + str((10 - total % 10) % 10)


def parcel(
    uow: UnitOfWork,
    o: Order,
    *,
    seq: int = 1,
    count: int = 1,
    sscc: str | None = None,
    tracking: str | None = None,
    weight_g: int | None = 500,
    packed_by_name: str = "",
    packed_by_id: int | None = None,
    packed_at: datetime | None = None,
    status: ParcelStatus = ParcelStatus.CLOSED,
    terminal: str = "PACK-1",
) -> Parcel:
    """A parcel as packing leaves it (no stock moves: packing owns those)."""
    p = Parcel(
        order_id=o.id,
        seq=seq,
        count=count,
        sscc=sscc,
        tracking_number=tracking,
        weight_g=weight_g,
        packed_by_id=packed_by_id,
        packed_by_name=packed_by_name,
        packed_at=packed_at or (utcnow() if packed_by_name else None),
        status=status,
        terminal=terminal,
    )
    uow.add(p)
    uow.flush()
    return p


def store_folder(store: Store, base: Path | str) -> Path:
    """Where ``store`` writes its documents under ``base`` (each store has its own)."""
    from wms_tui.services.core import document_folders

    with store.read() as s:
        return Path(base) / document_folders.store_code(s)


def supervisor_actor(store: Store) -> Actor:
    """Karin Holmgren (S9001), a supervisor, added in a transaction of her own."""
    with store.unit_of_work() as uow:
        actor = operator(uow, "Karin Holmgren", "supervisor", badge="S9001")
        uow.commit()
    return actor


def boss(badge: str = "S9001", pin: str = SUPERVISOR_PIN) -> Credential:
    """What a supervisor types at a station to approve: badge and PIN."""
    return Credential(badge, pin)


def give_pin(store, badge: str, pin: str = SUPERVISOR_PIN) -> None:
    """Give an existing operator a PIN (as `wms operators set-pin` would)."""
    from sqlmodel import select

    with store.unit_of_work() as uow:
        op = uow.session.exec(select(Operator).where(Operator.badge == badge)).one()
        op.pin_hash = pin_hash(pin)
        uow.add(op)
        uow.commit()
