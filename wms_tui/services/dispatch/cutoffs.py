"""Which cut-off an order has to make: one rule for every screen that judges it.

The dispatch overview (its pack queue and *missed cut-off*), the delay list
(*missed cut-off*, *pace*) and the shift dashboard (each carrier's work left
per cut-off) all ask :meth:`Cutoffs.of` for an order, so they cannot disagree
about the same order:

* an order with a service must make its **service's** cut-off
  (``Service.cutoff`` on the day, on the warehouse's clock);
* an order with a carrier but no service must make the **carrier's pickup**:
  the latest cut-off of its services (the truck cannot leave before the last
  service it carries closes), which is also the cut-off a carrier's row shows;
* an order with neither has no cut-off.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from wms_tui.domain import shipping_days as days
from wms_tui.domain.models import Service


@dataclass(frozen=True)
class Cutoffs:
    """The day's cut-offs, local times by service and by carrier (see the module)."""

    day: date
    tz: ZoneInfo
    service: dict[int, time]  # service id -> its cut-off
    carrier: dict[int, time]  # carrier id -> its pickup: the latest of its services

    def of(self, carrier_id: int | None, service_id: int | None) -> time | None:
        """The local cut-off an order of this carrier and service must make."""
        if service_id is not None and service_id in self.service:
            return self.service[service_id]
        if carrier_id is not None:
            return self.carrier.get(carrier_id)
        return None

    def at(self, carrier_id: int | None, service_id: int | None) -> datetime | None:
        """:meth:`of` on the day, as an aware UTC datetime."""
        cut = self.of(carrier_id, service_id)
        return self.on_day(cut) if cut is not None else None

    def on_day(self, cut: time) -> datetime:
        return days.cutoff_at(self.day, cut, self.tz)

    def pickup(self, carrier_id: int | None) -> time | None:
        """A carrier's truck: the latest cut-off of its services."""
        return self.carrier.get(carrier_id) if carrier_id is not None else None


def of_services(services: Iterable[Service], day: date, tz: ZoneInfo) -> Cutoffs:
    by_service: dict[int, time] = {}
    by_carrier: dict[int, time] = {}
    for s in services:
        assert s.id is not None
        by_service[s.id] = s.cutoff
        if s.carrier_id not in by_carrier or s.cutoff > by_carrier[s.carrier_id]:
            by_carrier[s.carrier_id] = s.cutoff
    return Cutoffs(day, tz, by_service, by_carrier)


def read(session: Session, day: date, tz: ZoneInfo) -> Cutoffs:
    """The cut-offs of ``day`` (one small query)."""
    return of_services(session.exec(select(Service)), day, tz)
