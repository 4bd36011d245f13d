"""Tests for the pick router: exactness against brute force, heuristics, edge cases."""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Sequence
from itertools import pairwise

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wms_tui.domain.planning.route_layout import (
    DEPOT,
    Layout,
    Pick,
    Point,
    Route,
    layout_from_locations,
    route_distance,
    tour_length,
)
from wms_tui.domain.planning.routing import optimal_route, plan_route
from wms_tui.domain.planning.s_shape import s_shape_length, s_shape_route

PickTuple = tuple[int, int, float]
Instance = tuple[Layout, list[PickTuple]]


# --------------------------------------------------------------------------------------
# Independent reference solvers (only use route_distance, never the DP)
# --------------------------------------------------------------------------------------


def _distinct_points(picks: Sequence[PickTuple]) -> list[tuple[int, float]]:
    return sorted({(aisle, y) for _, aisle, y in picks})


def brute_force_length(layout: Layout, picks: Sequence[PickTuple]) -> float:
    """Try every visiting order of the distinct pick points."""
    points: list[Point] = [DEPOT, *_distinct_points(picks)]
    n = len(points)
    dist = [[route_distance(layout, a, b) for b in points] for a in points]
    best = 0.0 if n == 1 else math.inf
    for perm in itertools.permutations(range(1, n)):
        total = dist[0][perm[0]] + dist[perm[-1]][0]
        for i, j in pairwise(perm):
            total += dist[i][j]
        best = min(best, total)
    return best


def held_karp_length(layout: Layout, picks: Sequence[PickTuple]) -> float:
    """Exact TSP over the distinct pick points by the Held-Karp subset DP."""
    points = _distinct_points(picks)
    n = len(points)
    if n == 0:
        return 0.0
    from_depot = [route_distance(layout, DEPOT, p) for p in points]
    dist = [[route_distance(layout, a, b) for b in points] for a in points]
    # best[mask][last]: shortest depot -> ... -> points[last] visiting exactly mask.
    best = [[math.inf] * n for _ in range(1 << n)]
    for i in range(n):
        best[1 << i][i] = from_depot[i]
    for mask in range(1, 1 << n):
        row = best[mask]
        for last in range(n):
            here = row[last]
            if here == math.inf:
                continue
            for nxt in range(n):
                if mask & (1 << nxt):
                    continue
                cand = here + dist[last][nxt]
                target = best[mask | (1 << nxt)]
                if cand < target[nxt]:
                    target[nxt] = cand
    full = best[(1 << n) - 1]
    return min(full[i] + from_depot[i] for i in range(n))


def walked_length(layout: Layout, route: Route[int]) -> float:
    """Walk the route's sequence with shortest paths, depot to depot."""
    total = 0.0
    here: Point = DEPOT
    for pick in route.sequence:
        total += route_distance(layout, here, (pick.aisle, pick.y))
        here = (pick.aisle, pick.y)
    return total + route_distance(layout, here, DEPOT)


def assert_valid_route(layout: Layout, picks: Sequence[PickTuple], route: Route[int]) -> None:
    """Every pick exactly once with its own location, and a walkable closed path."""
    assert Counter(route.sequence) == Counter(Pick(*p) for p in picks)
    depot = (layout.depot_x, 0.0)
    assert route.path[0] == depot
    assert route.path[-1] == depot
    aisle_xs = {layout.aisle_x(i) for i in range(layout.n_aisles)}
    on_cross = {0.0, layout.aisle_length}
    path_length = 0.0
    for (x0, y0), (x1, y1) in pairwise(route.path):
        if x0 == x1 and y0 != y1:
            assert x0 in aisle_xs, "vertical walking only inside aisles"
        else:
            assert y0 == y1 and y0 in on_cross, "horizontal walking only on cross-aisles"
        path_length += abs(x1 - x0) + abs(y1 - y0)
    assert math.isclose(path_length, route.length, rel_tol=0, abs_tol=1e-9)


# --------------------------------------------------------------------------------------
# Strategies
# --------------------------------------------------------------------------------------


@st.composite
def instances(draw: st.DrawFn, max_aisles: int, max_picks: int, max_bays: int = 6) -> Instance:
    n_aisles = draw(st.integers(1, max_aisles))
    n_bays = draw(st.integers(1, max_bays))
    bay_pitch = draw(st.sampled_from([1.0, 1.2, 1.5]))
    spacing = draw(st.sampled_from([0.7, 2.5, 3.0, 4.0]))
    length = n_bays * bay_pitch
    depot_x = draw(
        st.one_of(
            st.integers(0, n_aisles - 1).map(lambda i: i * spacing),
            st.floats(-spacing, n_aisles * spacing, allow_nan=False, allow_infinity=False),
        )
    )
    layout = Layout(n_aisles, length, aisle_spacing=spacing, bay_pitch=bay_pitch, depot_x=depot_x)
    y = st.one_of(
        st.integers(1, n_bays).map(layout.bay_y),  # bay centres: frequent duplicates
        st.sampled_from([0.0, length]),  # very front / very back
        st.floats(0.0, length, allow_nan=False),
    )
    points = draw(
        st.lists(st.tuples(st.integers(0, n_aisles - 1), y), min_size=1, max_size=max_picks)
    )
    return layout, [(i, aisle, y_) for i, (aisle, y_) in enumerate(points)]


# --------------------------------------------------------------------------------------
# Property tests
# --------------------------------------------------------------------------------------


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances(max_aisles=5, max_picks=7))
def test_optimal_matches_brute_force(instance: Instance) -> None:
    layout, picks = instance
    route = optimal_route(layout, picks)
    assert math.isclose(route.length, brute_force_length(layout, picks), rel_tol=0, abs_tol=1e-9)
    assert_valid_route(layout, picks, route)
    assert math.isclose(walked_length(layout, route), route.length, rel_tol=0, abs_tol=1e-9)
    assert route.length <= s_shape_route(layout, picks).length + 1e-9


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances(max_aisles=8, max_picks=14, max_bays=10))
def test_optimal_matches_held_karp_on_medium_instances(instance: Instance) -> None:
    layout, picks = instance
    keep = set(_distinct_points(picks)[:10])  # keep the 2^n reference cheap
    picks = [p for p in picks if (p[1], p[2]) in keep]
    route = optimal_route(layout, picks)
    assert math.isclose(route.length, held_karp_length(layout, picks), rel_tol=0, abs_tol=1e-9)
    assert math.isclose(walked_length(layout, route), route.length, rel_tol=0, abs_tol=1e-9)


@settings(max_examples=300, deadline=None)
@given(instances(max_aisles=20, max_picks=60, max_bays=40))
def test_plan_route_is_the_optimal_route_and_the_s_shape_length(instance: Instance) -> None:
    """What a wave keeps of a cart's routes, bit for bit, without their waypoints."""
    layout, picks = instance
    route = optimal_route(layout, picks)
    ids, length, s_length = plan_route(layout, picks)
    assert ids == [p.pick_id for p in route.sequence]
    assert length == route.length
    assert s_length == s_shape_length(layout, picks)


@settings(max_examples=150, deadline=None)
@given(instances(max_aisles=20, max_picks=80, max_bays=40))
def test_large_instances_consistent(instance: Instance) -> None:
    layout, picks = instance
    route = optimal_route(layout, picks)
    s_shape = s_shape_route(layout, picks)
    assert_valid_route(layout, picks, route)
    assert_valid_route(layout, picks, s_shape)
    assert math.isclose(walked_length(layout, route), route.length, rel_tol=0, abs_tol=1e-9)
    assert route.length <= s_shape.length + 1e-9


@settings(max_examples=200, deadline=None)
@given(instances(max_aisles=6, max_picks=3))
def test_route_distance_is_a_metric(instance: Instance) -> None:
    layout, picks = instance
    points: list[Point] = [DEPOT, *[(a, y) for _, a, y in picks]]
    for a, b in itertools.product(points, repeat=2):
        assert route_distance(layout, a, b) == pytest.approx(route_distance(layout, b, a))
        for c in points:
            via = route_distance(layout, a, c) + route_distance(layout, c, b)
            assert route_distance(layout, a, b) <= via + 1e-9


# --------------------------------------------------------------------------------------
# route_distance by hand
# --------------------------------------------------------------------------------------

L10 = Layout(n_aisles=4, aisle_length=10.0, aisle_spacing=3.0)


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ((0, 2.0), (0, 7.5), 5.5),  # same aisle: straight up
        ((0, 2.0), (1, 3.0), 3.0 + 5.0),  # via the front
        ((0, 8.0), (2, 9.0), 6.0 + 3.0),  # via the back
        ((0, 5.0), (3, 5.0), 9.0 + 10.0),  # tie front/back
        ((1, 0.0), (2, 10.0), 3.0 + 10.0),  # on the cross-aisles themselves
        (DEPOT, (2, 4.0), 6.0 + 4.0),
        (DEPOT, (0, 0.0), 0.0),
        (DEPOT, DEPOT, 0.0),
    ],
)
def test_route_distance_by_hand(a: Point, b: Point, expected: float) -> None:
    assert route_distance(L10, a, b) == pytest.approx(expected)
    assert route_distance(L10, b, a) == pytest.approx(expected)


def test_route_distance_depot_between_aisles_never_uses_back() -> None:
    layout = Layout(n_aisles=4, aisle_length=10.0, aisle_spacing=3.0, depot_x=4.5)
    assert route_distance(layout, DEPOT, (3, 9.0)) == pytest.approx(4.5 + 9.0)
    assert route_distance(layout, DEPOT, (1, 1.0)) == pytest.approx(1.5 + 1.0)


# --------------------------------------------------------------------------------------
# Hand-computed optimal and S-shape routes
# --------------------------------------------------------------------------------------


def _ids(route: Route[str]) -> list[str]:
    return [p.pick_id for p in route.sequence]


def test_no_picks() -> None:
    for router in (optimal_route, s_shape_route):
        route = router(L10, [])
        assert route.length == 0.0
        assert route.sequence == ()
        assert route.path == ((0.0, 0.0),)


def test_single_pick() -> None:
    route = optimal_route(Layout(1, 10.0), [("a", 0, 4.0)])
    assert route.length == pytest.approx(8.0)
    assert _ids(route) == ["a"]


def test_front_picks_in_three_aisles_beats_s_shape() -> None:
    picks = [("a", 0, 1.0), ("b", 1, 1.0), ("c", 2, 1.0)]
    layout = Layout(3, 10.0, aisle_spacing=3.0)
    # Dip into each aisle from the front: 3 * 2 m + 2 * 6 m along the front.
    assert optimal_route(layout, picks).length == pytest.approx(18.0)
    # S-shape: aisle 0 up (10), back 3, aisle 1 down (10), front 3, aisle 2 return (2),
    # front 6 home.
    s_shape = s_shape_route(layout, picks)
    assert s_shape.length == pytest.approx(34.0)
    assert _ids(s_shape) == ["a", "b", "c"]


def test_back_picks_in_two_aisles_traverse() -> None:
    picks = [("a", 0, 9.0), ("b", 1, 9.0)]
    layout = Layout(2, 10.0, aisle_spacing=3.0)
    route = optimal_route(layout, picks)
    assert route.length == pytest.approx(26.0)
    assert s_shape_route(layout, picks).length == pytest.approx(26.0)


def test_largest_gap_configuration() -> None:
    # Aisles 0 and 3 are traversed; aisles 1 and 2 have picks near both ends, so the
    # optimum reaches them from the front and from the back, skipping the 18 m gaps.
    layout = Layout(4, 20.0, aisle_spacing=3.0)
    picks = [
        ("a", 0, 10.0),
        ("b", 1, 1.0),
        ("c", 1, 19.0),
        ("d", 2, 1.0),
        ("e", 2, 19.0),
        ("f", 3, 10.0),
    ]
    route = optimal_route(layout, picks)
    assert route.length == pytest.approx(20 + 9 + 20 + 9 + 4 * 2)
    assert route.length == pytest.approx(
        brute_force_length(layout, [(0, a, y) for _, a, y in picks])
    )
    for x in (3.0, 6.0):
        for (x0, y0), (x1, y1) in pairwise(route.path):
            if x0 == x1 == x:
                assert not min(y0, y1) < 10.0 < max(y0, y1), "the gap must not be walked"
    # S-shape: traverse all four aisles, 80 m in aisles plus 9 m + 9 m cross-aisle.
    assert s_shape_route(layout, picks).length == pytest.approx(98.0)
    assert walked_length(layout, route) == pytest.approx(route.length)


def test_all_picks_in_one_aisle() -> None:
    layout = Layout(5, 10.0, aisle_spacing=3.0)
    picks = [("p", 3, 5.0), ("q", 3, 1.0), ("r", 3, 9.0)]
    route = optimal_route(layout, picks)
    # 9 m out along the front, up to 9 m and back, 9 m home; traversing via another
    # aisle would cost 10 + 10 + 9 + 9 = 38 instead.
    assert route.length == pytest.approx(36.0)
    assert _ids(route) == ["q", "p", "r"]
    assert s_shape_route(layout, picks).length == pytest.approx(36.0)


def test_picks_at_very_front_and_back() -> None:
    layout = Layout(3, 10.0, aisle_spacing=3.0)
    assert optimal_route(layout, [("f", 1, 0.0)]).length == pytest.approx(6.0)
    assert optimal_route(layout, [("b", 1, 10.0)]).length == pytest.approx(26.0)
    both = optimal_route(layout, [("f", 2, 0.0), ("b", 2, 10.0)])
    assert both.length == pytest.approx(6 + 10 + 10 + 6)
    assert optimal_route(layout, [("here", 0, 0.0)]).length == 0.0


def test_duplicate_locations_keep_every_pick_id() -> None:
    layout = Layout(3, 10.0, aisle_spacing=3.0)
    picks = [("a", 1, 2.0), ("b", 2, 7.0), ("c", 1, 2.0), ("d", 1, 2.0)]
    route = optimal_route(layout, picks)
    ids = _ids(route)
    assert sorted(ids) == ["a", "b", "c", "d"]
    # Picks sharing a bin are served in one stop, in the order they were given.
    first = ids.index("a")
    assert ids[first : first + 3] == ["a", "c", "d"]
    assert route.length == pytest.approx(brute_force_length(layout, [(0, 1, 2.0), (1, 2, 7.0)]))


def test_depot_not_at_first_aisle() -> None:
    layout = Layout(3, 10.0, aisle_spacing=3.0, depot_x=6.0)
    assert optimal_route(layout, [("a", 0, 1.0)]).length == pytest.approx(14.0)
    # S-shape sweeps from the pick aisle nearest the depot: aisle 2 then aisle 0.
    s_shape = s_shape_route(layout, [("a", 0, 1.0), ("b", 2, 5.0)])
    assert _ids(s_shape) == ["b", "a"]
    assert s_shape.length == pytest.approx(10 + 6 + 10 + 6)


def test_depot_between_aisles() -> None:
    layout = Layout(3, 10.0, aisle_spacing=3.0, depot_x=4.5)
    route = optimal_route(layout, [("a", 0, 1.0)])
    assert route.length == pytest.approx(4.5 + 1 + 1 + 4.5)
    assert route.path[0] == route.path[-1] == (4.5, 0.0)
    picks = [("a", 0, 8.0), ("b", 2, 8.0)]
    # Out to aisle 0, through it, along the back, down aisle 2 and back to the depot;
    # dipping into both aisles from the front would cost 44.
    assert optimal_route(layout, picks).length == pytest.approx(32.0)


def test_depot_outside_the_aisles() -> None:
    layout = Layout(2, 10.0, aisle_spacing=3.0, depot_x=-2.0)
    route = optimal_route(layout, [("a", 1, 3.0)])
    assert route.length == pytest.approx(2 * (5 + 3))


def test_sequence_is_the_walk_of_the_tour() -> None:
    layout = Layout(4, 10.0, aisle_spacing=3.0)
    picks = [(0, 0, 1.0), (1, 1, 9.0), (2, 2, 1.0), (3, 3, 9.0), (4, 3, 2.0)]
    route = optimal_route(layout, picks)
    assert route.length == pytest.approx(tour_length(layout, [p.point for p in route.sequence]))
    assert_valid_route(layout, picks, route)


# --------------------------------------------------------------------------------------
# Inputs
# --------------------------------------------------------------------------------------


def test_layout_from_locations() -> None:
    locs = [("A-01-1-A", 1, 1), ("A-03-2-B", 3, 2), ("A-02-40-A", 2, 40), ("A-03-2-C", 3, 2)]
    layout, points = layout_from_locations(locs)
    assert layout.n_aisles == 3
    assert layout.aisle_length == pytest.approx(48.0)
    assert layout.aisle_spacing == 3.0
    assert layout.bay_pitch == 1.2
    assert layout.depot_x == 0.0
    assert points["A-03-2-B"] == (2, pytest.approx(1.8))
    assert points["A-03-2-C"] == points["A-03-2-B"]
    assert points["A-01-1-A"] == (0, pytest.approx(0.6))
    assert points["A-02-40-A"] == (1, pytest.approx(47.4))

    custom, _ = layout_from_locations(locs, aisle_spacing=2.5, bay_pitch=1.0, depot_x=2.5)
    assert (custom.aisle_length, custom.aisle_spacing, custom.depot_x) == (40.0, 2.5, 2.5)

    picks = [(code, *points[code]) for code in ("A-03-2-B", "A-01-1-A", "A-02-40-A")]
    route = optimal_route(layout, picks)
    assert sorted(p.pick_id for p in route.sequence) == sorted(c for c, *_ in picks)


def test_layout_from_locations_rejects_bad_input() -> None:
    with pytest.raises(ValueError):
        layout_from_locations([])
    with pytest.raises(ValueError):
        layout_from_locations([("X", 0, 1)])
    with pytest.raises(ValueError):
        layout_from_locations([("X", 1, 1), ("X", 2, 1)])


def test_invalid_picks_and_layouts() -> None:
    with pytest.raises(ValueError):
        optimal_route(L10, [("a", 4, 1.0)])
    with pytest.raises(ValueError):
        s_shape_route(L10, [("a", 0, 10.5)])
    with pytest.raises(ValueError):
        Layout(0, 10.0)
    with pytest.raises(ValueError):
        Layout(2, -1.0)
