"""Shared builders for the intake tests: a shop's catalogue in the store, CSV rows, snapshots."""

from __future__ import annotations

from datetime import time
from pathlib import Path

from sqlmodel import select

from tests.fakes.shopify_csv import (
    ORDER_HEADER,
    PRODUCT_HEADER,
    order_row,
    product_row,
    write_csv,
)
from tests.worlds import factories as f
from tests.worlds.dbstate import snapshot  # noqa: F401 - the one "nothing changed" check
from wms_tui.domain.enums import LocationKind, OrderStatus
from wms_tui.domain.models import Carrier, Location, Order, OrderLine, Product, Service
from wms_tui.services.intake.product_import import import_products
from wms_tui.store import Store

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "shopify"
ORDERS_CSV = FIXTURES / "orders.csv"
PRODUCTS_CSV = FIXTURES / "products.csv"
FIXTURE_SKUS = (
    "HOOD-NAVY-S",
    "HOOD-NAVY-M",
    "HOOD-GREEN-M",
    "MUG-FIKA",
    "SOCK-ARE-3639",
    "SOCK-ARE-4043",
    "NOTE-HANJI-A5",
)

__all__ = [
    "FIXTURES",
    "FIXTURE_SKUS",
    "ORDERS_CSV",
    "ORDER_HEADER",
    "PRODUCTS_CSV",
    "PRODUCT_HEADER",
    "order_row",
    "product_row",
    "write_csv",
    "shop",
    "stock_up",
    "snapshot",
    "orders_by_name",
    "lines_of",
]


def shop(store: Store, *, carriers: bool = True) -> None:
    """The fixture catalogue imported, a warehouse, and two carriers with services."""
    report = import_products(store, PRODUCTS_CSV)
    assert report.ok, report.errors or report.file_error
    with store.unit_of_work() as uow:
        f.warehouse(uow)
        if carriers:
            pn = Carrier(code="POSTNORD", name="PostNord", tracking_prefix="RR")
            dhl = Carrier(code="DHL", name="DHL Express")
            uow.add(pn)
            uow.add(dhl)
            uow.flush()
            uow.add(
                Service(
                    carrier_id=pn.id,
                    code="PN-COLLECT",
                    name="PostNord MyPack Collect",
                    cutoff=time(17, 0),
                )
            )
            uow.add(
                Service(
                    carrier_id=pn.id,
                    code="PN-EXP",
                    name="PostNord Express",
                    express=True,
                    cutoff=time(15, 0),
                )
            )
            uow.add(
                Service(carrier_id=dhl.id, code="DHL-ECO", name="DHL Economy", cutoff=time(15, 0))
            )
        uow.commit()


def stock_up(store: Store, **qty_by_sku: int) -> None:
    """Receive units into pick bins (through the ledger)."""
    with store.unit_of_work() as uow:
        for sku, qty in qty_by_sku.items():
            sku = sku.replace("_", "-")
            product = uow.session.exec(select(Product).where(Product.sku == sku)).one()
            code = f"A-01-{product.id}-A"
            loc = uow.session.exec(select(Location).where(Location.code == code)).first()
            if loc is None:
                loc = f.location(uow, code, LocationKind.PICK)
            f.receive(uow, product, loc, qty)
        uow.commit()


def orders_by_name(store: Store) -> dict[str, Order]:
    with store.read() as s:
        orders = {o.name: o for o in s.exec(select(Order))}
        s.expunge_all()  # keep them readable after the read session rolls back
        return orders


def lines_of(store: Store, name: str) -> dict[str, int]:
    with store.read() as s:
        order = s.exec(select(Order).where(Order.name == name)).one()
        return {
            ln.sku: ln.quantity
            for ln in s.exec(select(OrderLine).where(OrderLine.order_id == order.id))
            if ln.quantity
        }


def orders_queue(store: Store) -> None:
    """The orders screen's queue: a supervisor and a picker; #1001 new (5 minutes ago),
    #1002 new (90 minutes), #1003 through allocation (MUG-FIKA has no stock), #1004
    dispatched; Korean and Swedish customer names."""
    from wms_tui.services.inventory.allocation import allocate_order

    with store.unit_of_work() as uow:
        f.warehouse(uow)
        f.operator(uow, "Min-jun Kim", "supervisor", badge="S9001")
        f.operator(uow, "Ana Lindqvist", "picker", badge="P1001")
        carrier, service = f.carrier(uow, "PN")
        a, b = f.product(uow, "HOOD-NAVY-M"), f.product(uow, "MUG-FIKA")
        f.receive(uow, a, f.location(uow, "A-01-1-A"), 5)
        kw = dict(carrier_id=carrier.id, service_id=service.id)
        f.order(uow, "#1001", [(a, 1)], minutes_ago=5, customer_name="Jack Murphy", **kw)
        f.order(uow, "#1002", [(a, 2)], minutes_ago=90, customer_name="Åsa Öberg", **kw)
        back = f.order(uow, "#1003", [(a, 1), (b, 1)], customer_name="김민준", **kw)
        allocate_order(uow, back)
        f.order(uow, "#1004", [(b, 1)], status=OrderStatus.DISPATCHED, **kw)
        uow.commit()
