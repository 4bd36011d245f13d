"""One clock for the whole app.

Times are timezone-aware UTC. SQLModel's UTCDateTime stores them as UTC and
hands them back aware on SQLite and PostgreSQL alike, so comparisons never mix
naive and aware values. Tests freeze time by calling :func:`set_clock`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
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


@contextmanager
def pinned(at: datetime) -> Iterator[Callable[[datetime], None]]:
    """Run the block as if it were ``at``; the function it yields sets the time.

    For replaying past days through the services (the demo's history). The
    clock is process-wide, so nothing else may run meanwhile; whatever clock
    was set before (a test's) is back afterwards.
    """
    global _clock
    before = _clock
    now = [at.astimezone(UTC).replace(microsecond=0)]

    def move(to: datetime) -> None:
        now[0] = to.astimezone(UTC).replace(microsecond=0)

    _clock = lambda: now[0]  # noqa: E731 - the smallest closure over ``now``
    try:
        yield move
    finally:
        _clock = before
