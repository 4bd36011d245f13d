"""Carton suggestion for the pack station.

Pure module: no database, no UI. Given the units of an order and the carton types stocked at
the station, suggest the smallest carton that really holds everything (with a 3D placement the
packer could follow), or the fewest parcels when nothing holds it all.

Conventions
-----------
* Lengths are integer millimetres, weights integer grams. Carton axes: x = inner length,
  y = inner width, z = inner height. Items may be rotated freely (6 axis-aligned orientations).
* Fragile items are padded: ``padding_mm`` (default 20 mm, i.e. 10 mm per side) is added to each
  of their dimensions. Placements store the padded envelope; the item sits centred inside it.
* ``max_weight_g`` of a carton is compared with the *gross* parcel weight (items + carton own
  weight + estimated void fill). Carrier limits are gross, and it is the conservative reading of
  a box rating, so a "fits" never overloads a box.
* Fill ratio is raw item volume / carton inner volume (padding counts as void, which is what
  the packer sees when looking into the box).
* "Smallest" carton = smallest inner volume, ties broken by the longest inner side, then code.

Fit algorithm (``fits``)
------------------------
1. Cheap necessary conditions, each a proof of "does not fit": gross weight, every unit fits
   alone (sorted sides against sorted inner sides), total padded volume, pairwise separability
   (two units that cannot sit side by side along any axis in any orientations never share a
   carton) and the Fekete-Schepers volume bound with dual feasible functions.
2. Greedy extreme-point packing (Crainic, Perboli & Tadei) with 4 unit orders x 4 placement
   rules x 2 orientation tie-breaks; the first complete layout wins. Fast path for easy cases.
3. Exhaustive depth-first search. Units are placed one at a time, each pushed against walls or
   already placed units on all three axes: every coordinate is 0 or the far face of a placed
   unit that touches it (overlapping on the other two axes). Branching: which shape goes next
   (identical shapes are one branch), its orientation and every such corner. Failed partial
   layouts are memoised, and a branch dies as soon as some remaining shape has no free spot
   left. ``search_limit`` caps the work (box-vs-box overlap tests, ~0.2 s per million).
   Exhausting the tree means "no arrangement exists"; running out of budget is reported as
   "not found" and treated as not fitting - a fit is only ever claimed with a layout in hand,
   so the cost of a hard instance is a bigger box, never a box that does not close.

Completeness of step 3: any layout can be compacted towards the origin until every coordinate
is 0 or a touching neighbour's far face. The search finds every compacted layout whose units
can be put in such an order that each unit's touching neighbours come first. In 2D that is
always possible; in 3D interlocking ("pinwheel") compacted layouts exist that admit no such
order, so exactness is not proven in general. Cross-checks found no instance that only such
layouts solve: the tests compare against an exact grid oracle (<= 4 units, every carton), and
1000+ tight instances built from interlocked layouts of up to 7 units were all solved.

Limits: the problem is NP-hard. Tight cartons with more than ~6 units can exhaust the budget,
in which case the next carton up is suggested. Not modelled: "this side up", crush limits /
stacking on fragile units, nesting, real void-fill behaviour (weight is an estimate).

Every placement is checked with ``verify_placement`` before it is returned.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache
from itertools import permutations

DEFAULT_PADDING_MM = 20
# Loose-fill chips / air pillows weigh roughly 2-8 g per litre of void; crumpled paper is
# heavier (15-30 g/L) - stations using paper should pass their own figure.
DEFAULT_FILL_G_PER_LITRE = 5.0
# Budget of the exhaustive search, in box-vs-box overlap tests (~0.1-0.3 s of CPU). Small
# orders (up to ~6 units) are practically always decided within it; larger ones may not be.
DEFAULT_SEARCH_LIMIT = 1_000_000
# Repacking a parcel from scratch during a split is a nice-to-have, keep it cheap.
REPACK_MAX_ITEMS = 8
SPLIT_REPACK_SEARCH_LIMIT = 100_000

Dims = tuple[int, int, int]
# x0, y0, z0, x1, y1, z1 in carton coordinates (half-open intervals).
Box = tuple[int, int, int, int, int, int]


# --------------------------------------------------------------------------- data model


@dataclass(frozen=True, slots=True)
class Item:
    """One physical unit to pack."""

    sku: str
    length_mm: int
    width_mm: int
    height_mm: int
    weight_g: int
    fragile: bool = False

    def __post_init__(self) -> None:
        if min(self.length_mm, self.width_mm, self.height_mm) <= 0:
            raise ValueError(f"item {self.sku}: dimensions must be positive")
        if self.weight_g < 0:
            raise ValueError(f"item {self.sku}: weight must not be negative")

    @property
    def dims_mm(self) -> Dims:
        return (self.length_mm, self.width_mm, self.height_mm)

    @property
    def volume_mm3(self) -> int:
        return self.length_mm * self.width_mm * self.height_mm

    def padding_for(self, padding_mm: int) -> int:
        return padding_mm if self.fragile else 0

    def padded_dims(self, padding_mm: int) -> Dims:
        pad = self.padding_for(padding_mm)
        return (self.length_mm + pad, self.width_mm + pad, self.height_mm + pad)


@dataclass(frozen=True, slots=True)
class ItemLine:
    """An order line: ``qty`` identical units of ``item``."""

    item: Item
    qty: int

    def __post_init__(self) -> None:
        if self.qty < 0:
            raise ValueError(f"item {self.item.sku}: quantity must not be negative")


@dataclass(frozen=True, slots=True)
class Carton:
    """A carton type stocked at the pack station."""

    code: str
    name: str
    inner_length_mm: int
    inner_width_mm: int
    inner_height_mm: int
    max_weight_g: int
    own_weight_g: int = 0

    def __post_init__(self) -> None:
        if min(self.inner_length_mm, self.inner_width_mm, self.inner_height_mm) <= 0:
            raise ValueError(f"carton {self.code}: inner dimensions must be positive")
        if self.max_weight_g < 0 or self.own_weight_g < 0:
            raise ValueError(f"carton {self.code}: weights must not be negative")

    @property
    def inner_dims_mm(self) -> Dims:
        return (self.inner_length_mm, self.inner_width_mm, self.inner_height_mm)

    @property
    def inner_volume_mm3(self) -> int:
        return self.inner_length_mm * self.inner_width_mm * self.inner_height_mm

    @property
    def size_key(self) -> tuple[int, int, str]:
        """Sort key defining "smaller": inner volume, then longest inner side, then code."""
        return (self.inner_volume_mm3, max(self.inner_dims_mm), self.code)


@dataclass(frozen=True, slots=True)
class PlacedItem:
    """One unit in a carton: min corner of its (padded) envelope plus its orientation.

    ``orientation[k]`` is the item axis (0 = length, 1 = width, 2 = height) lying along carton
    axis k (0 = x/length, 1 = y/width, 2 = z/height).
    """

    item: Item
    x_mm: int
    y_mm: int
    z_mm: int
    orientation: tuple[int, int, int]
    padding_mm: int = 0

    @property
    def size_mm(self) -> Dims:
        dims = self.item.dims_mm
        pad = self.padding_mm
        o = self.orientation
        return (dims[o[0]] + pad, dims[o[1]] + pad, dims[o[2]] + pad)

    @property
    def box(self) -> Box:
        dx, dy, dz = self.size_mm
        return (self.x_mm, self.y_mm, self.z_mm, self.x_mm + dx, self.y_mm + dy, self.z_mm + dz)

    @property
    def orientation_label(self) -> str:
        """E.g. ``"W×L×H"``: item width along the carton length, length across, height up."""
        return "×".join("LWH"[axis] for axis in self.orientation)


@dataclass(frozen=True, slots=True)
class Placement:
    carton: Carton
    items: tuple[PlacedItem, ...]


@dataclass(frozen=True, slots=True)
class Parcel:
    carton: Carton
    items: tuple[Item, ...]
    placement: Placement
    fill_ratio: float
    items_weight_g: int
    void_fill_g: int
    total_weight_g: int

    @property
    def fill_percent(self) -> int:
        return round(self.fill_ratio * 100)


@dataclass(frozen=True, slots=True)
class Suggestion:
    parcels: tuple[Parcel, ...]
    explanation: str
    # Units that fit no carton at all; when non-empty nothing is suggested.
    unpackable: tuple[Item, ...] = ()

    @property
    def ok(self) -> bool:
        return bool(self.parcels) and not self.unpackable

    @property
    def is_split(self) -> bool:
        return len(self.parcels) > 1


# --------------------------------------------------------------------------- helpers


def expand_items(items: Iterable[Item | ItemLine]) -> list[Item]:
    """One ``Item`` per physical unit."""
    units: list[Item] = []
    for entry in items:
        if isinstance(entry, ItemLine):
            units.extend([entry.item] * entry.qty)
        else:
            units.append(entry)
    return units


def sort_cartons(cartons: Iterable[Carton]) -> list[Carton]:
    """Smallest first, see ``Carton.size_key``."""
    return sorted(cartons, key=lambda c: c.size_key)


def parcel_weights(
    items: Sequence[Item], carton: Carton, fill_weight_g_per_litre: float = DEFAULT_FILL_G_PER_LITRE
) -> tuple[int, int, int]:
    """``(items_g, void_fill_g, total_g)``; void fill rounded up so the estimate never flatters."""
    items_g = sum(i.weight_g for i in items)
    void_mm3 = max(0, carton.inner_volume_mm3 - sum(i.volume_mm3 for i in items))
    void_g = math.ceil(void_mm3 * fill_weight_g_per_litre / 1_000_000)
    return items_g, void_g, items_g + carton.own_weight_g + void_g


def format_kg(grams: int) -> str:
    """``12400 -> "12.4 kg"``; exact to the gram so two different weights never print alike."""
    text = f"{grams / 1000:.3f}".rstrip("0").rstrip(".")
    return f"{text} kg"


def _fmt_dims(dims: Dims) -> str:
    return "×".join(str(d) for d in dims)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _fits_alone(size: Dims, container: Dims) -> bool:
    # Axis-aligned: a box fits in some orientation iff its sorted sides fit the sorted sides.
    return all(a <= b for a, b in zip(sorted(size), sorted(container), strict=True))


def _orientations(size: Dims) -> list[Dims]:
    """Distinct rotations, flattest first (low stacks are more stable and leave usable tops)."""
    return sorted(set(permutations(size)), key=lambda d: (d[2], d[1], d[0]))


def _validate_params(padding_mm: int, fill_weight_g_per_litre: float) -> None:
    if padding_mm < 0:
        raise ValueError("padding_mm must not be negative")
    if fill_weight_g_per_litre < 0:
        raise ValueError("fill_weight_g_per_litre must not be negative")


# --------------------------------------------------------------------------- verification


def _overlap(a: Box, b: Box) -> bool:
    return (
        a[0] < b[3] and b[0] < a[3] and a[1] < b[4] and b[1] < a[4] and a[2] < b[5] and b[2] < a[5]
    )


def verify_placement(
    placement: Placement,
    items: Iterable[Item | ItemLine] | None = None,
    *,
    padding_mm: int | None = None,
) -> list[str]:
    """Every problem found in ``placement``; an empty list means it is physically valid.

    Checks orientations are permutations, envelopes lie inside the carton and do not overlap.
    With ``items`` it also checks each unit is placed exactly once, with ``padding_mm`` that
    fragile units (and only those) carry that padding.
    """
    problems: list[str] = []
    inner = placement.carton.inner_dims_mm
    boxes: list[Box] = []
    for n, p in enumerate(placement.items):
        label = f"#{n} {p.item.sku}"
        if sorted(p.orientation) != [0, 1, 2]:
            problems.append(f"{label}: orientation {p.orientation} is not a rotation")
            continue
        if p.padding_mm < 0:
            problems.append(f"{label}: negative padding")
        if padding_mm is not None and p.padding_mm != p.item.padding_for(padding_mm):
            problems.append(
                f"{label}: padding {p.padding_mm} mm, expected {p.item.padding_for(padding_mm)} mm"
            )
        box = p.box
        if min(box[:3]) < 0 or any(box[3 + k] > inner[k] for k in range(3)):
            problems.append(f"{label}: {box} sticks out of carton {_fmt_dims(inner)}")
        for m, other in enumerate(boxes):
            if _overlap(box, other):
                problems.append(f"{label}: overlaps #{m} {placement.items[m].item.sku}")
        boxes.append(box)
    if items is not None:
        expected = Counter(expand_items(items))
        got = Counter(p.item for p in placement.items)
        if expected != got:
            missing = expected - got
            extra = got - expected
            problems.append(
                f"units differ: missing {sorted(i.sku for i in missing.elements())}, "
                f"extra {sorted(i.sku for i in extra.elements())}"
            )
    return problems


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


# The greedy's attempts share layouts (its placement rules often agree on the first
# units, and a carton's check of its larger units alone repeats the attempts that
# place them in the same order): on the pack-station benchmark's orders 40 % of the
# extreme-point sets asked for had been computed before.
@lru_cache(maxsize=4096)
def _layout_points(boxes: tuple[Box, ...]) -> tuple[Dims, ...]:
    return tuple(_extreme_points(list(boxes)))


def _extreme_points(boxes: list[Box]) -> list[Dims]:
    """Extreme points (Crainic, Perboli & Tadei 2008) of a layout, uncovered ones only.

    Each box adds its three outer corners and each corner slid back along the other two axes
    until it meets a far face or a wall. The greedy calls this for every unit of every attempt,
    hence one plain function per axis; the order the points are added in decides between
    candidates of equal merit, so it is kept: corner, then its slides, lower axis first.
    """
    points: set[Dims] = {(0, 0, 0)}
    add = points.add
    for x0, y0, z0, x1, y1, z1 in boxes:
        # The six slides of this box's corners in one pass over the layout (a slide
        # stops at the nearest far face: the largest one not beyond the point);
        # six passes, one per slide, were most of the greedy's time.
        ax = ay = az = bx = by = bz = 0
        for b0, b1, b2, b3, b4, b5 in boxes:
            if b0 <= x1 < b3:
                # (x1, y0, z0) down y, then down z.
                if b2 <= z0 < b5 and ay < b4 <= y0:
                    ay = b4
                if b1 <= y0 < b4 and az < b5 <= z0:
                    az = b5
            if b0 <= x0 < b3:
                # (x0, y1, z0) down z; (x0, y0, z1) down y.
                if b1 <= y1 < b4 and bz < b5 <= z0:
                    bz = b5
                if b2 <= z1 < b5 and by < b4 <= y0:
                    by = b4
            if b3 <= x0:
                # (x0, y1, z0) and (x0, y0, z1) down x.
                if b1 <= y1 < b4 and b2 <= z0 < b5 and ax < b3:
                    ax = b3
                if b1 <= y0 < b4 and b2 <= z1 < b5 and bx < b3:
                    bx = b3
        # Corner beyond x, slid down y, then down z.
        add((x1, y0, z0))
        add((x1, ay, z0))
        add((x1, y0, az))
        # Corner beyond y, slid down x, then down z.
        add((x0, y1, z0))
        add((ax, y1, z0))
        add((x0, y1, bz))
        # Corner beyond z, slid down x, then down y.
        add((x0, y0, z1))
        add((bx, y0, z1))
        add((x0, by, z1))
    uncovered: list[Dims] = []
    for p in points:
        x, y, z = p
        for b in boxes:
            if b[0] <= x < b[3] and b[1] <= y < b[4] and b[2] <= z < b[5]:
                break
        else:
            uncovered.append(p)
    return uncovered


Merit = Callable[[Box, Dims], tuple[int, ...]]


def _merit_bottom_back_left(box: Box, env: Dims) -> tuple[int, ...]:
    return (box[2], box[1], box[0], box[5], box[4])


def _merit_corner(box: Box, env: Dims) -> tuple[int, ...]:
    return (box[0] + box[1] + box[2], box[5], box[4], box[3])


def _merit_envelope(box: Box, env: Dims) -> tuple[int, ...]:
    grown = max(env[0], box[3]) * max(env[1], box[4]) * max(env[2], box[5])
    return (grown, box[2], box[1], box[0])


def _contact_area(box: Box, boxes: list[Box], container: Dims) -> int:
    """Face area of ``box`` touching walls or other boxes (more contact = fewer odd gaps)."""
    x0, y0, z0, x1, y1, z1 = box
    cx, cy, cz = container
    area = (
        (y1 - y0) * (z1 - z0) * ((x0 == 0) + (x1 == cx))
        + (x1 - x0) * (z1 - z0) * ((y0 == 0) + (y1 == cy))
        + (x1 - x0) * (y1 - y0) * ((z0 == 0) + (z1 == cz))
    )
    for bx0, by0, bz0, bx1, by1, bz1 in boxes:
        # Overlap along each axis; a face touches when one axis meets and the others overlap.
        dx = (x1 if x1 < bx1 else bx1) - (x0 if x0 > bx0 else bx0)
        dy = (y1 if y1 < by1 else by1) - (y0 if y0 > by0 else by0)
        dz = (z1 if z1 < bz1 else bz1) - (z0 if z0 > bz0 else bz0)
        if (bx1 == x0 or bx0 == x1) and dy > 0 and dz > 0:
            area += dy * dz
        if (by1 == y0 or by0 == y1) and dx > 0 and dz > 0:
            area += dx * dz
        if (bz1 == z0 or bz0 == z1) and dx > 0 and dy > 0:
            area += dx * dy
    return area


_MERITS: tuple[Merit | None, ...] = (
    None,  # contact area, needs the layout - see _place_one
    _merit_bottom_back_left,
    _merit_envelope,
    _merit_corner,
)


def _place_one(
    size: Dims, boxes: list[Box], container: Dims, merit: Merit | None, upright: bool = False
) -> Box | None:
    """Best extreme-point position for one more unit (``merit=None``: most contact).

    Ties go to the flattest orientation, or to the tallest one with ``upright``; between equal
    keys the first candidate (extreme point, then orientation) wins.
    """
    cx, cy, cz = container
    orientations = _orientations(size)
    if upright:
        orientations.reverse()
    if merit is None:
        return _place_most_contact(orientations, boxes, container)
    env = (
        max((b[3] for b in boxes), default=0),
        max((b[4] for b in boxes), default=0),
        max((b[5] for b in boxes), default=0),
    )
    # The key needs no layout, the overlap test does: rank every candidate inside the carton
    # first (a stable sort keeps the first of equal keys first) and test overlaps in that
    # order - the first free one is the best, and most candidates are never tested.
    ranked: list[tuple[tuple[int, ...], Box]] = []
    for x, y, z in _layout_points(tuple(boxes)):
        for dx, dy, dz in orientations:
            x1, y1, z1 = x + dx, y + dy, z + dz
            if x1 <= cx and y1 <= cy and z1 <= cz:
                box = (x, y, z, x1, y1, z1)
                ranked.append((merit(box, env), box))
    ranked.sort(key=lambda entry: entry[0])
    for _, box in ranked:
        x, y, z, x1, y1, z1 = box
        for b in boxes:
            if b[0] < x1 and x < b[3] and b[1] < y1 and y < b[4] and b[2] < z1 and z < b[5]:
                break
        else:
            return box
    return None


def _place_most_contact(orientations: list[Dims], boxes: list[Box], container: Dims) -> Box | None:
    """``_place_one`` by most contact area, then lowest, backmost, leftmost."""
    cx, cy, cz = container
    best: Box | None = None
    best_key: tuple[int, ...] | None = None
    for x, y, z in _layout_points(tuple(boxes)):
        # Only a unit whose far corner reaches this point can overlap or touch a unit put
        # here: the others are left out of both tests (same answer, a fraction of the work).
        near = [b for b in boxes if b[3] >= x and b[4] >= y and b[5] >= z]
        for dx, dy, dz in orientations:
            x1, y1, z1 = x + dx, y + dy, z + dz
            if x1 > cx or y1 > cy or z1 > cz:
                continue
            for b in near:
                if b[0] < x1 and x < b[3] and b[1] < y1 and y < b[4] and b[2] < z1 and z < b[5]:
                    break
            else:
                box = (x, y, z, x1, y1, z1)
                key = (-_contact_area(box, near, container), z, y, x)
                if best_key is None or key < best_key:
                    best, best_key = box, key
    return best


def _greedy(types: list[Dims], counts: Counter[Dims], container: Dims) -> list[Box] | None:
    """Extreme-point greedy with a few unit orders and placement rules; first success wins."""
    units = [t for t in types for _ in range(counts[t])]
    orders = [
        units,  # volume decreasing
        sorted(units, key=lambda t: (-t[2], -(t[0] * t[1] * t[2]))),  # longest side first
        sorted(units, key=lambda t: (-(t[1] * t[2]), -t[0])),  # largest face first
        sorted(units, key=lambda t: (-t[0], -(t[0] * t[1] * t[2]))),  # thickest first
    ]
    tried: set[tuple[Dims, ...]] = set()
    for order in orders:
        if tuple(order) in tried:
            continue
        tried.add(tuple(order))
        for upright in (False, True):
            for merit in _MERITS:
                boxes: list[Box] = []
                for size in order:
                    box = _place_one(size, boxes, container, merit, upright)
                    if box is None:
                        break
                    boxes.append(box)
                else:
                    return boxes
    return None


# --------------------------------------------------------------------------- public API


def _placement_from_boxes(
    units: Sequence[Item], carton: Carton, boxes: Sequence[Box], padding_mm: int
) -> Placement:
    placed: list[PlacedItem] = []
    for unit, box in zip(units, boxes, strict=True):
        pad = unit.padding_for(padding_mm)
        target = (box[3] - box[0] - pad, box[4] - box[1] - pad, box[5] - box[2] - pad)
        dims = unit.dims_mm
        orientation = next(o for o in permutations(range(3)) if tuple(dims[k] for k in o) == target)
        placed.append(PlacedItem(unit, box[0], box[1], box[2], orientation, pad))
    placement = Placement(carton, tuple(placed))
    problems = verify_placement(placement, units, padding_mm=padding_mm)
    if problems:  # a packer bug must never reach the floor as a "fits"
        raise AssertionError(f"invalid placement for {carton.code}: {problems}")
    return placement


def _try_pack(
    units: Sequence[Item], carton: Carton, padding_mm: int, search_limit: int
) -> tuple[_PackResult, Placement | None]:
    sizes = [u.padded_dims(padding_mm) for u in units]
    result = _pack(sizes, carton.inner_dims_mm, search_limit)
    if result.outcome is not _Outcome.FOUND:
        return result, None
    assert result.boxes is not None
    return result, _placement_from_boxes(units, carton, result.boxes, padding_mm)


def fits(
    items: Iterable[Item | ItemLine],
    carton: Carton,
    *,
    padding_mm: int = DEFAULT_PADDING_MM,
    fill_weight_g_per_litre: float = DEFAULT_FILL_G_PER_LITRE,
    search_limit: int = DEFAULT_SEARCH_LIMIT,
) -> Placement | None:
    """A verified 3D placement of all units in ``carton``, or ``None``.

    ``None`` also when the gross parcel weight exceeds the carton's limit. When the search runs
    out of ``search_limit``, ``None`` means "no placement found" rather than "proven impossible";
    ``check_carton`` tells the two apart.
    """
    _validate_params(padding_mm, fill_weight_g_per_litre)
    units = expand_items(items)
    if parcel_weights(units, carton, fill_weight_g_per_litre)[2] > carton.max_weight_g:
        return None
    return _try_pack(units, carton, padding_mm, search_limit)[1]


def check_carton(
    items: Iterable[Item | ItemLine],
    carton: Carton,
    *,
    padding_mm: int = DEFAULT_PADDING_MM,
    fill_weight_g_per_litre: float = DEFAULT_FILL_G_PER_LITRE,
    search_limit: int = DEFAULT_SEARCH_LIMIT,
) -> tuple[bool, str]:
    """Validate a carton the packer picked by hand: ``(ok, reason)``.

    Reasons name the problem specifically, e.g. ``"too small: item SKU-7 400 mm does not fit
    (inner 350×300×200 mm)"`` or ``"too heavy: 12.4 kg > 10 kg"``; size and weight problems are
    both reported, joined by ``"; "``.
    """
    _validate_params(padding_mm, fill_weight_g_per_litre)
    units = expand_items(items)
    inner = carton.inner_dims_mm
    sorted_inner = sorted(inner)
    reasons: list[str] = []
    for unit in units:
        padded = unit.padded_dims(padding_mm)
        if _fits_alone(padded, inner):
            continue
        ordered = sorted(padded)
        # Name the longest side that cannot be accommodated - usually what the packer sees.
        bad = max(ordered[k] for k in range(3) if ordered[k] > sorted_inner[k])
        pad_note = f" (incl. {padding_mm} mm padding)" if unit.padding_for(padding_mm) else ""
        reasons.append(
            f"too small: item {unit.sku} {bad} mm{pad_note} does not fit "
            f"(inner {_fmt_dims(inner)} mm)"
        )
        break
    items_g, void_g, total_g = parcel_weights(units, carton, fill_weight_g_per_litre)
    if total_g > carton.max_weight_g:
        reasons.append(f"too heavy: {format_kg(total_g)} > {format_kg(carton.max_weight_g)}")
    if reasons:
        return False, "; ".join(reasons)

    need = sum(math.prod(u.padded_dims(padding_mm)) for u in units)
    if need > carton.inner_volume_mm3:
        return False, (
            f"too small: items need {need / 1e6:.1f} L, carton holds "
            f"{carton.inner_volume_mm3 / 1e6:.1f} L"
        )
    result, placement = _try_pack(units, carton, padding_mm, search_limit)
    if placement is None:
        if result.outcome is _Outcome.INFEASIBLE:
            return False, f"too small: {result.reason}"
        return False, f"does not fit: {result.reason}"
    parcel = _make_parcel(placement, fill_weight_g_per_litre)
    return True, (
        f"fits: {_plural(len(units), 'item')}, {parcel.fill_percent} % full, "
        f"{format_kg(parcel.total_weight_g)}"
    )


def _make_parcel(placement: Placement, fill_weight_g_per_litre: float) -> Parcel:
    units = tuple(p.item for p in placement.items)
    items_g, void_g, total_g = parcel_weights(units, placement.carton, fill_weight_g_per_litre)
    fill = sum(u.volume_mm3 for u in units) / placement.carton.inner_volume_mm3
    return Parcel(placement.carton, units, placement, fill, items_g, void_g, total_g)


def _single_explanation(parcel: Parcel) -> str:
    return (
        f"{parcel.carton.name}: {_plural(len(parcel.items), 'item')}, {parcel.fill_percent} % full"
    )


def _describe_unfit(
    unit: Item, cartons: Sequence[Carton], padding_mm: int, fill_weight_g_per_litre: float
) -> str | None:
    """Why ``unit`` fits no carton on its own, or ``None`` if some carton takes it."""
    padded = unit.padded_dims(padding_mm)
    roomy = [c for c in cartons if _fits_alone(padded, c.inner_dims_mm)]
    pad_note = f", fragile +{padding_mm} mm" if unit.padding_for(padding_mm) else ""
    if not roomy:
        return f"Item {unit.sku} ({_fmt_dims(unit.dims_mm)} mm{pad_note}) fits no carton"
    if all(parcel_weights([unit], c, fill_weight_g_per_litre)[2] > c.max_weight_g for c in roomy):
        return (
            f"Item {unit.sku} ({format_kg(unit.weight_g)}) is too heavy for every carton it fits in"
        )
    return None


@dataclass(slots=True)
class _OpenParcel:
    carton: Carton
    units: list[Item]
    boxes: list[Box]


def _ffd(
    units: Sequence[Item],
    preferred: Carton,
    by_size_desc: Sequence[Carton],
    padding_mm: int,
    fill_weight_g_per_litre: float,
) -> list[_OpenParcel]:
    """First-fit decreasing: each unit goes into the first open parcel that still takes it
    (extreme-point insertion, falling back to a small repack); otherwise a new parcel opens in
    ``preferred``, or in the largest carton taking the unit alone if ``preferred`` does not.
    """
    ordered = sorted(
        units,
        key=lambda u: (-math.prod(u.padded_dims(padding_mm)), -max(u.dims_mm), u.sku),
    )
    parcels: list[_OpenParcel] = []
    for unit in ordered:
        size = unit.padded_dims(padding_mm)
        for parcel in parcels:
            candidate = [*parcel.units, unit]
            weight = parcel_weights(candidate, parcel.carton, fill_weight_g_per_litre)[2]
            if weight > parcel.carton.max_weight_g:
                continue
            box = _place_one(size, parcel.boxes, parcel.carton.inner_dims_mm, None)
            if box is not None:
                parcel.units.append(unit)
                parcel.boxes.append(box)
                break
            if len(candidate) <= REPACK_MAX_ITEMS:
                result = _pack(
                    [u.padded_dims(padding_mm) for u in candidate],
                    parcel.carton.inner_dims_mm,
                    SPLIT_REPACK_SEARCH_LIMIT,
                )
                if result.boxes is not None:
                    parcel.units, parcel.boxes = candidate, result.boxes
                    break
        else:
            for carton in (preferred, *by_size_desc):
                if (
                    _fits_alone(size, carton.inner_dims_mm)
                    and parcel_weights([unit], carton, fill_weight_g_per_litre)[2]
                    <= carton.max_weight_g
                ):
                    x, y, z = next(
                        o
                        for o in _orientations(size)
                        if all(o[k] <= carton.inner_dims_mm[k] for k in range(3))
                    )
                    parcels.append(_OpenParcel(carton, [unit], [(0, 0, 0, x, y, z)]))
                    break
            else:  # callers filter out units that fit no carton
                raise AssertionError(f"unit {unit.sku} fits no carton")
    return parcels


def suggest_cartons(
    items: Iterable[Item | ItemLine],
    cartons: Iterable[Carton],
    padding_mm: int = DEFAULT_PADDING_MM,
    fill_weight_g_per_litre: float = DEFAULT_FILL_G_PER_LITRE,
    *,
    search_limit: int = DEFAULT_SEARCH_LIMIT,
) -> Suggestion:
    """Suggest the smallest single carton holding every unit, else the fewest parcels.

    Single carton: cartons are tried smallest first (``Carton.size_key``); the first one with a
    verified placement within its weight limit wins.

    Split (only when no single carton fits): first-fit decreasing by padded volume, opening new
    parcels in one "working" carton type; every carton type is tried as the working type and the
    result with the fewest parcels (then least total carton volume) kept. Each parcel is then
    shrunk to the smallest carton that still fits it. Greedy, so the parcel count is not
    guaranteed minimal.

    If any unit fits no carton on its own, nothing is suggested and ``unpackable`` lists them.
    """
    _validate_params(padding_mm, fill_weight_g_per_litre)
    units = expand_items(items)
    ordered = sort_cartons(cartons)
    if not units:
        return Suggestion((), "Nothing to pack")
    if not ordered:
        return Suggestion((), "No cartons configured", tuple(units))

    reasons: list[str] = []
    unpackable: list[Item] = []
    for unit in dict.fromkeys(units):  # one message per distinct unit, in order
        reason = _describe_unfit(unit, ordered, padding_mm, fill_weight_g_per_litre)
        if reason is not None:
            reasons.append(reason)
            unpackable.extend(u for u in units if u == unit)
    if reasons:
        return Suggestion((), "; ".join(reasons), tuple(unpackable))

    for carton in ordered:
        placement = fits(
            units,
            carton,
            padding_mm=padding_mm,
            fill_weight_g_per_litre=fill_weight_g_per_litre,
            search_limit=search_limit,
        )
        if placement is not None:
            parcel = _make_parcel(placement, fill_weight_g_per_litre)
            return Suggestion((parcel,), _single_explanation(parcel))

    largest_first = ordered[::-1]
    best: list[_OpenParcel] | None = None
    for preferred in largest_first:
        attempt = _ffd(units, preferred, largest_first, padding_mm, fill_weight_g_per_litre)
        score = (len(attempt), sum(p.carton.inner_volume_mm3 for p in attempt))
        if best is None or score < (len(best), sum(p.carton.inner_volume_mm3 for p in best)):
            best = attempt
    assert best is not None

    parcels: list[Parcel] = []
    for open_parcel in best:
        placement = None
        for carton in ordered:
            if carton.size_key >= open_parcel.carton.size_key:
                break
            placement = fits(
                open_parcel.units,
                carton,
                padding_mm=padding_mm,
                fill_weight_g_per_litre=fill_weight_g_per_litre,
                search_limit=search_limit,
            )
            if placement is not None:
                break
        if placement is None:  # keep the working carton and the layout FFD built in it
            placement = _placement_from_boxes(
                open_parcel.units, open_parcel.carton, open_parcel.boxes, padding_mm
            )
        parcels.append(_make_parcel(placement, fill_weight_g_per_litre))
    if len(parcels) == 1:
        # The packing heuristics of the split found a layout the single-carton search missed.
        return Suggestion(tuple(parcels), _single_explanation(parcels[0]))
    parcels.sort(key=lambda p: (p.carton.size_key, len(p.items)), reverse=True)
    parts = " + ".join(
        f"{p.carton.name} ({_plural(len(p.items), 'item')}, {p.fill_percent} % full)"
        for p in parcels
    )
    return Suggestion(tuple(parcels), f"Split into {len(parcels)} parcels: {parts}")
