"""Carton suggestion's data: units, cartons, placements, parcels, their weights, and the
check every placement passes (``verify_placement``) before anyone sees it.

Conventions (lengths, padding, weights, fill) are in :mod:`.cartonization`'s docstring.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import permutations

DEFAULT_PADDING_MM = 20
# Loose-fill chips / air pillows weigh roughly 2-8 g per litre of void; crumpled paper is
# heavier (15-30 g/L) - stations using paper should pass their own figure.
DEFAULT_FILL_G_PER_LITRE = 5.0

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
