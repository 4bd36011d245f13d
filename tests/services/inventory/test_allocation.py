"""Allocation: pick before bulk, FIFO, backorders, split shipments, release."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import func, select

from tests.worlds import factories as f
from wms_tui.domain.clock import utcnow
from wms_tui.domain.enums import LocationKind, OrderStatus
from wms_tui.domain.models import Allocation, Order, OrderLine, Stock, WmsException
from wms_tui.services.intake.release import release_due_orders, retry_backorders
from wms_tui.services.inventory.allocation import (
    allocate_order,
    deallocate_order,
)
from wms_tui.store import Store


def test_pick_bins_first_then_bulk_oldest_first(empty_store: Store) -> None:
    with empty_store.unit_of_work() as uow:
        p = f.product(uow, "MUG-1")
        bulk = f.location(uow, "R-11-1-A", LocationKind.BULK, zone="R")
        old = f.location(uow, "A-02-1-A")
        new = f.location(uow, "A-01-1-A")
        f.receive(uow, p, bulk, 50)
        f.receive(uow, p, old, 3)
        f.receive(uow, p, new, 4)
        # make "old" really older
        st_old = uow.session.exec(select(Stock).where(Stock.location_id == old.id)).one()
        st_old.first_received_at = utcnow() - timedelta(days=5)
        o = f.order(uow, "#1", [(p, 9)])
        assert allocate_order(uow, o) == []
        allocs = {a.location_id: a.qty for a in uow.session.exec(select(Allocation))}
        assert allocs == {old.id: 3, new.id: 4, bulk.id: 2}
        assert o.status is OrderStatus.READY_TO_PICK
        uow.commit()


def test_short_order_is_backordered_whole_and_released_later(empty_store: Store) -> None:
    with empty_store.unit_of_work() as uow:
        a, b = f.product(uow, "A"), f.product(uow, "B")
        bin_a, bin_b = f.location(uow, "A-01-1-A"), f.location(uow, "A-01-2-A")
        f.receive(uow, a, bin_a, 5)
        o = f.order(uow, "#2", [(a, 2), (b, 1)])
        missing = allocate_order(uow, o)
        assert [str(m) for m in missing] == ["B short 1 (need 1, have 0)"]
        assert o.status is OrderStatus.BACKORDERED
        assert uow.session.exec(select(func.count()).select_from(Allocation)).one() == 0
        exc = uow.session.exec(select(WmsException)).one()
        assert exc.kind == "BACKORDER" and "B short 1" in exc.message
        # Receiving puts B away: the order is released automatically.
        f.receive(uow, b, bin_b, 1)
        assert retry_backorders(uow, product_ids={b.id}) == ["#2"]
        assert o.status is OrderStatus.READY_TO_PICK
        assert exc.resolved_at is not None
        uow.commit()


def test_split_ok_ships_what_is_there(empty_store: Store) -> None:
    with empty_store.unit_of_work() as uow:
        a, b = f.product(uow, "A"), f.product(uow, "B")
        f.receive(uow, a, f.location(uow, "A-01-1-A"), 1)
        o = f.order(uow, "#3", [(a, 3), (b, 1)], tags="split-ok")
        assert allocate_order(uow, o) == []
        assert o.status is OrderStatus.READY_TO_PICK
        child = uow.session.exec(select(Order).where(Order.name == "#3-B1")).one()
        assert child.status is OrderStatus.BACKORDERED
        lines = {(ln.order_id, ln.sku): ln.quantity for ln in uow.session.exec(select(OrderLine))}
        assert lines == {(o.id, "A"): 1, (o.id, "B"): 0, (child.id, "A"): 2, (child.id, "B"): 1}
        uow.commit()


def test_release_after_grace_period_and_hold_unpaid(empty_store: Store) -> None:
    with empty_store.unit_of_work() as uow:
        a = f.product(uow, "A")
        f.receive(uow, a, f.location(uow, "A-01-1-A"), 10)
        f.order(uow, "#due", [(a, 1)], minutes_ago=45)
        f.order(uow, "#young", [(a, 1)], minutes_ago=5)
        f.order(uow, "#unpaid", [(a, 1)], minutes_ago=45, financial_status="pending")
        uow.commit()
    result = release_due_orders(empty_store)
    assert result == {"ready": ["#due"], "backordered": [], "held": ["#unpaid"]}
    with empty_store.read() as s:
        st = {o.name: o.status for o in s.exec(select(Order))}
    assert st == {
        "#due": OrderStatus.READY_TO_PICK,
        "#young": OrderStatus.NEW,
        "#unpaid": OrderStatus.ON_HOLD,
    }


def check_invariants(uow) -> None:
    for stock in uow.session.exec(select(Stock)):
        assert 0 <= stock.allocated <= stock.qty
        reserved = sum(
            a.qty - a.qty_picked
            for a in uow.session.exec(
                select(Allocation).where(
                    Allocation.product_id == stock.product_id,
                    Allocation.location_id == stock.location_id,
                )
            )
        )
        assert reserved == stock.allocated
    for line in uow.session.exec(select(OrderLine)):
        total = sum(
            a.qty
            for a in uow.session.exec(select(Allocation).where(Allocation.order_line_id == line.id))
        )
        assert total == line.qty_allocated <= line.quantity


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    stock=st.lists(st.integers(0, 6), min_size=3, max_size=3),
    orders=st.lists(
        st.tuples(
            st.lists(
                st.tuples(st.integers(0, 2), st.integers(1, 5)),
                min_size=1,
                max_size=3,
                unique_by=lambda t: t[0],
            ),
            st.booleans(),
            st.booleans(),
        ),
        max_size=6,
    ),
)
def test_allocation_never_overbooks(sqlite_store: Store, stock, orders) -> None:
    with sqlite_store.unit_of_work() as uow:
        products = [f.product(uow, f"P{i}-{f._seq.__next__()}") for i in range(3)]
        for i, qty in enumerate(stock):
            if qty:
                f.receive(uow, products[i], f.location(uow, f"A-0{i}-{next(f._seq)}-A"), qty)
        for n, (lines, split, cancel) in enumerate(orders):
            o = f.order(
                uow,
                f"#H{next(f._seq)}-{n}",
                [(products[i], q) for i, q in lines],
                tags="split-ok" if split else "",
            )
            allocate_order(uow, o)
            check_invariants(uow)
            if cancel:
                deallocate_order(uow, o, f.SYSTEM)
                check_invariants(uow)
        retry_backorders(uow)
        check_invariants(uow)
