"""Terminals doing the same thing at the same moment, on both stores.

Each test lines up threads (each with its own Store, so its own connections,
like separate terminals) at a barrier and lets them go at once. On today's
code before #16 these failed on PostgreSQL: blind receipt references and wave
codes were read and then inserted (UniqueViolation), concurrent put-aways
releasing backorders locked bins as well as stock (DeadlockDetected), and a
claim waited for a wave being built.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest
from sqlmodel import col, select

from tests.worlds import factories as f
from tests.worlds.picking import build_world, set_service
from wms_tui.domain.actor import Actor
from wms_tui.domain.enums import LocationKind, OrderStatus
from wms_tui.domain.models import Delivery, Location, Order, PickTaskLine, Stock
from wms_tui.services.inventory.allocation import allocate_order
from wms_tui.services.inventory.stock import ledger_mismatches
from wms_tui.services.picking import wave_candidates, waves
from wms_tui.services.receiving import putaway
from wms_tui.services.receiving import receipt as receiving
from wms_tui.store import Store
from wms_tui.store.retry import retries_so_far


def _at_once(url: str, jobs: list[Callable[[Store], Any]]) -> tuple[list[Any], list[str]]:
    """Run every job in its own thread and Store, all released together.

    A transaction that lost a race (deadlock, unique violation) would be
    rerun by the unit of work's retry and hide the race: none may have been.
    """
    retried = retries_so_far()
    start = threading.Barrier(len(jobs))
    results: list[Any] = [None] * len(jobs)
    errors: list[str] = []

    def run(i: int) -> None:
        store = Store(url)
        try:
            start.wait(timeout=60)
            results[i] = jobs[i](store)
        except Exception as exc:  # noqa: BLE001 - reported to the test
            errors.append(f"{type(exc).__name__}: {exc}")
        finally:
            store.dispose()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(jobs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    if retries_so_far() != retried:
        errors.append(f"{retries_so_far() - retried} transactions lost a race and were rerun")
    return results, errors


def test_receivers_starting_blind_receipts_at_once_get_distinct_references(
    empty_store: Store, db_url: str
) -> None:
    with empty_store.unit_of_work() as uow:
        people = [
            replace(f.operator(uow, f"Receiver {i}", "receiver"), terminal=f"RCV-{i}")
            for i in range(6)
        ]
        uow.commit()

    def three(me: Actor) -> Callable[[Store], list[str]]:
        return lambda store: [receiving.start_blind_receipt(store, me).reference for _ in range(3)]

    results, errors = _at_once(db_url, [three(me) for me in people])
    assert errors == []
    refs = [r for got in results for r in got]
    assert len(set(refs)) == len(refs) == 18
    # One series per day, numbered without gaps: BLIND-YYYYMMDD-001 … -018.
    assert sorted(int(r.rsplit("-", 1)[1]) for r in refs) == list(range(1, 19))
    with empty_store.read() as s:
        assert sorted(s.exec(select(Delivery.reference))) == sorted(refs)


def test_a_blind_reference_skips_numbers_taken_before_the_counter(empty_store: Store) -> None:
    """A store from before the counter (or an ASN named like one) keeps its references."""
    with empty_store.unit_of_work() as uow:
        me = replace(f.operator(uow, "Receiver", "receiver"), terminal="RCV-1")
        uow.commit()
    first = receiving.start_blind_receipt(empty_store, me).reference
    stem = first.rsplit("-", 1)[0]
    with empty_store.unit_of_work() as uow:
        uow.add(Delivery(reference=f"{stem}-002", supplier="ASN"))
        uow.add(Delivery(reference=f"{stem}-003", supplier="ASN"))
        uow.commit()
    assert receiving.start_blind_receipt(empty_store, me).reference == f"{stem}-004"


def test_two_supervisors_building_waves_at_once_share_no_code_order_or_tote(
    empty_store: Store, db_url: str
) -> None:
    orders = [(f"#{i}", [("SOCK-6", 1)]) for i in range(1, 9)]
    w = build_world(empty_store, orders, n_totes=8, n_pickers=1)
    for name, _ in orders[:4]:
        set_service(empty_store, name, "CJ", "CJ-STD")
    with empty_store.unit_of_work() as uow:
        sup2 = f.operator(uow, "Second Supervisor", "supervisor")
        uow.commit()

    def build(actor: Actor, carrier: str) -> Callable[[Store], waves.WaveResult]:
        return lambda store: waves.build_wave(store, actor, carrier=carrier, cart_size=2)

    results, errors = _at_once(db_url, [build(w.supervisor, "CJ"), build(sup2, "PN")])
    assert errors == []
    assert len({r.code for r in results}) == 2
    with empty_store.read() as s:
        lines = s.exec(select(PickTaskLine)).all()
        by_tote: dict[int, set[int]] = {}
        for ln in lines:
            by_tote.setdefault(ln.tote_id, set()).add(ln.task_id)
        assert all(len(tasks) == 1 for tasks in by_tote.values()), "a tote on two carts"
        assert len(by_tote) == 8


def test_two_waves_of_one_carrier_at_once_take_each_order_once(
    empty_store: Store, db_url: str
) -> None:
    orders = [(f"#{i}", [("SOCK-6", 1)]) for i in range(1, 9)]
    w = build_world(empty_store, orders, n_totes=8, n_pickers=1)
    with empty_store.unit_of_work() as uow:
        sup2 = f.operator(uow, "Second Supervisor", "supervisor")
        uow.commit()

    def build(actor: Actor) -> Callable[[Store], Any]:
        def run(store: Store) -> Any:
            try:
                return waves.build_wave(store, actor, cart_size=2, max_orders=5)
            except waves.DomainError as exc:  # the other one may have taken them all
                return str(exc)

        return run

    results, errors = _at_once(db_url, [build(w.supervisor), build(sup2)])
    assert errors == []
    with empty_store.read() as s:
        lines = s.exec(select(PickTaskLine)).all()
        assert len({ln.order_line_id for ln in lines}) == len(lines) == 8


def test_put_aways_releasing_the_same_backorders_at_once(empty_store: Store, db_url: str) -> None:
    """Four receivers put four products away at once; every backordered order
    needs all four, so each put-away tries to allocate every one of them."""
    skus = [f"BO-{i}" for i in range(4)]
    with empty_store.unit_of_work() as uow:
        f.warehouse(uow)
        people = [
            replace(f.operator(uow, f"Receiver {i}", "receiver"), terminal=f"RCV-{i}")
            for i in range(4)
        ]
        f.location(uow, "RCV-1", LocationKind.RECEIVING, zone="R")
        for i in range(4):
            f.location(uow, f"A-01-{i + 1}-A")
        products = [f.product(uow, sku, barcode=None) for sku in skus]
        for i in range(6):
            o = f.order(uow, f"#B{i}", [(p, 1) for p in products], status=OrderStatus.NEW)
            allocate_order(uow, o)
        uow.commit()
    with empty_store.read() as s:
        assert {o.status for o in s.exec(select(Order))} == {OrderStatus.BACKORDERED}
    refs = []
    for me, sku in zip(people, skus, strict=True):
        ref = receiving.start_blind_receipt(empty_store, me).reference
        receiving.receive_scan(empty_store, me, ref, sku, count=6)
        refs.append(ref)

    def put(me: Actor, ref: str, sku: str, n: int) -> Callable[[Store], Any]:
        return lambda store: putaway.put_away(
            store, me, reference=ref, product_code=sku, bin_code=f"A-01-{n}-A"
        )

    rows = enumerate(zip(people, refs, skus, strict=True), 1)
    jobs = [put(me, ref, sku, n) for n, (me, ref, sku) in rows]
    _, errors = _at_once(db_url, jobs)
    assert errors == []
    with empty_store.read() as s:
        # Whichever put-away came last found all four products: every order is released.
        assert {o.status for o in s.exec(select(Order))} == {OrderStatus.READY_TO_PICK}
        assert ledger_mismatches(s) == []


def test_a_claim_does_not_wait_for_a_wave_being_built(empty_store: Store, db_url: str) -> None:
    """A supervisor's wave build holds its order locks while a picker claims a task
    of an earlier wave: the claim finishes before the build lets go."""
    if empty_store.dialect != "postgresql":
        pytest.skip("SQLite serialises every writer (BEGIN IMMEDIATE) by design")
    orders = [(f"#{i}", [("SOCK-6", 1)]) for i in range(1, 7)]
    w = build_world(empty_store, orders, n_totes=6, n_pickers=1)
    first = waves.build_wave(empty_store, w.supervisor, cart_size=2, max_orders=2)
    # Four more orders ready, so the second build has orders to lock.
    building = Store(db_url)
    claimed = threading.Event()
    outcome: list[str] = []

    def claim() -> None:
        from wms_tui.services.picking import walk

        store = Store(db_url)
        try:
            outcome.append(walk.claim_next_task(store, w.pickers[0]).code)
        except Exception as exc:  # noqa: BLE001 - reported to the test
            outcome.append(f"{type(exc).__name__}: {exc}")
        finally:
            claimed.set()
            store.dispose()

    try:
        with building.unit_of_work() as uow:
            # What build_wave holds while it plans: the candidate orders.
            locked = wave_candidates.candidates(uow.session, None, None, lock=True)
            assert len(locked) == 4
            t = threading.Thread(target=claim)
            t.start()
            finished_while_building = claimed.wait(timeout=30)
        t.join(timeout=60)
    finally:
        building.dispose()
    assert finished_while_building, "the claim waited for the wave build"
    assert outcome == [first.tasks[0].code]


def test_two_products_put_into_one_empty_pick_bin_at_once(empty_store: Store, db_url: str) -> None:
    """One SKU per pick bin holds when two receivers scan the same empty bin at once."""
    with empty_store.unit_of_work() as uow:
        f.warehouse(uow)
        people = [
            replace(f.operator(uow, f"Receiver {i}", "receiver"), terminal=f"RCV-{i}")
            for i in range(2)
        ]
        f.location(uow, "RCV-1", LocationKind.RECEIVING, zone="R")
        f.location(uow, "A-01-1-A")
        for sku in ("ONE", "TWO"):
            f.product(uow, sku, barcode=None)
        uow.commit()
    refs = []
    for me, sku in zip(people, ("ONE", "TWO"), strict=True):
        refs.append(receiving.start_blind_receipt(empty_store, me).reference)
        receiving.receive_scan(empty_store, me, refs[-1], sku, count=2)

    def put(me: Actor, ref: str, sku: str) -> Callable[[Store], Any]:
        def run(store: Store) -> str:
            try:
                putaway.put_away(store, me, reference=ref, product_code=sku, bin_code="A-01-1-A")
                return "put"
            except putaway.DomainError as exc:
                return str(exc)

        return run

    rows = zip(people, refs, ("ONE", "TWO"), strict=True)
    results, errors = _at_once(db_url, [put(me, ref, sku) for me, ref, sku in rows])
    assert errors == []
    assert sorted(results)[1] == "put"
    assert sorted(results)[0].startswith("A-01-1-A holds ")
    with empty_store.read() as s:
        held = s.exec(
            select(Stock.product_id)
            .join(Location, col(Location.id) == Stock.location_id)
            .where(Stock.qty > 0, Location.code == "A-01-1-A")
        ).all()
        assert ledger_mismatches(s) == []
    assert len(held) == 1
