"""The warehouse's own clock: its timezone and today's date there."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from wms_tui.domain import shipping_days as days
from wms_tui.domain.clock import utcnow
from wms_tui.domain.models import Warehouse


def warehouse_zone(session: Session) -> ZoneInfo:
    """``Warehouse.timezone`` of the (first) warehouse; UTC for an empty store."""
    wh = session.exec(select(Warehouse).order_by(col(Warehouse.id))).first()
    return days.zone(wh.timezone if wh else "UTC")


def today(session: Session, now: datetime | None = None) -> date:
    """The warehouse's calendar date now."""
    return days.local_day(now or utcnow(), warehouse_zone(session))
