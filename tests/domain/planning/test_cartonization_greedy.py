"""The greedy placement's fast paths choose exactly what the plain rule chooses.

``_place_one`` ranks candidates without testing overlaps first, tests only units near a
point, and ``_extreme_points`` / ``_contact_area`` are unrolled per axis: all for speed at the
pack station. The plain rule is written out here (every extreme point x every orientation,
keep the first candidate with the smallest key) and both are run on layouts the greedy grows
itself, so any shortcut that changes a choice, or the order ties are broken in, fails.
"""

from __future__ import annotations

import math
from collections import Counter
from itertools import permutations
from unittest.mock import patch

from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from wms_tui.domain.planning import carton_greedy as cg
from wms_tui.domain.planning import carton_items as ci
from wms_tui.domain.planning import carton_search as cs
from wms_tui.domain.planning.cartonization import (
    Carton,
    Item,
    ItemLine,
    Suggestion,
    suggest_cartons,
    verify_placement,
)

Box = tuple[int, int, int, int, int, int]
Dims = tuple[int, int, int]


def _overlap(a: Box, b: Box) -> bool:
    return all(a[k] < b[k + 3] and b[k] < a[k + 3] for k in range(3))


def _plain_points(boxes: list[Box]) -> list[Dims]:
    points: set[Dims] = {(0, 0, 0)}
    for box in boxes:
        for axis in range(3):
            corner = [box[0], box[1], box[2]]
            corner[axis] = box[axis + 3]
            points.add((corner[0], corner[1], corner[2]))
            for slide in range(3):
                if slide == axis:
                    continue
                a, b = [k for k in range(3) if k != slide]
                stop = 0
                for other in boxes:
                    if (
                        other[a] <= corner[a] < other[a + 3]
                        and other[b] <= corner[b] < other[b + 3]
                        and stop < other[slide + 3] <= corner[slide]
                    ):
                        stop = other[slide + 3]
                moved = list(corner)
                moved[slide] = stop
                points.add((moved[0], moved[1], moved[2]))
    return [
        p for p in points if not any(all(b[k] <= p[k] < b[k + 3] for k in range(3)) for b in boxes)
    ]


def _plain_contact(box: Box, boxes: list[Box], container: Dims) -> int:
    area = 0
    for axis in range(3):
        a, b = [k for k in range(3) if k != axis]
        face = (box[a + 3] - box[a]) * (box[b + 3] - box[b])
        area += face * ((box[axis] == 0) + (box[axis + 3] == container[axis]))
        for other in boxes:
            if other[axis + 3] == box[axis] or other[axis] == box[axis + 3]:
                da = min(box[a + 3], other[a + 3]) - max(box[a], other[a])
                db = min(box[b + 3], other[b + 3]) - max(box[b], other[b])
                if da > 0 and db > 0:
                    area += da * db
    return area


def _plain_place(size: Dims, boxes: list[Box], container: Dims, merit, upright: bool):  # noqa: ANN001
    env = tuple(max((b[k + 3] for b in boxes), default=0) for k in range(3))
    orientations = sorted(set(permutations(size)), key=lambda d: (d[2], d[1], d[0]))
    if upright:
        orientations.reverse()
    best, best_key = None, None
    for x, y, z in _plain_points(boxes):
        for dx, dy, dz in orientations:
            box = (x, y, z, x + dx, y + dy, z + dz)
            if any(box[k + 3] > container[k] for k in range(3)):
                continue
            if any(_overlap(box, b) for b in boxes):
                continue
            if merit is None:
                key = (-_plain_contact(box, boxes, container), z, y, x)
            else:
                key = merit(box, env)
            if best_key is None or key < best_key:
                best, best_key = box, key
    return best


side = st.integers(min_value=1, max_value=6).map(lambda n: n * 25)
sizes = st.lists(st.tuples(side, side, side), min_size=1, max_size=9)
containers = st.tuples(
    st.sampled_from([150, 200, 300]), st.sampled_from([100, 150, 200]), st.sampled_from([75, 150])
)


@settings(max_examples=40, deadline=None)
@given(
    sizes=sizes,
    container=containers,
    merit=st.sampled_from(range(len(cg._MERITS))),
    upright=st.booleans(),
)
def test_each_step_chooses_what_the_plain_rule_chooses(
    sizes: list[Dims], container: Dims, merit: int, upright: bool
) -> None:
    rule = cg._MERITS[merit]
    boxes: list[Box] = []
    for size in sizes:
        assert cg._extreme_points(boxes) == _plain_points(boxes)
        for box in boxes:
            assert cg._contact_area(box, boxes, container) == _plain_contact(box, boxes, container)
        chosen = cg._place_one(size, boxes, container, rule, upright)
        assert chosen == _plain_place(size, boxes, container, rule, upright)
        if chosen is None:
            break
        boxes.append(chosen)


def _plain_dff_violated(types: list[Dims], counts: dict[Dims, int], container: Dims) -> bool:
    """The Fekete-Schepers bound as first written: u computed where it is used."""
    thresholds = []
    for axis in range(3):
        cap = container[axis]
        values = sorted({d for t in types for d in t if d <= cap // 2})
        if len(values) > cs._DFF_MAX_THRESHOLDS - 1:
            step = len(values) / (cs._DFF_MAX_THRESHOLDS - 1)
            values = [values[int(i * step)] for i in range(cs._DFF_MAX_THRESHOLDS - 1)]
        thresholds.append([0, *values])

    def u(x: int, e: int, cap: int) -> int:
        return cap if x > cap - e else (0 if x < e else x)

    cx, cy, cz_ = container
    oris = [
        [o for o in set(permutations(t)) if o[0] <= cx and o[1] <= cy and o[2] <= cz_]
        for t in types
    ]
    for ex in thresholds[0]:
        for ey in thresholds[1]:
            for ez in thresholds[2]:
                total = sum(
                    counts[t]
                    * min(u(o[0], ex, cx) * u(o[1], ey, cy) * u(o[2], ez, cz_) for o in os)
                    for t, os in zip(types, oris, strict=True)
                )
                if total > cx * cy * cz_:
                    return True
    return False


@settings(max_examples=200, deadline=None)
@given(
    sizes=st.lists(
        st.tuples(*[st.integers(min_value=10, max_value=200)] * 3), min_size=1, max_size=12
    ),
    container=st.tuples(*[st.integers(min_value=100, max_value=400)] * 3),
)
def test_dff_bound_answers_what_the_plain_bound_answers(sizes: list[Dims], container: Dims) -> None:
    """The bound looks u up in tables built once per carton (speed): same verdict."""
    shapes = [cs._shape(s) for s in sizes if ci._fits_alone(s, container)]
    if not shapes:
        return
    counts: dict[Dims, int] = {}
    for s in shapes:
        counts[s] = counts.get(s, 0) + 1
    types = sorted(counts, key=lambda t: (-(t[0] * t[1] * t[2]), -t[2], t))
    got = cs._dff_bound_violated(types, Counter(counts), container)
    assert got == _plain_dff_violated(types, counts, container)


def _exact_before(
    types: list[Dims], counts: Counter[Dims], container: Dims, search_limit: int
) -> list[Box] | None:
    """``_exact`` before the support test was written out into the loop (issue #21)."""
    cx, cy, kz = container
    orientations = [ci._orientations(t) for t in types]
    remaining = [counts[t] for t in types]
    total = sum(remaining)
    placed: list[Box] = []
    failed: set[frozenset[Box]] = set()
    work = 0

    def free(x0: int, y0: int, z0: int, x1: int, y1: int, z1: int) -> bool:
        for b in placed:
            if b[0] < x1 and x0 < b[3] and b[1] < y1 and y0 < b[4] and b[2] < z1 and z0 < b[5]:
                return False
        return True

    def supported(x0: int, y0: int, z0: int, x1: int, y1: int, z1: int, nearby: list[Box]) -> bool:
        sx, sy, sz = x0 == 0, y0 == 0, z0 == 0
        for b in nearby:
            if b[0] < x1 and x0 < b[3] and b[1] < y1 and y0 < b[4] and b[2] < z1 and z0 < b[5]:
                return False  # overlap
            if not sx and b[3] == x0 and b[1] < y1 and y0 < b[4] and b[2] < z1 and z0 < b[5]:
                sx = True
            if not sy and b[4] == y0 and b[0] < x1 and x0 < b[3] and b[2] < z1 and z0 < b[5]:
                sy = True
            if not sz and b[5] == z0 and b[0] < x1 and x0 < b[3] and b[1] < y1 and y0 < b[4]:
                sz = True
        return sx and sy and sz

    def room_for(t: int, xs: list[int], ys: list[int], zs: list[int]) -> Box | None:
        """Some free spot for type ``t``: a unit fitting anywhere in the free space also fits
        after sliding towards the origin, i.e. at a corner of walls and placed far faces."""
        nonlocal work
        cost = len(placed) + 1
        for dx, dy, dz in orientations[t]:
            for z in zs:
                if z + dz > kz:
                    break
                in_z = [b for b in placed if b[5] > z and b[2] < z + dz]
                for y in ys:
                    if y + dy > cy:
                        break
                    in_zy = [b for b in in_z if b[4] > y and b[1] < y + dy]
                    for x in xs:
                        if x + dx > cx:
                            break
                        work += cost
                        for b in in_zy:
                            if b[0] < x + dx and x < b[3]:
                                break
                        else:
                            return (x, y, z, x + dx, y + dy, z + dz)
        return None

    def search(spots: list[Box | None]) -> bool:
        nonlocal work
        if len(placed) == total:
            return True
        key = frozenset(placed)
        if key in failed:
            return False
        if work > search_limit:
            raise cs._SearchLimitReached
        xs = sorted({0, *(b[3] for b in placed)})
        ys = sorted({0, *(b[4] for b in placed)})
        zs = sorted({0, *(b[5] for b in placed)})
        # Placed units never move: a type with no free spot left can never be added, prune.
        # ``spots`` caches a known free spot per type; only recheck when the last unit took it.
        spots = list(spots)
        for t, left in enumerate(remaining):
            if left and (spots[t] is None or (placed and not free(*spots[t]))):  # type: ignore[misc]
                spots[t] = room_for(t, xs, ys, zs)
                if spots[t] is None:
                    failed.add(key)
                    return False
        cost = len(placed) + 1
        for t, oris in enumerate(orientations):
            if not remaining[t]:
                continue
            remaining[t] -= 1
            for dx, dy, dz in oris:
                for z in zs:
                    if z + dz > kz:
                        break
                    # Only units reaching the slab z..z+dz can overlap or support the new one
                    # (the work counted stays per candidate, so the budget means the same).
                    in_z = [b for b in placed if b[5] >= z and b[2] < z + dz]
                    for y in ys:
                        if y + dy > cy:
                            break
                        in_zy = [b for b in in_z if b[4] >= y and b[1] < y + dy]
                        for x in xs:
                            if x + dx > cx:
                                break
                            work += cost
                            if not supported(x, y, z, x + dx, y + dy, z + dz, in_zy):
                                continue
                            placed.append((x, y, z, x + dx, y + dy, z + dz))
                            if search(spots):
                                return True
                            placed.pop()
            remaining[t] += 1
        failed.add(key)
        return False

    return list(placed) if search([None] * len(types)) else None


def _pack_shapes_before(shapes, container, search_limit, undecided):  # noqa: ANN001, ANN202
    """``_pack_shapes`` before the pack station's speed work (issue #21), uncached.

    It calls the module's steps by name, which the test below points at this file's
    plain versions of them.

    Then an undecided check of the larger units alone still ran the full search; now it
    answers "undecided" at once. Both answer alike whenever nothing runs out of budget;
    ``undecided`` counts the searches that did.
    """
    if not shapes:
        return cs._Outcome.FOUND, (), ""
    for shape in shapes:
        if not ci._fits_alone(shape, container):
            return cs._Outcome.INFEASIBLE, None, "does not fit"
    if sum(a * b * c for a, b, c in shapes) > math.prod(container):
        return cs._Outcome.INFEASIBLE, None, "not enough volume"
    counts = Counter(shapes)
    types = sorted(counts, key=lambda t: (-(t[0] * t[1] * t[2]), -t[2], t))
    for i, a in enumerate(types):
        for b in types[i:]:
            if (a != b or counts[a] > 1) and not cs._separable(a, b, container):
                return cs._Outcome.INFEASIBLE, None, "side by side"
    if cs._dff_bound_violated(types, counts, container):
        return cs._Outcome.INFEASIBLE, None, "dff"
    boxes = cg._greedy(types, counts, container)
    if boxes is None and len(types) > 1:
        larger = tuple(s for s in shapes if s != types[-1])
        outcome, _, reason = _pack_shapes_before(larger, container, search_limit // 2, undecided)
        if outcome is cs._Outcome.INFEASIBLE:
            return outcome, None, reason
    if boxes is None:
        try:
            boxes = cs._exact(types, counts, container, search_limit)
        except cs._SearchLimitReached:
            undecided.append(len(shapes))
            return cs._Outcome.LIMIT, None, "limit"
        if boxes is None:
            return cs._Outcome.INFEASIBLE, None, "no arrangement exists"
    return cs._Outcome.FOUND, tuple(boxes), ""


def _exact_outcome(search, types, counts, container):  # noqa: ANN001, ANN202
    try:
        return search(types, counts, container, 20_000)
    except cs._SearchLimitReached:
        return "out of budget"


def _compacted(boxes: list[Box]) -> bool:
    """Every unit rests against a wall or a placed unit's far face on each axis (the
    layouts the search builds, module doc): a unit left floating on one axis is not."""
    for box in boxes:
        for axis in range(3):
            a, b = [k for k in range(3) if k != axis]
            if box[axis] != 0 and not any(
                other[axis + 3] == box[axis]
                and other[a] < box[a + 3]
                and box[a] < other[a + 3]
                and other[b] < box[b + 3]
                and box[b] < other[b + 3]
                for other in boxes
            ):
                return False
    return True


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sizes=st.lists(st.tuples(side, side, side), min_size=2, max_size=7), container=containers)
# Orders where a search without one axis's support test decides otherwise: found 5 in
# 16,000 random ones (the random examples above never met one), kept so that dropping
# the z-support test fails here (a layout with a unit in mid-air; a verdict reached
# after a different amount of work).
@example(
    sizes=[(2, 6, 5), (3, 2, 8), (7, 2, 5), (5, 3, 3), (6, 3, 1), (5, 6, 3), (6, 6, 1)],
    container=(11, 9, 5),
)
@example(sizes=[(1, 6, 3), (2, 4, 6), (8, 5, 3), (6, 2, 3), (7, 3, 7)], container=(13, 7, 4))
@example(
    sizes=[(4, 7, 8), (7, 7, 1), (5, 2, 8), (1, 6, 5), (2, 1, 4), (1, 5, 2), (4, 6, 4)],
    container=(9, 8, 4),
)
def test_exact_search_places_what_it_placed_before(sizes: list[Dims], container: Dims) -> None:
    """The support test written out into the search's loop: same layout, same verdict,
    and the same point of giving up (the work is counted as before); every layout found
    is compacted."""
    shapes = [cs._shape(s) for s in sizes]
    if not all(ci._fits_alone(s, container) for s in shapes):
        return
    counts = Counter(shapes)
    types = sorted(counts, key=lambda t: (-(t[0] * t[1] * t[2]), -t[2], t))
    now = _exact_outcome(cs._exact, types, counts, container)
    then = _exact_outcome(_exact_before, types, counts, container)
    event("found" if isinstance(now, list) else str(now))
    if isinstance(now, list):
        assert _compacted(now)
    assert now == then


# The test module's station cartons (tests/domain/planning/test_cartonization.py).
STATION_CARTONS = [
    Carton("XS", "XS box", 160, 110, 60, 3000, 60),
    Carton("S", "S box", 250, 180, 100, 5000, 120),
    Carton("M", "M box", 350, 250, 150, 10000, 220),
    Carton("L", "L box", 450, 350, 250, 15000, 380),
    Carton("TUBE", "Tube", 600, 100, 100, 4000, 150),
]
FILL = 4.0


@st.composite
def _small_goods_orders(draw: st.DrawFn) -> list[Item | ItemLine]:
    """Up to 16 units of small goods: carton choices that the exact search decides."""
    lines: list[Item | ItemLine] = []
    for n in range(draw(st.integers(1, 4))):
        item = Item(
            sku=f"SKU-{n}",
            length_mm=draw(st.integers(30, 200)),
            width_mm=draw(st.integers(20, 150)),
            height_mm=draw(st.integers(10, 120)),
            weight_g=draw(st.integers(1, 1500)),
            fragile=draw(st.booleans()),
        )
        lines.append(ItemLine(item, draw(st.integers(1, 4))))
    return lines


def _layout(s: Suggestion) -> list[tuple[str, list[tuple[str, int, int, int, tuple[int, ...]]]]]:
    return [
        (
            p.carton.code,
            [(q.item.sku, q.x_mm, q.y_mm, q.z_mm, q.orientation) for q in p.placement.items],
        )
        for p in s.parcels
    ]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(order=_small_goods_orders())
def test_suggestion_is_the_one_the_search_made_before_wherever_it_finished(
    order: list[Item | ItemLine],
) -> None:
    """The speed work (one pass for an extreme point's slides, the greedy's layouts
    remembered, the DFF bound's tables, the search's support test written out, an
    undecided check of the larger units ending the search) changes no suggestion the
    search used to decide: same cartons, same units, same positions and orientations.
    Where some search ran out of budget before, the answer may differ, and is still a
    valid packing (``test_suggestion_is_always_packable``)."""
    cs._pack_shapes.cache_clear()
    now = suggest_cartons(order, STATION_CARTONS, fill_weight_g_per_litre=FILL)
    undecided: list[int] = []

    def before(shapes, container, search_limit):  # noqa: ANN001, ANN202
        return _pack_shapes_before(shapes, container, search_limit, undecided)

    with (
        patch.object(cs, "_pack_shapes", before),
        patch.object(cg, "_layout_points", lambda boxes: tuple(_plain_points(list(boxes)))),
        patch.object(cs, "_dff_bound_violated", _plain_dff_violated),
        patch.object(cs, "_exact", _exact_before),
    ):
        then = suggest_cartons(order, STATION_CARTONS, fill_weight_g_per_litre=FILL)
    if undecided:
        event("the search ran out of budget before")
        return
    event("split" if then.is_split else "one carton" if then.parcels else "unpackable")
    assert _layout(now) == _layout(then)
    assert now.explanation == then.explanation
    for parcel in now.parcels:
        assert verify_placement(parcel.placement, parcel.items, padding_mm=20) == []
