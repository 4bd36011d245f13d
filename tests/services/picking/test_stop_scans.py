"""A scan given the handheld's last view answers exactly as one that loads the whole cart.

Two identical floors play the same random walk: on one every scan loads the cart
(``known=None``), on the other the handheld passes the view it shows, as the pick
screen does, and the service reads only the current stop when that view still
matches. Each answer (or refusal) must be the same on both, and the kept view
must equal a fresh full load, also after a supervisor holds or releases an order
on the cart behind the picker's back.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import event as sa_event

from tests.conftest import sqlite_schema_copy, temp_root
from tests.worlds.picking import BARCODES, build_world, snapshot
from wms_tui.domain.errors import DomainError
from wms_tui.domain.models import Allocation, PickTaskLine
from wms_tui.services.intake.order_admin import hold_order, release_order
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
        st.tuples(st.just("item"), st.integers(1, 4)),
        st.just(("wrong_item",)),
        st.just(("tote",)),
        st.just(("wrong_tote",)),
        st.just(("cart_tote",)),
        st.just(("skip",)),
        st.tuples(st.just("short"), st.sampled_from(list(picking.SHORT_REASONS))),
        st.tuples(st.just("hold"), st.sampled_from(["#1", "#2", "#3"])),
        st.tuples(st.just("release"), st.sampled_from(["#1", "#2", "#3"])),
    ),
    max_size=30,
)


class Floor:
    """One store walked by one picker; ``keep`` passes the last view to every scan."""

    def __init__(self, tmp: str, name: str, *, keep: bool) -> None:
        self.store = sqlite_schema_copy(f"sqlite:///{Path(tmp) / name}")
        w = build_world(self.store, ORDERS)
        build_wave(self.store, w.supervisor)
        self.boss, self.ana, self.keep = w.supervisor, w.pickers[0], keep
        self.orders = w.orders
        view = picking.claim_next_task(self.store, self.ana)
        self.code, self.view, self.at = view.code, view, None

    def do(self, action: tuple) -> object:
        """What the action answered: the outcome, or the refusal's text."""
        kind, stop = action[0], self.view.stop
        s, who, code, at = self.store, self.ana, self.code, self.at
        known = self.view if self.keep else None
        try:
            if kind in ("hold", "release"):
                oid = self.orders[action[1]]
                if kind == "hold":
                    return hold_order(s, self.boss, oid, "fraud check")
                return release_order(s, self.boss, oid)
            if kind == "skip":
                out = picking.skip_stop(s, who, code)
            elif kind == "short":
                out = picking.report_short(s, who, code, action[1], at_bin=at)
            else:
                scanned = {
                    "bin": stop.bin,
                    "wrong_bin": "A-04-10-C",
                    "item": BARCODES[stop.sku],
                    "wrong_item": BARCODES["BAG-XL"],
                    "tote": stop.tote,
                    "wrong_tote": "T-0009",
                    "cart_tote": self.view.totes[-1].code,
                }[kind]
                n = action[1] if kind == "item" else 1
                out = picking.scan(s, who, code, scanned, at_bin=at, count=n, known=known)
        except DomainError as refusal:
            return str(refusal)
        self.view, self.at = out.view, out.at_bin
        return out


def statements(store: Store) -> list[str]:
    seen: list[str] = []
    sa_event.listen(store.engine, "before_cursor_execute", lambda *a: seen.append(a[2]))
    return seen


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(actions=ACTIONS)
def test_a_kept_view_answers_as_the_whole_cart(actions) -> None:
    with tempfile.TemporaryDirectory(dir=temp_root()) as tmp:
        full, kept = Floor(tmp, "full.db", keep=False), Floor(tmp, "kept.db", keep=True)
        try:
            for action in actions:
                if full.view.stop is None or full.view.status != "CLAIMED":
                    break
                answer = kept.do(action)
                assert answer == full.do(action), action
                # what the handheld shows after a scan (a hold is news at the next scan)
                if isinstance(answer, picking.ScanOutcome) and kept.view.status == "CLAIMED":
                    assert kept.view == picking.current_stop(kept.store, kept.ana, kept.code)
        finally:
            full.store.dispose()
            kept.store.dispose()


def test_a_scan_with_the_view_reads_one_stop_not_the_cart(empty_store: Store) -> None:
    w = build_world(empty_store, ORDERS)
    build_wave(empty_store, w.supervisor)
    ana = w.pickers[0]
    view = picking.claim_next_task(empty_store, ana)
    stop = view.stop
    seen = statements(empty_store)
    out = picking.scan(empty_store, ana, view.code, stop.bin, known=view)
    out = picking.scan(
        empty_store, ana, view.code, BARCODES[stop.sku], at_bin=out.at_bin, known=out.view
    )
    assert out.view == picking.current_stop(empty_store, ana, view.code)
    kept = [q for q in seen if "FROM picktaskline" in q]
    # each scan read one stop (LIMIT), never the cart's every stop
    assert kept and all("LIMIT" in q for q in kept[:2]), kept
    seen.clear()
    picking.scan(empty_store, ana, view.code, stop.bin)
    assert not any("LIMIT" in q for q in seen if "FROM picktaskline" in q)


def test_an_item_scan_looks_its_code_up_once(empty_store: Store) -> None:
    """The scanned code is looked up as a location and as a barcode in one statement;
    a SKU typed by hand (no barcode) is still found, and a location still comes first."""
    w = build_world(empty_store, ORDERS)
    build_wave(empty_store, w.supervisor)
    ana = w.pickers[0]
    view = picking.claim_next_task(empty_store, ana)
    stop = view.stop
    at = picking.scan(empty_store, ana, view.code, stop.bin, known=view)
    seen = statements(empty_store)
    out = picking.scan(
        empty_store, ana, view.code, BARCODES[stop.sku], at_bin=stop.bin, known=at.view
    )
    lookups = [q for q in seen if "productbarcode.code" in q or "WHERE location.code" in q]
    assert len(lookups) == 1 and "location.code" in lookups[0], lookups
    assert out.view.stop.picked == 1
    typed = picking.scan(empty_store, ana, view.code, stop.sku, at_bin=stop.bin, known=out.view)
    assert typed.view.stop.picked == 2
    with pytest.raises(DomainError, match="Wrong bin"):  # a bin's code is a location first
        picking.scan(empty_store, ana, view.code, "A-04-10-C", at_bin=stop.bin, known=typed.view)


def test_units_no_longer_reserved_are_refused_and_nothing_changes(empty_store: Store) -> None:
    """The reservation is guarded in the UPDATE itself: taken away behind the picker's
    back, the item scan is refused, with or without the kept view."""
    w = build_world(empty_store, ORDERS)
    build_wave(empty_store, w.supervisor)
    ana = w.pickers[0]
    view = picking.claim_next_task(empty_store, ana)
    stop = view.stop
    at = picking.scan(empty_store, ana, view.code, stop.bin, known=view)
    with empty_store.unit_of_work() as uow:
        ln = uow.session.get(PickTaskLine, stop.line_id)
        alloc = uow.session.get(Allocation, ln.allocation_id)
        alloc.qty_picked = alloc.qty - 1  # one unit left reserved of the stop's three
        uow.add(alloc)
        uow.commit()
    before = snapshot(empty_store)
    for known in (None, at.view):
        with pytest.raises(DomainError, match=f"MUG-RED in {stop.bin} is not reserved for #1"):
            picking.scan(
                empty_store, ana, view.code, BARCODES["MUG-RED"], at_bin=stop.bin, count=2,
                known=known,
            )  # fmt: skip
        assert snapshot(empty_store) == before
    out = picking.scan(
        empty_store, ana, view.code, BARCODES["MUG-RED"], at_bin=stop.bin, known=at.view
    )
    assert out.view.stop.picked == 1
