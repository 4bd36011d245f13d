"""Where picks are and how far apart: the walking model both routers share.

Pure geometry: no database, no UI. Callers translate bins to pick points (see
:func:`layout_from_locations`), route them with :mod:`.routing` (the optimal tour) or
:mod:`.s_shape` (the baseline heuristic), and map the returned sequence back to bins
through the pick ids they passed in.

Model
-----
* ``n_aisles`` parallel aisles, index 0..n-1 from left to right, aisle ``i`` has its
  centre line at ``x = i * aisle_spacing``.
* Every aisle runs from the front cross-aisle (``y = 0``) to the back cross-aisle
  (``y = aisle_length``). Bay ``b`` (1-based) sits at ``y = (b - 0.5) * bay_pitch``;
  both sides of the aisle are picked from the centre line, so lateral walking is not
  counted.
* The depot lies on the front cross-aisle at ``x = depot_x`` (in front of an aisle or
  anywhere between / beside aisles).
* Inside an aisle you can only walk up and down; you change aisles only via the front
  or back cross-aisle.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import Enum
from itertools import pairwise
from typing import Final, Generic, NamedTuple, TypeAlias, TypeVar

__all__ = [
    "DEPOT",
    "Depot",
    "Layout",
    "Pick",
    "PickIdT",
    "Point",
    "Route",
    "at_depot",
    "dedupe",
    "layout_from_locations",
    "normalise",
    "path_length",
    "route_distance",
    "tour_length",
]

PickIdT = TypeVar("PickIdT")


class Depot(Enum):
    """Sentinel type so the depot can be passed wherever a pick point is accepted."""

    DEPOT = "depot"


DEPOT: Final = Depot.DEPOT

# (aisle_index, y) or the depot.
Point: TypeAlias = tuple[int, float] | Depot


class Pick(NamedTuple, Generic[PickIdT]):
    """One pick task at a point of the layout; ``pick_id`` is opaque to this module."""

    pick_id: PickIdT
    aisle: int
    y: float

    @property
    def point(self) -> tuple[int, float]:
        return (self.aisle, self.y)


@dataclass(frozen=True)
class Layout:
    """Geometry of a single-block warehouse (all distances in metres)."""

    n_aisles: int
    aisle_length: float
    aisle_spacing: float = 3.0
    bay_pitch: float = 1.2
    depot_x: float = 0.0

    def __post_init__(self) -> None:
        if self.n_aisles < 1:
            raise ValueError(f"n_aisles must be >= 1, got {self.n_aisles}")
        for name in ("aisle_length", "aisle_spacing", "bay_pitch"):
            value = getattr(self, name)
            if not (math.isfinite(value) and value > 0):
                raise ValueError(f"{name} must be a positive finite number, got {value!r}")
        if not math.isfinite(self.depot_x):
            raise ValueError(f"depot_x must be finite, got {self.depot_x!r}")

    def aisle_x(self, aisle: int) -> float:
        """x coordinate of the centre line of aisle ``aisle`` (0-based)."""
        return aisle * self.aisle_spacing

    def bay_y(self, bay: int) -> float:
        """y coordinate of bay ``bay`` (1-based) along any aisle."""
        return (bay - 0.5) * self.bay_pitch

    def xy(self, point: Point) -> tuple[float, float]:
        """Metric coordinates of a pick point or the depot."""
        if point is DEPOT:
            return (self.depot_x, 0.0)
        aisle, y = point
        return (self.aisle_x(aisle), float(y))


@dataclass(frozen=True)
class Route(Generic[PickIdT]):
    """A closed tour from the depot through all picks and back.

    ``sequence`` lists every pick exactly once in visiting order. ``path`` holds the
    metric waypoints ``(x, y)`` of the walked tour, starting and ending at the depot;
    consecutive waypoints are axis-aligned so ``length`` is the sum of their Manhattan
    distances.
    """

    length: float
    sequence: tuple[Pick[PickIdT], ...]
    path: tuple[tuple[float, float], ...] = ()


def layout_from_locations(
    locs: Iterable[tuple[str, int, int]],
    *,
    aisle_spacing: float = 3.0,
    bay_pitch: float = 1.2,
    depot_x: float = 0.0,
) -> tuple[Layout, dict[str, tuple[int, float]]]:
    """Build a layout from pickable bins and map each bin code to its pick point.

    ``locs`` holds ``(code, aisle_number, bay_number)`` with 1-based aisle and bay
    numbers as printed in location codes (``A-03-2-B`` -> aisle 3, bay 2). All bins
    are assumed to belong to one block (one zone); levels do not matter for walking.
    The aisle count is the highest aisle number (so gaps in the numbering stay real
    gaps on the floor) and the aisle length covers the deepest bay.
    """
    points: dict[str, tuple[int, int]] = {}
    for code, aisle_no, bay_no in locs:
        if aisle_no < 1 or bay_no < 1:
            raise ValueError(f"{code}: aisle and bay numbers are 1-based, got {aisle_no}/{bay_no}")
        previous = points.setdefault(code, (aisle_no, bay_no))
        if previous != (aisle_no, bay_no):
            raise ValueError(f"{code}: conflicting positions {previous} and {(aisle_no, bay_no)}")
    if not points:
        raise ValueError("layout_from_locations needs at least one location")
    n_aisles = max(a for a, _ in points.values())
    max_bay = max(b for _, b in points.values())
    layout = Layout(
        n_aisles=n_aisles,
        aisle_length=max_bay * bay_pitch,
        aisle_spacing=aisle_spacing,
        bay_pitch=bay_pitch,
        depot_x=depot_x,
    )
    mapping = {code: (a - 1, layout.bay_y(b)) for code, (a, b) in points.items()}
    return layout, mapping


def route_distance(layout: Layout, a: Point, b: Point) -> float:
    """Shortest walking distance between two pick points (or the depot)."""
    if a is DEPOT or b is DEPOT:
        other = b if a is DEPOT else a
        if other is DEPOT:
            return 0.0
        # The depot is on the front cross-aisle, so going round the back never helps.
        aisle, y = other
        return abs(layout.aisle_x(aisle) - layout.depot_x) + y
    (aisle_a, ya), (aisle_b, yb) = a, b
    if aisle_a == aisle_b:
        return abs(ya - yb)
    length = layout.aisle_length
    return min(ya + yb, 2.0 * length - ya - yb) + abs(aisle_a - aisle_b) * layout.aisle_spacing


def tour_length(layout: Layout, points: Iterable[Point]) -> float:
    """Length of walking depot -> points (shortest paths, in order) -> depot."""
    total = 0.0
    here: Point = DEPOT
    for point in points:
        total += route_distance(layout, here, point)
        here = point
    return total + route_distance(layout, here, DEPOT)


# --------------------------------------------------------------------------------------
# Input normalisation shared by both routers
# --------------------------------------------------------------------------------------


def normalise(layout: Layout, picks: Iterable[tuple[PickIdT, int, float]]) -> list[Pick[PickIdT]]:
    result: list[Pick[PickIdT]] = []
    for pick_id, aisle, y in picks:
        if not 0 <= aisle < layout.n_aisles:
            raise ValueError(f"pick {pick_id!r}: aisle {aisle} outside 0..{layout.n_aisles - 1}")
        y = float(y)
        if not 0.0 <= y <= layout.aisle_length:
            raise ValueError(f"pick {pick_id!r}: y={y} outside 0..{layout.aisle_length}")
        result.append(Pick(pick_id, aisle, y))
    return result


def at_depot(layout: Layout, pick: Pick[PickIdT]) -> bool:
    return pick.y == 0.0 and layout.aisle_x(pick.aisle) == layout.depot_x


def path_length(path: Sequence[tuple[float, float]]) -> float:
    return sum(abs(x1 - x0) + abs(y1 - y0) for (x0, y0), (x1, y1) in pairwise(path))


def dedupe(path: list[tuple[float, float]]) -> tuple[tuple[float, float], ...]:
    out: list[tuple[float, float]] = []
    for point in path:
        if not out or out[-1] != point:
            out.append(point)
    return tuple(out)
