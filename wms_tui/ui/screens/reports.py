"""Return reports for supervisors: why things come back and whose errors they were.

Keys: 1-5 (or ←/→) switch table, p cycles the period (today, 7 days, 30 days,
all time), e writes the CSV into the report folder. The report is built in a
worker thread so a large history never freezes the terminal.
"""

from __future__ import annotations

from rich.cells import set_cell_size
from rich.text import Text
from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from wms_tui.domain.errors import DomainError
from wms_tui.domain.text import plural
from wms_tui.services.returns import report_csv
from wms_tui.services.returns import reports as return_reports
from wms_tui.services.returns.reports import PERIODS, ReturnReport, Row, people_total
from wms_tui.ui.answers import answer, tell
from wms_tui.ui.base import WmsScreen
from wms_tui.ui.files_text import files_text
from wms_tui.ui.widgets.feedback import Feedback
from wms_tui.ui.widgets.fixed_table import FitTable

# (attribute of ReturnReport, short tab name, first column heading)
TABLES: tuple[tuple[str, str, str], ...] = (
    ("by_reason", "Reason", "Reason"),
    ("by_cause", "Cause", "Whose cause"),
    ("by_sku", "SKU", "SKU"),
    ("by_packer", "Packer", "Packed by"),
    ("by_picker", "Picker", "Picked by"),
)
PERIOD_ORDER = tuple(PERIODS)


class ReturnReportsScreen(WmsScreen):
    TITLE_TEXT = "Return reports"
    BINDINGS = [
        Binding("escape", "back", "Back", id="back"),
        Binding("p", "next_period", "Period", id="reports-period"),
        Binding("e", "export", "Export", id="reports-export"),
        Binding("left", "tab(-1)", "Prev", show=False, id="reports-left"),
        Binding("right", "tab(1)", "Next", show=False, id="reports-right"),
    ]
    CSS_PATH = "reports.tcss"

    def __init__(self) -> None:
        super().__init__()
        self.period = "month"
        self.tab = 0
        self.report: ReturnReport | None = None

    def compose_body(self) -> ComposeResult:
        yield Static("Loading…", id="rep-head", markup=False)
        yield Static("", id="rep-tabs", markup=False)
        yield FitTable(id="rep-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="rep-note", markup=False)
        yield Feedback("", id="rep-feedback")

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()
        self.load()

    def on_resize(self, _event: events.Resize) -> None:
        # The label column takes the width the figures leave: drawn again at every
        # Resize, not once per width in fit_width. Drawn only at a new size's first
        # Resize, during its layout, the label column kept the header's width and cut
        # 'Wrong size ordered' to 'Wrong…' (120x40 → 150x40 → 120x40 in tmux); the
        # layout's own Resize draws it again with its rows counted.
        self.render_table()

    @property
    def feedback(self) -> Feedback:
        return self.query_one("#rep-feedback", Feedback)

    # -- loading ---------------------------------------------------------------

    @work(thread=True, exclusive=True, group="return-report")
    def load(self) -> None:
        try:
            start, end = return_reports.period_dates(self.store, self.period)
            report = return_reports.build_report(self.store, start, end, actor=self.actor)
        except DomainError as exc:
            tell(self, str(exc), latest_only=True)
            return
        answer(self, self._loaded, report, latest_only=True)

    def _loaded(self, report: ReturnReport) -> None:
        self.report = report
        self.render_table()

    # -- rendering ---------------------------------------------------------------

    def render_table(self) -> None:
        report = self.report
        if report is None:
            return
        label = PERIODS[self.period][0]
        if report.units:
            pct = round(100 * report.controllable_units / report.units)
            head = (
                f"{label}: {plural(report.units, 'unit')}, {plural(report.receipts, 'parcel')} · "
                f"{report.controllable_units} ours ({pct}%)"
            )
        else:
            head = f"{label}: no returns"
        self.query_one("#rep-head", Static).update(Text(head))
        tabs = Text()
        for i, (_, short, _) in enumerate(TABLES):
            tabs.append(f"{i + 1}{short}", style="reverse bold" if i == self.tab else "")
            tabs.append(" ")
        self.query_one("#rep-tabs", Static).update(tabs)

        attr, _, heading = TABLES[self.tab]
        rows: tuple[Row, ...] = getattr(report, attr)
        total = people_total(report, attr)
        table = self.query_one(DataTable)
        table.clear(columns=True)
        narrow = self.size.width < 80
        used = (19 if narrow else 22) + (7 if attr == "by_sku" else 0)
        width = max(12, self.size.width - used)
        table.add_column(heading, key="label")
        table.add_column("Parc" if narrow else "Parcels", key="returns")
        table.add_column("Units", key="units")
        if attr == "by_sku":
            table.add_column("Ours", key="ours")
        table.add_column("%", key="share")
        for r in rows:
            text = r.label
            if attr == "by_sku":
                text = r.key if narrow else f"{r.key}  {r.label}"
            mark = " *" if attr == "by_reason" and r.controllable else ""
            cells: list[object] = [
                Text(set_cell_size(text, width - len(mark)).rstrip() + mark),
                Text(str(r.returns), justify="right"),
                Text(str(r.units), justify="right"),
            ]
            if attr == "by_sku":
                cells.append(Text(str(r.controllable_units), justify="right"))
            cells.append(Text(f"{r.share(total):.0f}", justify="right"))
            table.add_row(*cells, key=r.key or r.label)
        note = {
            "by_reason": "* controllable (our error)",
            "by_packer": "Returns for our pack only; % of those units",
            "by_picker": "Returns for our pick only; % of those units",
            "by_sku": "Ours = units back for a controllable reason",
        }.get(attr, "")
        if not rows:
            note = "Nothing in this period"
        self.query_one("#rep-note", Static).update(note)

    # -- actions -------------------------------------------------------------------

    def action_tab(self, delta: int) -> None:
        self.tab = (self.tab + delta) % len(TABLES)
        self.render_table()

    def on_key(self, event: events.Key) -> None:
        if event.character and event.character in "12345":
            event.stop()
            self.tab = int(event.character) - 1
            self.render_table()

    def action_next_period(self) -> None:
        self.period = PERIOD_ORDER[(PERIOD_ORDER.index(self.period) + 1) % len(PERIOD_ORDER)]
        self.feedback.info(f"Period: {PERIODS[self.period][0]}")
        self.load()

    def action_export(self) -> None:
        if self.report is None:
            self.feedback.error("The report is still loading")
            return
        try:
            path = report_csv.export_to_report_dir(self.store, self.report)
        except (DomainError, OSError) as exc:
            self.feedback.error(f"Cannot write the CSV: {exc}")
            return
        self.feedback.ok(f"Saved {files_text(path)}")
