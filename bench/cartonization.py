"""Timing of carton suggestion on synthetic pack-station orders.

    python -m bench --only cartonization
    python -m bench.cartonization [--orders 300] [--max-units 8] [--seed 1]

Prints latency percentiles of ``suggest_cartons`` and how often each outcome occurs, for a
typical e-commerce carton range, and for the orders the pack-station benchmark opens (5 lines
× 6 units from its catalogue, its four cartons). Deterministic for a given seed.

Timed in CPU time (``process_time``): the suggestion is pure computation in one thread, so on
a shared machine its CPU time is what it costs and the wall time mostly measures the others.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections import Counter

from bench.common import Row, latency_row
from wms_tui.domain.planning.cartonization import Carton, Item, ItemLine, suggest_cartons

CARTONS = [
    Carton("XS", "XS box", 160, 110, 60, 3000, 60),
    Carton("S", "S box", 250, 180, 100, 5000, 120),
    Carton("M", "M box", 350, 250, 150, 10000, 220),
    Carton("L", "L box", 450, 350, 250, 15000, 380),
    Carton("XL", "XL box", 600, 400, 400, 20000, 600),
    Carton("TUBE", "Tube", 600, 100, 100, 4000, 150),
]


def random_order(rng: random.Random, max_units: int) -> list[Item | ItemLine]:
    lines: list[Item | ItemLine] = []
    units, target = 0, rng.randint(1, max_units)
    while units < target:
        # Skewed towards small goods, like a real catalogue.
        scale = rng.choice([60, 120, 120, 200, 300])
        item = Item(
            sku=f"SKU-{len(lines)}",
            length_mm=rng.randint(scale // 3, scale),
            width_mm=rng.randint(scale // 4, scale),
            height_mm=rng.randint(10, scale),
            weight_g=rng.randint(20, 2500),
            fragile=rng.random() < 0.2,
        )
        qty = rng.choice([1, 1, 1, 2, 3])
        lines.append(item if qty == 1 else ItemLine(item, qty))
        units += qty
    return lines


# The pack-station benchmark's cartons and catalogue (bench/pack_scan.py builds its store
# from these), so the suggestion it waits for on opening an order can be timed alone here.
STATION_CARTONS = [
    Carton("BOX-S", "BOX-S", 200, 150, 100, 25000, 120),
    Carton("BOX-M", "BOX-M", 300, 200, 150, 25000, 220),
    Carton("BOX-L", "BOX-L", 400, 300, 200, 25000, 380),
    Carton("BOX-XL", "BOX-XL", 600, 400, 400, 25000, 750),
]
STATION_PRODUCTS = 400
STATION_LINES, STATION_QTY = 5, 6


def station_dims(i: int) -> tuple[int, int, int, int]:
    """Length, width, height (mm) and weight (g) of the pack-station catalogue's product i."""
    return 60 + i % 120, 40 + i % 80, 10 + i % 60, 100 + i % 700


def station_order(t: int) -> list[Item | ItemLine]:
    """The t-th order the pack-station benchmark packs: 5 consecutive products × 6 units."""
    lines: list[Item | ItemLine] = []
    for n in range(STATION_LINES):
        i = (t * STATION_LINES + n) % STATION_PRODUCTS
        length, width, height, weight = station_dims(i)
        lines.append(ItemLine(Item(f"SKU-{i:04d}", length, width, height, weight), STATION_QTY))
    return lines


def measure(
    orders: int, max_units: int, seed: int, *, station: bool = False
) -> tuple[list[float], Counter[str]]:
    rng = random.Random(seed)
    timings: list[float] = []
    outcomes: Counter[str] = Counter()
    cartons = STATION_CARTONS if station else CARTONS
    for t in range(orders):
        order = station_order(t) if station else random_order(rng, max_units)
        start = time.process_time()
        suggestion = suggest_cartons(order, cartons)
        timings.append(time.process_time() - start)
        if not suggestion.parcels:
            outcomes["unpackable"] += 1
        elif suggestion.is_split:
            outcomes["split"] += 1
        else:
            outcomes[suggestion.parcels[0].carton.code] += 1
    return timings, outcomes


def run(quick: bool) -> list[Row]:
    """Carton suggestion on its own (the pack station's open is in pack_scan)."""
    rows = []
    # Orders of up to 30 units take a few hundred ms each: fewer of them.
    cases = (
        ("orders of up to 8 units", 8, 10 if quick else 1000, False),
        ("orders of up to 30 units", 30, 10 if quick else 200, False),
        ("pack-station orders, 5 lines × 6 units", 30, 10 if quick else 80, True),
    )
    for label, max_units, n, station in cases:
        timings, outcomes = measure(n, max_units, seed=1, station=station)
        rows.append(
            latency_row(
                f"carton suggestion (CPU), {label}",
                timings,
                limit_ms=50,
                target="p99 ≤ 50 ms",
                judge=not quick,
                note=f"{n} orders; " + ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items())),
            )
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=300)
    parser.add_argument("--max-units", type=int, default=8)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--station", action="store_true", help="the pack-station benchmark's orders (5 × 6 units)"
    )
    args = parser.parse_args()
    timings, outcomes = measure(args.orders, args.max_units, args.seed, station=args.station)
    timings.sort()
    pct = {p: timings[min(len(timings) - 1, int(p / 100 * len(timings)))] for p in (50, 90, 99)}
    what = "pack-station orders" if args.station else f"up to {args.max_units} units"
    print(f"{args.orders} orders, {what}, seed {args.seed}, CPU time")
    print(
        "latency ms: "
        + ", ".join(f"p{p} {v * 1000:.1f}" for p, v in pct.items())
        + f", max {timings[-1] * 1000:.1f}, mean {statistics.mean(timings) * 1000:.1f}"
    )
    print("outcomes: " + ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items())))


if __name__ == "__main__":
    main()
