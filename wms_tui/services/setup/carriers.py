"""Carriers' tracking setup: shown, and changed when a carrier gives a new range.

``wms carriers list`` shows each carrier's next number and how many are left;
``wms carriers set`` changes the format or the next serial. Every change is
checked (``carrier_tracking.check_setup``) and refused whole with one line if
it cannot number parcels or would print a number already on a parcel.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from wms_tui.domain.actor import Actor
from wms_tui.domain.enums import EventKind, Role
from wms_tui.domain.errors import DomainError, NotFound
from wms_tui.domain.identifiers.tracking import make_tracking_number
from wms_tui.domain.models import Carrier, Order, Parcel, Warehouse
from wms_tui.services.core import events
from wms_tui.services.setup import carrier_tracking
from wms_tui.store import Store, UnitOfWork, retrying


@dataclass(frozen=True)
class CarrierInfo:
    code: str
    name: str
    prefix: str
    length: int
    check: str
    next_serial: int
    next_number: str  # empty when the setup is wrong
    left: int
    problem: str = ""


def setup_country(session: Session) -> str:
    """The country S10 numbers end in: the warehouse's, or a stand-in before there is one."""
    wh = session.exec(select(Warehouse).order_by(col(Warehouse.id))).first()
    return wh.country_code if wh and wh.country_code else carrier_tracking.ANY_COUNTRY


def _info(carrier: Carrier, country: str) -> CarrierInfo:
    number, left, problem = "", 0, ""
    try:
        rule = carrier_tracking.check_setup(carrier, country, used_up_ok=True)
    except DomainError as exc:
        problem = str(exc)
    else:
        left = carrier_tracking.numbers_left(carrier, rule)
        if left:
            number = make_tracking_number(rule, carrier.tracking_next)
            if rule.suffix and country == carrier_tracking.ANY_COUNTRY:
                # Not the warehouse's country, which is not known yet: shown as a stand-in.
                number = number[: -len(rule.suffix)] + country
        else:
            problem = (
                f"Carrier {carrier.code} has no tracking numbers left: enter its new range "
                f"with {carrier_tracking.set_command(carrier.code)}"
            )
    return CarrierInfo(
        carrier.code,
        carrier.name,
        carrier.tracking_prefix,
        carrier.tracking_length,
        carrier.tracking_check,
        carrier.tracking_next,
        number,
        left,
        problem,
    )


def list_carriers(store: Store) -> list[CarrierInfo]:
    with store.read() as s:
        country = setup_country(s)
        return [_info(c, country) for c in s.exec(select(Carrier).order_by(col(Carrier.code)))]


@retrying
def change_tracking(
    store: Store,
    actor: Actor,
    code: str,
    *,
    prefix: str | None = None,
    length: int | None = None,
    check: str | None = None,
    next_serial: int | None = None,
) -> CarrierInfo:
    """Change a carrier's tracking format and/or next serial (a supervisor's job).

    Checked by :func:`retrack`: going back within the same format is refused,
    and so is a new format starting on a number some parcel carries.
    """
    actor.require(Role.SUPERVISOR, action="change a carrier's tracking numbers")
    if prefix is None and length is None and check is None and next_serial is None:
        raise DomainError("Nothing to change: give --prefix, --length, --check or --next")
    with store.unit_of_work() as uow:
        s = uow.session
        carrier = s.exec(
            select(Carrier)
            .where(Carrier.code == code.strip().upper())
            .with_for_update(key_share=True)
        ).first()
        if carrier is None:
            known = ", ".join(s.exec(select(Carrier.code).order_by(col(Carrier.code))).all())
            raise NotFound(f"No carrier {code!r}" + (f" (carriers: {known})" if known else ""))
        before, after = retrack(
            s, carrier, prefix=prefix, length=length, check=check, next_serial=next_serial
        )
        uow.add(carrier)
        log_retrack(uow, actor, carrier.code, before, after)
        info = _info(carrier, setup_country(s))
        uow.commit()
    return info


Setup = tuple[str, int, str, int]  # prefix, length, check, next serial


def tracking_of(carrier: Carrier) -> Setup:
    return (
        carrier.tracking_prefix,
        carrier.tracking_length,
        carrier.tracking_check,
        carrier.tracking_next,
    )


def retrack(
    session: Session,
    carrier: Carrier,
    *,
    prefix: str | None = None,
    length: int | None = None,
    check: str | None = None,
    next_serial: int | None = None,
    country: str | None = None,
) -> tuple[Setup, Setup]:
    """Change a carrier's tracking setup in ``session``; returns (before, after).

    Refused (:class:`DomainError`; the caller's transaction rolls the carrier
    back) when the setup cannot number parcels, when the serial goes back
    within the same format (the numbers between were printed on parcels
    already), or when the first new number is on a parcel. The caller holds
    the carrier's row lock (``with_for_update``). ``country``: the
    warehouse's, if the caller is changing it in the same transaction.
    """
    country = country or setup_country(session)  # read before the carrier is dirty
    before = tracking_of(carrier)
    if prefix is not None:
        carrier.tracking_prefix = prefix.strip().upper()
    if length is not None:
        carrier.tracking_length = length
    if check is not None:
        carrier.tracking_check = check.strip().lower()
    if next_serial is not None:
        carrier.tracking_next = next_serial
    after = tracking_of(carrier)
    try:
        rule = carrier_tracking.check_setup(carrier, country)
        if after[:3] == before[:3] and after[3] < before[3]:
            raise DomainError(
                f"Carrier {carrier.code}: the next serial can only go forward (it is "
                f"{before[3]}; the ones before it may be on parcels already)"
            )
        first = make_tracking_number(rule, carrier.tracking_next)
        used = session.exec(
            select(Order.name)
            .join(Parcel, col(Parcel.order_id) == col(Order.id))
            .where(Parcel.tracking_number == first)
        ).first()
        if used is not None:
            raise DomainError(
                f"Carrier {carrier.code}: {first} is already on a parcel of {used}; "
                "choose a next serial past the numbers printed"
            )
    except DomainError:
        # Put it back: a later query of the same transaction would otherwise
        # flush the refused values (a length PostgreSQL's INTEGER cannot hold).
        _set_tracking(carrier, before)
        raise
    return before, after


def _set_tracking(carrier: Carrier, setup: Setup) -> None:
    (
        carrier.tracking_prefix,
        carrier.tracking_length,
        carrier.tracking_check,
        carrier.tracking_next,
    ) = setup


def log_retrack(uow: UnitOfWork, actor: Actor, code: str, before: Setup, after: Setup) -> None:
    events.log(
        uow,
        actor,
        EventKind.CARRIER_TRACKING,
        detail=f"{code}: {_describe(before)} → {_describe(after)}",
    )


def _describe(setup: Setup) -> str:
    prefix, length, check, nxt = setup
    return f"prefix {prefix or '(none)'}, length {length}, {check}, next {nxt}"
