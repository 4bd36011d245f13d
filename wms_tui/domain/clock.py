"""One clock for the whole app.

Times are timezone-aware UTC. SQLModel's UTCDateTime stores them as UTC and
hands them back aware on SQLite and PostgreSQL alike, so comparisons never mix
naive and aware values. Tests freeze time by calling :func:`set_clock`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime

_clock: Callable[[], datetime] | None = None
# The instant of the write transaction running in this thread (or task), if any.
_instant: ContextVar[datetime | None] = ContextVar("wms_transaction_instant", default=None)


def utcnow() -> datetime:
    # A clock set on purpose (a test's, the demo's replay) is the authority, even
    # inside a transaction: a hand-built history moves it between rows it writes.
    if _clock is not None:
        return _clock()
    instant = _instant.get()
    if instant is not None:
        return instant
    return _real_now()


def _real_now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


@contextmanager
def one_instant() -> Iterator[datetime]:
    """Everything written in the block happens at one time, as in a transaction.

    A unit of work runs in this: the pack-scan row and its event, a stock
    movement and its pick event, carry the same timestamp, so two readers that
    count the same work from different tables over a window ``[start, now)``
    can never disagree by a row whose halves fell either side of a second.
    Nested blocks keep the outer instant. A clock set with :func:`set_clock` or
    :func:`pinned` still wins: it moves only when its owner moves it.
    """
    outer = _instant.get()
    if outer is not None:
        yield outer
        return
    token = _instant.set(_real_now())
    try:
        yield _instant.get()  # type: ignore[misc]
    finally:
        _instant.reset(token)


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
