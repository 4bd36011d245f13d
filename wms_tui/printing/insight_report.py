"""The weekly-review reports (``wms report``) as A4 PDFs: charts, then their tables.

Drawn from plain data (:class:`ReportDoc`): reportlab graphics bar charts and
line charts, each with its numbers printed beside the bars or under the
lines, then the tables the CSV files hold. Series are told apart by a legend
with their names and by line dashes and markers, never by colour alone.

Names of people and products go through :mod:`fonts` (Hangul, Å Ä Ö): the
charts' own labels are drawn with it on top of the chart, not as reportlab
``String`` objects, which know one font. A chart with nothing to show (an
empty day) is drawn as its frame and "nothing in this period", never as an
axis with a zero range.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Literal

from reportlab.graphics import renderPDF
from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, Rect
from reportlab.graphics.widgets.markers import makeMarker
from reportlab.lib import colors

from wms_tui.printing import fonts
from wms_tui.printing.pages import render_to_bytes, write_pdf
from wms_tui.printing.toolkit import Column, DocumentWriter

Cell = str | int | float | None  # None: no value (a day without dispatches has no cycle time)

# Greys and a blue: readable in black and white; the legend names every series.
PALETTE = tuple(
    colors.HexColor(c) for c in ("#1f4e79", "#9e9e9e", "#e07b00", "#3c8d2f", "#7b3294", "#000000")
)
DASHES = (None, (4, 2), (1, 2), (6, 2, 1, 2), (8, 3), (2, 4))
MARKERS = ("FilledCircle", "FilledSquare", "FilledTriangle", "FilledDiamond", "Cross", "Circle")
MAX_BARS = 20


@dataclass(frozen=True)
class Chart:
    kind: Literal["bar", "line"]
    title: str
    categories: tuple[str, ...]
    # (name, one value per category; None where there is none: a gap in a line)
    series: tuple[tuple[str, tuple[float | None, ...]], ...]
    unit: str = ""
    decimals: int = 0

    @property
    def empty(self) -> bool:
        return not self.categories or not any(v for _, vals in self.series for v in vals if v)

    @property
    def top(self) -> float:
        return max((v for _, vals in self.series for v in vals if v is not None), default=0.0)


@dataclass(frozen=True)
class TableData:
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    note: str = ""


@dataclass(frozen=True)
class ReportDoc:
    kind: str
    title: str
    period: str
    warehouse: str
    printed: str  # the time it was made, on the warehouse's clock
    notes: tuple[str, ...] = ()
    charts: tuple[Chart, ...] = ()
    tables: tuple[TableData, ...] = field(default_factory=tuple)


def render(doc: ReportDoc) -> bytes:
    return render_to_bytes(lambda target: _build(doc, target))


def write(doc: ReportDoc, path: Path | str) -> Path:
    return write_pdf(path, render(doc))


def _build(doc: ReportDoc, target: BinaryIO) -> None:
    w = DocumentWriter(
        target,
        title=f"{doc.title}, {doc.period}",
        header_right=doc.warehouse,
        footer_left=f"{doc.title} · {doc.period} · made {doc.printed}",
    )
    w.text_line(doc.title, 16, bold=True)
    w.text_line(f"{doc.period} · {doc.warehouse}", 10, gray=0.35)
    for note in doc.notes:
        w.paragraph(note, 8.5, gray=0.25)
    for chart in doc.charts:
        _chart(w, chart)
    for table in doc.tables:
        w.heading(table.title)
        if table.note:
            w.paragraph(table.note, 8, gray=0.35)
        if not table.rows:
            w.text_line("nothing in this period", 9, gray=0.4)
            continue
        columns = []
        for i, title in enumerate(table.columns):
            cells = [_cell(r[i]) for r in table.rows]
            numeric = all(isinstance(r[i], int | float | None) for r in table.rows)
            # Share of the width: as wide as the heading or the widest cell needs.
            # (Headings are bold: wider than the cells' text.)
            weight = max(4, 1.4 * len(title) + 1, *(len(c) + 1 for c in cells))
            align = "right" if numeric else "left"
            columns.append(Column(title, min(weight, 40), align=align, size=8.5))
        w.table(columns, [tuple(_cell(c) for c in row) for row in table.rows])
    w.finish()


def _cell(value: Cell) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:,.1f}"
    if isinstance(value, int):
        return f"{value:,}"
    return value


def _fmt(value: float | None, chart: Chart) -> str:
    if value is None:
        return "–"
    return f"{value:,.{chart.decimals}f}{(' ' + chart.unit) if chart.unit else ''}"


def _chart(w: DocumentWriter, chart: Chart) -> None:
    if chart.empty:
        height = 50.0
    elif chart.kind == "bar":
        n = min(len(chart.categories), MAX_BARS)
        height = 34 + max(1, n) * 14 * len(chart.series)
    else:
        height = 170.0 + 10 * len(chart.series)
    w.ensure(height + 40)  # the title stays with its chart
    w.heading(chart.title)
    w.ensure(height)
    w.y -= height
    if chart.empty:
        _empty(w, chart, height)
    elif chart.kind == "bar":
        _bars(w, chart, height)
    else:
        _lines(w, chart, height)
    w.space(6)


def _empty(w: DocumentWriter, chart: Chart, height: float) -> None:
    d = Drawing(w.width, height)
    d.add(Rect(0, 0, w.width, height, strokeColor=colors.grey, fillColor=None, strokeWidth=0.5))
    renderPDF.draw(d, w.canvas, w.left, w.y)
    w.canvas.setFillGray(0.4)
    fonts.draw_text(w.canvas, w.left + w.width / 2, w.y + height / 2 - 4, "nothing in this period",
                    10, anchor="middle")  # fmt: skip
    w.canvas.setFillGray(0)


def _legend(w: DocumentWriter, chart: Chart, x: float, y: float) -> None:
    for i, (name, _) in enumerate(chart.series):
        c = PALETTE[i % len(PALETTE)]
        w.canvas.setFillColor(c)
        w.canvas.setStrokeColor(c)
        w.canvas.rect(x, y, 8, 8, stroke=0, fill=1)
        w.canvas.setFillGray(0)
        x += 11 + fonts.draw_text(w.canvas, x + 11, y + 1, name, 8) + 14


def _bars(w: DocumentWriter, chart: Chart, height: float) -> None:
    cats = chart.categories[:MAX_BARS]
    series = [vals[:MAX_BARS] for _, vals in chart.series]
    label_w = min(150.0, max(fonts.text_width(c, 8) for c in cats) + 6)
    value_w = fonts.text_width(_fmt(chart.top, chart), 8) + 8
    top_pad = 18 if len(chart.series) > 1 else 4
    plot_h = height - 14 - top_pad
    bc = HorizontalBarChart()
    bc.x, bc.y = label_w, 14
    bc.width, bc.height = w.width - label_w - value_w, plot_h
    # reportlab draws the first category at the bottom: reverse, so the list reads down.
    bc.data = [tuple(reversed([x or 0 for x in v])) for v in series]
    bc.categoryAxis.categoryNames = [""] * len(cats)
    bc.categoryAxis.labels.fontSize = 0.1
    bc.valueAxis.valueMin = 0
    top = chart.top * 1.02 or 1
    bc.valueAxis.valueMax = top
    bc.valueAxis.labels.fontName = fonts.LATIN
    bc.valueAxis.labels.fontSize = 7
    bc.barSpacing = 1
    bc.groupSpacing = 4
    for i in range(len(series)):
        bc.bars[i].fillColor = PALETTE[i % len(PALETTE)]
        bc.bars[i].strokeColor = None
    d = Drawing(w.width, height)
    d.add(bc)
    renderPDF.draw(d, w.canvas, w.left, w.y)
    # Names on the left and every bar's number at its end, in the document's fonts.
    n, k = len(cats), len(series)
    slot = plot_h / n
    for row, name in enumerate(cats):
        y_mid = w.y + 14 + plot_h - (row + 0.5) * slot
        label = fonts.ellipsize(name, 8, label_w - 6)
        fonts.draw_text(w.canvas, w.left + label_w - 4, y_mid - 3, label, 8, anchor="end")
        for s in range(k):
            value = series[s][row]
            bar_h = (slot - 4) / k
            # the first series is the lowest bar of its group
            y = w.y + 14 + plot_h - row * slot - 2 - (k - 1 - s + 0.5) * bar_h
            x = w.left + label_w + bc.width * (value or 0) / top + 3
            fonts.draw_text(w.canvas, x, y - 3, _fmt(value, chart), 7.5)
    if len(chart.series) > 1:
        _legend(w, chart, w.left + label_w, w.y + height - 12)
    if len(chart.categories) > MAX_BARS:
        w.canvas.setFillGray(0.4)
        fonts.draw_text(w.canvas, w.right, w.y + 2,
                        f"first {MAX_BARS} of {len(chart.categories)}: all in the table", 7,
                        anchor="end")  # fmt: skip
        w.canvas.setFillGray(0)


def _lines(w: DocumentWriter, chart: Chart, height: float) -> None:
    k = len(chart.series)
    strip = 10 * k  # the numbers under the axis: one row per series
    lc = HorizontalLineChart()
    lc.x, lc.y = 60, 30 + strip
    lc.width, lc.height = w.width - 66, height - 54 - strip
    lc.data = [tuple(vals) for _, vals in chart.series]
    n = len(chart.categories)
    step = max(1, n // 12)
    lc.categoryAxis.categoryNames = [
        c if i % step == 0 else "" for i, c in enumerate(chart.categories)
    ]
    lc.categoryAxis.labels.fontName = fonts.LATIN
    lc.categoryAxis.labels.fontSize = 7
    lc.categoryAxis.labels.dy = -2 - strip
    lc.valueAxis.valueMin = 0
    lc.valueAxis.valueMax = chart.top * 1.1 or 1
    lc.valueAxis.labels.fontName = fonts.LATIN
    lc.valueAxis.labels.fontSize = 7
    for i in range(k):
        line = lc.lines[i]
        line.strokeColor = PALETTE[i % len(PALETTE)]
        line.strokeWidth = 1.5
        if DASHES[i % len(DASHES)]:
            line.strokeDashArray = DASHES[i % len(DASHES)]
        line.symbol = makeMarker(MARKERS[i % len(MARKERS)], size=4)
        line.symbol.fillColor = PALETTE[i % len(PALETTE)]
    d = Drawing(w.width, height)
    d.add(lc)
    renderPDF.draw(d, w.canvas, w.left, w.y)
    _legend(w, chart, w.left + lc.x, w.y + height - 14)
    # The numbers beside the lines: a row per series under the axis, each value
    # under its day (every ``step``-th when the days are many).
    for s, (name, vals) in enumerate(chart.series):
        y = w.y + lc.y - 9 - 10 * s
        label = fonts.ellipsize(name, 7, lc.x - 6)
        fonts.draw_text(w.canvas, w.left + lc.x - 4, y, label, 7, anchor="end")
        for i, v in enumerate(vals):
            if i % step == 0:
                x = w.left + lc.x + lc.width * (i + 0.5) / n
                shown = _fmt(v, chart).removesuffix(" " + chart.unit)
                fonts.draw_text(w.canvas, x, y, shown, 7, anchor="middle")
