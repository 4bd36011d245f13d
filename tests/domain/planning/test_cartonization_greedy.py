"""The greedy placement's fast paths choose exactly what the plain rule chooses.

``_place_one`` ranks candidates without testing overlaps first, tests only units near a
point, and ``_extreme_points`` / ``_contact_area`` are unrolled per axis: all for speed at the
pack station. The plain rule is written out here (every extreme point x every orientation,
keep the first candidate with the smallest key) and both are run on layouts the greedy grows
itself, so any shortcut that changes a choice, or the order ties are broken in, fails.
"""

from __future__ import annotations

from itertools import permutations

from hypothesis import given, settings
from hypothesis import strategies as st

from wms_tui.domain.planning import cartonization as cz

Box = tuple[int, int, int, int, int, int]
Dims = tuple[int, int, int]


def _overlap(a: Box, b: Box) -> bool:
    return all(a[k] < b[k + 3] and b[k] < a[k + 3] for k in range(3))


def _plain_points(boxes: list[Box]) -> list[Dims]:
    points: set[Dims] = {(0, 0, 0)}
    for box in boxes:
        for axis in range(3):
            corner = [box[0], box[1], box[2]]
            corner[axis] = box[axis + 3]
            points.add((corner[0], corner[1], corner[2]))
            for slide in range(3):
                if slide == axis:
                    continue
                a, b = [k for k in range(3) if k != slide]
                stop = 0
                for other in boxes:
                    if (
                        other[a] <= corner[a] < other[a + 3]
                        and other[b] <= corner[b] < other[b + 3]
                        and stop < other[slide + 3] <= corner[slide]
                    ):
                        stop = other[slide + 3]
                moved = list(corner)
                moved[slide] = stop
                points.add((moved[0], moved[1], moved[2]))
    return [
        p for p in points if not any(all(b[k] <= p[k] < b[k + 3] for k in range(3)) for b in boxes)
    ]


def _plain_contact(box: Box, boxes: list[Box], container: Dims) -> int:
    area = 0
    for axis in range(3):
        a, b = [k for k in range(3) if k != axis]
        face = (box[a + 3] - box[a]) * (box[b + 3] - box[b])
        area += face * ((box[axis] == 0) + (box[axis + 3] == container[axis]))
        for other in boxes:
            if other[axis + 3] == box[axis] or other[axis] == box[axis + 3]:
                da = min(box[a + 3], other[a + 3]) - max(box[a], other[a])
                db = min(box[b + 3], other[b + 3]) - max(box[b], other[b])
                if da > 0 and db > 0:
                    area += da * db
    return area


def _plain_place(size: Dims, boxes: list[Box], container: Dims, merit, upright: bool):  # noqa: ANN001
    env = tuple(max((b[k + 3] for b in boxes), default=0) for k in range(3))
    orientations = sorted(set(permutations(size)), key=lambda d: (d[2], d[1], d[0]))
    if upright:
        orientations.reverse()
    best, best_key = None, None
    for x, y, z in _plain_points(boxes):
        for dx, dy, dz in orientations:
            box = (x, y, z, x + dx, y + dy, z + dz)
            if any(box[k + 3] > container[k] for k in range(3)):
                continue
            if any(_overlap(box, b) for b in boxes):
                continue
            if merit is None:
                key = (-_plain_contact(box, boxes, container), z, y, x)
            else:
                key = merit(box, env)
            if best_key is None or key < best_key:
                best, best_key = box, key
    return best


side = st.integers(min_value=1, max_value=6).map(lambda n: n * 25)
sizes = st.lists(st.tuples(side, side, side), min_size=1, max_size=9)
containers = st.tuples(
    st.sampled_from([150, 200, 300]), st.sampled_from([100, 150, 200]), st.sampled_from([75, 150])
)


@settings(max_examples=40, deadline=None)
@given(
    sizes=sizes,
    container=containers,
    merit=st.sampled_from(range(len(cz._MERITS))),
    upright=st.booleans(),
)
def test_each_step_chooses_what_the_plain_rule_chooses(
    sizes: list[Dims], container: Dims, merit: int, upright: bool
) -> None:
    rule = cz._MERITS[merit]
    boxes: list[Box] = []
    for size in sizes:
        assert cz._extreme_points(boxes) == _plain_points(boxes)
        for box in boxes:
            assert cz._contact_area(box, boxes, container) == _plain_contact(box, boxes, container)
        chosen = cz._place_one(size, boxes, container, rule, upright)
        assert chosen == _plain_place(size, boxes, container, rule, upright)
        if chosen is None:
            break
        boxes.append(chosen)
