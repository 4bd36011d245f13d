"""Each carrier's work left before its cut-off, as the shift dashboard shows it: one
:class:`CarrierOutlook` per carrier and cut-off (:func:`carrier_rows`).

The work a carrier still needs counts open orders due today (promised ship date today or
earlier, or none) that are not packed yet, per cut-off they must make: an order's
service's, else its carrier's pickup (:mod:`~wms_tui.services.dispatch.cutoffs`, the rule
of the dispatch overview and the delay list). Whether a row makes its cut-off is the
overview's pack queue at the pack pace (:mod:`~wms_tui.services.dispatch.pace`), laid out
from counts; the orders are counted per group and their lines summed off
``ix_orderline_work_left`` in statements built once per dialect (:func:`_work_left`), and
only what the ids decide is asked by id (:func:`_by_id`).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import String, and_, bindparam, case, cast, func, or_, type_coerce
from sqlmodel import Session, col, select

from wms_tui.domain.enums import OrderStatus
from wms_tui.domain.models import Carrier, Order, OrderLine
from wms_tui.services.dispatch import cutoffs, overview_rules
from wms_tui.services.dispatch.pace import Pace
from wms_tui.services.insight import rules

S = OrderStatus
# Not packed yet: these still need the floor before their truck.
TO_DO: tuple[S, ...] = (S.NEW, S.READY_TO_PICK, S.PICKING, S.PICKED, S.PACKING)
NO_CARRIER = "—"


@dataclass(frozen=True)
class CarrierOutlook:
    code: str
    name: str
    cutoff: time | None  # local
    cutoff_at: datetime | None
    orders: int  # due today, not packed yet
    lines_to_pick: int
    units_to_pick: int
    units_to_pack: int
    verdict: str  # a rules.* verdict
    done_at: datetime | None  # the pack queue reaches its last order (None: no slot today)
    at_risk: int  # its orders the pace does not pack by the cut-off (the overview's at risk)

    @property
    def makes_it(self) -> bool:
        return self.verdict in (rules.MAKES_IT, rules.DONE, rules.NO_CUTOFF)


RowKey = tuple[int | None, time | None]  # (carrier id, local cut-off): one CarrierOutlook
Pair = tuple[int | None, int | None]  # (carrier id, service id)
# (status, carrier id, service id, priority, due orders not packed yet)
DueGroup = tuple[str, int | None, int | None, int, int]


def carrier_rows(
    session: Session, now: datetime, day, tz: ZoneInfo, pace: Pace
) -> list[CarrierOutlook]:  # noqa: ANN001 - day is a date
    """Each carrier's work left per cut-off its orders must make (:mod:`cutoffs`' rule, the
    delay list's and the dispatch overview's): a carrier whose services close at 13:00 and
    17:00 has a row for each that has work, or one at its pickup when none has. Whether a
    row makes it is the dispatch overview's pack queue at :mod:`pace`'s pace, so a row
    misses by exactly the orders the overview calls at risk.

    The queue is laid out from the due orders counted per (status, carrier, service,
    priority) (:func:`overview_rules.queue_layout`, the overview's), not walked order by
    order: every due order came back as a row and was sorted in Python before (8,011 at
    100,000 orders, 20 ms CPU). Only where an order's id decides (a cut-off's turning
    subgroup, a row's last order in its last subgroup) does :func:`_by_id` ask the store,
    in one statement. ``tests/services/insight/test_dashboard_queue.py`` checks it against
    :func:`overview_rules.pack_queue_risk` order by order on random floors.
    """
    carriers = {c.id: c for c in session.exec(select(Carrier).order_by(col(Carrier.code)))}
    cuts = cutoffs.read(session, day, tz)
    groups, sums = _work_left(session, day)
    plan = overview_rules.queue_plan(
        [cuts.on_day(t) for t in (*cuts.service.values(), *cuts.carrier.values())],
        now,
        pace.per_hour,
    )
    # Ranks per (carrier, service), not per order: cuts.on_day converts time zones.
    rank_at = {c: r for r, c in enumerate(plan.cuts)}
    row_of: dict[Pair, RowKey] = {}
    rank_of: dict[Pair, int] = {}
    for pair in {(cid, sid) for _, cid, sid, _, _ in groups} | set(sums):
        cut = cuts.of(*pair)
        row_of[pair] = (pair[0], cut)
        rank_of[pair] = plan.no_cutoff if cut is None else rank_at[cuts.on_day(cut)]
    left: dict[RowKey, list[int]] = {}
    for _, cid, sid, _, n in groups:
        left.setdefault(row_of[(cid, sid)], [0, 0, 0, 0])[0] += n
    for pair, got in sums.items():
        w = left.setdefault(row_of[pair], [0, 0, 0, 0])
        for i, v in enumerate(got, start=1):
            w[i] += v
    for cid in carriers:
        if not any(k[0] == cid for k in left):
            left[(cid, cuts.pickup(cid))] = [0, 0, 0, 0]

    # The pack queue: every due order not packed yet, as the overview queues it.
    layout = overview_rules.queue_layout(
        [(rank_of[(cid, sid)], st, prio, n) for st, cid, sid, prio, n in groups], plan
    )
    stage = overview_rules.STAGE
    subgroups: dict[overview_rules.Subgroup, list[DueGroup]] = {}
    last: dict[RowKey, overview_rules.Subgroup] = {}  # a row's last subgroup in the queue
    at_risk: dict[RowKey, int] = {}
    splits: dict[int, tuple[overview_rules.Subgroup, int]] = {}  # rank -> (turning, in time)
    for grp in groups:
        st, cid, sid, prio, n = grp
        r, row = rank_of[(cid, sid)], row_of[(cid, sid)]
        if r < plan.missed_below:
            continue  # missed its cut-off: no slot today, not "at risk"
        g = (r, st, prio)
        subgroups.setdefault(g, []).append(grp)
        if row not in last or (stage[st], -prio) > (stage[last[row][1]], -last[row][2]):
            last[row] = g
        if r not in layout.turn:
            continue
        turning, in_time = layout.turn[r]
        here, there = (stage[st], -prio), (stage[turning[1]], -turning[2])
        if here > there or (here == there and in_time == 0):
            at_risk[row] = at_risk.get(row, 0) + n
        elif here == there:
            splits[r] = (turning, in_time)
    # A row's last slot: its last subgroup's place in the queue plus the place of its
    # highest id there (the subgroup's size when the row is all of it).
    places: dict[RowKey, tuple[overview_rules.Subgroup, list[Pair]]] = {}
    last_slot: dict[RowKey, int] = {}
    for row, g in last.items():
        mine = [(cid, sid) for _, cid, sid, _, _ in subgroups[g] if row_of[(cid, sid)] == row]
        if len(mine) == len(subgroups[g]):
            last_slot[row] = layout.before[g] + sum(grp[4] for grp in subgroups[g])
        else:
            places[row] = (g, mine)
    late_part, place = _by_id(session, day, subgroups, splits, places)
    for pair, n in late_part.items():
        row = row_of[pair]
        at_risk[row] = at_risk.get(row, 0) + n
    for row, (g, _) in places.items():
        last_slot[row] = layout.before[g] + place[row]

    # In cut-off order, as the floor works them (none last), then by carrier code.
    order = {cid: i for i, cid in enumerate(carriers)}
    out = []
    for cid, cut in sorted(
        left, key=lambda k: (k[1] is None, k[1] or time(), order.get(k[0], len(order)))
    ):
        c = carriers.get(cid)
        n, lines, up, uk = left[(cid, cut)]
        at = cuts.on_day(cut) if cut else None
        slot = last_slot.get((cid, cut))
        done_at = overview_rules.expected_packed(slot, now, pace.per_hour) if slot else None
        out.append(
            CarrierOutlook(
                code=c.code if c else NO_CARRIER,
                name=c.name if c else "no carrier",
                cutoff=cut,
                cutoff_at=at,
                orders=n,
                lines_to_pick=lines,
                units_to_pick=up,
                units_to_pack=uk,
                verdict=rules.verdict(n, at, now, at_risk.get((cid, cut), 0)),
                done_at=done_at if n else now,
                at_risk=at_risk.get((cid, cut), 0),
            )
        )
    return out


def _by_id(
    session: Session,
    day,  # noqa: ANN001 - a date
    subgroups: dict[overview_rules.Subgroup, list[DueGroup]],
    splits: dict[int, tuple[overview_rules.Subgroup, int]],
    places: dict[RowKey, tuple[overview_rules.Subgroup, list[Pair]]],
) -> tuple[dict[Pair, int], dict[RowKey, int]]:
    """What only the ids tell, in one statement that reads each subgroup asked about once:
    per (carrier, service), the orders of a turning subgroup from its first one past the
    cut-off on (the overview's split: the subgroup's orders by id, skipping those still
    in time); per row, how many orders of its last subgroup come up to its highest id.

    SQL text with the subgroups' keys written in (statuses, priorities, ids and the day
    are the store's own values): a SQLAlchemy tree of this shape, built and compiled
    anew on each refresh, cost several times what the store took to run it."""
    asked: dict[overview_rules.Subgroup, tuple[int | None, list[RowKey]]] = {}
    for g, in_time in splits.values():
        asked[g] = (in_time, [])
    for row, (g, _) in places.items():
        asked.setdefault(g, (None, []))[1].append(row)
    if not asked:
        return {}, {}

    due_by = f"(promised_ship_date IS NULL OR promised_ship_date <= '{day.isoformat()}')"

    def among(g: overview_rules.Subgroup, pairs: list[Pair]) -> str:
        either = " OR ".join(
            f"({_is('carrier_id', cid)} AND {_is('service_id', sid)})" for cid, sid in pairs
        )
        return f"status = '{S(g[1]).value}' AND priority = {int(g[2])} AND {due_by} AND ({either})"

    width = max(len(rows) for _, rows in asked.values())
    parts = []
    for i, (g, (in_time, rows)) in enumerate(asked.items()):
        in_g = among(g, [(cid, sid) for _, cid, sid, _, _ in subgroups[g]])
        late = "0"
        if in_time is not None:
            first = f"SELECT id FROM orders WHERE {in_g} ORDER BY id LIMIT 1 OFFSET {int(in_time)}"
            late = f"sum(CASE WHEN id >= ({first}) THEN 1 ELSE 0 END)"
        upto = [
            "sum(CASE WHEN id <= (SELECT max(id) FROM orders WHERE "
            f"{among(g, places[row][1])}) THEN 1 ELSE 0 END)"
            for row in rows
        ]
        upto += ["0"] * (width - len(rows))
        parts.append(
            f"SELECT {i}, carrier_id, service_id, {', '.join((late, *upto))} FROM orders"
            f" WHERE {in_g} GROUP BY carrier_id, service_id"
        )
    keys = list(asked.items())
    late_part: dict[Pair, int] = {}
    place: dict[RowKey, int] = {}
    result = session.connection().exec_driver_sql(" UNION ALL ".join(parts))
    for i, cid, sid, n_late, *upto in result.all():
        _, (in_time, rows) = keys[i]
        if in_time is not None and n_late:
            late_part[(cid, sid)] = late_part.get((cid, sid), 0) + int(n_late)
        for row, n in zip(rows, upto, strict=False):
            place[row] = place.get(row, 0) + int(n or 0)
    return late_part, place


def _is(column: str, value: int | None) -> str:
    return f"{column} IS NULL" if value is None else f"{column} = {int(value)}"


def _due() -> tuple:
    """Open orders due by the bound ``day`` (promised then or earlier, or no date) not
    packed yet."""
    return (
        col(Order.status).in_(TO_DO),
        or_(
            col(Order.promised_ship_date).is_(None),
            col(Order.promised_ship_date) <= bindparam("day"),
        ),
    )


# A line with units still to pick or to pack: the lines ix_orderline_work_left holds
# (migration 0020). Written as the index's condition is, so SQLite sees it implies it.
def _line_has_work() -> object:
    return or_(
        OrderLine.quantity > OrderLine.qty_short + OrderLine.qty_packed,
        OrderLine.quantity > OrderLine.qty_short + OrderLine.qty_picked,
    )


def _work_left(session: Session, day) -> tuple[list[DueGroup], dict[Pair, tuple[int, ...]]]:  # noqa: ANN001
    """The orders due by ``day`` not packed yet, counted per (status, carrier, service,
    priority), and their (lines to pick, units to pick, units to pack) per (carrier,
    service).

    The lines come from ix_orderline_work_left, which holds only lines with units left
    (those of open orders, and of orders cancelled before they were packed): a packed or
    dispatched order's lines are not in it, so PostgreSQL hashes the due orders against
    it instead of against every order line on record.
    """
    cx = session.connection()
    statements = _work_left_statements(cx.dialect.name)
    groups: list[DueGroup] = []
    sums: dict[Pair, tuple[int, ...]] = {}
    if len(statements) == 1:
        for st, cid, sid, prio, n, *got in cx.execute(statements[0], {"day": day}).all():
            groups.append((st, cid, sid, int(prio), int(n)))
            have = sums.get((cid, sid), (0, 0, 0))
            sums[(cid, sid)] = tuple(a + int(b or 0) for a, b in zip(have, got, strict=True))
        return groups, sums
    grouped, summed = statements
    groups = [
        (st, cid, sid, int(prio), int(n))
        for st, cid, sid, prio, n in cx.execute(grouped, {"day": day}).all()
    ]
    for cid, sid, *got in cx.execute(summed, {"day": day}).all():
        sums[(cid, sid)] = tuple(int(v or 0) for v in got)
    return groups, sums


@functools.cache
def _work_left_statements(dialect: str) -> tuple:
    """:func:`_work_left`'s statements, built once per dialect (``day`` bound): building
    them on every refresh cost about a third of their CPU on SQLite at 100,000 orders."""
    due = _due()
    sqlite = dialect == "sqlite"
    # Text on both backends, as the rules compare it (PostgreSQL's status is an enum type).
    status = type_coerce(Order.status, String) if sqlite else cast(Order.status, String)
    keys = (Order.carrier_id, Order.service_id)
    need = OrderLine.quantity - OrderLine.qty_short
    to_pick = need - OrderLine.qty_picked
    to_pack = need - OrderLine.qty_packed
    line_sums = (
        func.sum(case((to_pick > 0, 1), else_=0)),
        func.sum(case((to_pick > 0, to_pick), else_=0)),
        func.sum(case((to_pack > 0, to_pack), else_=0)),
    )
    if sqlite:
        # One statement, grouped in the order of ix_orders_open_work (status, carrier,
        # service, priority), each order's lines looked up in the covering partial index:
        # SQLite sorts nothing but the orders' ids for the count.
        return (
            select(status, *keys, Order.priority, func.count(func.distinct(Order.id)), *line_sums)
            .select_from(Order)
            .join(
                OrderLine,
                and_(col(OrderLine.order_id) == Order.id, _line_has_work()),
                isouter=True,
            )
            .where(*due)
            .group_by(Order.status, *keys, Order.priority),
        )
    # PostgreSQL: the orders from ix_orders_open_work alone, the lines' sums apart (no
    # count(DISTINCT)).
    return (
        select(status, *keys, Order.priority, func.count())
        .where(*due)
        .group_by(Order.status, *keys, Order.priority),
        select(*keys, *line_sums)
        .select_from(Order)
        .join(OrderLine, col(OrderLine.order_id) == Order.id)
        .where(*due, _line_has_work())
        .group_by(*keys),
    )
