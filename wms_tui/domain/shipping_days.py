"""Dates and cut-offs on the warehouse's wall clock.

Times are stored in UTC, but a courier's cut-off ("PostNord leaves at 17:00")
and "today" are local to the warehouse, so they are worked out in the
warehouse's timezone (``Warehouse.timezone``) and turned back into UTC for
comparisons. Pure functions, no I/O.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def zone(name: str) -> ZoneInfo:
    """The warehouse timezone; an unknown name falls back to UTC rather than crash."""
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def local_day(now: datetime, tz: ZoneInfo) -> date:
    """The warehouse's calendar date at ``now``."""
    return now.astimezone(tz).date()


def day_bounds(day: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """[start, end) of a local calendar day, in UTC (23 or 25 h long on DST days)."""
    start = datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz).astimezone(UTC)
    return start, end


def cutoff_at(day: date, cutoff: time, tz: ZoneInfo) -> datetime:
    """A local cut-off time on ``day`` as an aware UTC datetime."""
    return datetime.combine(day, cutoff, tzinfo=tz).astimezone(UTC)


def is_working_day(day: date) -> bool:
    """Couriers deliver Monday to Friday; holidays are not modelled."""
    return day.weekday() < 5


def add_working_days(day: date, days: int) -> date:
    """``day`` plus ``days`` working days (a Friday + 1 is the Monday)."""
    out = day
    left = max(0, days)
    while left:
        out += timedelta(days=1)
        if is_working_day(out):
            left -= 1
    return out


def next_working_day(day: date) -> date:
    return add_working_days(day, 1)


def expected_delivery(ship_day: date, transit_days: int) -> date:
    """Delivery date for a parcel handed over on ``ship_day``.

    Transit days are counted in working days after the hand-over day, so a
    2-day service handed over on Friday arrives on Tuesday.
    """
    return add_working_days(ship_day, transit_days)


def local_time(at: datetime | None, tz: ZoneInfo, fmt: str = "%H:%M") -> str:
    """An aware UTC time shown on the warehouse clock ("" for none)."""
    return at.astimezone(tz).strftime(fmt) if at is not None else ""


def duration_text(minutes: float) -> str:
    """Short duration for narrow screens: ``45m``, ``2h05``, ``3d4h``."""
    m = int(abs(minutes))
    sign = "-" if minutes < 0 else ""
    if m < 60:
        return f"{sign}{m}m"
    if m < 24 * 60:
        return f"{sign}{m // 60}h{m % 60:02d}"
    return f"{sign}{m // (24 * 60)}d{(m % (24 * 60)) // 60}h"
