"""Whatever the shop and the supervisor do to waved orders, every open pick stop
names a live reservation, and the picker can always walk the task to its end.

Random sequences of shop-side cancels (a record with a cancellation date, the
path of a re-import and a webhook), supervisor cancels, holds and releases,
re-imports that try to change lines, cycle counts of the wave's bins, pick
stops walked, short picks and pauses are played against a claimed task of
three orders. After every step each stop still to walk must point at a
reservation of its own order line covering what the stop still asks for; at
the end the picker finishes the task without one refused scan.

The shop's cancel once gave a waved order's reservations back but left its
stops on the task: the picker was sent for units reserved for nobody, the
stop was refused and the task, with the cart's other orders, never finished.
"""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import col, select

from tests.conftest import sqlite_schema_copy, temp_root
from tests.worlds.picking import BARCODES, STOCK, build_world
from wms_tui.adapters.shopify.csv_format import OrderLineRecord, OrderRecord, ShipTo
from wms_tui.domain.enums import OPEN_TASK
from wms_tui.domain.errors import DomainError
from wms_tui.domain.models import Allocation, OrderLine, PickTask, PickTaskLine
from wms_tui.services.intake import order_admin
from wms_tui.services.intake.order_import import import_record
from wms_tui.services.inventory import cycle_count as cc
from wms_tui.services.picking import walk as picking
from wms_tui.services.picking.waves import build_wave
from wms_tui.store import Store

ORDERS = [
    ("#1", [("MUG-RED", 3), ("TEE-M", 2)]),
    ("#2", [("MUG-RED", 2), ("CAP-1", 1)]),
    ("#3", [("TEE-M", 1), ("SOCK-6", 7)]),
]
NAMES = [name for name, _ in ORDERS]
BINS = sorted({code for bins in STOCK.values() for code, _ in bins})

ORDER = st.sampled_from(NAMES)
ACTIONS = st.lists(
    st.one_of(
        st.tuples(st.just("shop_cancel"), ORDER),
        st.tuples(st.just("shop_change"), ORDER),
        st.tuples(st.just("cancel"), ORDER),
        st.tuples(st.just("hold"), ORDER),
        st.tuples(st.just("release"), ORDER),
        st.tuples(st.just("count"), st.sampled_from(BINS), st.booleans()),
        st.just(("pick",)),
        st.just(("short",)),
        st.just(("pause",)),
    ),
    max_size=12,
)


def open_stops_without_a_reservation(store: Store) -> list[str]:
    """Every stop still to walk, as a picker is sent to it, that no reservation backs."""
    bad = []
    with store.read() as s:
        rows = s.exec(
            select(PickTaskLine, PickTask.code)
            .join(PickTask, col(PickTask.id) == PickTaskLine.task_id)
            .where(col(PickTask.status).in_(OPEN_TASK), col(PickTaskLine.done).is_(False))
        ).all()
        for stop, code in rows:
            left = stop.qty - stop.qty_picked - stop.qty_short
            alloc = s.get(Allocation, stop.allocation_id) if stop.allocation_id else None
            line = s.get(OrderLine, stop.order_line_id)
            if (
                alloc is None
                or alloc.order_line_id != stop.order_line_id
                or alloc.qty - alloc.qty_picked < left
                or line is None
            ):
                reserved = None if alloc is None else alloc.qty - alloc.qty_picked
                bad.append(f"{code} stop {stop.seq}: {left} to pick, {reserved} reserved")
    return bad


def _shop_record(name: str, lines: list[tuple[str, int]], *, cancelled: bool) -> OrderRecord:
    return OrderRecord(
        row=0,
        name=name,
        email="asa@example.se",
        phone="",
        financial_status="paid",
        fulfillment_status="",
        shipping_method="",
        created_at=datetime(2026, 12, 1, 8, 0, tzinfo=UTC),
        cancelled_at=datetime(2026, 12, 1, 9, 0, tzinfo=UTC) if cancelled else None,
        notes="",
        note_attributes={},
        tags=[],
        ship_to=ShipTo(
            name="Åsa Öberg",
            company="",
            address1="Storgatan 5",
            address2="",
            city="Stockholm",
            zip="114 55",
            province="",
            country="SE",
            phone="",
        ),
        source="shopify",
        lines=[
            OrderLineRecord(n, sku, sku, qty, Decimal("10.00"))
            for n, (sku, qty) in enumerate(lines, 1)
        ],
    )


def _from_the_shop(store: Store, name: str, *, cancelled: bool) -> None:
    lines = dict(ORDERS)[name]
    if not cancelled:
        # One unit more of the first line: a change the shop may send at any time.
        lines = [(lines[0][0], lines[0][1] + 1), *lines[1:]]
    with store.unit_of_work() as uow:
        import_record(uow, _shop_record(name, lines, cancelled=cancelled))
        uow.commit()


def _count(store: Store, supervisor, bin_code: str, one_missing: bool) -> None:  # noqa: ANN001
    system = {v.sku: v.system for v in cc.count_variance(store, supervisor, bin_code, {})}
    counted = dict(system)
    if one_missing:
        for sku, qty in counted.items():
            if qty:
                counted[sku] = qty - 1
                break
    cc.approve_count(
        store, supervisor, bin_code, counted, reason="counted" if one_missing else "",
        expected=system,
    )  # fmt: skip


def _walk_one_stop(store: Store, picker, code: str, *, short: bool) -> None:  # noqa: ANN001
    stop = picking.current_stop(store, picker, code).stop
    if stop is None:
        return
    at = None
    if stop.stage is picking.Stage.PICK:
        at = picking.scan(store, picker, code, stop.bin).at_bin
        if short:
            picking.report_short(store, picker, code, "missing", at_bin=at)
            stop = picking.current_stop(store, picker, code).stop
            if stop is None or stop.stage is picking.Stage.PICK:
                return
        else:
            picking.scan(store, picker, code, BARCODES[stop.sku], at_bin=at, count=stop.remaining)
    picking.scan(store, picker, code, stop.tote, at_bin=at or stop.bin)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(actions=ACTIONS)
def test_every_open_stop_names_a_live_reservation(actions) -> None:
    with tempfile.TemporaryDirectory(dir=temp_root()) as tmp:
        store = sqlite_schema_copy(f"sqlite:///{Path(tmp) / 'wms.db'}")
        try:
            _play(store, actions)
        finally:
            store.dispose()


def _play(store: Store, actions) -> None:  # noqa: ANN001
    w = build_world(store, ORDERS)
    build_wave(store, w.supervisor)
    ana = w.pickers[0]
    code = picking.claim_next_task(store, ana).code
    for action in actions:
        kind = action[0]
        try:
            if kind == "shop_cancel":
                _from_the_shop(store, action[1], cancelled=True)
            elif kind == "shop_change":
                _from_the_shop(store, action[1], cancelled=False)
            elif kind == "cancel":
                order_admin.cancel_order(store, w.supervisor, w.orders[action[1]], "customer")
            elif kind == "hold":
                order_admin.hold_order(store, w.supervisor, w.orders[action[1]], "address check")
            elif kind == "release":
                order_admin.release_order(store, w.supervisor, w.orders[action[1]])
            elif kind == "count":
                _count(store, w.supervisor, action[1], action[2])
            elif kind in ("pick", "short"):
                _walk_one_stop(store, ana, code, short=kind == "short")
            else:
                picking.pause_task(store, ana, code)
                picking.resume_task(store, ana, code)
        except DomainError:
            pass  # refused, nothing changed: the stops must still hold
        assert open_stops_without_a_reservation(store) == [], action
    # No dead end: the picker walks what is left of the task without one refusal.
    while (stop := picking.current_stop(store, ana, code).stop) is not None:
        _walk_one_stop(store, ana, code, short=False)
        after = picking.current_stop(store, ana, code).stop
        assert after is None or (after.seq, after.stage) != (stop.seq, stop.stage), stop
    assert open_stops_without_a_reservation(store) == []
