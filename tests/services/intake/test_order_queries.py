"""The orders screen's read models: search, filter, urgency order, detail with shortages."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest
from sqlmodel import select

from tests.worlds import factories as f
from wms_tui.domain.clock import set_clock
from wms_tui.domain.enums import OrderStatus
from wms_tui.domain.models import Order, Service
from wms_tui.services.intake.order_queries import list_orders
from wms_tui.services.intake.order_work_view import order_work_view
from wms_tui.services.inventory.allocation import allocate_order
from wms_tui.store import Store

S = OrderStatus
NOW = datetime(2024, 3, 5, 10, 0, tzinfo=UTC)  # 11:00 in Stockholm, a Tuesday


@pytest.fixture
def queue(empty_store: Store) -> Store:
    set_clock(lambda: NOW)
    with empty_store.unit_of_work() as uow:
        f.warehouse(uow)
        carrier, std = f.carrier(uow, "PN", cutoff=time(16, 0))
        exp = Service(
            carrier_id=carrier.id, code="PN-EXP", name="Express", cutoff=time(16), express=True
        )
        uow.add(exp)
        uow.flush()
        a, b = f.product(uow, "HOOD-NAVY-M"), f.product(uow, "MUG-FIKA")
        f.receive(uow, a, f.location(uow, "A-01-1-A"), 5)
        day = NOW.date()
        common = dict(carrier_id=carrier.id, promised_ship_date=day)
        jack = dict(customer_name="Jack Murphy", ship_name="Jack Murphy")
        f.order(uow, "#1001", [(a, 1)], service_id=std.id, minutes_ago=90, **common, **jack)
        f.order(
            uow,
            "#1002",
            [(a, 1)],
            service_id=exp.id,
            minutes_ago=10,
            **common,
            customer_name="Åsa Öberg",
            ship_name="Åsa Öberg",
        )
        f.order(
            uow,
            "#1003",
            [(a, 1)],
            service_id=std.id,
            priority=1,
            minutes_ago=5,
            customer_name="김민준",
            ship_name="김민준",
            **common,
        )
        back = f.order(uow, "#1004", [(a, 1), (b, 2)], service_id=std.id, **common, **jack)
        allocate_order(uow, back)
        f.order(uow, "#1005", [(b, 1)], status=S.DISPATCHED, service_id=std.id, **common, **jack)
        f.order(
            uow,
            "#1006",
            [(b, 1)],
            status=S.ON_HOLD,
            hold_reason="address check",
            held_from=S.NEW,
            **common,
            **jack,
        )
        uow.commit()
    return empty_store


def names(page) -> list[str]:
    return [r.name for r in page.rows]


def test_open_orders_most_urgent_first(queue: Store) -> None:
    page = list_orders(queue)
    # Supervisor priority, then express at the same cut-off, then age; on hold has no service.
    assert names(page) == ["#1003", "#1002", "#1001", "#1004", "#1006"]
    assert page.total == 5
    row = {r.name: r for r in page.rows}
    assert row["#1002"].express and row["#1002"].due == "today 16:00"
    assert row["#1002"].due_short == "16:00"
    assert row["#1004"].short_status == "no stock"
    assert row["#1004"].note == "needs MUG-FIKA ×2"
    assert row["#1006"].note == "held: address check"
    assert (row["#1004"].lines, row["#1004"].units) == (2, 3)
    assert row["#1001"].age == "1h30"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1002", ["#1002"]),
        ("åsa", ["#1002"]),  # SQLite folds ASCII only: the search tries Å too
        ("ÖBERG", ["#1002"]),
        ("김민", ["#1003"]),
        ("mug-fika", ["#1004", "#1006"]),
        ("backordered", ["#1004"]),
        ("on hold", ["#1006"]),
        ("100%", []),
        ("nobody", []),
    ],
)
def test_search(queue: Store, text: str, expected: list[str]) -> None:
    assert names(list_orders(queue, text)) == expected


def test_filters(queue: Store) -> None:
    assert names(list_orders(queue, status=S.DISPATCHED.value)) == ["#1005"]
    assert len(list_orders(queue, status=None).rows) == 6
    assert names(list_orders(queue, status=S.ON_HOLD.value)) == ["#1006"]


def test_detail_shows_what_is_missing(queue: Store) -> None:
    with queue.read() as s:
        oid = s.exec(select(Order.id).where(Order.name == "#1004")).one()
    d = order_work_view(queue, oid)
    assert d.status == "BACKORDERED" and d.missing == ["MUG-FIKA short 2 (need 2, have 0)"]
    assert [(ln.sku, ln.quantity, ln.available, ln.missing) for ln in d.lines] == [
        ("HOOD-NAVY-M", 1, 5, 0),
        ("MUG-FIKA", 2, 0, 2),
    ]
    assert d.can_split and d.can_release and d.can_cancel and d.can_hold
    assert d.ship_to == "Jack Murphy, Storgatan 5, 114 55 Stockholm, SE"
    assert d.events and d.events[0].what == "new → backordered"
