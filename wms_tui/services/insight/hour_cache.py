"""Today's per-hour figures of the settled past, kept between refreshes of one store.

The event log is append-only and every event carries the time its unit of
work began (:func:`wms_tui.domain.clock.one_instant`), so a stretch of time
stops changing once the transactions begun in it have committed. A live
dashboard (the TUI refreshes every few seconds) keeps the
:class:`~wms_tui.services.insight.metrics.HourRows` of today up to ``SETTLE``
before now and asks the store only for the rest: the last ``SETTLE`` and the
time since the last refresh. The first refresh of a store or of a day pays
the whole day. The kept rows end at any instant, not at an hour: the rows of
the hour they end in are summed with the fresh ones by every reader.

Writers that stamp the past anyway (the demo's seed and replay, a test's
clock, another process importing history) are caught by the events added
since the rows were kept: one earlier than the kept time drops them. On
PostgreSQL an id is drawn at insert, not at commit, so a transaction still
open after ``SETTLE`` could slip under that check: none runs that long.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from weakref import WeakKeyDictionary

from sqlalchemy import func
from sqlmodel import Session, col, select

from wms_tui.domain.models import Event
from wms_tui.services.insight.metrics import HourRows, hour_parts
from wms_tui.store import Store

# Longer than any unit of work: a moment is kept once it is this long ago.
SETTLE = timedelta(minutes=10)


@dataclass(frozen=True)
class _Kept:
    day_start: datetime
    until: datetime  # the rows are those of [day_start, until)
    rows: HourRows
    last_id: int  # the newest event seen when they were read


_kept: WeakKeyDictionary[Store, _Kept] = WeakKeyDictionary()
_lock = threading.Lock()


def today(
    store: Store, session: Session, day_start: datetime, end: datetime, now: datetime
) -> HourRows:
    """The rows of ``[day_start, end)``: kept hours from memory, the rest from ``session``."""
    settled = max(day_start, min(now, end) - SETTLE)
    last_id = session.exec(select(func.max(Event.id))).one() or 0
    with _lock:
        kept = _kept.get(store)
    if kept is not None and not _still_true(session, kept, day_start, settled, last_id):
        kept = None
    start = kept.until if kept else day_start
    closed, fresh = hour_parts(session, start, end, settled, lines_since=day_start)
    if kept:
        closed = kept.rows + closed
    closed = closed.compact()
    with _lock:
        _kept[store] = _Kept(day_start, settled, closed, last_id)
    return (closed + fresh).compact()


def forget(store: Store) -> None:
    with _lock:
        _kept.pop(store, None)


def _still_true(
    session: Session, kept: _Kept, day_start: datetime, settled: datetime, last_id: int
) -> bool:
    """Whether ``kept`` holds hours of this day up to no later than ``settled``, and
    no event added since it was read falls in them."""
    if kept.day_start != day_start or kept.until > settled:
        return False
    if last_id == kept.last_id:
        return True
    oldest = session.exec(select(func.min(Event.at)).where(col(Event.id) > kept.last_id)).one()
    return oldest is None or oldest >= kept.until
