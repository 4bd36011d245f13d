"""The warehouse's own clock: its timezone and today's date there."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from wms_tui.domain import shipping_days as days
from wms_tui.domain.clock import utcnow
from wms_tui.domain.models import Warehouse


def zone_of(warehouse: Warehouse | None) -> ZoneInfo:
    """A warehouse's timezone; UTC for none or an unknown name (never a crash)."""
    return days.zone(warehouse.timezone if warehouse else "UTC")


# The session's warehouse row, under the key packing.parties.warehouse uses too.
WAREHOUSE_ROW = "wms_warehouse"


def warehouse_zone(session: Session) -> ZoneInfo:
    """``Warehouse.timezone`` of the (first) warehouse; UTC for an empty store.

    The one place the app reads the warehouse's zone: every time a person
    reads (screens, PDFs, CSVs, CLI lines) is converted with it. The row is
    read once per session (loading a parcel asked twice, a day ~600 times);
    it is the session's own object, so a zone changed in the session is seen,
    and a store with no warehouse yet is asked again.
    """
    row = session.info.get(WAREHOUSE_ROW)
    if row is None:
        row = session.exec(select(Warehouse).order_by(col(Warehouse.id)).limit(1)).first()
        if row is not None:
            session.info[WAREHOUSE_ROW] = row
    return zone_of(row)


def today(session: Session, now: datetime | None = None) -> date:
    """The warehouse's calendar date now."""
    return days.local_day(now or utcnow(), warehouse_zone(session))
