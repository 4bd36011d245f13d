"""Two receivers putting the first units of a product into one location at once.

Neither finds a stock row for (product, location), so both create one. On
PostgreSQL the second INSERT used to hit the unique constraint and the scan
failed; now it waits for the first and adds to the row the first created.
Each receiver is a thread with its own Store (its own connections), on its own
blind delivery, so nothing but the stock row makes them wait for each other;
a barrier lines them up before every scan.
"""

from __future__ import annotations

import threading
from dataclasses import replace

from sqlmodel import select

from tests.worlds import factories as f
from wms_tui.domain.actor import Actor
from wms_tui.domain.enums import LocationKind
from wms_tui.domain.models import Location, Product, Stock, StockMovement
from wms_tui.services.inventory.stock import ledger_mismatches
from wms_tui.services.receiving import receipt as receiving
from wms_tui.store import Store

SKUS = [f"RACE-{i}" for i in range(5)]
COUNTS = {"RCV-A": 3, "RCV-B": 4}


def _receiver(
    url: str, me: Actor, reference: str, start: threading.Barrier, errors: list[str]
) -> None:
    store = Store(url)
    try:
        for sku in SKUS:
            start.wait(timeout=60)
            try:
                receiving.receive_scan(store, me, reference, sku, count=COUNTS[me.terminal])
            except Exception as exc:  # noqa: BLE001 - reported to the test
                errors.append(f"{me.terminal} {sku}: {type(exc).__name__}: {exc}")
    finally:
        store.dispose()


def test_two_receivers_create_the_same_stock_row_at_once(empty_store: Store, db_url: str) -> None:
    with empty_store.unit_of_work() as uow:
        f.warehouse(uow)
        f.location(uow, "RCV-1", LocationKind.RECEIVING, zone="R")
        for sku in SKUS:
            f.product(uow, sku, name=f"Race {sku}", barcode=None)
        people = [replace(f.operator(uow, f"Receiver {t}", "receiver"), terminal=t) for t in COUNTS]
        uow.commit()
    refs = [receiving.start_blind_receipt(empty_store, me).reference for me in people]

    start = threading.Barrier(len(people))
    errors: list[str] = []
    threads = [
        threading.Thread(target=_receiver, args=(db_url, me, ref, start, errors))
        for me, ref in zip(people, refs, strict=True)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)

    assert errors == []
    with empty_store.read() as s:
        rcv = s.exec(select(Location).where(Location.code == "RCV-1")).one()
        for sku in SKUS:
            p = s.exec(select(Product).where(Product.sku == sku)).one()
            rows = s.exec(
                select(Stock).where(Stock.product_id == p.id, Stock.location_id == rcv.id)
            ).all()
            moved = s.exec(
                select(StockMovement.qty).where(
                    StockMovement.product_id == p.id, StockMovement.to_location_id == rcv.id
                )
            ).all()
            assert sorted(moved) == sorted(COUNTS.values()), sku
            assert [r.qty for r in rows] == [sum(COUNTS.values())], sku
        assert ledger_mismatches(s) == []
