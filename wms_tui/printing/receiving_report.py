"""The receiving discrepancy report (A4): what was expected, what arrived, what was damaged.

Lines with an issue (short, over, unexpected, damaged) come first and in bold, so the
buyer calling the supplier reads the top of page one. The delivery reference is printed
as a Code 128 so the report can be scanned back into the receiving screen.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import BinaryIO

from wms_tui.domain.receiving import Discrepancy, LineCheck, check_line
from wms_tui.domain.text import plural
from wms_tui.printing import fonts
from wms_tui.printing.barcodes import MM
from wms_tui.printing.errors import PrintError
from wms_tui.printing.pages import render_to_bytes, write_pdf
from wms_tui.printing.toolkit import Column, DocumentWriter, TextPart


@dataclass(frozen=True)
class ReportLine:
    sku: str
    name: str
    options: str
    expected: int
    received: int
    damaged: int
    put_away: int
    blind: bool = False

    @property
    def diff(self) -> int:
        return self.received - self.expected

    @property
    def check(self) -> LineCheck:
        return check_line(self.expected, self.received, blind=self.blind)

    @property
    def issue(self) -> str:
        parts = [self.check.text()] if self.check.kind else []
        if self.damaged:
            parts.append(f"{self.damaged} damaged")
        return ", ".join(parts)


@dataclass(frozen=True)
class DamageNote:
    sku: str
    qty: int
    reason: str
    who: str
    at: datetime


@dataclass(frozen=True)
class ReceiptReportData:
    warehouse: str
    reference: str
    supplier: str
    expected_date: date | None
    blind: bool
    status: str
    closed_at: datetime | None
    closed_by: str
    printed_at: datetime
    lines: Sequence[ReportLine]
    damages: Sequence[DamageNote]

    @property
    def ordered_lines(self) -> list[ReportLine]:
        return sorted(self.lines, key=lambda ln: (not ln.issue, ln.sku))


LINE_COLUMNS = (
    Column("SKU", 17),
    Column("Product", 27),
    Column("Options", 18),
    Column("Exp.", 7, "right"),
    Column("Rcvd", 7, "right"),
    Column("Dmg", 6, "right"),
    Column("Issue", 22),
)
DAMAGE_COLUMNS = (
    Column("SKU", 18),
    Column("Qty", 7, "right"),
    Column("Reason", 35),
    Column("By", 25),
    Column("Time", 15),
)


def _summary(d: ReceiptReportData) -> list[tuple[str, str]]:
    lines = d.lines

    def kind(k: Discrepancy) -> str:
        hits = [ln.check for ln in lines if ln.check.kind is k]
        return f"{len(hits)} ({plural(sum(c.units for c in hits), 'unit')})"

    return [
        ("Expected units", str(sum(ln.expected for ln in lines))),
        ("Received units", str(sum(ln.received for ln in lines))),
        ("Damaged units", str(sum(ln.damaged for ln in lines))),
        ("Short SKUs", kind(Discrepancy.SHORT)),
        ("Over SKUs", kind(Discrepancy.OVER)),
        ("Unexpected SKUs", kind(Discrepancy.UNEXPECTED)),
    ]


def _scannable(reference: str) -> bool:
    return reference.isascii() and reference.isprintable()


def _build(target: BinaryIO, data: ReceiptReportData) -> None:
    w = DocumentWriter(
        target,
        title=f"Receiving discrepancy report · {data.reference}",
        header_right=data.warehouse,
        footer_left=f"{data.reference} · printed {data.printed_at:%Y-%m-%d %H:%M %Z}",
    )
    c = w.canvas
    top = w.y
    w.text_line("Receiving discrepancy report", 15, bold=True)
    w.space(4)
    closed = (
        f"{data.closed_at:%Y-%m-%d %H:%M %Z} by {data.closed_by}"
        if data.closed_at
        else "not closed"
    )
    facts = [
        ("Delivery", data.reference + ("  (blind receipt)" if data.blind else "")),
        ("Supplier", data.supplier or "-"),
        ("Expected", str(data.expected_date) if data.expected_date else "-"),
        ("Status", data.status.lower()),
        ("Closed", closed),
    ]
    for label, value in facts:
        w.text_line(label, 9, bold=True)
        fonts.draw_text(c, w.left + 28 * MM, w.y + 9 * 0.25,
                        fonts.ellipsize(value, 9, 85 * MM), 9)  # fmt: skip
    if _scannable(data.reference):
        # Scanning the report's barcode at a receiving terminal opens the delivery. A
        # reference too long for a scannable code is left as the text above.
        with suppress(PrintError):
            w.barcode(data.reference, w.right - 62 * MM, top - 24 * MM, max_width=60 * MM,
                      height=13 * MM)  # fmt: skip
    w.space(8)
    summary = _summary(data)
    for row in range(2):
        w.text_line("", 8.5)
        for col in range(3):
            label, value = summary[row * 3 + col]
            x = w.left + col * 60 * MM
            fonts.draw_text(c, x, w.y + 2, f"{label}:", 8.5)
            fonts.draw_text(c, x + 31 * MM, w.y + 2, value, 8.5, bold=True)
    w.space(6)
    w.heading("Lines")
    rows = []
    for ln in data.ordered_lines:
        strong = bool(ln.issue)
        cells = [ln.sku, ln.name, ln.options, str(ln.expected), str(ln.received),
                 str(ln.damaged or ""), ln.issue or "ok"]  # fmt: skip
        rows.append([TextPart(text, 8.5, bold=strong) for text in cells])
    w.table(LINE_COLUMNS, rows)
    if data.damages:
        w.heading("Damaged units (moved to quarantine)")
        w.table(
            DAMAGE_COLUMNS,
            [[n.sku, str(n.qty), n.reason, n.who, f"{n.at:%m-%d %H:%M}"] for n in data.damages],
        )
    w.space(30)
    w.ensure(30)
    for i, label in enumerate(("Received by", "Checked by (supervisor)")):
        x = w.left + i * 90 * MM
        c.setLineWidth(0.5)
        c.line(x, w.y, x + 75 * MM, w.y)
        fonts.draw_text(c, x, w.y - 10, label, 8)
    w.finish()


def render_receipt_report_bytes(data: ReceiptReportData) -> bytes:
    return render_to_bytes(lambda target: _build(target, data))


def render_receipt_report(data: ReceiptReportData, path: Path) -> Path:
    """Write the report PDF to ``path`` (its folder must exist) and return ``path``."""
    return write_pdf(path, render_receipt_report_bytes(data))
