"""The shortest pick route: Ratliff & Rosenthal's (1983) dynamic programme, exact.

Pure combinatorics: no database, no UI. The walking model (layout, picks, routes,
distances) is :mod:`.route_layout`; the programme's state tables are
:mod:`.route_states`; the S-shape baseline is :mod:`.s_shape`. See ``docs/routing.md``
for the derivation of the DP states and transitions.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from wms_tui.domain.planning.route_layout import (
    Layout,
    Pick,
    PickIdT,
    Route,
    at_depot,
    normalise,
    path_length,
)
from wms_tui.domain.planning.route_states import (
    _EMPTY,
    _FINAL,
    _HORIZ_N,
    _N_STATES,
    _V_BOTTOM,
    _V_DOUBLE,
    _V_GAP,
    _V_NONE,
    _V_TOP,
    _V_TRAVERSE,
    _VERT_OF,
)
from wms_tui.domain.planning.s_shape import _s_shape_walk

__all__ = ["optimal_route", "plan_route"]


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


def optimal_route(layout: Layout, picks: Iterable[tuple[PickIdT, int, float]]) -> Route[PickIdT]:
    """Shortest tour from the depot through all picks and back (Ratliff & Rosenthal).

    ``picks`` are ``(pick_id, aisle_index, y)``; several picks may share a location.
    The returned ``sequence`` is read off an Eulerian circuit of the optimal tour
    subgraph (first visit of every location), so walking it with
    :func:`route_distance` gives exactly ``length``.
    """
    items = normalise(layout, picks)
    if all(at_depot(layout, p) for p in items):
        return Route(0.0, tuple(items), ((layout.depot_x, 0.0),))
    sequence, length, path = _optimal(layout, items, with_path=True)
    return Route(length, tuple(sequence), path)


def plan_route(
    layout: Layout, picks: Iterable[tuple[PickIdT, int, float]]
) -> tuple[list[PickIdT], float, float]:
    """``optimal_route``'s pick ids in visiting order and length, and ``s_shape_length``.

    What a wave keeps of a cart's route, for the price of one: the picks are
    checked once, and neither route's waypoints are built.
    """
    items = normalise(layout, picks)
    if all(at_depot(layout, p) for p in items):
        return [p.pick_id for p in items], 0.0, 0.0
    sequence, length, _ = _optimal(layout, items, with_path=False)
    s_path, _ = _s_shape_walk(layout, items, with_sequence=False)
    return [p.pick_id for p in sequence], length, path_length(s_path)


def _optimal(
    layout: Layout, items: list[Pick[PickIdT]], *, with_path: bool
) -> tuple[list[Pick[PickIdT]], float, tuple[tuple[float, float], ...]]:
    """The DP and its tour for picks not all at the depot: (sequence, length, path or ())."""
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

    sequence, path = _extract_route(layout, items, columns, chosen_v, chosen_h, with_path)
    return sequence, best, path


def _extract_route(
    layout: Layout,
    items: list[Pick[PickIdT]],
    columns: list[_Column],
    chosen_v: list[tuple[int, int]],
    chosen_h: list[tuple[int, int]],
    with_path: bool,
) -> tuple[list[Pick[PickIdT]], tuple[tuple[float, float], ...]]:
    """Rebuild the chosen edge multiset and walk an Eulerian circuit through it.

    Returns the picks in the order of their first visit and, ``with_path``, the
    circuit's waypoints. Vertices are numbered column by column (front, interior
    picks upwards, back), so every piece of a column's chain is a range of ids.
    """
    aisle_length = layout.aisle_length
    front_ids: list[int] = []
    vertex_at: dict[tuple[int, float], int] = {}
    n_vertices = 0
    for col in columns:
        first = n_vertices
        front_ids.append(first)
        n_vertices += len(col.ys) + 2
        if col.aisle is not None:
            aisle = col.aisle
            vertex_at[(aisle, 0.0)] = first
            vertex_at[(aisle, aisle_length)] = n_vertices - 1
            for vid, y in enumerate(col.ys, start=first + 1):
                vertex_at[(aisle, y)] = vid

    # Edges are numbered in the order they are added; the circuit below depends
    # on that order, so it is the same as it always was (columns, then the
    # cross-aisles). An edge's entry in ``ends`` is the xor of its two ends: the
    # far end seen from either one.
    adjacency: list[list[int]] = [[] for _ in range(n_vertices)]
    ends: list[int] = []
    spans: list[tuple[int, int, int]] = []  # (first vertex, last vertex, times)
    back_ids = [first + len(col.ys) + 1 for first, col in zip(front_ids, columns, strict=True)]
    for j, (kind, gap) in enumerate(chosen_v):
        first, back = front_ids[j], back_ids[j]
        if kind == _V_TRAVERSE:
            spans.append((first, back, 1))
        elif kind == _V_DOUBLE:
            spans.append((first, back, 2))
        elif kind == _V_BOTTOM:
            spans.append((first, back - 1, 2))
        elif kind == _V_TOP:
            spans.append((first + 1, back, 2))
        elif kind == _V_GAP:
            # first + gap + 1 and first + gap + 2 are the picks bounding the skipped gap.
            spans.append((first, first + gap + 1, 2))
            spans.append((first + gap + 2, back, 2))
    # A column's piece walks each step of its range; a cross-aisle is one step.
    n_vertical = len(spans)
    for chain_first, chain_last, times in spans:
        for u in range(chain_first, chain_last):
            adj_u, adj_v = adjacency[u], adjacency[u + 1]
            far = u ^ (u + 1)
            for _ in range(times):
                e = len(ends)
                ends.append(far)
                adj_u.append(e)
                adj_v.append(e)
    for j, (hf, hb) in enumerate(chosen_h):
        spans.append((front_ids[j], front_ids[j + 1], hf))
        spans.append((back_ids[j], back_ids[j + 1], hb))
    for u, v, times in spans[n_vertical:]:
        adj_u, adj_v = adjacency[u], adjacency[v]
        far = u ^ v
        for _ in range(times):
            e = len(ends)
            ends.append(far)
            adj_u.append(e)
            adj_v.append(e)

    start = next(front_ids[j] for j, col in enumerate(columns) if col.x == layout.depot_x)
    circuit = _euler_circuit(adjacency, ends, start)

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
    if not with_path:
        return sequence, ()
    coords: list[tuple[float, float]] = []
    for col in columns:
        x = col.x
        coords.append((x, 0.0))
        coords.extend([(x, y) for y in col.ys])
        coords.append((x, aisle_length))
    return sequence, tuple([coords[v] for v in circuit])


def _euler_circuit(adjacency: list[list[int]], ends: list[int], start: int) -> list[int]:
    """Hierholzer's algorithm on a connected multigraph with all degrees even.

    ``adjacency[v]`` lists the ids of the edges at ``v``; ``ends[e]`` is the xor
    of edge ``e``'s two ends.
    """
    n_edges = len(ends)
    used = bytearray(n_edges)
    cursor = [0] * len(adjacency)
    stack = [start]
    circuit: list[int] = []
    while stack:
        v = stack[-1]
        edges = adjacency[v]
        i = cursor[v]
        n = len(edges)
        while i < n and used[edges[i]]:
            i += 1
        if i == n:
            cursor[v] = i
            circuit.append(stack.pop())
        else:
            e = edges[i]
            cursor[v] = i + 1
            used[e] = 1
            stack.append(ends[e] ^ v)
    if len(circuit) != n_edges + 1:  # pragma: no cover - DP guarantees connectivity
        raise AssertionError("chosen edge set is not a single closed tour")
    circuit.reverse()
    return circuit
