"""Several OS processes claiming pick tasks from one store: no task twice.

Each worker is a separate Python process with its own engine, like handhelds
on the floor, and claims with the product's one claim path
(``picking.claiming.claim_next_task``, what the pick screen calls). A picker
holds one task at a time, so each worker signs in as many pickers, each of
whom claims once. The set of all claims must have no duplicates and cover
every task exactly once.
"""

from __future__ import annotations

import multiprocessing as mp
from collections import Counter
from typing import Any

import pytest
from sqlmodel import select

from tests.conftest import worker_processes
from tests.worlds import factories as f
from tests.worlds.picking import build_world
from wms_tui.domain.actor import Actor
from wms_tui.domain.enums import OrderStatus, TaskStatus
from wms_tui.domain.models import Event, Order, PickTask
from wms_tui.services.picking.waves import build_wave
from wms_tui.store import Store

N_ORDERS = 48  # one unit each: the world holds 24 SOCK-6 and 24 CAP-1
N_PROCS = 4
PICKERS_PER_PROC = N_ORDERS // N_PROCS + 2  # more pickers than tasks: some find none


def _worker(url: str, worker: int, pickers: list[tuple], out: mp.Queue, start: Any) -> None:
    from wms_tui.services.picking import walk as picking

    store = Store(url)
    claimed: list[tuple[str, str]] = []
    errors: list[str] = []
    # Start together: process start-up (imports) takes longer than the whole
    # queue on a loaded machine, and a race needs runners at the line.
    start.wait(timeout=60)
    for op_id, name, roles in pickers:
        me = Actor(op_id, name, roles, terminal=f"HH-{worker}")
        try:
            view = picking.claim_next_task(store, me)
        except Exception as exc:  # noqa: BLE001 - reported to the parent
            errors.append(f"{type(exc).__name__}: {exc}")
            break
        if view is None:
            break
        claimed.append((view.code, name))
    store.dispose()
    out.put((worker, claimed, errors))


@pytest.mark.slow
def test_no_task_claimed_twice(empty_store: Store, db_url: str) -> None:
    orders = [(f"#{5000 + i}", [(("SOCK-6", "CAP-1")[i % 2], 1)]) for i in range(N_ORDERS)]
    w = build_world(empty_store, orders, n_totes=N_ORDERS, n_pickers=1)
    with empty_store.unit_of_work() as uow:
        pickers = [
            f.operator(uow, f"Picker {i}", "picker") for i in range(N_PROCS * PICKERS_PER_PROC)
        ]
        uow.commit()
    wave = build_wave(empty_store, w.supervisor, cart_size=1)
    assert len(wave.tasks) == N_ORDERS

    ctx = worker_processes()
    out: mp.Queue = ctx.Queue()
    start = ctx.Barrier(N_PROCS)
    procs = []
    for n in range(N_PROCS):
        mine = pickers[n * PICKERS_PER_PROC : (n + 1) * PICKERS_PER_PROC]
        args = (db_url, n, [(p.operator_id, p.name, p.roles) for p in mine], out, start)
        procs.append(ctx.Process(target=_worker, args=args))
    for p in procs:
        p.start()
    results = [out.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(timeout=30)

    all_errors = [e for _, _, errs in results for e in errs]
    assert all_errors == [], all_errors  # no "database is locked" escapes
    claims = Counter(code for _, got, _ in results for code, _ in got)
    assert [c for c, n in claims.items() if n > 1] == []
    assert len(claims) == N_ORDERS
    # More than one process actually took part.
    assert sum(1 for _, got, _ in results if got) >= 2

    holder = {code: who for _, got, _ in results for code, who in got}
    with empty_store.read() as s:
        tasks = s.exec(select(PickTask)).all()
        assert {t.status for t in tasks} == {TaskStatus.CLAIMED}
        names = {p.operator_id: p.name for p in pickers}
        assert {t.code: names[t.picker_id] for t in tasks} == holder
        orders = s.exec(select(Order)).all()
        assert {o.status for o in orders} == {OrderStatus.PICKING}
        moves = s.exec(
            select(Event).where(Event.kind == "order.status", Event.to_state == "PICKING")
        ).all()
        assert Counter(e.order_name for e in moves) == Counter({o.name: 1 for o in orders})
