"""Running a use case again when its transaction lost a race to another terminal.

``@retrying`` wraps every write use case (``tests/store/test_every_write_retries.py``
checks): a deadlock, a serialization failure, a lock wait, a unique-key race or
SQLite's "database is locked" rolls the unit of work back and the whole use case
runs again, up to ``MAX_ATTEMPTS``; then ``StoreBusy``, one line, nothing changed.
"""

from __future__ import annotations

import contextvars
import functools
import random
import time
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from sqlalchemy.exc import DBAPIError, OperationalError

from wms_tui.domain.errors import StoreBusy

# PostgreSQL SQLSTATEs of a transaction that lost a race and may simply be run
# again: deadlock_detected, serialization_failure, lock_not_available, and
# unique_violation (two terminals inserting the same natural key at once under
# READ COMMITTED: the loser's retry sees the winner's row and takes the
# "already there" path). Identifiers are numbered without such races (see
# services/core/counters.py); this is the net under whatever is left.
_RETRY_SQLSTATES = frozenset({"40P01", "40001", "55P03", "23505"})
MAX_ATTEMPTS = 6
_P = ParamSpec("_P")
_R = TypeVar("_R")
_retried = 0  # attempts rerun in this process (the load benchmark reports them)
_retrying_now: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "wms_retrying_now", default=False
)


def is_transient(exc: BaseException) -> bool:
    """A database error that another terminal caused and a rerun may not meet."""
    if not isinstance(exc, DBAPIError):
        return False
    orig = exc.orig
    state = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    if state in _RETRY_SQLSTATES:
        return True
    # SQLite: busy_timeout ran out while another process held the write lock.
    return isinstance(exc, OperationalError) and "database is locked" in str(orig)


def retrying(fn: Callable[_P, _R]) -> Callable[_P, _R]:
    """Run the use case ``fn`` again when its transaction lost a race.

    Every write use case is one function around one (or a few) units of work
    whose effects are only in the database, so running it again from the top
    is safe: the failed attempt was rolled back by the unit of work. After
    ``MAX_ATTEMPTS`` it raises :class:`StoreBusy` (one line, nothing changed).
    A use case called by another one inside the retry runs once: the outer
    one reruns both.
    """

    @functools.wraps(fn)
    def run(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        if _retrying_now.get():
            return fn(*args, **kwargs)
        token = _retrying_now.set(True)
        try:
            for attempt in range(1, MAX_ATTEMPTS + 1):
                try:
                    return fn(*args, **kwargs)
                except DBAPIError as exc:
                    if not is_transient(exc):
                        raise
                    if attempt == MAX_ATTEMPTS:
                        raise StoreBusy(
                            f"The store is busy: other terminals kept changing the same "
                            f"records ({attempt} tries); nothing was changed, try again"
                        ) from exc
                global _retried
                _retried += 1
                # Jittered, growing pause so the terminals that collided do not
                # collide again in step.
                time.sleep(random.uniform(0.005, 0.02) * 2**attempt)
            raise AssertionError("unreachable")  # pragma: no cover
        finally:
            _retrying_now.reset(token)

    return run


def retries_so_far() -> int:
    """How many attempts this process has rerun after losing a race."""
    return _retried
