"""One ranking wherever orders compete: ``priority.order_by()``, the house ranking.

A supervisor's priority bump, then the promised ship date, decide who gets
stock that arrives for backorders, who loses a reservation when a bin counts
short, which order the pack station shows first, which order a claim takes and
how the stock screen lists the orders waiting for a SKU.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from tests.worlds import factories as f
from tests.worlds import packing as pw
from tests.worlds.receiving import build as receiving_world
from wms_tui.domain.actor import SYSTEM
from wms_tui.domain.clock import utcnow
from wms_tui.domain.enums import OrderStatus
from wms_tui.domain.models import (
    Allocation,
    Location,
    Order,
    OrderLine,
    PickTask,
    PickTaskLine,
    Product,
)
from wms_tui.services.intake import order_admin
from wms_tui.services.intake.release import retry_backorders
from wms_tui.services.inventory import cycle_count, sku_detail
from wms_tui.services.inventory.allocation import allocate_order
from wms_tui.services.packing import station as packing
from wms_tui.store import Store

TODAY = utcnow().date()


def _status(store: Store) -> dict[str, OrderStatus]:
    with store.read() as s:
        return {o.name: OrderStatus(o.status) for o in s.exec(select(Order))}


def _order_id(store: Store, name: str) -> int:
    with store.read() as s:
        return s.exec(select(Order.id).where(Order.name == name)).one()


# --------------------------------------------------------------------------- backorders


@pytest.fixture
def waiting(empty_store: Store):
    """Three orders backordered for one MUG each; no MUG in the building."""
    with empty_store.unit_of_work() as uow:
        mug = f.product(uow, "MUG")
        f.location(uow, "A-01-1-A")
        for name, age in (("#old", 300), ("#mid", 200), ("#new", 100)):
            o = f.order(uow, name, [(mug, 1)], minutes_ago=age, promised_ship_date=TODAY)
            assert allocate_order(uow, o)
        boss = f.operator(uow, "Karin Holmgren", "supervisor")
        uow.commit()
    return boss


def _one_mug_arrives(store: Store) -> list[str]:
    with store.unit_of_work() as uow:
        mug = uow.session.exec(select(Product).where(Product.sku == "MUG")).one()
        loc = uow.session.exec(select(Location).where(Location.code == "A-01-1-A")).one()
        f.receive(uow, mug, loc, 1)
        released = retry_backorders(uow, SYSTEM, {mug.id})
        uow.commit()
    return released


def test_arriving_stock_goes_to_the_supervisor_bumped_order(empty_store: Store, waiting) -> None:
    order_admin.change_priority(empty_store, waiting, _order_id(empty_store, "#new"), 1)
    assert _one_mug_arrives(empty_store) == ["#new"]
    assert _status(empty_store) == {
        "#old": OrderStatus.BACKORDERED,
        "#mid": OrderStatus.BACKORDERED,
        "#new": OrderStatus.READY_TO_PICK,
    }


def test_arriving_stock_goes_to_the_order_due_first_not_the_oldest(
    empty_store: Store, waiting
) -> None:
    with empty_store.unit_of_work() as uow:
        for o in uow.session.exec(select(Order).where(Order.name != "#mid")):
            o.promised_ship_date = TODAY + timedelta(days=1)
            uow.add(o)
        uow.commit()
    assert _one_mug_arrives(empty_store) == ["#mid"]


def test_without_a_difference_the_oldest_waits_least(empty_store: Store, waiting) -> None:
    assert _one_mug_arrives(empty_store) == ["#old"]


# --------------------------------------------------------------------------- pack queue


@pytest.fixture
def pack_world(empty_store: Store, tmp_path) -> pw.World:
    return pw.build(empty_store, label_dir=str(tmp_path / "labels"))


def _queue(w: pw.World) -> list[str]:
    return [row.name for row in packing.station_queue(w.store, w.packer)]


def _send_to_station(w: pw.World, name: str, station: str) -> None:
    with w.store.unit_of_work() as uow:
        s = uow.session
        order = s.exec(select(Order).where(Order.name == name)).one()
        line = s.exec(select(OrderLine).where(OrderLine.order_id == order.id)).first()
        alloc = s.exec(select(Allocation).where(Allocation.order_line_id == line.id)).first()
        tote = s.exec(select(Location).where(Location.code == w.totes[name])).one()
        task = PickTask(code=f"T-{name}", pack_station=station)
        uow.add(task)
        uow.flush()
        uow.add(
            PickTaskLine(
                task_id=task.id,
                seq=1,
                allocation_id=alloc.id,
                order_line_id=line.id,
                product_id=alloc.product_id,
                location_id=alloc.location_id,
                tote_id=tote.id,
                qty=0,
            )
        )
        uow.commit()


def test_pack_queue_puts_the_supervisor_bumped_order_first(pack_world: pw.World) -> None:
    w = pack_world
    assert _queue(w) == ["#1042", "#1043", "#1044"]
    order_admin.change_priority(w.store, w.supervisor, w.orders["#1044"], 1)
    assert _queue(w) == ["#1044", "#1042", "#1043"]


def test_pack_queue_ranks_a_late_order_before_an_older_one(pack_world: pw.World) -> None:
    w = pack_world
    with w.store.unit_of_work() as uow:
        for o in uow.session.exec(select(Order)):
            late = o.name == "#1043"
            o.promised_ship_date = TODAY - timedelta(days=1) if late else TODAY
            uow.add(o)
        uow.commit()
    assert _queue(w) == ["#1043", "#1042", "#1044"]


def test_pack_queue_keeps_this_stations_orders_first(pack_world: pw.World) -> None:
    w = pack_world
    order_admin.change_priority(w.store, w.supervisor, w.orders["#1044"], 1)
    _send_to_station(w, "#1043", w.packer.terminal)
    _send_to_station(w, "#1042", "PACK-2")
    rows = packing.station_queue(w.store, w.packer)
    assert [(r.name, r.here) for r in rows] == [
        ("#1043", True),
        ("#1044", False),
        ("#1042", False),
    ]
    # Limited to one row, the station's own order still wins over the bumped one.
    assert [r.name for r in packing.station_queue(w.store, w.packer, limit=1)] == ["#1043"]


# --------------------------------------------------------------------------- cycle count


def test_short_count_takes_the_reservation_from_the_least_urgent_order(
    empty_store: Store,
) -> None:
    world = receiving_world(empty_store)
    with empty_store.unit_of_work() as uow:
        tee = uow.session.exec(select(Product).where(Product.sku == "TEE")).one()
        # The older order is due tomorrow, the newer one today: the older gives way.
        tomorrow = f.order(
            uow, "#later", [(tee, 3)], minutes_ago=90, promised_ship_date=TODAY + timedelta(1)
        )
        today = f.order(uow, "#today", [(tee, 2)], minutes_ago=60, promised_ship_date=TODAY)
        assert allocate_order(uow, tomorrow) == []
        assert allocate_order(uow, today) == []
        uow.commit()
    result = cycle_count.approve_count(
        empty_store, world.supervisor, "A-01-1-A", {"TEE": 2}, reason="Lost"
    )
    assert result.backordered == ("#later",)
    assert result.reallocated == ()
    assert _status(empty_store) == {
        "#later": OrderStatus.BACKORDERED,
        "#today": OrderStatus.READY_TO_PICK,
    }


def test_short_count_reallocates_the_most_urgent_order_first(empty_store: Store) -> None:
    world = receiving_world(empty_store)
    with empty_store.unit_of_work() as uow:
        s = uow.session
        tee = s.exec(select(Product).where(Product.sku == "TEE")).one()
        bulk = s.exec(select(Location).where(Location.code == "R-11-1-A")).one()
        # The older order is due tomorrow; the newer one is due today.
        a = f.order(uow, "#a", [(tee, 2)], minutes_ago=90, promised_ship_date=TODAY + timedelta(1))
        b = f.order(uow, "#b", [(tee, 3)], minutes_ago=60, promised_ship_date=TODAY)
        assert allocate_order(uow, a) == []
        assert allocate_order(uow, b) == []
        # Two more TEE in bulk: after the count only one of the two can be re-allocated.
        f.receive(uow, tee, bulk, 3)
        uow.commit()
    # The bin really holds nothing: both lose their reservation, the one due first gets bulk.
    result = cycle_count.approve_count(
        empty_store, world.supervisor, "A-01-1-A", {"TEE": 0}, reason="Lost"
    )
    assert result.reallocated == ("#b",)
    assert result.backordered == ("#a",)


# --------------------------------------------------------------------------- screens, claims


def test_stock_screen_lists_waiting_orders_in_house_ranking(empty_store: Store) -> None:
    world = receiving_world(empty_store)
    with empty_store.unit_of_work() as uow:
        mug = uow.session.exec(select(Product).where(Product.sku == "MUG")).one()
        for name, age, day in (("#1", 90, 1), ("#2", 60, 0), ("#3", 30, 0)):
            due = TODAY + timedelta(days=day)
            f.order(uow, name, [(mug, 1)], minutes_ago=age, promised_ship_date=due)
        uow.commit()
    order_admin.change_priority(empty_store, world.supervisor, _order_id(empty_store, "#3"), 1)
    detail = sku_detail.sku_detail(empty_store, "MUG")
    assert [n.order for n in detail.orders] == ["#3", "#2", "#1"]
