"""Today's per-hour figures of the settled past, kept between refreshes of one store.

The event log is append-only and every event carries the time its unit of
work began (:func:`wms_tui.domain.clock.one_instant`), so a stretch of time
stops changing once the transactions begun in it have committed. A live
dashboard (the TUI refreshes every few seconds) keeps the
:class:`~wms_tui.services.insight.hour_rows.HourRows` of today up to ``SETTLE``
before now and asks the store only for the rest: the last ``SETTLE`` and the
time since the last refresh. The first refresh of a store or of a day pays
the whole day. The kept rows end at any instant, not at an hour: the rows of
the hour they end in are summed with the fresh ones by every reader.

Writers that stamp the past anyway (the demo's seed and replay, a test's
clock, another process importing history) are caught by the events added
since the rows were kept: one earlier than the kept time drops them. On
PostgreSQL an id is drawn at insert, not at commit, so a transaction still
open after ``SETTLE`` could slip under that check: none runs that long.

The kept rows also go into the store (:class:`~wms_tui.domain.models.InsightKept`,
one row per day, rewritten at most every ``STORE_EVERY``), so the first refresh
of a dashboard started later in the day (a restart, another supervisor's
terminal) reads them and only the events after them, checked as above, instead
of the whole day: at 100,000 orders the day was 30,000 picks and status
changes grouped per person and hour (docs/insight.md, Kept hours).
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from weakref import WeakKeyDictionary

from sqlalchemy import delete, func
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, col, select

from wms_tui.domain.errors import StoreError
from wms_tui.domain.models import Event, InsightKept
from wms_tui.services.insight.hour_rows import HourRows, hour_parts
from wms_tui.store import Store, retrying

# Longer than any unit of work: a moment is kept once it is this long ago.
SETTLE = timedelta(minutes=10)
# How far the kept rows move on before they are written to the store again: a
# dashboard started later reads at most this much more of the log than a live one.
STORE_EVERY = timedelta(minutes=5)


@dataclass(frozen=True)
class _Kept:
    day_start: datetime
    until: datetime  # the rows are those of [day_start, until)
    rows: HourRows
    last_id: int  # the newest event seen when they were read


_kept: WeakKeyDictionary[Store, _Kept] = WeakKeyDictionary()
# How far the store's copy of the kept rows reaches, as far as this process knows.
_written: WeakKeyDictionary[Store, datetime] = WeakKeyDictionary()
_lock = threading.Lock()


def today(
    store: Store, session: Session, day_start: datetime, end: datetime, now: datetime
) -> HourRows:
    """The rows of ``[day_start, end)``: kept hours from memory, the rest from ``session``."""
    settled = max(day_start, min(now, end) - SETTLE)
    last_id = session.exec(select(func.max(Event.id))).one() or 0
    with _lock:
        kept = _kept.get(store)
    if kept is None or kept.day_start != day_start:
        kept = _stored(store, session, day_start) or kept
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
    """Drop the rows kept in this process (those in the store stay)."""
    with _lock:
        _kept.pop(store, None)
        _written.pop(store, None)


@retrying
def forget_everywhere(store: Store) -> None:
    """Drop the kept rows of this process and of the store: the next refresh reads
    the whole day from the event log."""
    forget(store)
    with store.unit_of_work() as uow:
        uow.session.execute(delete(InsightKept))
        uow.commit()


def store_kept(store: Store) -> None:
    """Write this process's kept rows to the store when they have moved on by
    ``STORE_EVERY`` since last written or read there. Called after a refresh's read,
    in a write transaction of its own. A cache: when the write fails (the store busy,
    another dashboard writing the same day at the same moment) the refresh's numbers
    stand and the next refresh tries again."""
    with _lock:
        kept = _kept.get(store)
        written = _written.get(store)
    if kept is None or (written is not None and kept.until - written < STORE_EVERY):
        return
    rows = _dumps(kept.rows)
    try:
        with store.unit_of_work() as uow:
            s = uow.session
            # Other days' rows are never read again.
            s.execute(delete(InsightKept).where(col(InsightKept.day_start) != kept.day_start))
            have = s.get(InsightKept, kept.day_start)
            if have is None:
                s.add(InsightKept(day_start=kept.day_start, until=kept.until,
                                  last_id=kept.last_id, rows=rows))  # fmt: skip
            elif _aware(have.until) < kept.until:
                have.until, have.last_id, have.rows = kept.until, kept.last_id, rows
                s.add(have)
            uow.commit()
    except (SQLAlchemyError, StoreError):
        return
    with _lock:
        _written[store] = kept.until


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


def _stored(store: Store, session: Session, day_start: datetime) -> _Kept | None:
    """The store's kept rows of the day (None: none, or not in this version's format)."""
    row = session.get(InsightKept, day_start)
    if row is None:
        return None
    try:
        rows = _loads(row.rows)
    except (ValueError, KeyError, TypeError, IndexError):
        return None
    until = _aware(row.until)
    with _lock:
        _written[store] = until
    return _Kept(day_start, until, rows, row.last_id)


def _aware(at: datetime) -> datetime:
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)


FORMAT = 1  # of the JSON below; rows of another format are read from the log again


def _dumps(rows: HourRows) -> str:
    """The rows as JSON, each hour written once and named by its place in ``hours``."""
    hours: dict[datetime, int] = {}

    def h(at: datetime) -> int:
        return hours.setdefault(at, len(hours))

    cycle: dict[int, list[float]] = {}
    for at, minutes in rows.cycle:
        cycle.setdefault(h(at), []).append(minutes)
    body = {
        "format": FORMAT,
        "flow": [[stage, h(at), n] for stage, at, n in rows.flow],
        "picks": [[op, name, h(at), lines, units] for op, name, at, lines, units in rows.picks],
        "refused": [[op, name, h(at), n] for op, name, at, n in rows.refused],
        "packs": [[op, name, str(kind), h(at), n] for op, name, kind, at, n in rows.packs],
        "cycle": [[i, m] for i, m in cycle.items()],
    }
    body["hours"] = [at.isoformat() for at in hours]
    return json.dumps(body, separators=(",", ":"))


def _loads(text: str) -> HourRows:
    body = json.loads(text)
    if body["format"] != FORMAT:
        raise ValueError(f"kept rows in format {body['format']}")
    hours = [_aware(datetime.fromisoformat(at)) for at in body["hours"]]
    return HourRows(
        [(stage, hours[i], n) for stage, i, n in body["flow"]],
        [(op, name, hours[i], lines, units) for op, name, i, lines, units in body["picks"]],
        [(op, name, hours[i], n) for op, name, i, n in body["refused"]],
        [(op, name, kind, hours[i], n) for op, name, kind, i, n in body["packs"]],
        [(hours[i], m) for i, ms in body["cycle"] for m in ms],
    )
