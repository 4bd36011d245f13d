"""An operator's session on a terminal: badge (and PIN) login and logout.

Logout belongs here, not in the shared kernel, because it ends the operator's
work in progress (a claimed pick task is paused in the same transaction).
"""

from __future__ import annotations

from wms_tui.domain.actor import Actor
from wms_tui.domain.credentials import Credential
from wms_tui.domain.enums import EventKind
from wms_tui.services.core import events
from wms_tui.store import Store, retrying


@retrying
def login(store: Store, badge: str, terminal: str, pin: str = "") -> Actor:
    """The operator behind ``badge`` (and ``pin``), with a login event.

    Raises :class:`~wms_tui.services.core.pins.PinNeeded` when the operator
    has a PIN (every supervisor does) and none was given: the screen then asks
    for it. Failed attempts are logged and throttled (``services/core/pins``).
    """
    # Here, not at the top: argon2 and the event queries load after the login
    # screen is painted.
    from wms_tui.services.core.pins import authenticate

    actor = authenticate(store, Credential(badge, pin), terminal)
    with store.unit_of_work() as uow:
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
    from wms_tui.services.picking.holding import pause_at_logout

    with store.unit_of_work() as uow:
        paused = pause_at_logout(uow, actor, idle=idle)
        events.log(uow, actor, EventKind.LOGOUT, detail="idle" if idle else "")
        uow.commit()
    return paused
