"""Closing an order at the pack station: the moment the parcel becomes real.

Only when every unit is scanned, every parcel has a carton and an accepted
weight and the insert checklist is done. In one transaction (BEGIN IMMEDIATE
on SQLite, row locks on PostgreSQL):

* each parcel gets the warehouse's next SSCC serial and the carrier's next
  tracking number (both counters bumped under a row lock, so no two stations
  can print the same number), its carton, weights, "n of N", the packer's name
  and time and the station;
* the units move in the ledger from the tote(s) to the station's pack
  location (reason PACKED, one movement per parcel and product);
* the order becomes PACKED and the station lock is released.

Rendering and printing happen after the commit (see ``documents.produce``):
a printer that is off never stops a parcel that is right.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from sqlalchemy import bindparam
from sqlmodel import Session, col, select

from wms_tui.domain.actor import Actor
from wms_tui.domain.clock import utcnow
from wms_tui.domain.enums import EventKind, MovementReason, OrderStatus, ParcelStatus, Role
from wms_tui.domain.errors import DomainError
from wms_tui.domain.identifiers.sscc import SSCC_BODY_DIGITS, make_sscc
from wms_tui.domain.identifiers.tracking import sscc_at_home
from wms_tui.domain.models import Carrier, Location, Parcel, Warehouse
from wms_tui.services.core import events
from wms_tui.services.exceptions.settle import SELF_CLOSING, settle
from wms_tui.services.inventory.stock import move_stock
from wms_tui.services.packing import customs, documents, paper_data, parties, station_printers
from wms_tui.services.packing import totes as pack_totes
from wms_tui.services.packing.ownership import lock_order, require_open_here
from wms_tui.services.packing.state import PackContext, station_row
from wms_tui.services.setup import carrier_tracking
from wms_tui.store import Store, UnitOfWork, retrying


@dataclass(frozen=True)
class ClosedParcel:
    index: int
    count: int
    sscc: str
    tracking_number: str
    carton: str
    weight_g: int
    label_file: str


@dataclass(frozen=True)
class Closed:
    order_id: int
    order_name: str
    parcels: tuple[ClosedParcel, ...]
    slip_file: str
    packed_by: str
    packed_at: datetime
    leftovers: tuple[str, ...] = ()

    @property
    def summary(self) -> str:
        return self._said(with_tracking=True)

    @property
    def short_summary(self) -> str:
        """Without the tracking numbers: for a handheld's two rows after a many-parcel close."""
        return self._said(with_tracking=False)

    def _said(self, *, with_tracking: bool) -> str:
        n = len(self.parcels)
        text = f"Order {self.order_name} PACKED: " + ("1 parcel" if n == 1 else f"{n} parcels")
        if with_tracking:
            text += ", " + ", ".join(p.tracking_number for p in self.parcels)
        if self.leftovers:
            text += " · " + "; ".join(self.leftovers)
        return text

    @property
    def message(self) -> str:
        """The summary with a ✓, for printed output (the CLI)."""
        return f"✓ {self.summary}"


@cache
def _locking(model):  # noqa: ANN001, ANN202 - one statement per table
    return (
        select(model)
        .where(model.id == bindparam("row_id"))
        .with_for_update(key_share=True)
        .execution_options(populate_existing=True)
    )


def _lock(session: Session, model, row_id: int):
    # Built once per table: building a locked select per close cost more than running it.
    return session.exec(_locking(model), params={"row_id": row_id}).one()


def pack_location(session: Session, terminal: str) -> Location:
    """Where a closed parcel waits: the station's location (PACK-1), by station or code."""
    st = station_row(session, terminal)
    loc = session.get(Location, st.location_id) if st and st.location_id else None
    if loc is None:
        loc = session.exec(select(Location).where(Location.code == terminal.upper())).first()
    if loc is None:
        raise DomainError(f"Station {terminal} has no pack location: ask a supervisor to set one")
    return loc


def _blocked(ctx: PackContext) -> str:
    # A close answers with ``Closed``, never this view: its carrier line is not read.
    view = ctx.view(carrier=False)
    if view.ready:
        return ""
    parts = [b.text for b in view.blockers]
    missing = ctx.missing_units()
    if missing:
        parts[0] = f"{parts[0]} ({', '.join(missing[:4])}{', …' if len(missing) > 4 else ''})"
    return f"Cannot close {ctx.order.name}: " + "; ".join(parts)


def _check_sscc_serials(wh: Warehouse, count: int, order_name: str) -> None:
    """Refuse, before anything is numbered, an order the SSCC serials left cannot cover."""
    prefix = wh.gs1_company_prefix
    digits = SSCC_BODY_DIGITS - len(prefix)
    if not prefix.isdigit() or digits < 1:
        return  # not a prefix at all: make_sscc says what is wrong with it
    left = max(0, 10**digits - wh.sscc_next_serial)
    if left >= count:
        return
    what = (
        "has no SSCC serials left"
        if left == 0
        else f"has {left} SSCC serial{'s' if left != 1 else ''} left, {order_name} needs {count}"
    )
    raise DomainError(
        f"Cannot close {order_name}: the warehouse {what} (GS1 prefix {prefix} leaves "
        f"{digits} serial digits); a supervisor must enter a new GS1 company prefix in "
        "warehouse.csv: wms import setup FOLDER --badge …"
    )


@retrying
def close_order(store: Store, actor: Actor, order_id: int) -> Closed:
    """Close every parcel of the order and mark it PACKED (see module docstring)."""
    actor.require(Role.PACKER, action="pack orders")
    with store.unit_of_work() as uow:
        s = uow.session
        order = lock_order(s, order_id)
        require_open_here(s, order, actor.operator_id, actor.terminal)
        ctx = PackContext(s, order)
        problem = _blocked(ctx)
        if problem:
            raise DomainError(problem)
        if order.carrier_id is None:
            raise DomainError(f"Order {order.name} has no carrier: a supervisor must choose one")
        carrier = _lock(s, Carrier, order.carrier_id)
        wh = parties.warehouse(s, lock=True)
        try:
            rule = carrier_tracking.check_setup(carrier, wh.country_code, used_up_ok=True)
        except DomainError as exc:
            raise DomainError(
                f"Cannot close {order.name}: {exc}; a supervisor must correct it: "
                f"{carrier_tracking.set_command(carrier.code)}"
            ) from None
        # Before any number is taken: a parcel that cannot be declared stays open.
        customs.check_declarable(
            s, order, wh.country_code, customs.goods_of(ctx.lines, ctx.products)
        )
        station_loc = pack_location(s, actor.terminal)
        setup = station_printers.station_print(s, actor.terminal)

        parcels = ctx.open_parcels
        contents = [ctx.units_in(p) for p in parcels]
        cartons = [ctx.carton_for(p)[0] for p in parcels]
        expected = [ctx.expected_for(p) for p in parcels]
        totes = pack_totes.order_totes(s, order.id)  # type: ignore[arg-type]
        in_totes = _check_totes(ctx, totes, contents)

        now = utcnow()
        count = len(parcels)
        _check_sscc_serials(wh, count, order.name)
        # PostNord-style carriers: at home the parcel's SSCC is its item ID, no range used.
        at_home = sscc_at_home(rule.check, wh.country_code, order.ship_country)
        numbers = [] if at_home else carrier_tracking.take_numbers(carrier, rule, count, order.name)
        closed: list[ClosedParcel] = []
        for i, parcel in enumerate(parcels, start=1):
            try:
                sscc = make_sscc(wh.sscc_extension, wh.gs1_company_prefix, wh.sscc_next_serial)
            except ValueError as exc:
                raise DomainError(f"Cannot number the parcel: {exc}") from None
            wh.sscc_next_serial += 1
            tracking = sscc if at_home else numbers[i - 1]
            carton = cartons[i - 1]
            parcel.seq = i
            parcel.count = count
            parcel.carton_type_id = carton.id if carton else None
            parcel.expected_weight_g = expected[i - 1]
            parcel.sscc = sscc
            parcel.tracking_number = tracking
            parcel.status = ParcelStatus.CLOSED
            parcel.packed_by_id = actor.operator_id
            parcel.packed_by_name = actor.name
            parcel.packed_at = now
            parcel.terminal = actor.terminal
            parcel.label_file = documents.label_filename(order.name, i, count, setup.label_format)
            parcel.slip_file = documents.slip_filename(order.name)
            uow.add(parcel)
            closed.append(
                ClosedParcel(
                    i,
                    count,
                    sscc,
                    tracking,
                    carton.code if carton else "",
                    parcel.weight_g or 0,
                    parcel.label_file,
                )
            )
        uow.add(wh)
        uow.add(carrier)
        uow.flush()

        reference = {p.id: f"{order.name} parcel {i}/{count}" for i, p in enumerate(parcels, 1)}
        for parcel, units in zip(parcels, contents, strict=True):
            _move_units(uow, actor, ctx, in_totes, station_loc, units, reference[parcel.id])

        order.locked_by_operator_id = None
        order.locked_terminal = ""
        order.locked_at = None
        events.change_status(
            uow,
            order,
            OrderStatus.PACKED,
            actor,
            detail=f"{count} parcel{'s' if count != 1 else ''} at {actor.terminal}: "
            + ", ".join(f"{c.sscc} {c.tracking_number} {c.weight_g} g" for c in closed),
        )
        events.log(
            uow,
            actor,
            EventKind.PACK_CLOSE,
            order=order,
            qty=sum(ln.qty_packed for ln in ctx.lines),
            location=station_loc.code,
            detail=", ".join(f"{c.index}/{c.count} {c.carton} {c.sscc}" for c in closed),
        )
        uow.flush()
        # A QC failure waited for this: its replacement is packed now. The view read
        # the order's exceptions in this transaction, under the order's lock: with none
        # open that closes itself, there is nothing to settle.
        if _may_settle(ctx):
            settle(uow, actor, [order.id])
        paper_data.check_printable(s, order, parcels, _read(ctx, parcels, contents))
        leftovers = tuple(_leftovers(s, totes))
        result = Closed(
            order_id=order.id,  # type: ignore[arg-type]
            order_name=order.name,
            parcels=tuple(closed),
            slip_file=documents.slip_filename(order.name),
            packed_by=actor.name,
            packed_at=now,
            leftovers=leftovers,
        )
        uow.commit()
    return result


def _may_settle(ctx: PackContext) -> bool:
    read = ctx.exceptions_read
    if read is None:  # no parcel weighed (cannot close then), or not read: ask the store
        return True
    waiting = {str(k) for k in SELF_CLOSING}
    return any(e.resolved_at is None and str(e.kind) in waiting for e in read)


def _read(
    ctx: PackContext, parcels: list[Parcel], contents: list[dict[int, int]]
) -> paper_data.Read:
    """What this close has read of the order, handed to the papers' check: reading the
    lines, the confirmed inserts and each parcel's scans again gave the same rows."""
    assert ctx.viewed is not None, "_blocked built the view"
    snap = ctx.viewed[0]
    return paper_data.Read(
        lines=ctx.lines,
        products=ctx.products,
        contents={
            p.id or 0: {line: n for line, n in units.items() if n > 0}
            for p, units in zip(parcels, contents, strict=True)
        },
        inserts=paper_data.slip_inserts(snap.inserts, snap.confirmed_inserts),
    )


def _check_totes(
    ctx: PackContext, totes: list[Location], contents: list[dict[int, int]]
) -> dict[int, list[tuple[Location, int]]]:
    """What the totes hold of each product packed (read once: the moves take from it)."""
    need: dict[int, int] = defaultdict(int)
    for units in contents:
        for line_id, n in units.items():
            need[ctx.line_by_id(line_id).product_id] += n
    held: dict[int, list[tuple[Location, int]]] = {}
    for pid, n in need.items():
        held[pid] = pack_totes.tote_stock(ctx.session, totes, pid)
        have = sum(q for _, q in held[pid])
        if have < n:
            where = " ".join(t.code for t in totes) or "no tote"
            sku = ctx.products[pid].sku
            raise DomainError(
                f"Cannot close {ctx.order.name}: {where} holds {have} {sku} but {n} are "
                "packed; find the missing unit or ask a supervisor"
            )
    return held


def _move_units(
    uow: UnitOfWork,
    actor: Actor,
    ctx: PackContext,
    in_totes: dict[int, list[tuple[Location, int]]],
    to_loc: Location,
    units: dict[int, int],
    reference: str,
) -> None:
    """Move one parcel's units out of the totes; ``in_totes`` is kept to what is left."""
    per_product: dict[int, int] = defaultdict(int)
    for line_id, n in units.items():
        per_product[ctx.line_by_id(line_id).product_id] += n
    for pid, n in sorted(per_product.items()):
        product = ctx.products[pid]
        left = n
        held = in_totes[pid]
        for i, (tote, have) in enumerate(held):
            take = min(left, have)
            if take == 0:
                continue
            held[i] = (tote, have - take)
            move_stock(
                uow,
                actor,
                product,
                take,
                from_loc=tote,
                to_loc=to_loc,
                reason=MovementReason.PACKED,
                order=ctx.order,
                reference=reference,
            )
            uow.flush()
            left -= take
            if left == 0:
                break
        assert left == 0, "tote stock was checked under the same lock"


def _leftovers(session: Session, totes: list[Location]) -> list[str]:
    """Units still in the order's totes after packing: someone must look at them."""
    out = []
    for tote in totes:
        n = pack_totes.units_in_totes(session, [tote])
        if n:
            out.append(f"{tote.code} still holds {n} unit{'s' if n != 1 else ''}: see a supervisor")
    return out


def closed_parcels(session: Session, order_id: int) -> list[Parcel]:
    return list(
        session.exec(
            select(Parcel)
            .where(Parcel.order_id == order_id, Parcel.status == ParcelStatus.CLOSED)
            .order_by(col(Parcel.seq))
        ).all()
    )
