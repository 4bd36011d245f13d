"""The greedy side of a fit: extreme-point placement (Crainic, Perboli & Tadei 2008) with
a few unit orders and placement rules, and one more unit placed into a parcel of a split.

Step 2 of the fit algorithm in :mod:`.cartonization`'s docstring.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from functools import lru_cache

from wms_tui.domain.planning.carton_items import Box, Dims, _orientations


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
