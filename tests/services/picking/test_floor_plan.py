"""The floor plan: layout from the location table, two blocks, insertion of new stops."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.worlds import factories as f
from wms_tui.domain.enums import LocationKind
from wms_tui.services.picking.floor_plan import AISLE_SPACING_M, BAY_PITCH_M, FloorPlan, floor_plan
from wms_tui.store import Store


@pytest.fixture(scope="module")
def plan_and_ids(tmp_path_factory) -> tuple[FloorPlan, dict[str, int]]:
    """The demo's shape: pick aisles 1-10 x 20 bays, bulk aisles 11-12 x 8 bays."""
    store = Store(f"sqlite:///{tmp_path_factory.mktemp('fp') / 'wms.db'}")
    store.create_schema()
    ids: dict[str, int] = {}
    with store.unit_of_work() as uow:
        for aisle in range(1, 11):
            for bay in range(1, 21):
                code = f"{'A' if aisle <= 5 else 'B'}-{aisle:02d}-{bay}-A"
                ids[code] = f.location(uow, code, zone=code[0]).id
        for aisle in (11, 12):
            for bay in range(1, 9):
                code = f"R-{aisle}-{bay}-A"
                ids[code] = f.location(uow, code, LocationKind.BULK, zone="R").id
        ids["PACK-1"] = f.location(uow, "PACK-1", LocationKind.PACK, zone="PACK").id
        uow.commit()
    with store.read() as s:
        plan = floor_plan(s)
    store.dispose()
    return plan, ids


def test_blocks_come_from_the_location_table(plan_and_ids) -> None:
    plan, ids = plan_and_ids
    pick, bulk = plan.blocks
    assert (pick.layout.n_aisles, pick.layout.aisle_length) == (10, 20 * BAY_PITCH_M)
    assert pick.layout.depot_x == 0.0
    assert (bulk.layout.n_aisles, bulk.layout.aisle_length) == (2, 8 * BAY_PITCH_M)
    # Aisle 11 stands 3 m after aisle 10, so the depot is 30 m to its left.
    assert bulk.layout.depot_x == -10 * AISLE_SPACING_M
    assert plan.locate(ids["PACK-1"])[0] == -1  # not routable: treated as the depot
    # Depot -> bay 1 of aisle 1 and back; depot -> R-11-1 is 30 m along the front.
    assert plan.walk_length([ids["A-01-1-A"]]) == pytest.approx(2 * 0.6)
    assert plan.distance(None, ids["R-11-1-A"]) == pytest.approx(30 + 0.6)
    # Between blocks the walk goes through the depot.
    assert plan.distance(ids["B-10-1-A"], ids["R-11-1-A"]) == pytest.approx(27.6 + 30.6)


bins = st.lists(
    st.one_of(
        st.tuples(st.integers(1, 10), st.integers(1, 20)).map(
            lambda ab: f"{'A' if ab[0] <= 5 else 'B'}-{ab[0]:02d}-{ab[1]}-A"
        ),
        st.tuples(st.integers(11, 12), st.integers(1, 8)).map(lambda ab: f"R-{ab[0]}-{ab[1]}-A"),
    ),
    min_size=1,
    max_size=6,
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(codes=bins)
def test_route_is_the_best_pick_block_first_walk(plan_and_ids, codes: list[str]) -> None:
    """No order of the pick bins, followed by any order of the bulk bins, is shorter."""
    plan, ids = plan_and_ids
    stops = [(i, ids[c]) for i, c in enumerate(codes)]
    route = plan.route(stops)
    assert sorted(route.order) == list(range(len(codes)))
    walked = [ids[codes[i]] for i in route.order]
    assert plan.walk_length(walked) == pytest.approx(route.length)
    pick = list(dict.fromkeys(ids[c] for c in codes if not c.startswith("R")))
    bulk = list(dict.fromkeys(ids[c] for c in codes if c.startswith("R")))
    # Bulk bins are visited after every pick bin.
    kinds = ["R" if codes[i].startswith("R") else "P" for i in route.order]
    assert kinds == sorted(kinds)
    best = min(
        plan.walk_length([*p, *b])
        for p in itertools.permutations(pick)
        for b in itertools.permutations(bulk)
    )
    assert route.length == pytest.approx(best)
    assert route.s_shape_length >= route.length - 1e-9


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(codes=bins, new=bins, start=st.booleans())
def test_cheapest_insertion_is_cheapest(plan_and_ids, codes, new, start) -> None:
    plan, ids = plan_and_ids
    remaining = [ids[c] for c in codes]
    here = remaining.pop(0) if start and len(remaining) > 1 else None
    target = ids[new[0]]
    index, delta = plan.cheapest_insertion(here, remaining, target)

    def walk(seq):
        path = [here, *seq, None]
        return sum(plan.distance(a, b) for a, b in itertools.pairwise(path))

    base = walk(remaining)
    costs = [
        walk(remaining[:i] + [target] + remaining[i:]) - base for i in range(len(remaining) + 1)
    ]
    assert delta == pytest.approx(min(costs))
    assert costs[index] == pytest.approx(delta)
