"""Cartons at the pack station: the order's units as cartonization sees them.

Wraps :mod:`cartonization` for a station that redraws on every scan: results
are cached (a 3D search can take a tenth of a second, a scan must not), and
orders of more than :data:`MAX_PLAN_UNITS` units get an estimate by volume and
weight instead of a search that would take seconds.
"""

from __future__ import annotations

import math
from functools import lru_cache

from wms_tui.domain.models import CartonType, Product
from wms_tui.domain.planning import cartonization as cz
from wms_tui.domain.text import plural

# Above this many units the 3D search can take seconds: estimate instead.
MAX_PLAN_UNITS = 40
# Share of a carton's volume real packing reaches with many mixed units.
ROUGH_FILL = 0.8


def to_carton(c: CartonType) -> cz.Carton:
    return cz.Carton(
        code=c.code,
        name=c.name,
        inner_length_mm=c.inner_length_mm,
        inner_width_mm=c.inner_width_mm,
        inner_height_mm=c.inner_height_mm,
        max_weight_g=c.max_weight_g,
        own_weight_g=c.own_weight_g,
    )


def to_item(p: Product) -> cz.Item | None:
    """The unit as cartonization sees it; None when its size is unknown."""
    if min(p.length_mm, p.width_mm, p.height_mm) <= 0:
        return None
    return cz.Item(
        sku=p.sku,
        length_mm=p.length_mm,
        width_mm=p.width_mm,
        height_mm=p.height_mm,
        weight_g=max(0, p.weight_g),
        fragile=p.fragile,
    )


@lru_cache(maxsize=512)
def suggest(
    lines: tuple[cz.ItemLine, ...], cartons: tuple[cz.Carton, ...], padding_mm: int
) -> cz.Suggestion:
    """Cached: the search can take a tenth of a second, a scan must not."""
    return cz.suggest_cartons(lines, cartons, padding_mm=padding_mm)


@lru_cache(maxsize=1024)
def check_fit(
    lines: tuple[cz.ItemLine, ...], carton: cz.Carton, padding_mm: int
) -> tuple[bool, str]:
    """Will these units go in ``carton``? Cached, and bounded for big orders.

    Up to :data:`MAX_PLAN_UNITS` units the 3D check of ``cartonization`` runs
    (with a small search budget); above, only what can be decided at once:
    each unit alone, total volume, weight.
    """
    if units_of(lines) <= MAX_PLAN_UNITS:
        return cz.check_carton(lines, carton, padding_mm=padding_mm, search_limit=100_000)
    return _rough_fit(lines, carton, padding_mm)


def units_of(lines: tuple[cz.ItemLine, ...]) -> int:
    return sum(x.qty for x in lines)


def _rough_fit(
    lines: tuple[cz.ItemLine, ...], carton: cz.Carton, padding_mm: int
) -> tuple[bool, str]:
    inner = sorted(carton.inner_dims_mm)
    for x in lines:
        size = sorted(x.item.padded_dims(padding_mm))
        if any(a > b for a, b in zip(size, inner, strict=True)):
            return False, f"too small: item {x.item.sku} does not fit in {carton.name}"
    units = cz.expand_items(lines)
    _, _, gross = cz.parcel_weights(units, carton)
    if gross > carton.max_weight_g:
        return False, f"too heavy: {cz.format_kg(gross)} > {cz.format_kg(carton.max_weight_g)}"
    need = sum(x.qty * math.prod(x.item.padded_dims(padding_mm)) for x in lines)
    if need > carton.inner_volume_mm3:
        return False, (
            f"too small: items need {need / 1e6:.1f} L, carton holds "
            f"{carton.inner_volume_mm3 / 1e6:.1f} L"
        )
    return True, f"fits by volume and weight ({plural(units_of(lines), 'unit')}, not planned in 3D)"


def rough_suggestion(
    lines: tuple[cz.ItemLine, ...], cartons: tuple[cz.Carton, ...], padding_mm: int
) -> cz.Suggestion:
    """For orders too big to plan in 3D at the station: which carton, by volume and weight.

    No layout is claimed, so no carton is picked for the packer (``parcels`` is
    empty): the explanation names the carton (or how many of the largest).
    """
    ordered = cz.sort_cartons(cartons)
    n = units_of(lines)
    for x in lines:
        if not any(_rough_fit((cz.ItemLine(x.item, 1),), c, padding_mm)[0] for c in ordered):
            return cz.Suggestion((), f"Item {x.item.sku} fits no carton", (x.item,))
    volume = sum(x.qty * math.prod(x.item.padded_dims(padding_mm)) for x in lines)
    weight = sum(x.qty * x.item.weight_g for x in lines)
    for c in ordered:
        if volume <= ROUGH_FILL * c.inner_volume_mm3 and weight + c.own_weight_g <= (
            c.max_weight_g
        ):
            return cz.Suggestion(
                (), f"{n} units, too many to plan: {c.name} by volume; choose it with F5"
            )
    big = ordered[-1]
    count = max(
        math.ceil(volume / (ROUGH_FILL * big.inner_volume_mm3)),
        math.ceil(weight / max(1, big.max_weight_g - big.own_weight_g)),
    )
    return cz.Suggestion(
        (), f"{n} units, too many to plan: about {count} × {big.name}; choose each carton (F5)"
    )


def expected_weight(units: list[tuple[Product, int]], carton: cz.Carton | None) -> int:
    """Goods + carton + estimated void fill, in grams."""
    goods = sum(max(0, p.weight_g) * n for p, n in units)
    if carton is None:
        return goods
    items = [it for p, n in units for it in [to_item(p)] * n if it is not None]
    _, void_g, _ = cz.parcel_weights(items, carton)
    return goods + carton.own_weight_g + void_g


def suggestion_text(sug: cz.Suggestion | None, unknown: list[str]) -> tuple[str, tuple[str, ...]]:
    note = f" ({', '.join(unknown)}: size unknown, check by eye)" if unknown else ""
    if sug is None:
        return ("No carton advice" + note, ())
    if not sug.ok:
        return (sug.explanation + note, ())
    plan: tuple[str, ...] = ()
    if sug.is_split:
        plan = tuple(
            f"{i}: {p.carton.name} — " + ", ".join(f"{n}× {sku}" for sku, n in count_skus(p.items))
            for i, p in enumerate(sug.parcels, start=1)
        )
    return (sug.explanation + note, plan)


def count_skus(items: tuple[cz.Item, ...]) -> list[tuple[str, int]]:
    counts: dict[str, int] = {}
    for it in items:
        counts[it.sku] = counts.get(it.sku, 0) + 1
    return list(counts.items())
