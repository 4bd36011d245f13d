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
from wms_tui.domain.enums import OrderStatus, Role
from wms_tui.domain.errors import DomainError
from wms_tui.domain.models import Order
from wms_tui.services import events, settings
from wms_tui.services.priority import parse_clock
from wms_tui.store import Store

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
    actor.require(Role.SUPERVISOR, action="change the grace period")
    if not 0 <= minutes <= MAX_GRACE_MINUTES:
        raise DomainError(f"Grace period must be 0 to {MAX_GRACE_MINUTES} minutes, not {minutes}")
    with store.unit_of_work() as uow:
        old = settings.get_int(uow.session, "grace_period_minutes")
        settings.put(uow.session, "grace_period_minutes", str(minutes))
        moved = 0
        for order in uow.session.exec(select(Order).where(Order.status == OrderStatus.NEW)):
            order.release_at = order.created_at + timedelta(minutes=minutes)
            uow.add(order)
            moved += 1
        events.log(uow, actor, "setting.changed", detail=f"grace_period_minutes {old} → {minutes}")
        uow.commit()
    return moved


def set_same_day_cutoff(store: Store, actor: Actor, text: str) -> str:
    """Set the same-day cut-off (warehouse time); applies to orders arriving from now on."""
    actor.require(Role.SUPERVISOR, action="change the same-day cut-off")
    try:
        value = parse_clock(text).strftime("%H:%M")
    except ValueError as exc:
        raise DomainError(str(exc)) from None
    with store.unit_of_work() as uow:
        old = settings.get(uow.session, "same_day_cutoff")
        settings.put(uow.session, "same_day_cutoff", value)
        events.log(uow, actor, "setting.changed", detail=f"same_day_cutoff {old} → {value}")
        uow.commit()
    return value
