"""Benchmark: the pick scan's service alone, reading the whole cart vs only the stop.

    python -m bench --only pick_service    # at the largest seeded size
    python -m bench.pick_service           # the same, on its own

bench/pick_scan.py's store (history plus a wave of carts of 8 orders × 3 lines), copied
twice. One picker walks the same cart on both copies - bin, each unit, tote, as the pick
screen asks - and every scan is sent to both, in alternating order: on one as before the
change (``known=None``: the service loads the cart, about 150 rows, to find the stop), on
the other as the screen sends it now (``known=`` the view it shows: one stop read). CPU
time of this process and wall time per scan; the whole-cart scans are the baseline.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

from sqlmodel import select

from bench import pack_scan
from bench.common import Row, latency_row, pct
from bench.pick_scan import PICKER, floor_store
from wms_tui.domain.actor import Actor
from wms_tui.domain.models import Operator, Product
from wms_tui.services.picking import walk
from wms_tui.services.picking.task_view import Stage, TaskView
from wms_tui.store import Store


class Walker:
    """One picker on one copy; ``keep`` passes the last view to each scan."""

    def __init__(self, store: Store, keep: bool) -> None:
        self.store, self.keep = store, keep
        with store.read() as s:
            op = s.exec(select(Operator).where(Operator.badge == PICKER)).one()
            self.actor = Actor(op.id, op.name, op.roles, terminal="HH-01")
        self.view: TaskView | None = None
        self.at: str | None = None

    def next_code(self, ean: dict[str, str]) -> str:
        while self.view is None or self.view.stop is None:
            self.view, self.at = walk.claim_next_task(self.store, self.actor), None
            if self.view is None:
                raise SystemExit("no pick task left: build more orders")
        stop = self.view.stop
        if stop.stage is Stage.TOTE:
            return stop.tote
        return stop.bin if self.at != stop.bin else ean[stop.sku]

    def scan(self, code: str) -> tuple[float, float]:
        assert self.view is not None
        known = self.view if self.keep else None
        c0, t0 = time.process_time(), time.perf_counter()
        out = walk.scan(self.store, self.actor, self.view.code, code, at_bin=self.at, known=known)
        cpu, wall = time.process_time() - c0, time.perf_counter() - t0
        self.view, self.at = (None if out.finished else out.view), out.at_bin
        return cpu, wall


def measure(cached: Path, scans: int, warmup: int) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {
        k: [] for k in ("cart_cpu", "cart_wall", "stop_cpu", "stop_wall")
    }
    with tempfile.TemporaryDirectory() as tmp:
        stores = []
        for name in ("cart", "stop"):
            shutil.copy(cached, Path(tmp) / f"{name}.db")
            stores.append(Store(f"sqlite:///{Path(tmp) / name}.db"))
        try:
            with stores[0].read() as s:
                ean = {
                    sku: pack_scan._ean(pid - 1)
                    for sku, pid in s.exec(select(Product.sku, Product.id)).all()
                }
            walkers = {"cart": Walker(stores[0], False), "stop": Walker(stores[1], True)}
            for i in range(warmup + scans):
                code = walkers["cart"].next_code(ean)
                assert walkers["stop"].next_code(ean) == code, "the two walks parted"
                order = ("cart", "stop") if i % 2 else ("stop", "cart")
                for name in order:
                    cpu, wall = walkers[name].scan(code)
                    if i >= warmup:
                        out[f"{name}_cpu"].append(cpu)
                        out[f"{name}_wall"].append(wall)
        finally:
            for store in stores:
                store.dispose()
    return out


def run(quick: bool) -> list[Row]:
    scans, warmup = (12, 2) if quick else (250, 20)
    cached, lines = floor_store(quick)
    t = measure(cached, scans, warmup)
    size = f"{lines:,} order lines, {scans} scans"
    return [
        latency_row("pick scan service, whole cart read (before)", t["cart_cpu"], note="CPU"),
        latency_row(
            f"pick scan service CPU, the stop read, {size}",
            t["stop_cpu"],
            t["cart_cpu"],
            baseline_what="ms CPU whole cart",
            note=f"p50 ratio {pct(t['stop_cpu'], 0.5) / pct(t['cart_cpu'], 0.5):.2f}",
        ),
        latency_row(
            f"pick scan service wall, the stop read, {size}",
            t["stop_wall"],
            t["cart_wall"],
            baseline_what="ms wall whole cart",
            note=f"p50 ratio {pct(t['stop_wall'], 0.5) / pct(t['cart_wall'], 0.5):.2f}",
        ),
    ]


if __name__ == "__main__":
    for row in run(quick=False):
        print(row)
