"""A claim's round trips to the database do not grow with the task's stops.

Every claim and every scan loads the task's context; loaded row by row, a
13-stop claim sent 45 statements and was the floor's most CPU-hungry call at
32 terminals (bench/claim_cost.py measures it). Counting statements is not
timing: it is the same on a loaded machine.
"""

from __future__ import annotations

from sqlalchemy import event

from tests.worlds.picking import build_world
from wms_tui.services.picking import claiming
from wms_tui.services.picking.waves import build_wave
from wms_tui.store import Store

ORDERS = [
    ("#1", [("MUG-RED", 2), ("TEE-M", 1), ("CAP-1", 1)]),
    ("#2", [("MUG-BLU", 1), ("SOCK-6", 6), ("BAG-XL", 1)]),
    ("#3", [("MUG-RED", 1), ("TEE-M", 2)]),
    ("#4", [("CAP-1", 2), ("MUG-BLU", 2), ("SOCK-6", 1)]),
    ("#5", [("MUG-RED", 1)]),
]


def test_a_claim_costs_the_same_round_trips_for_few_stops_or_many(empty_store: Store) -> None:
    world = build_world(empty_store, ORDERS)
    # One order alone on the first cart, the other four on the second.
    build_wave(empty_store, world.supervisor, cart_size=1, max_orders=1)
    build_wave(empty_store, world.supervisor, cart_size=4)
    sent: list[str] = []

    def count(_conn, _cursor, statement, *_rest) -> None:
        sent.append(statement)

    claims = []
    event.listen(empty_store.engine, "before_cursor_execute", count)
    try:
        for picker in world.pickers[:2]:
            sent.clear()
            view = claiming.claim_next_task(empty_store, picker)
            assert view is not None
            if empty_store.dialect == "postgresql":
                # Begin (with the store's identity), lock the task, mark it
                # claimed, load its stops, log, mark the orders picking: each
                # statement a round trip, and at 32 terminals on a loaded
                # machine a wait for a CPU at both ends. (SQLite's are calls
                # in the process.)
                assert len(sent) <= 6, sent
            # The reads are what grew with the stops. How the flush batches the
            # writes (an event per order, the orders' updates) depends on the
            # dialect and on which columns changed: not counted.
            reads = [x for x in sent if x.lstrip().upper().startswith("SELECT")]
            claims.append((len(view.stops), len(reads)))
    finally:
        event.remove(empty_store.engine, "before_cursor_execute", count)
    (few, small), (many, large) = claims
    assert few <= 3 and many >= 8
    assert large == small, f"{small} reads for {few} stops, {large} for {many}"


def test_completing_a_task_reads_its_orders_lines_once(empty_store: Store) -> None:
    """The last tote scan checks every order of the cart for units still owed: one
    read of their lines, not one per order."""
    from tests.worlds.picking import BARCODES
    from wms_tui.services.picking import walk

    world = build_world(empty_store, ORDERS)
    build_wave(empty_store, world.supervisor, cart_size=4)
    picker = world.pickers[0]
    view = walk.claim_next_task(empty_store, picker)
    assert view is not None and len(view.totes) == 4
    sent: list[str] = []
    event.listen(empty_store.engine, "before_cursor_execute", lambda *a: sent.append(a[2]))
    at, out = None, None
    while view.stop is not None:
        stop = view.stop
        if stop.stage == "tote":
            code = stop.tote
        elif at != stop.bin:
            code = stop.bin
        else:
            code = BARCODES[stop.sku]
        sent.clear()
        out = walk.scan(empty_store, picker, view.code, code, at_bin=at, known=view)
        view, at = out.view, out.at_bin
    assert out is not None and out.finished is not None and len(out.finished.to_pack) == 4
    line_reads = [q for q in sent if q.lstrip().startswith("SELECT") and "FROM orderline" in q]
    assert len(line_reads) == 1, line_reads
