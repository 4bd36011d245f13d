"""What the open-work statements share: the terms of one refresh, the groups and listed
orders they pass on, and how a statement is written.

:class:`Terms` is what a refresh is about (the day, the stuck threshold, the pack queue's
plan and cut-off ranks); :class:`Graded` is one group of open orders as the counts and the
rules leave it; :class:`Listed` an order on the attention list. Statements are SQL text
handed to the driver as written (see :mod:`open_work`): :class:`Params` binds the threshold
and the day in the driver's style and writes a group's key in as literals,
:func:`fetch_rows` reads a statement's rows off the driver's cursor as plain tuples.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cached_property

from sqlalchemy.engine import Connection

from wms_tui.services.dispatch import overview_rules as rules
from wms_tui.services.dispatch.overview.model import OPEN_STATUSES

OPEN = tuple(s.value for s in OPEN_STATUSES)
FLOW = tuple(s for s in OPEN if s in rules.FLOW)

# (status, carrier id, service id, priority, promised): one group of open orders.
Key = tuple[str, int | None, int | None, int, object]


@dataclass(frozen=True)
class Terms:
    """What a refresh's statements are about: the day, the threshold, the queue."""

    sqlite: bool
    day: date
    stuck_before: datetime
    plan: rules.QueuePlan
    cut_rank: dict[tuple[str, int], int]

    @cached_property  # read for every group and listed order
    def today(self) -> object:
        """The day as the raw promised column compares: ISO text on SQLite, a date else."""
        return self.day.isoformat() if self.sqlite else self.day

    @cached_property
    def stuck_cmp(self) -> object:
        """The stuck threshold as the raw timestamp columns compare."""
        if self.sqlite:
            return self.stuck_before.astimezone(UTC).strftime(rules.SQLITE_TS)
        return self.stuck_before

    def rank(self, cid: int | None, sid: int | None) -> int:
        """An order's cut-off rank: its service's cut-off, else its carrier's, else none."""
        if ("s", sid) in self.cut_rank:
            return self.cut_rank[("s", sid)]
        return self.cut_rank.get(("c", cid), self.plan.no_cutoff)  # type: ignore[arg-type]

    def by_name(self) -> str:
        # Byte order, as Python compares text (PostgreSQL's collation may differ).
        return "name" if self.sqlite else 'name COLLATE "C"'


@dataclass
class Graded:
    """One group of open orders and what the rules say about all of it."""

    key: Key
    n: int
    rank: int
    late: bool
    due: bool
    queued: bool
    missed: bool
    loaded: int = 0
    at_risk: int = 0  # of n; a turning subgroup's split comes from the store
    # A turning subgroup's group: its orders from this id on are at risk.
    first_at_risk: int | None = None


@dataclass
class Listed:
    """An order on the attention list, with the class it is listed in."""

    id: int
    name: str
    status: str
    carrier_id: int | None
    service_id: int | None
    priority: int
    promised: object
    risk: int
    cut_rank: int
    sort: tuple = field(repr=False, default=())


class Params:
    """Bound values of one statement (the threshold and the day), named as they are added
    in the driver's own style: statements go to the driver as they are written."""

    def __init__(self, t: Terms) -> None:
        self.values: dict[str, object] = {}
        self.sqlite = t.sqlite

    def __call__(self, value: object) -> str:
        name = f"p{len(self.values)}"
        self.values[name] = value
        return f":{name}" if self.sqlite else f"%({name})s"

    def group(self, key: Key) -> str:
        """A group's orders, by its key in ix_orders_open_work. The values are the store's
        own (ids, priorities, dates), written in as literals: a group is a few dozen
        characters, where a bound value each cost more to pass than to read."""
        status, cid, sid, priority, promised = key
        return " AND ".join(
            (
                f"status = '{status}'",
                _eq("carrier_id", cid),
                _eq("service_id", sid),
                f"priority = {int(priority)}",
                _eq("promised_ship_date", promised),
            )
        )


def _eq(column: str, value: object) -> str:
    return f"{column} IS NULL" if value is None else f"{column} = {_literal(value)}"


def _literal(value: object) -> str:
    if isinstance(value, int):
        return str(value)
    if isinstance(value, date):
        return f"'{value.isoformat()}'"
    text_ = str(value)  # a promised date as SQLite stores it: ISO text
    return "'" + text_.replace("'", "''") + "'"


def fetch_rows(cx: Connection, sql: str, params: dict[str, object]) -> list[tuple]:
    """The rows of a statement run through the connection (its events see it: statement
    counts, round-trip tests) and read off the driver's cursor as plain tuples, where a
    SQLAlchemy result row cost more per row than the store did (1,162 count rows at
    100,000 orders)."""
    result = cx.exec_driver_sql(sql, params)
    try:
        return result.cursor.fetchall()  # type: ignore[union-attr]
    finally:
        result.close()


def id_list(ids: list[int]) -> str:
    return ", ".join(str(int(i)) for i in ids)


def status_list(names: tuple[str, ...]) -> str:
    return ", ".join(f"'{s}'" for s in names)
