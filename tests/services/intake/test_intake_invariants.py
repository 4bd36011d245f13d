"""Property: whatever the shop sends and in whatever order, stock is never over-reserved.

Random catalogues, stock, orders and later exports of the same orders (quantities
changed, lines added or dropped, cancellations, payment changes) go through the
real importer with a zero grace period (so every order is allocated at once),
then stock arrives and backorders are retried. After every step:

* 0 <= Stock.allocated <= Stock.qty, and qty >= 0;
* Stock.allocated == the unpicked Allocation rows on it;
* OrderLine.qty_allocated == its Allocation rows and <= its quantity;
* a READY_TO_PICK order is fully allocated; other statuses before picking hold nothing.
"""

from __future__ import annotations

from itertools import count
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import select

from tests.worlds import factories as f
from tests.worlds.intake import order_row, write_csv
from wms_tui.domain.enums import LocationKind, OrderStatus
from wms_tui.domain.models import Allocation, Order, OrderLine, Product, Stock
from wms_tui.services.core import settings as house
from wms_tui.services.intake.order_import import import_orders
from wms_tui.services.intake.release import retry_backorders
from wms_tui.services.inventory.stock import ledger_mismatches
from wms_tui.store import Store

SKUS = ("P-A", "P-B", "P-C")
_run = count(1)

line = st.tuples(st.integers(0, 2), st.integers(1, 4))
order = st.fixed_dictionaries(
    {
        "lines": st.lists(line, min_size=1, max_size=3, unique_by=lambda t: t[0]),
        "split": st.booleans(),
        "paid": st.booleans(),
    }
)
change = st.one_of(
    st.just("same"),
    st.just("cancel"),
    st.just("pay"),
    st.lists(line, min_size=1, max_size=3, unique_by=lambda t: t[0]),
)


def check(store: Store) -> None:
    with store.read() as s:
        allocs = list(s.exec(select(Allocation)))
        for st_ in s.exec(select(Stock)):
            assert 0 <= st_.allocated <= st_.qty
            live = sum(
                a.qty - a.qty_picked
                for a in allocs
                if (a.product_id, a.location_id) == (st_.product_id, st_.location_id)
            )
            assert live == st_.allocated
        for ln in s.exec(select(OrderLine)):
            mine = sum(a.qty for a in allocs if a.order_line_id == ln.id)
            assert mine == ln.qty_allocated <= max(ln.quantity, 0)
        for o in s.exec(select(Order)):
            lines = list(s.exec(select(OrderLine).where(OrderLine.order_id == o.id)))
            if o.status is OrderStatus.READY_TO_PICK:
                assert all(ln.qty_allocated == ln.quantity - ln.qty_short for ln in lines)
            elif o.status in (OrderStatus.NEW, OrderStatus.BACKORDERED, OrderStatus.CANCELLED):
                assert all(ln.qty_allocated == 0 for ln in lines)
        assert ledger_mismatches(s) == []


def rows_for(prefix: str, orders: list[dict], changes: list | None = None) -> list[dict]:
    rows = []
    for n, o in enumerate(orders):
        lines, cols = o["lines"], {}
        if not o["paid"]:
            cols["Financial Status"] = "pending"
        if changes is not None:
            ch = changes[n % len(changes)] if changes else "same"
            if ch == "cancel":
                cols["Cancelled at"] = "2024-03-06 09:00:00 +0100"
            elif ch == "pay":
                cols.pop("Financial Status", None)
            elif isinstance(ch, list):
                lines = ch
        if o["split"]:
            cols["Tags"] = "split-ok"
        for i, (sku, qty) in enumerate(lines):
            rows.append(
                order_row(
                    f"#{prefix}-{n}",
                    first=i == 0,
                    **({**cols} if i == 0 else {}),
                    **{"Lineitem sku": SKUS[sku], "Lineitem quantity": str(qty)},
                )
            )
    return rows


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    stock=st.lists(st.integers(0, 6), min_size=3, max_size=3),
    orders=st.lists(order, min_size=1, max_size=5),
    changes=st.lists(change, max_size=5),
    restock=st.lists(st.integers(0, 5), min_size=3, max_size=3),
)
def test_imports_never_over_reserve(
    sqlite_store: Store, tmp_path: Path, stock, orders, changes, restock
) -> None:
    store = sqlite_store
    run = next(_run)
    with store.unit_of_work() as uow:
        if uow.session.exec(select(Product)).first() is None:
            f.warehouse(uow)
            for sku in SKUS:
                f.product(uow, sku)
            house.put(uow.session, "grace_period_minutes", "0")
        products = {p.sku: p for p in uow.session.exec(select(Product))}
        for i, qty in enumerate(stock):
            if qty:
                loc = f.location(uow, f"A-{run:02d}-{i}-A", LocationKind.PICK)
                f.receive(uow, products[SKUS[i]], loc, qty)
        uow.commit()
    check(store)

    first = write_csv(tmp_path / "first.csv", rows_for(str(run), orders))
    assert import_orders(store, first).ok
    check(store)
    second = write_csv(tmp_path / "second.csv", rows_for(str(run), orders, changes))
    report = import_orders(store, second)
    assert report.ok, report.errors
    check(store)

    with store.unit_of_work() as uow:
        products = {p.sku: p for p in uow.session.exec(select(Product))}
        for i, qty in enumerate(restock):
            if qty:
                loc = f.location(uow, f"B-{run:02d}-{i}-A", LocationKind.BULK)
                f.receive(uow, products[SKUS[i]], loc, qty)
        retry_backorders(uow)
        uow.commit()
    check(store)
