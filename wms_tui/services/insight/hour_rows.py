"""The event log's figures per UTC hour: the queries behind :mod:`metrics`.

Each query reads a period ``[start, end)`` set-based (one or two ``GROUP BY``
statements, never one per order or person) and buckets times by UTC hour in
SQL, so a few rows per person and hour come back, not the events; a ``split``
tells two parts of the period apart in the same statement. :class:`HourRows`
holds a period's rows, which add up across periods (:mod:`hour_cache` keeps
the settled past's). The statements themselves, built once per dialect, are
:mod:`hour_statements`; this module runs them and reads their rows.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy.sql.expression import Executable
from sqlmodel import Session

from wms_tui.domain.enums import EventKind
from wms_tui.services.insight.hour_statements import (
    FLOW_STAGES,
    cycle_statement,
    flow_statement,
    hour_expr,
    pack_statement,
    pick_since_statement,
    pick_statement,
    refused_statement,
)

K = EventKind
BUCKET_FORMAT = "%Y-%m-%d %H"
# How SQLite stores a UTC timestamp (UTCDateTime): text that sorts as the time does.
SQLITE_TS = "%Y-%m-%d %H:%M:%S.%f"


def hour_bucket(session: Session, column):  # noqa: ANN001, ANN201 - SQL expression in, out
    """A timestamp's UTC hour on either backend, as :func:`bucket_start` reads it."""
    return hour_expr(session.get_bind().dialect.name, column)


@functools.cache
def _built(dialect: str, build: Callable[[str], Executable]) -> Executable:
    """``build``'s statement for ``dialect``, built once: the period comes as bound values
    (``start``, ``end``, ``split``). Building and compiling these SQLAlchemy trees on
    every refresh cost more CPU than running most of them (a warm refresh at 100,000
    orders: about 12 ms of its per-hour step's 19)."""
    return build(dialect)


def run_built(session: Session, build: Callable[[str], Executable], **params: object) -> list:
    cx = session.connection()
    return cx.execute(_built(cx.dialect.name, build), params).all()


def bucket_start(value: str | datetime) -> datetime:
    """The aware UTC hour of an :func:`hour_bucket` value (PostgreSQL's naive UTC
    timestamp, SQLite's ``YYYY-MM-DD HH`` text)."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC)
    return _hour_of_text(value)


@functools.lru_cache(maxsize=4096)
def _hour_of_text(text: str) -> datetime:
    # A day has 24 of them and a refresh reads hundreds of rows: strptime() per row
    # was a few milliseconds of a cold refresh.
    return datetime.strptime(text, BUCKET_FORMAT).replace(tzinfo=UTC)


# --------------------------------------------------------------------------- queries


@dataclass
class HourRows:
    """The event log's figures of a period, one row per UTC hour and person.

    The rows of two periods that follow each other add up (a pick line counts
    once, in the period of its first unit, see :func:`hour_parts`), so the rows
    of the settled past can be kept and joined to the recent minutes':
    :mod:`hour_cache`. Two periods may share an hour: every reader sums rows of
    the same key.
    """

    flow: list[tuple[str, datetime, int]] = field(default_factory=list)  # stage, hour, n
    # op, name, hour, pick lines begun, units
    picks: list[tuple[int | None, str, datetime, int, int]] = field(default_factory=list)
    refused: list[tuple[int | None, str, datetime, int]] = field(default_factory=list)
    # op, name, kind, hour, units
    packs: list[tuple[int | None, str, str, datetime, int]] = field(default_factory=list)
    cycle: list[tuple[datetime, float]] = field(default_factory=list)  # hour, minutes

    def __add__(self, other: HourRows) -> HourRows:
        return HourRows(*(a + b for a, b in zip(self._columns(), other._columns(), strict=True)))

    def _columns(self) -> tuple[list, ...]:
        return (self.flow, self.picks, self.refused, self.packs, self.cycle)

    def compact(self) -> HourRows:
        """One row per key and hour, as one query over both periods would give (names
        by ``max``, as the queries pick them): kept rows stay as many as the day's
        hours and people, however often they are joined to fresh ones."""
        flow: dict[tuple, int] = defaultdict(int)
        for stage, hour, n in self.flow:
            flow[(stage, hour)] += n
        return HourRows(
            [(stage, hour, n) for (stage, hour), n in flow.items()],
            _merged(self.picks, key=(0, 2), name=1, sums=(3, 4)),
            _merged(self.refused, key=(0, 2), name=1, sums=(3,)),
            _merged(self.packs, key=(0, 2, 3), name=1, sums=(4,)),
            list(self.cycle),
        )


def _merged(rows: list[tuple], key: tuple[int, ...], name: int, sums: tuple[int, ...]) -> list:
    out: dict[tuple, list] = {}
    for row in rows:
        k = tuple(row[i] for i in key)
        have = out.get(k)
        if have is None:
            out[k] = list(row)
            continue
        have[name] = max(have[name] or "", row[name] or "") or row[name]
        for i in sums:
            have[i] += row[i]
    return [tuple(r) for r in out.values()]


def hour_parts(
    session: Session,
    start: datetime,
    end: datetime,
    split: datetime,
    lines_since: datetime | None = None,
) -> tuple[HourRows, HourRows]:
    """Every per-hour figure of ``[start, split)`` and of ``[split, end)``.

    ``lines_since`` (before ``start``) is where the caller's period really
    begins: a pick line with a unit in ``[lines_since, start)`` began there and
    is not counted again (its units still are). Each query reads the whole of
    ``[start, end)`` once and tells the parts apart by the event's time; the
    pick lines, whose units are summed in the hour of their first, are read in
    two parts, so the first part's rows hold nothing of the second's.
    """
    since = start if lines_since is None else lines_since
    split = min(max(split, start), end)
    before = pick_rows(session, start, split, since) if start < split else []
    after = pick_rows(session, split, end, since) if split < end else []
    flow, refused, packs, cycle = (
        flow_rows(session, start, end, split),
        refused_rows(session, start, end, split),
        pack_rows(session, start, end, split),
        cycle_rows(session, start, end, split),
    )
    return (
        HourRows(flow[0], before, refused[0], packs[0], cycle[0]),
        HourRows(flow[1], after, refused[1], packs[1], cycle[1]),
    )


def _parts(rows) -> tuple[list, list]:  # noqa: ANN001 - rows whose last column is the part
    out: tuple[list, list] = ([], [])
    for *row, part in rows:
        out[int(part)].append(tuple(row))
    return out


# A period up to this long has its flow counted hour by hour (below); a report's weeks
# are grouped as before (one count per stage and hour would be thousands).
RANGED = timedelta(hours=48)


def flow_rows(
    session: Session, start: datetime, end: datetime, split: datetime | None = None
) -> tuple[list, list]:
    states = {to: stage for stage, to in FLOW_STAGES}
    split = end if split is None else split
    if end - start <= RANGED:
        return _parts(
            (states[to_state], hour, n, p)
            for to_state, hour, n, p in _flow_ranges(session, start, end, split)
        )
    return _parts(
        (states[to_state], bucket_start(b), int(n), p)
        for to_state, b, n, p in run_built(
            session, flow_statement, start=start, end=end, split=split
        )
    )


def _flow_ranges(session: Session, start: datetime, end: datetime, split: datetime) -> list:
    """(to_state, UTC hour, orders, part) counted per stage and per stretch of
    ``[start, end)`` between whole UTC hours and ``split``: one range count each on
    ix_event_kind_cover (kind, to_state, at), which reads the entries in order and sorts
    nothing, where grouping by the hour's text put every status change of the period
    into a temporary B-tree (the day's 23,823 at 100,000 orders: 11.4 -> 2.1 ms on
    sqlite3; PostgreSQL's hash aggregate 46.9 -> 37.4 ms at load 17). Stretches with no
    events give no row, as the grouped statement gives none.
    """
    cuts = {start, end}
    if start < split < end:
        cuts.add(split)
    hour = start.astimezone(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    while hour < end:
        cuts.add(hour)
        hour += timedelta(hours=1)
    bounds = sorted(cuts)
    stretches = list(zip(bounds, bounds[1:], strict=False))
    if session.get_bind().dialect.name == "sqlite":
        params: dict[str, object] = {
            f"t{i}": at.astimezone(UTC).strftime(SQLITE_TS) for i, at in enumerate(bounds)
        }
        mark = ":t{}".format
    else:
        params = {f"t{i}": at.astimezone(UTC) for i, at in enumerate(bounds)}
        mark = "%(t{})s".format
    arms = [
        f"SELECT {s}, {i}, (SELECT count(*) FROM event WHERE kind = '{K.ORDER_STATUS.value}'"
        f" AND to_state = '{to}' AND at >= {mark(i)} AND at < {mark(i + 1)})"
        for s, (_, to) in enumerate(FLOW_STAGES)
        for i in range(len(stretches))
    ]
    out = []
    for s, i, n in session.connection().exec_driver_sql(" UNION ALL ".join(arms), params):
        if n:
            a = stretches[i][0].astimezone(UTC)
            out.append((FLOW_STAGES[s][1], a.replace(minute=0, second=0, microsecond=0), n,
                        int(a >= split)))  # fmt: skip
    return out


def pick_rows(
    session: Session, start: datetime, end: datetime, lines_since: datetime | None = None
) -> list:
    since = lines_since is not None and lines_since < start
    return [
        (op, name, bucket_start(b), int(lines or 0), int(units or 0))
        for op, name, b, lines, units in run_built(
            session,
            pick_since_statement if since else pick_statement,
            start=start,
            end=end,
            **({"since": lines_since} if since else {}),
        )
    ]


def refused_rows(
    session: Session, start: datetime, end: datetime, split: datetime | None = None
) -> tuple[list, list]:
    return _parts(
        (op, name, bucket_start(b), int(n), p)
        for op, name, b, n, p in run_built(
            session, refused_statement, start=start, end=end,
            split=end if split is None else split,
        )
    )  # fmt: skip


def pack_rows(
    session: Session, start: datetime, end: datetime, split: datetime | None = None
) -> tuple[list, list]:
    return _parts(
        (op, name, kind, bucket_start(b), int(units or 0), p)
        for op, name, kind, b, units, p in run_built(
            session, pack_statement, start=start, end=end,
            split=end if split is None else split,
        )
    )  # fmt: skip


def cycle_rows(
    session: Session, start: datetime, end: datetime, split: datetime | None = None
) -> tuple[list, list]:
    """The dispatches of ``[start, split)`` and ``[split, end)``.

    The minutes are worked out in SQL and the dispatch comes back as its hour's
    text: turning 3,000 pairs of timestamps into datetimes took SQLite most of
    this query's 25 ms CPU at 100,000 orders. The order's creation is a scalar
    subquery, one primary-key lookup per dispatch: as a join, PostgreSQL hashed
    all 100,000 orders for today's 3,000 dispatches.
    """
    hours: dict[str, datetime] = {}
    out: tuple[list, list] = ([], [])
    for b, m, p in run_built(
        session, cycle_statement, start=start, end=end, split=end if split is None else split
    ):
        if m is None:  # the order row is gone: nothing to measure from
            continue
        hour = hours.get(b) or hours.setdefault(b, bucket_start(b))
        out[int(p)].append((hour, max(0.0, float(m))))
    return out
