"""The pack pace: one rule for every screen that says whether a cut-off is made.

The dispatch overview (*at risk*), the delay list (*pace*) and the shift
dashboard (each cut-off's *makes it* / *will miss*) all take the pace from
:func:`read` and walk the same pack queue with it
(:func:`overview_rules.pack_queue_risk`), so they cannot disagree about an
order or a cut-off.

* **What is measured**: orders packed by a person (an ``order.status`` event to
  PACKED with an operator; imported orders are not work) in the last
  :data:`WINDOW` (60 minutes). The pack station is the last step before the
  truck and every order passes it once, so its recent rate is what the floor
  delivers now: it rises and falls with the packers on shift, and a slow pick
  shows up as packers waiting. An average since the first pack of the day
  would still count the morning's crew at 15:00.
* **The start of a shift**: minutes of the window before the day's first pack
  count at the house's planned pace (``planned_packs_per_hour``), so three
  quick packs at 08:05 do not promise 36 an hour and the plan gives way to
  the measured pace minute by minute until 09:05.
* **Nobody packed in the window** (before the first pack, a break, a stop):
  the planned pace, marked *planned* on the screens. The alternative, no pace
  at all, would call every order of the day at risk during a lunch break.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from wms_tui.domain.enums import EventKind, OrderStatus
from wms_tui.domain.models import Event
from wms_tui.services.dispatch.overview_rules import as_utc

WINDOW = timedelta(minutes=60)


@dataclass(frozen=True)
class Pace:
    """Orders packed per hour, and where the number comes from."""

    per_hour: float
    measured: bool  # False: nobody packed in the window, the planned pace
    in_window: int  # orders packed in the last WINDOW
    planned_per_hour: float

    @property
    def basis(self) -> str:
        """``last 60 min`` or ``planned``: what the screens print beside the pace."""
        return f"last {WINDOW.seconds // 60} min" if self.measured else "planned"


def rule(
    in_window: int, first_today: datetime | None, now: datetime, planned_per_hour: float
) -> Pace:
    """The pace from the packs of the last :data:`WINDOW` (see the module's rules).

    ``first_today`` is the day's first pack (None: none today, or the window's
    packs were all before midnight)."""
    if in_window <= 0:
        return Pace(planned_per_hour, False, 0, planned_per_hour)
    window_h = WINDOW.total_seconds() / 3600
    unmeasured_h = 0.0
    if first_today is not None and first_today > now - WINDOW:
        unmeasured_h = (first_today - (now - WINDOW)).total_seconds() / 3600
    per_hour = (in_window + planned_per_hour * unmeasured_h) / window_h
    return Pace(per_hour, True, in_window, planned_per_hour)


def read(session: Session, now: datetime, day_start: datetime, planned_per_hour: float) -> Pace:
    """The pace at ``now``: the window's packs, the first of them, and whether any pack
    today came before the window (one statement, two ranges of the covering kind index)."""
    since = now - WINDOW
    packed = (
        Event.kind == EventKind.ORDER_STATUS,
        Event.to_state == OrderStatus.PACKED.value,
        col(Event.operator_id).is_not(None),
    )
    # Whether any pack today came before the window: then the window is all measured.
    before_window = (
        select(Event.id)
        .where(*packed, Event.at >= day_start, Event.at <= since)
        .correlate(None)  # the same table as the outer query's, not a row of it
        .exists()
    )
    in_window, first, earlier = session.exec(
        select(func.count(), func.min(Event.at), before_window).where(
            *packed, Event.at > since, Event.at <= now
        )
    ).one()
    first_today = None if first is None or earlier or as_utc(first) < day_start else as_utc(first)
    return rule(int(in_window), first_today, now, planned_per_hour)
