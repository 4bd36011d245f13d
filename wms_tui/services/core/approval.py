"""A supervisor's say-so at a floor terminal: scanning their badge at the station.

Short-shipping a line, accepting a parcel weight outside tolerance and taking
over an order another station abandoned need a supervisor. The logged-in
operator may be one; otherwise a supervisor walks over and scans their badge,
and the log names them as the one who approved.
"""

from __future__ import annotations

from sqlmodel import Session, select

from wms_tui.domain.actor import Actor
from wms_tui.domain.enums import Role
from wms_tui.domain.errors import NotFound, PermissionDenied
from wms_tui.domain.models import Operator
from wms_tui.domain.scans import clean_scan
from wms_tui.store import Store


def supervisor(session: Session, actor: Actor, badge: str | None, *, action: str) -> Actor:
    """The supervisor approving ``action``: the actor, or whoever's badge was scanned."""
    code = clean_scan(badge or "")
    if not code:
        if actor.has(Role.SUPERVISOR):
            return actor
        raise PermissionDenied(f"A supervisor must approve {action}: scan a supervisor badge")
    op = session.exec(select(Operator).where(Operator.badge == code)).first()
    if op is None or not op.active:
        raise NotFound(f"Unknown badge {code}")
    if Role.SUPERVISOR.value not in op.role_set:
        raise PermissionDenied(f"{op.name} is not a supervisor and cannot approve {action}")
    return Actor(operator_id=op.id, name=op.name, roles=op.role_set, terminal=actor.terminal)


def check_badge(store: Store, actor: Actor, badge: str) -> str:
    """The badge, cleaned, if it belongs to a supervisor (or is empty and the
    actor is one); raises with the reason otherwise. For a dialog to refuse a
    wrong badge while the supervisor is still standing there."""
    with store.read() as s:
        supervisor(s, actor, badge, action="this")
    return clean_scan(badge)
