"""Benchmark: pick scans (bin, item, tote) → redraw on the handheld's pick screen, 1 M order lines.

    python -m bench --only pick_scan       # at the largest seeded size (1 M order lines)

The store is bench/pack_scan.py's history (``--lines`` order lines with their pack scans
and events), plus a pick floor made through the services: 48 pick bins holding stock,
orders of 3 lines × 2 units allocated by the allocation service and one wave built by
``build_wave`` (carts of 8). A picker logs in on a headless app at 120×40, opens the pick
screen (which claims the next task), and scans what the screen asks for - the bin, each
unit, the tote - as a scanner sends it; each scan is timed until the new screen is drawn,
against an empty-screen redraw measured in the same run (bench/screen_scans.py).
"""

from __future__ import annotations

from pathlib import Path

from sqlmodel import col, select

from bench import pack_scan
from bench.common import Row, cached_sqlite, largest
from bench.screen_scans import Timings, logged_in, on_a_copy, rows, timed_scans
from wms_tui.domain.actor import SYSTEM, Actor
from wms_tui.domain.enums import LocationKind, MovementReason, OrderStatus
from wms_tui.domain.models import Carrier, Location, Operator, Order, OrderLine, Product, Service
from wms_tui.services.inventory.allocation import allocate_order
from wms_tui.services.inventory.stock import move_stock
from wms_tui.store import Store

SKUS = 48
LINES, QTY = 3, 2
PICKER = "P2001"


def build_floor(store: Store, n_orders: int) -> None:
    """Bins with stock, totes, ``n_orders`` allocated orders and one wave of them."""
    from wms_tui.services.picking.waves import build_wave

    with store.unit_of_work() as uow:
        s = uow.session
        boss = Operator(badge="S8001", name="Karin Holmgren", roles="supervisor")
        s.add(boss)
        s.add(Operator(badge=PICKER, name="Ana Lindqvist", roles="picker"))
        products = s.exec(select(Product).order_by(col(Product.id)).limit(SKUS)).all()
        for i, p in enumerate(products):
            loc = Location(code=f"B-{1 + i // 12:02d}-{1 + i % 12}-A", kind=LocationKind.PICK)
            s.add(loc)
            s.flush()
            move_stock(
                uow, SYSTEM, p, 10_000, from_loc=None, to_loc=loc, reason=MovementReason.RECEIVED
            )
        for t in range(n_orders):
            s.add(Location(code=f"PT-{t + 1:04d}", kind=LocationKind.TOTE, zone="TOTE"))
        carrier = s.exec(select(Carrier)).first()
        service = s.exec(select(Service)).first()
        for t in range(n_orders):
            order = Order(
                name=f"#PICK-{t + 1}",
                status=OrderStatus.NEW,
                carrier_id=carrier.id if carrier else None,
                service_id=service.id if service else None,
                ship_name="Bench Customer",
                ship_country="SE",
            )
            s.add(order)
            s.flush()
            for n in range(LINES):
                p = products[(t * LINES + n) % len(products)]
                s.add(
                    OrderLine(
                        order_id=order.id,
                        line_no=n + 1,
                        product_id=p.id,
                        sku=p.sku,
                        name=p.name,
                        quantity=QTY,
                    )
                )
            s.flush()
            assert allocate_order(uow, order, SYSTEM) == [], order.name
        uow.commit()
        supervisor = Actor(boss.id, boss.name, boss.roles, terminal="HH-S")
    build_wave(store, supervisor, cart_size=8)


async def measure(store: Store, scans: int, warmup: int, pause: float) -> Timings:
    from wms_tui.services.picking.task_view import Stage
    from wms_tui.ui.screens.picking import PickScreen

    with store.read() as s:
        ean = {
            sku: pack_scan._ean(pid - 1)
            for sku, pid in s.exec(select(Product.sku, Product.id)).all()
        }
    async with logged_in(store, "HH-01", PICKER, scans, warmup) as (app, pilot, t):
        screen = PickScreen()
        await app.push_screen(screen)
        await pilot.pause()

        async def next_code() -> str:
            while screen.finished is not None or screen.view is None or screen.view.stop is None:
                screen.claim()  # the next task, untimed
                await pilot.pause()
                if screen.view is None:
                    raise SystemExit("no pick task left: build more orders")
            stop = screen.view.stop
            if stop.stage is Stage.TOTE:
                return stop.tote
            if screen.at_bin != stop.bin:
                return stop.bin
            return ean[stop.sku]

        await timed_scans(
            app, screen, "#pick-scan", next_code, n=scans, warmup=warmup, pause=pause, timings=t
        )
    return t


def floor_store(quick: bool) -> tuple[Path, int]:
    """The cached store both floor-scan benchmarks use (built once): history, picks, dock."""
    from bench.receive_scan import build_dock

    lines = largest(quick)
    scans, warmup = _scans(quick)[:2]
    # A stop is about 4 scans (bin, 2 units, tote): enough orders for every scan.
    n_orders = (scans + warmup) // (LINES * 3) + 8

    def make(url: str) -> None:
        store = Store(url)
        store.create_schema()
        pack_scan.build(store, lines, 0)
        build_floor(store, n_orders)
        build_dock(store)
        store.dispose()

    here = Path(__file__)
    sources = (here, Path(pack_scan.__file__), here.with_name("receive_scan.py"))
    return cached_sqlite(f"floor-{lines}-{n_orders}", make, *sources), lines


def _scans(quick: bool) -> tuple[int, int, float]:
    """Timed scans, warm-up scans, pause between scans (s)."""
    return (12, 2, 0.02) if quick else (200, 30, 0.25)


def run(quick: bool) -> list[Row]:
    scans, warmup, pause = _scans(quick)
    cached, lines = floor_store(quick)
    t = on_a_copy(cached, measure, scans, warmup, pause)
    return rows("pick", f"{lines:,} order lines", t, pause, quick=quick)
