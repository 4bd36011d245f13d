"""Where bins are on the floor, and the order a picker walks them in.

The geometry comes from the location table (``Location.aisle`` / ``bay``):

* **Pick block**: every active ``pick`` location, whatever its zone. In the demo
  zones A (aisles 1-5) and B (aisles 6-10) share one front and one back
  cross-aisle, so they form a single block of 10 aisles x 20 bays. The depot
  (where carts start and pick tasks end) is on the front cross-aisle in front
  of aisle 1.
* **Bulk block**: every active ``bulk`` location (zone R, aisles 11-12, 8 bays
  deep). Its aisles are shorter and have no back cross-aisle in common with
  the pick block, so it is routed as a block of its own that stands beside the
  pick block on the same front cross-aisle (aisle 11 continues the numbering,
  3 m after aisle 10).

A task walks the pick block first (an optimal Ratliff-Rosenthal tour from the
depot), then the bulk block (a second optimal tour from the depot, which
includes the walk along the front cross-aisle to it and back). Most tasks never
touch bulk: allocation takes pick bins first. Treating the blocks as two loops
costs at most the walk between aisle 10 and the depot compared with a true
multi-block optimum, and keeps each part exact.

Distances between two bins of different blocks go through the depot, which is
what the two-loop route walks. Locations without an aisle/bay (aisle 0) are
treated as standing at the depot and are visited last.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from sqlmodel import Session, col, select

from wms_tui.domain.enums import LocationKind
from wms_tui.domain.models import Location
from wms_tui.domain.planning.route_layout import DEPOT, Layout, Point, route_distance
from wms_tui.domain.planning.routing import plan_route

AISLE_SPACING_M = 3.0
BAY_PITCH_M = 1.2

# Blocks are walked in this order.
BLOCK_KINDS: tuple[LocationKind, ...] = (LocationKind.PICK, LocationKind.BULK)

K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class Block:
    name: str
    layout: Layout
    # location id -> (aisle index inside this block, y in metres)
    points: dict[int, tuple[int, float]]


@dataclass(frozen=True)
class PlannedRoute:
    """Stops in walking order, the optimal length and the S-shape baseline (metres)."""

    order: list
    length: float
    s_shape_length: float


@dataclass(frozen=True)
class FloorPlan:
    blocks: tuple[Block, ...]

    def locate(self, location_id: int | None) -> tuple[int, Point]:
        """(block index, point) of a location; the depot (or an unplaced bin) is (-1, DEPOT)."""
        if location_id is not None:
            for i, block in enumerate(self.blocks):
                point = block.points.get(location_id)
                if point is not None:
                    return i, point
        return -1, DEPOT

    def distance(self, a: int | None, b: int | None) -> float:
        """Walking distance between two locations (None = the depot)."""
        block_a, pa = self.locate(a)
        block_b, pb = self.locate(b)
        if block_a == block_b and block_a >= 0:
            return route_distance(self.blocks[block_a].layout, pa, pb)
        total = 0.0
        if block_a >= 0:
            total += route_distance(self.blocks[block_a].layout, pa, DEPOT)
        if block_b >= 0:
            total += route_distance(self.blocks[block_b].layout, DEPOT, pb)
        return total

    def route(self, stops: Sequence[tuple[K, int]]) -> PlannedRoute:
        """Order ``(key, location_id)`` stops: optimal per block, blocks in turn.

        Stops sharing a location stay together in the order given.
        """
        by_block: dict[int, list[tuple[K, int, float]]] = {}
        unplaced: list[K] = []
        for key, location_id in stops:
            block, point = self.locate(location_id)
            if block < 0:
                unplaced.append(key)
                continue
            aisle, y = point  # type: ignore[misc]
            by_block.setdefault(block, []).append((key, aisle, y))
        order: list[K] = []
        length = s_length = 0.0
        for i, block in enumerate(self.blocks):
            picks = by_block.get(i)
            if not picks:
                continue
            ids, best, s_best = plan_route(block.layout, picks)
            order.extend(ids)
            length += best
            s_length += s_best
        order.extend(unplaced)
        return PlannedRoute(order, length, s_length)

    def walk_length(self, location_ids: Sequence[int | None]) -> float:
        """Depot -> each location in turn -> depot."""
        path = [None, *location_ids, None]
        return sum(self.distance(a, b) for a, b in zip(path, path[1:], strict=False))

    def cheapest_insertion(
        self, start: int | None, remaining: Sequence[int], new: int
    ) -> tuple[int, float]:
        """Where to put a new stop into a walk already under way.

        The picker stands at ``start`` (None: the depot) and will visit
        ``remaining`` in order, then return to the depot. Returns the index in
        ``remaining`` to insert ``new`` at and the extra metres it costs.
        """
        path: list[int | None] = [start, *remaining, None]
        best_index, best_delta = len(remaining), float("inf")
        for i in range(len(path) - 1):
            a, b = path[i], path[i + 1]
            delta = self.distance(a, new) + self.distance(new, b) - self.distance(a, b)
            if delta < best_delta - 1e-9:
                best_index, best_delta = i, delta
        return best_index, best_delta


def _block(name: str, rows: list[tuple[int, int, int]]) -> Block | None:
    """A block from ``(location id, aisle no, bay no)``; aisle numbers are global."""
    rows = [r for r in rows if r[1] >= 1 and r[2] >= 1]
    if not rows:
        return None
    first_aisle = min(a for _, a, _ in rows)
    n_aisles = max(a for _, a, _ in rows) - first_aisle + 1
    deepest = max(b for _, _, b in rows)
    layout = Layout(
        n_aisles=n_aisles,
        aisle_length=deepest * BAY_PITCH_M,
        aisle_spacing=AISLE_SPACING_M,
        bay_pitch=BAY_PITCH_M,
        # The depot stands in front of aisle 1 of the building; a block that
        # starts further right sees it beside itself on the front cross-aisle.
        depot_x=(1 - first_aisle) * AISLE_SPACING_M,
    )
    points = {lid: (a - first_aisle, layout.bay_y(b)) for lid, a, b in rows}
    return Block(name, layout, points)


def floor_plan(session: Session) -> FloorPlan:
    """Read the layout from the location table (active pick and bulk locations)."""
    rows = session.exec(
        select(Location.id, Location.kind, Location.aisle, Location.bay).where(
            col(Location.kind).in_(list(BLOCK_KINDS)), col(Location.active).is_(True)
        )
    ).all()
    blocks: list[Block] = []
    for kind in BLOCK_KINDS:
        block = _block(str(kind), [(lid, a, b) for lid, k, a, b in rows if LocationKind(k) is kind])
        if block is not None:
            blocks.append(block)
    return FloorPlan(tuple(blocks))
