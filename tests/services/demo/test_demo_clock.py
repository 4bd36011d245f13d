"""The demo is the same whatever the hour it is built at.

Its orders' promised days were the UTC date of their creation plus the days
promised: built just after midnight UTC an order made 100 minutes earlier was
promised a day sooner than built at 10:00, the live wave ranked the orders
otherwise, its half-picked last task held other orders, and the demo's
movement count went from 475 to 472 with the hour (test_build's idempotence
check failed at 04:00 UTC, and when a build and its reset straddled midnight).
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlmodel import select

from wms_tui.domain import clock
from wms_tui.domain.models import Order
from wms_tui.services.core.clock import today
from wms_tui.services.demo.seed_files import load_demo
from wms_tui.store import Store

# A Wednesday: just past midnight UTC, early morning, the same-day cut-off, late evening.
HOURS = ["2026-12-09T00:30", "2026-12-09T04:00", "2026-12-09T11:58", "2026-12-09T23:50"]


def _promised_in_days(store: Store, at: str) -> dict[str, int]:
    # Rolled back: each hour loads into the same store.
    with clock.pinned(datetime.fromisoformat(at).replace(tzinfo=UTC)), store.unit_of_work() as uow:
        load_demo(uow)
        uow.flush()
        s = uow.session
        day = today(s)
        return {
            o.name: (o.promised_ship_date - day).days
            for o in s.exec(select(Order)).all()
            if o.promised_ship_date is not None
        }


@pytest.mark.parametrize("at", HOURS[:1] + HOURS[2:])
def test_orders_are_promised_the_same_days_at_any_hour(sqlite_store: Store, at: str) -> None:
    assert _promised_in_days(sqlite_store, at) == _promised_in_days(sqlite_store, HOURS[1])
