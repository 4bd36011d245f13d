"""An order at the pack station: everything loaded once, and the view a screen renders.

:class:`PackContext` reads an order's lines, products, parcels and scans in a
handful of indexed queries (the order id is the key everywhere), so a scan
costs the same with ten orders in the store as with a million order lines.
:class:`~wms_tui.services.packing.view.PackView` is the plain, frozen result
every pack service returns.

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

from collections import Counter, defaultdict

from sqlmodel import Session, col, select

from wms_tui.domain.actor import Actor
from wms_tui.domain.clock import utcnow
from wms_tui.domain.enums import EventKind, ExceptionKind, OrderStatus, PackScanKind, ParcelStatus
from wms_tui.domain.errors import Conflict, DomainError, NotFound, TakenOver
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
from wms_tui.domain.planning import cartonization as cz
from wms_tui.domain.planning import weighing
from wms_tui.domain.text import plural
from wms_tui.services.core import settings
from wms_tui.services.packing import inserts
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
from wms_tui.services.packing.view import (
    Blocker,
    InsertView,
    LineView,
    PackView,
    ParcelView,
    Said,
)
from wms_tui.services.packing.view import BlockerKind as K
from wms_tui.store import UnitOfWork

INSERT_EVENT = EventKind.PACK_INSERT


def parcel_tag(parcel_id: int | None) -> str:
    """How a weight exception names its parcel (``WmsException.location``)."""
    return f"parcel:{parcel_id}"


# --------------------------------------------------------------------------- context


def lock_order(session: Session, order_id: int) -> Order:
    """The order row, locked for this transaction (FOR UPDATE on PostgreSQL)."""
    order = session.exec(
        select(Order)
        .where(Order.id == order_id)
        .with_for_update(key_share=True)
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
        return line.need

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
        text = self.settings[inserts.SETTING_KEY]
        return inserts.checklist(inserts.parse_rules(text), self.order)

    # -- view ------------------------------------------------------------------------

    def view(self, message: Said | str = "", focus_line: int | None = None) -> PackView:
        said = message if isinstance(message, Said) else Said.info(message)
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
        suggestion, plan = suggestion_text(sug, unknown)
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
            message=said.text,
            tone=said.tone,
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
    ) -> list[Blocker]:
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
                say(
                    K.DOES_NOT_FIT,
                    f"{p.fit_problem}: start a new parcel (F8) or choose a carton (F5)",
                )
            if not p.weight_ok:
                say(
                    K.WEIGHT,
                    {
                        "none": "weigh the parcel",
                        "stale": "weigh again (contents or carton changed)",
                        "mismatch": "weight outside tolerance: re-weigh or supervisor (F11)",
                    }[p.weight_state],
                )
        todo = [i for i in insert_views if not i.done]
        if todo:
            out.append(Blocker(K.INSERTS, f"{plural(len(todo), 'insert')} to confirm"))
        return out


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


def _taken_from(session: Session, order: Order, terminal: str) -> bool:
    """Whether the order's last take-over took it from ``terminal``."""
    last = session.exec(
        select(Event.prior_terminal)
        .where(Event.order_id == order.id, Event.kind == EventKind.PACK_TAKEOVER)
        .order_by(col(Event.id).desc())
    ).first()
    return last == terminal


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
    if order.locked_terminal != terminal and _taken_from(session, order, terminal):
        # A supervisor took it over from this station. Said once: the screen
        # goes back to its queue.
        who = operator_name(session, order.locked_by_operator_id)
        raise TakenOver(
            f"{order.name} was taken over at {order.locked_terminal} by {who}: back to the queue"
        )
    if order.locked_by_operator_id != actor_operator_id:
        who = operator_name(session, order.locked_by_operator_id)
        raise Conflict(f"Order {order.name} is open at {order.locked_terminal} by {who}")
