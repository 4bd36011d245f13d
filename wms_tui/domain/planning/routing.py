"""Pick routing for a single-block rectangular warehouse.

Pure geometry and combinatorics: no database, no UI. Callers translate bins to pick
points (see :func:`layout_from_locations`), route, and map the returned sequence back
to bins through the pick ids they passed in.

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

Algorithms
----------
* :func:`optimal_route` - Ratliff & Rosenthal (1983) dynamic programme, exact.
* :func:`s_shape_route` - the S-shape (traversal) heuristic, as baseline.

See ``docs/routing.md`` for the derivation of the DP states and transitions.
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
    "Point",
    "Route",
    "layout_from_locations",
    "optimal_route",
    "route_distance",
    "s_shape_length",
    "s_shape_route",
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


def _normalise(layout: Layout, picks: Iterable[tuple[PickIdT, int, float]]) -> list[Pick[PickIdT]]:
    result: list[Pick[PickIdT]] = []
    for pick_id, aisle, y in picks:
        if not 0 <= aisle < layout.n_aisles:
            raise ValueError(f"pick {pick_id!r}: aisle {aisle} outside 0..{layout.n_aisles - 1}")
        y = float(y)
        if not 0.0 <= y <= layout.aisle_length:
            raise ValueError(f"pick {pick_id!r}: y={y} outside 0..{layout.aisle_length}")
        result.append(Pick(pick_id, aisle, y))
    return result


def _at_depot(layout: Layout, pick: Pick[PickIdT]) -> bool:
    return pick.y == 0.0 and layout.aisle_x(pick.aisle) == layout.depot_x


def _path_length(path: Sequence[tuple[float, float]]) -> float:
    return sum(abs(x1 - x0) + abs(y1 - y0) for (x0, y0), (x1, y1) in pairwise(path))


def _dedupe(path: list[tuple[float, float]]) -> tuple[tuple[float, float], ...]:
    out: list[tuple[float, float]] = []
    for point in path:
        if not out or out[-1] != point:
            out.append(point)
    return tuple(out)


# --------------------------------------------------------------------------------------
# S-shape heuristic
# --------------------------------------------------------------------------------------


def s_shape_route(layout: Layout, picks: Iterable[tuple[PickIdT, int, float]]) -> Route[PickIdT]:
    """S-shape (traversal) heuristic, Roodbergen's definition.

    Every aisle holding at least one pick is traversed entirely and aisles without picks
    are skipped. If the number of pick aisles is odd the last one is entered from the
    front and left the same way (up to its deepest pick and back), then the picker
    returns along the front cross-aisle. The sweep starts at whichever extreme pick
    aisle is nearer the depot (left on ties), which is the usual left-to-right sweep
    for a depot at the left.

    ``length`` is the length of that prescribed walk, which may exceed walking the
    returned ``sequence`` with shortest paths: the heuristic deliberately walks whole
    aisles.
    """
    items = _normalise(layout, picks)
    depot = (layout.depot_x, 0.0)
    if all(_at_depot(layout, p) for p in items):
        return Route(0.0, tuple(items), (depot,))
    path, sequence = _s_shape_walk(layout, items, with_sequence=True)
    clean = _dedupe(path)
    return Route(_path_length(clean), tuple(sequence), clean)


def s_shape_length(layout: Layout, picks: Iterable[tuple[PickIdT, int, float]]) -> float:
    """The ``length`` of :func:`s_shape_route`, without building its sequence and path.

    The baseline a wave reports beside every cart's optimal route.
    """
    items = _normalise(layout, picks)
    if all(_at_depot(layout, p) for p in items):
        return 0.0
    path, _ = _s_shape_walk(layout, items, with_sequence=False)
    # Repeated points add 0.0: the same sum as over the deduplicated path.
    return _path_length(path)


def _s_shape_walk(
    layout: Layout, items: list[Pick[PickIdT]], *, with_sequence: bool
) -> tuple[list[tuple[float, float]], list[Pick[PickIdT]]]:
    depot = (layout.depot_x, 0.0)
    by_aisle: dict[int, list[Pick[PickIdT]]] = {}
    for pick in items:
        by_aisle.setdefault(pick.aisle, []).append(pick)
    order = sorted(by_aisle)
    left, right = layout.aisle_x(order[0]), layout.aisle_x(order[-1])
    if abs(right - layout.depot_x) < abs(left - layout.depot_x):
        order.reverse()

    back = layout.aisle_length
    path: list[tuple[float, float]] = [depot]
    sequence: list[Pick[PickIdT]] = []
    at_front = True
    for i, aisle in enumerate(order):
        x = layout.aisle_x(aisle)
        group = by_aisle[aisle]
        if at_front and i == len(order) - 1:
            # Odd number of pick aisles: the last one is a return aisle.
            deepest = max(p.y for p in group)
            path += [(x, 0.0), (x, deepest), (x, 0.0)]
            if with_sequence:
                sequence += sorted(group, key=lambda p: p.y)
        elif at_front:
            path += [(x, 0.0), (x, back)]
            if with_sequence:
                sequence += sorted(group, key=lambda p: p.y)
            at_front = False
        else:
            path += [(x, back), (x, 0.0)]
            if with_sequence:
                sequence += sorted(group, key=lambda p: -p.y)
            at_front = True
    path.append(depot)
    return path, sequence


# --------------------------------------------------------------------------------------
# Ratliff & Rosenthal dynamic programme
# --------------------------------------------------------------------------------------
#
# Columns j = 0..m-1 are the aisles (plus a virtual column at the depot when the depot
# is not in front of an aisle). a_j / b_j are the front / back ends of column j. A
# partial tour subgraph L_j^- holds everything left of column j plus the cross-aisle
# edges into a_j and b_j; L_j^+ adds the vertical edges of column j. Its completions
# depend only on the class of (degree of a_j, degree of b_j, number of components):
# degree class 0 = untouched, 1 = odd, 2 = even and positive. Only 7 classes can still
# be completed into a tour; they are the DP states below.

_EMPTY, _DONE, _A_ONLY, _B_ONLY, _EE1, _UU1, _EE2 = range(7)
_N_STATES: Final = 7
_STATE_OF: Final[dict[tuple[int, int, int], int]] = {
    (0, 0, 0): _EMPTY,  # nothing built yet
    (0, 0, 1): _DONE,  # a finished tour lies to the left; nothing may be added
    (2, 0, 1): _A_ONLY,
    (0, 2, 1): _B_ONLY,
    (2, 2, 1): _EE1,
    (1, 1, 1): _UU1,
    (2, 2, 2): _EE2,
}
_TUPLE_OF: Final = {state: key for key, state in _STATE_OF.items()}

# Vertical configurations of one aisle. Each edge of an aisle is used 0, 1 or 2 times
# and interior vertices need even degree, so either every edge is used once (traverse)
# or the used edges form doubled segments hanging from a_j and/or b_j; segments not
# touching a_j or b_j could never join the tour. Per (degree added to a_j, to b_j,
# a_j-b_j joined) only the cheapest covering of the picks matters.
_V_NONE, _V_TRAVERSE, _V_DOUBLE, _V_BOTTOM, _V_TOP, _V_GAP = range(6)
_V_EFFECT: Final[dict[int, tuple[int, int, bool]]] = {
    _V_NONE: (0, 0, False),
    _V_TRAVERSE: (1, 1, True),
    _V_DOUBLE: (2, 2, True),
    _V_BOTTOM: (2, 0, False),  # from the front up to the deepest pick and back
    _V_TOP: (0, 2, False),  # from the back down to the shallowest pick and back
    _V_GAP: (2, 2, False),  # both ends, skipping the largest gap between two picks
}


def _degree_class(before: int, added: int) -> int:
    if before == 0 and added == 0:
        return 0
    parity = (1 if before == 1 else 0) + added
    return 1 if parity % 2 else 2


def _labels(state: int) -> tuple[int | None, int | None]:
    """Component labels of a_j and b_j (None when untouched)."""
    pa, pb, comps = _TUPLE_OF[state]
    label_a = 1 if pa else None
    label_b = (2 if comps == 2 else 1) if pb else None
    return label_a, label_b


def _vertical(state: int, kind: int) -> int:
    add_a, add_b, joins = _V_EFFECT[kind]
    if state == _DONE:
        return _DONE if kind == _V_NONE else -1
    pa, pb, _ = _TUPLE_OF[state]
    label_a, label_b = _labels(state)
    if add_a and label_a is None:
        label_a = 3
    if add_b and label_b is None:
        label_b = 4
    if joins:
        label_b = label_a
    comps = len({lbl for lbl in (label_a, label_b) if lbl is not None})
    key = (_degree_class(pa, add_a), _degree_class(pb, add_b), comps)
    # Parity and connectivity are consistent by the handshake lemma, so every reachable
    # key is one of the 7 classes.
    return _STATE_OF[key]


def _horizontal(state: int, hf: int, hb: int) -> tuple[int, int, int] | None:
    """Add hf / hb copies of a_j-a_{j+1} / b_j-b_{j+1}.

    Returns (state of L_{j+1}^-, final degree class of a_j, of b_j) or None if the
    result can never become a tour. a_j and b_j get no further edges after this step,
    so their degree must be even now.
    """
    if state == _DONE:
        return (_DONE, 0, 0) if hf == hb == 0 else None
    pa, pb, _ = _TUPLE_OF[state]
    final_a, final_b = _degree_class(pa, hf), _degree_class(pb, hb)
    if final_a == 1 or final_b == 1:
        return None
    label_a, label_b = _labels(state)
    if hf and label_a is None:
        label_a = 3
    if hb and label_b is None:
        label_b = 4
    alive = {lbl for lbl, h in ((label_a, hf), (label_b, hb)) if h}
    closed = {lbl for lbl in (label_a, label_b) if lbl is not None} - alive
    if closed:
        # A component cut off from the frontier can never be joined again: it must be
        # the whole tour.
        if alive or len(closed) > 1:
            return None
        return (_DONE, final_a, final_b)
    if not alive:
        return (_EMPTY, final_a, final_b)
    new_state = _STATE_OF[(hf, hb, len(alive))]
    return (new_state, final_a, final_b)


def _build_tables() -> tuple[list[list[int]], list[list[tuple[int, int, int, bool, bool]]]]:
    vertical = [[_vertical(s, kind) for s in range(_N_STATES)] for kind in range(6)]
    horizontal: list[list[tuple[int, int, int, bool, bool]]] = []
    for s in range(_N_STATES):
        moves = []
        for hf in range(3):
            for hb in range(3):
                result = _horizontal(s, hf, hb)
                if result is not None:
                    new_state, final_a, final_b = result
                    moves.append((hf, hb, new_state, final_a == 0, final_b == 0))
        horizontal.append(moves)
    return vertical, horizontal


_VERT, _HORIZ = _build_tables()
# Closing the tour after the last column is a horizontal step with no edges that must
# leave exactly one finished component.
_FINAL: Final = [
    next(((za, zb) for hf, hb, t, za, zb in _HORIZ[s] if hf == hb == 0 and t == _DONE), None)
    for s in range(_N_STATES)
]


@dataclass(slots=True)
class _Column:
    x: float
    aisle: int | None  # None: virtual column holding only the depot
    ys: list[float]  # distinct interior pick positions (0 < y < L), ascending
    req_a: bool  # a pick (or the depot) sits on a_j, so a_j must be on the tour
    req_b: bool
    options: list[tuple[int, float, int]]  # (kind, cost, gap index for _V_GAP)


def _aisle_options(ys: list[float], length: float) -> list[tuple[int, float, int]]:
    if not ys:
        return [(_V_TRAVERSE, length, -1), (_V_DOUBLE, 2.0 * length, -1), (_V_NONE, 0.0, -1)]
    options: list[tuple[int, float, int]] = [
        (_V_TRAVERSE, length, -1),
        (_V_DOUBLE, 2.0 * length, -1),
        (_V_BOTTOM, 2.0 * ys[-1], -1),
        (_V_TOP, 2.0 * (length - ys[0]), -1),
    ]
    if len(ys) >= 2:
        best = max(range(len(ys) - 1), key=lambda i: ys[i + 1] - ys[i])
        options.append((_V_GAP, 2.0 * (length - (ys[best + 1] - ys[best])), best))
    return options


def _columns(layout: Layout, picks: list[Pick[PickIdT]]) -> list[_Column]:
    length = layout.aisle_length
    interior: dict[int, set[float]] = {}
    front: set[int] = set()
    back: set[int] = set()
    for pick in picks:
        y = pick.y
        if y <= 0.0:
            front.add(pick.aisle)
        elif y >= length:
            back.add(pick.aisle)
        else:
            ys = interior.get(pick.aisle)
            if ys is None:
                interior[pick.aisle] = {y}
            else:
                ys.add(y)

    spacing = layout.aisle_spacing
    depot_x = layout.depot_x
    depot_aisle = round(depot_x / spacing)
    depot_on_aisle = 0 <= depot_aisle < layout.n_aisles and depot_aisle * spacing == depot_x
    if depot_on_aisle:
        front.add(depot_aisle)
    used = interior.keys() | front | back
    # An optimal tour never goes beyond the outermost points that need a visit, but
    # every aisle between them (the depot included) may serve as a passage.
    lo, hi = min(used), max(used)
    while lo > 0 and (lo - 1) * spacing > depot_x:
        lo -= 1
    while hi < layout.n_aisles - 1 and (hi + 1) * spacing < depot_x:
        hi += 1
    empty = _aisle_options([], length)
    columns: list[_Column] = []
    for aisle in range(lo, hi + 1):
        found = interior.get(aisle)
        ys = sorted(found) if found else []
        columns.append(
            _Column(
                aisle * spacing,
                aisle,
                ys,
                aisle in front,
                aisle in back,
                _aisle_options(ys, length) if ys else empty,
            )
        )
    if not depot_on_aisle:
        # Walking through this column is only possible along the cross-aisles.
        virtual = _Column(depot_x, None, [], True, False, [(_V_NONE, 0.0, -1)])
        columns.append(virtual)
        columns.sort(key=lambda c: c.x)
    return columns


# _VERT by state: _VERT_OF[s][kind] is the state a vertical option of that kind
# leads to from state s (-1: impossible); _HORIZ with each move's edge count.
_VERT_OF: Final = [tuple(_VERT[kind][s] for kind in range(6)) for s in range(_N_STATES)]
_HORIZ_N: Final = [
    [(hf, hb, t, za, zb, hf + hb) for hf, hb, t, za, zb in moves] for moves in _HORIZ
]


def optimal_route(layout: Layout, picks: Iterable[tuple[PickIdT, int, float]]) -> Route[PickIdT]:
    """Shortest tour from the depot through all picks and back (Ratliff & Rosenthal).

    ``picks`` are ``(pick_id, aisle_index, y)``; several picks may share a location.
    The returned ``sequence`` is read off an Eulerian circuit of the optimal tour
    subgraph (first visit of every location), so walking it with
    :func:`route_distance` gives exactly ``length``.
    """
    items = _normalise(layout, picks)
    depot = (layout.depot_x, 0.0)
    if all(_at_depot(layout, p) for p in items):
        return Route(0.0, tuple(items), (depot,))

    columns = _columns(layout, items)
    inf = math.inf
    n_cols = len(columns)
    states = range(_N_STATES)

    # back_v[j][s] = (state of L_j^-, option index) leading to state s of L_j^+
    # back_h[j][s] = (state of L_j^+, hf, hb) leading to state s of L_{j+1}^-
    # A wave routes a cart per few orders: this loop runs a million times for
    # 10,000 orders, hence the flat tables and local names.
    back_v: list[list[tuple[int, int] | None]] = []
    back_h: list[list[tuple[int, int, int] | None]] = []
    minus = [inf] * _N_STATES
    minus[_EMPTY] = 0.0
    plus = minus
    for j, col in enumerate(columns):
        plus = [inf] * _N_STATES
        bv: list[tuple[int, int] | None] = [None] * _N_STATES
        options = col.options
        for s in states:
            base = minus[s]
            if base == inf:
                continue
            vert = _VERT_OF[s]
            for oi, (kind, cost, _gap) in enumerate(options):
                t = vert[kind]
                if t >= 0:
                    total = base + cost
                    if total < plus[t]:
                        plus[t] = total
                        bv[t] = (s, oi)
        back_v.append(bv)
        if j == n_cols - 1:
            break
        dx = columns[j + 1].x - col.x
        req_a, req_b = col.req_a, col.req_b
        minus = [inf] * _N_STATES
        bh: list[tuple[int, int, int] | None] = [None] * _N_STATES
        for s in states:
            base = plus[s]
            if base == inf:
                continue
            for hf, hb, t, a_zero, b_zero, n in _HORIZ_N[s]:
                if (a_zero and req_a) or (b_zero and req_b):
                    continue
                cost = base + n * dx
                if cost < minus[t]:
                    minus[t] = cost
                    bh[t] = (s, hf, hb)
        back_h.append(bh)

    last = columns[-1]
    best, best_state = inf, -1
    for s in states:
        zeros = _FINAL[s]
        if zeros is None or plus[s] == inf:
            continue
        if (zeros[0] and last.req_a) or (zeros[1] and last.req_b):
            continue
        if plus[s] < best:
            best, best_state = plus[s], s
    if best_state < 0:  # pragma: no cover - the traverse-everything tour always exists
        raise AssertionError("no feasible tour found")

    # Backtrack the chosen vertical option per column and cross-aisle multiplicities.
    chosen_v: list[tuple[int, int]] = [(0, 0)] * n_cols  # (kind, gap index)
    chosen_h: list[tuple[int, int]] = [(0, 0)] * (n_cols - 1)
    s = best_state
    for j in range(n_cols - 1, -1, -1):
        entry_v = back_v[j][s]
        assert entry_v is not None
        s, oi = entry_v
        kind, _cost, gap = columns[j].options[oi]
        chosen_v[j] = (kind, gap)
        if j > 0:
            entry_h = back_h[j - 1][s]
            assert entry_h is not None
            s, hf, hb = entry_h
            chosen_h[j - 1] = (hf, hb)

    return _extract_route(layout, items, columns, chosen_v, chosen_h, best)


def _extract_route(
    layout: Layout,
    items: list[Pick[PickIdT]],
    columns: list[_Column],
    chosen_v: list[tuple[int, int]],
    chosen_h: list[tuple[int, int]],
    length: float,
) -> Route[PickIdT]:
    """Rebuild the chosen edge multiset and walk an Eulerian circuit through it."""
    aisle_length = layout.aisle_length
    coords: list[tuple[float, float]] = []
    front_ids: list[int] = []
    back_ids: list[int] = []
    chains: list[list[int]] = []  # per column: front, interior picks, back
    vertex_at: dict[tuple[int, float], int] = {}
    for col in columns:
        x = col.x
        first = len(coords)
        coords.append((x, 0.0))
        coords.extend([(x, y) for y in col.ys])
        coords.append((x, aisle_length))
        chain = list(range(first, len(coords)))
        chains.append(chain)
        front_ids.append(first)
        back_ids.append(chain[-1])
        if col.aisle is not None:
            aisle = col.aisle
            vertex_at[(aisle, 0.0)] = first
            vertex_at[(aisle, aisle_length)] = chain[-1]
            for vid, y in zip(chain[1:-1], col.ys, strict=True):
                vertex_at[(aisle, y)] = vid

    # Edges are numbered in the order they are added; the circuit below depends
    # on that order, so it is the same as it always was (columns, then the
    # cross-aisles).
    adjacency: list[list[tuple[int, int]]] = [[] for _ in coords]
    n_edges = 0
    spans: list[tuple[list[int], int]] = []
    for j, (kind, gap) in enumerate(chosen_v):
        chain = chains[j]
        if kind == _V_TRAVERSE:
            spans.append((chain, 1))
        elif kind == _V_DOUBLE:
            spans.append((chain, 2))
        elif kind == _V_BOTTOM:
            spans.append((chain[:-1], 2))
        elif kind == _V_TOP:
            spans.append((chain[1:], 2))
        elif kind == _V_GAP:
            # chain[gap + 1] and chain[gap + 2] are the picks bounding the skipped gap.
            spans.append((chain[: gap + 2], 2))
            spans.append((chain[gap + 2 :], 2))
    for j, (hf, hb) in enumerate(chosen_h):
        spans.append(([front_ids[j], front_ids[j + 1]], hf))
        spans.append(([back_ids[j], back_ids[j + 1]], hb))
    for chain, times in spans:
        for i in range(len(chain) - 1):
            u, v = chain[i], chain[i + 1]
            adj_u, adj_v = adjacency[u], adjacency[v]
            for _ in range(times):
                adj_u.append((v, n_edges))
                adj_v.append((u, n_edges))
                n_edges += 1

    start = next(front_ids[j] for j, col in enumerate(columns) if col.x == layout.depot_x)
    circuit = _euler_circuit(adjacency, n_edges, start)

    at_vertex: dict[int, list[Pick[PickIdT]]] = {}
    for pick in items:
        vid = vertex_at[(pick.aisle, pick.y)]
        group = at_vertex.get(vid)
        if group is None:
            at_vertex[vid] = [pick]
        else:
            group.append(pick)
    sequence: list[Pick[PickIdT]] = []
    for vid in circuit:
        group = at_vertex.pop(vid, None)
        if group:
            sequence.extend(group)
    if at_vertex:  # pragma: no cover - the DP guarantees every pick vertex is covered
        raise AssertionError("optimal tour misses picks")
    return Route(length, tuple(sequence), tuple([coords[v] for v in circuit]))


def _euler_circuit(adjacency: list[list[tuple[int, int]]], n_edges: int, start: int) -> list[int]:
    """Hierholzer's algorithm on a connected multigraph with all degrees even."""
    used = [False] * n_edges
    cursor = [0] * len(adjacency)
    stack = [start]
    circuit: list[int] = []
    while stack:
        v = stack[-1]
        edges = adjacency[v]
        i = cursor[v]
        n = len(edges)
        while i < n and used[edges[i][1]]:
            i += 1
        if i == n:
            cursor[v] = i
            circuit.append(stack.pop())
        else:
            w, e = edges[i]
            cursor[v] = i + 1
            used[e] = True
            stack.append(w)
    if len(circuit) != n_edges + 1:  # pragma: no cover - DP guarantees connectivity
        raise AssertionError("chosen edge set is not a single closed tour")
    circuit.reverse()
    return circuit
