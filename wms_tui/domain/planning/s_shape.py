"""The S-shape (traversal) heuristic: the baseline a wave reports beside each cart's
optimal route (:mod:`.routing`). Pure: no database, no UI; the model is :mod:`.route_layout`.
"""

from __future__ import annotations

from collections.abc import Iterable

from wms_tui.domain.planning.route_layout import (
    Layout,
    Pick,
    PickIdT,
    Route,
    at_depot,
    dedupe,
    normalise,
    path_length,
)

__all__ = ["s_shape_length", "s_shape_route"]


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
    items = normalise(layout, picks)
    depot = (layout.depot_x, 0.0)
    if all(at_depot(layout, p) for p in items):
        return Route(0.0, tuple(items), (depot,))
    path, sequence = _s_shape_walk(layout, items, with_sequence=True)
    clean = dedupe(path)
    return Route(path_length(clean), tuple(sequence), clean)


def s_shape_length(layout: Layout, picks: Iterable[tuple[PickIdT, int, float]]) -> float:
    """The ``length`` of :func:`s_shape_route`, without building its sequence and path.

    The baseline a wave reports beside every cart's optimal route.
    """
    items = normalise(layout, picks)
    if all(at_depot(layout, p) for p in items):
        return 0.0
    path, _ = _s_shape_walk(layout, items, with_sequence=False)
    # Repeated points add 0.0: the same sum as over the deduplicated path.
    return path_length(path)


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
