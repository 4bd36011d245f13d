"""The insight rules on plain numbers: rates, accuracy, percentiles, ages, verdicts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from wms_tui.services.insight import rules

NOW = datetime(2026, 3, 10, 13, 0, tzinfo=UTC)


def test_rates_are_none_rather_than_a_division_by_zero() -> None:
    assert rules.per_hour(6, 2) == 3.0
    assert rules.per_hour(6, 0) is None
    assert rules.per_thousand(1, 6) == pytest.approx(166.667, abs=1e-3)
    assert rules.per_thousand(3, 0) is None


def test_percentiles_interpolate_between_ranks() -> None:
    assert rules.percentile([360, 1440], 50) == 900
    assert rules.percentile([1440, 360], 90) == pytest.approx(1332)
    assert rules.percentile([5], 90) == 5
    assert rules.percentile([1, 2, 3, 4], 0) == 1 and rules.percentile([1, 2, 3, 4], 100) == 4
    assert rules.percentile([], 50) is None
    with pytest.raises(ValueError, match="between 0 and 100"):
        rules.percentile([1], 101)


def test_backorder_ages_fall_in_their_buckets_and_empty_buckets_stay() -> None:
    since = [NOW - timedelta(hours=h) for h in (0, 23.9, 24, 71, 72, 167, 168, 1000)]
    assert rules.age_counts(since, NOW) == {
        "< 1 day": 2, "1-2 days": 2, "3-6 days": 2, "7+ days": 2,
    }  # fmt: skip
    buckets = ("< 1 day", "1-2 days", "3-6 days", "7+ days")
    assert rules.age_counts([], NOW) == dict.fromkeys(buckets, 0)
    # a clock behind the row (another terminal's) is "just now", not negative
    assert rules.age_counts([NOW + timedelta(minutes=5)], NOW)["< 1 day"] == 1


def test_the_age_thresholds_the_dashboard_counts_by_in_sql_give_the_same_buckets() -> None:
    def by_threshold(when: datetime) -> str:  # what the dashboard's CASE does
        return next(label for label, since in rules.age_since(NOW) if since is None or when > since)

    hours = (-0.1, 0, 1e-6, 23.9, 24, 24.000001, 71.99, 72, 167, 168, 168.5, 1000)
    for h in hours:
        when = NOW - timedelta(hours=h)
        assert {by_threshold(when): 1} == {
            k: n for k, n in rules.age_counts([when], NOW).items() if n
        }


def at(hh: int, mm: int = 0) -> datetime:
    return NOW.replace(hour=hh, minute=mm)


def test_a_cutoff_is_named_by_its_orders_left_and_those_the_pack_queue_reaches_late() -> None:
    assert rules.verdict(0, at(15), NOW, 0) == rules.DONE
    assert rules.verdict(0, at(12), NOW, 0) == rules.DONE  # gone, but nothing was left
    assert rules.verdict(3, None, NOW, 0) == rules.NO_CUTOFF
    assert rules.verdict(3, at(12), NOW, 0) == rules.MISSED
    assert rules.verdict(3, NOW, NOW, 0) == rules.MISSED  # the truck leaves at its cut-off
    assert rules.verdict(3, at(15), NOW, 1) == rules.WILL_MISS
    assert rules.verdict(3, at(15), NOW, 0) == rules.MAKES_IT
