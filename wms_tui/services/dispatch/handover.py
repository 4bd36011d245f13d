"""Hand-over at the dispatch zone: every parcel scanned onto its courier's truck.

A parcel is loaded by scanning its SSCC (the GS1-128 code at the bottom of the
label, with or without the ``(00)`` application identifier) or its tracking
number. Loading puts it on the carrier's manifest for today (opened by the
first scan), which :mod:`wms_tui.services.dispatch.manifest` closes at the end of the
day. Rules, each refused with one line and nothing changed:

* only packers and supervisors load (the dock crew);
* the parcel must exist, be closed (labelled) and belong to a PACKED order;
* an order cancelled after packing is stopped: "take parcel … out";
* a parcel of another carrier, or one already loaded or manifested, rings the
  bell and says where it belongs or who loaded it when;
* nothing is added to a closed manifest: a late parcel waits for tomorrow.

Who loaded and where is on the parcel (``loaded_by_id``, ``loaded_at``) and in
the event log (operator, terminal, time). A loaded parcel of a Shopify order
owes the shop a fulfilment: an outbox row written in the same transaction,
sent later by ``wms sync`` (``services/shop/fulfilments.py``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, func, select

from wms_tui.domain import shipping_days as days
from wms_tui.domain.actor import Actor
from wms_tui.domain.clock import utcnow
from wms_tui.domain.enums import (
    EventKind,
    ExceptionKind,
    ManifestStatus,
    OrderStatus,
    ParcelStatus,
    Role,
)
from wms_tui.domain.errors import DomainError, NotFound
from wms_tui.domain.models import (
    Carrier,
    Manifest,
    Operator,
    Order,
    Parcel,
    Service,
    WmsException,
)
from wms_tui.domain.scans import clean_scan
from wms_tui.domain.shown import excerpt
from wms_tui.services.core import events
from wms_tui.services.core.clock import warehouse_zone
from wms_tui.services.shop import fulfilments as shop_fulfilments
from wms_tui.store import Store, UnitOfWork, retrying

_AI_SSCC = re.compile(r"^(?:\]C1)?\(?00\)?(\d{18})$")


def parcel_code(raw: str) -> str:
    """What to look a scanned parcel label up by.

    A GS1-128 scan of the SSCC arrives as ``00`` + 18 digits (some scanners
    prefix the symbology ``]C1``; the human-readable line reads ``(00) …``);
    tracking numbers are compared in upper case without spaces.
    """
    code = clean_scan(raw).replace(" ", "").upper()
    m = _AI_SSCC.match(code)
    return m.group(1) if m else code


def cancelled_message(order_name: str, code: str | None) -> str:
    return f"Order {order_name} was cancelled after packing — take parcel {code} out"


def manifest_number(carrier_code: str, day: date) -> str:
    """``POSTNORD-20261124``: one manifest per carrier and day, readable on paper."""
    return f"{carrier_code}-{day:%Y%m%d}"


# --------------------------------------------------------------------------- read side


@dataclass(frozen=True)
class ParcelLine:
    """A parcel as the dock sees it."""

    parcel_id: int
    order_id: int
    order_name: str
    order_status: str
    seq: int
    count: int
    sscc: str
    tracking_number: str
    weight_g: int | None
    status: str
    packed_by: str
    packed_at: datetime | None
    loaded_at: datetime | None
    loaded_by: str
    carrier_code: str
    service_code: str
    service_name: str
    ship_name: str
    ship_company: str
    ship_address1: str
    ship_zip: str
    ship_city: str
    ship_country: str

    @property
    def code(self) -> str:
        return self.sscc or self.tracking_number

    @property
    def label(self) -> str:
        return f"{self.order_name} {self.seq}/{self.count}"


def _parcel_query():  # noqa: ANN202 - a select() to refine
    loader = Operator.__table__.alias("loader")
    return (
        select(Parcel, Order, Carrier.code, Service.code, Service.name, loader.c.name)
        .join(Order, col(Order.id) == Parcel.order_id)
        .join(Carrier, col(Carrier.id) == Order.carrier_id, isouter=True)
        .join(Service, col(Service.id) == Order.service_id, isouter=True)
        .join(loader, loader.c.id == Parcel.loaded_by_id, isouter=True)
    )


def _line(
    parcel: Parcel,
    order: Order,
    carrier: str | None,
    service: str | None,
    service_name: str | None,
    loader: str | None,
) -> ParcelLine:
    return ParcelLine(
        parcel_id=parcel.id,
        order_id=order.id,
        order_name=order.name,
        order_status=str(order.status),
        seq=parcel.seq,
        count=parcel.count,
        sscc=parcel.sscc or "",
        tracking_number=parcel.tracking_number or "",
        weight_g=parcel.weight_g,
        status=str(parcel.status),
        packed_by=parcel.packed_by_name,
        packed_at=parcel.packed_at,
        loaded_at=parcel.loaded_at,
        loaded_by=loader or "",
        carrier_code=carrier or "",
        service_code=service or "",
        service_name=service_name or "",
        ship_name=order.ship_name,
        ship_company=order.ship_company,
        ship_address1=order.ship_address1,
        ship_zip=order.ship_zip,
        ship_city=order.ship_city,
        ship_country=order.ship_country,
    )


def parcel_lines(session: Session, *where, order_by=None) -> list[ParcelLine]:  # noqa: ANN001, ANN002
    stmt = _parcel_query().where(*where)
    stmt = stmt.order_by(*(order_by or (col(Parcel.packed_at), col(Parcel.id))))
    return [_line(*row) for row in session.exec(stmt).all()]


@dataclass(frozen=True)
class CarrierChoice:
    code: str
    name: str
    waiting: int
    loaded: int
    manifest_status: str


@dataclass(frozen=True)
class DockStatus:
    """One carrier's dock: what is on the truck, what is still waiting."""

    carrier_code: str
    carrier_name: str
    day: date
    manifest_number: str
    manifest_status: str  # "" (nothing loaded yet), OPEN or CLOSED
    closed_at: datetime | None
    closed_by: str
    loaded: list[ParcelLine]
    waiting: list[ParcelLine]
    pull: list[ParcelLine]  # cancelled after packing: must come out
    # PACKED orders with no parcel at all: nothing to scan, ask the pack station.
    unlabelled: list[str] = field(default_factory=list)

    @property
    def closed(self) -> bool:
        return self.manifest_status == ManifestStatus.CLOSED


def find_carrier(session: Session, code: str) -> Carrier:
    code = clean_scan(code).upper()
    c = session.exec(select(Carrier).where(func.upper(Carrier.code) == code)).first()
    if c is None:
        known = ", ".join(session.exec(select(Carrier.code).order_by(Carrier.code)).all())
        raise NotFound(f"Unknown carrier {code!r}: use one of {known}")
    return c


def carriers(session: Session, now: datetime | None = None) -> list[CarrierChoice]:
    """Carriers with parcels waiting or loaded today, for the dock's carrier chooser."""
    day = days.local_day(now or utcnow(), warehouse_zone(session))
    waiting = dict(
        session.exec(
            select(Order.carrier_id, func.count())
            .select_from(Parcel)
            .join(Order, col(Order.id) == Parcel.order_id)
            .where(Parcel.status == ParcelStatus.CLOSED, Order.status == OrderStatus.PACKED)
            .group_by(Order.carrier_id)
        ).all()
    )
    loaded = dict(
        session.exec(
            select(Manifest.carrier_id, func.count())
            .select_from(Parcel)
            .join(Manifest, col(Manifest.id) == Parcel.manifest_id)
            .where(Manifest.day == day)
            .group_by(Manifest.carrier_id)
        ).all()
    )
    status = dict(
        session.exec(select(Manifest.carrier_id, Manifest.status).where(Manifest.day == day)).all()
    )
    return [
        CarrierChoice(
            code=c.code,
            name=c.name,
            waiting=waiting.get(c.id, 0),
            loaded=loaded.get(c.id, 0),
            manifest_status=str(status.get(c.id, "")),
        )
        for c in session.exec(select(Carrier).order_by(col(Carrier.code)))
    ]


def dock_status(
    session: Session, carrier_code: str, *, day: date | None = None, now: datetime | None = None
) -> DockStatus:
    carrier = find_carrier(session, carrier_code)
    day = day or days.local_day(now or utcnow(), warehouse_zone(session))
    manifest = session.exec(
        select(Manifest).where(Manifest.carrier_id == carrier.id, Manifest.day == day)
    ).first()
    loaded = (
        parcel_lines(
            session,
            Parcel.manifest_id == manifest.id,
            order_by=(col(Parcel.loaded_at).desc(), col(Parcel.id).desc()),
        )
        if manifest
        else []
    )
    waiting = parcel_lines(
        session,
        Order.carrier_id == carrier.id,
        Order.status == OrderStatus.PACKED,
        Parcel.status == ParcelStatus.CLOSED,
    )
    pull = parcel_lines(
        session,
        Order.carrier_id == carrier.id,
        Order.status == OrderStatus.CANCELLED,
        col(Parcel.status).in_((ParcelStatus.CLOSED, ParcelStatus.LOADED)),
    )
    has_parcel = (
        select(Parcel.id)
        .where(Parcel.order_id == Order.id, Parcel.status != ParcelStatus.VOID)
        .exists()
    )
    unlabelled = list(
        session.exec(
            select(Order.name)
            .where(Order.carrier_id == carrier.id, Order.status == OrderStatus.PACKED, ~has_parcel)
            .order_by(col(Order.name))
        ).all()
    )
    closed_by = ""
    if manifest and manifest.closed_by_id:
        op = session.get(Operator, manifest.closed_by_id)
        closed_by = op.name if op else ""
    return DockStatus(
        carrier_code=carrier.code,
        carrier_name=carrier.name,
        day=day,
        manifest_number=manifest.number if manifest else manifest_number(carrier.code, day),
        manifest_status=str(manifest.status) if manifest else "",
        closed_at=manifest.closed_at if manifest else None,
        closed_by=closed_by,
        loaded=loaded,
        waiting=waiting,
        pull=pull,
        unlabelled=unlabelled,
    )


def status_for(store: Store, carrier_code: str) -> DockStatus:
    with store.read() as session:
        return dock_status(session, carrier_code)


def carrier_choices(store: Store) -> list[CarrierChoice]:
    with store.read() as session:
        return carriers(session)


# --------------------------------------------------------------------------- write side


@dataclass(frozen=True)
class LoadResult:
    parcel: ParcelLine
    manifest_number: str
    loaded: int  # parcels on today's manifest after this scan
    waiting: int  # packed parcels of this carrier still not loaded
    order_complete: bool  # every parcel of the order is now loaded


def _find_parcel(uow: UnitOfWork, raw: str) -> tuple[Parcel, Order]:
    code = parcel_code(raw)
    if not code:
        raise DomainError("Scan a parcel label: the SSCC or the tracking number")
    # Exact matches only, so the unique indexes answer; tracking numbers are
    # printed in upper case, a hand-typed one may not be.
    typed = {code, clean_scan(raw).replace(" ", "")}
    row = uow.session.exec(
        select(Parcel, Order)
        .join(Order, col(Order.id) == Parcel.order_id)
        .where((Parcel.sscc == code) | col(Parcel.tracking_number).in_(typed))
        .with_for_update(of=(Order, Parcel), key_share=True)
    ).first()
    if row is None:
        raise NotFound(f"No parcel {excerpt(code)}: scan the SSCC or tracking number on its label")
    return row[0], row[1]


def _who(session: Session, operator_id: int | None) -> str:
    op = session.get(Operator, operator_id) if operator_id else None
    return op.name if op else "someone"


def _today_manifest(uow: UnitOfWork, carrier: Carrier, day: date) -> Manifest:
    m = uow.session.exec(
        select(Manifest).where(Manifest.carrier_id == carrier.id, Manifest.day == day)
    ).first()
    if m is None:
        # Two dock terminals loading the day's first parcels at once: the second
        # waits for the first's insert and inserts nothing, then reads its row.
        dialect = postgresql if uow.session.get_bind().dialect.name == "postgresql" else sqlite
        uow.session.execute(
            dialect.insert(Manifest)
            .values(
                number=manifest_number(carrier.code, day),
                carrier_id=carrier.id,
                day=day,
                status=ManifestStatus.OPEN,
                pdf_file="",
                csv_file="",
            )
            .on_conflict_do_nothing()
        )
        m = uow.session.exec(
            select(Manifest).where(Manifest.carrier_id == carrier.id, Manifest.day == day)
        ).one()
    return m


def _check_loadable(session: Session, parcel: Parcel, order: Order, carrier: Carrier) -> None:
    code = parcel.sscc or parcel.tracking_number
    tz = warehouse_zone(session)
    if order.status == OrderStatus.CANCELLED:
        raise DomainError(
            f"Order {order.name} was cancelled after packing — take parcel {code} out"
        )
    if parcel.status == ParcelStatus.VOID:
        raise DomainError(f"Parcel {code} was voided (label replaced) — take it out")
    if parcel.status == ParcelStatus.OPEN:
        raise DomainError(f"Parcel {code} of {order.name} is still open at the pack station")
    if order.carrier_id != carrier.id:
        other = session.get(Carrier, order.carrier_id) if order.carrier_id else None
        where = f"{other.name}, not {carrier.name}" if other else "no carrier"
        raise DomainError(f"Parcel {code} of {order.name} is for {where} — keep it off this truck")
    if parcel.status == ParcelStatus.LOADED:
        at = days.local_time(parcel.loaded_at, tz)
        who = _who(session, parcel.loaded_by_id)
        raise DomainError(f"Parcel {code} was already loaded at {at} by {who}")
    if parcel.status == ParcelStatus.MANIFESTED:
        m = session.get(Manifest, parcel.manifest_id) if parcel.manifest_id else None
        raise DomainError(f"Parcel {code} already left on manifest {m.number if m else '?'}")
    if order.status != OrderStatus.PACKED:
        raise DomainError(
            f"Order {order.name} is {OrderStatus(order.status).label}; only packed orders load"
        )


@retrying
def load_parcel(store: Store, actor: Actor, carrier_code: str, raw: str) -> LoadResult:
    """Scan one parcel onto ``carrier_code``'s truck (today's manifest)."""
    actor.require(Role.PACKER, Role.SUPERVISOR, action="load parcels")
    with store.unit_of_work() as uow:
        s = uow.session
        carrier = find_carrier(s, carrier_code)
        parcel, order = _find_parcel(uow, raw)
        _check_loadable(s, parcel, order, carrier)
        now = utcnow()
        day = days.local_day(now, warehouse_zone(s))
        manifest = _today_manifest(uow, carrier, day)
        if manifest.status == ManifestStatus.CLOSED:
            raise DomainError(
                f"{carrier.name}'s manifest {manifest.number} is closed — "
                f"parcel {parcel.sscc or parcel.tracking_number} goes tomorrow"
            )
        parcel.status = ParcelStatus.LOADED
        parcel.loaded_at = now
        parcel.loaded_by_id = actor.operator_id
        parcel.manifest_id = manifest.id
        uow.add(parcel)
        events.log(
            uow,
            actor,
            EventKind.PARCEL_LOADED,
            order=order,
            detail=f"{parcel.sscc or parcel.tracking_number} {parcel.seq}/{parcel.count} "
            f"{carrier.code} {manifest.number}",
        )
        # Owed to the shop from the moment it is on the truck; sent by `wms sync`.
        shop_fulfilments.queue(uow, parcel, order)
        uow.flush()
        loaded = s.exec(
            select(func.count()).select_from(Parcel).where(Parcel.manifest_id == manifest.id)
        ).one()
        waiting = s.exec(
            select(func.count())
            .select_from(Parcel)
            .join(Order, col(Order.id) == Parcel.order_id)
            .where(
                Order.carrier_id == carrier.id,
                Order.status == OrderStatus.PACKED,
                Parcel.status == ParcelStatus.CLOSED,
            )
        ).one()
        open_of_order = s.exec(
            select(func.count())
            .select_from(Parcel)
            .where(
                Parcel.order_id == order.id,
                col(Parcel.status).in_((ParcelStatus.OPEN, ParcelStatus.CLOSED)),
            )
        ).one()
        line = parcel_lines(s, Parcel.id == parcel.id)[0]
        number = manifest.number
        uow.commit()
    return LoadResult(line, number, int(loaded), int(waiting), open_of_order == 0)


@dataclass(frozen=True)
class TakeOutResult:
    parcel: ParcelLine
    voided: bool  # the order was cancelled: the parcel is void and must be unpacked


@retrying
def take_out(store: Store, actor: Actor, carrier_code: str, raw: str) -> TakeOutResult:
    """Take a parcel off the truck (loaded by mistake, or its order was cancelled).

    A loaded parcel goes back to *packed, waiting*. A parcel whose order was
    cancelled after packing is voided instead, and an exception asks for it to
    be unpacked and its goods restocked.
    """
    actor.require(Role.PACKER, Role.SUPERVISOR, action="take parcels off the truck")
    with store.unit_of_work() as uow:
        s = uow.session
        carrier = find_carrier(s, carrier_code)
        parcel, order = _find_parcel(uow, raw)
        shown = parcel.sscc or parcel.tracking_number
        cancelled = order.status == OrderStatus.CANCELLED
        if parcel.status == ParcelStatus.MANIFESTED:
            m = s.get(Manifest, parcel.manifest_id) if parcel.manifest_id else None
            raise DomainError(
                f"Parcel {shown} is on closed manifest {m.number if m else '?'}; it has left"
            )
        if order.carrier_id != carrier.id:
            raise DomainError(f"Parcel {shown} of {order.name} is not a {carrier.name} parcel")
        if parcel.status == ParcelStatus.LOADED:
            m = s.get(Manifest, parcel.manifest_id) if parcel.manifest_id else None
            if m is not None and m.status == ManifestStatus.CLOSED:
                raise DomainError(f"Parcel {shown} is on closed manifest {m.number}; it has left")
        elif not (cancelled and parcel.status == ParcelStatus.CLOSED):
            raise DomainError(f"Parcel {shown} of {order.name} is not on the truck")
        was = str(parcel.status)
        parcel.loaded_at = None
        parcel.loaded_by_id = None
        parcel.manifest_id = None
        parcel.status = ParcelStatus.VOID if cancelled else ParcelStatus.CLOSED
        uow.add(parcel)
        events.log(
            uow,
            actor,
            EventKind.PARCEL_VOIDED if cancelled else EventKind.PARCEL_UNLOADED,
            order=order,
            from_state=was,
            to_state=str(parcel.status),
            detail=f"{shown} {parcel.seq}/{parcel.count}"
            + (" order cancelled after packing" if cancelled else ""),
        )
        shop_fulfilments.withdraw(uow, parcel, order, actor)
        if cancelled:
            uow.add(
                WmsException(
                    kind=ExceptionKind.CANCELLED_AFTER_PACK,
                    order_id=order.id,
                    location="dispatch",
                    operator_id=actor.operator_id,
                    operator_name=actor.name,
                    terminal=actor.terminal,
                    message=f"Unpack parcel {shown} of cancelled order {order.name} "
                    "and restock its goods",
                )
            )
        uow.flush()
        line = parcel_lines(s, Parcel.id == parcel.id)[0]
        uow.commit()
    return TakeOutResult(line, cancelled)
