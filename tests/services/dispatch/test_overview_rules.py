"""The dispatch overview's rules on plain tuples: no store, no clock.

Rows are ``(id, name, status, carrier, service, priority, promised, last event)``
as the overview's query returns them; here with PostgreSQL's value types
(date, aware datetime) and, where it matters, SQLite's ISO text.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from wms_tui.services.dispatch import overview_rules as rules

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
DAY = date(2026, 3, 10)
CUT_PN = NOW + timedelta(hours=3)  # PostNord (carrier 1, service 10) closes in 3 h
CUT_DHL = NOW - timedelta(minutes=30)  # DHL (carrier 2, service 20) closed


def cutoff_of(carrier: int | None, service: int | None) -> datetime | None:
    return {10: CUT_PN, 20: CUT_DHL}.get(service)  # type: ignore[arg-type]


def row(oid: int, status: str, service: int | None = 10, *, prio: int = 0, promised=None, last=NOW):  # noqa: ANN001, ANN201
    carrier = {10: 1, 20: 2}.get(service)  # type: ignore[arg-type]
    return (oid, f"#{oid}", status, carrier, service, prio, promised, last)


def test_pace_is_measured_from_the_first_pack_and_at_least_an_hour() -> None:
    five_hours_ago = NOW - timedelta(hours=5)
    assert rules.pace([(3, five_hours_ago), (1, NOW)], NOW, 30) == rules.Pace(0.8, True, 4)
    # Three quick packs ten minutes ago do not promise 18 an hour.
    assert rules.pace([(3, NOW - timedelta(minutes=10))], NOW, 30).per_hour == 3
    assert rules.pace([], NOW, 30) == rules.Pace(30, False, 0)


def test_the_pack_queue_goes_by_cutoff_then_stage_then_priority_then_age() -> None:
    rows = [
        row(1, "NEW"),
        row(2, "PACKING"),
        row(3, "PICKED", prio=5),
        row(4, "PICKED"),
        row(5, "NEW", service=None),  # no cut-off: last
    ]
    # One an hour, 3 hours to the cut-off: three slots make it (2, 3, 4); order 1
    # (NEW) is fourth although imported first, and no cut-off never is at risk.
    risk = rules.pack_queue_risk(rows, cutoff_of, NOW, 1.0, DAY)
    assert risk.due_open == 5
    assert risk.by_order == {1: (rules.AT_RISK, NOW + timedelta(hours=4), CUT_PN)}
    assert (risk.at_risk, risk.missed) == (1, 0)
    # Priority goes before age at the same stage: at 0.75 an hour 3 makes it, 4 not.
    slower = rules.pack_queue_risk(rows, cutoff_of, NOW, 0.75, DAY)
    assert set(slower.by_order) == {4, 1}
    assert rules.pack_queue_risk(rows, cutoff_of, NOW, 1.5, DAY).by_order == {}


def test_a_passed_cutoff_is_missed_and_takes_no_pack_slot() -> None:
    rows = [row(1, "PICKED", service=20), row(2, "NEW")]
    risk = rules.pack_queue_risk(rows, cutoff_of, NOW, 1.0, DAY)
    assert risk.by_order == {1: (rules.MISSED, None, CUT_DHL)}
    assert risk.due_open == 1 and (risk.at_risk, risk.missed) == (0, 1)


def test_only_orders_due_today_and_still_to_pack_queue() -> None:
    tomorrow = DAY + timedelta(days=1)
    rows = [
        row(1, "PACKED"),
        row(2, "ON_HOLD"),
        row(3, "NEW", promised=tomorrow),
        row(4, "NEW", promised=DAY),
    ]
    risk = rules.pack_queue_risk(rows, cutoff_of, NOW, 0.0, DAY)
    # With no pace at all, every due order waits forever: at risk.
    assert risk.due_open == 1 and set(risk.by_order) == {4}


def test_late_by_promised_date_in_either_representation() -> None:
    assert rules.late_days(DAY - timedelta(days=2), DAY, DAY) == 2
    assert rules.late_days("2026-03-09", "2026-03-10", DAY) == 1
    assert rules.late_days(DAY, DAY, DAY) == 0
    assert rules.late_days(None, DAY, DAY) == 0


def test_stuck_only_in_moving_statuses() -> None:
    before = NOW - timedelta(minutes=30)
    old = NOW - timedelta(minutes=95)
    assert rules.stuck_minutes("PICKING", old, before, NOW) == 95
    assert rules.stuck_minutes("PICKING", NOW - timedelta(minutes=5), before, NOW) == 0
    for waiting in ("ON_HOLD", "BACKORDERED", "PACKED"):
        assert rules.stuck_minutes(waiting, old, before, NOW) == 0
    assert rules.stuck_minutes("NEW", None, before, NOW) == 0
    # SQLite's stored text, naive UTC.
    text = old.strftime(rules.SQLITE_TS)
    assert rules.stuck_minutes("NEW", text, before.strftime(rules.SQLITE_TS), NOW) == 95


def test_pipeline_buckets() -> None:
    got = {
        st: rules.pipeline_bucket(st, False)
        for st in ("NEW", "READY_TO_PICK", "PICKING", "PICKED", "PACKING", "PACKED", "ON_HOLD")
    }
    assert got == {
        "NEW": "unpicked",
        "READY_TO_PICK": "unpicked",
        "PICKING": "picking",
        "PICKED": "packing",
        "PACKING": "packing",
        "PACKED": "packed",
        "ON_HOLD": "blocked",
    }
    assert rules.pipeline_bucket("PACKED", True) == "handed_over"


def test_tally_counts_and_ranks_late_before_missed_before_at_risk_before_stuck() -> None:
    old = NOW - timedelta(hours=3)
    rows = [
        row(1, "PACKED"),  # loaded: handed over
        row(2, "PACKED"),  # waiting for the truck
        row(3, "PICKING", last=old),  # stuck
        row(4, "NEW", service=20),  # missed cut-off
        row(5, "PICKED", promised=DAY - timedelta(days=1)),  # late
        row(6, "BACKORDERED", last=old),  # waits by design: not stuck
    ]
    risk = rules.pack_queue_risk(rows, cutoff_of, NOW, 100.0, DAY)
    t = rules.tally(
        rows, risk, {1}, day=DAY, today=DAY, stuck_before=NOW - timedelta(hours=1), now=NOW
    )
    assert [f[1][0] for f in t.flagged] == [5, 4, 3]
    assert (t.late, t.stuck) == (1, 1)
    assert dict(t.pipe[1]) == {
        "handed_over": 1,
        "packed": 1,
        "picking": 1,
        "packing": 1,
        "late": 1,
        "blocked": 1,
    }
    assert dict(t.pipe[2]) == {"unpicked": 1, "missed": 1}
    assert t.by_service[(1, 10)]["PACKED"] == 2
    assert dict(t.service_pipe[(1, 10)]) == {"loaded": 1, "late": 1}


def test_a_utc_hour_is_read_as_the_warehouses_local_hour() -> None:
    tz = ZoneInfo("Europe/Stockholm")
    start = datetime(2026, 3, 9, 23, 0, tzinfo=UTC)  # local midnight, 10 March
    assert rules.local_hour(7, start, tz) == 8
    assert rules.local_hour(23, start, tz) == 0
