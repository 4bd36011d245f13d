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
sent later by ``wms sync`` (``services/shop/fulfilments.py``). What the dock
shows (the carriers, each one's loaded and waiting parcels) is :mod:`dock`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import cache

from sqlalchemy import bindparam
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
from wms_tui.domain.models import Carrier, Manifest, Order, Parcel, WmsException
from wms_tui.domain.scans import clean_scan
from wms_tui.domain.shown import excerpt
from wms_tui.services.core import events
from wms_tui.services.core.badges import operator_name
from wms_tui.services.core.clock import warehouse_zone
from wms_tui.services.dispatch.dock import ParcelLine, find_carrier, manifest_number, parcel_line
from wms_tui.services.exceptions import settle
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


@dataclass(frozen=True)
class LoadResult:
    parcel: ParcelLine
    manifest_number: str
    loaded: int  # parcels on today's manifest after this scan
    waiting: int  # packed parcels of this carrier still not loaded
    order_complete: bool  # every parcel of the order is now loaded


# The dock's statements, built once with bound parameters: a load runs each of them,
# and building a select cost more than running it (docs/performance.md).


@cache
def _parcel_by_code():
    return (
        select(Parcel, Order)
        .join(Order, col(Order.id) == Parcel.order_id)
        .where(
            (Parcel.sscc == bindparam("code"))
            | col(Parcel.tracking_number).in_(bindparam("typed", expanding=True))
        )
        .with_for_update(of=(Order, Parcel), key_share=True)
    )


@cache
def _manifest_of_day():
    return select(Manifest).where(
        Manifest.carrier_id == bindparam("carrier_id"), Manifest.day == bindparam("day")
    )


@cache
def _loaded_on():
    return (
        select(func.count())
        .select_from(Parcel)
        .where(Parcel.manifest_id == bindparam("manifest_id"))
    )


@cache
def _waiting_for():
    return (
        select(func.count())
        .select_from(Parcel)
        .join(Order, col(Order.id) == Parcel.order_id)
        .where(
            Order.carrier_id == bindparam("carrier_id"),
            Order.status == OrderStatus.PACKED,
            Parcel.status == ParcelStatus.CLOSED,
        )
    )


@cache
def _still_to_load():
    return (
        select(func.count())
        .select_from(Parcel)
        .where(
            Parcel.order_id == bindparam("order_id"),
            col(Parcel.status).in_((ParcelStatus.OPEN, ParcelStatus.CLOSED)),
        )
    )


def _find_parcel(uow: UnitOfWork, raw: str) -> tuple[Parcel, Order]:
    code = parcel_code(raw)
    if not code:
        raise DomainError("Scan a parcel label: the SSCC or the tracking number")
    # Exact matches only, so the unique indexes answer; tracking numbers are
    # printed in upper case, a hand-typed one may not be.
    typed = {code, clean_scan(raw).replace(" ", "")}
    row = uow.session.exec(_parcel_by_code(), params={"code": code, "typed": list(typed)}).first()
    if row is None:
        raise NotFound(f"No parcel {excerpt(code)}: scan the SSCC or tracking number on its label")
    return row[0], row[1]


def _today_manifest(uow: UnitOfWork, carrier: Carrier, day: date) -> Manifest:
    m = uow.session.exec(_manifest_of_day(), params={"carrier_id": carrier.id, "day": day}).first()
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
            _manifest_of_day(), params={"carrier_id": carrier.id, "day": day}
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
        who = operator_name(session, parcel.loaded_by_id)
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
        loaded = s.exec(_loaded_on(), params={"manifest_id": manifest.id}).one()
        waiting = s.exec(_waiting_for(), params={"carrier_id": carrier.id}).one()
        open_of_order = s.exec(_still_to_load(), params={"order_id": order.id}).one()
        line = parcel_line(s, parcel.id)
        number = manifest.number
        uow.commit()
    return LoadResult(line, number, int(loaded), int(waiting), open_of_order == 0)


def _stopped(uow: UnitOfWork, actor: Actor, order: Order) -> None:
    """The cancel's "stop the parcel" is done once it is off the truck: closed here, so
    the inbox shows one exception for the parcel, the unpacking it now waits for."""
    settle.close_open(
        uow, actor, order, ExceptionKind.CANCELLED_AFTER_PACK, "parcel stopped, taken off the truck"
    )


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
            _stopped(uow, actor, order)
            uow.add(
                WmsException.raised_by(
                    actor,
                    ExceptionKind.CANCELLED_AFTER_PACK,
                    f"Unpack parcel {shown} of cancelled order {order.name} and restock its goods",
                    order_id=order.id,
                    location="dispatch",
                )
            )
        uow.flush()
        line = parcel_line(s, parcel.id)
        uow.commit()
    return TakeOutResult(line, cancelled)
