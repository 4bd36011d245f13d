"""The shift's numbers, read set-based from the event log and the orders.

Every function takes an open session and a period ``[start, end)`` in UTC and
runs one or two ``GROUP BY`` queries (never one query per order or person);
the rules they feed are in :mod:`rules`. Times are bucketed by UTC hour in SQL
(a few rows per person and hour come back, not the events), and the caller
turns buckets into local hours or days on the warehouse's clock.

Who did what comes from the event log (names copied into each row, so a
report reads the same after a rename):

* a **pick line** is one order's SKU from one bin (``pick.unit`` events of one
  person with the same order, SKU and bin), counted in the hour of its first
  unit; **pick units** are the units of those events;
* **pack units** are the units of ``pack.scan`` minus the units of
  ``pack.undo`` (scans taken back); **QC catches** the units of ``qc.fail``;
* **refused scans** are the wrong scans a pack station or handheld refused
  (``pack.refused``, ``pick.refused``: an item not in the order, one too
  many, an unknown code, the wrong bin or tote), one event per scan;
* **returns caused by packing** are returned units booked in the period whose
  reason's cause is PACK, charged to every person who scanned that SKU into
  that order at a pack station (two packers on one line are both "involved");
* **cycle time** runs from the order's creation in the shop (orders arrive
  paid) to its ``order.status`` → DISPATCHED event in the period.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import and_, case, func, literal
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from wms_tui.domain.enums import EventKind, OrderStatus, ReasonCause
from wms_tui.domain.models import (
    Event,
    Order,
    OrderLine,
    ReturnLine,
    ReturnReason,
    ReturnReceipt,
)
from wms_tui.services.insight import rules

S = OrderStatus
K = EventKind
# The stages an order reaches during a shift, as its order.status events say.
FLOW_STAGES: tuple[tuple[str, str], ...] = (
    ("released", S.READY_TO_PICK.value),
    ("picked", S.PICKED.value),
    ("packed", S.PACKED.value),
    ("dispatched", S.DISPATCHED.value),
)
BUCKET_FORMAT = "%Y-%m-%d %H"
# Work events (picks, pack scans) change no status, so their ``to_state`` is
# always empty (it holds status changes only, since migration 0004). Saying so
# lets both backends seek the ``(kind, to_state, at, …)`` index to the period's
# rows of one kind instead of reading every event of the day (at 20,000
# orders the packers' query went from 39 to 1.3 ms; docs/insight.md).
NO_STATUS = ""
# Ids per IN (...) list: well inside every backend's limit on bound parameters.
IN_CHUNK = 500


def hour_bucket(session: Session, column):  # noqa: ANN001, ANN201 - SQL expression in, out
    """A timestamp's UTC hour on either backend, as :func:`bucket_start` reads it."""
    if session.get_bind().dialect.name == "postgresql":
        # The hour as a timestamp: to_char() formatted every row as text, which
        # Python then parsed back (flow per hour, 23,800 rows at 100,000 orders).
        return func.date_trunc("hour", func.timezone("UTC", column))
    # SQLite stores UTC as "YYYY-MM-DD HH:MM:SS.ffffff": the hour is its first 13
    # characters. substr() copies them; strftime() would parse every row's date
    # (flow per hour, 26,000 rows at 100,000 orders: 15 -> 9 ms CPU).
    return func.substr(column, 1, 13)


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


# --------------------------------------------------------------------------- results


@dataclass
class PersonWork:
    """One person's picking or packing in the period."""

    operator_id: int | None
    name: str
    role: str  # "pick" or "pack"
    count: int = 0  # pick lines, or pack units
    units: int = 0
    refused: int = 0  # wrong scans refused at the station or handheld
    undone: int = 0  # pack: units taken back
    qc: int = 0  # pack: units caught at QC
    returned: int = 0  # pack: returned units caused by packing, on lines they scanned
    hours: dict[datetime, int] = field(default_factory=dict)  # UTC hour -> count

    @property
    def active_hours(self) -> int:
        return len(self.hours)

    @property
    def per_hour(self) -> float | None:
        return rules.per_hour(self.count, self.active_hours)

    @property
    def refused_per_1000(self) -> float | None:
        return rules.per_thousand(self.refused, self.units)

    @property
    def wrong_scans(self) -> int:
        """Refused at the station, plus taken back after they got through."""
        return self.refused + self.undone

    @property
    def wrong_per_1000(self) -> float | None:
        return rules.per_thousand(self.wrong_scans, self.units)

    @property
    def undone_per_1000(self) -> float | None:
        return rules.per_thousand(self.undone, self.units)

    @property
    def qc_per_1000(self) -> float | None:
        return rules.per_thousand(self.qc, self.units)

    @property
    def returned_per_1000(self) -> float | None:
        return rules.per_thousand(self.returned, self.units)

    @property
    def errors_per_1000(self) -> float | None:
        return rules.per_thousand(self.refused + self.undone + self.qc + self.returned, self.units)


@dataclass(frozen=True)
class CycleTimes:
    minutes: tuple[float, ...]  # one per order dispatched in the period

    @property
    def n(self) -> int:
        return len(self.minutes)

    @property
    def p50(self) -> float | None:
        return rules.percentile(self.minutes, 50)

    @property
    def p90(self) -> float | None:
        return rules.percentile(self.minutes, 90)


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
    before = _pick_rows(session, start, split, since) if start < split else []
    after = _pick_rows(session, split, end, since) if split < end else []
    flow, refused, packs, cycle = (
        _flow_rows(session, start, end, split),
        _refused_rows(session, start, end, split),
        _pack_rows(session, start, end, split),
        _cycle_rows(session, start, end, split),
    )
    return (
        HourRows(flow[0], before, refused[0], packs[0], cycle[0]),
        HourRows(flow[1], after, refused[1], packs[1], cycle[1]),
    )


def _part(split: datetime | None):  # noqa: ANN202 - SQL expression
    """0 for an event before ``split``, 1 from it on (all 0 without a split)."""
    return literal(0) if split is None else case((Event.at >= split, 1), else_=0)


def _parts(rows) -> tuple[list, list]:  # noqa: ANN001 - rows whose last column is the part
    out: tuple[list, list] = ([], [])
    for *row, part in rows:
        out[int(part)].append(tuple(row))
    return out


def flow_by_hour(
    session: Session, start: datetime, end: datetime
) -> dict[str, dict[datetime, int]]:
    """Orders reaching each flow stage, per UTC hour: stage -> hour -> orders."""
    return flow_of(_flow_rows(session, start, end)[0])


def flow_of(rows: list[tuple[str, datetime, int]]) -> dict[str, dict[datetime, int]]:
    out: dict[str, dict[datetime, int]] = {stage: {} for stage, _ in FLOW_STAGES}
    for stage, hour, n in rows:
        out[stage][hour] = out[stage].get(hour, 0) + n
    return out


def _flow_rows(
    session: Session, start: datetime, end: datetime, split: datetime | None = None
) -> tuple[list, list]:
    states = {to: stage for stage, to in FLOW_STAGES}
    bucket, part = hour_bucket(session, Event.at), _part(split)
    return _parts(
        (states[to_state], bucket_start(b), int(n), p)
        for to_state, b, n, p in session.connection()
        .execute(
            select(Event.to_state, bucket, func.count(), part)
            .where(
                Event.kind == K.ORDER_STATUS,
                col(Event.to_state).in_(list(states)),
                Event.at >= start,
                Event.at < end,
            )
            .group_by(Event.to_state, bucket, part)
        )
        .all()
    )


def pickers(session: Session, start: datetime, end: datetime) -> list[PersonWork]:
    return pickers_of(_pick_rows(session, start, end), _refused_rows(session, start, end)[0])


def pickers_of(picks: list, refused: list) -> list[PersonWork]:
    people: dict[int | None, PersonWork] = {}
    # earliest hour first: a person's name is the one of their first hour
    for op, name, hour, lines, units in sorted(picks, key=lambda r: r[2]):
        p = people.setdefault(op, PersonWork(op, name or "?", "pick"))
        p.count += lines
        p.units += units
        if lines:
            p.hours[hour] = p.hours.get(hour, 0) + lines
    for op, name, _, n in sorted(refused, key=lambda r: r[2]):
        people.setdefault(op, PersonWork(op, name or "?", "pick")).refused += n
    return _ranked(people.values())


def _pick_rows(
    session: Session, start: datetime, end: datetime, lines_since: datetime | None = None
) -> list:
    begun = literal(1)
    if lines_since is not None and lines_since < start:
        # A line (one person, order, SKU and bin) with a unit earlier in the period
        # began there. Asked per line of [start, end) through ix_event_order_at, but only
        # for lines whose order had a pick earlier: those orders are read once from the
        # covering (kind, to_state, at, …) index and looked up per line (a hashed
        # subplan / ephemeral index). Asking every line cost a lookup of each of its
        # order's events in the period (CPU at 100,000 orders, the last hour of a live
        # refresh: SQLite 19-22 -> 16-19 ms; docs/insight.md).
        e, earlier = aliased(Event), aliased(Event)
        picked_before = select(earlier.order_id).where(
            earlier.kind == K.PICK_UNIT,
            earlier.to_state == NO_STATUS,
            earlier.at >= lines_since,
            earlier.at < start,
        )
        begun = case(
            (
                and_(
                    col(Event.order_id).in_(picked_before),
                    select(e.id)
                    .where(
                        e.order_id == Event.order_id,
                        e.at >= lines_since,
                        e.at < start,
                        e.kind == K.PICK_UNIT,
                        e.to_state == NO_STATUS,
                        col(e.operator_id).is_not_distinct_from(Event.operator_id),
                        e.sku == Event.sku,
                        e.from_location == Event.from_location,
                    )
                    .exists(),
                ),
                0,
            ),
            else_=1,
        )
    line = (
        select(
            Event.operator_id.label("op"),  # type: ignore[union-attr]
            func.max(Event.operator_name).label("name"),
            func.min(Event.at).label("first"),
            func.sum(Event.qty).label("units"),
            begun.label("begun"),
        )
        .where(
            Event.kind == K.PICK_UNIT,
            Event.to_state == NO_STATUS,
            Event.at >= start,
            Event.at < end,
        )
        .group_by(Event.operator_id, Event.order_id, Event.sku, Event.from_location)
        .subquery()
    )
    bucket = hour_bucket(session, line.c.first)
    return [
        (op, name, bucket_start(b), int(lines or 0), int(units or 0))
        for op, name, b, lines, units in session.connection().execute(
            select(
                line.c.op, func.max(line.c.name), bucket, func.sum(line.c.begun),
                func.sum(line.c.units),
            ).group_by(line.c.op, bucket)
        ).all()
    ]  # fmt: skip


def _refused_rows(
    session: Session, start: datetime, end: datetime, split: datetime | None = None
) -> tuple[list, list]:
    bucket, part = hour_bucket(session, Event.at), _part(split)
    return _parts(
        (op, name, bucket_start(b), int(n), p)
        for op, name, b, n, p in session.connection()
        .execute(
            select(Event.operator_id, func.max(Event.operator_name), bucket, func.count(), part)
            .where(
                Event.kind == K.PICK_REFUSED,
                Event.to_state == NO_STATUS,
                Event.at >= start,
                Event.at < end,
            )
            .group_by(Event.operator_id, bucket, part)
        )
        .all()
    )


def packers(session: Session, start: datetime, end: datetime) -> list[PersonWork]:
    return packers_of(session, _pack_rows(session, start, end)[0], start, end)


def _pack_rows(
    session: Session, start: datetime, end: datetime, split: datetime | None = None
) -> tuple[list, list]:
    bucket, part = hour_bucket(session, Event.at), _part(split)
    return _parts(
        (op, name, kind, bucket_start(b), int(units or 0), p)
        for op, name, kind, b, units, p in session.connection()
        .execute(
            select(
                Event.operator_id,
                func.max(Event.operator_name),
                Event.kind,
                bucket,
                # pack.undo rows carry the units taken back as a negative quantity
                func.sum(func.abs(Event.qty)),
                part,
            )
            .where(
                col(Event.kind).in_((K.PACK_SCAN, K.PACK_UNDO, K.QC_FAIL, K.PACK_REFUSED)),
                Event.to_state == NO_STATUS,
                Event.at >= start,
                Event.at < end,
            )
            .group_by(Event.operator_id, Event.kind, bucket, part)
        )
        .all()
    )


def packers_of(session: Session, rows: list, start: datetime, end: datetime) -> list[PersonWork]:
    """People's packing from :func:`_pack_rows`, with the returns booked in ``[start, end)``."""
    people: dict[int | None, PersonWork] = {}
    # A person's name is the one of their first row in (kind, hour) order.
    for op, name, kind, hour, n in sorted(rows, key=lambda r: (r[2], r[3])):
        p = people.setdefault(op, PersonWork(op, name or "?", "pack"))
        if kind == K.PACK_SCAN:
            p.units += n
            p.hours[hour] = p.hours.get(hour, 0) + n
        elif kind == K.PACK_UNDO:
            p.undone += n
            p.hours[hour] = p.hours.get(hour, 0) - n
        elif kind == K.PACK_REFUSED:
            p.refused += n
        else:
            p.qc += n
    for p in people.values():
        p.units -= p.undone  # net: what stayed in the parcel
        p.count = p.units
        p.hours = {h: n for h, n in p.hours.items() if n > 0}
    for op, units in packing_returns(session, start, end).items():
        if op in people:
            people[op].returned = units
        else:  # returns booked now for work packed before the period
            name = _operator_name(session, op)
            people[op] = PersonWork(op, name, "pack", returned=units)
    return _ranked(people.values())


def packing_returns(session: Session, start: datetime, end: datetime) -> dict[int | None, int]:
    """Returned units caused by packing, booked in the period, per packer of the line.

    Two steps, so the cost follows the period's returns, never the history of
    pack scans: the period's returned lines with a packing cause, then the
    pack scans of just those orders (by order id, the ``(order_id, at)``
    index). As one join, SQLite's planner could start from every pack scan
    on record instead (a covering index on the kind looks cheap to it: 3 ->
    118 ms CPU at 100,000 orders).
    """
    returned = session.exec(
        select(ReturnLine.id, ReturnLine.qty, OrderLine.order_id, OrderLine.sku)
        .join(ReturnReceipt, col(ReturnReceipt.id) == ReturnLine.return_id)
        .join(ReturnReason, col(ReturnReason.code) == ReturnLine.reason_code)
        .join(OrderLine, col(OrderLine.id) == ReturnLine.order_line_id)
        .where(
            ReturnReason.cause == ReasonCause.PACK.value,
            ReturnReceipt.at >= start,
            ReturnReceipt.at < end,
        )
    ).all()
    if not returned:
        return {}
    packers_of: dict[tuple[int, str], set[int | None]] = defaultdict(set)
    order_ids = sorted({oid for _, _, oid, _ in returned})
    for i in range(0, len(order_ids), IN_CHUNK):
        # The kind is checked here, not in SQL: with ``kind = 'pack.scan'`` in the query
        # SQLite chose to read every pack scan on record from the covering kind
        # index over these orders' few events each.
        for op, oid, sku, kind in session.exec(
            select(Event.operator_id, Event.order_id, Event.sku, Event.kind).where(
                col(Event.order_id).in_(order_ids[i : i + IN_CHUNK])
            )
        ).all():
            if kind == K.PACK_SCAN:
                packers_of[(oid, sku)].add(op)  # type: ignore[index]
    units: dict[int | None, int] = defaultdict(int)
    # every packer who scanned the SKU into the order is charged the line's units once
    for _, qty, oid, sku in returned:
        for op in packers_of.get((oid, sku), ()):
            units[op] += qty
    return dict(units)


def cycle_times(session: Session, start: datetime, end: datetime) -> list[tuple[datetime, float]]:
    """(the UTC hour dispatched, minutes since the order was created) per dispatch in
    the period (:func:`_cycle_rows`)."""
    return _cycle_rows(session, start, end)[0]


def _cycle_rows(
    session: Session, start: datetime, end: datetime, split: datetime | None = None
) -> tuple[list, list]:
    """The dispatches of ``[start, split)`` and ``[split, end)``.

    The minutes are worked out in SQL and the dispatch comes back as its hour's
    text: turning 3,000 pairs of timestamps into datetimes took SQLite most of
    this query's 25 ms CPU at 100,000 orders. The order's creation is a scalar
    subquery, one primary-key lookup per dispatch: as a join, PostgreSQL hashed
    all 100,000 orders for today's 3,000 dispatches.
    """
    created = select(Order.created_at).where(col(Order.id) == Event.order_id).scalar_subquery()
    if session.get_bind().dialect.name == "postgresql":
        minutes = func.extract("epoch", Event.at - created) / 60.0
    else:
        minutes = (func.julianday(Event.at) - func.julianday(created)) * 1440.0
    bucket, part = hour_bucket(session, Event.at), _part(split)
    hours: dict[str, datetime] = {}
    out: tuple[list, list] = ([], [])
    for b, m, p in (
        session.connection()
        .execute(
            select(bucket, minutes, part).where(
                Event.kind == K.ORDER_STATUS,
                Event.to_state == S.DISPATCHED.value,
                Event.at >= start,
                Event.at < end,
            )
        )
        .all()
    ):
        if m is None:  # the order row is gone: nothing to measure from
            continue
        hour = hours.get(b) or hours.setdefault(b, bucket_start(b))
        out[int(p)].append((hour, max(0.0, float(m))))
    return out


def _operator_name(session: Session, op: int | None) -> str:
    from wms_tui.domain.models import Operator

    row = session.get(Operator, op) if op is not None else None
    return row.name if row is not None else "?"


def _ranked(people) -> list[PersonWork]:  # noqa: ANN001 - an iterable of PersonWork
    return sorted(people, key=lambda p: (-p.count, p.name))


def units_in_window(session: Session, since: datetime, until: datetime) -> tuple[int, int]:
    """(units picked, units packed net of undos) between ``since`` and ``until``."""
    got: dict[str, int] = defaultdict(int)
    for kind, n in session.exec(
        select(Event.kind, func.sum(func.abs(Event.qty)))
        .where(
            col(Event.kind).in_((K.PICK_UNIT, K.PACK_SCAN, K.PACK_UNDO)),
            Event.to_state == NO_STATUS,
            Event.at >= since,
            Event.at < until,
        )
        .group_by(Event.kind)
    ).all():
        got[kind] = int(n or 0)
    return got[K.PICK_UNIT], got[K.PACK_SCAN] - got[K.PACK_UNDO]
