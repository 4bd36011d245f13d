"""The states and moves of the Ratliff & Rosenthal dynamic programme, as tables.

Which classes of partial tour can still become a tour, and which class each aisle
configuration (vertical edges) and each pair of cross-aisle edge counts (horizontal
edges) leads to. Built once at import from the degree and component rules below;
:func:`.routing.optimal_route` walks them over a pick list. The derivation is in
``docs/routing.md``.
"""

from __future__ import annotations

from typing import Final

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


# _VERT by state: _VERT_OF[s][kind] is the state a vertical option of that kind
# leads to from state s (-1: impossible); _HORIZ with each move's edge count.
_VERT_OF: Final = [tuple(_VERT[kind][s] for kind in range(6)) for s in range(_N_STATES)]
_HORIZ_N: Final = [
    [(hf, hb, t, za, zb, hf + hb) for hf, hb, t, za, zb in moves] for moves in _HORIZ
]
