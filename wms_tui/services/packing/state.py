"""An order at the pack station: its rows loaded once per request, kept in step.

:class:`PackContext` reads an order's lines, products, parcels and scans in a
handful of indexed queries (the order id is the key everywhere), so a scan
costs the same with ten orders in the store as with a million order lines. The
rules over those rows are pure functions in
:mod:`~wms_tui.services.packing.rules`; the frozen
:class:`~wms_tui.services.packing.view.PackView` is what every pack service
returns.

Where packing state lives (no extra tables):

* ``PackScan`` rows: every unit confirmed, into which parcel; ``kind`` says
  what the row is: SCAN, UNDO (negative: takes back the newest standing scan),
  QC (negative, a unit taken out at quality check, ``qc_reason``) or COUNT (a
  keyed count, ``counted_to``);
* ``OrderLine.qty_packed``: the running sum of those rows per line;
* ``Parcel`` rows in status OPEN: the boxes on the bench (carton chosen by the
  packer, keyed weight and the weight expected at that moment);
* ``WmsException`` WEIGHT_MISMATCH rows, ``location = "parcel:<id>"``: a weight
  outside tolerance; resolved by a supervisor's override;
* ``Event`` rows ``pack.insert`` (detail = insert key): confirmed inserts.
"""

from __future__ import annotations

from functools import cache

from sqlalchemy import bindparam
from sqlmodel import Session, col, select

from wms_tui.domain.actor import Actor
from wms_tui.domain.enums import EventKind, ExceptionKind, ParcelStatus
from wms_tui.domain.errors import NotFound
from wms_tui.domain.models import (
    Carrier,
    CartonType,
    Event,
    Order,
    OrderLine,
    PackScan,
    Parcel,
    Product,
    Service,
    Station,
    WmsException,
)
from wms_tui.domain.planning import cartonization as cz
from wms_tui.domain.planning import weighing
from wms_tui.services.core import events, settings
from wms_tui.services.packing import inserts, rules
from wms_tui.services.packing.cartons import to_carton
from wms_tui.services.packing.view import PackView, Said
from wms_tui.store import UnitOfWork

INSERT_EVENT = EventKind.PACK_INSERT


# --------------------------------------------------------------------------- statements

# Every pack request reads the order with these. Each is built once, with bound
# parameters: building a select and its cache key cost more than running it (an
# ORM select of a table with two criteria: ~170 of ~300 µs CPU, docs/performance.md).


@cache
def _lines_with_products():
    return (
        select(OrderLine, Product)
        .join(Product, col(Product.id) == OrderLine.product_id)
        .where(OrderLine.order_id == bindparam("order_id"))
        .order_by(col(OrderLine.line_no))
    )


@cache
def _parcels():
    return (
        select(Parcel)
        .where(Parcel.order_id == bindparam("order_id"), Parcel.status != ParcelStatus.VOID)
        .order_by(col(Parcel.seq))
    )


@cache
def _scans():
    return (
        select(PackScan)
        .where(PackScan.order_id == bindparam("order_id"))
        .order_by(col(PackScan.id))
    )


@cache
def _station():
    return select(Station).where(Station.code == bindparam("terminal"))


@cache
def _active_cartons():
    return select(CartonType).where(col(CartonType.active).is_(True))


@cache
def _order_exceptions():
    return (
        select(WmsException)
        .where(WmsException.order_id == bindparam("order_id"))
        .order_by(col(WmsException.id))
    )


@cache
def _confirmed_inserts():
    return select(Event.detail).where(
        Event.order_id == bindparam("order_id"), Event.kind == INSERT_EVENT
    )


@cache
def _carrier_and_service():
    return (
        select(Carrier.name, Service.name)
        .select_from(Carrier)
        .outerjoin(Service, col(Service.id) == bindparam("service_id"))
        .where(Carrier.id == bindparam("carrier_id"))
    )


_STATIONS = "wms_pack_stations"


def station_row(session: Session, terminal: str) -> Station | None:
    """The ``Station`` row of ``terminal``, read once per session (transaction).

    Opening an order asks whether the station can close parcels (its pack
    location, its printer) and closing one asks for its location and its
    printing setup: three reads of one row in one transaction before.
    """
    known: dict[str, Station] = session.info.setdefault(_STATIONS, {})
    st = known.get(terminal)
    if st is None:
        # Not remembered when missing: a setup may add the station in this session.
        st = session.exec(_station(), params={"terminal": terminal}).first()
        if st is not None:
            known[terminal] = st
    return st


def inserts_for(session: Session, order: Order) -> list[inserts.Insert]:
    """The inserts ``order`` needs under the warehouse's insert rules."""
    return inserts.checklist(inserts.parse_rules(settings.get(session, inserts.SETTING_KEY)), order)


class PackContext:
    """Loads one order's packing state in one session and keeps it in step.

    The rows it reads are a :class:`~wms_tui.services.packing.rules.PackSnapshot`;
    every rule (what is still needed, weight state, carton fit, blockers, the
    view) is a pure function in :mod:`~wms_tui.services.packing.rules` over it.
    What a screen may not need (cartons, weight exceptions, confirmed inserts,
    the carrier's name) is read the first time a rule asks for it.
    """

    def __init__(self, session: Session, order: Order) -> None:
        self.session = session
        self.order = order
        oid = order.id
        # The lines with their products in one statement: every pack request builds this.
        rows = session.exec(_lines_with_products(), params={"order_id": oid}).all()
        self.lines: list[OrderLine] = [ln for ln, _ in rows]
        self.products: dict[int, Product] = {p.id: p for _, p in rows}  # type: ignore[misc]
        self.parcels: list[Parcel] = list(session.exec(_parcels(), params={"order_id": oid}).all())
        self.scans: list[PackScan] = list(session.exec(_scans(), params={"order_id": oid}).all())
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
        self.viewed: tuple[rules.PackSnapshot, cz.Suggestion | None] | None = None
        self.exceptions_read = None
        self._confirmed: set[str] | None = None

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

    # -- the snapshot the rules read -----------------------------------------

    def snapshot(self, *, for_view: bool = False, carrier: bool = True) -> rules.PackSnapshot:
        """The loaded rows as the rules see them (``for_view``: with what only the view reads;
        ``carrier``: with the carrier's name, which no rule but the screen's text reads)."""
        snap = rules.PackSnapshot(
            order=self.order,
            lines=self.lines,
            products=self.products,
            parcels=self.parcels,
            scans=self.scans,
            weight_rules=self.weight_rules,
            padding_mm=self.padding_mm,
            cartons=self.cartons_with_chosen(),
        )
        if for_view:
            # Only a weighed parcel can have a weight exception: skip the query before.
            weighed = any(p.weight_g is not None for p in snap.open_parcels)
            exceptions = self.weight_exceptions() if weighed else {}
            snap.weight_overridden = frozenset(
                tag for tag, exc in exceptions.items() if exc.resolved_at is not None
            )
            snap.inserts = self.inserts()
            # Most orders need no insert: then there is no confirmation to read.
            snap.confirmed_inserts = (
                frozenset(self.confirmed_inserts()) if snap.inserts else frozenset()
            )
            if carrier:
                snap.carrier = self.carrier_text()
        return snap

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
        """Active cartons, smallest first."""
        if self._cartons is None:
            rows = self.session.exec(_active_cartons())
            self._cartons = sorted(rows.all(), key=lambda c: to_carton(c).size_key)
        return self._cartons

    def cartons_with_chosen(self) -> list[CartonType]:
        """Active cartons plus any retired one a parcel on the bench was given."""
        cartons = self.cartons()
        known = {c.id for c in cartons}
        extra = [
            c
            for p in self.parcels
            if p.carton_type_id is not None and p.carton_type_id not in known
            if (c := self.session.get(CartonType, p.carton_type_id)) is not None
        ]
        return cartons + extra if extra else cartons

    def carton_by_code(self, code: str) -> CartonType | None:
        return rules.carton_by_code(self.cartons(), code)

    # -- rules, over the snapshot ---------------------------------------------

    def live_scans(self) -> list[list]:
        return rules.live_scans(self.scans)

    def units_in(self, parcel: Parcel) -> dict[int, int]:
        return rules.units_in(self.scans, parcel.id)

    def products_in(self, parcel: Parcel) -> list[tuple[Product, int]]:
        return rules.products_in(self.snapshot(), parcel)

    def missing_units(self) -> list[str]:
        return rules.missing_units(self.lines)

    def item_lines(self) -> tuple[tuple[cz.ItemLine, ...], list[str]]:
        return rules.item_lines(self.lines, self.products)

    def suggestion(self) -> cz.Suggestion | None:
        if self._suggestion is None:
            self._suggestion = (rules.suggestion(self.snapshot()),)
        return self._suggestion[0]

    def parcel_item_lines(self, parcel: Parcel) -> tuple[cz.ItemLine, ...]:
        return rules.parcel_item_lines(self.snapshot(), parcel)

    def suggested_carton(self, parcel: Parcel) -> CartonType | None:
        return rules.suggested_carton(self.snapshot(), parcel, self.suggestion())

    def carton_for(self, parcel: Parcel) -> tuple[CartonType | None, bool]:
        """(carton, chosen by the packer?)."""
        return rules.carton_for(self.snapshot(), parcel, self.suggestion())

    def expected_for(self, parcel: Parcel) -> int:
        return rules.expected_for(self.snapshot(), parcel, self.suggestion())

    # -- rows only some rules read ------------------------------------------------

    def weight_exceptions(self) -> dict[str, WmsException]:
        """Newest WEIGHT_MISMATCH per parcel tag.

        Every exception of the order is read (an order has a handful) and kept in
        ``exceptions_read``: a close then knows whether any waits for it without a
        second read.
        """
        rows = self.session.exec(_order_exceptions(), params={"order_id": self.order.id}).all()
        self.exceptions_read: list[WmsException] | None = list(rows)
        return {r.location: r for r in rows if r.kind == ExceptionKind.WEIGHT_MISMATCH}

    def confirmed_inserts(self) -> set[str]:
        """The insert keys confirmed; read once per request (under the order's lock, only
        :meth:`insert_confirmed` adds to them)."""
        if self._confirmed is None:
            rows = self.session.exec(_confirmed_inserts(), params={"order_id": self.order.id}).all()
            self._confirmed = set(rows)
        return set(self._confirmed)

    def insert_confirmed(self, uow: UnitOfWork, actor: Actor, key: str) -> None:
        """Log the ``pack.insert`` event of ``key`` and keep the confirmed set in step."""
        events.log(uow, actor, INSERT_EVENT, order=self.order, detail=key)
        if self._confirmed is not None:
            self._confirmed.add(key)

    def inserts(self) -> list[inserts.Insert]:
        text = self.settings[inserts.SETTING_KEY]
        return inserts.checklist(inserts.parse_rules(text), self.order)

    def carrier_text(self) -> str:
        o = self.order
        row = None
        if o.carrier_id is not None:
            # No service: the join's ``= NULL`` matches no row, as ``IS NULL`` on a key did.
            row = self.session.exec(
                _carrier_and_service(),
                params={"carrier_id": o.carrier_id, "service_id": o.service_id},
            ).first()
        carrier, service = row if row is not None else (None, None)
        return rules.carrier_text(carrier, service, o.shipping_method)

    # -- view ------------------------------------------------------------------------

    def view(
        self, message: Said | str = "", focus_line: int | None = None, *, carrier: bool = True
    ) -> PackView:
        """The station's view; ``carrier=False`` for a caller that reads only its blockers."""
        said = message if isinstance(message, Said) else Said.info(message)
        snap, sug = self.snapshot(for_view=True, carrier=carrier), self.suggestion()
        # Kept for the station's memory (held.py) once the request commits.
        self.viewed = (snap, sug)
        return rules.build_view(snap, sug, said, focus_line)
