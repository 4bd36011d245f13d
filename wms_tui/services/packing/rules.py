"""The packing rules, pure: what an order at the bench still needs, read from a snapshot.

Everything here is a function of a :class:`PackSnapshot` (rows already loaded:
the order, its lines, products, parcels and scans, the cartons, the house rules)
and returns plain values. No store, no unit of work, no settings read: a rule
is tested by building a snapshot in memory (``tests/services/packing/
test_rules.py``), and :class:`~wms_tui.services.packing.state.PackContext`
is only the loader that fills a snapshot inside a transaction and keeps it in
step with the rows a service adds.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from wms_tui.domain.enums import PackScanKind, ParcelStatus
from wms_tui.domain.models import CartonType, Order, OrderLine, PackScan, Parcel, Product
from wms_tui.domain.planning import cartonization as cz
from wms_tui.domain.planning import weighing
from wms_tui.domain.text import plural
from wms_tui.services.packing.cartons import (
    MAX_PLAN_UNITS,
    check_fit,
    expected_weight,
    rough_suggestion,
    suggest,
    suggestion_text,
    to_carton,
    to_item,
    units_of,
)
from wms_tui.services.packing.inserts import Insert
from wms_tui.services.packing.view import (
    Blocker,
    InsertView,
    LineView,
    PackView,
    ParcelView,
    Said,
)
from wms_tui.services.packing.view import BlockerKind as K


def parcel_tag(parcel_id: int | None) -> str:
    """How a weight exception names its parcel (``WmsException.location``)."""
    return f"parcel:{parcel_id}"


@dataclass
class PackSnapshot:
    """One order's packing state as loaded rows; the rules below read only this.

    ``weight_overridden`` holds the tags (:func:`parcel_tag`) of parcels whose
    newest weight exception a supervisor resolved; ``cartons`` are the active
    cartons, smallest first, plus any inactive one a parcel was given.
    """

    order: Order
    lines: list[OrderLine]
    products: dict[int, Product]
    parcels: list[Parcel]
    scans: list[PackScan]
    weight_rules: weighing.WeightRules
    padding_mm: int
    cartons: list[CartonType] = field(default_factory=list)
    weight_overridden: frozenset[str] = frozenset()
    inserts: Sequence[Insert] = ()
    confirmed_inserts: frozenset[str] = frozenset()
    carrier: str = ""

    @property
    def open_parcels(self) -> list[Parcel]:
        return [p for p in self.parcels if p.status == ParcelStatus.OPEN]


# --------------------------------------------------------------------------- units


def live_scans(scans: Iterable[PackScan]) -> list[list]:
    """Positive scans still standing, oldest first: ``[scan, units left in it]``.

    Replays the rows: an undo takes back the newest standing scan, a unit
    removed at quality check leaves the newest standing scan of its line.
    """
    stack: list[list] = []
    for sc in scans:
        if sc.qty > 0:
            stack.append([sc, sc.qty])
        elif sc.kind == PackScanKind.UNDO:
            while stack and stack[-1][1] <= 0:
                stack.pop()
            if stack:
                stack.pop()
        else:
            left = -sc.qty
            for entry in reversed(stack):
                if left == 0:
                    break
                if entry[0].order_line_id == sc.order_line_id and entry[1] > 0:
                    take = min(left, entry[1])
                    entry[1] -= take
                    left -= take
    return [e for e in stack if e[1] > 0]


def units_in(scans: Iterable[PackScan], parcel_id: int | None) -> dict[int, int]:
    """Units per order line id in the parcel."""
    out: dict[int, int] = defaultdict(int)
    for sc in scans:
        if sc.parcel_id == parcel_id:
            out[sc.order_line_id] += sc.qty
    return {k: v for k, v in out.items() if v}


def products_in(snap: PackSnapshot, parcel: Parcel) -> list[tuple[Product, int]]:
    by_id = {ln.id: ln for ln in snap.lines}
    return [
        (snap.products[by_id[lid].product_id], n)
        for lid, n in units_in(snap.scans, parcel.id).items()
        if n > 0
    ]


def missing_units(lines: Iterable[OrderLine]) -> list[str]:
    return [f"{ln.sku} {ln.qty_packed} of {ln.need}" for ln in lines if ln.qty_packed < ln.need]


# --------------------------------------------------------------------------- cartons


def item_lines(
    lines: Iterable[OrderLine], products: dict[int, Product]
) -> tuple[tuple[cz.ItemLine, ...], list[str]]:
    """The order's units still needed, for cartonization, and SKUs whose size is unknown."""
    per_product: dict[int, int] = defaultdict(int)
    for ln in lines:
        per_product[ln.product_id] += max(0, ln.need)
    out: list[cz.ItemLine] = []
    unknown: list[str] = []
    for pid, n in per_product.items():
        if n <= 0:
            continue
        item = to_item(products[pid])
        if item is None:
            unknown.append(products[pid].sku)
        else:
            out.append(cz.ItemLine(item, n))
    return tuple(sorted(out, key=lambda x: x.item.sku)), unknown


def suggestion(snap: PackSnapshot) -> cz.Suggestion | None:
    """The carton plan for the whole order (None: nothing sized to plan, or no cartons)."""
    lines, _ = item_lines(snap.lines, snap.products)
    cartons = tuple(to_carton(c) for c in snap.cartons if c.active)
    if not lines or not cartons:
        return None
    if units_of(lines) > MAX_PLAN_UNITS:
        return rough_suggestion(lines, cartons, snap.padding_mm)
    return suggest(lines, cartons, snap.padding_mm)


def carton_by_code(cartons: Iterable[CartonType], code: str) -> CartonType | None:
    code = code.strip().upper()
    for c in cartons:
        if c.active and c.code.upper() == code:
            return c
    return None


def parcel_item_lines(snap: PackSnapshot, parcel: Parcel) -> tuple[cz.ItemLine, ...]:
    items = [
        cz.ItemLine(it, n) for p, n in products_in(snap, parcel) if (it := to_item(p)) is not None
    ]
    return tuple(sorted(items, key=lambda x: x.item.sku))


def _plan_index(snap: PackSnapshot, parcel: Parcel) -> int:
    return [p.id for p in snap.open_parcels].index(parcel.id)


def planned_units(
    snap: PackSnapshot, parcel: Parcel, sug: cz.Suggestion | None
) -> Counter[str] | None:
    """Units per SKU the suggestion's layout puts in this parcel (None: no plan for it)."""
    index = _plan_index(snap, parcel)
    if sug is None or not sug.ok or index >= len(sug.parcels):
        return None
    return Counter(it.sku for it in sug.parcels[index].items)


def suggested_carton(
    snap: PackSnapshot, parcel: Parcel, sug: cz.Suggestion | None
) -> CartonType | None:
    """The carton the suggestion puts this parcel in (None: no advice)."""
    index = _plan_index(snap, parcel)
    if sug is not None and sug.ok and index < len(sug.parcels):
        return carton_by_code(snap.cartons, sug.parcels[index].carton.code)
    # A parcel the plan did not foresee: the smallest carton for what is in it.
    items = parcel_item_lines(snap, parcel)
    if not items or units_of(items) > MAX_PLAN_UNITS:
        return None
    cartons = tuple(to_carton(c) for c in snap.cartons if c.active)
    alone = suggest(items, cartons, snap.padding_mm)
    if alone.ok and len(alone.parcels) == 1:
        return carton_by_code(snap.cartons, alone.parcels[0].carton.code)
    return None


def carton_for(
    snap: PackSnapshot, parcel: Parcel, sug: cz.Suggestion | None
) -> tuple[CartonType | None, bool]:
    """(carton, chosen by the packer?)."""
    if parcel.carton_type_id is not None:
        for c in snap.cartons:
            if c.id == parcel.carton_type_id:
                return c, True
        return None, True
    return suggested_carton(snap, parcel, sug), False


def fit_problem(snap: PackSnapshot, parcel: Parcel, sug: cz.Suggestion | None) -> str:
    """Why the suggested carton cannot hold what the packer put in this parcel."""
    carton, chosen = carton_for(snap, parcel, sug)
    items = parcel_item_lines(snap, parcel)
    if carton is None or chosen or not items:
        return ""
    planned = planned_units(snap, parcel, sug)
    have = Counter({x.item.sku: x.qty for x in items})
    if planned is not None and not have - planned:
        # Part of a verified layout: whatever subset of it is in the box fits.
        return ""
    ok, reason = check_fit(items, to_carton(carton), snap.padding_mm)
    # "does not fit: search limit" is not a proof; only proven misfits block.
    if ok or not reason.startswith(("too small", "too heavy")):
        return ""
    return f"{carton.name} {reason}"


def expected_for(snap: PackSnapshot, parcel: Parcel, sug: cz.Suggestion | None) -> int:
    carton, _ = carton_for(snap, parcel, sug)
    return expected_weight(products_in(snap, parcel), to_carton(carton) if carton else None)


# --------------------------------------------------------------------------- weight


def weight_state(
    parcel: Parcel, expected: int, rules: weighing.WeightRules, overridden: bool
) -> str:
    """none | stale | ok | override | mismatch."""
    if parcel.weight_g is None:
        return "none"
    if parcel.expected_weight_g != expected:
        return "stale"
    if weighing.within_tolerance(parcel.weight_g, expected, rules):
        return "ok"
    return "override" if overridden else "mismatch"


# --------------------------------------------------------------------------- blockers


_WEIGHT_ADVICE = {
    "none": "weigh the parcel",
    "stale": "weigh again (contents or carton changed)",
    "mismatch": "weight outside tolerance: re-weigh or supervisor (F11)",
}


def blockers(
    lines: Sequence[LineView],
    parcels: Sequence[ParcelView],
    insert_views: Sequence[InsertView],
) -> list[Blocker]:
    """Everything that stops the order being closed, one entry per rule broken."""
    out: list[Blocker] = []
    left = sum(ln.left for ln in lines)
    if sum(max(0, ln.need) for ln in lines) == 0:
        out.append(Blocker(K.NOTHING_TO_PACK, "Nothing to pack: every line is short"))
    elif left:
        out.append(Blocker(K.UNITS_TO_SCAN, f"{plural(left, 'unit')} still to scan"))
    many = len(parcels) > 1
    for p in parcels:
        prefix = f"Parcel {p.seq}: " if many else ""

        def say(kind: K, text: str, prefix: str = prefix, seq: int = p.seq) -> None:
            text = prefix + text if prefix else text[0].upper() + text[1:]
            out.append(Blocker(kind, text, seq))

        if p.units <= 0:
            if many:  # a lone empty parcel is already "units still to scan"
                say(K.EMPTY_PARCEL, "empty (undo removes it)")
            continue
        if not p.carton_code:
            say(K.NO_CARTON, "choose a carton (F5)")
        elif p.fit_problem:
            say(K.DOES_NOT_FIT, f"{p.fit_problem}: start a new parcel (F8) or choose a carton (F5)")
        if not p.weight_ok:
            say(K.WEIGHT, _WEIGHT_ADVICE[p.weight_state])
    todo = [i for i in insert_views if not i.done]
    if todo:
        out.append(Blocker(K.INSERTS, f"{plural(len(todo), 'insert')} to confirm"))
    return out


# --------------------------------------------------------------------------- view


def carrier_text(carrier: str | None, service: str | None, shipping_method: str) -> str:
    if not carrier:
        return shipping_method or "no carrier"
    if not service:
        return carrier
    # Service names often repeat the carrier ("DHL Express Worldwide").
    return service if service.lower().startswith(carrier.lower()) else f"{carrier} {service}"


def parcel_views(snap: PackSnapshot, sug: cz.Suggestion | None) -> list[ParcelView]:
    by_id = {ln.id: ln for ln in snap.lines}
    out: list[ParcelView] = []
    for p in snap.open_parcels:
        carton, chosen = carton_for(snap, p, sug)
        expected = expected_for(snap, p, sug)
        units = units_in(snap.scans, p.id)
        contents = ", ".join(f"{n}× {by_id[lid].sku}" for lid, n in units.items() if n > 0)
        out.append(
            ParcelView(
                parcel_id=p.id,  # type: ignore[arg-type]
                seq=len(out) + 1,
                units=sum(units.values()),
                contents=contents,
                carton_code=carton.code if carton else "",
                carton_name=carton.name if carton else "",
                carton_chosen=chosen,
                weight_g=p.weight_g,
                expected_g=expected,
                tolerance_g=snap.weight_rules.tolerance_g(expected),
                weight_state=weight_state(
                    p, expected, snap.weight_rules, parcel_tag(p.id) in snap.weight_overridden
                ),
                fit_problem=fit_problem(snap, p, sug),
            )
        )
    return out


def build_view(
    snap: PackSnapshot,
    sug: cz.Suggestion | None,
    said: Said,
    focus_line: int | None = None,
) -> PackView:
    """The frozen view a screen renders, from the snapshot and its carton plan."""
    o = snap.order
    lines = tuple(
        LineView(
            line_id=ln.id,  # type: ignore[arg-type]
            line_no=ln.line_no,
            sku=ln.sku,
            name=ln.name or snap.products[ln.product_id].name,
            options=ln.options,
            quantity=ln.quantity,
            packed=ln.qty_packed,
            short=ln.qty_short,
            short_reason=ln.short_reason,
        )
        for ln in snap.lines
    )
    parcels = parcel_views(snap, sug)
    insert_views = tuple(
        InsertView(n, i.key, i.label, i.key in snap.confirmed_inserts)
        for n, i in enumerate(snap.inserts, start=1)
    )
    _, unknown = item_lines(snap.lines, snap.products)
    suggestion_line, plan = suggestion_text(sug, unknown)
    return PackView(
        order_id=o.id,  # type: ignore[arg-type]
        order_name=o.name,
        status=str(o.status),
        customer=o.ship_name or o.customer_name,
        ship_to=", ".join(
            x for x in (o.ship_address1, f"{o.ship_zip} {o.ship_city}".strip(), o.ship_country) if x
        ),
        carrier=snap.carrier,
        notes=o.notes,
        gift_message=o.gift_message,
        tags=tuple(sorted(o.tag_set)),
        lines=lines,
        parcels=tuple(parcels),
        current_seq=len(parcels),
        suggestion=suggestion_line,
        suggestion_plan=plan,
        inserts=insert_views,
        blockers=tuple(blockers(lines, parcels, insert_views)),
        locked_terminal=o.locked_terminal,
        message=said.text,
        tone=said.tone,
        focus_line=focus_line,
    )
