"""An order at the pack station: everything loaded once, and the view a screen renders.

:class:`PackContext` reads an order's lines, products, parcels and scans in a
handful of indexed queries (the order id is the key everywhere), so a scan
costs the same with ten orders in the store as with a million order lines.
:class:`PackView` is the plain, frozen result every pack service returns.

Where packing state lives (no extra tables):

* ``PackScan`` rows: every unit confirmed, into which parcel; an undo is a
  negative row with code ``UNDO``, a unit taken out by quality check a negative
  row with code ``QC <reason>``, a keyed count a positive row ``COUNT <n>``;
* ``OrderLine.qty_packed``: the running sum of those rows per line;
* ``Parcel`` rows in status OPEN: the boxes on the bench (carton chosen by the
  packer, keyed weight and the weight expected at that moment);
* ``WmsException`` WEIGHT_MISMATCH rows, ``location = "parcel:<id>"``: a weight
  outside tolerance; resolved by a supervisor's override;
* ``Event`` rows ``pack.insert`` (detail = insert key): confirmed inserts.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache

from sqlmodel import Session, col, select

from wms_tui.domain.actor import Actor
from wms_tui.domain.clock import utcnow
from wms_tui.domain.enums import ExceptionKind, OrderStatus, ParcelStatus
from wms_tui.domain.errors import Conflict, DomainError, NotFound
from wms_tui.domain.models import (
    Carrier,
    CartonType,
    Event,
    Operator,
    Order,
    OrderLine,
    PackScan,
    Parcel,
    Product,
    Service,
    WmsException,
)
from wms_tui.services import cartonization as cz
from wms_tui.services import inserts, settings, weighing
from wms_tui.store import UnitOfWork

# Above this many units the 3D search can take seconds: estimate instead.
MAX_PLAN_UNITS = 40
UNDO_CODE = "UNDO"
QC_PREFIX = "QC "
COUNT_PREFIX = "COUNT "
INSERT_EVENT = "pack.insert"


def parcel_tag(parcel_id: int | None) -> str:
    """How a weight exception names its parcel (``WmsException.location``)."""
    return f"parcel:{parcel_id}"


# --------------------------------------------------------------------------- views


@dataclass(frozen=True)
class LineView:
    line_id: int
    line_no: int
    sku: str
    name: str
    options: str
    quantity: int
    packed: int
    short: int = 0
    short_reason: str = ""

    @property
    def need(self) -> int:
        return self.quantity - self.short

    @property
    def left(self) -> int:
        return max(0, self.need - self.packed)

    @property
    def done(self) -> bool:
        return self.packed >= self.need

    @property
    def symbol(self) -> str:
        """Done or not, readable without colour."""
        if self.need <= 0:
            return "–"
        return "✓" if self.done else "•"


@dataclass(frozen=True)
class ParcelView:
    parcel_id: int
    seq: int
    units: int
    contents: str
    carton_code: str = ""
    carton_name: str = ""
    carton_chosen: bool = False
    weight_g: int | None = None
    expected_g: int = 0
    tolerance_g: int = 0
    weight_state: str = "none"  # none | ok | override | mismatch | stale
    fit_problem: str = ""

    @property
    def weight_ok(self) -> bool:
        return self.weight_state in ("ok", "override")

    @property
    def weight_text(self) -> str:
        # The expected weight is shown only after weighing: a packer who can see
        # it before would be tempted to key it instead of reading the scale.
        exp = f"expected {self.expected_g} ± {self.tolerance_g} g"
        if self.weight_g is None:
            return "not weighed"
        label = {
            "ok": "✓",
            "override": "✓ supervisor override",
            "mismatch": "✗ outside tolerance",
            "stale": "✗ contents or carton changed: weigh again",
        }[self.weight_state]
        return f"{self.weight_g} g {label} ({exp})"


@dataclass(frozen=True)
class InsertView:
    n: int
    key: str
    label: str
    done: bool


@dataclass(frozen=True)
class PackView:
    order_id: int
    order_name: str
    status: str
    customer: str
    ship_to: str
    carrier: str
    notes: str
    gift_message: str
    tags: tuple[str, ...]
    lines: tuple[LineView, ...]
    parcels: tuple[ParcelView, ...]
    current_seq: int
    suggestion: str
    suggestion_plan: tuple[str, ...]
    inserts: tuple[InsertView, ...]
    blockers: tuple[str, ...]
    locked_terminal: str = ""
    message: str = ""
    # The line the last action counted on (a keyed count applies to it).
    focus_line: int | None = None

    @property
    def units_needed(self) -> int:
        return sum(max(0, ln.need) for ln in self.lines)

    @property
    def units_packed(self) -> int:
        return sum(ln.packed for ln in self.lines)

    @property
    def ready(self) -> bool:
        return not self.blockers

    @property
    def instructions(self) -> tuple[str, ...]:
        """What the packer must not miss: notes, gift message, special tags."""
        out = []
        if self.gift_message.strip():
            out.append(f"GIFT MESSAGE: {self.gift_message.strip()}")
        if self.notes.strip():
            out.append(f"NOTE: {self.notes.strip()}")
        special = [t for t in self.tags if t not in ("split-ok",)]
        if special:
            out.append("TAGS: " + ", ".join(special))
        return tuple(out)

    def line(self, line_no: int) -> LineView:
        for ln in self.lines:
            if ln.line_no == line_no:
                return ln
        raise NotFound(f"Order {self.order_name} has no line {line_no}")


# --------------------------------------------------------------------------- cartons


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
    return True, f"fits by volume and weight ({units_of(lines)} units, not planned in 3D)"


# Share of a carton's volume real packing reaches with many mixed units.
ROUGH_FILL = 0.8


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


# --------------------------------------------------------------------------- context


def lock_order(session: Session, order_id: int) -> Order:
    """The order row, locked for this transaction (FOR UPDATE on PostgreSQL)."""
    order = session.exec(
        select(Order)
        .where(Order.id == order_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).first()
    if order is None:
        raise NotFound(f"No order with id {order_id}")
    return order


def operator_name(session: Session, operator_id: int | None) -> str:
    if operator_id is None:
        return "someone"
    op = session.get(Operator, operator_id)
    return op.name if op else f"operator {operator_id}"


class PackContext:
    """One order's packing state, read in one session."""

    def __init__(self, session: Session, order: Order) -> None:
        self.session = session
        self.order = order
        oid = order.id
        self.lines: list[OrderLine] = list(
            session.exec(
                select(OrderLine).where(OrderLine.order_id == oid).order_by(col(OrderLine.line_no))
            ).all()
        )
        pids = {ln.product_id for ln in self.lines}
        self.products: dict[int, Product] = {
            p.id: p  # type: ignore[misc]
            for p in session.exec(select(Product).where(col(Product.id).in_(pids))).all()
        }
        self.parcels: list[Parcel] = list(
            session.exec(
                select(Parcel)
                .where(Parcel.order_id == oid, Parcel.status != ParcelStatus.VOID)
                .order_by(col(Parcel.seq))
            ).all()
        )
        self.scans: list[PackScan] = list(
            session.exec(
                select(PackScan).where(PackScan.order_id == oid).order_by(col(PackScan.id))
            ).all()
        )
        # One query for every house rule this screen needs.
        self.settings = settings.all_settings(session)
        self.weight_rules = weighing.WeightRules(
            tolerance_pct=int(self.settings["weight_tolerance_pct"]),
            tolerance_min_g=int(self.settings["weight_tolerance_min_g"]),
            max_parcel_g=int(self.settings["max_parcel_weight_g"]),
        )
        self.padding_mm = int(self.settings["fragile_padding_mm"])
        self._cartons: list[CartonType] | None = None
        self._suggestion: tuple[cz.Suggestion | None] | None = None

    # -- keeping the loaded state in step with changes ----------------------

    def add_scan(self, uow: UnitOfWork, scan: PackScan) -> None:
        uow.add(scan)
        self.scans.append(scan)
        self.invalidate()

    def add_parcel(self, uow: UnitOfWork, parcel: Parcel) -> None:
        uow.add(parcel)
        uow.flush()
        self.parcels.append(parcel)
        self.invalidate()

    def remove_parcel(self, uow: UnitOfWork, parcel: Parcel) -> None:
        uow.session.delete(parcel)
        self.parcels.remove(parcel)
        self.invalidate()

    def invalidate(self) -> None:
        """Forget what was derived from the lines (after a short-ship, say)."""
        self._suggestion = None

    # -- basics -------------------------------------------------------------

    @property
    def open_parcels(self) -> list[Parcel]:
        return [p for p in self.parcels if p.status == ParcelStatus.OPEN]

    @property
    def current(self) -> Parcel | None:
        """The box being filled: the newest open parcel."""
        parcels = self.open_parcels
        return parcels[-1] if parcels else None

    def line_by_id(self, line_id: int) -> OrderLine:
        for ln in self.lines:
            if ln.id == line_id:
                return ln
        raise NotFound(f"Order {self.order.name} has no such line")

    def line_by_no(self, line_no: int) -> OrderLine:
        for ln in self.lines:
            if ln.line_no == line_no:
                return ln
        raise NotFound(f"Order {self.order.name} has no line {line_no}")

    def need(self, line: OrderLine) -> int:
        return line.quantity - line.qty_short

    def cartons(self) -> list[CartonType]:
        if self._cartons is None:
            rows = self.session.exec(select(CartonType).where(col(CartonType.active).is_(True)))
            self._cartons = sorted(rows.all(), key=lambda c: to_carton(c).size_key)
        return self._cartons

    def carton_by_code(self, code: str) -> CartonType | None:
        code = code.strip().upper()
        for c in self.cartons():
            if c.code.upper() == code:
                return c
        return None

    def carton_by_id(self, carton_id: int | None) -> CartonType | None:
        for c in self.cartons():
            if c.id == carton_id:
                return c
        return None

    # -- units ---------------------------------------------------------------

    def live_scans(self) -> list[list]:
        """Positive scans still standing, oldest first: ``[scan, units left in it]``.

        Replays the rows: an undo takes back the newest standing scan, a unit
        removed at quality check leaves the newest standing scan of its line.
        """
        stack: list[list] = []
        for sc in self.scans:
            if sc.qty > 0:
                stack.append([sc, sc.qty])
            elif sc.code == UNDO_CODE:
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

    def units_in(self, parcel: Parcel) -> dict[int, int]:
        """Units per order line id in ``parcel``."""
        out: dict[int, int] = defaultdict(int)
        for sc in self.scans:
            if sc.parcel_id == parcel.id:
                out[sc.order_line_id] += sc.qty
        return {k: v for k, v in out.items() if v}

    def products_in(self, parcel: Parcel) -> list[tuple[Product, int]]:
        units = self.units_in(parcel)
        return [
            (self.products[self.line_by_id(lid).product_id], n) for lid, n in units.items() if n > 0
        ]

    def missing_units(self) -> list[str]:
        return [
            f"{ln.sku} {ln.qty_packed} of {self.need(ln)}"
            for ln in self.lines
            if ln.qty_packed < self.need(ln)
        ]

    # -- cartons -----------------------------------------------------------------

    def item_lines(self) -> tuple[tuple[cz.ItemLine, ...], list[str]]:
        """The order's units for cartonization, and SKUs whose size is unknown."""
        per_product: dict[int, int] = defaultdict(int)
        for ln in self.lines:
            per_product[ln.product_id] += max(0, self.need(ln))
        lines: list[cz.ItemLine] = []
        unknown: list[str] = []
        for pid, n in per_product.items():
            if n <= 0:
                continue
            item = to_item(self.products[pid])
            if item is None:
                unknown.append(self.products[pid].sku)
            else:
                lines.append(cz.ItemLine(item, n))
        return tuple(sorted(lines, key=lambda x: x.item.sku)), unknown

    def suggestion(self) -> cz.Suggestion | None:
        if self._suggestion is None:
            lines, _ = self.item_lines()
            cartons = tuple(to_carton(c) for c in self.cartons())
            result = None
            if lines and cartons:
                if units_of(lines) > MAX_PLAN_UNITS:
                    result = rough_suggestion(lines, cartons, self.padding_mm)
                else:
                    result = suggest(lines, cartons, self.padding_mm)
            self._suggestion = (result,)
        return self._suggestion[0]

    def parcel_item_lines(self, parcel: Parcel) -> tuple[cz.ItemLine, ...]:
        items = [
            cz.ItemLine(it, n)
            for p, n in self.products_in(parcel)
            if (it := to_item(p)) is not None
        ]
        return tuple(sorted(items, key=lambda x: x.item.sku))

    def fit_problem(self, parcel: Parcel) -> str:
        """Why the suggested carton cannot hold what the packer put in this parcel."""
        carton, chosen = self.carton_for(parcel)
        items = self.parcel_item_lines(parcel)
        if carton is None or chosen or not items:
            return ""
        planned = self.planned_units(parcel)
        have = Counter({x.item.sku: x.qty for x in items})
        if planned is not None and not have - planned:
            # Part of a verified layout: whatever subset of it is in the box fits.
            return ""
        ok, reason = check_fit(items, to_carton(carton), self.padding_mm)
        # "does not fit: search limit" is not a proof; only proven misfits block.
        if ok or not reason.startswith(("too small", "too heavy")):
            return ""
        return f"{carton.name} {reason}"

    def planned_units(self, parcel: Parcel) -> Counter[str] | None:
        """Units per SKU the suggestion's layout puts in this parcel (None: no plan for it)."""
        sug = self.suggestion()
        index = [p.id for p in self.open_parcels].index(parcel.id)
        if sug is None or not sug.ok or index >= len(sug.parcels):
            return None
        return Counter(it.sku for it in sug.parcels[index].items)

    def suggested_carton(self, parcel: Parcel) -> CartonType | None:
        """The carton the suggestion puts parcel ``parcel.seq`` in (None: no advice)."""
        sug = self.suggestion()
        index = [p.id for p in self.open_parcels].index(parcel.id)
        if sug is not None and sug.ok and index < len(sug.parcels):
            return self.carton_by_code(sug.parcels[index].carton.code)
        # A parcel the plan did not foresee: the smallest carton for what is in it.
        items = self.parcel_item_lines(parcel)
        if not items or units_of(items) > MAX_PLAN_UNITS:
            return None
        cartons = tuple(to_carton(c) for c in self.cartons())
        alone = suggest(items, cartons, self.padding_mm)
        if alone.ok and len(alone.parcels) == 1:
            return self.carton_by_code(alone.parcels[0].carton.code)
        return None

    def carton_for(self, parcel: Parcel) -> tuple[CartonType | None, bool]:
        """(carton, chosen by the packer?)."""
        if parcel.carton_type_id is not None:
            chosen = self.carton_by_id(parcel.carton_type_id)
            if chosen is None:
                chosen = self.session.get(CartonType, parcel.carton_type_id)
            return chosen, True
        return self.suggested_carton(parcel), False

    def expected_for(self, parcel: Parcel) -> int:
        carton, _ = self.carton_for(parcel)
        return expected_weight(self.products_in(parcel), to_carton(carton) if carton else None)

    # -- weight ------------------------------------------------------------------

    def weight_exceptions(self) -> dict[str, WmsException]:
        """Newest WEIGHT_MISMATCH per parcel tag."""
        rows = self.session.exec(
            select(WmsException)
            .where(
                WmsException.order_id == self.order.id,
                WmsException.kind == ExceptionKind.WEIGHT_MISMATCH,
            )
            .order_by(col(WmsException.id))
        ).all()
        return {r.location: r for r in rows}

    def weight_state(
        self, parcel: Parcel, expected: int, exceptions: dict[str, WmsException]
    ) -> str:
        if parcel.weight_g is None:
            return "none"
        if parcel.expected_weight_g != expected:
            return "stale"
        if weighing.within_tolerance(parcel.weight_g, expected, self.weight_rules):
            return "ok"
        exc = exceptions.get(parcel_tag(parcel.id))
        if exc is not None and exc.resolved_at is not None:
            return "override"
        return "mismatch"

    # -- inserts -------------------------------------------------------------------

    def confirmed_inserts(self) -> set[str]:
        rows = self.session.exec(
            select(Event.detail).where(Event.order_id == self.order.id, Event.kind == INSERT_EVENT)
        ).all()
        return set(rows)

    def inserts(self) -> list[inserts.Insert]:
        text = self.settings.get(inserts.SETTING_KEY, inserts.DEFAULT_RULES)
        return inserts.checklist(inserts.parse_rules(text), self.order)

    # -- view ------------------------------------------------------------------------

    def view(self, message: str = "", focus_line: int | None = None) -> PackView:
        o = self.order
        lines = tuple(
            LineView(
                line_id=ln.id,  # type: ignore[arg-type]
                line_no=ln.line_no,
                sku=ln.sku,
                name=ln.name or self.products[ln.product_id].name,
                options=ln.options,
                quantity=ln.quantity,
                packed=ln.qty_packed,
                short=ln.qty_short,
                short_reason=ln.short_reason,
            )
            for ln in self.lines
        )
        # Only a weighed parcel can have a weight exception: skip the query before.
        weighed = any(p.weight_g is not None for p in self.open_parcels)
        exceptions = self.weight_exceptions() if weighed else {}
        parcels: list[ParcelView] = []
        for p in self.open_parcels:
            carton, chosen = self.carton_for(p)
            expected = self.expected_for(p)
            units = self.units_in(p)
            contents = ", ".join(
                f"{n}× {self.line_by_id(lid).sku}" for lid, n in units.items() if n > 0
            )
            parcels.append(
                ParcelView(
                    parcel_id=p.id,  # type: ignore[arg-type]
                    seq=len(parcels) + 1,
                    units=sum(units.values()),
                    contents=contents,
                    carton_code=carton.code if carton else "",
                    carton_name=carton.name if carton else "",
                    carton_chosen=chosen,
                    weight_g=p.weight_g,
                    expected_g=expected,
                    tolerance_g=self.weight_rules.tolerance_g(expected),
                    weight_state=self.weight_state(p, expected, exceptions),
                    fit_problem=self.fit_problem(p),
                )
            )
        done = self.confirmed_inserts()
        insert_views = tuple(
            InsertView(n, i.key, i.label, i.key in done)
            for n, i in enumerate(self.inserts(), start=1)
        )
        sug = self.suggestion()
        _, unknown = self.item_lines()
        suggestion, plan = _suggestion_text(sug, unknown)
        return PackView(
            order_id=o.id,  # type: ignore[arg-type]
            order_name=o.name,
            status=str(o.status),
            customer=o.ship_name or o.customer_name,
            ship_to=", ".join(
                x
                for x in (o.ship_address1, f"{o.ship_zip} {o.ship_city}".strip(), o.ship_country)
                if x
            ),
            carrier=self.carrier_text(),
            notes=o.notes,
            gift_message=o.gift_message,
            tags=tuple(sorted(o.tag_set)),
            lines=lines,
            parcels=tuple(parcels),
            current_seq=len(parcels),
            suggestion=suggestion,
            suggestion_plan=plan,
            inserts=insert_views,
            blockers=tuple(self.blockers(lines, parcels, insert_views)),
            locked_terminal=o.locked_terminal,
            message=message,
            focus_line=focus_line,
        )

    def carrier_text(self) -> str:
        o = self.order
        row = None
        if o.carrier_id is not None:
            row = self.session.exec(
                select(Carrier.name, Service.name)
                .select_from(Carrier)
                .outerjoin(Service, col(Service.id) == o.service_id)
                .where(Carrier.id == o.carrier_id)
            ).first()
        if row is None:
            return o.shipping_method or "no carrier"
        carrier, service = row
        if not service:
            return carrier
        # Service names often repeat the carrier ("DHL Express Worldwide").
        return service if service.lower().startswith(carrier.lower()) else f"{carrier} {service}"

    def blockers(
        self,
        lines: tuple[LineView, ...],
        parcels: list[ParcelView],
        insert_views: tuple[InsertView, ...],
    ) -> list[str]:
        out: list[str] = []
        left = sum(ln.left for ln in lines)
        if sum(max(0, ln.need) for ln in lines) == 0:
            out.append("Nothing to pack: every line is short")
        elif left:
            out.append(f"{left} unit{'s' if left != 1 else ''} still to scan")
        many = len(parcels) > 1
        for p in parcels:
            prefix = f"Parcel {p.seq}: " if many else ""

            def say(text: str, prefix: str = prefix) -> None:
                out.append(prefix + text if prefix else text[0].upper() + text[1:])

            if p.units <= 0:
                if many:  # a lone empty parcel is already "units still to scan"
                    say("empty (undo removes it)")
                continue
            if not p.carton_code:
                say("choose a carton (F5)")
            elif p.fit_problem:
                say(f"{p.fit_problem}: start a new parcel (F8) or choose a carton (F5)")
            if not p.weight_ok:
                say(
                    {
                        "none": "weigh the parcel",
                        "stale": "weigh again (contents or carton changed)",
                        "mismatch": "weight outside tolerance: re-weigh or supervisor (F11)",
                    }[p.weight_state]
                )
        todo = [i for i in insert_views if not i.done]
        if todo:
            out.append(f"{len(todo)} insert{'s' if len(todo) != 1 else ''} to confirm")
        return out


def _suggestion_text(sug: cz.Suggestion | None, unknown: list[str]) -> tuple[str, tuple[str, ...]]:
    note = f" ({', '.join(unknown)}: size unknown, check by eye)" if unknown else ""
    if sug is None:
        return ("No carton advice" + note, ())
    if not sug.ok:
        return (sug.explanation + note, ())
    plan: tuple[str, ...] = ()
    if sug.is_split:
        plan = tuple(
            f"{i}: {p.carton.name} — " + ", ".join(f"{n}× {sku}" for sku, n in _count_skus(p.items))
            for i, p in enumerate(sug.parcels, start=1)
        )
    return (sug.explanation + note, plan)


def _count_skus(items: tuple[cz.Item, ...]) -> list[tuple[str, int]]:
    counts: dict[str, int] = {}
    for it in items:
        counts[it.sku] = counts.get(it.sku, 0) + 1
    return list(counts.items())


# --------------------------------------------------------------------------- changes


def clear_weight(uow: UnitOfWork, actor: Actor, parcel: Parcel) -> bool:
    """Contents or carton changed: the keyed weight no longer says anything."""
    if parcel.weight_g is None:
        return False
    parcel.weight_g = None
    parcel.expected_weight_g = None
    uow.add(parcel)
    resolve_weight_exceptions(uow, actor, parcel)
    return True


def resolve_weight_exceptions(uow: UnitOfWork, actor: Actor, parcel: Parcel) -> None:
    for exc in uow.session.exec(
        select(WmsException).where(
            WmsException.order_id == parcel.order_id,
            WmsException.kind == ExceptionKind.WEIGHT_MISMATCH,
            WmsException.location == parcel_tag(parcel.id),
            col(WmsException.resolved_at).is_(None),
        )
    ):
        exc.resolved_at = utcnow()
        exc.resolved_by_id = actor.operator_id
        uow.add(exc)


# --------------------------------------------------------------------------- access


STOPPED = {OrderStatus.CANCELLED: "cancelled", OrderStatus.ON_HOLD: "put on hold"}


def require_open_here(
    session: Session, order: Order, actor_operator_id: int | None, terminal: str
) -> None:
    """Only the station that opened the order may change it."""
    status = OrderStatus(order.status)
    if status is not OrderStatus.PACKING:
        if status is OrderStatus.PACKED:
            raise DomainError(f"Order {order.name} is already packed")
        if status in STOPPED:
            # A supervisor stopped it while it was on the bench.
            raise DomainError(
                f"Order {order.name} was {STOPPED[status]}: stop packing, park it (F12) "
                "and give the tote to a supervisor"
            )
        raise DomainError(f"Order {order.name} is {status.label}: open it first")
    if order.locked_by_operator_id is None:
        raise DomainError(f"Order {order.name} is not open at a station: open it first")
    if order.locked_by_operator_id != actor_operator_id or order.locked_terminal != terminal:
        who = operator_name(session, order.locked_by_operator_id)
        raise Conflict(f"Order {order.name} is open at {order.locked_terminal} by {who}")
