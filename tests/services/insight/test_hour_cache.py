"""The dashboard's kept past (services/insight/hour_cache.py): a warm refresh gives
exactly the numbers of a cold one, after new events in the current hour, after an
hour rolls over, refresh after refresh a few minutes apart, and after an event
stamped in the kept past."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import select

from tests.worlds.insight import NOW, Shift, build_shift, t
from wms_tui.domain.actor import SYSTEM, Actor
from wms_tui.domain.clock import set_clock
from wms_tui.domain.enums import EventKind as K
from wms_tui.domain.enums import OrderStatus as S
from wms_tui.domain.errors import StoreBusy
from wms_tui.domain.models import InsightKept, Order
from wms_tui.services.core import events
from wms_tui.services.insight import hour_cache
from wms_tui.services.insight.dashboard import Dashboard, dashboard
from wms_tui.services.insight.metrics import CycleTimes
from wms_tui.store import Store


@pytest.fixture
def shift(empty_store: Store) -> Shift:
    hour_cache.forget(empty_store)
    return build_shift(empty_store)


def _same(d: Dashboard) -> Dashboard:
    # The dispatches' minutes come back in no particular order; the percentiles sort them.
    return dataclasses.replace(d, cycle=CycleTimes(tuple(sorted(d.cycle.minutes))))


def _cold(shift: Shift, now: datetime) -> Dashboard:
    """A build from the event log alone: nothing kept in this process or in the store."""
    hour_cache.forget_everywhere(shift.store)
    return _same(dashboard(shift.store, shift.boss, now))


def _log(shift: Shift, at: datetime, actor: Actor, kind: K, order: str, **kw) -> None:  # noqa: ANN003
    set_clock(lambda: at)
    try:
        with shift.store.unit_of_work() as uow:
            o = uow.session.exec(select(Order).where(Order.name == order)).one()
            events.log(uow, actor, kind, order=o, **kw)
            uow.commit()
    finally:
        set_clock(None)


def _pick(shift: Shift, at: datetime, order: str, sku: str, bin_: str, qty: int = 1) -> None:
    _log(shift, at, shift.picker, K.PICK_UNIT, order, sku=sku, qty=qty, from_location=bin_,
         to_location="T-0001")  # fmt: skip


def test_a_warm_refresh_reads_only_the_time_not_kept(shift: Shift) -> None:
    dashboard(shift.store, shift.boss, NOW)
    kept = hour_cache._kept[shift.store]
    # 13:00 UTC: everything up to 12:50 is kept (the last SETTLE may still change)
    assert kept.until == t(12, 50)
    assert {h for _, h, _ in kept.rows.flow} <= {t(h, 0) for h in range(7, 13)}
    warm = _same(dashboard(shift.store, shift.boss, NOW))
    assert warm == _cold(shift, NOW)


def test_new_events_in_the_current_hour_count_as_in_a_cold_build(shift: Shift) -> None:
    dashboard(shift.store, shift.boss, NOW)
    # Ana carries on #B's MUG line from A-01 begun at 10:05 (a unit, no new line),
    # starts a new one from A-02, and Karin dispatches #M.
    _pick(shift, t(13, 20), "#B", "MUG-1", "A-01")
    _pick(shift, t(13, 21), "#B", "MUG-1", "A-02")
    _log(shift, t(13, 25), SYSTEM, K.ORDER_STATUS, "#M", from_state=S.PACKED.value,
         to_state=S.DISPATCHED.value)  # fmt: skip
    now = t(13, 30)
    warm = _same(dashboard(shift.store, shift.boss, now))
    cold = _cold(shift, now)
    assert warm == cold
    ana = next(p for p in warm.pickers if p.name == "Ana Lindqvist")
    assert (ana.count, ana.units) == (4, 7)  # 3 lines + the A-02 one; 5 + 2 units


def test_an_hour_rolling_over_gives_the_cold_numbers(shift: Shift) -> None:
    dashboard(shift.store, shift.boss, NOW)
    # Bo's #K MUG line began at 12:30 (not yet kept at 13:00); it carries on at
    # 13:50, after 12:00 became a kept hour, and at 14:02 after 13:00 did.
    bo = _actor_of(shift, "Bo Ek")
    _log(shift, t(13, 5), bo, K.PICK_REFUSED, "#K", qty=1)
    dashboard(shift.store, shift.boss, t(13, 40))
    assert hour_cache._kept[shift.store].until == t(13, 30)
    _log(shift, t(13, 50), bo, K.PICK_UNIT, "#K", sku="MUG-1", qty=1, from_location="A-01")
    dashboard(shift.store, shift.boss, t(14, 5))
    _log(shift, t(14, 2), bo, K.PICK_UNIT, "#K", sku="MUG-1", qty=1, from_location="A-01")
    for now in (t(14, 5), t(14, 20), t(15, 30)):
        warm = _same(dashboard(shift.store, shift.boss, now))
        assert hour_cache._kept[shift.store].until == now - hour_cache.SETTLE
        assert warm == _cold(shift, now)
        dashboard(shift.store, shift.boss, now)  # warm again for the next turn
    bo_work = next(p for p in warm.pickers if p.name == "Bo Ek")
    assert (bo_work.count, bo_work.units, bo_work.refused) == (3, 6, 2)


def test_refreshes_minutes_apart_keep_the_cold_numbers_and_few_rows(shift: Shift) -> None:
    # Every 4 minutes from 13:00 to 14:20, events arrive between refreshes: Bo's #K MUG
    # line goes on a unit at a time (one line, begun at 12:30, across many kept
    # boundaries), Ana starts a new line each time in turn, refusals, a dispatch.
    bo = _actor_of(shift, "Bo Ek")
    dashboard(shift.store, shift.boss, NOW)
    for i in range(1, 21):
        now = t(13 + (4 * i) // 60, (4 * i) % 60)
        at = now - (now - t(13, 0)) / (8 * i)  # a moment ago, never in the kept past
        _log(shift, at, bo, K.PICK_UNIT, "#K", sku="MUG-1", qty=1, from_location="A-01")
        _pick(shift, at, "#B", "MUG-1", f"B-{i % 3:02d}")
        _log(shift, at, bo, K.PICK_REFUSED, "#K", qty=1)
        if i == 11:
            _log(shift, at, SYSTEM, K.ORDER_STATUS, "#M", from_state=S.PACKED.value,
                 to_state=S.DISPATCHED.value)  # fmt: skip
        warm = _same(dashboard(shift.store, shift.boss, now))
        assert hour_cache._kept[shift.store].until == now - hour_cache.SETTLE
        assert warm == _cold(shift, now), now
        dashboard(shift.store, shift.boss, now)  # warm again for the next turn
    kept = hour_cache._kept[shift.store].rows
    # one row per person and hour, however many refreshes joined them
    assert len(kept.picks) == len({(r[0], r[2]) for r in kept.picks})
    assert len(kept.refused) == len({(r[0], r[2]) for r in kept.refused})
    bo_work = next(p for p in warm.pickers if p.name == "Bo Ek")
    assert (bo_work.count, bo_work.refused) == (3, 21)
    ana = next(p for p in warm.pickers if p.name == "Ana Lindqvist")
    assert ana.count == 3 + 3  # her 3 lines, then #B from B-01, B-02 and B-00


def test_an_event_stamped_in_a_kept_hour_drops_the_kept_rows(shift: Shift) -> None:
    dashboard(shift.store, shift.boss, t(13, 30))
    assert hour_cache._kept[shift.store].until == t(13, 20)
    # a replay or an import writing the past: Ana picked #C's SOCK at 09:30
    _pick(shift, t(9, 30), "#C", "SOCK-1", "C-01")
    warm = _same(dashboard(shift.store, shift.boss, t(13, 35)))
    assert warm == _cold(shift, t(13, 35))
    assert next(p for p in warm.pickers if p.name == "Ana Lindqvist").count == 4


def test_an_earlier_now_or_another_day_is_built_cold(shift: Shift) -> None:
    dashboard(shift.store, shift.boss, t(15, 30))
    assert _same(dashboard(shift.store, shift.boss, NOW)) == _cold(shift, NOW)
    dashboard(shift.store, shift.boss, NOW)
    tomorrow = t(9, 0, day=11)
    assert _same(dashboard(shift.store, shift.boss, tomorrow)) == _cold(shift, tomorrow)


def _actor_of(shift: Shift, name: str) -> Actor:
    from wms_tui.domain.models import Operator

    with shift.store.read() as s:
        op = s.exec(select(Operator).where(Operator.name == name)).one()
        return Actor(op.id, op.name, ("picker",), "HH-2")


# One step of a random shift: minutes until the next refresh, and the events written
# before it, each (kind, order, minutes before the refresh, bin): stamped a moment ago
# or, now and then, in the kept past (a replay), as the store may see them.
STEP_EVENTS = st.lists(
    st.tuples(
        st.sampled_from(("pick", "refused", "dispatch", "pack", "undo", "qc")),
        st.sampled_from(("#B", "#C", "#K", "#M")),
        st.integers(0, 90),
        st.sampled_from(("A-01", "A-02", "B-01")),
    ),
    max_size=4,
)
# (minutes, events, whether the dashboard restarts first: it then finds only the store's rows)
STEPS = st.lists(st.tuples(st.integers(1, 75), STEP_EVENTS, st.booleans()), min_size=1, max_size=5)


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=STEPS)
def test_random_refreshes_and_events_keep_the_cold_numbers(shift: Shift, steps: list) -> None:
    """The kept past is an incremental read model of the event log: after any sequence
    of refreshes and events (a unit going on across kept boundaries, an event in the kept
    past, a dispatch, pack scans and undos), a warm refresh equals a cold build. The
    store is the fixture's for every example: the log only grows, as on a real floor."""
    bo = _actor_of(shift, "Bo Ek")
    packer = Actor(bo.operator_id, bo.name, ("packer",), "PACK-1")
    hour_cache.forget_everywhere(shift.store)
    now = NOW
    dashboard(shift.store, shift.boss, now)
    for minutes, written, restart in steps:
        now += timedelta(minutes=minutes)
        for kind, order, back, bin_ in written:
            at = now - timedelta(minutes=back)
            if kind == "pick":
                _log(shift, at, bo, K.PICK_UNIT, order, sku="MUG-1", qty=1, from_location=bin_)
            elif kind == "refused":
                _log(shift, at, bo, K.PICK_REFUSED, order, qty=1)
            elif kind == "dispatch":
                _log(shift, at, SYSTEM, K.ORDER_STATUS, order, from_state=S.PACKED.value,
                     to_state=S.DISPATCHED.value)  # fmt: skip
            else:
                k = {"pack": K.PACK_SCAN, "undo": K.PACK_UNDO, "qc": K.QC_FAIL}[kind]
                _log(shift, at, packer, k, order, sku="MUG-1", qty=-1 if kind == "undo" else 1)
        if restart:
            hour_cache.forget(shift.store)
        warm = _same(dashboard(shift.store, shift.boss, now))
        assert warm == _cold(shift, now), now
        dashboard(shift.store, shift.boss, now)  # warm again for the next step


# ---------------------------------------------------------------- kept in the store


def _started_later(shift: Shift, now: datetime, monkeypatch: pytest.MonkeyPatch) -> tuple:
    """A refresh by a dashboard that kept nothing in memory (a restart, another
    terminal: a new Store on the same database), and where it began reading the log."""
    read_from: list[datetime] = []
    real = hour_cache.hour_parts

    def spy(session, start, end, split, lines_since=None):  # noqa: ANN001, ANN202
        read_from.append(start)
        return real(session, start, end, split, lines_since)

    monkeypatch.setattr(hour_cache, "hour_parts", spy)
    other = Store(str(shift.store.engine.url.render_as_string(hide_password=False)))
    try:
        board = _same(dashboard(other, shift.boss, now))
    finally:
        other.dispose()
        monkeypatch.setattr(hour_cache, "hour_parts", real)
    return board, read_from


def test_a_dashboard_started_later_reads_the_day_kept_in_the_store(
    shift: Shift, monkeypatch: pytest.MonkeyPatch
) -> None:
    dashboard(shift.store, shift.boss, NOW)
    with shift.store.read() as s:
        row = s.get(InsightKept, hour_cache._kept[shift.store].day_start)
        assert row is not None and row.until == t(12, 50)
    # Ana carries on #B's MUG line begun at 10:05 and Karin dispatches #M after it
    _pick(shift, t(13, 20), "#B", "MUG-1", "A-01")
    _log(shift, t(13, 25), SYSTEM, K.ORDER_STATUS, "#M", from_state=S.PACKED.value,
         to_state=S.DISPATCHED.value)  # fmt: skip
    later, read_from = _started_later(shift, t(13, 30), monkeypatch)
    assert read_from == [t(12, 50)]  # the log after the kept rows, not the whole day
    assert later == _cold(shift, t(13, 30))
    ana = next(p for p in later.pickers if p.name == "Ana Lindqvist")
    assert (ana.count, ana.units) == (3, 6)


def test_the_store_keeps_one_day_moved_on_every_few_minutes(shift: Shift) -> None:
    dashboard(shift.store, shift.boss, t(13, 0, day=9))  # yesterday's rows
    hour_cache.forget(shift.store)
    dashboard(shift.store, shift.boss, NOW)
    dashboard(shift.store, shift.boss, NOW + hour_cache.STORE_EVERY / 2)
    with shift.store.read() as s:
        kept = [r.until for r in s.exec(select(InsightKept)).all()]
    assert kept == [t(12, 50)]  # yesterday's gone; not rewritten yet
    dashboard(shift.store, shift.boss, NOW + hour_cache.STORE_EVERY)
    with shift.store.read() as s:
        assert [r.until for r in s.exec(select(InsightKept)).all()] == [t(12, 55)]


def test_store_rows_with_an_event_stamped_in_their_past_are_read_again(
    shift: Shift, monkeypatch: pytest.MonkeyPatch
) -> None:
    dashboard(shift.store, shift.boss, NOW)
    _pick(shift, t(9, 30), "#C", "SOCK-1", "C-01")  # a replay writing the kept past
    later, read_from = _started_later(shift, t(13, 5), monkeypatch)
    assert len(read_from) == 1 and read_from[0] < t(7, 0)  # the whole day
    assert later == _cold(shift, t(13, 5))
    assert next(p for p in later.pickers if p.name == "Ana Lindqvist").count == 4


def test_unreadable_store_rows_are_read_from_the_log(
    shift: Shift, monkeypatch: pytest.MonkeyPatch
) -> None:
    dashboard(shift.store, shift.boss, NOW)
    with shift.store.unit_of_work() as uow:
        row = uow.session.exec(select(InsightKept)).one()
        row.rows = '{"format": 0}'  # written by another version of wms
        uow.session.add(row)
        uow.commit()
    later, read_from = _started_later(shift, t(13, 5), monkeypatch)
    assert len(read_from) == 1 and read_from[0] < t(12, 0)
    assert later == _cold(shift, t(13, 5))


def test_a_refresh_whose_cache_write_fails_still_answers(
    shift: Shift, monkeypatch: pytest.MonkeyPatch
) -> None:
    def busy() -> None:
        raise StoreBusy("The store is busy (another terminal is writing); try again")

    monkeypatch.setattr(shift.store, "unit_of_work", busy)
    board = _same(dashboard(shift.store, shift.boss, NOW))
    monkeypatch.undo()
    assert board == _cold(shift, NOW)
