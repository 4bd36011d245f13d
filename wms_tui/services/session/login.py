"""An operator's session on a terminal: badge login and logout.

Logout belongs here, not in the shared kernel, because it ends the operator's
work in progress (a claimed pick task is paused in the same transaction).
"""

from __future__ import annotations

from sqlmodel import select

from wms_tui.domain.actor import Actor
from wms_tui.domain.enums import EventKind
from wms_tui.domain.errors import NotFound
from wms_tui.domain.models import Operator
from wms_tui.domain.scans import clean_scan
from wms_tui.services.core import events
from wms_tui.store import Store, retrying


@retrying
def login(store: Store, badge: str, terminal: str) -> Actor:
    code = clean_scan(badge)
    if not code:
        raise NotFound("Scan or type your badge")
    with store.unit_of_work() as uow:
        op = uow.session.exec(select(Operator).where(Operator.badge == code)).first()
        if op is None or not op.active:
            raise NotFound(f"Unknown badge {code}: see a supervisor")
        actor = Actor(operator_id=op.id, name=op.name, roles=op.role_set, terminal=terminal)
        events.log(uow, actor, EventKind.LOGIN)
        uow.commit()
    return actor


@retrying
def logout(store: Store, actor: Actor, *, idle: bool = False) -> str | None:
    """Log the logout; a pick task claimed here is paused in the same transaction.

    Returns the code of that task, if any. An order open at a pack station
    stays open: the next packer at that bench goes on with it
    (``packing.left_on_bench``).
    """
    # Here, not at the top: login (the first thing a handheld does) stays light.
    from wms_tui.services.picking.walk import pause_at_logout

    with store.unit_of_work() as uow:
        paused = pause_at_logout(uow, actor, idle=idle)
        events.log(uow, actor, EventKind.LOGOUT, detail="idle" if idle else "")
        uow.commit()
    return paused
