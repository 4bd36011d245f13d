"""The attention list: the first :data:`MAX_LISTED` open orders that are late, missed,
at risk or stuck, in the overview's order, read by the groups that can reach it.

The order of the list is known per group (late first, by cut-off and promised date; then
missed, at risk, stuck; the name last), so :func:`attention_list` picks the groups that can
reach the first :data:`MAX_LISTED` and the store reads each of those by its index key, at
most as many names as can still be shown. Stuck-only orders (no group says which) come
last: read only when fewer than :data:`MAX_LISTED` orders are late, missed or at risk, as
the first names among the stuck ones. One statement, step 4 of :mod:`open_work`'s refresh.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import Connection

from wms_tui.services.dispatch import overview_rules as rules
from wms_tui.services.dispatch.overview.model import MAX_LISTED
from wms_tui.services.dispatch.overview.terms import (
    FLOW,
    Graded,
    Listed,
    Params,
    Terms,
    fetch_rows,
    status_list,
)


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


def attention_list(cx: Connection, t: Terms, graded: list[Graded]) -> list[Listed]:
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
    p = Params(t)
    arms = [_bucket_arm(p, t, tag, parts_, room) for tag, (_, parts_, room) in enumerate(buckets)]
    if stuck_room:
        arms.append(_stuck_arm(p, t, parts, stuck_room))
    if not arms:
        return []
    stuck: list[Listed] = []
    for tag, *row in fetch_rows(cx, " UNION ALL ".join(arms), p.values):
        if tag < 0:
            g = by_key.get(tuple(row[2:]))  # type: ignore[arg-type]
            stuck += _stuck_row(row, g, t) if g is not None else []  # moved: see open_work's note
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


def _bucket_arm(p: Params, t: Terms, tag: int, parts: list[_Part], room: int) -> str:
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


def _stuck_arm(p: Params, t: Terms, parts: list[_Part], room: int) -> str:
    """The first names among stuck orders that are not late.

    Which of a group's orders are stuck no count says, so these are read by name: as
    many as could be shown plus the missed and at-risk ones among them (fewer than
    MAX_LISTED, or the list would be full before this), which :func:`_stuck_row` drops.
    """
    risky = sum(x.count for x in parts if x.urgency() in (1, 2))
    sb = p(t.stuck_cmp)
    return (
        f"SELECT * FROM (SELECT -1 AS part, {_columns(t)} FROM orders"
        f" WHERE status IN ({status_list(FLOW)})"
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
