"""One release use case: the backorders stock now covers, then due orders, most urgent first."""

from __future__ import annotations

from sqlmodel import select

from tests.worlds import factories as f
from wms_tui.domain.enums import OrderStatus
from wms_tui.domain.models import Location, Order, Product, WmsException
from wms_tui.services.intake.release import release
from wms_tui.services.inventory import cycle_count
from wms_tui.store import Store


def _status(store: Store, name: str) -> OrderStatus:
    with store.read() as s:
        return s.exec(select(Order).where(Order.name == name)).one().status


def _receive(store: Store, sku: str, bin_code: str, qty: int) -> None:
    """Stock that arrives without a put-away (an opening balance typed in, a fixed ledger)."""
    with store.unit_of_work() as uow:
        s = uow.session
        p = s.exec(select(Product).where(Product.sku == sku)).one()
        f.receive(uow, p, s.exec(select(Location).where(Location.code == bin_code)).one(), qty)
        uow.commit()


def test_waiting_backorders_get_arrived_stock_before_newer_due_orders(empty_store: Store) -> None:
    """The terminals' periodic job used to release due orders only: a backorder
    whose stock came in without a put-away waited for someone to run `wms release`,
    and a newer order released meanwhile took the units."""
    with empty_store.unit_of_work() as uow:
        mug = f.product(uow, "MUG")
        f.location(uow, "A-01-1-A")
        f.order(uow, "#old", [(mug, 1)], minutes_ago=600)
        f.order(uow, "#urgent", [(mug, 1)], minutes_ago=300, priority=5)
        uow.commit()
    first = release(empty_store)
    assert sorted(first.backordered) == ["#old", "#urgent"]
    assert first.backorders_released == []

    _receive(empty_store, "MUG", "A-01-1-A", 1)
    with empty_store.unit_of_work() as uow:
        f.order(uow, "#new", [(uow.session.get(Product, mug.id), 1)], minutes_ago=120)
        uow.commit()
    second = release(empty_store)
    assert second.backorders_released == ["#urgent"]  # supervisor priority beats age
    assert second.backordered == ["#new"] and second.ready == []
    assert _status(empty_store, "#urgent") is OrderStatus.READY_TO_PICK
    assert _status(empty_store, "#old") is OrderStatus.BACKORDERED
    with empty_store.read() as s:
        open_ = s.exec(select(WmsException).where(WmsException.resolved_at == None)).all()  # noqa: E711
        assert sorted(e.order_id for e in open_) == sorted(
            s.exec(select(Order.id).where(Order.name.in_(["#old", "#new"]))).all()
        )
    assert not release(empty_store).anything


def test_counting_a_flagged_bin_releases_the_backorders_it_held_back(empty_store: Store) -> None:
    """A short pick flags the bin; its units are kept from allocation until it is
    counted. A count that finds exactly what the system says used to clear the flag
    without retrying the backorders waiting for those units."""
    with empty_store.unit_of_work() as uow:
        sup = f.operator(uow, "Karin", "supervisor")
        mug = f.product(uow, "MUG")
        bin_ = f.location(uow, "A-01-1-A")
        f.receive(uow, mug, bin_, 2)
        bin_.cycle_count_flag = True
        bin_.cycle_count_reason = "short pick"
        uow.add(bin_)
        f.order(uow, "#waiting", [(mug, 2)])
        uow.commit()
    assert release(empty_store).backordered == ["#waiting"]
    result = cycle_count.approve_count(empty_store, sup, "A-01-1-A", {"MUG": 2})
    assert result.adjustments == ()
    assert result.released == ("#waiting",)
    assert _status(empty_store, "#waiting") is OrderStatus.READY_TO_PICK


def test_a_tick_retries_only_the_backorders_the_free_stock_moves_on(
    empty_store: Store, monkeypatch
) -> None:
    """The periodic release used to allocate (and refuse again) every backorder
    with any free unit of any of its SKUs, every minute it waited. Now an order
    is tried when the free units cover all it needs, or, split-ok, any of it."""
    from wms_tui.services.inventory import allocation

    tried: list[str] = []
    real = allocation.allocate_order

    def spy(uow, order, actor=None):  # noqa: ANN001, ANN202 - a pass-through
        tried.append(order.name)
        return real(uow, order) if actor is None else real(uow, order, actor)

    monkeypatch.setattr(allocation, "allocate_order", spy)
    with empty_store.unit_of_work() as uow:
        mug, cap = f.product(uow, "MUG"), f.product(uow, "CAP")
        f.location(uow, "A-01-1-A")
        f.location(uow, "A-01-2-A")
        f.order(uow, "#two", [(mug, 1), (cap, 1)], minutes_ago=600)
        f.order(uow, "#mugs", [(mug, 2)], minutes_ago=500)
        f.order(uow, "#split", [(cap, 2)], minutes_ago=400, tags="split-ok")
        uow.commit()
    assert sorted(release(empty_store).backordered) == ["#mugs", "#split", "#two"]

    _receive(empty_store, "MUG", "A-01-1-A", 1)
    tried.clear()
    tick = release(empty_store)
    assert tried == [] and not tick.anything  # one MUG covers none of them

    _receive(empty_store, "CAP", "A-01-2-A", 1)
    tried.clear()
    tick = release(empty_store)
    # #two is covered, #split may ship part; the older one gets the one CAP.
    assert tried == ["#two", "#split"]
    assert tick.backorders_released == ["#two"]
    assert _status(empty_store, "#split") is OrderStatus.BACKORDERED
    assert _status(empty_store, "#mugs") is OrderStatus.BACKORDERED
