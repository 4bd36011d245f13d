"""The order life cycle: the one place that decides which status moves are legal.

```
NEW -> READY_TO_PICK -> PICKING -> PICKED -> PACKING -> PACKED -> DISPATCHED -> RETURNED
NEW -> BACKORDERED -> READY_TO_PICK
ON_HOLD and CANCELLED from any state before PACKED.
```

:func:`transition` is pure: it checks, mutates the order and returns the
:class:`Event` to append. ``services.events.change_status`` adds it to the unit
of work, so no status can change without a log row.
"""

from __future__ import annotations

from datetime import datetime

from wms_tui.domain.actor import Actor
from wms_tui.domain.clock import utcnow
from wms_tui.domain.enums import EventKind, Role
from wms_tui.domain.enums import OrderStatus as S
from wms_tui.domain.errors import DomainError, PermissionDenied
from wms_tui.domain.models import Event, Order

BEFORE_PACKED = frozenset({S.NEW, S.READY_TO_PICK, S.BACKORDERED, S.PICKING, S.PICKED, S.PACKING})

_FORWARD: dict[S, frozenset[S]] = {
    S.NEW: frozenset({S.READY_TO_PICK, S.BACKORDERED}),
    S.BACKORDERED: frozenset({S.READY_TO_PICK}),
    # Back to BACKORDERED when a short pick or re-import finds stock missing.
    S.READY_TO_PICK: frozenset({S.PICKING, S.BACKORDERED}),
    # Back to READY_TO_PICK when a task is cancelled before anything is picked.
    S.PICKING: frozenset({S.PICKED, S.BACKORDERED, S.READY_TO_PICK}),
    # PICKED -> PICKING: a supervisor asks for short-shipped units to be re-picked.
    S.PICKED: frozenset({S.PACKING, S.PICKING}),
    # PACKING -> PICKED releases the station lock; -> PICKING is a replacement
    # pick after a unit failed quality check.
    S.PACKING: frozenset({S.PACKED, S.PICKED, S.PICKING}),
    S.PACKED: frozenset({S.DISPATCHED}),
    S.DISPATCHED: frozenset({S.RETURNED}),
    S.RETURNED: frozenset(),
    S.ON_HOLD: frozenset(),  # handled below: back to where it was held from
    S.CANCELLED: frozenset(),
}

# Verbs for messages: "cannot be <verb>".
_VERB: dict[S, str] = {
    S.NEW: "reset to new",
    S.READY_TO_PICK: "released for picking",
    S.BACKORDERED: "backordered",
    S.PICKING: "picked",
    S.PICKED: "marked picked",
    S.PACKING: "packed",
    S.PACKED: "closed as packed",
    S.DISPATCHED: "dispatched",
    S.RETURNED: "returned",
    S.ON_HOLD: "put on hold",
    S.CANCELLED: "cancelled",
}


def allowed_targets(order: Order) -> frozenset[S]:
    current = S(order.status)
    targets = set(_FORWARD[current])
    if current in BEFORE_PACKED:
        targets |= {S.ON_HOLD, S.CANCELLED}
    if current is S.ON_HOLD:
        targets |= {S.CANCELLED}
        targets |= {order.held_from} if order.held_from else {S.NEW}
    if current is S.PACKED:
        # A cancellation after packing stops the parcel at the dock; only a
        # supervisor may do it (checked in transition()).
        targets |= {S.CANCELLED}
    return frozenset(targets)


def can_transition(order: Order, target: S) -> bool:
    return S(target) in allowed_targets(order)


def illegal_message(order: Order, target: S, last_by: str = "") -> str:
    current = S(order.status)
    by = f" by {last_by}" if last_by else ""
    if current is target:
        return f"Order {order.name} is already {current.label}{by}"
    if current is S.CANCELLED:
        return f"Order {order.name} was cancelled{by}; it cannot be {_VERB[target]}"
    if current is S.ON_HOLD:
        return f"Order {order.name} is on hold; release the hold first"
    return f"Order {order.name} is {current.label}{by}; it cannot be {_VERB[target]} now"


def transition(
    order: Order,
    target: S,
    actor: Actor,
    *,
    detail: str = "",
    last_by: str = "",
) -> Event:
    """Move ``order`` to ``target`` or raise :class:`DomainError`; nothing changes on error."""
    current, now = apply_transition(order, target, actor, last_by=last_by)
    return Event(
        at=now,
        kind=EventKind.ORDER_STATUS,
        operator_id=actor.operator_id,
        operator_name=actor.name,
        terminal=actor.terminal,
        order_id=order.id,
        order_name=order.name,
        from_state=current.value,
        to_state=S(target).value,
        detail=detail,
    )


def apply_transition(
    order: Order, target: S, actor: Actor, *, last_by: str = ""
) -> tuple[S, datetime]:
    """:func:`transition` without building its event: (status before, when).

    For a use case that writes thousands of status changes and their events
    as rows (a release batch); the rules are the same function.
    """
    target = S(target)
    if not can_transition(order, target):
        raise DomainError(illegal_message(order, target, last_by))
    current = S(order.status)
    if current is S.PACKED and target is S.CANCELLED and not actor.has(Role.SUPERVISOR):
        raise PermissionDenied(
            f"Order {order.name} is already packed; only a supervisor can cancel it now"
        )
    now = utcnow()
    if target is S.ON_HOLD:
        order.held_from = current
    elif current is S.ON_HOLD:
        order.held_from = None
        order.hold_reason = ""
    if target is S.CANCELLED:
        order.cancelled_at = order.cancelled_at or now
    order.status = target
    order.status_changed_at = now
    return current, now
