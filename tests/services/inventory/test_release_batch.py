"""Release in batches: exactly what releasing the same orders one at a time gives.

``release_due`` reads a batch's lines, candidate stock and reservations at once
and allocates in memory. The property test builds a random warehouse (pick and
bulk bins with random stock and ages, flagged and inactive bins, stock outside
storage, several services, priorities, ship dates, split-ok and unpaid orders,
orders not due yet, open backorder exceptions) and compares, row for row, the
whole database after ``release_due`` with the database after the old way:
``allocate_order`` per due order in the house ranking.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select as sa_select
from sqlmodel import SQLModel, col, select

from tests.worlds import factories as f
from wms_tui.domain.actor import SYSTEM
from wms_tui.domain.clock import set_clock, utcnow
from wms_tui.domain.enums import ExceptionKind, LocationKind, OrderStatus
from wms_tui.domain.models import (
    Allocation,
    Order,
    OrderLine,
    Service,
    Stock,
    WmsException,
)
from wms_tui.services.core import events, priority
from wms_tui.services.intake import release
from wms_tui.services.inventory import allocation
from wms_tui.store import Store, UnitOfWork

NOW = datetime(2024, 3, 5, 13, 0, tzinfo=UTC)


def release_one_by_one(uow: UnitOfWork, limit: int | None) -> dict[str, list[str]]:
    """The reference: how release worked before batches (one query set per order)."""
    stmt = (
        select(Order)
        .outerjoin(Service, col(Service.id) == Order.service_id)
        .where(
            Order.status == OrderStatus.NEW,
            col(Order.release_at).is_not(None),
            col(Order.release_at) <= NOW,
        )
        .order_by(*priority.order_by())
    )
    if limit is not None:
        stmt = stmt.limit(limit)
    result: dict[str, list[str]] = {"ready": [], "backordered": [], "held": []}
    for order in uow.session.exec(stmt).all():
        if order.financial_status.lower() in release.HOLD_FINANCIAL:
            order.hold_reason = f"payment {order.financial_status}"
            events.change_status(uow, order, OrderStatus.ON_HOLD, SYSTEM, detail=order.hold_reason)
            result["held"].append(order.name)
            continue
        missing = allocation.allocate_order(uow, order, SYSTEM)
        result["backordered" if missing else "ready"].append(order.name)
    return result


def every_row(uow: UnitOfWork) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table as this transaction sees it."""
    uow.flush()
    conn = uow.session.connection()
    return {
        t.name: [tuple(r) for r in conn.execute(sa_select(t).order_by(*t.primary_key.columns))]
        for t in SQLModel.metadata.sorted_tables
    }


bins = st.lists(
    st.tuples(
        st.integers(0, 3),  # product
        st.sampled_from(["pick", "pick", "bulk", "bulk", "flagged", "inactive", "receiving"]),
        st.integers(1, 6),  # units
        st.integers(0, 5),  # days since first received
    ),
    max_size=8,
)
orders = st.lists(
    st.fixed_dictionaries(
        {
            "lines": st.lists(
                st.tuples(st.integers(0, 3), st.integers(1, 4)), min_size=1, max_size=3
            ),
            "split": st.booleans(),
            "unpaid": st.integers(0, 5).map(lambda n: n == 0),
            "priority": st.integers(0, 4).map(lambda n: max(0, n - 2)),
            "service": st.integers(0, 2),
            "ship_in_days": st.none() | st.integers(-1, 1),
            "minutes_ago": st.integers(0, 120),
            "status": st.sampled_from([OrderStatus.NEW] * 5 + [OrderStatus.BACKORDERED]),
            "open_exception": st.booleans(),
        }
    ),
    max_size=9,
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    bins=bins,
    orders=orders,
    limit=st.none() | st.integers(1, 10),
    chunk=st.integers(1, 4),
)
def test_batched_release_equals_one_order_at_a_time(
    sqlite_store: Store, monkeypatch: pytest.MonkeyPatch, bins, orders, limit, chunk
) -> None:
    monkeypatch.setattr(release, "RELEASE_CHUNK", chunk)
    set_clock(lambda: NOW)
    with sqlite_store.unit_of_work() as uow:
        _build(uow, bins, orders)
        savepoint = uow.session.begin_nested()
        expected = release_one_by_one(uow, limit)
        before = every_row(uow)
        savepoint.rollback()  # SQLite hands out the same ids again
        uow.session.begin_nested()
        assert release.release_due(uow, SYSTEM, NOW, limit=limit) == expected
        assert every_row(uow) == before
        # and nothing is committed: the next example starts from an empty store


def _build(uow: UnitOfWork, bins: list, orders: list) -> None:
    s = uow.session
    products = [f.product(uow, f"P{i}") for i in range(4)]
    services: list[Service | None] = [None]
    for code, cutoff, express in (("STD", time(16), False), ("EXP", time(14), True)):
        carrier, service = f.carrier(uow, code, cutoff=cutoff)
        service.express = express
        s.add(service)
        services.append(service)
    for n, (p, kind, units, age) in enumerate(bins):
        loc_kind = {
            "bulk": LocationKind.BULK,
            "receiving": LocationKind.RECEIVING,
        }.get(kind, LocationKind.PICK)
        loc = f.location(uow, f"{'R' if loc_kind is LocationKind.BULK else 'A'}-0{n}-1-A", loc_kind)
        f.receive(uow, products[p], loc, units)
        stock = s.exec(select(Stock).where(Stock.location_id == loc.id)).one()
        stock.first_received_at = NOW - timedelta(days=age, minutes=n)
        loc.cycle_count_flag = kind == "flagged"
        loc.active = kind != "inactive"
        s.add(stock)
        s.add(loc)
    for n, spec in enumerate(orders):
        service = services[spec["service"]]
        days = spec["ship_in_days"]
        o = f.order(
            uow,
            f"#{1000 + n}",
            [(products[p], q) for p, q in spec["lines"]],
            tags="split-ok" if spec["split"] else "",
            priority=spec["priority"],
            minutes_ago=spec["minutes_ago"],
            status=spec["status"],
            service_id=service.id if service else None,
            carrier_id=service.carrier_id if service else None,
            financial_status="pending" if spec["unpaid"] else "paid",
            promised_ship_date=None if days is None else (NOW + timedelta(days=days)).date(),
        )
        if spec["open_exception"]:
            s.add(WmsException(kind=ExceptionKind.BACKORDER, order_id=o.id, message="earlier"))
    uow.flush()


# --------------------------------------------------------------------------- both backends


def test_a_batch_allocates_fifo_across_orders_and_keeps_the_rules(empty_store: Store) -> None:
    """One batch: FIFO and pick-before-bulk across orders, split, backorder, hold, ranking."""
    with empty_store.unit_of_work() as uow:
        mug, tee = f.product(uow, "MUG"), f.product(uow, "TEE")
        old_bulk = f.location(uow, "R-01-1-A", LocationKind.BULK)
        pick = f.location(uow, "A-01-1-A")
        newer = f.location(uow, "A-02-1-A")
        flagged = f.location(uow, "A-03-1-A")
        f.receive(uow, mug, old_bulk, 5)
        f.receive(uow, mug, pick, 2)
        f.receive(uow, mug, newer, 2)
        f.receive(uow, mug, flagged, 9)
        f.receive(uow, tee, pick, 1)
        # The first pick bin's stock is older than the second's (FIFO among pick bins).
        for row in uow.session.exec(select(Stock).where(Stock.location_id == pick.id)):
            row.first_received_at = utcnow() - timedelta(days=3)
            uow.add(row)
        flagged.cycle_count_flag = True
        uow.add(flagged)
        f.order(uow, "#first", [(mug, 3)], minutes_ago=90)
        f.order(uow, "#boss", [(mug, 1), (tee, 1)], minutes_ago=40, priority=1)
        f.order(uow, "#split", [(mug, 1), (tee, 2)], minutes_ago=80, tags="split-ok")
        f.order(uow, "#short", [(tee, 1)], minutes_ago=70)
        f.order(uow, "#unpaid", [(mug, 1)], minutes_ago=60, financial_status="pending")
        f.order(uow, "#last", [(mug, 6)], minutes_ago=50)
        uow.commit()

    result = release.release_due_orders(empty_store, batch_size=10)

    assert result == {
        "ready": ["#boss", "#first", "#split"],
        "backordered": ["#short", "#last"],
        "held": ["#unpaid"],
    }
    with empty_store.read() as s:
        where: dict[str, list[tuple[str, int]]] = {}
        for alloc, line, order in s.exec(
            select(Allocation, OrderLine, Order)
            .join(OrderLine, col(OrderLine.id) == Allocation.order_line_id)
            .join(Order, col(Order.id) == OrderLine.order_id)
            .order_by(col(Allocation.id))
        ):
            code = {pick.id: "pick", newer.id: "newer", old_bulk.id: "bulk"}[alloc.location_id]
            where.setdefault(order.name, []).append((f"{line.sku}@{code}", alloc.qty))
        # #boss first (priority): the older pick bin, then #first takes the
        # rest of it and the newer pick bin before bulk; the tee went to #boss.
        assert where == {
            "#boss": [("MUG@pick", 1), ("TEE@pick", 1)],
            "#first": [("MUG@pick", 1), ("MUG@newer", 2)],
            "#split": [("MUG@bulk", 1)],
        }
        child = s.exec(select(Order).where(Order.name == "#split-B1")).one()
        assert child.status is OrderStatus.BACKORDERED
        stock = {(st_.product_id, st_.location_id): st_.allocated for st_ in s.exec(select(Stock))}
        assert stock[(mug.id, flagged.id)] == 0  # a flagged bin is never allocated from
        assert stock[(mug.id, old_bulk.id)] == 1
        short = s.exec(select(WmsException).where(WmsException.kind == ExceptionKind.BACKORDER))
        assert sorted(e.message for e in short) == [
            "MUG short 2 (need 6, have 4)",
            "TEE short 1 (need 1, have 0)",
            "TEE ×2 split from #split: waits for stock",
        ]
