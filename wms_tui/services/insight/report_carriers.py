"""``wms report carriers``: per carrier, orders dispatched, on time (on or before the
promised ship date) and late, per day (``--carrier`` keeps one carrier; :mod:`reports`
checks the period and the role).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from wms_tui.domain.enums import EventKind, OrderStatus
from wms_tui.domain.errors import NotFound
from wms_tui.domain.models import Carrier, Event, Order
from wms_tui.printing.insight_report import Chart, ReportDoc, TableData


def build(
    s: Session,
    tz: ZoneInfo,
    start,
    end,
    span: list[date],
    carrier: str | None,
    head: dict,  # noqa: ANN001
) -> ReportDoc:
    known = {c.id: c for c in s.exec(select(Carrier).order_by(col(Carrier.code)))}
    only = None
    if carrier is not None:
        match = [cid for cid, c in known.items() if c.code.lower() == carrier.strip().lower()]
        if not match:
            codes = ", ".join(c.code for c in known.values()) or "none set up"
            raise NotFound(f"No carrier {carrier.strip()!r}: known are {codes}")
        only = match[0]
    rows = s.exec(
        select(Event.at, Order.carrier_id, Order.promised_ship_date)
        .join(Order, col(Order.id) == Event.order_id)
        .where(
            Event.kind == EventKind.ORDER_STATUS,
            Event.to_state == OrderStatus.DISPATCHED.value,
            Event.at >= start,
            Event.at < end,
        )
    ).all()
    per_day: dict[tuple[int | None, date], int] = defaultdict(int)
    tot: dict[int | None, list[int]] = defaultdict(lambda: [0, 0])
    for at, cid, promised in rows:
        if only is not None and cid != only:
            continue
        d = at.astimezone(tz).date()
        per_day[(cid, d)] += 1
        tot[cid][0] += 1
        tot[cid][1] += promised is not None and d > promised
    ids = [only] if only is not None else [*known, *([None] if None in tot else [])]

    def code(cid: int | None) -> str:
        return known[cid].code if cid in known else "(none)"

    table = tuple(
        (code(cid), known[cid].name if cid in known else "no carrier", tot[cid][0],
         tot[cid][0] - tot[cid][1], tot[cid][1],
         round(100 * (tot[cid][0] - tot[cid][1]) / tot[cid][0], 1) if tot[cid][0] else None)
        for cid in ids
    )  # fmt: skip
    cats = tuple(d.strftime("%a %d %b") for d in span)
    return ReportDoc(
        title="Carriers report",
        notes=("On time: dispatched on or before the order's promised ship date.",),
        charts=(
            Chart(
                "bar",
                "Orders dispatched by carrier: on time and late",
                tuple(r[0] for r in table),
                (
                    ("on time", tuple(float(r[3]) for r in table)),
                    ("late", tuple(float(r[4]) for r in table)),
                ),
            ),  # fmt: skip
            Chart(
                "line",
                "Orders dispatched per day",
                cats,
                tuple(
                    (code(cid), tuple(float(per_day.get((cid, d), 0)) for d in span)) for cid in ids
                ),
            ),  # fmt: skip
        ),
        tables=(
            TableData(
                "Carriers", ("Carrier", "Name", "Dispatched", "On time", "Late", "On time %"), table
            ),  # fmt: skip
            TableData(
                "Per day",
                ("Day", *(code(cid) for cid in ids)),
                tuple((d.isoformat(), *(per_day.get((cid, d), 0) for cid in ids)) for d in span),
            ),
        ),
        **head,
    )
