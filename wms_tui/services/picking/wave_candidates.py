"""What a wave may take: the ready orders not in an open task (most urgent first, with the
allocations left to pick), the free totes, and the filters a supervisor gives (carrier,
cut-off, picker). Read set-based, two statements for a whole wave; :func:`ready_summary`
is what the waves screen shows before a build. Building the wave is :mod:`.waves`.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import time

from sqlalchemy import case, func
from sqlmodel import Session, col, select

from wms_tui.domain.enums import (
    OPEN_TASK,
    LocationKind,
    OrderStatus,
    Role,
)
from wms_tui.domain.errors import DomainError, NotFound
from wms_tui.domain.models import (
    Allocation,
    Carrier,
    Location,
    Operator,
    Order,
    OrderLine,
    PickTask,
    PickTaskLine,
    Service,
    Stock,
)
from wms_tui.domain.shown import excerpt
from wms_tui.services.core import priority
from wms_tui.services.core.badges import badge_code, find_operator
from wms_tui.store import Store

_CUTOFF_RE = re.compile(r"^([01]?\d|2[0-3]):?([0-5]\d)$")


@dataclass(frozen=True)
class ReadySummary:
    """What a wave built now with these filters would take."""

    ready: int  # READY_TO_PICK, not in an open task, matching the filters
    not_allocated: int
    free_totes: int
    by_cutoff: tuple[tuple[str, int], ...]  # ("CJ 13:00", 4), ...


# --------------------------------------------------------------------------- inputs


def parse_cutoff(text: str | time | None) -> time | None:
    """``"13:00"``, ``"1300"`` or a time; empty means no filter."""
    if text is None or isinstance(text, time):
        return text
    text = text.strip()
    if not text:
        return None
    m = _CUTOFF_RE.match(text)
    if not m:
        raise DomainError(f"Cut-off {text!r} is not a time: use HH:MM, e.g. 13:00")
    return time(int(m.group(1)), int(m.group(2)))


def carrier_named(session: Session, code: str | None) -> Carrier | None:
    if not code or not code.strip():
        return None
    carrier = session.exec(select(Carrier).where(Carrier.code == code.strip().upper())).first()
    if carrier is None:
        known = ", ".join(session.exec(select(Carrier.code).order_by(Carrier.code)).all())
        raise NotFound(f"Unknown carrier {code.strip()!r}: use one of {known}")
    return carrier


def picker_named(session: Session, badge: str | None) -> Operator | None:
    if not badge or not badge.strip():
        return None
    op = find_operator(session, badge)
    if op is None or not op.active:
        raise NotFound(f"No active operator with badge {excerpt(badge_code(badge))}")
    if Role.PICKER.value not in op.role_set:
        raise DomainError(f"{op.name} is not a picker")
    return op


# --------------------------------------------------------------------------- queries


def _orders_in_open_tasks_stmt():
    return (
        select(OrderLine.order_id)
        .join(PickTaskLine, col(PickTaskLine.order_line_id) == OrderLine.id)
        .join(PickTask, col(PickTask.id) == PickTaskLine.task_id)
        .where(col(PickTask.status).in_(OPEN_TASK))
        .distinct()
    )


def _free_totes_stmt():  # noqa: ANN202
    busy_in_tasks = (
        select(PickTaskLine.tote_id)
        .join(PickTask, col(PickTask.id) == PickTaskLine.task_id)
        .where(col(PickTask.status).in_(OPEN_TASK), col(PickTaskLine.tote_id).is_not(None))
    )
    holding_stock = select(Stock.location_id).where(Stock.qty > 0)
    return (
        select(Location.id, Location.code)
        .where(
            Location.kind == LocationKind.TOTE,
            col(Location.active).is_(True),
            col(Location.id).not_in(busy_in_tasks),
            col(Location.id).not_in(holding_stock),
        )
        .order_by(Location.code)
    )


def free_tote_rows(session: Session, limit: int | None = None) -> list[tuple[int, str]]:
    """(id, code) of tote locations that are empty and not on a cart of an open task."""
    stmt = _free_totes_stmt()
    if limit is not None:
        stmt = stmt.limit(limit)
    return [tuple(row) for row in session.connection().execute(stmt)]  # type: ignore[misc]


def _candidate_stmt(car: Carrier | None, cutoff_before: time | None, *, ids_only: bool = False):  # noqa: ANN202
    """Ready orders a wave may take: not in an open task, matching the filters.

    ``ids_only``: just the orders' ids, joined to their service only to filter by
    cut-off. The allocations' read joins this to each of its 20,000 rows, and there
    the service's outer join was a scan of the service table per row (SQLite).
    """
    columns = (Order.id,) if ids_only else (Order.id, Order.name, Order.carrier_id, Service.cutoff)
    stmt = select(*columns).where(
        Order.status == OrderStatus.READY_TO_PICK,
        col(Order.id).not_in(_orders_in_open_tasks_stmt()),
    )
    if not ids_only or cutoff_before is not None:
        stmt = stmt.join(Service, col(Service.id) == Order.service_id, isouter=True)
    if car is not None:
        stmt = stmt.where(Order.carrier_id == car.id)
    if cutoff_before is not None:
        stmt = stmt.where(col(Service.cutoff) <= cutoff_before)
    return stmt


@dataclass
class Candidate:
    id: int
    name: str
    carrier_id: int | None
    cutoff: time | None
    # (allocation id, order line id, product id, location id, units to pick)
    allocs: list[tuple[int, int, int, int, int]] = field(default_factory=list)
    fully_allocated: bool = False


def candidates(
    session: Session, carrier: Carrier | None, cutoff_before: time | None, *, lock: bool
) -> list[Candidate]:
    """Ready orders not in an open task, most urgent first, with what is left to pick.

    Two queries for the whole wave, not a query per order: the orders with a
    flag saying whether any line still needs a reservation, then every
    allocation left to pick of the same orders (joined to the same filter, no
    ``IN`` list). Both run on the connection, not through the ORM: a wave of
    10,000 orders reads 30,000 rows, and plain rows cost a fifth of ORM rows.
    """
    # max() over the order's lines: 1 if one still needs a reservation
    # (open_qty > 0), 0 if every line is covered, NULL if it has no lines.
    line_open = (
        select(
            func.max(
                case(
                    (OrderLine.quantity - OrderLine.qty_short - OrderLine.qty_allocated > 0, 1),
                    else_=0,
                )
            )
        )
        .where(OrderLine.order_id == Order.id)
        .correlate(Order)
        .scalar_subquery()
    )
    stmt = (
        _candidate_stmt(carrier, cutoff_before)
        .add_columns(line_open)
        .order_by(*priority.order_by())
    )
    if lock:
        # Only orders no open task has (the filter above): locking those would
        # make every picker claiming a task of an earlier wave (it moves its
        # orders to PICKING) wait until this wave is built. Two supervisors
        # building at once are serialised by the wave counter taken first
        # (build_wave); an order another terminal holds right now (a hold, a
        # cancel) is left for the next wave instead of making the build wait.
        stmt = stmt.with_for_update(of=Order, skip_locked=True, key_share=True)
    conn = session.connection()
    found: list[Candidate] = []
    by_id: dict[int, Candidate] = {}
    # Row by row, not .all(): holding every row of a 10,000-order wave at once had the
    # garbage collector walk them over and over (this function's CPU 0.10 -> 0.13 s).
    for order_id, name, carrier_id, cutoff, any_open in conn.execute(stmt):
        cand = Candidate(order_id, name, carrier_id, cutoff, [], any_open == 0)
        found.append(cand)
        by_id[order_id] = cand
    if not found:
        return found
    ready = _candidate_stmt(carrier, cutoff_before, ids_only=True).subquery()
    for order_id, alloc_id, line_id, product_id, location_id, left in conn.execute(
        select(
            OrderLine.order_id,
            Allocation.id,
            OrderLine.id,
            Allocation.product_id,
            Allocation.location_id,
            Allocation.qty - Allocation.qty_picked,
        )
        .join(OrderLine, col(OrderLine.id) == Allocation.order_line_id)
        .join(ready, ready.c.id == OrderLine.order_id)
        .where(Allocation.qty > Allocation.qty_picked)
        .order_by(OrderLine.order_id, OrderLine.line_no, Allocation.id)
    ):
        if (cand := by_id.get(order_id)) is not None:
            cand.allocs.append((alloc_id, line_id, product_id, location_id, left))
    return found


def ready_summary(
    store: Store, *, carrier: str | None = None, cutoff_before: str | time | None = None
) -> ReadySummary:
    cutoff = parse_cutoff(cutoff_before)
    with store.read() as s:
        car = carrier_named(s, carrier)
        rows = candidates(s, car, cutoff, lock=False)
        carriers = {c.id: c.code for c in s.exec(select(Carrier))}
        ready = not_alloc = 0
        groups: dict[tuple[time, str], int] = defaultdict(int)
        for cand in rows:
            if not cand.fully_allocated:
                not_alloc += 1
                continue
            ready += 1
            key = (cand.cutoff or time(23, 59), carriers.get(cand.carrier_id, "—"))
            groups[key] += 1
        by_cutoff = tuple(
            (f"{code} {cut.strftime('%H:%M')}", n) for (cut, code), n in sorted(groups.items())
        )
        return ReadySummary(ready, not_alloc, len(free_tote_rows(s)), by_cutoff)
