"""The dashboard's carriers' rows, counted in SQL, equal the rules walked order by order.

``carrier_outlook.carrier_rows`` lays the pack queue out from counts per (status, carrier,
service, priority) and asks the store only where an id decides (a cut-off's turning
subgroup, a row's last order); it sums the work left from the partial index of lines
with units left. The reference here reads every order and line with the ORM and walks
:func:`overview_rules.pack_queue_risk` order by order, as the dashboard did before.
Hypothesis draws the floors (cut-offs passed and to come, two services sharing a
cut-off, orders without carrier or service, ties in priority, promised dates past,
today and later, lines half picked, packed, short) and the pace, on both backends.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import event, text
from sqlmodel import delete, select

from tests.worlds import factories as f
from wms_tui.domain.enums import OrderStatus
from wms_tui.domain.models import Order, OrderLine, Service
from wms_tui.services.core.clock import warehouse_zone
from wms_tui.services.dispatch import cutoffs
from wms_tui.services.dispatch import overview_rules as rules
from wms_tui.services.dispatch.pace import Pace
from wms_tui.services.insight import carrier_outlook as dash
from wms_tui.services.insight import rules as insight_rules
from wms_tui.store import Store

S = OrderStatus
DAY = date(2026, 3, 10)
# 13:00, 15:10 and 16:30 in Jönköping: before every cut-off, after two, after all.
NOWS = (
    datetime(2026, 3, 10, 12, 0, tzinfo=UTC),
    datetime(2026, 3, 10, 14, 10, tzinfo=UTC),
    datetime(2026, 3, 10, 15, 30, tzinfo=UTC),
)
STATUSES = [S.NEW, S.READY_TO_PICK, S.PICKING, S.PICKED, S.PACKING, S.PACKED, S.ON_HOLD]
PROMISES = [None, DAY - timedelta(days=1), DAY, DAY + timedelta(days=1)]

line = st.tuples(
    st.integers(1, 3),  # quantity
    st.integers(0, 3),  # picked
    st.integers(0, 3),  # packed
    st.integers(0, 1),  # short
).map(lambda t: (t[0], min(t[1], t[0]), min(t[2], t[1], t[0]), min(t[3], t[0])))
order = st.tuples(
    st.integers(0, 5),  # route
    st.sampled_from(STATUSES),
    st.sampled_from((0, 0, 1, 5)),
    st.sampled_from(PROMISES),
    st.lists(line, max_size=3),
)


@pytest.fixture
def floor(empty_store: Store) -> tuple[Store, list]:
    with empty_store.unit_of_work() as uow:
        f.warehouse(uow)  # Europe/Stockholm
        pn, pn_std = f.carrier(uow, "PN", cutoff=time(16, 0))
        dhl, dhl_std = f.carrier(uow, "DHL", cutoff=time(15, 0))
        ups, ups_std = f.carrier(uow, "UPS", cutoff=time(15, 0))  # DHL's cut-off too
        f.carrier(uow, "DPD", cutoff=time(17, 0))  # a carrier with nothing due
        dhl_exp = Service(carrier_id=dhl.id, code="DHL-EXP", name="Express", cutoff=time(12, 30))
        uow.add(dhl_exp)
        uow.flush()
        product = f.product(uow, "SKU-1")
        routes = [
            (pn.id, pn_std.id),
            (dhl.id, dhl_std.id),
            (dhl.id, dhl_exp.id),
            (ups.id, ups_std.id),
            (pn.id, None),  # the carrier's latest cut-off
            (None, None),  # no cut-off at all
        ]
        uow.commit()
    return empty_store, [routes, product.id]


def _reference(session, now: datetime, pace: Pace) -> list[dash.CarrierOutlook]:  # noqa: ANN001
    """The rows as the dashboard built them before: every due order read and walked."""
    tz = warehouse_zone(session)
    cuts = cutoffs.read(session, DAY, tz)
    carriers = {c.id: c for c in session.exec(select(dash.Carrier).order_by(dash.Carrier.code))}
    due = [
        o
        for o in session.exec(select(Order)).all()
        if o.status in dash.TO_DO and (o.promised_ship_date is None or o.promised_ship_date <= DAY)
    ]
    lines = session.exec(select(OrderLine)).all()
    left: dict = {}
    for o in due:
        w = left.setdefault((o.carrier_id, cuts.of(o.carrier_id, o.service_id)), [0, 0, 0, 0])
        w[0] += 1
        for ln in lines:
            if ln.order_id == o.id:
                to_pick = ln.quantity - ln.qty_short - ln.qty_picked
                to_pack = ln.quantity - ln.qty_short - ln.qty_packed
                w[1] += to_pick > 0
                w[2] += max(0, to_pick)
                w[3] += max(0, to_pack)
    for cid in carriers:
        if not any(k[0] == cid for k in left):
            left[(cid, cuts.pickup(cid))] = [0, 0, 0, 0]
    queue = [
        (o.id, "", o.status.value, o.carrier_id, o.service_id, o.priority, None, None) for o in due
    ]
    risk = rules.pack_queue_risk(queue, cuts.at, now, pace.per_hour, None)
    at_risk: dict = {}
    last_slot: dict = {}
    for oid, _, _, cid, sid, *_ in queue:
        row = (cid, cuts.of(cid, sid))
        if risk.by_order.get(oid, ("",))[0] == rules.AT_RISK:
            at_risk[row] = at_risk.get(row, 0) + 1
        if oid in risk.slots:
            last_slot[row] = max(last_slot.get(row, 0), risk.slots[oid])
    order_of = {cid: i for i, cid in enumerate(carriers)}
    out = []
    for cid, cut in sorted(
        left, key=lambda k: (k[1] is None, k[1] or time(), order_of.get(k[0], len(order_of)))
    ):
        c = carriers.get(cid)
        n, ln, up, uk = left[(cid, cut)]
        at = cuts.on_day(cut) if cut else None
        slot = last_slot.get((cid, cut))
        done_at = rules.expected_packed(slot, now, pace.per_hour) if slot else None
        out.append(
            dash.CarrierOutlook(
                code=c.code if c else dash.NO_CARRIER,
                name=c.name if c else "no carrier",
                cutoff=cut,
                cutoff_at=at,
                orders=n,
                lines_to_pick=ln,
                units_to_pick=up,
                units_to_pack=uk,
                verdict=insight_rules.verdict(n, at, now, at_risk.get((cid, cut), 0)),
                done_at=done_at if n else now,
                at_risk=at_risk.get((cid, cut), 0),
            )
        )
    return out


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    orders=st.lists(order, max_size=40),
    now=st.sampled_from(NOWS),
    per_hour=st.sampled_from((0.0, 1.0, 3.0, 8.0, 40.0)),
)
def test_carriers_rows_equal_the_order_by_order_walk(
    floor: tuple[Store, list], orders: list, now: datetime, per_hour: float
) -> None:
    store, (routes, product_id) = floor
    with store.unit_of_work() as uow:
        uow.session.exec(delete(OrderLine))  # type: ignore[call-overload]
        uow.session.exec(delete(Order))  # type: ignore[call-overload]
        for i, (route, status, priority, promised, order_lines) in enumerate(orders):
            cid, sid = routes[route]
            o = Order(
                name=f"#Q{i}",
                status=status,
                carrier_id=cid,
                service_id=sid,
                priority=priority,
                promised_ship_date=promised,
                created_at=now - timedelta(hours=3),
                status_changed_at=now - timedelta(hours=1),
                ship_country="SE",
            )
            uow.add(o)
            uow.flush()
            for no, (qty, picked, packed, short) in enumerate(order_lines, start=1):
                uow.add(OrderLine(order_id=o.id, line_no=no, product_id=product_id, sku="SKU-1",
                                  quantity=qty, qty_picked=picked, qty_packed=packed,
                                  qty_short=short))  # fmt: skip
        uow.commit()
    pace = Pace(per_hour, per_hour > 0, 0, per_hour)
    with store.read() as session:
        tz = warehouse_zone(session)
        got = dash.carrier_rows(session, now, DAY, tz, pace)
        want = _reference(session, now, pace)
    assert got == want


def test_a_row_sharing_its_last_subgroup_and_a_turning_cutoff_are_read_by_id(
    floor: tuple[Store, list],
) -> None:
    """The two places where an id decides, on a floor built to need both: DHL's and
    UPS's 15:00 orders share one subgroup, and the pace packs only part of it in time."""
    store, (routes, product_id) = floor
    now = NOWS[0]
    with store.unit_of_work() as uow:
        for i in range(12):
            cid, sid = routes[1 + 2 * (i % 2)]  # DHL-STD, UPS-STD alternately, both 15:00
            uow.add(Order(name=f"#T{i}", status=S.READY_TO_PICK, carrier_id=cid, service_id=sid,
                          created_at=now, status_changed_at=now, ship_country="SE"))  # fmt: skip
        uow.commit()
    pace = Pace(5.0, True, 5, 5.0)  # 2 h to 15:00 local: 10 slots in time, 2 at risk
    with store.read() as session:
        got = dash.carrier_rows(session, now, DAY, warehouse_zone(session), pace)
        want = _reference(session, now, pace)
    assert got == want
    by_code = {(r.code, r.cutoff): r for r in got}
    dhl, ups = by_code[("DHL", time(15, 0))], by_code[("UPS", time(15, 0))]
    assert (dhl.at_risk, ups.at_risk) == (1, 1)
    assert ups.done_at == rules.expected_packed(12, now, 5.0)
    assert dhl.done_at == rules.expected_packed(11, now, 5.0)


def test_the_work_left_is_read_from_the_lines_with_work_only(floor: tuple[Store, list]) -> None:
    """Migration 0020's partial index: SQLite's plan for the dashboard's own statement
    reads the lines from it alone (the condition written as the index's, or SQLite
    cannot tell that it implies it); PostgreSQL has it with that condition (its planner
    picks it by statistics, which an empty store has none of)."""
    store, _ = floor
    sent: list[tuple[str, object]] = []

    def keep(conn, cursor, statement, params, context, many) -> None:  # noqa: ANN001
        sent.append((statement, params))

    event.listen(store.engine, "before_cursor_execute", keep)
    try:
        with store.read() as session:
            dash._work_left(session, DAY)
    finally:
        event.remove(store.engine, "before_cursor_execute", keep)
    with store.engine.connect() as conn:
        if store.dialect == "postgresql":
            found = conn.execute(
                text(
                    "SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_orderline_work_left' "
                    "AND schemaname = current_schema()"
                )
            ).scalar_one()
            assert "(order_id, quantity, qty_short, qty_picked, qty_packed)" in found
            assert "(quantity > (qty_short + qty_packed))" in found
            assert "(quantity > (qty_short + qty_picked))" in found
            assert any("qty_short + orderline.qty_packed" in s for s, _ in sent)
            return
        (statement, params), *_ = [(s, p) for s, p in sent if "orderline" in s]
        plan = " | ".join(r[3] for r in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement,
                                                             params).all())  # fmt: skip
        assert "COVERING INDEX ix_orderline_work_left" in plan
