"""The per-hour statements of :mod:`hour_rows`, each built once per dialect.

Every builder takes the dialect's name and returns a SQLAlchemy statement whose period
comes as bound values (``start``, ``end`` and, where the rows are told apart by time,
``split``): :func:`hour_rows.run_built` builds each once and runs it. Times are bucketed
by UTC hour in SQL (:func:`hour_expr`), so a few rows per person and hour come back, not
the events.
"""

from __future__ import annotations

from sqlalchemy import and_, bindparam, case, func, literal
from sqlalchemy.orm import aliased
from sqlalchemy.sql.expression import Executable
from sqlmodel import col, select

from wms_tui.domain.enums import EventKind, OrderStatus
from wms_tui.domain.models import Event, Order

S = OrderStatus
K = EventKind
# The stages an order reaches during a shift, as its order.status events say.
FLOW_STAGES: tuple[tuple[str, str], ...] = (
    ("released", S.READY_TO_PICK.value),
    ("picked", S.PICKED.value),
    ("packed", S.PACKED.value),
    ("dispatched", S.DISPATCHED.value),
)
# Work events (picks, pack scans) change no status, so their ``to_state`` is
# always empty (it holds status changes only, since migration 0004). Saying so
# lets both backends seek the ``(kind, to_state, at, …)`` index to the period's
# rows of one kind instead of reading every event of the day (at 20,000
# orders the packers' query went from 39 to 1.3 ms; docs/insight.md).
NO_STATUS = ""


def hour_expr(dialect: str, column):  # noqa: ANN001, ANN202 - SQL expression in, out
    if dialect == "postgresql":
        # The hour as a timestamp: to_char() formatted every row as text, which
        # Python then parsed back (flow per hour, 23,800 rows at 100,000 orders).
        return func.date_trunc("hour", func.timezone("UTC", column))
    # SQLite stores UTC as "YYYY-MM-DD HH:MM:SS.ffffff": the hour is its first 13
    # characters. substr() copies them; strftime() would parse every row's date
    # (flow per hour, 26,000 rows at 100,000 orders: 15 -> 9 ms CPU).
    return func.substr(column, 1, 13)


# 0 for an event before the bound ``split``, 1 from it on (a split at the period's end
# puts every event in part 0).
def _part():  # noqa: ANN202 - SQL expression
    return case((Event.at >= bindparam("split"), 1), else_=0)


def _span() -> tuple:
    return (Event.at >= bindparam("start"), Event.at < bindparam("end"))


def flow_statement(dialect: str) -> Executable:
    bucket, part = hour_expr(dialect, Event.at), _part()
    return (
        select(Event.to_state, bucket, func.count(), part)
        .where(
            Event.kind == K.ORDER_STATUS,
            col(Event.to_state).in_([to for _, to in FLOW_STAGES]),
            *_span(),
        )
        .group_by(Event.to_state, bucket, part)
    )


def pick_since_statement(dialect: str) -> Executable:
    """Pick lines of ``[start, end)`` that had no unit in ``[since, start)``.

    A line (one person, order, SKU and bin) with a unit earlier in the period began
    there. Asked per line of [start, end) through ix_event_order_at, but only for lines
    whose order had a pick earlier: those orders are read once from the covering (kind,
    to_state, at, …) index and looked up per line (a hashed subplan / ephemeral index).
    Asking every line cost a lookup of each of its order's events in the period (CPU at
    100,000 orders, the last hour of a live refresh: SQLite 19-22 -> 16-19 ms;
    docs/insight.md).
    """
    e, earlier = aliased(Event), aliased(Event)
    since, start = bindparam("since"), bindparam("start")
    picked_before = select(earlier.order_id).where(
        earlier.kind == K.PICK_UNIT,
        earlier.to_state == NO_STATUS,
        earlier.at >= since,
        earlier.at < start,
    )
    begun = case(
        (
            and_(
                col(Event.order_id).in_(picked_before),
                select(e.id)
                .where(
                    e.order_id == Event.order_id,
                    e.at >= since,
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
    return _pick_lines(dialect, begun)


def pick_statement(dialect: str) -> Executable:
    return _pick_lines(dialect, literal(1))


def _pick_lines(dialect: str, begun) -> Executable:  # noqa: ANN001 - SQL expression
    line = (
        select(
            Event.operator_id.label("op"),  # type: ignore[union-attr]
            func.max(Event.operator_name).label("name"),
            func.min(Event.at).label("first"),
            func.sum(Event.qty).label("units"),
            begun.label("begun"),
        )
        .where(Event.kind == K.PICK_UNIT, Event.to_state == NO_STATUS, *_span())
        .group_by(Event.operator_id, Event.order_id, Event.sku, Event.from_location)
        .subquery()
    )
    bucket = hour_expr(dialect, line.c.first)
    return select(
        line.c.op, func.max(line.c.name), bucket, func.sum(line.c.begun), func.sum(line.c.units)
    ).group_by(line.c.op, bucket)


def refused_statement(dialect: str) -> Executable:
    bucket, part = hour_expr(dialect, Event.at), _part()
    return (
        select(Event.operator_id, func.max(Event.operator_name), bucket, func.count(), part)
        .where(Event.kind == K.PICK_REFUSED, Event.to_state == NO_STATUS, *_span())
        .group_by(Event.operator_id, bucket, part)
    )


def pack_statement(dialect: str) -> Executable:
    bucket, part = hour_expr(dialect, Event.at), _part()
    return (
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
            *_span(),
        )
        .group_by(Event.operator_id, Event.kind, bucket, part)
    )


def cycle_statement(dialect: str) -> Executable:
    created = select(Order.created_at).where(col(Order.id) == Event.order_id).scalar_subquery()
    if dialect == "postgresql":
        minutes = func.extract("epoch", Event.at - created) / 60.0
    else:
        minutes = (func.julianday(Event.at) - func.julianday(created)) * 1440.0
    return select(hour_expr(dialect, Event.at), minutes, _part()).where(
        Event.kind == K.ORDER_STATUS, Event.to_state == S.DISPATCHED.value, *_span()
    )
