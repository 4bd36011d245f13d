"""A supervisor's say-so at a floor terminal: badge and PIN typed at the station.

Short-shipping a line, accepting a parcel weight outside tolerance, linking a
barcode and taking over an order another station abandoned need a
supervisor. The logged-in operator may be one (they logged in with their
PIN); otherwise a supervisor walks over and enters badge and PIN, and the log
names them as the one who approved.

Two steps, because a wrong PIN must be counted even though the action is
refused: :func:`verify` authenticates the approver in a transaction of its own
before the use case opens its unit of work; :func:`supervisor` then decides,
inside it, who approves.
"""

from __future__ import annotations

from wms_tui.domain.actor import Actor
from wms_tui.domain.credentials import Credential
from wms_tui.domain.enums import Role
from wms_tui.domain.errors import PermissionDenied
from wms_tui.services.core.badges import badge_code
from wms_tui.store import Store

Approver = Credential | None


def verify(store: Store, actor: Actor, approver: Approver, *, action: str = "this") -> Actor | None:
    """The supervisor behind ``approver`` (badge and PIN checked), or None if none was given."""
    if approver is None or not badge_code(approver.badge):
        return None
    from wms_tui.services.core.pins import authenticate

    return authenticate(
        store, approver, actor.terminal, role=Role.SUPERVISOR, action=action, pin_required=True
    )


def supervisor(actor: Actor, approved: Actor | None, *, action: str) -> Actor:
    """Who approves ``action``: the verified supervisor, or the actor if they are one."""
    if approved is not None:
        return approved
    if actor.has(Role.SUPERVISOR):
        return actor
    raise PermissionDenied(
        f"A supervisor must approve {action}: scan a supervisor badge, then the PIN"
    )


def check(store: Store, actor: Actor, approver: Credential, *, action: str = "this") -> Credential:
    """``approver`` if it would approve (or is empty and the actor is a supervisor);
    raises with the reason otherwise. For a dialog to refuse a wrong badge or PIN
    while the supervisor is still standing there."""
    supervisor(actor, verify(store, actor, approver, action=action), action=action)
    return Credential(badge_code(approver.badge), approver.pin)
