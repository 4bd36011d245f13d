"""The app's one clock: frozen by tests, pinned by the demo's replay of past days."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from wms_tui.domain import clock


def test_pinned_runs_the_block_at_the_given_time_and_moves_on_request() -> None:
    start = datetime(2026, 11, 18, 8, 0, 0, 123456, tzinfo=timezone(timedelta(hours=1)))
    with clock.pinned(start) as move:
        assert clock.utcnow() == datetime(2026, 11, 18, 7, 0, tzinfo=UTC)
        move(datetime(2026, 11, 18, 16, 30, tzinfo=UTC))
        assert clock.utcnow() == datetime(2026, 11, 18, 16, 30, tzinfo=UTC)
    assert abs(clock.utcnow() - datetime.now(UTC)) < timedelta(minutes=1)


def test_pinned_gives_back_the_clock_a_test_had_set_even_after_an_error() -> None:
    frozen = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
    clock.set_clock(lambda: frozen)
    with pytest.raises(RuntimeError), clock.pinned(datetime(2026, 3, 1, tzinfo=UTC)):
        raise RuntimeError("a service refused")
    assert clock.utcnow() == frozen


def test_one_instant_holds_the_real_time_for_the_block_and_keeps_an_outer_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seconds = iter(range(60))
    monkeypatch.setattr(
        clock, "_real_now", lambda: datetime(2026, 3, 10, 12, 0, next(seconds), tzinfo=UTC)
    )
    with clock.one_instant() as at:
        assert at == datetime(2026, 3, 10, 12, 0, 0, tzinfo=UTC)
        assert clock.utcnow() == clock.utcnow() == at
        with clock.one_instant() as inner:
            assert inner == at
        assert clock.utcnow() == at
    # Outside, the clock moves again.
    assert clock.utcnow() == datetime(2026, 3, 10, 12, 0, 1, tzinfo=UTC)


def test_a_clock_set_on_purpose_moves_inside_one_instant() -> None:
    """A test's hand-built history moves its clock between the rows of one transaction."""
    now = {"at": datetime(2026, 3, 10, 6, 0, tzinfo=UTC)}
    clock.set_clock(lambda: now["at"])
    with clock.one_instant():
        now["at"] = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
        assert clock.utcnow() == now["at"]
