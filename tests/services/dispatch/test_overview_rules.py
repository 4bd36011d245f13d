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


def test_the_queue_laid_out_from_counts_puts_the_same_orders_at_risk() -> None:
    import random

    for seed in range(200):
        rng = random.Random(seed)
        cuts = {s: NOW + timedelta(minutes=rng.randint(-60, 240)) for s in (10, 20, 30)}
        pace = rng.choice((2.0, 6.0, 20.0))
        rows = [
            (oid, f"#{oid}", rng.choice(list(rules.STAGE)), None, rng.choice((10, 20, 30, None)),
             rng.choice((0, 1, 5)), None, NOW)
            for oid in rng.sample(range(1, 400), rng.randint(1, 60))
        ]  # fmt: skip
        plan = rules.queue_plan(cuts.values(), NOW, pace)
        rank = {s: plan.cuts.index(c) for s, c in cuts.items()}

        def rank_of(r: tuple, rank: dict = rank, none: int = plan.no_cutoff) -> int:
            return rank.get(r[4], none)

        def cutoff(_c: int | None, s: int | None, cuts: dict = cuts) -> datetime | None:
            return cuts.get(s)

        want = rules.pack_queue_risk(rows, cutoff, NOW, pace, DAY)
        counts: dict[tuple[int, str, int], int] = {}
        for r in rows:
            key = (rank_of(r), r[2], r[5])
            counts[key] = counts.get(key, 0) + 1
        layout = rules.queue_layout([(*k, n) for k, n in counts.items()], plan)
        got: dict[int, str] = {}
        for r in rows:
            g = (rank_of(r), r[2], r[5])
            if g[0] < plan.missed_below:
                got[r[0]] = rules.MISSED
                continue
            place = sorted(o[0] for o in rows if (rank_of(o), o[2], o[5]) == g).index(r[0]) + 1
            slot = layout.before[g] + place
            if g[0] < plan.no_cutoff and slot > plan.in_time[g[0]]:
                got[r[0]] = rules.AT_RISK
                (tr, ts, tp), in_time = layout.turn[g[0]]
                turned = (rules.STAGE[g[1]], -g[2]) > (rules.STAGE[ts], -tp) or (
                    (g[1], g[2]) == (ts, tp) and place > in_time
                )
                assert turned, (seed, r)
            elif g[0] in layout.turn:
                (tr, ts, tp), in_time = layout.turn[g[0]]
                assert (rules.STAGE[g[1]], -g[2]) <= (rules.STAGE[ts], -tp), (seed, r)
                assert (g[1], g[2]) != (ts, tp) or place <= in_time, (seed, r)
        assert got == {oid: risk for oid, (risk, _, _) in want.by_order.items()}, seed
