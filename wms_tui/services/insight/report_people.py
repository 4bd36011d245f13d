"""``wms report people``: per person, pick lines or pack units, active hours, the rate
per active hour, and for packers undone scans, QC catches and returns caused by packing,
each per 1,000 units (``--person`` keeps one person; :mod:`reports` checks the period and
the role).
"""

from __future__ import annotations

from sqlalchemy import func, or_
from sqlmodel import Session, select

from wms_tui.domain.errors import DomainError, NotFound
from wms_tui.domain.models import Operator
from wms_tui.printing.insight_report import Chart, ReportDoc, TableData
from wms_tui.services.insight import metrics


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


def build(s: Session, start, end, person: str | None, head: dict) -> ReportDoc:  # noqa: ANN001
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
