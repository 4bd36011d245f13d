"""Pack stations as separate OS processes on one store: no unit is ever packed twice.

1. Four stations work through the same queue: every order is packed exactly once,
   every parcel has its own SSCC and tracking number, the ledger adds up.
2. Four processes with the *same* login hammer scans into one order (a scanner on
   two windows): the over-scan check under the order's row lock lets exactly the
   ordered quantity through.
"""

from __future__ import annotations

import multiprocessing as mp
import time
from collections import Counter
from dataclasses import replace

import pytest
from sqlmodel import col, select

from tests.conftest import worker_processes
from tests.worlds import factories as f
from tests.worlds import packing as pw
from wms_tui.domain.actor import Actor
from wms_tui.domain.enums import MovementReason, OrderStatus
from wms_tui.domain.models import Order, OrderLine, PackScan, Parcel, StockMovement
from wms_tui.store import Store

N_PROCS = 4
EXTRA_ORDERS = 9


def _station(url: str, actor: Actor, start, out: mp.Queue) -> None:
    from wms_tui.domain.errors import DomainError
    from wms_tui.services.packing import station as packing

    store = Store(url)
    start.wait()  # everyone imported and connected: now race
    packed: list[tuple[str, tuple[str, ...]]] = []
    errors: list[str] = []
    refused = 0
    try:
        while True:
            queue = packing.station_queue(store, actor, limit=50)
            if not queue:
                break
            progressed = False
            # Packers pick different rows off the same list, and collide often.
            shift = int(actor.terminal[-1]) % len(queue)
            for row in queue[shift:] + queue[:shift]:
                try:
                    view = packing.open_order(store, actor, row.name)
                except DomainError:
                    refused += 1
                    continue
                progressed = True
                oid = view.order_id
                for line in view.lines:
                    for _ in range(line.left):
                        view = packing.scan(store, actor, oid, line.sku)
                        # A packer's hands take time between scans; without it one
                        # process re-takes SQLite's write lock before the others'
                        # busy handlers wake up, and packs everything alone.
                        time.sleep(0.005)
                for p in view.parcels:
                    view = packing.enter_weight(store, actor, oid, str(p.expected_g))
                for item in view.inserts:
                    view = packing.confirm_insert(store, actor, oid, item.n)
                closed = packing.close_parcel(store, actor, oid)
                packed.append((closed.order_name, tuple(p.sscc for p in closed.parcels)))
            if not progressed:
                break
    except Exception as exc:  # noqa: BLE001 - reported to the parent
        errors.append(f"{type(exc).__name__}: {exc}")
    store.dispose()
    out.put((actor.terminal, packed, refused, errors))


@pytest.mark.slow
def test_stations_never_pack_an_order_twice(empty_store: Store, db_url: str) -> None:
    w = pw.build(empty_store, extra_orders=EXTRA_ORDERS)
    actors = [w.packer, w.packer2]
    with empty_store.unit_of_work() as uow:
        for n in (3, 4):
            a = f.operator(uow, f"Packer {n}", "packer", badge=f"K30{n:02d}")
            actors.append(replace(a, terminal=f"PACK-{n}"))
        uow.commit()

    ctx = worker_processes()
    out: mp.Queue = ctx.Queue()
    start = ctx.Barrier(len(actors))
    procs = [ctx.Process(target=_station, args=(db_url, a, start, out)) for a in actors]
    for p in procs:
        p.start()
    results = [out.get(timeout=300) for _ in procs]
    for p in procs:
        p.join(timeout=30)

    assert [e for *_, errs in results for e in errs] == []
    packed = Counter(name for _, done, _, _ in results for name, _ in done)
    assert packed == Counter({name: 1 for name in w.orders})
    took_part = [(t, len(done), refused) for t, done, refused, _ in results]
    assert sum(1 for _, n, _ in took_part if n) >= 2, took_part  # several stations took part
    ssccs = [s for _, done, _, _ in results for _, ss in done for s in ss]
    assert len(ssccs) == len(set(ssccs))
    with empty_store.read() as s:
        orders = s.exec(select(Order)).all()
        assert {o.status for o in orders} == {OrderStatus.PACKED}
        assert all(o.locked_by_operator_id is None for o in orders)
        tracking = s.exec(select(Parcel.tracking_number)).all()
        assert len(tracking) == len(set(tracking)) == len(ssccs)
        for line in s.exec(select(OrderLine)).all():
            scanned = sum(
                x.qty for x in s.exec(select(PackScan).where(PackScan.order_line_id == line.id))
            )
            assert line.qty_packed == scanned == line.quantity
        units = sum(ln.quantity for ln in s.exec(select(OrderLine)).all())
        moved = s.exec(
            select(StockMovement.qty).where(StockMovement.reason == MovementReason.PACKED)
        ).all()
        assert sum(moved) == units
        from wms_tui.services.inventory.stock import ledger_mismatches

        assert ledger_mismatches(s) == []


def _hammer(
    url: str, actor: Actor, order_id: int, sku: str, tries: int, start, out: mp.Queue
) -> None:
    from wms_tui.domain.errors import DomainError
    from wms_tui.services.packing import station as packing

    store = Store(url)
    start.wait()
    ok = refused = 0
    errors: list[str] = []
    for _ in range(tries):
        try:
            packing.scan(store, actor, order_id, sku)
            ok += 1
        except DomainError:
            refused += 1
        except Exception as exc:  # noqa: BLE001
            errors.append(f"{type(exc).__name__}: {exc}")
    store.dispose()
    out.put((ok, refused, errors))


@pytest.mark.slow
def test_concurrent_scans_never_exceed_the_order(empty_store: Store, db_url: str) -> None:
    w = pw.build(empty_store)
    from wms_tui.services.packing import station as packing

    oid = packing.open_order(empty_store, w.packer, "#1044").order_id  # 8 tees
    ctx = worker_processes()
    out: mp.Queue = ctx.Queue()
    start = ctx.Barrier(N_PROCS)
    procs = [
        ctx.Process(target=_hammer, args=(db_url, w.packer, oid, "TEE-M", 6, start, out))
        for _ in range(N_PROCS)
    ]
    for p in procs:
        p.start()
    results = [out.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(timeout=30)
    assert [e for *_, errs in results for e in errs] == []
    assert sum(ok for ok, _, _ in results) == 8
    assert sum(r for _, r, _ in results) == N_PROCS * 6 - 8
    with empty_store.read() as s:
        line = s.exec(select(OrderLine).where(OrderLine.order_id == oid)).one()
        scans = s.exec(select(PackScan).where(PackScan.order_id == oid)).all()
        assert line.qty_packed == sum(x.qty for x in scans) == 8
        assert len(scans) == 8
        assert s.exec(select(col(Order.status)).where(Order.id == oid)).one() == "PACKING"
