"""The flow per hour counted stretch by stretch (hour_rows._flow_ranges) gives
the grouped statement's rows: periods that start and end anywhere in an hour, a split
inside an hour or on its edge, events on the boundaries, other kinds and statuses."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import insert

from wms_tui.domain.enums import EventKind as K
from wms_tui.domain.enums import OrderStatus as S
from wms_tui.domain.models import Event
from wms_tui.services.insight import hour_rows, hour_statements
from wms_tui.store import Store

T0 = datetime(2026, 3, 9, 22, 30, tzinfo=UTC)  # a day starting at :30 UTC (UTC+5:30's)
SPAN = timedelta(hours=30)


@pytest.fixture
def log(empty_store: Store) -> Store:
    rng = random.Random(7)
    states = [s.value for s in S]
    rows = []
    for i in range(600):
        # Whole minutes and hours now and then: events exactly on a stretch's edge.
        minutes = rng.choice((rng.randint(0, 30 * 60), 60 * rng.randint(0, 30)))
        at = T0 + timedelta(minutes=minutes, microseconds=rng.choice((0, 0, 123456)))
        kind = rng.choice((K.ORDER_STATUS, K.ORDER_STATUS, K.ORDER_STATUS, K.PICK_UNIT))
        rows.append(dict(at=at, kind=kind.value, terminal="T", order_name=f"#{i}",
                         to_state=rng.choice(states) if kind is K.ORDER_STATUS else "",
                         from_state="", location="", from_location="", to_location="",
                         delivery_ref="", prior_terminal="", prior_operator="", detail="",
                         operator_name="", sku="", qty=0))  # fmt: skip
    with empty_store.engine.begin() as cx:
        cx.execute(insert(Event.__table__), rows)  # type: ignore[attr-defined]
    return empty_store


def _grouped(session, start, end, split):  # noqa: ANN001, ANN202 - the statement before
    states = {to: stage for stage, to in hour_statements.FLOW_STAGES}
    return hour_rows._parts(
        (states[to], hour_rows.bucket_start(b), int(n), p)
        for to, b, n, p in hour_rows.run_built(
            session, hour_statements.flow_statement, start=start, end=end, split=split
        )
    )


MINUTES = st.integers(0, 30 * 60).map(lambda m: T0 + timedelta(minutes=m))


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(a=MINUTES, b=MINUTES, c=MINUTES, split_none=st.booleans())
def test_ranges_give_the_grouped_rows(log: Store, a, b, c, split_none: bool) -> None:  # noqa: ANN001
    start, end = min(a, b), max(a, b) + timedelta(seconds=1)
    split = None if split_none else c
    with log.read() as session:
        got = hour_rows.flow_rows(session, start, end, split)
        want = _grouped(session, start, end, end if split is None else split)
    assert [sorted(part) for part in got] == [sorted(part) for part in want]


def test_a_period_longer_than_two_days_is_grouped(log: Store, monkeypatch) -> None:  # noqa: ANN001
    def refuse(*_a, **_k):  # noqa: ANN002, ANN003, ANN202
        raise AssertionError("counted by stretches")

    monkeypatch.setattr(hour_rows, "_flow_ranges", refuse)
    with log.read() as session:
        got = hour_rows.flow_rows(session, T0, T0 + SPAN + timedelta(hours=20))
    assert sum(n for _, _, n in got[0]) == _status_changes_in_flow(log)


def _status_changes_in_flow(store: Store) -> int:
    from sqlmodel import col, func, select

    with store.read() as s:
        return int(
            s.exec(
                select(func.count()).where(
                    Event.kind == K.ORDER_STATUS,
                    col(Event.to_state).in_([to for _, to in hour_statements.FLOW_STAGES]),
                )
            ).one()
        )
