"""One clock for the whole app.

Times are timezone-aware UTC. SQLModel's UTCDateTime stores them as UTC and
hands them back aware on SQLite and PostgreSQL alike, so comparisons never mix
naive and aware values. Tests freeze time by calling :func:`set_clock`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

_clock: Callable[[], datetime] | None = None


def utcnow() -> datetime:
    if _clock is not None:
        return _clock()
    return datetime.now(UTC).replace(microsecond=0)


def set_clock(clock: Callable[[], datetime] | None) -> None:
    """Replace the clock (tests); ``None`` restores the real one."""
    global _clock
    _clock = clock
