"""Whatever a picker scans, in whatever order, the books stay right.

Random sequences of good and bad scans, skips, short picks and pauses are
played against a small task; after every step stock, reservations, the ledger
and the task's counters must agree, and at the end every unit that moved was
picked exactly once.
"""

from __future__ import annotations

import tempfile
from collections import defaultdict
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import select

from tests.conftest import sqlite_schema_copy, temp_root
from tests.worlds.picking import BARCODES, build_world
from wms_tui.domain.enums import OrderStatus
from wms_tui.domain.errors import DomainError
from wms_tui.domain.models import Allocation, Event, Order, OrderLine, PickTaskLine, Stock
from wms_tui.services.inventory.stock import ledger_mismatches
from wms_tui.services.picking import walk as picking
from wms_tui.services.picking.waves import build_wave
from wms_tui.store import Store

ORDERS = [
    ("#1", [("MUG-RED", 3), ("TEE-M", 2)]),
    ("#2", [("MUG-RED", 2), ("CAP-1", 1)]),
    ("#3", [("TEE-M", 1), ("SOCK-6", 7)]),
]

ACTIONS = st.lists(
    st.one_of(
        st.just(("bin",)),
        st.just(("wrong_bin",)),
        st.tuples(st.just("item"), st.integers(1, 8)),
        st.tuples(st.just("wrong_item"), st.integers(1, 2)),
        st.just(("case",)),
        st.just(("tote",)),
        st.just(("wrong_tote",)),
        st.just(("skip",)),
        st.tuples(st.just("short"), st.sampled_from(list(picking.SHORT_REASONS))),
        st.just(("pause",)),
    ),
    max_size=25,
)


def check_books(store: Store) -> None:
    with store.read() as s:
        assert ledger_mismatches(s) == []
        reserved: dict[tuple[int, int], int] = defaultdict(int)
        for a in s.exec(select(Allocation)):
            assert 0 <= a.qty_picked <= a.qty
            reserved[(a.product_id, a.location_id)] += a.qty - a.qty_picked
        for st_ in s.exec(select(Stock)):
            assert 0 <= st_.allocated <= st_.qty
            assert st_.allocated == reserved.get((st_.product_id, st_.location_id), 0)
        for ln in s.exec(select(PickTaskLine)):
            assert ln.qty_picked >= 0 and ln.qty_picked + ln.qty_short <= ln.qty
        for ol in s.exec(select(OrderLine)):
            assert 0 <= ol.qty_picked <= ol.quantity


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(actions=ACTIONS)
def test_random_scans_keep_the_books_right(actions) -> None:
    with tempfile.TemporaryDirectory(dir=temp_root()) as tmp:
        store = sqlite_schema_copy(f"sqlite:///{Path(tmp) / 'wms.db'}")
        try:
            _play(store, actions)
        finally:
            store.dispose()


def _play(store: Store, actions) -> None:
    w = build_world(store, ORDERS)
    build_wave(store, w.supervisor)
    ana = w.pickers[0]
    code = picking.claim_next_task(store, ana).code
    at: str | None = None
    for action in actions:
        view = picking.current_stop(store, ana, code)
        stop = view.stop
        if stop is None:
            break
        kind = action[0]
        try:
            if kind == "bin":
                out = picking.scan(store, ana, code, stop.bin, at_bin=at)
            elif kind == "wrong_bin":
                out = picking.scan(store, ana, code, "A-04-10-C", at_bin=at)
            elif kind == "item":
                out = picking.scan(store, ana, code, BARCODES[stop.sku], at_bin=at, count=action[1])
            elif kind == "wrong_item":
                other = "MUG-BLU" if action[1] == 1 else "BAG-XL"
                out = picking.scan(store, ana, code, BARCODES[other], at_bin=at)
            elif kind == "case":
                out = picking.scan(store, ana, code, "17350053000999", at_bin=at)
            elif kind == "tote":
                out = picking.scan(store, ana, code, stop.tote, at_bin=at)
            elif kind == "wrong_tote":
                out = picking.scan(store, ana, code, "T-0009", at_bin=at)
            elif kind == "skip":
                out = picking.skip_stop(store, ana, code)
            elif kind == "short":
                out = picking.report_short(store, ana, code, action[1], at_bin=at)
            else:
                picking.pause_task(store, ana, code)
                picking.claim_next_task(store, ana)
                at = None
                continue
        except DomainError:
            check_books(store)
            continue
        at = out.at_bin
        check_books(store)
        if out.finished:
            break
    # Finish the task properly and check every unit was picked exactly once.
    while (stop := picking.current_stop(store, ana, code).stop) is not None:
        if stop.stage is picking.Stage.PICK:
            at = picking.scan(store, ana, code, stop.bin).at_bin
            picking.scan(store, ana, code, BARCODES[stop.sku], at_bin=at, count=stop.remaining)
        picking.scan(store, ana, code, stop.tote, at_bin=stop.bin)
    check_books(store)
    with store.read() as s:
        lines = s.exec(select(PickTaskLine)).all()
        picked = sum(e.qty for e in s.exec(select(Event).where(Event.kind == "pick.unit")))
        assert picked == sum(ln.qty_picked for ln in lines)
        assert all(ln.done and ln.qty_picked + ln.qty_short == ln.qty for ln in lines)
        for o in s.exec(select(Order)):
            assert o.status in (OrderStatus.PICKED, OrderStatus.BACKORDERED), o
            ols = s.exec(select(OrderLine).where(OrderLine.order_id == o.id)).all()
            if o.status is OrderStatus.PICKED:
                assert all(ol.qty_picked == ol.quantity for ol in ols)
