"""The open orders as the overview reads them: counted per group, only a few listed.

Three to five statements, none of which grades or sorts every open order:

1. **Counts** (:func:`_count`): the open orders per (status, carrier, service, priority,
   promised date) off ``ix_orders_open_work`` (index-only on both stores), how many of
   each are PACKED with every parcel loaded (``ix_parcel_order_id``, index-only), and
   the stuck total: the moving orders unchanged since the threshold, less those touched
   since (read once off the event log's time index), plus those changed since with an
   older event and none since.
2. Python grades the groups (cut-off rank, due, late, missed) and lays the pack queue
   out from them (:func:`overview_rules.queue_layout`).
3. **Turns** (:func:`_turns`, only for a cut-off whose queue turns inside a subgroup):
   that subgroup's orders numbered by id, to split it at its first order that no longer
   makes the truck. Reads that subgroup only.
4. **The list** (:func:`_listed`): the order of the attention list is known per group
   (late first, by cut-off and promised date; then missed, at risk, stuck; the name last),
   so Python picks the groups that can reach the first :data:`MAX_LISTED` and the store
   reads each of those by its index key, at most as many names as can still be shown.
   Stuck-only orders (no group says which) come last: read only when fewer than
   :data:`MAX_LISTED` orders are late, missed or at risk, as the first names among the
   stuck ones.
5. **Slots** of listed at-risk orders (their expected packing time): their subgroups'
   ids up to the last listed, numbered.

Statements are SQL text handed to the driver as written: status names are the enum's
constants and group keys the store's own values, written in; the threshold and the day
are bound. Building them costs microseconds, where a SQLAlchemy expression tree of the
same shape cost about a third of a refresh to build and compile. Raw values throughout,
as the rules compare them: promised dates as ISO text on SQLite and dates on PostgreSQL,
timestamps likewise (``overview_rules``).

**Moved orders.** On PostgreSQL a read runs at READ COMMITTED: each statement sees the
orders as they are when it starts, so an order that changed group between the counts
and a later statement of the same refresh comes back under a key the counts lack, or
not at all. Such a row is left out and the next refresh shows it where it now is: a
terminal's write between two statements never makes the overview fail.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cached_property

from sqlalchemy.engine import Connection

from wms_tui.services.dispatch import overview_rules as rules
from wms_tui.services.dispatch.overview.model import MAX_LISTED, OPEN_STATUSES

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


@dataclass
class OpenWork:
    groups: list[rules.Group]
    stuck: int
    listed: list[Listed]
    slots: dict[int, int]  # listed at-risk order id -> its slot in the pack queue


class _Params:
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


def _rows(cx: Connection, sql: str, params: dict[str, object]) -> list[tuple]:
    """The rows of a statement run through the connection (its events see it: statement
    counts, round-trip tests) and read off the driver's cursor as plain tuples, where a
    SQLAlchemy result row cost more per row than the store did (1,162 count rows at
    100,000 orders)."""
    result = cx.exec_driver_sql(sql, params)
    try:
        return result.cursor.fetchall()  # type: ignore[union-attr]
    finally:
        result.close()


def _ids(ids: list[int]) -> str:
    return ", ".join(str(int(i)) for i in ids)


def _statuses(names: tuple[str, ...]) -> str:
    return ", ".join(f"'{s}'" for s in names)


def read(cx: Connection, t: Terms) -> OpenWork:
    graded, stuck = _count(cx, t)
    shape = [(g.rank, g.key[0], g.key[3], g.n) for g in graded if g.queued]
    layout = rules.queue_layout(shape, t.plan)
    turning = _grade_risk(graded, layout, t)
    if turning:
        _turns(cx, t, turning, layout)
    listed = _listed(cx, t, graded)
    slots = _slots(cx, t, listed, graded, layout)
    return OpenWork(_tally_rows(graded), stuck, listed, slots)


# --------------------------------------------------------------------------- 1. counts


def _count(cx: Connection, t: Terms) -> tuple[list[Graded], int]:
    p = _Params(t)
    sb = p(t.stuck_cmp)
    status = "status" if t.sqlite else "CAST(status AS TEXT)"
    keys = "status, carrier_id, service_id, priority, promised_ship_date"
    touched = f"SELECT e.order_id FROM event e WHERE e.at > {sb} AND e.order_id IS NOT NULL"
    sql = f"""
SELECT 1, {status}, carrier_id, service_id, priority, promised_ship_date, count(*), 0
  FROM orders WHERE status IN ({_statuses(OPEN)}) GROUP BY {keys}
UNION ALL
SELECT 2, 'PACKED', carrier_id, service_id, priority, promised_ship_date, count(*), 0
  FROM orders o WHERE o.status = 'PACKED'
   AND EXISTS (SELECT 1 FROM parcel p WHERE p.order_id = o.id AND p.status = 'LOADED')
   AND NOT EXISTS (SELECT 1 FROM parcel p WHERE p.order_id = o.id AND p.status = 'CLOSED')
 GROUP BY carrier_id, service_id, priority, promised_ship_date
UNION ALL
SELECT 3, NULL, NULL, NULL, NULL, NULL,
  (SELECT count(*) FROM orders o WHERE o.status IN ({_statuses(FLOW)})
      AND o.status_changed_at <= {sb}),
  (SELECT count(*) FROM orders o WHERE o.status IN ({_statuses(FLOW)})
      AND o.status_changed_at <= {sb} AND o.id IN ({touched}))
  - (SELECT count(*) FROM orders o WHERE o.status IN ({_statuses(FLOW)})
      AND o.status_changed_at > {sb}
      AND NOT EXISTS (SELECT 1 FROM event e WHERE e.order_id = o.id AND e.at > {sb})
      AND EXISTS (SELECT 1 FROM event e WHERE e.order_id = o.id))
"""
    graded: dict[Key, Graded] = {}
    loaded: dict[Key, int] = {}
    stuck = 0
    for part, status, cid, sid, priority, promised, n, extra in _rows(cx, sql, p.values):
        if part == 3:
            # Quiet (moving, unchanged since the threshold), less those touched since,
            # plus those changed since with an older event and none since.
            stuck = int(n) - int(extra)
            continue
        key = (status, cid, sid, priority, promised)
        if part == 2:
            loaded[key] = int(n)
            continue
        rank = t.rank(cid, sid)
        flow = status in rules.FLOW
        due = flow and (promised is None or promised <= t.today)
        graded[key] = Graded(
            key=key,
            n=int(n),
            rank=rank,
            late=promised is not None and promised < t.today,
            due=due,
            queued=due and rank >= t.plan.missed_below,
            missed=due and rank < t.plan.missed_below,
        )
    for key, n in loaded.items():
        graded[key].loaded = n
    return list(graded.values()), stuck


# --------------------------------------------------------------------------- 2. risk


def _subgroup(g: Graded) -> rules.Subgroup:
    return (g.rank, g.key[0], g.key[3])


def _grade_risk(
    graded: list[Graded], layout: rules.QueueLayout, t: Terms
) -> dict[rules.Subgroup, list[Graded]]:
    """Set each queued group's at-risk orders where the layout says all or none; return
    the turning subgroups (split by id, from the store) with their groups."""
    turning: dict[rules.Subgroup, list[Graded]] = defaultdict(list)
    for g in graded:
        if not g.queued or g.rank not in layout.turn:
            continue
        sub = _subgroup(g)
        (_, t_status, t_priority), in_time = layout.turn[g.rank]
        here = (rules.STAGE[sub[1]], -sub[2])
        there = (rules.STAGE[t_status], -t_priority)
        if here > there:
            g.at_risk = g.n
        elif here == there:
            if in_time:
                turning[sub].append(g)
            else:  # the whole subgroup is too late
                g.at_risk, g.first_at_risk = g.n, 0
    return turning


def _turns(
    cx: Connection,
    t: Terms,
    turning: dict[rules.Subgroup, list[Graded]],
    layout: rules.QueueLayout,
) -> None:
    """Split each turning subgroup by id: its first ``in_time`` orders make the truck."""
    p = _Params(t)
    arms = []
    subs = list(turning)
    for tag, sub in enumerate(subs):
        _, in_time = layout.turn[sub[0]]
        members = " OR ".join(f"({p.group(g.key)})" for g in turning[sub])
        arms.append(
            f"SELECT {tag} AS sub, carrier_id, service_id, promised_ship_date, count(*),"
            f" min(id) FROM (SELECT id, carrier_id, service_id, promised_ship_date,"
            f" row_number() OVER (ORDER BY id) AS place FROM orders WHERE {members}) AS s{tag}"
            f" WHERE place > {int(in_time)} GROUP BY carrier_id, service_id, promised_ship_date"
        )
    # A subgroup has one status and priority: (carrier, service, promised) names its group.
    group_of = {
        (tag, g.key[1], g.key[2], g.key[4]): g for tag, sub in enumerate(subs) for g in turning[sub]
    }
    first: dict[int, int] = {}
    for tag, cid, sid, promised, n, low in _rows(cx, " UNION ALL ".join(arms), p.values):
        g = group_of.get((tag, cid, sid, promised))
        if g is None:  # moved: see the module's note
            continue
        g.at_risk = int(n)
        first[tag] = min(first.get(tag, low), low)
    for tag, sub in enumerate(subs):
        for g in turning[sub]:
            # None when the subgroup shrank below its in-time part since it was counted.
            g.first_at_risk = first.get(tag)


def _tally_rows(graded: list[Graded]) -> list[rules.Group]:
    """The groups as :func:`overview_rules.tally_groups` counts them."""
    out: list[rules.Group] = []
    for g in graded:
        status, cid, sid, _, _ = g.key
        rest = rules.RISK_MISSED if g.missed else rules.NO_RISK
        for risk_class, is_loaded, k in (
            (rules.RISK_AT, 0, g.at_risk),
            (rest, 1, g.loaded),
            (rest, 0, g.n - g.at_risk - g.loaded),
        ):
            if k:
                out.append((cid, sid, status, risk_class, int(g.late), 0, is_loaded,
                            int(g.queued), k))  # fmt: skip
    return out


# --------------------------------------------------------------------------- 3. the list


@dataclass(frozen=True)
class _Part:
    """Orders of one group that share a place in the list's order (all but the name)."""

    group: Graded
    risk: int
    late: bool
    count: int
    id_from: int | None = None  # the at-risk part of a turning group
    id_below: int | None = None  # its part in time

    def urgency(self) -> int:
        # overview_rules.tally's order: late, then missed cut-off, at risk, stuck.
        if self.late:
            return 0
        return {rules.RISK_MISSED: 1, rules.RISK_AT: 2}.get(self.risk, 3)

    def sort(self, no_cutoff: int) -> tuple:
        g = self.group
        return (
            self.urgency(),
            g.rank if self.risk else no_cutoff,
            g.key[4] if self.late else None,
        )


def _parts(g: Graded) -> list[_Part]:
    if g.missed:
        return [_Part(g, rules.RISK_MISSED, g.late, g.n)]
    if not g.at_risk:
        return [_Part(g, rules.NO_RISK, g.late, g.n)]
    if g.first_at_risk is None:  # the whole group
        return [_Part(g, rules.RISK_AT, g.late, g.n)]
    return [
        _Part(g, rules.RISK_AT, g.late, g.at_risk, id_from=g.first_at_risk),
        _Part(g, rules.NO_RISK, g.late, g.n - g.at_risk, id_below=g.first_at_risk),
    ]


def _listed(cx: Connection, t: Terms, graded: list[Graded]) -> list[Listed]:
    """The first MAX_LISTED orders that are late, missed, at risk or stuck, in order."""
    nc = t.plan.no_cutoff
    parts = [x for g in graded for x in _parts(g) if x.count]
    known = sorted((x for x in parts if x.urgency() < 3), key=lambda x: _cmp_key(x.sort(nc)))
    # Every part whose place in the order comes before the MAX_LISTED-th listed order,
    # in buckets of parts that share that place (all but the name): each bucket is read
    # for as many names as can still be shown after the buckets before it.
    buckets: list[tuple[tuple, list[_Part], int]] = []
    before = 0
    i = 0
    while i < len(known) and before < MAX_LISTED:
        j = i
        key = known[i].sort(nc)
        while j < len(known) and known[j].sort(nc) == key:
            j += 1
        buckets.append((key, known[i:j], MAX_LISTED - before))
        before += sum(x.count for x in known[i:j])
        i = j
    stuck_room = MAX_LISTED - before if before < MAX_LISTED else 0
    out: list[Listed] = []
    by_key = {g.key: g for g in graded}
    p = _Params(t)
    arms = [_bucket_arm(p, t, tag, parts_, room) for tag, (_, parts_, room) in enumerate(buckets)]
    if stuck_room:
        arms.append(_stuck_arm(p, t, parts, stuck_room))
    if not arms:
        return []
    stuck: list[Listed] = []
    for tag, *row in _rows(cx, " UNION ALL ".join(arms), p.values):
        if tag < 0:
            g = by_key.get(tuple(row[2:]))  # type: ignore[arg-type]
            stuck += _stuck_row(row, g, t) if g is not None else []  # moved: see the module's note
            continue
        key, parts_, _ = buckets[tag]
        # Parts share a bucket only with their risk class: missed or at risk by the
        # cut-off's rank, or none (rank "no cut-off").
        out.append(_row(row, parts_[0].risk, key[1], (*_cmp_key(key), row[1])))
    stuck.sort(key=lambda r: r.sort)
    out += stuck[:stuck_room]
    out.sort(key=lambda r: r.sort)
    return out[:MAX_LISTED]


def _cmp_key(key: tuple) -> tuple:
    # None sorts as nothing else does: only non-late parts have it, and all alike.
    return tuple((v is not None, v) if i == 2 else v for i, v in enumerate(key))


def _columns(t: Terms) -> str:
    status = "status" if t.sqlite else "CAST(status AS TEXT)"
    return f"id, name, {status}, carrier_id, service_id, priority, promised_ship_date"


def _bucket_arm(p: _Params, t: Terms, tag: int, parts: list[_Part], room: int) -> str:
    """A bucket's first ``room`` names, its groups read by their keys in ix_orders_open_work."""
    terms = []
    for x in parts:
        where = p.group(x.group.key)
        if x.id_from is not None:
            where += f" AND id >= {int(x.id_from)}"
        if x.id_below is not None:
            where += f" AND id < {int(x.id_below)}"
        terms.append(f"({where})")
    return (
        f"SELECT * FROM (SELECT {tag} AS part, {_columns(t)} FROM orders"
        f" WHERE {' OR '.join(terms)} ORDER BY {t.by_name()} LIMIT {int(room)}) AS a{tag}"
    )


def _stuck_arm(p: _Params, t: Terms, parts: list[_Part], room: int) -> str:
    """The first names among stuck orders that are not late.

    Which of a group's orders are stuck no count says, so these are read by name: as
    many as could be shown plus the missed and at-risk ones among them (fewer than
    MAX_LISTED, or the list would be full before this), which :func:`_stuck_row` drops.
    """
    risky = sum(x.count for x in parts if x.urgency() in (1, 2))
    sb = p(t.stuck_cmp)
    return (
        f"SELECT * FROM (SELECT -1 AS part, {_columns(t)} FROM orders"
        f" WHERE status IN ({_statuses(FLOW)})"
        f" AND (promised_ship_date IS NULL OR promised_ship_date >= {p(t.today)})"
        f" AND id NOT IN (SELECT e.order_id FROM event e WHERE e.at > {sb}"
        " AND e.order_id IS NOT NULL)"
        f" AND (status_changed_at <= {sb}"
        " OR EXISTS (SELECT 1 FROM event e WHERE e.order_id = orders.id))"
        f" ORDER BY {t.by_name()} LIMIT {int(room + risky)}) AS stuck"
    )


def _stuck_row(row: list, g: Graded, t: Terms) -> list[Listed]:
    """A stuck order that is neither missed nor at risk, as listed (else nothing)."""
    at_risk = g.at_risk and (g.first_at_risk is None or row[0] >= g.first_at_risk)
    if g.missed or at_risk:
        return []
    return [_row(row, rules.NO_RISK, g.rank, (3, t.plan.no_cutoff, (False, None), row[1]))]


def _row(row: list, risk: int, rank: int, sort: tuple) -> Listed:
    oid, name, status, cid, sid, priority, promised = row
    return Listed(oid, name, status, cid, sid, priority, promised, risk, rank, sort)


# --------------------------------------------------------------------------- 4. slots


def _slots(
    cx: Connection,
    t: Terms,
    listed: list[Listed],
    graded: list[Graded],
    layout: rules.QueueLayout,
) -> dict[int, int]:
    """Each listed at-risk order's slot: its subgroup's place in the queue plus its place
    in the subgroup by id (counted up to the last listed id only)."""
    wanted: dict[rules.Subgroup, list[int]] = defaultdict(list)
    for r in listed:
        if r.risk == rules.RISK_AT:
            wanted[(r.cut_rank, r.status, r.priority)].append(r.id)
    if not wanted:
        return {}
    members: dict[rules.Subgroup, list[Graded]] = defaultdict(list)
    for g in graded:
        if g.queued and _subgroup(g) in wanted:
            members[_subgroup(g)].append(g)
    p = _Params(t)
    arms = []
    for sub, ids in wanted.items():
        cond = " OR ".join(f"({p.group(g.key)})" for g in members[sub])
        arms.append(
            f"SELECT id, place FROM (SELECT id, row_number() OVER (ORDER BY id) AS place"
            f" FROM orders WHERE ({cond}) AND id <= {int(max(ids))}) AS n{len(arms)}"
            f" WHERE id IN ({_ids(ids)})"
        )
    place = dict(_rows(cx, " UNION ALL ".join(arms), p.values))
    # An order missing here left its subgroup after it was listed (moved: see the module): no slot.
    return {
        oid: layout.before[sub] + place[oid]
        for sub, ids in wanted.items()
        for oid in ids
        if oid in place
    }


# --------------------------------------------------------------------------- 5. last events


def last_touched(cx: Connection, ids: list[int]) -> dict[int, tuple[object, str, str]]:
    """For each listed order: its last event's time (or its last status change when it has
    none, raw as the rules compare it), and who made that event where.

    The last event is read off ix_event_order_at per order, latest time and then the
    latest id first (SQLite walks the index backwards: the rowid is its last column).
    """
    if not ids:
        return {}
    sql = (
        "SELECT o.id, coalesce(e.at, o.status_changed_at), e.id, e.operator_name, e.terminal"
        " FROM orders o LEFT JOIN event e ON e.id = (SELECT l.id FROM event l"
        " WHERE l.order_id = o.id ORDER BY l.at DESC, l.id DESC LIMIT 1)"
        f" WHERE o.id IN ({_ids(ids)})"
    )
    out: dict[int, tuple[object, str, str]] = {}
    for oid, last, event_id, name, terminal in _rows(cx, sql, {}):
        # An order without events has no one.
        out[oid] = (last, name, terminal) if event_id is not None else (last, "", "")
    return out
