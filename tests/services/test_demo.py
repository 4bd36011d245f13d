"""The demo warehouse: created from the seed files, idempotent, consistent."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import func, select

from wms_tui.domain.enums import LocationKind, OrderStatus, ParcelStatus, Role
from wms_tui.domain.models import (
    Event,
    Location,
    Operator,
    Order,
    OrderLine,
    Parcel,
    Product,
    Stock,
    StockMovement,
)
from wms_tui.services.demo import create_demo, load_demo
from wms_tui.services.inventory import ledger_mismatches
from wms_tui.services.order_import import import_orders
from wms_tui.services.product_import import import_products
from wms_tui.store import Store

SHOPIFY = Path(__file__).resolve().parents[1] / "fixtures" / "shopify"


def counts(store) -> tuple[int, ...]:
    with store.read() as s:
        return tuple(
            s.exec(select(func.count()).select_from(t)).one()
            for t in (Product, Order, OrderLine, Operator, StockMovement, Event)
        )


def test_demo_is_created_once_and_is_idempotent(tmp_path: Path) -> None:
    db = str(tmp_path / "demo.db")
    store, created = create_demo(db)
    assert created
    first = counts(store)
    n_products, n_orders, *_ = first
    assert 150 <= n_products <= 260 and 80 <= n_orders <= 130
    store.dispose()

    store, created = create_demo(db)
    assert not created
    assert counts(store) == first, "a second run must change nothing"
    store.dispose()

    store, created = create_demo(db, reset=True)
    assert created and counts(store) == first
    with store.read() as s:
        assert ledger_mismatches(s) == []
        statuses = set(s.exec(select(Order.status)).all())
        assert {
            OrderStatus.NEW,
            OrderStatus.READY_TO_PICK,
            OrderStatus.BACKORDERED,
            OrderStatus.PICKING,
            OrderStatus.PICKED,
            OrderStatus.PACKING,
            OrderStatus.PACKED,
            OrderStatus.DISPATCHED,
        } <= statuses
        # Packed at PACK-1 by a named packer, with a label and slip on disk.
        parcels = s.exec(select(Parcel).where(Parcel.status == ParcelStatus.CLOSED)).all()
        assert parcels and all(p.packed_by_name == "Johan Öberg" for p in parcels)
        assert all((Path("labels") / p.label_file).is_file() for p in parcels)
        # In-progress orders were walked there by the real services.
        picked = s.exec(select(Order).where(Order.status == OrderStatus.PICKED)).all()
        for o in picked:
            lines = s.exec(select(OrderLine).where(OrderLine.order_id == o.id)).all()
            assert all(ln.qty_picked == ln.quantity for ln in lines), o.name
        in_totes = s.exec(
            select(func.sum(Stock.qty))
            .join(Location, Location.id == Stock.location_id)
            .where(Location.kind == LocationKind.TOTE)
        ).one()
        assert in_totes and in_totes > 0
        ready = s.exec(select(Order).where(Order.status == OrderStatus.READY_TO_PICK)).all()
        assert ready and all(
            s.exec(
                select(func.sum(OrderLine.qty_allocated)).where(OrderLine.order_id == o.id)
            ).one()
            for o in ready
        )
        roles = {r for op in s.exec(select(Operator)) for r in op.role_set}
        assert roles == {r.value for r in Role}
        names = " ".join(s.exec(select(Order.ship_name)).all())
        assert any("\uac00" <= ch <= "\ud7a3" for ch in names)  # Hangul
        assert any(ch in names for ch in "ÅÄÖåäö")
    store.dispose()


def test_a_real_shops_first_orders_import_beside_the_demo_orders(sqlite_store: Store) -> None:
    """Shopify numbers orders from #1001; the demo's #D1001... must not be "updated"."""
    with sqlite_store.unit_of_work() as uow:
        load_demo(uow)
        uow.commit()

    def demo_orders() -> list[tuple]:
        with sqlite_store.read() as s:
            return [
                (o.name, o.status, o.ship_name, o.source_hash)
                for o in s.exec(select(Order).where(Order.name.startswith("#D")).order_by(Order.id))
            ]

    before = demo_orders()
    assert len(before) == 100
    assert import_products(sqlite_store, SHOPIFY / "products.csv").ok
    report = import_orders(sqlite_store, SHOPIFY / "orders.csv", release=False)
    assert report.ok, report.errors
    assert report.count("updated") == 0 and report.count("unchanged") == 0
    assert report.tally("created").names == ["#1041", "#1042", "#1043", "#1044", "#1046"]
    assert demo_orders() == before
