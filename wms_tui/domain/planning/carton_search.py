"""The exact side of a fit: the cheap proofs of "does not fit" (separability, the
Fekete-Schepers bound with dual feasible functions) and the exhaustive search over
compacted layouts, behind one cached question, :func:`_pack_shapes`.

The algorithm is described in :mod:`.cartonization`'s docstring (steps 1 and 3).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache

from wms_tui.domain.planning.carton_greedy import _greedy
from wms_tui.domain.planning.carton_items import (
    Box,
    Dims,
    _fits_alone,
    _fmt_dims,
    _orientations,
)

# --------------------------------------------------------------------------- packing core


class _Outcome(Enum):
    FOUND = "found"
    INFEASIBLE = "infeasible"  # proven: no placement exists
    LIMIT = "limit"  # search budget ran out: unknown


@dataclass(slots=True)
class _PackResult:
    outcome: _Outcome
    boxes: list[Box] | None = None
    # Human-readable "why not" for INFEASIBLE / LIMIT.
    reason: str = ""


class _SearchLimitReached(Exception):
    pass


def _separable(a: Dims, b: Dims, container: Dims) -> bool:
    """Can boxes ``a`` and ``b`` both sit in the container side by side along some axis?"""
    for oa in _orientations(a):
        if not all(oa[k] <= container[k] for k in range(3)):
            continue
        for ob in _orientations(b):
            if not all(ob[k] <= container[k] for k in range(3)):
                continue
            if any(oa[k] + ob[k] <= container[k] for k in range(3)):
                return True
    return False


# Per axis at most this many DFF thresholds: the bound costs O(thresholds^3 * types * 6).
_DFF_MAX_THRESHOLDS = 7


def _dff_bound_violated(types: list[Dims], counts: Counter[Dims], container: Dims) -> bool:
    """Fekete-Schepers volume bound with dual feasible functions.

    ``u_e(x)`` maps a side ``x`` of a box in a container side ``C`` to ``C`` if
    ``x > C - e``, to ``0`` if ``x < e`` and to ``x`` otherwise (``0 <= e <= C/2``). Sides
    sharing a line keep a total <= ``C`` under ``u_e``, so in any feasible packing the boxes'
    transformed volumes still sum to at most the container volume. Rotations are allowed, so
    each unit counts with its smallest transformed volume. ``e = 0`` is the plain volume test;
    the others catch "big items waste the rest of the line" cases the plain test misses.
    """
    thresholds: list[list[int]] = []
    for axis in range(3):
        cap = container[axis]
        values = sorted({d for t in types for d in t if d <= cap // 2})
        if len(values) > _DFF_MAX_THRESHOLDS - 1:
            step = len(values) / (_DFF_MAX_THRESHOLDS - 1)
            values = [values[int(i * step)] for i in range(_DFF_MAX_THRESHOLDS - 1)]
        thresholds.append([0, *values])

    def u(x: int, e: int, cap: int) -> int:
        if x > cap - e:
            return cap
        return 0 if x < e else x

    cx, cy, cz = container
    capacity = cx * cy * cz
    oris = [
        [o for o in _orientations(t) if o[0] <= cx and o[1] <= cy and o[2] <= cz] for t in types
    ]
    weights = [counts[t] for t in types]
    # u of every side at every threshold, looked up in the loops below: they run up to
    # 7^3 times over every orientation of every type, once per carton tried.
    sides = {d for t in types for d in t}
    ux, uy, uz = (
        [{d: u(d, e, cap) for d in sides} for e in axis_thresholds]
        for axis_thresholds, cap in zip(thresholds, container, strict=True)
    )
    for ux_e in ux:
        for uy_e in uy:
            # per type: (transformed footprint, height) for each orientation
            flat = [[(ux_e[o[0]] * uy_e[o[1]], o[2]) for o in type_oris] for type_oris in oris]
            for uz_e in uz:
                total = 0
                for n, options in zip(weights, flat, strict=True):
                    smallest = -1
                    for area, h in options:
                        v = area * uz_e[h]
                        if smallest < 0 or v < smallest:
                            smallest = v
                    total += n * smallest
                if total > capacity:
                    return True
    return False


def _pack(sizes: Sequence[Dims], container: Dims, search_limit: int) -> _PackResult:
    """Find non-overlapping boxes inside ``container`` for ``sizes`` (any rotation).

    Returned boxes are in the order of ``sizes``.
    """
    shapes = tuple(sorted(_shape(s) for s in sizes))
    outcome, boxes, reason = _pack_shapes(shapes, container, search_limit)
    if boxes is None:
        return _PackResult(outcome, None, reason)
    by_shape: dict[Dims, list[Box]] = {}
    for box in boxes:
        size = (box[3] - box[0], box[4] - box[1], box[5] - box[2])
        by_shape.setdefault(_shape(size), []).append(box)
    return _PackResult(outcome, [by_shape[_shape(s)].pop() for s in sizes])


def _shape(size: Dims) -> Dims:
    """Rotation-independent identity of a box: its sides in ascending order."""
    a, b, c = sorted(size)
    return (a, b, c)


# Pure and deterministic, and a split asks the same questions over and over.
@lru_cache(maxsize=2048)
def _pack_shapes(
    shapes: tuple[Dims, ...], container: Dims, search_limit: int
) -> tuple[_Outcome, tuple[Box, ...] | None, str]:
    if not shapes:
        return _Outcome.FOUND, (), ""
    for shape in shapes:
        if not _fits_alone(shape, container):
            return _Outcome.INFEASIBLE, None, f"{max(shape)} mm unit does not fit"
    volume = sum(s[0] * s[1] * s[2] for s in shapes)
    if volume > container[0] * container[1] * container[2]:
        return _Outcome.INFEASIBLE, None, "not enough volume"

    # Identical shapes are interchangeable: search over shape types, not units.
    counts = Counter(shapes)
    types: list[Dims] = sorted(counts, key=lambda t: (-(t[0] * t[1] * t[2]), -t[2], t))
    for i, a in enumerate(types):
        for b in types[i:]:
            if (a != b or counts[a] > 1) and not _separable(a, b, container):
                reason = f"{_fmt_dims(a)} mm and {_fmt_dims(b)} mm units cannot sit side by side"
                return _Outcome.INFEASIBLE, None, reason

    if _dff_bound_violated(types, counts, container):
        return _Outcome.INFEASIBLE, None, "units leave too much unusable space"

    boxes = _greedy(types, counts, container)
    if boxes is None and len(types) > 1:
        # Small units multiply the search space yet rarely decide the answer: if the larger
        # units alone provably do not fit, neither does everything (recurses, half budget).
        # If their search ran out of budget instead, the search of everything (their
        # layouts to find, and more) would almost surely too: it is not run, and the
        # carton counts as not fitting, as on running out of budget. That search was
        # the pack station's slowest case (a carton just too small, a second budget
        # spent to reach the same "not found"); on the benchmarks' 3,880 orders it never
        # found a layout where the larger units' search had given up.
        larger = tuple(s for s in shapes if s != types[-1])
        outcome, _, reason = _pack_shapes(larger, container, search_limit // 2)
        if outcome is not _Outcome.FOUND:
            return outcome, None, reason
    if boxes is None:
        try:
            boxes = _exact(types, counts, container, search_limit)
        except _SearchLimitReached:
            return _Outcome.LIMIT, None, "no arrangement found within search limit"
        if boxes is None:
            return _Outcome.INFEASIBLE, None, "no arrangement exists"
    return _Outcome.FOUND, tuple(boxes), ""


def _exact(
    types: list[Dims], counts: Counter[Dims], container: Dims, search_limit: int
) -> list[Box] | None:
    """Exhaustive search over compacted layouts; ``None`` = none exists (see module doc).

    Any layout can be compacted (push units towards the origin until stuck), after which each
    coordinate of a unit is 0 or the far face of a unit touching it. Building the layout unit by
    unit, trying every remaining type next, each unit goes to a corner made of walls and such
    faces of units already placed - the candidates generated here. ``search_limit`` caps the
    candidate positions examined (work, so the cap bounds time whatever the unit count).
    """
    cx, cy, cz = container
    orientations = [_orientations(t) for t in types]
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

    def room_for(t: int, xs: list[int], ys: list[int], zs: list[int]) -> Box | None:
        """Some free spot for type ``t``: a unit fitting anywhere in the free space also fits
        after sliding towards the origin, i.e. at a corner of walls and placed far faces."""
        nonlocal work
        cost = len(placed) + 1
        for dx, dy, dz in orientations[t]:
            for z in zs:
                if z + dz > cz:
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
            raise _SearchLimitReached
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
                    z1 = z + dz
                    if z1 > cz:
                        break
                    # Only units reaching the slab z..z+dz can overlap or support the new one
                    # (the work counted stays per candidate, so the budget means the same).
                    in_z = [b for b in placed if b[5] >= z and b[2] < z1]
                    for y in ys:
                        y1 = y + dy
                        if y1 > cy:
                            break
                        in_zy = [b for b in in_z if b[4] >= y and b[1] < y1]
                        for x in xs:
                            x1 = x + dx
                            if x1 > cx:
                                break
                            work += cost
                            # supported(), written out: this is the search's innermost
                            # loop, and the call cost as much as the test.
                            sx, sy, sz = x == 0, y == 0, z == 0
                            for b0, b1, b2, b3, b4, b5 in in_zy:
                                if b0 < x1 and x < b3 and b1 < y1 and y < b4 and b2 < z1 and z < b5:
                                    break  # overlap
                                if not sx and b3 == x and b1 < y1 and y < b4 and b2 < z1 and z < b5:
                                    sx = True
                                if not sy and b4 == y and b0 < x1 and x < b3 and b2 < z1 and z < b5:
                                    sy = True
                                if not sz and b5 == z and b0 < x1 and x < b3 and b1 < y1 and y < b4:
                                    sz = True
                            else:
                                if sx and sy and sz:
                                    placed.append((x, y, z, x1, y1, z1))
                                    if search(spots):
                                        return True
                                    placed.pop()
            remaining[t] += 1
        failed.add(key)
        return False

    return list(placed) if search([None] * len(types)) else None
