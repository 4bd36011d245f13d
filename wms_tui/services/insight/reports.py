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

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from sqlmodel import select

from wms_tui.adapters.csv_safety import safe_writer
from wms_tui.domain import shipping_days as days
from wms_tui.domain.actor import Actor
from wms_tui.domain.clock import utcnow
from wms_tui.domain.enums import Role
from wms_tui.domain.errors import DomainError
from wms_tui.domain.models import Warehouse
from wms_tui.printing import insight_report as pdf
from wms_tui.printing.insight_report import ReportDoc
from wms_tui.printing.output import atomic_file
from wms_tui.services.core import document_folders
from wms_tui.services.core.clock import warehouse_zone
from wms_tui.services.insight import report_carriers, report_people, report_returns, report_shift
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
            return report_shift.build(s, tz, start, end, span, head)
        if kind == "people":
            return report_people.build(s, start, end, person, head)
        if kind == "carriers":
            return report_carriers.build(s, tz, start, end, span, carrier, head)
    return report_returns.build(store, actor, date_from, date_to, head)


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
