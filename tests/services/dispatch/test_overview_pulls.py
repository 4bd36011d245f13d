"""The overview's parcels to pull: those of cancelled orders still in the building
(CLOSED or LOADED), found without reading every cancelled order's row."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import event

from tests.worlds import factories as f
from wms_tui.domain.enums import OrderStatus as S
from wms_tui.domain.enums import ParcelStatus as P
from wms_tui.services.dispatch import overview as dispatch_overview
from wms_tui.store import Store


def _floor(store: Store) -> None:
    with store.unit_of_work() as uow:
        f.warehouse(uow)
        mug = f.product(uow, "MUG-1")
        cases = [
            ("#C1", S.CANCELLED, [P.LOADED]),  # cancelled after pack, on the truck's lane
            ("#C2", S.CANCELLED, [P.CLOSED, P.VOID]),  # one parcel already voided
            ("#C3", S.CANCELLED, [P.MANIFESTED]),  # gone with the carrier
            ("#C4", S.CANCELLED, []),  # cancelled before packing
            ("#P1", S.PACKED, [P.LOADED, P.CLOSED]),  # not cancelled
        ]
        cases += [(f"#H{i}", S.CANCELLED, []) for i in range(40)]  # history
        for name, status, parcels in cases:
            o = f.order(uow, name, [(mug, 1)], status=status)
            for seq, st in enumerate(parcels, start=1):
                f.parcel(uow, o, seq=seq, status=st, sscc=f.sscc(hash(name) % 10_000 * 10 + seq))
        uow.commit()


def test_pulls_are_the_cancelled_orders_parcels_still_in_the_building(empty_store: Store) -> None:
    _floor(empty_store)
    snap = dispatch_overview.snapshot(empty_store)
    pulls = sorted(
        (e.order_name, e.kind) for e in snap.exceptions if e.kind == "CANCELLED_AFTER_PACK"
    )
    assert pulls == [("#C1", "CANCELLED_AFTER_PACK"), ("#C2", "CANCELLED_AFTER_PACK")]


def _orders_scans(plan: dict) -> list[tuple[bool, bool]]:
    """(tests the status, looks an order up by id) for every scan of ``orders``."""
    found = []
    for node in _walk(plan):
        if node.get("Relation Name") != "orders":
            continue
        conds = " ".join(str(node.get(k, "")) for k in ("Index Cond", "Filter", "Recheck Cond"))
        found.append(("status" in conds, "id =" in str(node.get("Index Cond", ""))))
    return found


def _walk(node: dict):  # noqa: ANN202 - nodes of a JSON plan
    yield node
    for child in node.get("Plans", []):
        yield from _walk(child)


def test_pulls_read_cancelled_orders_as_ids_apart_on_postgresql(empty_store: Store) -> None:
    """Orders cancelled before (or long after) packing pile up with the history; the
    statement must find the few whose parcels are still here without reading every
    cancelled order's row (PostgreSQL did, in a bitmap heap scan: 1,942 buffers at
    100,000 orders, 240 now)."""
    if empty_store.dialect != "postgresql":
        pytest.skip("PostgreSQL's plan; SQLite reads the ids from ix_orders_status either way")
    _floor(empty_store)
    sent: list[tuple[str, object]] = []

    def spy(conn, cursor, statement, parameters, context, executemany):  # noqa: ANN001, ANN202
        sent.append((statement, parameters))

    event.listen(empty_store.engine, "before_cursor_execute", spy)
    try:
        dispatch_overview.snapshot(empty_store)
    finally:
        event.remove(empty_store.engine, "before_cursor_execute", spy)
    (statement, params), *_ = [(s, p) for s, p in sent if "parcel.sscc" in s]
    with empty_store.engine.connect() as conn:
        # On tables this small reading their one page is cheapest whatever the indexes:
        # ask for index scans and hashed joins, the shape the planner takes once the
        # tables are large (at 100,000 orders: an index-only scan of ix_orders_open_work
        # for the cancelled ids, hashed against the parcels in the building).
        conn.exec_driver_sql("SET enable_seqscan = off")
        conn.exec_driver_sql("SET enable_bitmapscan = off")
        conn.exec_driver_sql("SET enable_nestloop = off")
        try:
            raw = conn.exec_driver_sql("EXPLAIN (FORMAT JSON) " + statement, params).scalar_one()
        finally:
            conn.rollback()
            conn.exec_driver_sql("RESET ALL")  # the pooled connection goes back as it came
    plan = (json.loads(raw) if isinstance(raw, str) else raw)[0]["Plan"]
    scans = _orders_scans(plan)
    # The cancelled orders are only ids to the statement: read apart (from
    # ix_orders_open_work, which holds status and id), and an order's row looked up by id
    # for a parcel that matched. The old statement took every cancelled order's name and
    # cancellation time from its row in the one scan that tested the status.
    assert sorted(scans) == [(False, False), (True, False)], scans
