"""Carton suggestion for the pack station.

Pure module: no database, no UI. Given the units of an order and the carton types stocked at
the station, suggest the smallest carton that really holds everything (with a 3D placement the
packer could follow), or the fewest parcels when nothing holds it all.

Conventions
-----------
* Lengths are integer millimetres, weights integer grams. Carton axes: x = inner length,
  y = inner width, z = inner height. Items may be rotated freely (6 axis-aligned orientations).
* Fragile items are padded: ``padding_mm`` (default 20 mm, i.e. 10 mm per side) is added to each
  of their dimensions. Placements store the padded envelope; the item sits centred inside it.
* ``max_weight_g`` of a carton is compared with the *gross* parcel weight (items + carton own
  weight + estimated void fill). Carrier limits are gross, and it is the conservative reading of
  a box rating, so a "fits" never overloads a box.
* Fill ratio is raw item volume / carton inner volume (padding counts as void, which is what
  the packer sees when looking into the box).
* "Smallest" carton = smallest inner volume, ties broken by the longest inner side, then code.

Fit algorithm (``fits``)
------------------------
1. Cheap necessary conditions, each a proof of "does not fit": gross weight, every unit fits
   alone (sorted sides against sorted inner sides), total padded volume, pairwise separability
   (two units that cannot sit side by side along any axis in any orientations never share a
   carton) and the Fekete-Schepers volume bound with dual feasible functions.
2. Greedy extreme-point packing (Crainic, Perboli & Tadei) with 4 unit orders x 4 placement
   rules x 2 orientation tie-breaks; the first complete layout wins. Fast path for easy cases.
3. Exhaustive depth-first search. Units are placed one at a time, each pushed against walls or
   already placed units on all three axes: every coordinate is 0 or the far face of a placed
   unit that touches it (overlapping on the other two axes). Branching: which shape goes next
   (identical shapes are one branch), its orientation and every such corner. Failed partial
   layouts are memoised, and a branch dies as soon as some remaining shape has no free spot
   left. ``search_limit`` caps the work (box-vs-box overlap tests, ~0.2 s per million).
   Exhausting the tree means "no arrangement exists"; running out of budget is reported as
   "not found" and treated as not fitting - a fit is only ever claimed with a layout in hand,
   so the cost of a hard instance is a bigger box, never a box that does not close.

Completeness of step 3: any layout can be compacted towards the origin until every coordinate
is 0 or a touching neighbour's far face. The search finds every compacted layout whose units
can be put in such an order that each unit's touching neighbours come first. In 2D that is
always possible; in 3D interlocking ("pinwheel") compacted layouts exist that admit no such
order, so exactness is not proven in general. Cross-checks found no instance that only such
layouts solve: the tests compare against an exact grid oracle (<= 4 units, every carton), and
1000+ tight instances built from interlocked layouts of up to 7 units were all solved.

Limits: the problem is NP-hard. Tight cartons with more than ~6 units can exhaust the budget,
in which case the next carton up is suggested. Not modelled: "this side up", crush limits /
stacking on fragile units, nesting, real void-fill behaviour (weight is an estimate).

Every placement is checked with ``verify_placement`` before it is returned.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import permutations

from wms_tui.domain.planning.carton_greedy import _place_one
from wms_tui.domain.planning.carton_items import (
    DEFAULT_FILL_G_PER_LITRE,
    DEFAULT_PADDING_MM,
    Box,
    Carton,
    Dims,
    Item,
    ItemLine,
    Parcel,
    PlacedItem,
    Placement,
    Suggestion,
    _fits_alone,
    _fmt_dims,
    _orientations,
    _plural,
    _validate_params,
    expand_items,
    format_kg,
    parcel_weights,
    sort_cartons,
    verify_placement,
)
from wms_tui.domain.planning.carton_search import _Outcome, _pack, _PackResult

__all__ = [
    "DEFAULT_FILL_G_PER_LITRE",
    "DEFAULT_PADDING_MM",
    "DEFAULT_SEARCH_LIMIT",
    "Carton",
    "Dims",
    "Item",
    "ItemLine",
    "Parcel",
    "PlacedItem",
    "Placement",
    "Suggestion",
    "check_carton",
    "expand_items",
    "fits",
    "format_kg",
    "parcel_weights",
    "sort_cartons",
    "suggest_cartons",
    "verify_placement",
]

# Budget of the exhaustive search, in box-vs-box overlap tests (~0.1-0.3 s of CPU). Small
# orders (up to ~6 units) are practically always decided within it; larger ones may not be.
DEFAULT_SEARCH_LIMIT = 1_000_000
# Repacking a parcel from scratch during a split is a nice-to-have, keep it cheap.
REPACK_MAX_ITEMS = 8
SPLIT_REPACK_SEARCH_LIMIT = 100_000


# --------------------------------------------------------------------------- public API


def _placement_from_boxes(
    units: Sequence[Item], carton: Carton, boxes: Sequence[Box], padding_mm: int
) -> Placement:
    placed: list[PlacedItem] = []
    for unit, box in zip(units, boxes, strict=True):
        pad = unit.padding_for(padding_mm)
        target = (box[3] - box[0] - pad, box[4] - box[1] - pad, box[5] - box[2] - pad)
        dims = unit.dims_mm
        orientation = next(o for o in permutations(range(3)) if tuple(dims[k] for k in o) == target)
        placed.append(PlacedItem(unit, box[0], box[1], box[2], orientation, pad))
    placement = Placement(carton, tuple(placed))
    problems = verify_placement(placement, units, padding_mm=padding_mm)
    if problems:  # a packer bug must never reach the floor as a "fits"
        raise AssertionError(f"invalid placement for {carton.code}: {problems}")
    return placement


def _try_pack(
    units: Sequence[Item], carton: Carton, padding_mm: int, search_limit: int
) -> tuple[_PackResult, Placement | None]:
    sizes = [u.padded_dims(padding_mm) for u in units]
    result = _pack(sizes, carton.inner_dims_mm, search_limit)
    if result.outcome is not _Outcome.FOUND:
        return result, None
    assert result.boxes is not None
    return result, _placement_from_boxes(units, carton, result.boxes, padding_mm)


def fits(
    items: Iterable[Item | ItemLine],
    carton: Carton,
    *,
    padding_mm: int = DEFAULT_PADDING_MM,
    fill_weight_g_per_litre: float = DEFAULT_FILL_G_PER_LITRE,
    search_limit: int = DEFAULT_SEARCH_LIMIT,
) -> Placement | None:
    """A verified 3D placement of all units in ``carton``, or ``None``.

    ``None`` also when the gross parcel weight exceeds the carton's limit. When the search runs
    out of ``search_limit``, ``None`` means "no placement found" rather than "proven impossible";
    ``check_carton`` tells the two apart.
    """
    _validate_params(padding_mm, fill_weight_g_per_litre)
    units = expand_items(items)
    if parcel_weights(units, carton, fill_weight_g_per_litre)[2] > carton.max_weight_g:
        return None
    return _try_pack(units, carton, padding_mm, search_limit)[1]


def check_carton(
    items: Iterable[Item | ItemLine],
    carton: Carton,
    *,
    padding_mm: int = DEFAULT_PADDING_MM,
    fill_weight_g_per_litre: float = DEFAULT_FILL_G_PER_LITRE,
    search_limit: int = DEFAULT_SEARCH_LIMIT,
) -> tuple[bool, str]:
    """Validate a carton the packer picked by hand: ``(ok, reason)``.

    Reasons name the problem specifically, e.g. ``"too small: item SKU-7 400 mm does not fit
    (inner 350×300×200 mm)"`` or ``"too heavy: 12.4 kg > 10 kg"``; size and weight problems are
    both reported, joined by ``"; "``.
    """
    _validate_params(padding_mm, fill_weight_g_per_litre)
    units = expand_items(items)
    inner = carton.inner_dims_mm
    sorted_inner = sorted(inner)
    reasons: list[str] = []
    for unit in units:
        padded = unit.padded_dims(padding_mm)
        if _fits_alone(padded, inner):
            continue
        ordered = sorted(padded)
        # Name the longest side that cannot be accommodated - usually what the packer sees.
        bad = max(ordered[k] for k in range(3) if ordered[k] > sorted_inner[k])
        pad_note = f" (incl. {padding_mm} mm padding)" if unit.padding_for(padding_mm) else ""
        reasons.append(
            f"too small: item {unit.sku} {bad} mm{pad_note} does not fit "
            f"(inner {_fmt_dims(inner)} mm)"
        )
        break
    items_g, void_g, total_g = parcel_weights(units, carton, fill_weight_g_per_litre)
    if total_g > carton.max_weight_g:
        reasons.append(f"too heavy: {format_kg(total_g)} > {format_kg(carton.max_weight_g)}")
    if reasons:
        return False, "; ".join(reasons)

    need = sum(math.prod(u.padded_dims(padding_mm)) for u in units)
    if need > carton.inner_volume_mm3:
        return False, (
            f"too small: items need {need / 1e6:.1f} L, carton holds "
            f"{carton.inner_volume_mm3 / 1e6:.1f} L"
        )
    result, placement = _try_pack(units, carton, padding_mm, search_limit)
    if placement is None:
        if result.outcome is _Outcome.INFEASIBLE:
            return False, f"too small: {result.reason}"
        return False, f"does not fit: {result.reason}"
    parcel = _make_parcel(placement, fill_weight_g_per_litre)
    return True, (
        f"fits: {_plural(len(units), 'item')}, {parcel.fill_percent} % full, "
        f"{format_kg(parcel.total_weight_g)}"
    )


def _make_parcel(placement: Placement, fill_weight_g_per_litre: float) -> Parcel:
    units = tuple(p.item for p in placement.items)
    items_g, void_g, total_g = parcel_weights(units, placement.carton, fill_weight_g_per_litre)
    fill = sum(u.volume_mm3 for u in units) / placement.carton.inner_volume_mm3
    return Parcel(placement.carton, units, placement, fill, items_g, void_g, total_g)


def _single_explanation(parcel: Parcel) -> str:
    return (
        f"{parcel.carton.name}: {_plural(len(parcel.items), 'item')}, {parcel.fill_percent} % full"
    )


def _describe_unfit(
    unit: Item, cartons: Sequence[Carton], padding_mm: int, fill_weight_g_per_litre: float
) -> str | None:
    """Why ``unit`` fits no carton on its own, or ``None`` if some carton takes it."""
    padded = unit.padded_dims(padding_mm)
    roomy = [c for c in cartons if _fits_alone(padded, c.inner_dims_mm)]
    pad_note = f", fragile +{padding_mm} mm" if unit.padding_for(padding_mm) else ""
    if not roomy:
        return f"Item {unit.sku} ({_fmt_dims(unit.dims_mm)} mm{pad_note}) fits no carton"
    if all(parcel_weights([unit], c, fill_weight_g_per_litre)[2] > c.max_weight_g for c in roomy):
        return (
            f"Item {unit.sku} ({format_kg(unit.weight_g)}) is too heavy for every carton it fits in"
        )
    return None


@dataclass(slots=True)
class _OpenParcel:
    carton: Carton
    units: list[Item]
    boxes: list[Box]


def _ffd(
    units: Sequence[Item],
    preferred: Carton,
    by_size_desc: Sequence[Carton],
    padding_mm: int,
    fill_weight_g_per_litre: float,
) -> list[_OpenParcel]:
    """First-fit decreasing: each unit goes into the first open parcel that still takes it
    (extreme-point insertion, falling back to a small repack); otherwise a new parcel opens in
    ``preferred``, or in the largest carton taking the unit alone if ``preferred`` does not.
    """
    ordered = sorted(
        units,
        key=lambda u: (-math.prod(u.padded_dims(padding_mm)), -max(u.dims_mm), u.sku),
    )
    parcels: list[_OpenParcel] = []
    for unit in ordered:
        size = unit.padded_dims(padding_mm)
        for parcel in parcels:
            candidate = [*parcel.units, unit]
            weight = parcel_weights(candidate, parcel.carton, fill_weight_g_per_litre)[2]
            if weight > parcel.carton.max_weight_g:
                continue
            box = _place_one(size, parcel.boxes, parcel.carton.inner_dims_mm, None)
            if box is not None:
                parcel.units.append(unit)
                parcel.boxes.append(box)
                break
            if len(candidate) <= REPACK_MAX_ITEMS:
                result = _pack(
                    [u.padded_dims(padding_mm) for u in candidate],
                    parcel.carton.inner_dims_mm,
                    SPLIT_REPACK_SEARCH_LIMIT,
                )
                if result.boxes is not None:
                    parcel.units, parcel.boxes = candidate, result.boxes
                    break
        else:
            for carton in (preferred, *by_size_desc):
                if (
                    _fits_alone(size, carton.inner_dims_mm)
                    and parcel_weights([unit], carton, fill_weight_g_per_litre)[2]
                    <= carton.max_weight_g
                ):
                    x, y, z = next(
                        o
                        for o in _orientations(size)
                        if all(o[k] <= carton.inner_dims_mm[k] for k in range(3))
                    )
                    parcels.append(_OpenParcel(carton, [unit], [(0, 0, 0, x, y, z)]))
                    break
            else:  # callers filter out units that fit no carton
                raise AssertionError(f"unit {unit.sku} fits no carton")
    return parcels


def suggest_cartons(
    items: Iterable[Item | ItemLine],
    cartons: Iterable[Carton],
    padding_mm: int = DEFAULT_PADDING_MM,
    fill_weight_g_per_litre: float = DEFAULT_FILL_G_PER_LITRE,
    *,
    search_limit: int = DEFAULT_SEARCH_LIMIT,
) -> Suggestion:
    """Suggest the smallest single carton holding every unit, else the fewest parcels.

    Single carton: cartons are tried smallest first (``Carton.size_key``); the first one with a
    verified placement within its weight limit wins.

    Split (only when no single carton fits): first-fit decreasing by padded volume, opening new
    parcels in one "working" carton type; every carton type is tried as the working type and the
    result with the fewest parcels (then least total carton volume) kept. Each parcel is then
    shrunk to the smallest carton that still fits it. Greedy, so the parcel count is not
    guaranteed minimal.

    If any unit fits no carton on its own, nothing is suggested and ``unpackable`` lists them.
    """
    _validate_params(padding_mm, fill_weight_g_per_litre)
    units = expand_items(items)
    ordered = sort_cartons(cartons)
    if not units:
        return Suggestion((), "Nothing to pack")
    if not ordered:
        return Suggestion((), "No cartons configured", tuple(units))

    reasons: list[str] = []
    unpackable: list[Item] = []
    for unit in dict.fromkeys(units):  # one message per distinct unit, in order
        reason = _describe_unfit(unit, ordered, padding_mm, fill_weight_g_per_litre)
        if reason is not None:
            reasons.append(reason)
            unpackable.extend(u for u in units if u == unit)
    if reasons:
        return Suggestion((), "; ".join(reasons), tuple(unpackable))

    for carton in ordered:
        placement = fits(
            units,
            carton,
            padding_mm=padding_mm,
            fill_weight_g_per_litre=fill_weight_g_per_litre,
            search_limit=search_limit,
        )
        if placement is not None:
            parcel = _make_parcel(placement, fill_weight_g_per_litre)
            return Suggestion((parcel,), _single_explanation(parcel))

    largest_first = ordered[::-1]
    best: list[_OpenParcel] | None = None
    for preferred in largest_first:
        attempt = _ffd(units, preferred, largest_first, padding_mm, fill_weight_g_per_litre)
        score = (len(attempt), sum(p.carton.inner_volume_mm3 for p in attempt))
        if best is None or score < (len(best), sum(p.carton.inner_volume_mm3 for p in best)):
            best = attempt
    assert best is not None

    parcels: list[Parcel] = []
    for open_parcel in best:
        placement = None
        for carton in ordered:
            if carton.size_key >= open_parcel.carton.size_key:
                break
            placement = fits(
                open_parcel.units,
                carton,
                padding_mm=padding_mm,
                fill_weight_g_per_litre=fill_weight_g_per_litre,
                search_limit=search_limit,
            )
            if placement is not None:
                break
        if placement is None:  # keep the working carton and the layout FFD built in it
            placement = _placement_from_boxes(
                open_parcel.units, open_parcel.carton, open_parcel.boxes, padding_mm
            )
        parcels.append(_make_parcel(placement, fill_weight_g_per_litre))
    if len(parcels) == 1:
        # The packing heuristics of the split found a layout the single-carton search missed.
        return Suggestion(tuple(parcels), _single_explanation(parcels[0]))
    parcels.sort(key=lambda p: (p.carton.size_key, len(p.items)), reverse=True)
    parts = " + ".join(
        f"{p.carton.name} ({_plural(len(p.items), 'item')}, {p.fill_percent} % full)"
        for p in parcels
    )
    return Suggestion(tuple(parcels), f"Split into {len(parcels)} parcels: {parts}")
