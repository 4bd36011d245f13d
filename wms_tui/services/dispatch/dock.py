"""The dispatch dock as the hand-over screen and the manifest see it: the carriers
with parcels to load, each carrier's parcels loaded and packed ones still
waiting, and the manifest they go on. Reads only.

The manifest the dock shows is the one a close would take
(:func:`manifest_day_to_close`): the carrier's oldest open manifest with parcels
loaded, else today's. A shift loading past the warehouse's midnight leaves the
earlier day's parcels on an open manifest; showing only today's hid exactly
what the next close dispatches.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache

from sqlalchemy import bindparam
from sqlmodel import Session, col, func, select

from wms_tui.domain import shipping_days as days
from wms_tui.domain.clock import utcnow
from wms_tui.domain.enums import ManifestStatus, OrderStatus, ParcelStatus
from wms_tui.domain.errors import NotFound
from wms_tui.domain.models import Carrier, Manifest, Operator, Order, Parcel, Service
from wms_tui.domain.scans import clean_scan
from wms_tui.services.core.clock import warehouse_zone
from wms_tui.store import Store


def manifest_number(carrier_code: str, day: date) -> str:
    """``POSTNORD-20261124``: one manifest per carrier and day, readable on paper."""
    return f"{carrier_code}-{day:%Y%m%d}"


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


@cache
def _one_parcel():
    return _parcel_query().where(Parcel.id == bindparam("parcel_id"))


def parcel_line(session: Session, parcel_id: int) -> ParcelLine:
    """One parcel's line, as :func:`parcel_lines` gives it (built once: every load asks)."""
    return _line(*session.exec(_one_parcel(), params={"parcel_id": parcel_id}).one())


@cache
def _carrier_by_code():
    return select(Carrier).where(func.upper(Carrier.code) == bindparam("code"))


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
    # The warehouse's today: ``day`` is earlier when an earlier manifest is still open.
    today: date | None = None
    # PACKED orders with no parcel at all: nothing to scan, ask the pack station.
    unlabelled: list[str] = field(default_factory=list)

    @property
    def closed(self) -> bool:
        return self.manifest_status == ManifestStatus.CLOSED

    @property
    def earlier(self) -> bool:
        """The manifest shown is an earlier day's, still open: it closes before today's."""
        return self.today is not None and self.day < self.today


def manifest_day_to_close(session: Session, carrier_id: int | None, today: date) -> date:
    """The day of the carrier's oldest open manifest before ``today`` with parcels
    loaded on it, else ``today``: the manifest a close takes, and the dock shows."""
    earlier = session.exec(
        select(Manifest.day)
        .join(Parcel, col(Parcel.manifest_id) == Manifest.id)
        .where(
            Manifest.carrier_id == carrier_id,
            Manifest.status == ManifestStatus.OPEN,
            Manifest.day < today,
            Parcel.status == ParcelStatus.LOADED,
        )
        .order_by(col(Manifest.day))
        .limit(1)
    ).first()
    return earlier or today


def find_carrier(session: Session, code: str) -> Carrier:
    code = clean_scan(code).upper()
    c = session.exec(_carrier_by_code(), params={"code": code}).first()
    if c is None:
        known = ", ".join(session.exec(select(Carrier.code).order_by(Carrier.code)).all())
        raise NotFound(f"Unknown carrier {code!r}: use one of {known}")
    return c


def carriers(session: Session, now: datetime | None = None) -> list[CarrierChoice]:
    """Carriers with parcels waiting or loaded, for the dock's carrier chooser: loaded
    counts today's manifest and the parcels still on an earlier day's open one."""
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
            .where(
                (Manifest.day == day)
                | (
                    (Manifest.day < day)
                    & (Manifest.status == ManifestStatus.OPEN)
                    & (Parcel.status == ParcelStatus.LOADED)
                )
            )
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
    today = days.local_day(now or utcnow(), warehouse_zone(session))
    day = day or manifest_day_to_close(session, carrier.id, today)
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
        today=today,
        unlabelled=unlabelled,
    )


def status_for(store: Store, carrier_code: str) -> DockStatus:
    with store.read() as session:
        return dock_status(session, carrier_code)


def carrier_choices(store: Store) -> list[CarrierChoice]:
    with store.read() as session:
        return carriers(session)
