"""Authenticating an operator: badge, then PIN, with throttling and a lock.

A badge identifies (anyone can read one off a lanyard); a PIN authenticates.
Supervisors must have a PIN, and every supervisor approval at a station asks
for it; any other operator is asked for theirs once one is set.

PINs are stored as argon2id hashes (argon2-cffi). Every failed attempt, an
unknown badge included, is an ``auth.failed`` event with the terminal and the
time, committed even though the attempt itself is refused. Three house rules
(``setting`` table) bound guessing:

* ``failed_logins_per_terminal`` failures at one terminal within
  ``login_throttle_seconds`` make that terminal wait (badge enumeration);
* ``failed_pins_per_badge`` wrong PINs for one badge within the same window make
  that badge wait, from every terminal;
* ``pin_lock_after`` wrong PINs in a row lock the badge until a supervisor
  sets a new PIN (``wms operators set-pin``).
"""

from __future__ import annotations

from datetime import timedelta
from functools import cache

from sqlmodel import Session, col, func, select

from wms_tui.domain.actor import Actor
from wms_tui.domain.clock import utcnow
from wms_tui.domain.credentials import Credential, pin_problem
from wms_tui.domain.enums import EventKind, Role
from wms_tui.domain.errors import DomainError, NotFound, PermissionDenied
from wms_tui.domain.models import Event, Operator
from wms_tui.domain.shown import excerpt
from wms_tui.services.core import events, settings
from wms_tui.services.core.badges import actor_for, badge_code, find_operator, operator_by_badge
from wms_tui.store import Store, UnitOfWork, retrying

FAILED = EventKind.AUTH_FAILED


class PinNeeded(DomainError):
    """The badge is known and its operator has a PIN: ask for it (nothing was counted)."""


class Throttled(PermissionDenied):
    """Too many failures here or for this badge just now: wait and try again."""


@cache
def _hasher():
    # Imported on first use: a handheld paints its login screen before this.
    from argon2 import PasswordHasher

    # OWASP's argon2id minimum (19 MiB, 2 passes): about 30 ms here, so a
    # stolen store file costs a guesser that per PIN.
    return PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)


def hash_pin(pin: str) -> str:
    problem = pin_problem(pin)
    if problem:
        raise DomainError(problem)
    return _hasher().hash(pin)


def pin_matches(stored: str, pin: str) -> bool:
    from argon2.exceptions import InvalidHashError, VerificationError

    if not stored or pin_problem(pin):
        return False
    try:
        return _hasher().verify(stored, pin)
    except (VerificationError, InvalidHashError):
        return False


def needs_pin(op: Operator) -> bool:
    return bool(op.pin_hash) or Role.SUPERVISOR.value in op.role_set


def _failures(session: Session, since, **where) -> int:
    q = select(func.count()).select_from(Event).where(Event.kind == FAILED, Event.at >= since)
    for column, value in where.items():
        q = q.where(col(getattr(Event, column)) == value)
    return session.exec(q).one()


def _fail(uow: UnitOfWork, op: Operator | None, terminal: str, detail: str) -> None:
    who = Actor(operator_id=op.id if op else None, name=op.name if op else "", terminal=terminal)
    events.log(uow, who, FAILED, detail=detail)
    uow.commit()


@retrying
def authenticate(
    store: Store,
    credential: Credential,
    terminal: str,
    *,
    role: Role | None = None,
    action: str = "",
    pin_required: bool = False,
) -> Actor:
    """The active operator behind ``credential``, once their PIN checks out.

    ``role``: refuse (before the PIN is asked) an operator without it, for
    ``action``. ``pin_required``: an operator without a PIN is refused too
    (approvals). Raises :class:`PinNeeded` when the PIN is missing.
    """
    code = badge_code(credential.badge)
    if not code:
        raise NotFound("Scan or type your badge")
    since = utcnow() - timedelta(seconds=_setting_window(store))
    with store.unit_of_work() as uow:
        s = uow.session
        if _failures(s, since, terminal=terminal) >= settings.get_int(
            s, "failed_logins_per_terminal"
        ):
            raise Throttled(f"Too many failed log-ins at {excerpt(terminal)}: wait a minute")
        op = find_operator(s, code)
        if op is None or not op.active:
            _fail(uow, None, terminal, f"unknown badge {excerpt(code)}")
            raise NotFound(f"Unknown badge {excerpt(code)}: see a supervisor")
        if role is not None and role.value not in op.role_set:
            raise PermissionDenied(f"{op.name} is not a {role} and cannot approve {action}")
        if not needs_pin(op) and not pin_required:
            return actor_for(op, terminal)
        if not op.pin_hash:
            raise PermissionDenied(
                f"{op.name} has no PIN yet: a supervisor sets one (wms operators set-pin)"
            )
        if op.pin_failures >= settings.get_int(s, "pin_lock_after"):
            _fail(uow, op, terminal, "badge locked")
            raise PermissionDenied(
                f"Badge {op.badge} is locked after wrong PINs: a supervisor sets a new PIN"
            )
        if _failures(s, since, operator_id=op.id) >= settings.get_int(s, "failed_pins_per_badge"):
            raise Throttled(f"Too many wrong PINs for {op.badge}: wait a minute")
        if not credential.pin:
            raise PinNeeded(f"Enter the PIN for {op.badge}")
        if not pin_matches(op.pin_hash, credential.pin):
            op.pin_failures += 1
            uow.add(op)
            left = settings.get_int(s, "pin_lock_after") - op.pin_failures
            _fail(uow, op, terminal, f"wrong PIN ({op.pin_failures} in a row)")
            if left <= 0:
                raise PermissionDenied(f"Wrong PIN: badge {op.badge} is now locked")
            raise PermissionDenied(f"Wrong PIN for {op.badge} ({left} more before it locks)")
        if op.pin_failures:
            op.pin_failures = 0
            uow.add(op)
            uow.commit()
        return actor_for(op, terminal)


def _setting_window(store: Store) -> int:
    with store.read() as s:
        return settings.get_int(s, "login_throttle_seconds")


@retrying
def set_pin(store: Store, actor: Actor, badge: str, pin: str) -> str:
    """A supervisor sets (or resets) an operator's PIN; it also unlocks the badge.

    An operator may also change their own PIN. Returns the operator's name.
    """
    problem = pin_problem(pin)
    with store.unit_of_work() as uow:
        if not actor.has(Role.SUPERVISOR):
            own = find_operator(uow.session, badge)
            if own is None or own.id != actor.operator_id:
                actor.require(Role.SUPERVISOR, action="set another operator's PIN")
        op = operator_by_badge(uow.session, badge)
        if problem:
            raise DomainError(problem)
        op.pin_hash = hash_pin(pin)
        op.pin_failures = 0
        uow.add(op)
        events.log(uow, actor, EventKind.AUTH_PIN_SET, detail=f"PIN set for {op.badge} ({op.name})")
        uow.commit()
        return op.name


@retrying
def first_pin(store: Store, badge: str, pin: str, terminal: str) -> str | None:
    """Set a supervisor's PIN when no supervisor has one yet (a store from before
    PINs, or a new one set up without); None if one already does, so the caller
    asks for a supervisor's badge and PIN instead.

    Like the first setup import, this is the one step that cannot be approved
    by someone: whoever can run ``wms`` against the store takes it.
    """
    problem = pin_problem(pin)
    with store.unit_of_work() as uow:
        s = uow.session
        sups = [o for o in s.exec(select(Operator)) if Role.SUPERVISOR.value in o.role_set]
        if any(o.pin_hash for o in sups):
            return None
        op = operator_by_badge(s, badge)
        if Role.SUPERVISOR.value not in op.role_set:
            raise PermissionDenied(
                f"No supervisor has a PIN yet: set {excerpt(badge_code(badge))}'s "
                "after a supervisor's own"
            )
        if problem:
            raise DomainError(problem)
        op.pin_hash = hash_pin(pin)
        op.pin_failures = 0
        uow.add(op)
        who = actor_for(op, terminal)
        events.log(uow, who, EventKind.AUTH_PIN_SET, detail=f"first supervisor PIN, for {op.badge}")
        uow.commit()
        return op.name
