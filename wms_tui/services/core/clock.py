"""The warehouse's own clock: its timezone and today's date there."""

from __future__ import annotations

from datetime import date, datetime
from functools import cache
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from wms_tui.domain import shipping_days as days
from wms_tui.domain.clock import utcnow
from wms_tui.domain.models import Warehouse


def zone_of(warehouse: Warehouse | None) -> ZoneInfo:
    """A warehouse's timezone; UTC for none or an unknown name (never a crash)."""
    return days.zone(warehouse.timezone if warehouse else "UTC")


# The session's warehouse row (session.info), read by warehouse_row only.
WAREHOUSE_ROW = "wms_warehouse"


@cache
def _first_warehouse(lock: bool):  # noqa: ANN202, FBT001
    # Built once each: most transactions read the row (building the select and its
    # cache key cost more than running it, docs/performance.md).
    stmt = select(Warehouse).order_by(col(Warehouse.id)).limit(1)
    if lock:
        stmt = stmt.with_for_update(key_share=True).execution_options(populate_existing=True)
    return stmt


def warehouse_row(session: Session, *, lock: bool = False) -> Warehouse | None:
    """The (first) warehouse row, read once per session; None for an empty store.

    It is the session's own object, so a change made in the session is seen,
    and a store with no warehouse yet is asked again. ``lock``: read (again)
    under a row lock, for its SSCC serial counter; what this session asks for
    afterwards is that row.
    """
    row = session.info.get(WAREHOUSE_ROW)
    if row is None or lock:
        row = session.exec(_first_warehouse(lock)).first()
        if row is not None:
            session.info[WAREHOUSE_ROW] = row
    return row


def warehouse_zone(session: Session) -> ZoneInfo:
    """``Warehouse.timezone`` of the (first) warehouse; UTC for an empty store.

    The one place the app reads the warehouse's zone: every time a person
    reads (screens, PDFs, CSVs, CLI lines) is converted with it. The row is
    read once per session (loading a parcel asked twice, a day ~600 times).
    """
    return zone_of(warehouse_row(session))


def today(session: Session, now: datetime | None = None) -> date:
    """The warehouse's calendar date now."""
    return days.local_day(now or utcnow(), warehouse_zone(session))
