"""The one pace rule on plain numbers: the last 60 minutes' packs, the planned pace where
the window has none yet (services/dispatch/pace.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from wms_tui.services.dispatch.pace import WINDOW, rule

NOW = datetime(2026, 3, 10, 13, 0, tzinfo=UTC)


def test_the_pace_is_the_packs_of_the_last_hour() -> None:
    # A morning of 100 packs does not carry the afternoon: only the window counts.
    p = rule(12, None, NOW, planned_per_hour=30)
    assert (p.per_hour, p.measured, p.in_window, p.basis) == (12, True, 12, "last 60 min")
    assert timedelta(minutes=60) == WINDOW


def test_the_plan_fills_the_part_of_the_window_before_the_first_pack_of_the_day() -> None:
    # Three quick packs at 12:55 do not promise 36 an hour: 55 minutes at 30/h, then 3.
    p = rule(3, NOW - timedelta(minutes=5), NOW, planned_per_hour=30)
    assert p.per_hour == pytest.approx(3 + 30 * 55 / 60) and p.measured
    # Half an hour in, half the window is measured.
    assert rule(20, NOW - timedelta(minutes=30), NOW, 30).per_hour == pytest.approx(35)
    # A first pack exactly an hour ago leaves nothing to the plan.
    assert rule(20, NOW - WINDOW, NOW, 30).per_hour == 20


def test_nobody_packing_in_the_window_falls_back_to_the_plan() -> None:
    p = rule(0, None, NOW, planned_per_hour=30)
    assert (p.per_hour, p.measured, p.basis) == (30, False, "planned")
    assert rule(0, None, NOW, planned_per_hour=0).per_hour == 0
