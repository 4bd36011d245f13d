"""Benchmark: receiving scans → redraw on the receiving screen, 1 M order lines in the store.

    python -m bench --only receive_scan    # at the largest seeded size (1 M order lines)

The store, built once for this and bench/pick_scan.py, is bench/pack_scan.py's history
(order lines with their pack scans and events), plus a receiving dock RCV-1 and an
expected delivery (ASN) of 40 products, 1,000 units each. A receiver logs in on a
headless app at 120×40, starts the delivery on the receiving screen (untimed) and scans
units as they come out of the boxes, a product at a time; each scan (one unit received,
one stock move) is timed until the new screen is drawn, against an empty-screen redraw
measured in the same run (bench/screen_scans.py).
"""

from __future__ import annotations

from sqlmodel import col, select

from bench import pack_scan
from bench.common import Row
from bench.screen_scans import Timings, logged_in, on_a_copy, rows, timed_scans
from wms_tui.domain.enums import LocationKind
from wms_tui.domain.models import Delivery, DeliveryLine, Location, Operator, Product
from wms_tui.store import Store

SKUS = 40
EXPECTED = 1_000
RECEIVER = "R2001"
REFERENCE = "PO-BENCH-1"
PER_PRODUCT = 6  # units scanned of one product before the next box


def build_dock(store: Store) -> None:
    with store.unit_of_work() as uow:
        s = uow.session
        s.add(Operator(badge=RECEIVER, name="Björn Åkesson", roles="receiver"))
        s.add(Location(code="RCV-1", kind=LocationKind.RECEIVING, zone="RCV"))
        delivery = Delivery(reference=REFERENCE, supplier="Nordic Tees AB")
        s.add(delivery)
        s.flush()
        for p in s.exec(select(Product).order_by(col(Product.id)).limit(SKUS)).all():
            s.add(DeliveryLine(delivery_id=delivery.id, product_id=p.id, expected_qty=EXPECTED))
        uow.commit()


async def measure(store: Store, scans: int, warmup: int, pause: float) -> Timings:
    from wms_tui.ui.screens.receiving import ReceivingScreen

    with store.read() as s:
        ids = s.exec(select(Product.id).order_by(col(Product.id)).limit(SKUS)).all()
    codes = [pack_scan._ean(pid - 1) for pid in ids]
    async with logged_in(store, "RCV-1", RECEIVER, scans, warmup) as (app, pilot, t):
        screen = ReceivingScreen()
        await app.push_screen(screen)
        await pilot.pause()
        screen.start(REFERENCE)
        await pilot.pause()
        if screen.receipt is None:
            raise SystemExit(f"{REFERENCE} did not start: {screen.feedback.text}")
        done = 0

        async def next_code() -> str:
            nonlocal done
            code = codes[(done // PER_PRODUCT) % len(codes)]
            done += 1
            return code

        await timed_scans(
            app, screen, "#rcv-scan", next_code, n=scans, warmup=warmup, pause=pause, timings=t
        )
    return t


def run(quick: bool) -> list[Row]:
    from bench.pick_scan import _scans, floor_store

    scans, warmup, pause = _scans(quick)
    cached, lines = floor_store(quick)  # the pick benchmark's store: it has this dock too
    t = on_a_copy(cached, measure, scans, warmup, pause)
    return rows("receiving", f"{lines:,} order lines", t, pause, quick=quick)
