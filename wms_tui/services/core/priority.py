"""Which order goes first: the house ranking, used wherever orders compete.

The orders screen, release, backorder retries (who gets arriving stock), waves,
the pack queue, cycle-count re-allocation and the stock screen all rank with it.

Most urgent first:

1. supervisor priority, higher first: an explicit decision beats the rules
   (the orders screen's "priority up" must be able to move an order to the top);
2. the cut-off the order has to make: its ship day at its service's cut-off on
   the warehouse clock. Orders that already missed theirs sort first;
3. express services before standard ones at the same cut-off;
4. age, oldest first; then id, so the order is stable.

Ship day (the same-day rule): an order created before the house's
``same_day_cutoff`` (default 12:00, warehouse time) on a working day, and before
its service's own cut-off, is due that day; otherwise it is due the next working
day (Monday to Friday). The importer stores the result in
``Order.promised_ship_date`` so the rule is applied once, at the time the order
arrived, and SQL can sort on it (:func:`order_by`).

:func:`order_sort_key` (Python, for lists already loaded) and :func:`order_by`
(SQL, needs ``Service`` outer-joined on ``Order.service_id``) agree for every
order with a ``promised_ship_date``; orders without one (made by hand or by
tests) are given one on the fly in Python and sort last in SQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session, col

from wms_tui.domain.models import Order, Service
from wms_tui.services.core import settings
from wms_tui.services.core.clock import warehouse_zone

# Orders without a carrier service are due at the end of their ship day.
END_OF_DAY = time(23, 59)


@dataclass(frozen=True)
class PriorityRules:
    tz: ZoneInfo
    same_day_cutoff: time = time(12, 0)


def parse_clock(text: str) -> time:
    """'12:00' or '1200' as a time; ValueError with a readable message otherwise."""
    raw = text.strip().replace(".", ":")
    if ":" not in raw and len(raw) in (3, 4) and raw.isdigit():
        raw = f"{raw[:-2]}:{raw[-2:]}"
    try:
        hh, mm = raw.split(":")
        return time(int(hh), int(mm))
    except ValueError:
        raise ValueError(f"'{text}' is not a time of day like 12:00") from None


def load_rules(session: Session) -> PriorityRules:
    try:
        cutoff = parse_clock(settings.get(session, "same_day_cutoff"))
    except ValueError:
        cutoff = parse_clock(settings.DEFAULTS["same_day_cutoff"])
    return PriorityRules(tz=warehouse_zone(session), same_day_cutoff=cutoff)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5


def next_working_day(day: date) -> date:
    day += timedelta(days=1)
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def ship_day(created_at: datetime, service_cutoff: time | None, rules: PriorityRules) -> date:
    """The day an order created at ``created_at`` is due to leave (the same-day rule)."""
    local = created_at.astimezone(rules.tz)
    last_call = rules.same_day_cutoff
    if service_cutoff is not None:
        last_call = min(last_call, service_cutoff)
    day = local.date()
    if not is_working_day(day) or local.time() >= last_call:
        day = next_working_day(day)
    return day


def due_at(order: Order, service: Service | None, rules: PriorityRules) -> datetime:
    """When the order must be on the truck: its ship day at its service's cut-off, in UTC."""
    cutoff = service.cutoff if service is not None else None
    day = order.promised_ship_date or ship_day(order.created_at, cutoff, rules)
    return datetime.combine(day, cutoff or END_OF_DAY, tzinfo=rules.tz).astimezone(UTC)


def order_sort_key(order: Order, service: Service | None, rules: PriorityRules) -> tuple:
    """Sort key, most urgent first (see the module docstring)."""
    return (
        -order.priority,
        due_at(order, service, rules),
        not (service.express if service is not None else False),
        order.created_at,
        order.id or 0,
    )


def order_by(*, least_urgent_first: bool = False) -> list[Any]:
    """The same ordering in SQL; the query must outer-join ``Service`` on ``Order.service_id``.

    ``least_urgent_first`` turns it exactly round (for "who gives up stock first").
    """
    if least_urgent_first:
        return [
            col(Order.priority).asc(),
            col(Order.promised_ship_date).desc().nulls_first(),
            col(Service.cutoff).desc().nulls_first(),
            col(Service.express).asc().nulls_first(),
            col(Order.created_at).desc(),
            col(Order.id).desc(),
        ]
    return [
        col(Order.priority).desc(),
        col(Order.promised_ship_date).asc().nulls_last(),
        col(Service.cutoff).asc().nulls_last(),
        col(Service.express).desc().nulls_last(),
        col(Order.created_at).asc(),
        col(Order.id).asc(),
    ]
