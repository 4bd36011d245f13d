"""The insight rules: pure functions over plain numbers, tested without a store.

* **Per active hour.** A person's rate is what they did divided by the hours
  they were active: the clock hours (UTC hour buckets, so a report spanning
  days or a change of summer time counts each hour once) in which they did at
  least one such action. Someone who picked 40 lines between 09:10 and 09:50
  and 12 more at 11:05 was active 2 hours: 26 lines/hour. A span "first to
  last action" would charge the lunch break to the picker.
* **Per 1,000 units.** Pack accuracy counts, for each packer, scans taken back
  (undone: the wrong unit or one too many), units caught at QC, and returned
  units whose reason is ours-at-packing (cause PACK) on lines that packer
  scanned, each per 1,000 units the packer packed. No units, no rate (None):
  never a division by zero.
* **Percentiles** interpolate linearly between the closest ranks (numpy's
  default, PostgreSQL's ``percentile_cont``); an empty list has none.
* **Cut-offs.** Whether a cut-off is made is not decided here: the pace is
  :mod:`wms_tui.services.dispatch.pace`'s and the pack queue the dispatch
  overview's, so the dashboard and the overview agree order by order;
  :func:`verdict` only names the outcome.
* **Backorder age** is counted from the moment the order became BACKORDERED,
  in the buckets of :data:`AGE_BUCKETS`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

# (label, upper bound in hours; None = no bound), youngest first
AGE_BUCKETS: tuple[tuple[str, float | None], ...] = (
    ("< 1 day", 24),
    ("1-2 days", 72),
    ("3-6 days", 168),
    ("7+ days", None),
)


def per_hour(count: float, active_hours: int) -> float | None:
    """``count`` per active hour; None when nobody was active."""
    return count / active_hours if active_hours > 0 else None


def per_thousand(count: float, units: float) -> float | None:
    """``count`` per 1,000 ``units``; None when no unit was handled."""
    return 1000.0 * count / units if units > 0 else None


def percentile(values: Sequence[float], p: float) -> float | None:
    """The ``p``-th percentile (0-100) with linear interpolation; None if empty."""
    if not 0 <= p <= 100:
        raise ValueError(f"percentile {p} is not between 0 and 100")
    if not values:
        return None
    v = sorted(values)
    rank = (len(v) - 1) * p / 100
    lo, hi = math.floor(rank), math.ceil(rank)
    return v[lo] + (v[hi] - v[lo]) * (rank - lo)


def age_bucket(hours: float) -> str:
    for label, bound in AGE_BUCKETS:
        if bound is None or hours < bound:
            return label
    raise AssertionError("the last bucket has no bound")  # pragma: no cover


def age_since(now: datetime) -> list[tuple[str, datetime | None]]:
    """Each bucket with the moment its ages begin (``at > since``: younger than its bound),
    youngest first; the last has none. Counting by these in SQL gives :func:`age_counts`."""
    return [
        (label, None if bound is None else now - timedelta(hours=bound))
        for label, bound in AGE_BUCKETS
    ]


def age_counts(since: Iterable[datetime], now: datetime) -> dict[str, int]:
    """How many waited how long, in every bucket (empty buckets are 0)."""
    counts = {label: 0 for label, _ in AGE_BUCKETS}
    for at in since:
        counts[age_bucket(max(0.0, (now - at).total_seconds() / 3600))] += 1
    return counts


MAKES_IT, WILL_MISS, MISSED, DONE, NO_CUTOFF = (
    "makes it", "will miss", "missed", "done", "no cut-off",
)  # fmt: skip


def verdict(orders: int, cutoff_at: datetime | None, now: datetime, at_risk: int) -> str:
    """A cut-off's outlook from its orders still to pack and how many of them the pack
    queue reaches too late (the dispatch overview's *at risk*, at :mod:`pace`'s pace)."""
    if orders <= 0:
        return DONE
    if cutoff_at is None:
        return NO_CUTOFF
    if cutoff_at <= now:
        return MISSED  # its truck has gone: its work waits for the next one
    return WILL_MISS if at_risk > 0 else MAKES_IT
