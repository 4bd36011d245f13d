"""Timing of carton suggestion on synthetic pack-station orders.

    python -m bench --only cartonization
    python -m bench.cartonization [--orders 300] [--max-units 8] [--seed 1]

Prints latency percentiles of ``suggest_cartons`` and how often each outcome occurs, for a
typical e-commerce carton range. Deterministic for a given seed.
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


def measure(orders: int, max_units: int, seed: int) -> tuple[list[float], Counter[str]]:
    rng = random.Random(seed)
    timings: list[float] = []
    outcomes: Counter[str] = Counter()
    for _ in range(orders):
        order = random_order(rng, max_units)
        start = time.perf_counter()
        suggestion = suggest_cartons(order, CARTONS)
        timings.append(time.perf_counter() - start)
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
    for max_units, n in ((8, 10 if quick else 1000), (30, 10 if quick else 200)):
        timings, outcomes = measure(n, max_units, seed=1)
        rows.append(
            latency_row(
                f"carton suggestion, orders of up to {max_units} units",
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
    args = parser.parse_args()
    timings, outcomes = measure(args.orders, args.max_units, args.seed)
    timings.sort()
    pct = {p: timings[min(len(timings) - 1, int(p / 100 * len(timings)))] for p in (50, 90, 99)}
    print(f"{args.orders} orders, up to {args.max_units} units, seed {args.seed}")
    print(
        "latency ms: "
        + ", ".join(f"p{p} {v * 1000:.1f}" for p, v in pct.items())
        + f", max {timings[-1] * 1000:.1f}, mean {statistics.mean(timings) * 1000:.1f}"
    )
    print("outcomes: " + ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items())))


if __name__ == "__main__":
    main()
