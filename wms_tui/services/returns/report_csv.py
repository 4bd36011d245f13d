"""The return report as CSV: the summary's sections or one row per returned unit,
written where the caller says or into the warehouse's report folder."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from wms_tui.adapters.csv_safety import safe_writer
from wms_tui.domain.clock import utcnow
from wms_tui.services.core import document_folders
from wms_tui.services.core.clock import warehouse_zone
from wms_tui.services.returns.reports import ReturnReport, Row, people_total
from wms_tui.store import Store

SUMMARY_HEADER = ("section", "key", "label", "controllable", "returns", "units", "share_pct")
DETAIL_HEADER = (
    "received_at",
    "rma",
    "order",
    "sku",
    "name",
    "qty",
    "reason_code",
    "reason",
    "controllable",
    "cause",
    "disposition",
    "location",
    "note",
    "resolution",
    "exchange_order",
    "received_by",
    "picked_by",
    "packed_by",
)
SECTIONS = (
    ("by_reason", "reason"),
    ("by_cause", "cause"),
    ("by_sku", "sku"),
    ("by_packer", "packer"),
    ("by_picker", "picker"),
)


def _yes_no(flag: bool | None) -> str:
    return "" if flag is None else ("yes" if flag else "no")


def summary_rows(report: ReturnReport) -> Iterable[tuple[str, ...]]:
    """Long format: one table per section, easy to filter in a spreadsheet."""
    yield ("summary", "period", report.period, "", "", "", "")
    yield ("summary", "total", "All returns", "", str(report.receipts), str(report.units), "100.0")
    for attr, section in SECTIONS:
        rows: tuple[Row, ...] = getattr(report, attr)
        total = people_total(report, attr)
        for r in rows:
            flag = r.controllable if section in ("reason", "cause") else None
            yield (
                section,
                r.key,
                r.label,
                _yes_no(flag),
                str(r.returns),
                str(r.units),
                f"{r.share(total):.1f}",
            )


def detail_rows(report: ReturnReport) -> Iterable[tuple[str, ...]]:
    for d in report.details:
        yield (
            d.at.isoformat(timespec="seconds"),
            d.rma,
            d.order,
            d.sku,
            d.name,
            str(d.qty),
            d.reason_code,
            d.reason,
            _yes_no(d.controllable),
            d.cause.lower(),
            d.disposition,
            d.location,
            d.note,
            d.resolution,
            d.exchange_order,
            d.received_by,
            d.picked_by,
            d.packed_by,
        )


def write_csv(report: ReturnReport, path: Path, *, lines: bool = False) -> int:
    """Write the summary (or, with ``lines``, one row per returned line); rows written."""
    header, rows = (
        (DETAIL_HEADER, list(detail_rows(report)))
        if lines
        else (SUMMARY_HEADER, list(summary_rows(report)))
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    # UTF-8 with BOM so Excel shows Hangul and Å Ä Ö; written aside then renamed
    # so a reader never sees half a file.
    with tmp.open("w", newline="", encoding="utf-8-sig") as fh:
        w = safe_writer(fh)
        w.writerow(header)
        w.writerows(rows)
    tmp.replace(path)
    return len(rows)


def export_to_report_dir(store: Store, report: ReturnReport, *, lines: bool = False) -> Path:
    """Write the report into the configured report folder; returns the file."""
    with store.read() as s:
        folder = document_folders.folder(s, "report_dir")
        stamp = utcnow().astimezone(warehouse_zone(s)).strftime("%Y%m%d-%H%M%S")
    path = folder / f"returns-{'lines-' if lines else ''}{stamp}.csv"
    write_csv(report, path, lines=lines)
    return path
