"""Supervisor decisions: hold, release, cancel, priority, split; refusals change nothing."""

from __future__ import annotations

import pytest
from sqlmodel import select

from tests.worlds import factories as f
from tests.worlds.intake import snapshot
from wms_tui.domain.enums import ExceptionKind, MovementReason, OrderStatus
from wms_tui.domain.errors import DomainError, PermissionDenied
from wms_tui.domain.models import Event, Location, Order, OrderLine, Product, Stock, WmsException
from wms_tui.services.core import events
from wms_tui.services.intake import order_admin
from wms_tui.services.inventory.allocation import allocate_order
from wms_tui.services.inventory.stock import move_stock
from wms_tui.store import Store

S = OrderStatus


@pytest.fixture
def floor(empty_store: Store):
    """Two SKUs, 3 of A in a bin, none of B; a supervisor and a picker."""
    with empty_store.unit_of_work() as uow:
        f.warehouse(uow)
        boss = f.operator(uow, "Min-jun Kim", "supervisor", badge="S9001")
        picker = f.operator(uow, "Ana", "picker", badge="P1001")
        a, b = f.product(uow, "A"), f.product(uow, "B")
        f.receive(uow, a, f.location(uow, "A-01-1-A"), 3)
        uow.commit()
        ids = {"a": a.id, "b": b.id}
    return empty_store, boss, picker, ids


def make(store: Store, name: str, lines, **kw) -> int:
    with store.unit_of_work() as uow:
        products = {p.sku: p for p in uow.session.exec(select(Product))}
        o = f.order(uow, name, [(products[sku], q) for sku, q in lines], **kw)
        uow.commit()
        return o.id


def status(store: Store, order_id: int) -> Order:
    with store.read() as s:
        o = s.get(Order, order_id)
        s.expunge_all()
        return o


def test_hold_needs_a_reason_and_keeps_the_stock(floor) -> None:
    store, boss, _, _ = floor
    oid = make(store, "#1", [("A", 2)])
    with store.unit_of_work() as uow:
        allocate_order(uow, uow.session.get(Order, oid))
        uow.commit()
    before = snapshot(store)
    with pytest.raises(DomainError, match="Give a reason"):
        order_admin.hold_order(store, boss, oid, "   ")
    assert snapshot(store) == before
    assert order_admin.hold_order(store, boss, oid, "address  check") == "#1 on hold: address check"
    o = status(store, oid)
    assert (o.status, o.held_from, o.hold_reason) == (S.ON_HOLD, S.READY_TO_PICK, "address check")
    with store.read() as s:
        assert s.exec(select(Stock)).one().allocated == 2
    assert order_admin.release_order(store, boss, oid) == "#1 hold lifted"
    assert status(store, oid).status is S.READY_TO_PICK


def test_only_a_supervisor(floor) -> None:
    store, _, picker, _ = floor
    oid = make(store, "#1", [("A", 1)])
    before = snapshot(store)
    for call in (
        lambda: order_admin.hold_order(store, picker, oid, "x"),
        lambda: order_admin.release_order(store, picker, oid),
        lambda: order_admin.cancel_order(store, picker, oid),
        lambda: order_admin.change_priority(store, picker, oid, 1),
        lambda: order_admin.split_order(store, picker, oid),
    ):
        with pytest.raises(PermissionDenied, match="needs the supervisor role"):
            call()
    assert snapshot(store) == before


def test_release_skips_the_grace_period_and_overrides_a_payment_hold(floor) -> None:
    store, boss, _, _ = floor
    young = make(store, "#young", [("A", 1)], minutes_ago=1)
    assert order_admin.release_order(store, boss, young) == "#young ready to pick"
    unpaid = make(store, "#unpaid", [("A", 1)], financial_status="pending")
    with store.unit_of_work() as uow:
        o = uow.session.get(Order, unpaid)
        events.change_status(uow, o, S.ON_HOLD, boss, detail="payment pending")
        o.hold_reason = "payment pending"
        uow.commit()
    assert order_admin.release_order(store, boss, unpaid) == "#unpaid ready to pick (hold lifted)"
    with store.read() as s:
        ev = s.exec(select(Event).where(Event.detail == "hold lifted (payment pending)")).one()
        assert ev.operator_name == "Min-jun Kim"


def test_release_of_a_backorder_still_short_changes_nothing(floor) -> None:
    store, boss, _, _ = floor
    oid = make(store, "#1", [("A", 1), ("B", 2)])
    with store.unit_of_work() as uow:
        allocate_order(uow, uow.session.get(Order, oid))
        uow.commit()
    before = snapshot(store)
    with pytest.raises(DomainError, match=r"#1 is still short: B short 2 \(need 2, have 0\)"):
        order_admin.release_order(store, boss, oid)
    assert snapshot(store) == before


def test_split_ships_what_is_here(floor) -> None:
    store, boss, _, _ = floor
    oid = make(store, "#1", [("A", 2), ("B", 1)])
    with store.unit_of_work() as uow:
        allocate_order(uow, uow.session.get(Order, oid))
        uow.commit()
    assert status(store, oid).status is S.BACKORDERED
    assert order_admin.split_order(store, boss, oid) == "#1 ready to pick; the rest waits as #1-B1"
    assert status(store, oid).status is S.READY_TO_PICK
    with store.read() as s:
        child = s.exec(select(Order).where(Order.name == "#1-B1")).one()
        assert child.status is S.BACKORDERED
        lines = {ln.sku: ln.quantity for ln in s.exec(select(OrderLine)) if ln.order_id == child.id}
        assert lines == {"B": 1}
    # Nothing in stock at all: refused, nothing changes.
    only_b = make(store, "#2", [("B", 1)])
    with store.unit_of_work() as uow:
        allocate_order(uow, uow.session.get(Order, only_b))
        uow.commit()
    before = snapshot(store)
    with pytest.raises(DomainError, match="Nothing of #2 is in stock yet"):
        order_admin.split_order(store, boss, only_b)
    assert snapshot(store) == before


def test_split_of_a_ready_order_with_a_short_pick(floor) -> None:
    store, boss, _, _ = floor
    oid = make(store, "#1", [("A", 3)])
    with store.unit_of_work() as uow:
        allocate_order(uow, uow.session.get(Order, oid))
        uow.commit()
    with pytest.raises(DomainError, match="Nothing is missing from #1"):
        order_admin.split_order(store, boss, oid)
    # A picker found one short: the line records it (as picking does) and gives it back.
    with store.unit_of_work() as uow:
        line = uow.session.exec(select(OrderLine)).one()
        o = uow.session.get(Order, oid)
        from wms_tui.services.inventory.allocation import deallocate_order

        deallocate_order(uow, o, boss)
        stock = uow.session.exec(select(Stock)).one()
        product, loc = (
            uow.session.get(Product, stock.product_id),
            uow.session.get(Location, stock.location_id),
        )
        # Counted: one was never there.
        move_stock(uow, boss, product, 1, from_loc=loc, to_loc=None, reason=MovementReason.ADJUSTED)
        line.qty_short = 1
        uow.add(line)
        allocate_order(uow, o)
        uow.commit()
    assert order_admin.split_order(store, boss, oid) == "#1 ready to pick; the rest waits as #1-B1"
    with store.read() as s:
        qty = {o.name: ln.quantity for ln, o in s.exec(select(OrderLine, Order).join(Order))}
        assert qty == {"#1": 2, "#1-B1": 1}


def test_cancel_gives_stock_back_and_flags_packed_orders(floor) -> None:
    store, boss, _, _ = floor
    oid = make(store, "#1", [("A", 2)])
    with store.unit_of_work() as uow:
        allocate_order(uow, uow.session.get(Order, oid))
        uow.commit()
    assert order_admin.cancel_order(store, boss, oid) == "#1 cancelled"
    with store.read() as s:
        assert s.exec(select(Stock)).one().allocated == 0
    packed = make(store, "#2", [("A", 1)], status=S.PACKED)
    assert (
        order_admin.cancel_order(store, boss, packed) == "#2 cancelled: stop the parcel at the dock"
    )
    with store.read() as s:
        exc = s.exec(select(WmsException)).one()
        assert exc.kind == ExceptionKind.CANCELLED_AFTER_PACK
    gone = make(store, "#3", [("A", 1)], status=S.DISPATCHED)
    before = snapshot(store)
    with pytest.raises(DomainError, match="#3 is dispatched; it cannot be cancelled"):
        order_admin.cancel_order(store, boss, gone)
    assert snapshot(store) == before


def test_priority_up_and_down(floor) -> None:
    store, boss, _, _ = floor
    oid = make(store, "#1", [("A", 1)])
    assert order_admin.change_priority(store, boss, oid, 1) == "#1 priority +1"
    assert order_admin.change_priority(store, boss, oid, -1) == "#1 priority normal"
    assert order_admin.change_priority(store, boss, oid, -1) == "#1 priority -1"
    with store.read() as s:
        logs = s.exec(select(Event.detail).where(Event.kind == "order.priority")).all()
        assert logs == ["priority 0 → 1", "priority 1 → 0", "priority 0 → -1"]
    done = make(store, "#2", [("A", 1)], status=S.DISPATCHED)
    with pytest.raises(DomainError, match="priority no longer counts"):
        order_admin.change_priority(store, boss, done, 1)
    with pytest.raises(DomainError, match="no longer exists"):
        order_admin.change_priority(store, boss, 999_999, 1)
