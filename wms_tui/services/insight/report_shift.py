"""``wms report shift``: per day, orders released, picked, packed and dispatched, pick
lines, pack units, cycle time p50/p90; exceptions raised by kind (:mod:`reports`
checks the period and the role).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlmodel import Session, select

from wms_tui.domain.models import WmsException
from wms_tui.printing.insight_report import Chart, ReportDoc, TableData
from wms_tui.services.insight import metrics, rules
from wms_tui.services.insight.hour_statements import FLOW_STAGES


def _by_day(hours: dict[datetime, int], tz: ZoneInfo) -> dict[date, int]:
    out: dict[date, int] = defaultdict(int)
    for h, n in hours.items():
        out[h.astimezone(tz).date()] += n
    return out


def _hours(minutes: float | None) -> float | None:
    return round(minutes / 60, 1) if minutes is not None else None


def build(s: Session, tz: ZoneInfo, start, end, span: list[date], head: dict) -> ReportDoc:  # noqa: ANN001
    flow = {
        stage: _by_day(hours, tz) for stage, hours in metrics.flow_by_hour(s, start, end).items()
    }
    lines: dict[date, int] = defaultdict(int)
    for p in metrics.pickers(s, start, end):
        for d, n in _by_day(p.hours, tz).items():
            lines[d] += n
    units: dict[date, int] = defaultdict(int)
    for p in metrics.packers(s, start, end):
        for d, n in _by_day(p.hours, tz).items():
            units[d] += n
    cycle: dict[date, list[float]] = defaultdict(list)
    every: list[float] = []
    for at, minutes in metrics.cycle_times(s, start, end):
        cycle[at.astimezone(tz).date()].append(minutes)
        every.append(minutes)
    rows = []
    for d in span:
        m = cycle.get(d, [])
        rows.append(
            (
                d.isoformat(),
                *(flow[stage].get(d, 0) for stage, _ in FLOW_STAGES),
                lines.get(d, 0),
                units.get(d, 0),
                _hours(rules.percentile(m, 50)),
                _hours(rules.percentile(m, 90)),
            )
        )
    exc = s.exec(
        select(WmsException.kind, func.count())
        .where(WmsException.at >= start, WmsException.at < end)
        .group_by(WmsException.kind)
    ).all()
    cats = tuple(d.strftime("%a %d %b") for d in span)
    return ReportDoc(
        title="Shift report",
        notes=(
            f"{sum(r[4] for r in rows)} orders dispatched; order cycle time (shop to truck) "
            f"p50 {_hours(rules.percentile(every, 50))} h, p90 "
            f"{_hours(rules.percentile(every, 90))} h over {len(every)} orders. "
            "Pick lines and pack units count each person's work as in docs/insight.md.",
        ),
        charts=(
            Chart(
                "line",
                "Orders per day: released, picked, packed, dispatched",
                cats,
                tuple(
                    (stage, tuple(float(r[1 + i]) for r in rows))
                    for i, (stage, _) in enumerate(FLOW_STAGES)
                ),
            ),  # fmt: skip
            Chart(
                "line",
                "Order cycle time per day (hours, shop to truck)",
                cats,
                (("p50", tuple(r[7] for r in rows)), ("p90", tuple(r[8] for r in rows))),
                unit="h",
                decimals=1,
            ),  # fmt: skip
            Chart(
                "line",
                "Pick lines and pack units per day",
                cats,
                (
                    ("pick lines", tuple(float(r[5]) for r in rows)),
                    ("pack units", tuple(float(r[6]) for r in rows)),
                ),
            ),  # fmt: skip
        ),
        tables=(
            TableData(
                "Days",
                (
                    "Day",
                    "Released",
                    "Picked",
                    "Packed",
                    "Dispatched",
                    "Pick lines",
                    "Pack units",
                    "Cycle p50 h",
                    "Cycle p90 h",
                ),  # fmt: skip
                tuple(rows),
            ),
            TableData(
                "Exceptions raised",
                ("Kind", "Raised"),
                tuple(sorted(((str(k), int(n)) for k, n in exc), key=lambda r: (-r[1], r[0]))),
            ),
        ),
        **head,
    )
