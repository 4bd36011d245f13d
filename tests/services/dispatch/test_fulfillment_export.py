"""Fulfilments CSV: dispatched orders with SKUs, quantities, carrier and tracking."""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from pathlib import Path

from sqlmodel import select

from tests.worlds import factories as f
from wms_tui.adapters.shopify.csv_format import FULFILLMENT_COLUMNS
from wms_tui.domain.clock import set_clock
from wms_tui.domain.enums import OrderStatus, ParcelStatus
from wms_tui.domain.models import OrderLine, Parcel
from wms_tui.services.core import events
from wms_tui.services.dispatch.fulfillment_export import export_fulfillments, shop_order_name
from wms_tui.store import Store

S = OrderStatus
PATH = [S.READY_TO_PICK, S.PICKING, S.PICKED, S.PACKING, S.PACKED, S.DISPATCHED]


def ship(uow, order, at: datetime, packed: dict[str, int] | None = None) -> None:
    for line in uow.session.exec(select(OrderLine).where(OrderLine.order_id == order.id)):
        if packed is not None:
            line.qty_packed = packed.get(line.sku, 0)
            uow.add(line)
    for status in PATH:
        set_clock(lambda: at)
        events.change_status(uow, order, status, f.SYSTEM)
    set_clock(None)


def read(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return rows


def test_dispatched_orders_with_tracking(empty_store: Store, tmp_path: Path) -> None:
    with empty_store.unit_of_work() as uow:
        carrier, service = f.carrier(uow, "PN")
        a, b = f.product(uow, "SOCK-ÅRE"), f.product(uow, "MUG")
        one = f.order(
            uow,
            "#1041",
            [(a, 2), (b, 1)],
            carrier_id=carrier.id,
            service_id=service.id,
            ship_name="김민준",
        )
        ship(uow, one, datetime(2024, 3, 5, 13, 0, tzinfo=UTC), packed={"SOCK-ÅRE": 2, "MUG": 1})
        for seq, number in ((1, "RR123456785SE"), (2, "RR987654325SE")):
            uow.add(Parcel(order_id=one.id, seq=seq, count=2, tracking_number=number))
        uow.add(Parcel(order_id=one.id, seq=3, status=ParcelStatus.VOID, tracking_number="VOID1"))
        # Split-off backorder: shipped later under the shop's name, only what was packed.
        child = f.order(uow, "#1041-B1", [(a, 3)], carrier_id=carrier.id, service_id=service.id)
        ship(uow, child, datetime(2024, 3, 8, 9, 0, tzinfo=UTC), packed={"SOCK-ÅRE": 3})
        uow.add(Parcel(order_id=child.id, tracking_number="RR555555555SE"))
        # Not dispatched yet: not exported.
        f.order(uow, "#1050", [(a, 1)], status=S.PACKED)
        uow.commit()
    path = tmp_path / "fulfillments.csv"
    assert export_fulfillments(empty_store, path) == 3
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 with the BOM
    rows = read(path)
    assert list(rows[0]) == list(FULFILLMENT_COLUMNS)
    assert [(r["Name"], r["Lineitem sku"], r["Lineitem quantity"]) for r in rows] == [
        ("#1041", "SOCK-ÅRE", "2"),
        ("#1041", "MUG", "1"),
        ("#1041", "SOCK-ÅRE", "3"),
    ]
    assert rows[0]["Tracking Number"] == "RR123456785SE, RR987654325SE"
    assert rows[0]["Tracking Company"] == "PN Carrier"
    assert rows[0]["Shipping Service"] == "Standard"
    assert rows[0]["Shipped At"] == "2024-03-05 13:00:00 +0000"
    assert rows[2]["Tracking Number"] == "RR555555555SE"

    assert export_fulfillments(empty_store, path, since=datetime(2024, 3, 6, tzinfo=UTC)) == 1
    assert [r["Shipped At"] for r in read(path)] == ["2024-03-08 09:00:00 +0000"]


def test_order_dispatched_without_pack_scans_exports_ordered_minus_short(
    empty_store: Store, tmp_path: Path
) -> None:
    with empty_store.unit_of_work() as uow:
        a = f.product(uow, "A")
        order = f.order(uow, "#7", [(a, 4)])
        line = uow.session.exec(select(OrderLine)).one()
        line.qty_short = 1
        ship(uow, order, datetime(2024, 3, 5, 13, 0, tzinfo=UTC))
        uow.commit()
    path = tmp_path / "f.csv"
    assert export_fulfillments(empty_store, path) == 1
    assert read(path)[0]["Lineitem quantity"] == "3"


def test_nothing_dispatched_writes_a_header_only_file(empty_store: Store, tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    assert export_fulfillments(empty_store, path) == 0
    assert read(path) == []


def test_shop_order_name() -> None:
    assert shop_order_name("#1041-B1") == "#1041"
    assert shop_order_name("#1041-B12") == "#1041"
    assert shop_order_name("#1041") == "#1041"
    assert shop_order_name("#B-1") == "#B-1"
