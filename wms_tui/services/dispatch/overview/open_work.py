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
4. **The list** (:func:`attention.attention_list`): the groups that can reach the first
   :data:`MAX_LISTED` late, missed, at-risk or stuck orders, each read by its index key
   for at most as many names as can still be shown; stuck-only orders last.
5. **Slots** of listed at-risk orders (their expected packing time): their subgroups'
   ids up to the last listed, numbered.

Statements are SQL text handed to the driver as written: status names are the enum's
constants and group keys the store's own values, written in; the threshold and the day
are bound. Building them costs microseconds, where a SQLAlchemy expression tree of the
same shape cost about a third of a refresh to build and compile. Raw values throughout,
as the rules compare them: promised dates as ISO text on SQLite and dates on PostgreSQL,
timestamps likewise (``overview_rules``). The terms of a refresh, the groups and listed
orders passed between the steps and the statement helpers are :mod:`terms`.

**Moved orders.** On PostgreSQL a read runs at READ COMMITTED: each statement sees the
orders as they are when it starts, so an order that changed group between the counts
and a later statement of the same refresh comes back under a key the counts lack, or
not at all. Such a row is left out and the next refresh shows it where it now is: a
terminal's write between two statements never makes the overview fail.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy.engine import Connection

from wms_tui.services.dispatch import overview_rules as rules
from wms_tui.services.dispatch.overview.attention import attention_list
from wms_tui.services.dispatch.overview.terms import (
    FLOW,
    OPEN,
    Graded,
    Key,
    Listed,
    Params,
    Terms,
    fetch_rows,
    id_list,
    status_list,
)


@dataclass
class OpenWork:
    groups: list[rules.Group]
    stuck: int
    listed: list[Listed]
    slots: dict[int, int]  # listed at-risk order id -> its slot in the pack queue


def read(cx: Connection, t: Terms) -> OpenWork:
    graded, stuck = _count(cx, t)
    shape = [(g.rank, g.key[0], g.key[3], g.n) for g in graded if g.queued]
    layout = rules.queue_layout(shape, t.plan)
    turning = _grade_risk(graded, layout, t)
    if turning:
        _turns(cx, t, turning, layout)
    listed = attention_list(cx, t, graded)
    slots = _slots(cx, t, listed, graded, layout)
    return OpenWork(_tally_rows(graded), stuck, listed, slots)


# --------------------------------------------------------------------------- 1. counts


def _count(cx: Connection, t: Terms) -> tuple[list[Graded], int]:
    p = Params(t)
    sb = p(t.stuck_cmp)
    status = "status" if t.sqlite else "CAST(status AS TEXT)"
    keys = "status, carrier_id, service_id, priority, promised_ship_date"
    touched = f"SELECT e.order_id FROM event e WHERE e.at > {sb} AND e.order_id IS NOT NULL"
    sql = f"""
SELECT 1, {status}, carrier_id, service_id, priority, promised_ship_date, count(*), 0
  FROM orders WHERE status IN ({status_list(OPEN)}) GROUP BY {keys}
UNION ALL
SELECT 2, 'PACKED', carrier_id, service_id, priority, promised_ship_date, count(*), 0
  FROM orders o WHERE o.status = 'PACKED'
   AND EXISTS (SELECT 1 FROM parcel p WHERE p.order_id = o.id AND p.status = 'LOADED')
   AND NOT EXISTS (SELECT 1 FROM parcel p WHERE p.order_id = o.id AND p.status = 'CLOSED')
 GROUP BY carrier_id, service_id, priority, promised_ship_date
UNION ALL
SELECT 3, NULL, NULL, NULL, NULL, NULL,
  (SELECT count(*) FROM orders o WHERE o.status IN ({status_list(FLOW)})
      AND o.status_changed_at <= {sb}),
  (SELECT count(*) FROM orders o WHERE o.status IN ({status_list(FLOW)})
      AND o.status_changed_at <= {sb} AND o.id IN ({touched}))
  - (SELECT count(*) FROM orders o WHERE o.status IN ({status_list(FLOW)})
      AND o.status_changed_at > {sb}
      AND NOT EXISTS (SELECT 1 FROM event e WHERE e.order_id = o.id AND e.at > {sb})
      AND EXISTS (SELECT 1 FROM event e WHERE e.order_id = o.id))
"""
    graded: dict[Key, Graded] = {}
    loaded: dict[Key, int] = {}
    stuck = 0
    for part, status, cid, sid, priority, promised, n, extra in fetch_rows(cx, sql, p.values):
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
    p = Params(t)
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
    for tag, cid, sid, promised, n, low in fetch_rows(cx, " UNION ALL ".join(arms), p.values):
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
# (attention.py)


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
    p = Params(t)
    arms = []
    for sub, ids in wanted.items():
        cond = " OR ".join(f"({p.group(g.key)})" for g in members[sub])
        arms.append(
            f"SELECT id, place FROM (SELECT id, row_number() OVER (ORDER BY id) AS place"
            f" FROM orders WHERE ({cond}) AND id <= {int(max(ids))}) AS n{len(arms)}"
            f" WHERE id IN ({id_list(ids)})"
        )
    place = dict(fetch_rows(cx, " UNION ALL ".join(arms), p.values))
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
        f" WHERE o.id IN ({id_list(ids)})"
    )
    out: dict[int, tuple[object, str, str]] = {}
    for oid, last, event_id, name, terminal in fetch_rows(cx, sql, {}):
        # An order without events has no one.
        out[oid] = (last, name, terminal) if event_id is not None else (last, "", "")
    return out
