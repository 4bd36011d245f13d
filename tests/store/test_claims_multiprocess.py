"""Several OS processes claiming orders from one store: no order twice.

Each worker is a separate Python process with its own engine, like terminals
on the floor. Every claim is recorded by the worker, and the set of all claims
must have no duplicates and cover every order exactly once.
"""

from __future__ import annotations

import multiprocessing as mp
import time
from collections import Counter
from typing import Any

import pytest
from sqlmodel import select

from wms_tui.domain.actor import Actor
from wms_tui.domain.enums import OrderStatus
from wms_tui.domain.models import Event, Order
from wms_tui.store import Store

N_ORDERS = 120
N_PROCS = 4


def _worker(url: str, worker: int, out: mp.Queue, start: Any) -> None:
    from wms_tui.services.picking.claiming import claim_next_order

    store = Store(url)
    me = Actor(
        operator_id=None,
        name=f"packer{worker}",
        roles=frozenset({"packer"}),
        terminal=f"PACK-{worker}",
    )
    claimed: list[str] = []
    errors: list[str] = []
    # Start together: process start-up (imports) takes longer than the whole
    # queue on a loaded machine, and a race needs runners at the line.
    start.wait(timeout=60)
    while True:
        try:
            name = claim_next_order(
                store, me, status=OrderStatus.PICKED, to_status=OrderStatus.PACKING
            )
        except Exception as exc:  # noqa: BLE001 - reported to the parent
            errors.append(f"{type(exc).__name__}: {exc}")
            break
        if name is None:
            break
        claimed.append(name)
        # A terminal works on what it claimed before asking again; without a
        # pause SQLite's busy handler lets one tight loop keep the lock.
        time.sleep(0.005)
    store.dispose()
    out.put((worker, claimed, errors))


@pytest.mark.slow
def test_no_order_claimed_twice(empty_store: Store, db_url: str) -> None:
    with empty_store.unit_of_work() as uow:
        for i in range(N_ORDERS):
            uow.add(Order(name=f"#{5000 + i}", status=OrderStatus.PICKED, priority=i % 3))
        uow.commit()

    ctx = mp.get_context("spawn")
    out: mp.Queue = ctx.Queue()
    start = ctx.Barrier(N_PROCS)
    procs = [ctx.Process(target=_worker, args=(db_url, w, out, start)) for w in range(N_PROCS)]
    for p in procs:
        p.start()
    results = [out.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(timeout=30)

    all_errors = [e for _, _, errs in results for e in errs]
    assert all_errors == [], all_errors  # no "database is locked" escapes
    claims = Counter(name for _, names, _ in results for name in names)
    assert [n for n, c in claims.items() if c > 1] == []
    assert len(claims) == N_ORDERS
    # More than one process actually took part.
    assert sum(1 for _, names, _ in results if names) >= 2

    with empty_store.read() as s:
        orders = s.exec(select(Order)).all()
        assert {o.status for o in orders} == {OrderStatus.PACKING}
        moves = s.exec(select(Event).where(Event.kind == "order.status")).all()
        assert Counter(e.order_name for e in moves) == Counter({o.name: 1 for o in orders})
        by_terminal = {o.name: o.locked_terminal for o in orders}
        assert all(e.terminal == by_terminal[e.order_name] for e in moves)
