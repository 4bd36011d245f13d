"""Which order goes first: same-day rule, cut-off, express, age, supervisor priority."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import col, select

from tests.worlds import factories as f
from wms_tui.domain.models import Order, Service
from wms_tui.services.core import priority
from wms_tui.services.core.priority import PriorityRules, due_at, order_sort_key, ship_day
from wms_tui.store import Store

STHLM = ZoneInfo("Europe/Stockholm")
RULES = PriorityRules(tz=STHLM, same_day_cutoff=time(12, 0))


def local(y: int, m: int, d: int, hh: int, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=STHLM).astimezone(UTC)


@pytest.mark.parametrize(
    ("created", "service_cutoff", "expected"),
    [
        (local(2024, 3, 5, 11, 59), None, date(2024, 3, 5)),
        (local(2024, 3, 5, 12, 0), None, date(2024, 3, 6)),
        (local(2024, 3, 5, 10, 30), time(10, 0), date(2024, 3, 6)),  # missed the courier
        (local(2024, 3, 8, 14, 0), None, date(2024, 3, 11)),  # Friday afternoon -> Monday
        (local(2024, 3, 9, 9, 0), None, date(2024, 3, 11)),  # Saturday -> Monday
        # 23:30 UTC on the 4th is already the 5th in Stockholm.
        (datetime(2024, 3, 4, 23, 30, tzinfo=UTC), None, date(2024, 3, 5)),
    ],
)
def test_ship_day(created: datetime, service_cutoff: time | None, expected: date) -> None:
    assert ship_day(created, service_cutoff, RULES) == expected


def test_parse_clock() -> None:
    assert priority.parse_clock("12:00") == time(12, 0)
    assert priority.parse_clock("930") == time(9, 30)
    with pytest.raises(ValueError, match="not a time of day"):
        priority.parse_clock("noon")


def _svc(cutoff: time, express: bool = False, sid: int = 1) -> Service:
    return Service(id=sid, carrier_id=1, code=f"S{sid}", name="x", cutoff=cutoff, express=express)


def _order(n: int, created: datetime, prio: int = 0, day: date | None = None) -> Order:
    return Order(id=n, name=f"#{n}", created_at=created, priority=prio, promised_ship_date=day)


def test_sort_key_order() -> None:
    today = date(2024, 3, 5)
    std13, std16 = _svc(time(13, 0)), _svc(time(16, 0), sid=2)
    exp16 = _svc(time(16, 0), express=True, sid=3)
    early = local(2024, 3, 5, 8)
    later = local(2024, 3, 5, 9)
    rows = {
        "tomorrow": (_order(1, early, day=today + timedelta(days=1)), std13),
        "std16-old": (_order(2, early, day=today), std16),
        "std16-new": (_order(3, later, day=today), std16),
        "exp16": (_order(4, later, day=today), exp16),
        "cut13": (_order(5, later, day=today), std13),
        "late": (_order(6, later, day=today - timedelta(days=1)), std16),
        "boss": (_order(7, later, prio=1, day=today + timedelta(days=3)), std16),
    }
    ranked = sorted(rows, key=lambda k: order_sort_key(*rows[k], RULES))
    assert ranked == ["boss", "late", "cut13", "exp16", "std16-old", "std16-new", "tomorrow"]
    assert due_at(*rows["cut13"], RULES) == local(2024, 3, 5, 13)


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    orders=st.lists(
        st.tuples(
            st.integers(-1, 1),  # priority
            st.integers(0, 3),  # ship day offset
            st.integers(0, 3),  # service index (3 = none)
            st.integers(0, 600),  # minutes since 06:00
        ),
        min_size=1,
        max_size=8,
    )
)
def test_sql_order_by_agrees_with_the_sort_key(empty_store: Store, orders) -> None:
    with empty_store.unit_of_work() as uow:
        if uow.session.exec(select(Service)).first() is None:
            c, _ = f.carrier(uow, "PN", cutoff=time(16, 0))
            uow.add(Service(carrier_id=c.id, code="EXP", name="Exp", cutoff=time(16), express=True))
            uow.add(Service(carrier_id=c.id, code="EARLY", name="Early", cutoff=time(11)))
            uow.flush()
        services = list(uow.session.exec(select(Service).order_by(col(Service.id))))
        base = local(2024, 3, 4, 6)
        made = []
        for n, (prio, offset, svc, minutes) in enumerate(orders):
            service = services[svc] if svc < len(services) else None
            o = Order(
                name=f"#P{n}",
                priority=prio,
                created_at=base + timedelta(minutes=minutes),
                promised_ship_date=date(2024, 3, 4) + timedelta(days=offset),
                service_id=service.id if service else None,
                carrier_id=service.carrier_id if service else None,
            )
            uow.add(o)
            made.append((o, service))
        uow.flush()
        by_sql = [
            o.name
            for o in uow.session.exec(
                select(Order)
                .outerjoin(Service, col(Service.id) == Order.service_id)
                .order_by(*priority.order_by())
            )
        ]
        by_key = [o.name for o, s in sorted(made, key=lambda r: order_sort_key(*r, RULES))]
        assert by_sql == by_key
        # rolled back: every example starts from the same store
