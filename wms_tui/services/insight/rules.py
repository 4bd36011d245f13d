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
* **Pace.** The floor's current pace is the units picked (packed) in the last
  ``window`` minutes, per minute. Carriers are worked in cut-off order, so a
  carrier's work is done when the work of every carrier before it and its own
  is done: ``now + cumulative units / pace``. It makes its cut-off if both the
  picking and the packing of it finish by then; otherwise ``short`` is how many
  units the pace leaves undone at the cut-off (of the stage furthest behind).
* **Backorder age** is counted from the moment the order became BACKORDERED,
  in the buckets of :data:`AGE_BUCKETS`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
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


def rate_per_minute(units: float, window_minutes: float) -> float:
    return units / window_minutes if window_minutes > 0 else 0.0


MAKES_IT, WILL_MISS, MISSED, DONE, NO_CUTOFF = (
    "makes it", "will miss", "missed", "done", "no cut-off",
)  # fmt: skip


@dataclass(frozen=True)
class CutoffWork:
    """What a carrier still needs before its truck (input of :func:`project`)."""

    key: str
    cutoff_at: datetime | None
    units_to_pick: int
    units_to_pack: int


@dataclass(frozen=True)
class Projection:
    key: str
    cutoff_at: datetime | None
    pick_done_at: datetime | None  # None: nothing to pick, or no pick pace
    pack_done_at: datetime | None
    verdict: str  # MAKES_IT, WILL_MISS, MISSED, DONE or NO_CUTOFF
    short: int  # units the pace leaves undone at the cut-off (0 unless WILL_MISS)


def _done_at(now: datetime, units: int, per_min: float) -> datetime | None:
    if units <= 0:
        return now
    if per_min <= 0:
        return None  # no pace: it never finishes at this rate
    return now + timedelta(minutes=units / per_min)


def project(
    work: Iterable[CutoffWork], now: datetime, pick_per_min: float, pack_per_min: float
) -> list[Projection]:
    """Each carrier's outlook, worked in cut-off order (see the module's rules)."""
    far = now + timedelta(days=3650)
    queue = sorted(work, key=lambda w: (w.cutoff_at or far, w.key))
    out: list[Projection] = []
    picks = packs = 0
    for w in queue:
        if w.units_to_pick <= 0 and w.units_to_pack <= 0:
            out.append(Projection(w.key, w.cutoff_at, now, now, DONE, 0))
            continue
        if w.cutoff_at is not None and w.cutoff_at <= now:
            # Its truck has gone: its work waits for tomorrow's and takes no pace today.
            out.append(Projection(w.key, w.cutoff_at, None, None, MISSED, w.units_to_pack))
            continue
        picks += max(0, w.units_to_pick)
        packs += max(0, w.units_to_pack)
        pick_at = _done_at(now, picks, pick_per_min)
        pack_at = _done_at(now, packs, pack_per_min)
        if w.cutoff_at is None:
            out.append(Projection(w.key, None, pick_at, pack_at, NO_CUTOFF, 0))
            continue
        late = [t for t in (pick_at, pack_at) if t is None or t > w.cutoff_at]
        if not late:
            out.append(Projection(w.key, w.cutoff_at, pick_at, pack_at, MAKES_IT, 0))
            continue
        minutes = (w.cutoff_at - now).total_seconds() / 60
        short = max(
            picks - math.floor(pick_per_min * minutes),
            packs - math.floor(pack_per_min * minutes),
        )
        # Only this carrier's own units can be short: the earlier ones come first.
        own = max(w.units_to_pick, w.units_to_pack)
        out.append(
            Projection(w.key, w.cutoff_at, pick_at, pack_at, WILL_MISS, max(1, min(short, own)))
        )
    return out
