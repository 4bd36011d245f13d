"""The overview's SQL counts what its rules, order by order, count.

``overview/open_work.py`` counts the open orders per group in the database, lays
the pack queue out from the counts and reads only the groups that reach the list;
``overview_rules.pack_queue_risk`` and ``tally`` state the same rules one order
at a time. Random floors (cut-offs passed and to come, two services sharing a
cut-off, orders without carrier or service, ties in priority, names in mixed case
and with Å and ö, orders with and without events, packed orders partly loaded)
are built on both backends and every number and the attention list compared.
(The test database here is C.UTF-8, so the byte-order collation the list asks
PostgreSQL for changes nothing on this machine; it does on an en_US database.)
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlmodel import select

from tests.worlds import factories as f
from wms_tui.domain import shipping_days as days
from wms_tui.domain.clock import set_clock
from wms_tui.domain.enums import OrderStatus, ParcelStatus
from wms_tui.domain.models import Event, Order, Parcel, Service
from wms_tui.services.core import settings
from wms_tui.services.dispatch import overview as dispatch_overview
from wms_tui.services.dispatch import overview_rules as rules
from wms_tui.store import Store

S = OrderStatus
NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)  # 13:00 in Jönköping
DAY = date(2026, 3, 10)
STATUSES = list(dispatch_overview.OPEN_STATUSES)  # closed ones are counted apart
NAMES = ["#a", "#B", "#Å", "#ö", "#Z", "#1"]


def _build(store: Store, seed: int, n_orders: int = 70, late_share: float | None = None) -> None:
    rng = random.Random(seed)
    with store.unit_of_work() as uow:
        f.warehouse(uow)  # Europe/Stockholm
        settings.put(uow.session, "planned_packs_per_hour", str(rng.choice((3, 8, 20))))
        pn, pn_std = f.carrier(uow, "PN", cutoff=time(16, 0))
        dhl, dhl_std = f.carrier(uow, "DHL", cutoff=time(15, 0))
        ups, ups_std = f.carrier(uow, "UPS", cutoff=time(15, 0))  # DHL's cut-off too
        dhl_exp = Service(carrier_id=dhl.id, code="DHL-EXP", name="Express", cutoff=time(12, 30))
        uow.add(dhl_exp)
        uow.flush()
        routes = [
            (pn.id, pn_std.id),
            (dhl.id, dhl_std.id),
            (dhl.id, dhl_exp.id),
            (ups.id, ups_std.id),
            (pn.id, None),  # the carrier's latest cut-off
            (None, None),  # no cut-off at all
        ]
        promises = [None, DAY - timedelta(days=2), DAY - timedelta(days=1), DAY, DAY, DAY]
        promises.append(DAY + timedelta(days=1))
        on_time = [None, DAY, DAY + timedelta(days=1)]
        late = [DAY - timedelta(days=2), DAY - timedelta(days=1)]
        for i in range(n_orders):
            cid, sid = rng.choice(routes)
            status = rng.choice(STATUSES)
            changed = NOW - timedelta(minutes=rng.randint(1, 300))
            order = Order(
                name=f"{rng.choice(NAMES)}{i}",
                status=status,
                carrier_id=cid,
                service_id=sid,
                priority=rng.choice((0, 0, 1, 5)),
                promised_ship_date=rng.choice(
                    promises
                    if late_share is None
                    else late
                    if rng.random() < late_share
                    else on_time
                ),
                created_at=changed - timedelta(hours=1),
                status_changed_at=changed,
                ship_country="SE",
            )
            uow.add(order)
            uow.flush()
            for _ in range(rng.choice((0, 1, 1, 2, 3))):
                at = NOW - timedelta(minutes=rng.randint(0, 300))
                uow.add(Event(at=at, kind="pack.scan", order_id=order.id, order_name=order.name,
                              operator_name=f"op{rng.randint(1, 3)}", terminal="T1"))  # fmt: skip
            if status is S.PACKED:
                for seq in range(1, rng.choice((0, 1, 2)) + 1):
                    parcel_status = rng.choice((ParcelStatus.LOADED, ParcelStatus.CLOSED))
                    uow.add(Parcel(order_id=order.id, seq=seq, count=2, status=parcel_status))
        uow.commit()


def _reference(store: Store, snap: dispatch_overview.Snapshot):  # noqa: ANN202
    """The rules applied order by order, to rows read with the ORM."""
    with store.read() as s:
        services = {x.id: x for x in s.exec(select(Service)).all()}
        orders = s.exec(
            select(Order).where(Order.status.in_(dispatch_overview.OPEN_STATUSES))  # type: ignore[attr-defined]
        ).all()
        events = s.exec(select(Event)).all()
        parcels = s.exec(select(Parcel)).all()
        last: dict[int, datetime] = {}
        for e in events:
            if e.order_id is not None:
                last[e.order_id] = max(last.get(e.order_id, e.at), e.at)
        rows = [
            (o.id, o.name, o.status.value, o.carrier_id, o.service_id, o.priority,
             o.promised_ship_date, last.get(o.id, o.status_changed_at))
            for o in orders
        ]  # fmt: skip
        loaded = {
            o.id
            for o in orders
            if o.status is S.PACKED
            and any(p.order_id == o.id and p.status is ParcelStatus.LOADED for p in parcels)
            and not any(p.order_id == o.id and p.status is ParcelStatus.CLOSED for p in parcels)
        }
        cuts = {x.id: (x.carrier_id, x.cutoff) for x in services.values()}
    tz = snap.tz
    carrier_cut: dict[int, time] = {}
    for carrier, cut in cuts.values():
        carrier_cut[carrier] = max(carrier_cut.get(carrier, cut), cut)

    def cutoff_of(cid: int | None, sid: int | None) -> datetime | None:
        if sid in cuts:
            return days.cutoff_at(DAY, cuts[sid][1], tz)
        if cid in carrier_cut:
            return days.cutoff_at(DAY, carrier_cut[cid], tz)
        return None

    risk = rules.pack_queue_risk(rows, cutoff_of, NOW, snap.pace_per_hour, DAY)
    stuck_before = NOW - timedelta(minutes=120)
    t = rules.tally(rows, risk, loaded, day=DAY, today=DAY, stuck_before=stuck_before, now=NOW)
    return risk, t


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_sql_counts_and_lists_what_the_rules_do_order_by_order(
    empty_store: Store, seed: int
) -> None:
    set_clock(lambda: NOW)
    _build(empty_store, seed)
    snap = dispatch_overview.snapshot(empty_store, NOW)
    assert snap.n_at_risk and snap.n_missed and snap.n_late and snap.n_stuck  # all exercised
    _assert_as_the_rules(empty_store, snap, dispatch_overview.MAX_LISTED)


# (seed, orders, share of late orders or None for the mix above, orders listed at most).
# A short list makes the overview read only the groups that reach it, cut a group of
# equal place short by name, and read the stuck-only orders when few are flagged; a
# floor with no late orders lists missed, at risk and stuck ones only.
FLOORS = [
    (4, 120, None, 1),
    (5, 120, None, 7),
    (6, 150, 0.5, 12),
    (7, 150, 0.0, 9),
    (8, 150, 0.0, 40),
    (9, 40, 0.05, 25),
    (10, 150, 0.9, 30),
    (11, 90, 0.2, 3),
]


@pytest.mark.parametrize(("seed", "n_orders", "late_share", "limit"), FLOORS)
def test_a_short_list_is_the_rules_first_orders(  # noqa: PLR0913 - one floor's terms
    empty_store: Store,
    monkeypatch: pytest.MonkeyPatch,
    seed: int,
    n_orders: int,
    late_share: float | None,
    limit: int,
) -> None:
    from wms_tui.services.dispatch.overview import attention

    monkeypatch.setattr(attention, "MAX_LISTED", limit)
    set_clock(lambda: NOW)
    _build(empty_store, seed, n_orders, late_share)
    _assert_as_the_rules(empty_store, dispatch_overview.snapshot(empty_store, NOW), limit)


def _assert_as_the_rules(store: Store, snap: dispatch_overview.Snapshot, limit: int) -> None:
    risk, t = _reference(store, snap)

    assert (snap.n_at_risk, snap.n_missed, snap.due_open) == (
        risk.at_risk,
        risk.missed,
        risk.due_open,
    )
    assert (snap.n_late, snap.n_stuck) == (t.late, t.stuck)
    by_code = {c.carrier_id: c for c in snap.carriers}
    for cid, pipe in t.pipe.items():
        row = by_code[cid]
        for k, n in pipe.items():
            # DISPATCHED today adds to handed over; this floor dispatched nothing today.
            assert getattr(row, k) == n, (row.code, k)
    with store.read() as session:
        code_of = {x.id: x.code for x in session.exec(select(Service)).all()}
    carrier_code = {c.carrier_id: c.code for c in snap.carriers}
    services = {(r.carrier_code, r.service_code): r for r in snap.services}
    assert len(services) == len(t.by_service)
    for (cid, sid), counts in t.by_service.items():
        row = services[(carrier_code[cid], code_of.get(sid, ""))]
        assert {k: v for k, v in row.counts.items() if v} == {k: v for k, v in counts.items() if v}
        pipe = t.service_pipe.get((cid, sid), {})
        assert (row.loaded, row.at_risk, row.missed, row.late) == (
            pipe.get("loaded", 0),
            pipe.get("at_risk", 0),
            pipe.get("missed", 0),
            pipe.get("late", 0),
        )
    expected = []
    for _, r, late, stuck in t.flagged[:limit]:
        kind, eta, cut = risk.by_order.get(r[0], ("", None, None))
        expected.append((r[1], late, kind, eta, cut, stuck))
    got = [
        (a.name, a.late_days, a.risk, a.eta, a.cutoff_at, a.stuck_minutes) for a in snap.attention
    ]
    assert got == expected


def test_an_order_that_moves_between_statements_does_not_fail_the_refresh(
    empty_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On PostgreSQL each statement of a read sees the latest committed orders: a
    terminal's write between the counts and the list puts orders under keys the counts
    did not see. The refresh leaves them out until the next one instead of failing."""
    from sqlalchemy import update

    from wms_tui.services.dispatch.overview import open_work

    set_clock(lambda: NOW)
    _build(empty_store, 7, 150, 0.0)  # nothing late: the stuck-only orders are read
    counted = open_work._count

    def count_then_move(cx, t):  # noqa: ANN001, ANN202 - as open_work._count
        out = counted(cx, t)
        with empty_store.unit_of_work() as uow:
            uow.session.execute(
                update(Order)
                .where(Order.status.in_(list(dispatch_overview.FLOW_STATUSES)))  # type: ignore[attr-defined]
                .values(priority=9)
            )
            uow.commit()
        return out

    monkeypatch.setattr(open_work, "_count", count_then_move)
    snap = dispatch_overview.snapshot(empty_store, NOW)
    # Counted before the move; listed after it, where the store answered that way.
    assert snap.n_stuck
    if empty_store.dialect == "postgresql":
        assert not [a for a in snap.attention if a.stuck_minutes and not a.risk]
