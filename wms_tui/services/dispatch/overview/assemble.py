"""The snapshot's rows from what the overview's statements returned: pure, no store.

:mod:`read` runs the statements (:mod:`today`, :mod:`open_work`) and hands their rows
here with the day's terms; these functions only arrange them into the screen's rows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from wms_tui.domain.enums import OrderStatus, ParcelStatus
from wms_tui.domain.models import Carrier, Service
from wms_tui.services.dispatch import overview_rules as rules
from wms_tui.services.dispatch.handover import cancelled_message
from wms_tui.services.dispatch.overview.model import (
    NO_CARRIER,
    AttentionOrder,
    CarrierRow,
    ExceptionRow,
    ServiceRow,
    ThroughputRow,
)
from wms_tui.services.dispatch.overview.open_work import Listed

S = OrderStatus
PIPE_FIELDS = (
    "unpicked",
    "picking",
    "packing",
    "packed",
    "handed_over",
    "blocked",
    "at_risk",
    "missed",
    "late",
)


def attention(  # noqa: PLR0913 - the day's terms, each needed
    listed: Iterable[Listed],
    touched: Mapping[int, tuple[object, str, str]],
    slots: Mapping[int, int],
    carriers: Mapping[int | None, Carrier],
    services: Mapping[int | None, Service],
    plan: rules.QueuePlan,
    *,
    now: datetime,
    day: date,
    today: object,
    stuck_before: object,
    per_hour: float,
) -> list[AttentionOrder]:
    out = []
    for r in listed:
        last, by, terminal = touched.get(r.id, (None, "", ""))
        c = carriers.get(r.carrier_id)
        s = services.get(r.service_id)
        out.append(
            AttentionOrder(
                order_id=r.id,
                name=r.name,
                carrier_code=c.code if c else NO_CARRIER,
                service_code=s.code if s else "",
                status=r.status,
                promised=rules.as_date(r.promised) if r.promised is not None else None,
                late_days=rules.late_days(r.promised, today, day),
                risk=rules.RISK_NAME[r.risk],
                eta=(
                    rules.expected_packed(slots[r.id], now, per_hour)
                    if r.risk == rules.RISK_AT and r.id in slots
                    else None
                ),
                cutoff_at=plan.cuts[r.cut_rank] if r.risk else None,
                stuck_minutes=rules.stuck_minutes(r.status, last, stuck_before, now),
                last_event_at=rules.as_utc(last) if last is not None else None,
                last_by=by,
                last_terminal=terminal,
            )
        )
    return out


def add_finished(counted: rules.Tally, finished: Iterable[tuple]) -> None:
    """Today's dispatched and cancelled orders into the counts (handed over: dispatched)."""
    for carrier_id, service_id, status, n in finished:
        counted.by_service[(carrier_id, service_id)][str(S(status).value)] += n
        if S(status) is S.DISPATCHED:
            counted.pipe[carrier_id]["handed_over"] += n


def carrier_rows(
    carriers: Mapping[int, Carrier],
    pipe: Mapping[int | None, Mapping[str, int]],
    pickup: Mapping[int, tuple[time | None, datetime | None]],
    manifests: Mapping[int, str],
    now: datetime,
) -> list[CarrierRow]:
    """One row per carrier (its pickup and cut-off, where its orders are), and one for
    orders without a carrier if there are any."""
    out: list[CarrierRow] = []
    for cid, c in carriers.items():
        cut, cut_at = pickup[cid]
        p = pipe.get(cid, {})
        out.append(
            CarrierRow(
                carrier_id=cid,
                code=c.code,
                name=c.name,
                cutoff=cut,
                cutoff_at=cut_at,
                minutes_left=_minutes(cut_at - now) if cut_at else None,
                manifest=manifests.get(cid, ""),
                **{k: p.get(k, 0) for k in PIPE_FIELDS},
            )
        )
    if None in pipe:
        p = pipe[None]
        out.append(
            CarrierRow(
                None, NO_CARRIER, "no carrier", None, None, None,
                **{k: p.get(k, 0) for k in PIPE_FIELDS},
            )
        )  # fmt: skip
    return out


def service_rows(
    counts: Mapping[rules.Key, dict[str, int]],
    service_pipe: Mapping[rules.Key, Mapping[str, int]],
    carriers: Mapping[int | None, Carrier],
    services: Mapping[int | None, Service],
    cutoff_at: Mapping[int, datetime],
) -> list[ServiceRow]:
    out = []
    for (cid, sid), row_counts in counts.items():
        c, s = carriers.get(cid), services.get(sid)
        out.append(
            ServiceRow(
                carrier_code=c.code if c else NO_CARRIER,
                service_code=s.code if s else "",
                service_name=s.name if s else "(no service)",
                cutoff=s.cutoff if s else None,
                cutoff_at=cutoff_at.get(sid),  # type: ignore[arg-type]
                counts=row_counts,
                **service_pipe.get((cid, sid), {}),
            )
        )
    out.sort(key=lambda r: (r.carrier_code == NO_CARRIER, r.carrier_code, r.service_code))
    return out


def exceptions(pulls: Iterable[tuple], open_ones: Iterable[tuple]) -> list[ExceptionRow]:
    """Parcels to pull off (orders cancelled after packing) first, then the open ones."""
    out = [
        ExceptionRow(
            id=pid,
            kind="CANCELLED_AFTER_PACK",
            at=cancelled_at,
            order_id=oid,
            order_name=name,
            sku="",
            location="dispatch" if pstatus == ParcelStatus.LOADED else "packed",
            operator_name=packed_by,
            terminal=terminal,
            message=cancelled_message(name, sscc or tracking),
        )
        for pid, oid, name, cancelled_at, pstatus, sscc, tracking, packed_by, terminal in pulls
    ]
    out += [
        ExceptionRow(eid, kind, at, oid, name or "", *rest[:-1])
        for eid, kind, at, oid, name, *rest in open_ones
    ]
    return out


def throughput(
    packs: Iterable[tuple], picks: Iterable[tuple], day_start: datetime, tz: ZoneInfo
) -> list[ThroughputRow]:
    """Per person and local hour: packers in orders, pickers in units."""
    people: dict[tuple[str, str], dict[int, int]] = defaultdict(dict)
    for name, hour, n, _ in packs:
        h = rules.local_hour(int(hour), day_start, tz)
        people[(name or "?", "pack")][h] = people[(name or "?", "pack")].get(h, 0) + int(n)
    for name, hour, n in picks:
        h = rules.local_hour(int(hour), day_start, tz)
        people[(name or "?", "pick")][h] = people[(name or "?", "pick")].get(h, 0) + int(n or 0)
    return sorted(
        (
            ThroughputRow(
                operator_name=name,
                role=role,
                unit="units" if role == "pick" else "orders",
                by_hour=dict(sorted(hours.items())),
                total=sum(hours.values()),
            )
            for (name, role), hours in people.items()
        ),
        key=lambda t: (t.role, -t.total, t.operator_name),
    )


def _minutes(delta: timedelta) -> int:
    return int(delta.total_seconds() // 60)
