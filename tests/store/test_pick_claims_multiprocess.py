"""Eight handhelds picking one wave at once: no task twice, every unit exactly once.

Each worker is its own OS process (tests/conftest.py: worker_processes) with its
own engine and picker, and walks tasks the way the handheld does: claim, bin, one
scan per unit, tote, until no task is left. Runs on SQLite (BEGIN IMMEDIATE) and
PostgreSQL (FOR UPDATE SKIP LOCKED).
"""

from __future__ import annotations

import time
from collections import Counter

import pytest
from sqlmodel import func, select

from tests.conftest import worker_processes
from tests.worlds.picking import BARCODES, build_world
from wms_tui.domain.actor import Actor
from wms_tui.domain.enums import OrderStatus, TaskStatus
from wms_tui.domain.models import Event, Order, OrderLine, PickTask, PickTaskLine, StockMovement
from wms_tui.services.inventory.stock import ledger_mismatches
from wms_tui.services.picking.waves import build_wave
from wms_tui.store import Store

N_PROCS = 8
PATTERNS = [
    [("CAP-1", 1), ("SOCK-6", 1)],
    [("MUG-RED", 1), ("SOCK-6", 1)],
    [("MUG-BLU", 1), ("CAP-1", 1)],
]
ORDERS = [(f"#{100 + i}", PATTERNS[i % 3]) for i in range(24)]


def _worker(url: str, picker: tuple[int, str, frozenset[str]], terminal: str, out, start) -> None:
    from wms_tui.services.picking import walk as picking

    store = Store(url)
    me = Actor(picker[0], picker[1], picker[2], terminal)
    tasks: list[str] = []
    units: list[tuple[int, int]] = []  # (task line id, qty) accepted for this worker
    errors: list[str] = []
    # All handhelds start together; otherwise the first one up (imports take
    # longer than a task) can walk the whole wave alone on a loaded machine.
    start.wait(timeout=120)
    try:
        while (view := picking.claim_next_task(store, me)) is not None:
            tasks.append(view.code)
            while (stop := view.stop) is not None:
                # A picker walks between stops; without any pause SQLite's busy
                # handler lets one tight loop keep the write lock to itself.
                time.sleep(0.005)
                at = picking.scan(store, me, view.code, stop.bin).at_bin
                for _ in range(stop.remaining):
                    picking.scan(store, me, view.code, BARCODES[stop.sku], at_bin=at)
                    units.append((stop.line_id, 1))
                view = picking.scan(store, me, view.code, stop.tote, at_bin=at).view
    except Exception as exc:  # noqa: BLE001 - reported to the parent
        errors.append(f"{type(exc).__name__}: {exc}")
    store.dispose()
    out.put((terminal, tasks, units, errors))


@pytest.mark.slow
def test_eight_handhelds_pick_one_wave(empty_store: Store, db_url: str) -> None:
    w = build_world(empty_store, ORDERS, n_totes=24, n_pickers=N_PROCS)
    wave = build_wave(empty_store, w.supervisor, cart_size=2)
    assert len(wave.tasks) == 12

    ctx = worker_processes()
    out = ctx.Queue()
    start = ctx.Barrier(N_PROCS)
    procs = [
        ctx.Process(
            target=_worker,
            args=(db_url, (p.operator_id, p.name, p.roles), f"HH-{i:02d}", out, start),
        )
        for i, p in enumerate(w.pickers, start=1)
    ]
    for p in procs:
        p.start()
    results = [out.get(timeout=240) for _ in procs]
    for p in procs:
        p.join(timeout=30)

    assert [e for *_, errs in results for e in errs] == []
    claims = Counter(code for _, tasks, _, _ in results for code in tasks)
    assert sorted(claims) == sorted(t.code for t in wave.tasks)
    assert set(claims.values()) == {1}, "a task was claimed twice"
    assert sum(1 for _, tasks, _, _ in results if tasks) >= 2  # real concurrency

    picked = Counter()
    for _, _, units, _ in results:
        for line_id, qty in units:
            picked[line_id] += qty
    with empty_store.read() as s:
        lines = s.exec(select(PickTaskLine)).all()
        # Every unit asked for was picked once: by one worker, never more.
        assert picked == Counter({ln.id: ln.qty for ln in lines})
        assert all(ln.qty_picked == ln.qty and ln.done for ln in lines)
        assert all(ol.qty_picked == ol.quantity for ol in s.exec(select(OrderLine)))
        total = sum(ln.qty for ln in lines)
        moved = s.exec(
            select(func.sum(StockMovement.qty)).where(StockMovement.reason == "PICKED")
        ).one()
        assert moved == total == 48
        events = s.exec(select(Event).where(Event.kind == "pick.unit")).all()
        assert sum(e.qty for e in events) == 48
        # Each unit was logged by the terminal that had claimed its task.
        task_terminal = {t.code: t.terminal for t in s.exec(select(PickTask))}
        assert all(e.terminal == task_terminal[e.detail.removeprefix("task ")] for e in events)
        assert {t.status for t in s.exec(select(PickTask))} == {TaskStatus.DONE}
        assert {o.status for o in s.exec(select(Order))} == {OrderStatus.PICKED}
        assert ledger_mismatches(s) == []
