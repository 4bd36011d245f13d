"""The receiving discrepancy report (A4): what was expected, what arrived, what was damaged.

Lines with an issue (short, over, unexpected, damaged) come first and are shaded, so the
buyer calling the supplier reads the top of page one. The delivery reference is printed
as a Code 128 so the report can be scanned back into the receiving screen.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from wms_tui.printing._receiving_fallback import (
    MM,
    draw_code128,
    draw_text,
    fit_text,
    fit_x_dim,
)

MARGIN = 14 * MM
ROW_H = 5.2 * MM


@dataclass(frozen=True)
class ReportLine:
    sku: str
    name: str
    options: str
    expected: int
    received: int
    damaged: int
    put_away: int

    @property
    def diff(self) -> int:
        return self.received - self.expected

    @property
    def issue(self) -> str:
        parts = []
        if self.expected == 0 and self.received:
            parts.append("unexpected")
        elif self.diff < 0:
            parts.append(f"short {-self.diff}")
        elif self.diff > 0:
            parts.append(f"over {self.diff}")
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


COLUMNS = (  # title, share of width, right aligned
    ("SKU", 0.16, False),
    ("Product", 0.25, False),
    ("Options", 0.17, False),
    ("Exp.", 0.06, True),
    ("Rcvd", 0.06, True),
    ("Dmg", 0.05, True),
    ("Issue", 0.25, False),
)
DAMAGE_COLUMNS = (
    ("SKU", 0.18, False),
    ("Qty", 0.07, True),
    ("Reason", 0.35, False),
    ("By", 0.25, False),
    ("Time (UTC)", 0.15, False),
)


class _NumberedCanvas(Canvas):
    """Writes "page n of N" on every page once N is known (at save)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._states: list[dict] = []

    def showPage(self) -> None:  # noqa: N802 - reportlab's name
        self._states.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._states)
        width, _ = self._pagesize
        for number, state in enumerate(self._states, start=1):
            self.__dict__.update(state)
            draw_text(self, width - MARGIN, MARGIN - 6 * MM, f"page {number} of {total}", 7.5,
                      anchor="end")  # fmt: skip
            super().showPage()
        super().save()


class _Pages:
    """A cursor running down A4 pages, with a header and a page footer on each."""

    def __init__(self, canvas: Canvas, data: ReceiptReportData) -> None:
        self.c = canvas
        self.data = data
        self.width, self.height = A4
        self.page = 0
        self.y = 0.0
        self.new_page()

    def new_page(self) -> None:
        if self.page:
            self.c.showPage()
        self.page += 1
        d = self.data
        draw_text(
            self.c, MARGIN, self.height - MARGIN, "Receiving discrepancy report", 15, bold=True
        )
        draw_text(self.c, self.width - MARGIN, self.height - MARGIN, d.warehouse, 9, anchor="end")
        draw_text(self.c, MARGIN, MARGIN - 6 * MM,
                  f"{d.reference} · printed {d.printed_at:%Y-%m-%d %H:%M} UTC", 7.5)  # fmt: skip
        self.y = self.height - MARGIN - 9 * MM

    def need(self, height: float) -> bool:
        """Start a new page unless ``height`` fits; True when a page was started."""
        if self.y - height < MARGIN:
            self.new_page()
            return True
        return False


def _table_header(p: _Pages, columns: Sequence[tuple[str, float, bool]]) -> None:
    c = p.c
    content = p.width - 2 * MARGIN
    c.setFillGray(0.85)
    c.rect(MARGIN, p.y - ROW_H + 1.3 * MM, content, ROW_H, stroke=0, fill=1)
    c.setFillGray(0)
    x = MARGIN
    for title, share, right in columns:
        w = share * content
        if right:
            draw_text(c, x + w - 1.5 * MM, p.y - 2.6 * MM, title, 8, bold=True, anchor="end")
        else:
            draw_text(c, x + 1.5 * MM, p.y - 2.6 * MM, title, 8, bold=True)
        x += w
    p.y -= ROW_H


def _table_row(
    p: _Pages,
    columns: Sequence[tuple[str, float, bool]],
    cells: Sequence[str],
    *,
    shade: bool = False,
    bold: bool = False,
) -> None:
    c = p.c
    content = p.width - 2 * MARGIN
    if shade:
        c.setFillGray(0.93)
        c.rect(MARGIN, p.y - ROW_H + 1.3 * MM, content, ROW_H, stroke=0, fill=1)
        c.setFillGray(0)
    x = MARGIN
    for (_title, share, right), cell in zip(columns, cells, strict=True):
        w = share * content
        text = fit_text(cell, 8, w - 3 * MM, bold)
        if right:
            draw_text(c, x + w - 1.5 * MM, p.y - 2.6 * MM, text, 8, bold=bold, anchor="end")
        else:
            draw_text(c, x + 1.5 * MM, p.y - 2.6 * MM, text, 8, bold=bold)
        x += w
    c.setStrokeGray(0.8)
    c.setLineWidth(0.3)
    c.line(MARGIN, p.y - ROW_H + 1.3 * MM, MARGIN + content, p.y - ROW_H + 1.3 * MM)
    p.y -= ROW_H


def _summary(d: ReceiptReportData) -> list[tuple[str, str]]:
    lines = d.lines
    short = [ln for ln in lines if ln.expected and ln.diff < 0]
    over = [ln for ln in lines if ln.expected and ln.diff > 0]
    unexpected = [ln for ln in lines if not ln.expected and ln.received]
    return [
        ("Expected units", str(sum(ln.expected for ln in lines))),
        ("Received units", str(sum(ln.received for ln in lines))),
        ("Damaged units", str(sum(ln.damaged for ln in lines))),
        ("Short SKUs", f"{len(short)} ({sum(-ln.diff for ln in short)} units)"),
        ("Over SKUs", f"{len(over)} ({sum(ln.diff for ln in over)} units)"),
        ("Unexpected SKUs", f"{len(unexpected)} ({sum(ln.received for ln in unexpected)} units)"),
    ]


def render_receipt_report(data: ReceiptReportData, path: Path) -> Path:
    """Write the report PDF to ``path`` (its folder must exist) and return ``path``."""
    c = _NumberedCanvas(str(path), pagesize=A4, pageCompression=1)
    c.setTitle(f"Receiving report {data.reference}")
    c.setAuthor(data.warehouse)
    p = _Pages(c, data)
    left = MARGIN
    facts = [
        ("Delivery", data.reference + ("  (blind receipt)" if data.blind else "")),
        ("Supplier", data.supplier or "-"),
        ("Expected", str(data.expected_date) if data.expected_date else "-"),
        ("Status", data.status.lower()),
        ("Closed", f"{data.closed_at:%Y-%m-%d %H:%M} UTC by {data.closed_by}"
         if data.closed_at else "not closed"),
    ]  # fmt: skip
    top = p.y
    for label, value in facts:
        draw_text(c, left, p.y, label, 9, bold=True)
        draw_text(c, left + 28 * MM, p.y, fit_text(value, 9, 80 * MM), 9)
        p.y -= 5 * MM
    scannable = data.reference.isascii() and data.reference.isprintable()
    x_dim = fit_x_dim(data.reference, 60 * MM, 0.33 * MM, 0.2 * MM) if scannable else None
    if x_dim:
        draw_code128(c, p.width - MARGIN - 62 * MM, top - 13 * MM, data.reference,
                     x_dim=x_dim, bar_height=13 * MM)  # fmt: skip
        draw_text(c, p.width - MARGIN - 31 * MM, top - 17 * MM, data.reference, 8,
                  anchor="middle")  # fmt: skip
    p.y -= 3 * MM
    summary_top = p.y
    for i, (label, value) in enumerate(_summary(data)):
        col_x = left + (i % 3) * 60 * MM
        row_y = summary_top - (i // 3) * 5 * MM
        draw_text(c, col_x, row_y, f"{label}:", 8.5)
        draw_text(c, col_x + 28 * MM, row_y, value, 8.5, bold=True)
    p.y = summary_top - 14 * MM

    draw_text(c, left, p.y, "Lines", 11, bold=True)
    p.y -= 3 * MM
    _table_header(p, COLUMNS)
    for ln in data.ordered_lines:
        if p.need(ROW_H):
            _table_header(p, COLUMNS)
        _table_row(
            p,
            COLUMNS,
            [ln.sku, ln.name, ln.options, str(ln.expected), str(ln.received),
             str(ln.damaged or ""), ln.issue or "ok"],
            shade=bool(ln.issue),
            bold=bool(ln.issue),
        )  # fmt: skip
    if data.damages:
        p.y -= 6 * MM
        p.need(3 * ROW_H)
        draw_text(c, left, p.y, "Damaged units (moved to quarantine)", 11, bold=True)
        p.y -= 3 * MM
        _table_header(p, DAMAGE_COLUMNS)
        for note in data.damages:
            if p.need(ROW_H):
                _table_header(p, DAMAGE_COLUMNS)
            cells = [note.sku, str(note.qty), note.reason, note.who, f"{note.at:%m-%d %H:%M}"]
            _table_row(p, DAMAGE_COLUMNS, cells)
    p.y -= 12 * MM
    p.need(16 * MM)
    for i, label in enumerate(("Received by", "Checked by (supervisor)")):
        x = left + i * 90 * MM
        c.setStrokeGray(0)
        c.setLineWidth(0.5)
        c.line(x, p.y, x + 75 * MM, p.y)
        draw_text(c, x, p.y - 4 * MM, label, 8)
    c.showPage()
    c.save()
    return path
