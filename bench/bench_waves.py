"""Route length of real waves: the demo's ready orders, optimal vs S-shape.

Builds the demo warehouse in a temporary SQLite file, allocates its
READY_TO_PICK orders, and builds waves with several cart sizes (each on a
fresh copy), reporting per cart size the number of tasks, the mean stops per
task, and the total walk of the optimal routes against S-shape over the same
stops (floor plan: pick block + bulk block, see services/floor_plan.py).

    PYTHONPATH=. python bench/bench_waves.py
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

from wms_tui.domain.actor import SYSTEM
from wms_tui.services.demo.build import create_demo
from wms_tui.services.picking.waves import build_wave
from wms_tui.store import Store

CART_SIZES = (1, 2, 4, 6, 8, 12)


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        seed = Path(tmp) / "seed.db"
        store, _ = create_demo(str(seed))
        store.dispose()
        print(
            f"{'cart':>4} {'tasks':>5} {'stops/task':>10} {'S-shape m':>10} "
            f"{'optimal m':>10} {'saving %':>8} {'build ms':>8}"
        )
        for size in CART_SIZES:
            db = Path(tmp) / f"c{size}.db"
            shutil.copy(seed, db)
            store = Store(f"sqlite:///{db}")
            t0 = time.perf_counter()
            result = build_wave(store, SYSTEM, cart_size=size)
            ms = (time.perf_counter() - t0) * 1000
            store.dispose()
            stops = sum(t.stops for t in result.tasks) / len(result.tasks)
            mean_saving = sum(
                1 - t.route_length_m / t.s_shape_m for t in result.tasks if t.s_shape_m
            ) / len(result.tasks)
            print(
                f"{size:>4} {len(result.tasks):>5} {stops:>10.1f} {result.s_shape_m:>10.0f} "
                f"{result.route_length_m:>10.0f} {100 * mean_saving:>8.1f} {ms:>8.0f}"
            )
    print("saving %: mean over tasks of 1 - optimal / S-shape")
    return 0


if __name__ == "__main__":
    sys.exit(main())
