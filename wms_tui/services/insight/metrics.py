"""The shift's numbers, read set-based from the event log and the orders.

Every function takes an open session and a period ``[start, end)`` in UTC and
runs one or two ``GROUP BY`` queries (never one query per order or person):
the queries, bucketed by UTC hour in SQL, are :mod:`hour_rows`; this module
turns their rows into people and numbers; the rules they feed are in
:mod:`rules`, and the caller turns hours into local hours or days on the
warehouse's clock.

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

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import bindparam, func
from sqlalchemy.sql.expression import Executable
from sqlmodel import Session, col, select

from wms_tui.domain.enums import EventKind, ReasonCause
from wms_tui.domain.models import (
    Event,
    OrderLine,
    ReturnLine,
    ReturnReason,
    ReturnReceipt,
)
from wms_tui.services.insight import rules
from wms_tui.services.insight.hour_rows import (
    cycle_rows,
    flow_rows,
    pack_rows,
    pick_rows,
    refused_rows,
    run_built,
)
from wms_tui.services.insight.hour_statements import FLOW_STAGES, NO_STATUS

K = EventKind
# Ids per IN (...) list: well inside every backend's limit on bound parameters.
IN_CHUNK = 500


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


def flow_by_hour(
    session: Session, start: datetime, end: datetime
) -> dict[str, dict[datetime, int]]:
    """Orders reaching each flow stage, per UTC hour: stage -> hour -> orders."""
    return flow_of(flow_rows(session, start, end)[0])


def flow_of(rows: list[tuple[str, datetime, int]]) -> dict[str, dict[datetime, int]]:
    out: dict[str, dict[datetime, int]] = {stage: {} for stage, _ in FLOW_STAGES}
    for stage, hour, n in rows:
        out[stage][hour] = out[stage].get(hour, 0) + n
    return out


def pickers(session: Session, start: datetime, end: datetime) -> list[PersonWork]:
    return pickers_of(pick_rows(session, start, end), refused_rows(session, start, end)[0])


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


def packers(session: Session, start: datetime, end: datetime) -> list[PersonWork]:
    return packers_of(session, pack_rows(session, start, end)[0], start, end)


def packers_of(session: Session, rows: list, start: datetime, end: datetime) -> list[PersonWork]:
    """People's packing from :func:`pack_rows`, with the returns booked in ``[start, end)``."""
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
    returned = run_built(session, _returned_statement, start=start, end=end)
    if not returned:
        return {}
    packers_of: dict[tuple[int, str], set[int | None]] = defaultdict(set)
    order_ids = sorted({oid for _, _, oid, _ in returned})
    for i in range(0, len(order_ids), IN_CHUNK):
        # The kind is checked here, not in SQL: with ``kind = 'pack.scan'`` in the query
        # SQLite chose to read every pack scan on record from the covering kind
        # index over these orders' few events each.
        for op, oid, sku, kind in run_built(
            session, _events_of_statement, ids=order_ids[i : i + IN_CHUNK]
        ):
            if kind == K.PACK_SCAN:
                packers_of[(oid, sku)].add(op)  # type: ignore[index]
    units: dict[int | None, int] = defaultdict(int)
    # every packer who scanned the SKU into the order is charged the line's units once
    for _, qty, oid, sku in returned:
        for op in packers_of.get((oid, sku), ()):
            units[op] += qty
    return dict(units)


def _returned_statement(dialect: str) -> Executable:  # noqa: ARG001 - the same on both
    return (
        select(ReturnLine.id, ReturnLine.qty, OrderLine.order_id, OrderLine.sku)
        .join(ReturnReceipt, col(ReturnReceipt.id) == ReturnLine.return_id)
        .join(ReturnReason, col(ReturnReason.code) == ReturnLine.reason_code)
        .join(OrderLine, col(OrderLine.id) == ReturnLine.order_line_id)
        .where(
            ReturnReason.cause == ReasonCause.PACK.value,
            ReturnReceipt.at >= bindparam("start"),
            ReturnReceipt.at < bindparam("end"),
        )
    )


def _events_of_statement(dialect: str) -> Executable:  # noqa: ARG001 - the same on both
    return select(Event.operator_id, Event.order_id, Event.sku, Event.kind).where(
        col(Event.order_id).in_(bindparam("ids", expanding=True))
    )


def cycle_times(session: Session, start: datetime, end: datetime) -> list[tuple[datetime, float]]:
    """(the UTC hour dispatched, minutes since the order was created) per dispatch in
    the period (:func:`cycle_rows`)."""
    return cycle_rows(session, start, end)[0]


def _operator_name(session: Session, op: int | None) -> str:
    from wms_tui.domain.models import Operator

    row = session.get(Operator, op) if op is not None else None
    return row.name if row is not None else "?"


def _ranked(people) -> list[PersonWork]:  # noqa: ANN001 - an iterable of PersonWork
    return sorted(people, key=lambda p: (-p.count, p.name))


def units_in_window(session: Session, since: datetime, until: datetime) -> tuple[int, int]:
    """(units picked, units packed net of undos) between ``since`` and ``until``."""
    got: dict[str, int] = defaultdict(int)
    for kind, n in run_built(session, _units_statement, start=since, end=until):
        got[kind] = int(n or 0)
    return got[K.PICK_UNIT], got[K.PACK_SCAN] - got[K.PACK_UNDO]


def _units_statement(dialect: str) -> Executable:  # noqa: ARG001 - the same on both
    return (
        select(Event.kind, func.sum(func.abs(Event.qty)))
        .where(
            col(Event.kind).in_((K.PICK_UNIT, K.PACK_SCAN, K.PACK_UNDO)),
            Event.to_state == NO_STATUS,
            Event.at >= bindparam("start"),
            Event.at < bindparam("end"),
        )
        .group_by(Event.kind)
    )
