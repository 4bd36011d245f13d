"""``wms report shift|people|carriers|returns``: the weekly review, as CSV and PDF.

:func:`build` checks the role and the period, reads the numbers (the same
:mod:`metrics` as the dashboard, over whole days on the warehouse's clock,
both ends included) and returns a :class:`ReportDoc`: its tables are what the
CSV files hold and its charts what the PDF draws above them. :func:`write`
puts them in a folder: one CSV per table and one PDF.

* **shift**: per day, orders released, picked, packed and dispatched, pick
  lines, pack units, cycle time p50/p90; exceptions raised by kind.
* **people**: per person, pick lines or pack units, active hours, the rate per
  active hour, and for packers undone scans, QC catches and returns caused by
  packing, each per 1,000 units (``--person`` keeps one person).
* **carriers**: per carrier, orders dispatched, on time (on or before the
  promised ship date) and late, per day (``--carrier`` keeps one carrier).
* **returns**: units returned by cause, controllable (our pick or pack) or
  not, by product and by packer (the returns desk's report,
  :mod:`wms_tui.services.returns.reports`).

Bad input is refused in one line before anything is read: a period that ends
before it starts, longer than :data:`MAX_DAYS`, outside the years 2000-2100,
or starting after today; a person or carrier that does not exist. An empty
day is a report with zeros and empty charts.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from wms_tui.adapters.csv_safety import safe_writer
from wms_tui.domain import shipping_days as days
from wms_tui.domain.actor import Actor
from wms_tui.domain.clock import utcnow
from wms_tui.domain.enums import EventKind, OrderStatus, Role
from wms_tui.domain.errors import DomainError, NotFound
from wms_tui.domain.models import Carrier, Event, Operator, Order, Warehouse, WmsException
from wms_tui.printing import insight_report as pdf
from wms_tui.printing.insight_report import Chart, ReportDoc, TableData
from wms_tui.printing.output import atomic_file
from wms_tui.services.core import document_folders
from wms_tui.services.core.clock import warehouse_zone
from wms_tui.services.insight import metrics, rules
from wms_tui.store import Store

KINDS = ("shift", "people", "carriers", "returns")
MAX_DAYS = 366
EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)


@dataclass(frozen=True)
class Written:
    pdf: Path
    csv: tuple[Path, ...]
    doc: ReportDoc


def check_period(date_from: date, date_to: date, today: date) -> None:
    """Refuse a period no report can mean (see the module's rules); pure."""
    for d in (date_from, date_to):
        if not EARLIEST <= d <= LATEST:
            raise DomainError(f"{d} is outside the years {EARLIEST.year}-{LATEST.year}")
    if date_from > date_to:
        raise DomainError(f"The period starts ({date_from}) after it ends ({date_to})")
    if date_from > today:
        raise DomainError(f"The period starts ({date_from}) after today ({today})")
    n = (date_to - date_from).days + 1
    if n > MAX_DAYS:
        raise DomainError(
            f"A report covers at most {MAX_DAYS} days; {date_from} to {date_to} is {n} days"
        )


def build(
    store: Store,
    actor: Actor,
    kind: str,
    date_from: date | None,
    date_to: date | None,
    *,
    person: str | None = None,
    carrier: str | None = None,
) -> ReportDoc:
    """The report ``kind`` for whole days ``date_from``..``date_to`` (supervisors only);
    the last day defaults to today and the first to the last."""
    actor.require(Role.SUPERVISOR, action="make reports")
    if kind not in KINDS:
        raise DomainError(f"Unknown report {kind!r}: {', '.join(KINDS)}")
    if person is not None and kind != "people":
        raise DomainError("--person is for the people report")
    if carrier is not None and kind != "carriers":
        raise DomainError("--carrier is for the carriers report")
    with store.read() as s:
        tz = warehouse_zone(s)
        today = days.local_day(utcnow(), tz)
        date_to = date_to or (date_from if date_from and date_from > today else today)
        date_from = date_from or date_to
        check_period(date_from, date_to, today)
        start = days.day_bounds(date_from, tz)[0]
        end = days.day_bounds(date_to, tz)[1]
        wh = s.exec(select(Warehouse.name)).first() or ""
        head = dict(
            kind=kind,
            period=date_from.isoformat() if date_from == date_to else f"{date_from} to {date_to}",
            warehouse=wh,
            printed=utcnow().astimezone(tz).strftime("%Y-%m-%d %H:%M %Z"),
        )
        span = [date_from + timedelta(days=i) for i in range((date_to - date_from).days + 1)]
        if kind == "shift":
            return _shift(s, tz, start, end, span, head)
        if kind == "people":
            return _people(s, start, end, person, head)
        if kind == "carriers":
            return _carriers(s, tz, start, end, span, carrier, head)
    return _returns(store, actor, date_from, date_to, head)


def write(doc: ReportDoc, folder: Path) -> Written:
    """One PDF and one CSV per table in ``folder`` (made if missing)."""
    if folder.exists() and not folder.is_dir():
        raise DomainError(f"{folder} is a file, not a folder: give --out a folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DomainError(f"Cannot make the folder {folder}: {exc.strerror}") from None
    stem = f"{doc.kind}-{doc.period.replace(' to ', '_')}"
    csvs = []
    for table in doc.tables:
        path = folder / f"{stem}-{_slug(table.title)}.csv"
        with atomic_file(path, "w", newline="", encoding="utf-8") as fh:
            out = safe_writer(fh)
            out.writerow(table.columns)
            out.writerows(table.rows)
        csvs.append(path)
    return Written(pdf.write(doc, folder / f"{stem}.pdf"), tuple(csvs), doc)


def default_folder(store: Store) -> Path:
    with store.read() as s:
        return document_folders.folder(s, "report_dir")


def _slug(title: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in title.lower()).strip("-").replace("--", "-")


# --------------------------------------------------------------------------- shift


def _by_day(hours: dict[datetime, int], tz: ZoneInfo) -> dict[date, int]:
    out: dict[date, int] = defaultdict(int)
    for h, n in hours.items():
        out[h.astimezone(tz).date()] += n
    return out


def _hours(minutes: float | None) -> float | None:
    return round(minutes / 60, 1) if minutes is not None else None


def _shift(s: Session, tz: ZoneInfo, start, end, span: list[date], head: dict) -> ReportDoc:  # noqa: ANN001
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
                *(flow[stage].get(d, 0) for stage, _ in metrics.FLOW_STAGES),
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
                    for i, (stage, _) in enumerate(metrics.FLOW_STAGES)
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


# --------------------------------------------------------------------------- people


def _find_person(s: Session, who: str) -> int:
    text = who.strip()
    if not text:
        raise DomainError("--person needs a badge or a name")
    rows = s.exec(
        select(Operator.id, Operator.name).where(
            or_(
                func.lower(Operator.badge) == text.lower(),
                func.lower(Operator.name) == text.lower(),
            )
        )
    ).all()
    if not rows:
        raise NotFound(f"No person with badge or name {text!r}")
    if len(rows) > 1:
        raise DomainError(f"{len(rows)} people are called {text!r}: give the badge")
    return rows[0][0]


def _people(s: Session, start, end, person: str | None, head: dict) -> ReportDoc:  # noqa: ANN001
    only = _find_person(s, person) if person is not None else None
    pickers = [p for p in metrics.pickers(s, start, end) if only in (None, p.operator_id)]
    packers = [p for p in metrics.packers(s, start, end) if only in (None, p.operator_id)]

    def r(v: float | None) -> float:
        return round(v, 1) if v is not None else 0.0

    pick_rows = tuple(
        (p.name, p.count, p.units, p.active_hours, r(p.per_hour), p.refused,
         r(p.refused_per_1000))
        for p in pickers
    )  # fmt: skip
    pack_rows = tuple(
        (p.name, p.units, p.active_hours, r(p.per_hour), p.refused, p.undone, p.qc, p.returned)
        for p in packers
    )  # fmt: skip
    # Rates apart from the counts: thirteen columns did not fit an A4 page's width.
    error_rows = tuple(
        (p.name, r(p.refused_per_1000), r(p.undone_per_1000), r(p.qc_per_1000),
         r(p.returned_per_1000), r(p.errors_per_1000))
        for p in packers
    )  # fmt: skip
    notes = ["Rates are per active hour: the clock hours in which the person did that work."]
    if only is not None:
        notes.append(f"Only {person}.")
    return ReportDoc(
        title="People report",
        notes=tuple(notes),
        charts=(
            Chart(
                "bar",
                "Pick lines per active hour",
                tuple(p[0] for p in pick_rows),
                (("lines/hour", tuple(p[4] for p in pick_rows)),),
                decimals=1,
            ),  # fmt: skip
            Chart(
                "bar",
                "Pack units per active hour",
                tuple(p[0] for p in pack_rows),
                (("units/hour", tuple(p[3] for p in pack_rows)),),
                decimals=1,
            ),  # fmt: skip
            Chart(
                "bar",
                "Pack errors per 1,000 units: refused scans, undone, QC, returns",
                tuple(p[0] for p in pack_rows),
                (
                    ("refused", tuple(p[1] for p in error_rows)),
                    ("undone", tuple(p[2] for p in error_rows)),
                    ("QC", tuple(p[3] for p in error_rows)),
                    ("returns", tuple(p[4] for p in error_rows)),
                ),
                decimals=1,
            ),  # fmt: skip
        ),
        tables=(
            TableData(
                "Pickers",
                ("Picker", "Lines", "Units", "Active hours", "Lines/hour", "Refused", "Refused/1k"),
                pick_rows,
                note="Refused: wrong scans the handheld refused (wrong bin, item or tote, "
                "unknown code, too many), per 1,000 units picked.",
            ),  # fmt: skip
            TableData(
                "Packers",
                (
                    "Packer",
                    "Units",
                    "Active hours",
                    "Units/hour",
                    "Refused",
                    "Undone",
                    "QC",
                    "Returns",
                ),  # fmt: skip
                pack_rows,
                note="Refused: wrong scans the station refused (not in the order, one too "
                "many, unknown barcode). Returns: units booked in the period for a reason "
                "caused by packing, on lines the packer scanned.",
            ),
            TableData(
                "Pack errors per 1,000 units",
                ("Packer", "Refused", "Undone", "QC", "Returns", "In all"),
                error_rows,
            ),
        ),
        **head,
    )


# --------------------------------------------------------------------------- carriers


def _carriers(
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


# --------------------------------------------------------------------------- returns


def _returns(store: Store, actor: Actor, date_from: date, date_to: date, head: dict) -> ReportDoc:
    from wms_tui.services.returns.reports import build_report

    rep = build_report(store, date_from, date_to, actor=actor)
    ours = rep.controllable_units
    by_cause = tuple(
        (r.label, "yes" if r.controllable else "no", r.returns, r.units) for r in rep.by_cause
    )
    return ReportDoc(
        title="Returns report",
        notes=(
            f"{rep.receipts} returned parcels, {rep.units} units; {ours} controllable "
            f"(our pick or pack), {rep.units - ours} not (carrier, customer, supplier).",
        ),
        charts=(
            Chart(
                "bar",
                "Units returned: controllable or not",
                ("controllable", "not controllable"),
                (("units", (float(ours), float(rep.units - ours))),),
            ),  # fmt: skip
            Chart(
                "bar",
                "Units returned by cause",
                tuple(r[0] for r in by_cause),
                (("units", tuple(float(r[3]) for r in by_cause)),),
            ),  # fmt: skip
            Chart(
                "bar",
                "Units returned by product",
                tuple(r.key for r in rep.by_sku),
                (
                    ("controllable", tuple(float(r.controllable_units) for r in rep.by_sku)),
                    ("not", tuple(float(r.units - r.controllable_units) for r in rep.by_sku)),
                ),
            ),  # fmt: skip
            Chart(
                "bar",
                "Units returned for our packing, by packer",
                tuple(r.label for r in rep.by_packer),
                (("units", tuple(float(r.units) for r in rep.by_packer)),),
            ),  # fmt: skip
        ),
        tables=(
            TableData("By cause", ("Cause", "Controllable", "Parcels", "Units"), by_cause),
            TableData(
                "Controllable or not",
                ("Controllable", "Units"),
                (("yes", ours), ("no", rep.units - ours)),
            ),
            TableData(
                "By product",
                ("SKU", "Name", "Parcels", "Units", "Controllable units"),
                tuple(
                    (r.key, r.label, r.returns, r.units, r.controllable_units) for r in rep.by_sku
                ),  # fmt: skip
            ),
            TableData(
                "By packer",
                ("Packer", "Parcels", "Units caused by packing"),
                tuple((r.label, r.returns, r.units) for r in rep.by_packer),
            ),
        ),
        **head,
    )
