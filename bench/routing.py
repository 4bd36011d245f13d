"""Benchmark: S-shape vs optimal (Ratliff & Rosenthal) pick routes.

Run from the repository root::

    python -m bench --only routing              # the summary rows
    python -m bench.routing [--batches 1000] [--seed 20240601]   # the full table

Layout: one block of 10 aisles x 40 bays (4 levels, so 1,600 bins), 3.0 m between
aisle centres, 1.2 m bay pitch (48 m aisles), depot in front of aisle 1. Every bin
holds one SKU. Demand is ABC-skewed: 20 % of SKUs draw 80 % of the picks, the next
30 % draw 15 %, the remaining 50 % draw 5 %. A pick batch is a sample of pick lines
drawn by that popularity (the same SKU can recur, giving duplicate locations).

Three slotting policies are compared because they move the saving a lot:
random storage, class-based within-aisle (A items in the front bays of every aisle)
and class-based across-aisle (A items in the aisles nearest the depot).
"""

from __future__ import annotations

import argparse
import itertools
import random
import statistics
import time
from collections.abc import Callable, Sequence

from bench.common import Row
from wms_tui.domain.planning.route_layout import Layout, Route, layout_from_locations
from wms_tui.domain.planning.routing import optimal_route
from wms_tui.domain.planning.s_shape import s_shape_route

N_AISLES = 10
N_BAYS = 40
LEVELS = "ABCD"
# (share of SKUs, share of pick lines) per class, most popular first.
ABC = ((0.20, 0.80), (0.30, 0.15), (0.50, 0.05))
BATCH_SIZES = (5, 10, 20, 30, 40, 60)

PickPoint = tuple[int, float]
Router = Callable[[Layout, Sequence[tuple[int, int, float]]], Route[int]]


def build_bins() -> tuple[Layout, list[str], dict[str, PickPoint]]:
    locs = [
        (f"A-{aisle:02d}-{bay}-{level}", aisle, bay)
        for aisle in range(1, N_AISLES + 1)
        for bay in range(1, N_BAYS + 1)
        for level in LEVELS
    ]
    layout, points = layout_from_locations(locs)
    return layout, [code for code, _, _ in locs], points


def abc_weights(n_skus: int) -> list[float]:
    """Pick probability of SKU rank 0..n-1 (rank 0 is the most popular)."""
    weights: list[float] = []
    for sku_share, pick_share in ABC:
        count = round(sku_share * n_skus)
        weights += [pick_share / count] * count
    weights = weights[:n_skus] + [weights[-1]] * (n_skus - len(weights))
    return weights


def slot(
    policy: str, codes: list[str], points: dict[str, PickPoint], rng: random.Random
) -> list[str]:
    """Bin code for each SKU rank under a storage policy."""
    if policy == "random":
        bins = codes[:]
        rng.shuffle(bins)
        return bins
    if policy not in ("within-aisle", "across-aisle"):
        raise ValueError(policy)
    # within-aisle: best bins nearest the front cross-aisle, whatever the aisle;
    # across-aisle: best bins in the aisles nearest the depot (aisle 1, at the left).
    coord = 1 if policy == "within-aisle" else 0
    tiebreak = {code: rng.random() for code in codes}
    ranked = sorted(codes, key=lambda c: (points[c][coord], tiebreak[c]))
    # Within a class the order is random, so only the class boundary follows the policy.
    slots: list[str] = []
    start = 0
    for sku_share, _ in ABC:
        count = round(sku_share * len(codes))
        chunk = ranked[start : start + count]
        rng.shuffle(chunk)
        slots += chunk
        start += count
    return slots + ranked[start:]


def timed(
    router: Router, layout: Layout, picks: list[tuple[int, int, float]]
) -> tuple[float, float]:
    start = time.perf_counter()
    route = router(layout, picks)
    return route.length, time.perf_counter() - start


def full_table(batches: int, seed: int) -> None:
    layout, codes, points = build_bins()
    cum_weights = list(itertools.accumulate(abc_weights(len(codes))))
    print(
        f"layout: {layout.n_aisles} aisles x {N_BAYS} bays, "
        f"aisle length {layout.aisle_length:.1f} m, "
        f"spacing {layout.aisle_spacing} m, depot x={layout.depot_x} m; "
        f"{batches} batches per row, seed {seed}"
    )
    header = (
        f"{'storage':<13}{'picks':>6}{'aisles':>8}{'S-shape m':>11}{'optimal m':>11}"
        f"{'saving %':>10}{'median %':>10}{'opt ms':>9}{'S ms':>8}"
    )
    print(header)
    print("-" * len(header))
    for policy in ("random", "within-aisle", "across-aisle"):
        rng = random.Random(f"{seed}-{policy}")
        sku_bin = slot(policy, codes, points, rng)
        for size in BATCH_SIZES:
            s_len, o_len, savings, aisles = [], [], [], []
            s_time = o_time = 0.0
            for _ in range(batches):
                skus = rng.choices(range(len(codes)), cum_weights=cum_weights, k=size)
                picks = [(i, *points[sku_bin[sku]]) for i, sku in enumerate(skus)]
                s, ts = timed(s_shape_route, layout, picks)
                o, to = timed(optimal_route, layout, picks)
                s_len.append(s)
                o_len.append(o)
                savings.append(100.0 * (1.0 - o / s))
                aisles.append(len({a for _, a, _ in picks}))
                s_time += ts
                o_time += to
            print(
                f"{policy:<13}{size:>6}{statistics.fmean(aisles):>8.1f}"
                f"{statistics.fmean(s_len):>11.1f}{statistics.fmean(o_len):>11.1f}"
                f"{statistics.fmean(savings):>10.1f}{statistics.median(savings):>10.1f}"
                f"{1e3 * o_time / batches:>9.3f}{1e3 * s_time / batches:>8.3f}"
            )
        print()

    # Timing ceiling: a large consolidated pick list.
    rng = random.Random(f"{seed}-large")
    sku_bin = slot("random", codes, points, rng)
    times: list[float] = []
    for _ in range(50):
        skus = rng.choices(range(len(codes)), cum_weights=cum_weights, k=300)
        picks = [(i, *points[sku_bin[sku]]) for i, sku in enumerate(skus)]
        times.append(timed(optimal_route, layout, picks)[1])
    print(
        f"300-pick lists (random storage, 50 lists): optimal_route mean "
        f"{1e3 * statistics.fmean(times):.2f} ms, worst {1e3 * max(times):.2f} ms"
    )
    print(
        "saving % = mean over batches of 1 - optimal/S-shape; aisles = mean distinct pick aisles; "
        "ms = wall time per route"
    )


def run(quick: bool) -> list[Row]:
    """Optimal vs S-shape on 20-pick batches (random storage): walk and time per route."""
    batches = 20 if quick else 1000
    layout, codes, points = build_bins()
    cum_weights = list(itertools.accumulate(abc_weights(len(codes))))
    rng = random.Random("20240601-random")
    sku_bin = slot("random", codes, points, rng)
    s_len, o_len, s_time, o_time = [], [], [], []
    for _ in range(batches):
        skus = rng.choices(range(len(codes)), cum_weights=cum_weights, k=20)
        picks = [(i, *points[sku_bin[sku]]) for i, sku in enumerate(skus)]
        s, ts = timed(s_shape_route, layout, picks)
        o, to = timed(optimal_route, layout, picks)
        s_len.append(s)
        o_len.append(o)
        s_time.append(1e3 * ts)
        o_time.append(1e3 * to)
    walk = statistics.fmean(o_len)
    s_walk = statistics.fmean(s_len)
    return [
        Row(
            "optimal route walk, 20 picks, random storage",
            walk,
            "m",
            baseline=s_walk,
            baseline_what="m S-shape",
            target="shorter than S-shape",
            ok=None if quick else walk < s_walk,
            note=f"mean of {batches} batches",
        ),
        Row(
            "optimal route, time per 20-pick route",
            statistics.fmean(o_time),
            "ms",
            baseline=statistics.fmean(s_time),
            baseline_what="ms S-shape",
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batches", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=20240601)
    args = parser.parse_args()
    full_table(args.batches, args.seed)


if __name__ == "__main__":
    main()
