"""Dispatch overview: will every truck leave full, and what needs a supervisor now?

Wide (120×40): one table of trucks with their services under them (cut-off,
time left, orders in every status, at risk, late), orders needing attention
next to open exceptions, and throughput per person and hour. Narrow (40×16):
the same five panels one at a time, keys 1-5 (or ←/→) switch.

It refreshes itself every few seconds in a worker thread, so keys never wait
for the database. Enter on an order opens its timeline; on a truck, the
hand-over for that carrier. F6 opens the delay list (orders that will miss
their promised date, and their delay notices: ``screens/delays.py``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, OptionList, Static
from textual.widgets.option_list import Option

from wms_tui.ui.answers import answer
from wms_tui.ui.base import WmsScreen
from wms_tui.ui.screens.dispatch_tables import OverviewTables
from wms_tui.ui.screens.dispatch_text import (
    STATUS_COLUMNS,
    issue_options,
    order_options,
    people_options,
    service_options,
    truck_options,
)
from wms_tui.ui.widgets.fixed_table import FitTable

if TYPE_CHECKING:
    from wms_tui.services.dispatch.overview import Snapshot

REFRESH_SECONDS = 5.0
WIDE_MIN = (100, 28)  # columns, rows
PANELS = ("Trucks", "Orders", "Exceptions", "Services", "People")


class DispatchScreen(OverviewTables, WmsScreen):
    TITLE_TEXT = "Dispatch overview"
    CSS_PATH = "dispatch.tcss"
    BINDINGS = [
        Binding("escape", "back", "Back", id="back"),
        Binding("r", "refresh_now", "Refresh", id="refresh"),
        Binding("f6", "delay_notices", "Delay mails", id="delays"),
        Binding("1", "panel(0)", "Trucks", show=False, id="p1"),
        Binding("2", "panel(1)", "Orders", show=False, id="p2"),
        Binding("3", "panel(2)", "Exceptions", show=False, id="p3"),
        Binding("4", "panel(3)", "Services", show=False, id="p4"),
        Binding("5", "panel(4)", "People", show=False, id="p5"),
        Binding("left", "step(-1)", "Prev", show=False, id="prev"),
        Binding("right", "step(1)", "Next", show=False, id="next"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.snap: Snapshot | None = None
        self.error = ""
        self.panel = 0
        self._relayout = False
        self.wide_layout = self._is_wide(self.app.size.width, self.app.size.height)

    @staticmethod
    def _is_wide(width: int, height: int) -> bool:
        return width >= WIDE_MIN[0] and height >= WIDE_MIN[1]

    # -- layout ----------------------------------------------------------------

    def compose_body(self) -> ComposeResult:
        yield Static("Loading…", id="dsp-summary", markup=False)
        if not self.wide_layout:
            yield Static("", id="dsp-tabs", markup=False)
            yield OptionList(id="dsp-list", compact=True)
            return
        with Vertical(id="dsp-wide"):
            yield Static(
                "Trucks and their services (orders by status)",
                classes="dsp-title",
                id="t-trucks",
                markup=False,
            )
            yield FitTable(id="dsp-trucks", cursor_type="row", zebra_stripes=True)
            with Horizontal(id="dsp-mid"):
                with Vertical(id="dsp-left"):
                    yield Static(
                        "Orders needing attention", classes="dsp-title", id="t-att", markup=False
                    )
                    yield FitTable(id="dsp-attention", cursor_type="row")
                with Vertical(id="dsp-right"):
                    yield Static("Open exceptions", classes="dsp-title", id="t-exc", markup=False)
                    yield FitTable(id="dsp-issues", cursor_type="row")
            yield Static("Throughput today", classes="dsp-title", id="t-people", markup=False)
            yield FitTable(id="dsp-people", cursor_type="row")

    def on_mount(self) -> None:
        self._setup_columns()
        self.refresh_overview()
        self.set_interval(REFRESH_SECONDS, self.refresh_overview, name="dispatch-refresh")
        self._focus_first()

    def _focus_first(self) -> None:
        target = "#dsp-trucks" if self.wide_layout else "#dsp-list"
        self.query_one(target).focus()

    def _setup_columns(self) -> None:
        if not self.wide_layout:
            return
        trucks = self.query_one("#dsp-trucks", DataTable)
        trucks.add_column("Carrier / service", key="name")
        trucks.add_column("Cut-off", key="cutoff")
        trucks.add_column("Left", key="left")
        for header, _ in STATUS_COLUMNS:
            trucks.add_column(header, key=header)
        for header in ("Packed", "On truck", "Hold", "Backord.", "Risk", "Late"):
            trucks.add_column(header, key=header)
        att = self.query_one("#dsp-attention", DataTable)
        for header in ("Order", "Carrier", "Status", "Why", "Idle", "Last by"):
            att.add_column(header, key=header)
        issues = self.query_one("#dsp-issues", DataTable)
        for header in ("Time", "Kind", "Order", "Who", "Where", "What"):
            issues.add_column(header, key=header)

    async def on_resize(self) -> None:
        # Not the breakpoints' width_changed: the wide layout's four tables need 28 rows
        # as well as 100 columns, and they are other widgets than the narrow layout's
        # list, composed anew rather than restyled by a class.
        wide = self._is_wide(self.size.width, self.size.height)
        if wide != self.wide_layout:
            # A refresh landing while the tables are rebuilt would fill tables
            # that have no columns yet: it only keeps its snapshot until then.
            self._relayout = True
            try:
                self.wide_layout = wide
                await self.recompose()
                self._setup_columns()
            finally:
                self._relayout = False
            self._focus_first()
            if self.snap is not None:
                self.show(self.snap)

    # -- refresh -----------------------------------------------------------------

    def action_refresh_now(self) -> None:
        self.refresh_overview()

    @work(thread=True, exclusive=True, group="dispatch-overview")
    def refresh_overview(self) -> None:
        from wms_tui.services.dispatch.overview import snapshot

        try:
            snap = snapshot(self.store)
        except Exception as exc:  # noqa: BLE001 - a refresh must never kill the screen
            answer(self, self._failed, f"Refresh failed: {exc}".splitlines()[0], latest_only=True)
            return
        answer(self, self.show, snap, latest_only=True)

    def _failed(self, message: str) -> None:
        self.error = message
        self.query_one("#dsp-summary", Static).update(Text(message, style="bold red"))

    def show(self, snap: Snapshot) -> None:
        self.snap, self.error = snap, ""
        # A resize is re-laying the screen out: it draws self.snap when done.
        if not self._relayout:
            self._fill(snap)

    def _fill(self, snap: Snapshot) -> None:
        self.query_one("#dsp-summary", Static).update(self._summary(snap))
        if self.wide_layout:
            self._fill_title(snap)
            self._fill_trucks(snap)
            self._fill_attention(snap)
            self._fill_issues(snap)
            self._fill_people(snap)
        else:
            self._fill_panel(snap)

    def _fill_title(self, s: Snapshot) -> None:
        title = Text("Trucks and their services (orders by status)")
        if shop := s.shop_line():
            # The shop sync: when it last ran, what waits, what the shop refused.
            problem = s.shop is not None and (s.shop.failed or s.shop.last_error)
            title.append(f"   {shop}", style="bold red" if problem else "")
        self.query_one("#t-trucks", Static).update(title)

    def _summary(self, s: Snapshot) -> Text:
        red = "bold red"
        t = Text()
        if self.wide_layout:
            t.append(f"{s.now.astimezone(s.tz):%a %H:%M:%S}  ", style="bold")
            t.append(f"pace {s.pace_per_hour:.1f} packs/h ")
            t.append("" if s.pace_measured else "(planned) ")
            t.append(f"· {s.due_open} due today  ")
            t.append(f"at risk {s.n_at_risk}", style=red if s.n_at_risk else "")
            t.append("  ")
            t.append(f"missed cut-off {s.n_missed}", style=red if s.n_missed else "")
            t.append("  ")
            t.append(f"late {s.n_late}", style=red if s.n_late else "")
            t.append("  ")
            t.append(f"stuck {s.n_stuck}", style="magenta" if s.n_stuck else "")
            t.append("  ")
            t.append(f"exceptions {s.n_exceptions}", style="yellow" if s.n_exceptions else "")
            return t
        # The counts first and no clock (the header has it): the clock and the pace
        # before them pushed the exceptions' number off a 40-column handheld with the
        # demo's day ("22:16 11/h risk 29 late 16 stuck 0 exc").
        risk = s.n_at_risk + s.n_missed
        t.append(f"risk {risk} ", style=red if risk else "")
        t.append(f"late {s.n_late} ", style=red if s.n_late else "")
        t.append(f"stuck {s.n_stuck} ", style="magenta" if s.n_stuck else "")
        t.append(f"exc {s.n_exceptions} ", style="yellow" if s.n_exceptions else "")
        t.append(f"{'' if s.pace_measured else '~'}{s.pace_per_hour:.0f}/h")
        return t

    # -- narrow panels -------------------------------------------------------------

    def action_panel(self, index: int) -> None:
        if self.wide_layout:
            target = ("#dsp-trucks", "#dsp-attention", "#dsp-issues", "#dsp-trucks", "#dsp-people")
            self.query_one(target[index]).focus()
            return
        self.panel = index
        if self.snap is not None:
            self._fill_panel(self.snap)

    def action_step(self, delta: int) -> None:
        if not self.wide_layout:
            self.action_panel((self.panel + delta) % len(PANELS))

    def _fill_panel(self, s: Snapshot) -> None:
        counts = (
            len(s.carriers),
            len(s.attention),
            s.n_exceptions,
            len(s.services),
            len(s.throughput),
        )
        self.query_one("#dsp-tabs", Static).update(
            f"{self.panel + 1}/5 {PANELS[self.panel]} ({counts[self.panel]})  ◂ ▸ 1-5"
        )
        builders = (
            truck_options,
            order_options,
            issue_options,
            service_options,
            people_options,
        )
        options = builders[self.panel](s, self._text_width)
        olist = self.query_one("#dsp-list", OptionList)
        keep = olist.highlighted
        olist.clear_options()
        if not options:
            olist.add_option(Option(Text("Nothing here right now", style="dim"), disabled=True))
            return
        olist.add_options(options)
        olist.highlighted = min(keep or 0, len(options) - 1)

    @property
    def _text_width(self) -> int:
        return max(20, self.size.width - 3)  # the option list's scrollbar and margin

    # -- opening things ------------------------------------------------------------

    def _open(self, key: str | None) -> None:
        if not key:
            return
        if key.startswith("order:"):
            from wms_tui.ui.screens.order_detail import OrderScreen

            self.app.push_screen(OrderScreen(int(key.split(":")[1])))
        elif key.startswith("carrier:"):
            from wms_tui.ui.screens.handover import HandoverScreen

            self.app.push_screen(HandoverScreen(carrier=key.split(":", 1)[1]))
        elif key.startswith("exc:"):
            order_id = key.rsplit(":", 1)[1]
            if order_id:
                self._open(f"order:{order_id}")

    @on(DataTable.RowSelected)
    def row_selected(self, event: DataTable.RowSelected) -> None:
        self._open(event.row_key.value)

    @on(OptionList.OptionSelected, "#dsp-list")
    def option_selected(self, event: OptionList.OptionSelected) -> None:
        self._open(event.option.id)

    # -- delay notices ---------------------------------------------------------------

    def action_delay_notices(self) -> None:
        from wms_tui.ui.screens.delays import DelaysScreen

        self.app.push_screen(DelaysScreen())
