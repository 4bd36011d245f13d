"""The insight rules on plain numbers: rates, accuracy, percentiles, ages, pace."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from wms_tui.services.insight import rules
from wms_tui.services.insight.rules import CutoffWork

NOW = datetime(2026, 3, 10, 13, 0, tzinfo=UTC)


def test_rates_are_none_rather_than_a_division_by_zero() -> None:
    assert rules.per_hour(6, 2) == 3.0
    assert rules.per_hour(6, 0) is None
    assert rules.per_thousand(1, 6) == pytest.approx(166.667, abs=1e-3)
    assert rules.per_thousand(3, 0) is None
    assert rules.rate_per_minute(30, 60) == 0.5
    assert rules.rate_per_minute(30, 0) == 0.0


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


def test_carriers_are_worked_in_cutoff_order_on_the_current_pace() -> None:
    work = [
        CutoffWork("DHL", at(15), units_to_pick=3, units_to_pack=3),
        CutoffWork("PN", at(13, 30), units_to_pick=2, units_to_pack=6),
        CutoffWork("UPS", at(16), units_to_pick=0, units_to_pack=0),
        CutoffWork("CJ", at(14), units_to_pick=1, units_to_pack=1),
    ]
    out = {p.key: p for p in rules.project(work, NOW, pick_per_min=1.0, pack_per_min=1.0)}
    assert [p.key for p in rules.project(work, NOW, 1.0, 1.0)] == ["PN", "CJ", "DHL", "UPS"]
    assert out["PN"].verdict == rules.MAKES_IT and out["PN"].pack_done_at == at(13, 6)
    # CJ waits for PN: 3 picks and 7 packs in all, done 13:07, before 14:00
    assert out["CJ"].pick_done_at == at(13, 3) and out["CJ"].pack_done_at == at(13, 7)
    assert out["DHL"].verdict == rules.MAKES_IT and out["DHL"].pack_done_at == at(13, 10)
    assert out["UPS"].verdict == rules.DONE and out["UPS"].short == 0


def test_a_slow_pace_says_how_many_units_will_be_short() -> None:
    work = [
        CutoffWork("PN", at(13, 30), units_to_pick=2, units_to_pack=6),
        CutoffWork("DHL", at(15), units_to_pick=3, units_to_pack=3),
    ]
    pn, dhl = rules.project(work, NOW, pick_per_min=2 / 60, pack_per_min=3 / 60)
    assert (pn.verdict, pn.pick_done_at, pn.pack_done_at, pn.short) == (
        rules.WILL_MISS, at(14), at(15), 5,
    )  # fmt: skip
    assert (dhl.verdict, dhl.pick_done_at, dhl.pack_done_at, dhl.short) == (
        rules.WILL_MISS, at(15, 30), at(16), 3,
    )  # fmt: skip


def test_no_pace_never_finishes_and_a_gone_truck_is_missed() -> None:
    work = [
        CutoffWork("PN", at(12), units_to_pick=1, units_to_pack=4),  # its truck has left
        CutoffWork("DHL", at(15), units_to_pick=2, units_to_pack=2),
        CutoffWork("ANY", None, units_to_pick=1, units_to_pack=1),
    ]
    pn, dhl, anyc = rules.project(work, NOW, pick_per_min=0.0, pack_per_min=0.0)
    assert (pn.verdict, pn.short) == (rules.MISSED, 4)
    assert dhl.verdict == rules.WILL_MISS and dhl.pick_done_at is None and dhl.short == 2
    assert anyc.verdict == rules.NO_CUTOFF and anyc.pack_done_at is None
    # the missed truck's units took no pace from the next one
    _, dhl2, _ = rules.project(work, NOW, pick_per_min=1.0, pack_per_min=1.0)
    assert dhl2.pack_done_at == at(13, 2) and dhl2.verdict == rules.MAKES_IT
