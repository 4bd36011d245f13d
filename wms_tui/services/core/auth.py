"""Badge lookup for commands run outside the TUI."""

from __future__ import annotations

from sqlmodel import select

from wms_tui.domain.actor import Actor
from wms_tui.domain.errors import NotFound
from wms_tui.domain.models import Operator
from wms_tui.domain.scans import clean_scan
from wms_tui.store import Store


def badge_actor(store: Store, badge: str, terminal: str) -> Actor:
    """The operator behind a badge, for a command run outside the TUI (``--badge``).

    No login event: the command's own events carry the operator and terminal.
    """
    code = clean_scan(badge)
    if not code:
        raise NotFound("Say who you are: --badge with your badge number")
    with store.read() as s:
        op = s.exec(select(Operator).where(Operator.badge == code)).first()
        if op is None or not op.active:
            raise NotFound(f"Unknown badge {code}: see a supervisor")
        return Actor(operator_id=op.id, name=op.name, roles=op.role_set, terminal=terminal)
