"""Tests for the pack-station carton suggestion (wms_tui.domain.planning.cartonization).

The "smallest carton" claim is checked against an independent exact oracle: on a coarse grid
(every side a multiple of 50 mm) any packing can be pushed towards the origin until every
coordinate is a sum of sides, i.e. on the grid, so an exhaustive cell-by-cell search over
grid positions decides feasibility exactly. The oracle itself is cross-checked against plain
brute force (every orientation x every grid position) on tiny instances.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from functools import cache
from itertools import permutations

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from wms_tui.domain.planning.cartonization import (
    Carton,
    Item,
    ItemLine,
    Parcel,
    PlacedItem,
    Placement,
    Suggestion,
    check_carton,
    expand_items,
    fits,
    format_kg,
    sort_cartons,
    suggest_cartons,
    verify_placement,
)

GRID = 50
FILL = 4.0  # g per litre of void, passed explicitly so the oracle's weight maths is our own
Dims = tuple[int, int, int]


def _property(max_examples: int) -> settings:
    return settings(
        max_examples=max_examples,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


# --------------------------------------------------------------------------- oracle


def _grid_pack_exists(sizes: Sequence[Dims], container: Dims) -> bool:
    """Exact feasibility of packing integer boxes (any rotation) into an integer container.

    Scans cells in (z, y, x) order; the first undecided cell is either left empty or is the
    min corner of some remaining box (any box covering it has its min corner at or before it,
    and everything before it is decided). Occupancy is a bitmask; states are memoised.
    """
    nx, ny, nz = container
    ncells = nx * ny * nz
    counts = Counter(tuple(sorted(s)) for s in sizes)
    types = sorted(counts)
    need = [t[0] * t[1] * t[2] for t in types]
    if sum(n * counts[t] for n, t in zip(need, types, strict=True)) > ncells:
        return False
    # anchored[type][cell] = masks of that type placed with its min corner at cell
    anchored: list[list[list[int]]] = []
    for t in types:
        per_cell: list[list[int]] = [[] for _ in range(ncells)]
        for dx, dy, dz in set(permutations(t)):
            for z in range(nz - dz + 1):
                for y in range(ny - dy + 1):
                    for x in range(nx - dx + 1):
                        mask = 0
                        for k in range(z, z + dz):
                            for j in range(y, y + dy):
                                for i in range(x, x + dx):
                                    mask |= 1 << (i + nx * (j + ny * k))
                        per_cell[x + nx * (y + ny * z)].append(mask)
        anchored.append(per_cell)

    @cache
    def search(covered: int, remaining: tuple[int, ...]) -> bool:
        if not any(remaining):
            return True
        free = ncells - covered.bit_count()
        if free < sum(r * n for r, n in zip(remaining, need, strict=True)):
            return False
        cell = (~covered & (covered + 1)).bit_length() - 1
        for ti, left in enumerate(remaining):
            if left:
                nxt = remaining[:ti] + (left - 1,) + remaining[ti + 1 :]
                for mask in anchored[ti][cell]:
                    if not mask & covered and search(covered | mask, nxt):
                        return True
        return search(covered | (1 << cell), remaining)

    return search(0, tuple(counts[t] for t in types))


def _brute_force_pack_exists(sizes: Sequence[Dims], container: Dims) -> bool:
    """Every orientation at every grid position for every box - only for tiny instances."""
    boxes: list[tuple[int, ...]] = []

    def rec(k: int) -> bool:
        if k == len(sizes):
            return True
        for d in set(permutations(sizes[k])):
            for x in range(container[0] - d[0] + 1):
                for y in range(container[1] - d[1] + 1):
                    for z in range(container[2] - d[2] + 1):
                        box = (x, y, z, x + d[0], y + d[1], z + d[2])
                        if any(
                            all(box[a] < b[a + 3] and b[a] < box[a + 3] for a in range(3))
                            for b in boxes
                        ):
                            continue
                        boxes.append(box)
                        if rec(k + 1):
                            return True
                        boxes.pop()
        return False

    return rec(0)


def _expected_weight(units: Sequence[Item], carton: Carton) -> int:
    void = carton.inner_volume_mm3 - sum(u.length_mm * u.width_mm * u.height_mm for u in units)
    fill = -(-max(0, void) * int(FILL) // 1_000_000)  # FILL is integral: exact ceil
    return sum(u.weight_g for u in units) + carton.own_weight_g + fill


def _oracle_fits(units: Sequence[Item], carton: Carton, padding_mm: int) -> bool:
    if _expected_weight(units, carton) > carton.max_weight_g:
        return False
    pad = padding_mm // GRID
    sizes = [
        tuple(d // GRID + (pad if u.fragile else 0) for d in (u.length_mm, u.width_mm, u.height_mm))
        for u in units
    ]
    cells = tuple(d // GRID for d in carton.inner_dims_mm)
    return _grid_pack_exists(sizes, cells)  # type: ignore[arg-type]


def _smaller_first(cartons: Sequence[Carton]) -> list[Carton]:
    # Spelled out again on purpose: the spec, not the implementation, defines "smaller".
    def key(c: Carton) -> tuple[int, int, str]:
        d = (c.inner_length_mm, c.inner_width_mm, c.inner_height_mm)
        return (d[0] * d[1] * d[2], max(d), c.code)

    return sorted(cartons, key=key)


def _assert_parcel_sound(parcel: Parcel, padding_mm: int) -> None:
    assert verify_placement(parcel.placement, parcel.items, padding_mm=padding_mm) == []
    assert parcel.placement.carton == parcel.carton
    assert parcel.total_weight_g == _expected_weight(parcel.items, parcel.carton)
    assert parcel.total_weight_g <= parcel.carton.max_weight_g
    raw = sum(u.length_mm * u.width_mm * u.height_mm for u in parcel.items)
    assert parcel.fill_ratio == pytest.approx(raw / parcel.carton.inner_volume_mm3)
    assert 0 < parcel.fill_ratio <= 1


# --------------------------------------------------------------------------- strategies


def _grid_items(max_cells: int) -> st.SearchStrategy[Item]:
    side = st.integers(1, max_cells).map(lambda k: k * GRID)
    return st.builds(
        Item,
        sku=st.sampled_from(["A", "B", "C", "D"]),
        length_mm=side,
        width_mm=side,
        height_mm=side,
        weight_g=st.integers(0, 4000),
        fragile=st.booleans(),
    )


@st.composite
def _grid_cartons(draw: st.DrawFn, max_cells: int = 6) -> list[Carton]:
    n = draw(st.integers(1, 4))
    side = st.integers(2, max_cells).map(lambda k: k * GRID)
    return [
        Carton(
            code=f"C{i}",
            name=f"Box {i}",
            inner_length_mm=draw(side),
            inner_width_mm=draw(side),
            inner_height_mm=draw(side),
            max_weight_g=draw(st.integers(1500, 16000)),
            own_weight_g=draw(st.integers(0, 400)),
        )
        for i in range(n)
    ]


@st.composite
def _orders(draw: st.DrawFn) -> list[Item | ItemLine]:
    lines: list[Item | ItemLine] = []
    for n in range(draw(st.integers(1, 4))):
        item = Item(
            sku=f"SKU-{n}",
            length_mm=draw(st.integers(10, 350)),
            width_mm=draw(st.integers(10, 300)),
            height_mm=draw(st.integers(5, 250)),
            weight_g=draw(st.integers(1, 5000)),
            fragile=draw(st.booleans()),
        )
        qty = draw(st.integers(1, 3))
        lines.append(item if qty == 1 else ItemLine(item, qty))
    return lines


STATION_CARTONS = [
    Carton("XS", "XS box", 160, 110, 60, 3000, 60),
    Carton("S", "S box", 250, 180, 100, 5000, 120),
    Carton("M", "M box", 350, 250, 150, 10000, 220),
    Carton("L", "L box", 450, 350, 250, 15000, 380),
    Carton("TUBE", "Tube", 600, 100, 100, 4000, 150),
]


# --------------------------------------------------------------------------- oracle sanity


@_property(60)
@given(
    sizes=st.lists(st.tuples(*[st.integers(1, 3)] * 3), min_size=1, max_size=3),
    container=st.tuples(*[st.integers(1, 4)] * 3),
)
def test_oracle_agrees_with_brute_force(sizes: list[Dims], container: Dims) -> None:
    assert _grid_pack_exists(sizes, container) == _brute_force_pack_exists(sizes, container)


def test_oracle_knows_classic_cases() -> None:
    assert _grid_pack_exists([(2, 2, 2)] * 8, (4, 4, 4))
    assert not _grid_pack_exists([(3, 3, 3)] * 2, (5, 5, 5))  # volume ok, geometry not
    assert _grid_pack_exists([(1, 2, 3), (3, 2, 1)], (2, 2, 3))


# --------------------------------------------------------------------------- exactness


@_property(400)
@given(units=st.lists(_grid_items(3), min_size=1, max_size=4), cartons=_grid_cartons())
def test_suggestion_matches_exact_oracle(units: list[Item], cartons: list[Carton]) -> None:
    padding = GRID  # keeps padded fragile units on the grid
    s = suggest_cartons(units, cartons, padding_mm=padding, fill_weight_g_per_litre=FILL)
    fitting = [c for c in _smaller_first(cartons) if _oracle_fits(units, c, padding)]

    # fits() itself is exact for small counts: it agrees with the oracle on every carton.
    for carton in cartons:
        placement = fits(units, carton, padding_mm=padding, fill_weight_g_per_litre=FILL)
        assert (placement is not None) == (carton in fitting), carton
        if placement is not None:
            assert verify_placement(placement, units, padding_mm=padding) == []

    for carton in cartons:
        need = sum(math.prod(u.padded_dims(padding)) for u in units)
        if need <= carton.inner_volume_mm3 and carton not in fitting:
            event("a carton with room by volume still does not fit")
    if not all(any(_oracle_fits([u], c, padding) for c in cartons) for u in units):
        event("unpackable")
        assert s.parcels == () and s.unpackable and not s.ok
        assert "fits no carton" in s.explanation or "too heavy" in s.explanation
        return
    assert s.ok and not s.unpackable
    if fitting:
        event(
            "single parcel"
            if fitting[0] == _smaller_first(cartons)[0]
            else "single parcel, smaller cartons rejected"
        )
        # the smallest carton that can hold everything, and nothing smaller
        assert len(s.parcels) == 1
        assert s.parcels[0].carton == fitting[0]
        assert s.explanation.startswith(f"{fitting[0].name}: ")
    else:
        event("split")
        # split only when no single carton fits
        assert len(s.parcels) >= 2
        assert s.explanation.startswith(f"Split into {len(s.parcels)} parcels: ")
        for parcel in s.parcels:  # each parcel got shrunk to its own smallest carton
            smallest = next(
                c for c in _smaller_first(cartons) if _oracle_fits(parcel.items, c, padding)
            )
            assert parcel.carton == smallest
    for parcel in s.parcels:
        _assert_parcel_sound(parcel, padding)
    assert Counter(u for p in s.parcels for u in p.items) == Counter(units)


@_property(120)
@given(order=_orders())
def test_suggestion_is_always_packable(order: list[Item | ItemLine]) -> None:
    units = expand_items(order)
    s = suggest_cartons(order, STATION_CARTONS, fill_weight_g_per_litre=FILL)
    if not s.parcels:
        assert s.unpackable
        assert re.fullmatch(
            r"(Item .+ (fits no carton|too heavy for every carton it fits in))"
            r"(; Item .+)*",
            s.explanation,
        )
        return
    for parcel in s.parcels:
        _assert_parcel_sound(parcel, padding_mm=20)
    assert Counter(u for p in s.parcels for u in p.items) == Counter(units)
    if len(s.parcels) == 1:
        parcel = s.parcels[0]
        assert re.fullmatch(
            rf"{re.escape(parcel.carton.name)}: \d+ items?, \d+ % full", s.explanation
        )
        # no carton smaller than the suggested one is accepted by the fit check
        for carton in STATION_CARTONS:
            if carton.size_key < parcel.carton.size_key:
                assert fits(units, carton, fill_weight_g_per_litre=FILL) is None
    else:
        assert re.fullmatch(
            r"Split into \d+ parcels: .+ \(\d+ items?, \d+ % full\)"
            r"( \+ .+ \(\d+ items?, \d+ % full\))+",
            s.explanation,
        )
        for carton in STATION_CARTONS:
            assert fits(units, carton, fill_weight_g_per_litre=FILL) is None


# --------------------------------------------------------------------------- fit details


def test_fragile_items_get_padding() -> None:
    vase = Item("VASE", 100, 100, 100, 500, fragile=True)
    snug = Carton("C120", "120 cube", 120, 120, 120, 5000)
    tight = Carton("C119", "119 box", 119, 120, 120, 5000)
    bare = Carton("C100", "100 cube", 100, 100, 100, 5000)

    placement = fits([vase], snug)
    assert placement is not None
    assert placement.items[0].padding_mm == 20
    assert placement.items[0].size_mm == (120, 120, 120)
    assert fits([vase], tight) is None
    assert fits([vase], bare) is None
    assert fits([vase], bare, padding_mm=0) is not None
    assert fits([Item("BOOK", 100, 100, 100, 500)], bare) is not None  # not fragile: no pad
    assert fits([vase], snug, padding_mm=30) is None

    s = suggest_cartons([vase], [bare, tight, snug])
    assert s.parcels[0].carton == snug
    # padding is void: the fill ratio counts the item itself only
    assert s.parcels[0].fill_ratio == pytest.approx(1_000_000 / 120**3)


def test_rotation_is_used_when_needed() -> None:
    rod = Item("ROD", 300, 50, 40, 200)
    tube = Carton("T", "Tube", 60, 60, 320, 2000)
    placement = fits([rod], tube)
    assert placement is not None
    placed = placement.items[0]
    assert placed.size_mm[2] == 300  # standing up
    assert placed.orientation[2] == 0  # item length along the carton height
    assert placed.orientation_label.endswith("L")
    assert verify_placement(placement, [rod]) == []


def test_mixed_orientations_fill_box_exactly() -> None:
    # 2x2x2 grid of half-cubes rotated every which way fills the box exactly
    parts = [
        Item(f"P{i}", *dims, 100)
        for i, dims in enumerate(
            [(100, 100, 50), (50, 100, 100), (100, 50, 100), (100, 100, 50)] * 4
        )
    ]
    box = Carton("CUBE", "Cube", 200, 200, 200, 10000)
    placement = fits(parts, box)
    assert placement is not None
    assert verify_placement(placement, parts) == []


def test_many_units_use_the_heuristic_and_fill_the_box() -> None:
    dice = ItemLine(Item("DIE", 100, 100, 100, 50), 24)
    cartons = [
        Carton("B", "B box", 400, 300, 200, 5000, 100),
        Carton("C", "C box", 400, 400, 200, 5000, 100),
    ]
    s = suggest_cartons([dice], cartons, fill_weight_g_per_litre=0)
    assert s.explanation == "B box: 24 items, 100 % full"
    assert verify_placement(s.parcels[0].placement, [dice]) == []


def test_weight_limit_moves_to_stronger_carton() -> None:
    anvil = Item("ANVIL", 100, 100, 100, 4900)
    weak = Carton("W", "Weak box", 150, 150, 150, 5000, 200)
    strong = Carton("ST", "Strong box", 200, 200, 200, 20000, 400)
    assert fits([anvil], weak, fill_weight_g_per_litre=0) is None
    s = suggest_cartons([anvil], [weak, strong], fill_weight_g_per_litre=0)
    assert s.parcels[0].carton == strong
    assert s.parcels[0].total_weight_g == 5300
    # void fill is part of the gross weight
    light = Item("FEATHER", 100, 100, 100, 4700)
    assert fits([light], weak, fill_weight_g_per_litre=0) is not None
    void_litres = (150**3 - 100**3) / 1e6
    assert fits([light], weak, fill_weight_g_per_litre=(100 + 1) / void_litres) is None


def test_weight_forces_split_even_though_volume_fits() -> None:
    brick = ItemLine(Item("BRICK", 100, 100, 100, 6000), 2)
    box = Carton("M", "M box", 300, 300, 300, 10000, 0)
    s = suggest_cartons([brick], [box], fill_weight_g_per_litre=0)
    assert len(s.parcels) == 2
    assert s.explanation == (
        "Split into 2 parcels: M box (1 item, 4 % full) + M box (1 item, 4 % full)"
    )
    assert all(p.total_weight_g <= 10000 for p in s.parcels)


# --------------------------------------------------------------------------- explanations


def test_explanation_single_carton() -> None:
    slab = ItemLine(Item("SLAB", 100, 100, 50, 100), 3)
    cartons = [Carton("S", "S box", 100, 100, 100, 5000), Carton("M", "M box", 200, 100, 100, 5000)]
    s = suggest_cartons([slab], cartons)
    assert s.explanation == "M box: 3 items, 75 % full"
    assert s.parcels[0].fill_percent == 75
    single = suggest_cartons([Item("SLAB", 100, 100, 50, 100)], cartons)
    assert single.explanation == "S box: 1 item, 50 % full"


def test_explanation_split() -> None:
    slab = ItemLine(Item("SLAB", 100, 100, 50, 100), 9)
    cartons = [Carton("S", "S box", 100, 100, 100, 5000), Carton("L", "L box", 200, 200, 100, 5000)]
    s = suggest_cartons([slab], cartons)
    assert s.explanation == (
        "Split into 2 parcels: L box (8 items, 100 % full) + S box (1 item, 50 % full)"
    )
    assert s.is_split and s.ok
    assert [p.carton.code for p in s.parcels] == ["L", "S"]  # the lone unit was shrunk to S


def test_explanation_impossible() -> None:
    cartons = STATION_CARTONS
    s = suggest_cartons([Item("SKU-1", 900, 400, 300, 1000), Item("OK", 10, 10, 10, 1)], cartons)
    assert s.explanation == "Item SKU-1 (900×400×300 mm) fits no carton"
    assert s.parcels == () and s.unpackable == (Item("SKU-1", 900, 400, 300, 1000),)
    assert not s.ok

    glass = Item("GLASS", 440, 340, 240, 1000, fragile=True)
    s = suggest_cartons([glass], cartons)
    assert s.explanation == "Item GLASS (440×340×240 mm, fragile +20 mm) fits no carton"

    both = suggest_cartons([Item("SKU-1", 900, 400, 300, 1000), glass], cartons)
    assert both.explanation == (
        "Item SKU-1 (900×400×300 mm) fits no carton; "
        "Item GLASS (440×340×240 mm, fragile +20 mm) fits no carton"
    )

    lead = Item("LEAD", 100, 100, 100, 16000)
    s = suggest_cartons([ItemLine(lead, 2)], cartons)
    assert s.explanation == "Item LEAD (16 kg) is too heavy for every carton it fits in"
    assert s.unpackable == (lead, lead)


def test_explanation_edge_cases() -> None:
    assert suggest_cartons([], STATION_CARTONS) == Suggestion((), "Nothing to pack")
    s = suggest_cartons([Item("A", 1, 1, 1, 1)], [])
    assert s.explanation == "No cartons configured" and not s.ok


# --------------------------------------------------------------------------- packer override


def test_check_carton_reasons() -> None:
    carton = Carton("K", "K box", 350, 300, 200, 10000, 400)
    assert check_carton([Item("X", 400, 100, 100, 100)], carton) == (
        False,
        "too small: item X 400 mm does not fit (inner 350×300×200 mm)",
    )
    assert check_carton([Item("F", 340, 100, 100, 100, fragile=True)], carton) == (
        False,
        "too small: item F 360 mm (incl. 20 mm padding) does not fit (inner 350×300×200 mm)",
    )
    assert check_carton([Item("H", 100, 100, 100, 12000)], carton, fill_weight_g_per_litre=0) == (
        False,
        "too heavy: 12.4 kg > 10 kg",
    )
    ok, reason = check_carton(
        [Item("X", 400, 100, 100, 100), Item("H", 100, 100, 100, 12000)], carton
    )
    assert not ok and reason.startswith("too small: item X 400 mm") and "; too heavy: " in reason

    cube = Carton("C", "Cube", 100, 100, 100, 5000)
    assert check_carton([ItemLine(Item("P", 100, 100, 60, 10), 2)], cube) == (
        False,
        "too small: items need 1.2 L, carton holds 1.0 L",
    )
    ok, reason = check_carton([ItemLine(Item("Q", 60, 60, 60, 10), 2)], cube)
    assert not ok
    assert reason == "too small: 60×60×60 mm and 60×60×60 mm units cannot sit side by side"

    ok, reason = check_carton([Item("A", 100, 100, 100, 1000)], carton, fill_weight_g_per_litre=0)
    assert ok and reason == "fits: 1 item, 5 % full, 1.4 kg"


def test_check_carton_search_outcomes() -> None:
    # The greedy rules put the big block the wrong way round; the exact search finds it.
    blocks = [Item("A", 150, 150, 200, 10), Item("B", 200, 200, 150, 10)]
    box = Carton("Z", "Z box", 250, 300, 250, 5000)
    assert check_carton(blocks, box)[0]
    assert _grid_pack_exists([(3, 3, 4), (4, 4, 3)], (5, 6, 5))
    # Out of search budget is not presented as a proof.
    assert check_carton(blocks, box, search_limit=0) == (
        False,
        "does not fit: no arrangement found within search limit",
    )
    # Passes volume, pairwise and DFF tests, but the exhausted search proves it impossible.
    slabs = [
        Item("S1", 150, 200, 100, 10),
        Item("S2", 100, 200, 100, 10),
        Item("S3", 100, 200, 100, 10),
    ]
    snug = Carton("Y", "Y box", 250, 150, 200, 5000)
    assert not _grid_pack_exists([(3, 4, 2), (2, 4, 2), (2, 4, 2)], (5, 3, 4))
    assert check_carton(slabs, snug) == (False, "too small: no arrangement exists")


def test_small_units_do_not_hide_an_impossible_layout() -> None:
    # The three big units can only stand in one layer and their footprints do not tile the
    # floor; a tiny extra unit must not turn that quick proof into an exhausted search.
    big = [Item("A", 117, 92, 114, 100), ItemLine(Item("B", 97, 181, 101, 100), 3)]
    tiny = Item("T", 22, 20, 30, 10)
    m_box = Carton("M", "M box", 350, 250, 150, 10000)
    assert check_carton(big, m_box) == (False, "too small: no arrangement exists")
    assert check_carton([*big, tiny], m_box) == (False, "too small: no arrangement exists")


def test_format_kg() -> None:
    assert format_kg(12400) == "12.4 kg"
    assert format_kg(10000) == "10 kg"
    assert format_kg(10001) == "10.001 kg"


# --------------------------------------------------------------------------- verification


def test_verify_placement_catches_bad_layouts() -> None:
    a = Item("A", 100, 100, 100, 1)
    b = Item("B", 100, 50, 50, 1, fragile=True)
    carton = Carton("C", "C", 250, 200, 200, 1000)
    good = Placement(
        carton, (PlacedItem(a, 0, 0, 0, (0, 1, 2)), PlacedItem(b, 100, 0, 0, (0, 1, 2), 20))
    )
    assert verify_placement(good, [a, b], padding_mm=20) == []

    overlap = Placement(
        carton, (PlacedItem(a, 0, 0, 0, (0, 1, 2)), PlacedItem(b, 99, 0, 0, (0, 1, 2), 20))
    )
    assert any("overlaps" in p for p in verify_placement(overlap))

    outside = Placement(carton, (PlacedItem(b, 140, 0, 0, (0, 1, 2), 20),))
    assert any("sticks out" in p for p in verify_placement(outside))
    negative = Placement(carton, (PlacedItem(a, -1, 0, 0, (0, 1, 2)),))
    assert any("sticks out" in p for p in verify_placement(negative))

    bad_rotation = Placement(carton, (PlacedItem(a, 0, 0, 0, (0, 0, 2)),))
    assert any("not a rotation" in p for p in verify_placement(bad_rotation))

    assert any("missing" in p for p in verify_placement(good, [a, b, b]))
    assert any("padding" in p for p in verify_placement(good, padding_mm=30))
    unpadded = Placement(carton, (PlacedItem(b, 0, 0, 0, (0, 1, 2)),))
    assert any("padding" in p for p in verify_placement(unpadded, padding_mm=20))

    # touching faces are not an overlap
    touching = Placement(
        carton, (PlacedItem(a, 0, 0, 0, (0, 1, 2)), PlacedItem(a, 100, 100, 100, (2, 1, 0)))
    )
    assert verify_placement(touching) == []


# --------------------------------------------------------------------------- model


def test_model_helpers_and_validation() -> None:
    cup = Item("CUP", 80, 80, 100, 250, fragile=True)
    assert expand_items([ItemLine(cup, 3), Item("X", 1, 1, 1, 1)]) == [cup] * 3 + [
        Item("X", 1, 1, 1, 1)
    ]
    assert expand_items([ItemLine(cup, 0)]) == []
    assert cup.padded_dims(20) == (100, 100, 120)
    with pytest.raises(ValueError):
        Item("BAD", 0, 1, 1, 1)
    with pytest.raises(ValueError):
        Item("BAD", 1, 1, 1, -1)
    with pytest.raises(ValueError):
        ItemLine(cup, -1)
    with pytest.raises(ValueError):
        Carton("BAD", "bad", 10, 0, 10, 100)
    with pytest.raises(ValueError):
        suggest_cartons([cup], STATION_CARTONS, padding_mm=-1)
    with pytest.raises(ValueError):
        fits([cup], STATION_CARTONS[0], fill_weight_g_per_litre=-1)


def test_carton_order_volume_then_longest_side_then_code() -> None:
    flat = Carton("B", "flat", 400, 100, 100, 1)
    cube = Carton("Z", "cube", 200, 200, 100, 1)
    twin = Carton("A", "cube twin", 200, 200, 100, 1)
    small = Carton("Y", "small", 100, 100, 100, 1)
    assert sort_cartons([flat, cube, twin, small]) == [small, twin, cube, flat]


def test_suggestion_is_deterministic() -> None:
    order = [ItemLine(Item("A", 120, 80, 60, 300), 3), Item("B", 200, 150, 40, 800, True)]
    first = suggest_cartons(order, STATION_CARTONS)
    assert suggest_cartons(order, STATION_CARTONS) == first
    assert suggest_cartons(list(reversed(order)), STATION_CARTONS).explanation == (
        first.explanation
    )
