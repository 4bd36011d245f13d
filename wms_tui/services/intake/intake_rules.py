"""The intake house rules: grace period and same-day cut-off (``setting`` table).

Changing the grace period moves the release time of every order still waiting
in it (NEW), so "grace 0" releases the waiting orders at the next release tick
instead of only the ones that arrive afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlmodel import select

from wms_tui.domain.actor import Actor
from wms_tui.domain.enums import EventKind, OrderStatus, Role
from wms_tui.domain.errors import DomainError
from wms_tui.domain.models import Order
from wms_tui.services.core import events, settings
from wms_tui.services.core.priority import parse_clock
from wms_tui.store import Store, retrying

MAX_GRACE_MINUTES = 24 * 60


@dataclass(frozen=True)
class IntakeRules:
    grace_period_minutes: int
    same_day_cutoff: str


def read_rules(store: Store) -> IntakeRules:
    with store.read() as s:
        return IntakeRules(
            settings.get_int(s, "grace_period_minutes"), settings.get(s, "same_day_cutoff")
        )


def set_grace_period(store: Store, actor: Actor, minutes: int) -> int:
    """Set the grace period; returns how many waiting orders got a new release time."""
    moved, _ = set_rules(store, actor, grace=minutes)
    return moved


def set_same_day_cutoff(store: Store, actor: Actor, text: str) -> str:
    """Set the same-day cut-off (warehouse time); applies to orders arriving from now on."""
    _, value = set_rules(store, actor, cutoff=text)
    return value  # type: ignore[return-value]


@retrying
def set_rules(
    store: Store, actor: Actor, *, grace: int | None = None, cutoff: str | None = None
) -> tuple[int, str | None]:
    """Change either rule or both, all or nothing: every value is checked before
    anything is written. Returns (waiting orders moved, the cut-off as stored)."""
    if grace is not None:
        actor.require(Role.SUPERVISOR, action="change the grace period")
        if not 0 <= grace <= MAX_GRACE_MINUTES:
            raise DomainError(f"Grace period must be 0 to {MAX_GRACE_MINUTES} minutes, not {grace}")
    value = None
    if cutoff is not None:
        actor.require(Role.SUPERVISOR, action="change the same-day cut-off")
        try:
            value = parse_clock(cutoff).strftime("%H:%M")
        except ValueError as exc:
            raise DomainError(str(exc)) from None
    moved = 0
    with store.unit_of_work() as uow:
        s = uow.session
        if grace is not None:
            old = settings.get_int(s, "grace_period_minutes")
            settings.put(s, "grace_period_minutes", str(grace))
            for order in s.exec(select(Order).where(Order.status == OrderStatus.NEW)):
                order.release_at = order.created_at + timedelta(minutes=grace)
                uow.add(order)
                moved += 1
            detail = f"grace_period_minutes {old} → {grace}"
            events.log(uow, actor, EventKind.SETTING_CHANGED, detail=detail)
        if value is not None:
            old = settings.get(s, "same_day_cutoff")
            settings.put(s, "same_day_cutoff", value)
            events.log(
                uow, actor, EventKind.SETTING_CHANGED, detail=f"same_day_cutoff {old} → {value}"
            )
        uow.commit()
    return moved, value
