"""Shift dashboard (supervisor): how fast, how well, and will the trucks leave full.

Wide (120×40): orders by stage now beside today's flow per hour (sparklines),
each carrier's work left against its cut-off on the last hour's pace, pick
and pack rates per person, pack accuracy per packer, backorders by age and
open exceptions by kind. Narrow (40×16): the same six panels one at a time,
keys 1-6 (or ←/→) switch.

It refreshes every :data:`REFRESH_SECONDS` in a thread worker (the queries
never run on the event loop, so keys never wait); ``r`` refreshes now. The
numbers and how they are counted: ``docs/insight.md``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Sparkline, Static

from wms_tui.ui.answers import answer
from wms_tui.ui.base import WmsScreen
from wms_tui.ui.screens import dashboard_view as view

if TYPE_CHECKING:
    from wms_tui.services.insight.dashboard import Dashboard

REFRESH_SECONDS = 15.0
PANELS = (
    ("stages", "Orders now"),
    ("flow", "Per hour today"),
    ("trucks", "Cut-offs"),
    ("people", "People"),
    ("accuracy", "Pack accuracy"),
    ("backlog", "Backlog"),
)
FLOW_LABELS = {"released": "released", "picked": "picked", "packed": "packed",
               "dispatched": "dispatched"}  # fmt: skip


class DashboardScreen(WmsScreen):
    TITLE_TEXT = "Shift dashboard"
    WIDE = 100
    CSS_PATH = "dashboard.tcss"
    BINDINGS = [
        Binding("escape", "back", "Back", id="back"),
        Binding("r", "refresh_now", "Refresh", id="refresh"),
        Binding("right", "step(1)", "Next", id="next"),
        Binding("left", "step(-1)", "Prev", id="prev", show=False),
        *(
            Binding(str(i + 1), f"panel({i})", title, show=False, id=f"p{i + 1}")
            for i, (_, title) in enumerate(PANELS)
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.snap: Dashboard | None = None
        self.error = ""
        self.panel = 0

    def compose_body(self) -> ComposeResult:
        yield Static("Loading…", id="dash-summary", markup=False)
        yield Static("", id="dash-tab", markup=False)
        with VerticalScroll(id="dash-body"):
            with Horizontal(classes="dash-row"):
                with Vertical(id="panel-stages", classes="panel"):
                    yield Static("Orders now", classes="dash-title", markup=False)
                    yield Static("", id="dash-stages", markup=False)
                with Vertical(id="panel-flow", classes="panel"):
                    yield Static(
                        "Per hour today", id="dash-flow-title", classes="dash-title", markup=False
                    )
                    for stage, label in FLOW_LABELS.items():
                        with Horizontal(classes="flow-row"):
                            yield Static(label, classes="flow-label", markup=False)
                            yield Sparkline([], id=f"spark-{stage}", summary_function=max)
                            yield Static("", id=f"flow-{stage}", classes="flow-num", markup=False)
            with Vertical(id="panel-trucks", classes="panel"):
                yield Static("Cut-offs", id="dash-trucks-title", classes="dash-title", markup=False)
                yield Static("", id="dash-trucks", markup=False)
            with Horizontal(classes="dash-row"):
                with Vertical(id="panel-people", classes="panel"):
                    yield Static("People today", classes="dash-title", markup=False)
                    yield Static("", id="dash-people", markup=False)
                # The backlog under the accuracy table, beside the people: below them it
                # pushed the open exceptions off a 120x40 screen with five carriers.
                with Vertical(classes="dash-col"):
                    with Vertical(id="panel-accuracy", classes="panel"):
                        yield Static("Pack accuracy today", classes="dash-title", markup=False)
                        yield Static("", id="dash-accuracy", markup=False)
                    with Vertical(id="panel-backlog", classes="panel"):
                        yield Static("", id="dash-backlog", markup=False)

    def on_mount(self) -> None:
        self._show_panel()
        self.refresh_dashboard()
        self.set_interval(REFRESH_SECONDS, self.refresh_dashboard, name="dashboard-refresh")

    # -- panels (narrow) ------------------------------------------------------------

    def action_panel(self, index: int) -> None:
        self.panel = index % len(PANELS)
        self._show_panel()

    def action_step(self, delta: int) -> None:
        self.action_panel(self.panel + delta)

    def _show_panel(self) -> None:
        for i, (key, _) in enumerate(PANELS):
            self.query_one(f"#panel-{key}").set_class(i == self.panel, "shown")
        # On a handheld the column of two panels takes no width when neither is shown:
        # it halved the people panel's rows.
        for col in self.query(".dash-col"):
            col.set_class(not col.query(".panel.shown"), "idle")
        title = PANELS[self.panel][1]
        self.query_one("#dash-tab", Static).update(
            Text.assemble(("‹ ", "dim"), f"{self.panel + 1}/{len(PANELS)} {title}", (" ›", "dim"))
        )
        self.query_one("#dash-body", VerticalScroll).scroll_home(animate=False)

    # -- refresh -----------------------------------------------------------------------

    def action_refresh_now(self) -> None:
        self.refresh_dashboard()

    @work(thread=True, exclusive=True, group="insight-dashboard")
    def refresh_dashboard(self) -> None:
        from wms_tui.domain.errors import DomainError
        from wms_tui.services.insight.dashboard import dashboard

        try:
            snap = dashboard(self.store, self.actor)
        except DomainError as exc:
            answer(self, self._failed, str(exc), latest_only=True)
            return
        except Exception as exc:  # noqa: BLE001 - a refresh must never kill the screen
            answer(self, self._failed, f"Refresh failed: {exc}".splitlines()[0], latest_only=True)
            return
        answer(self, self.show, snap, latest_only=True)

    def _failed(self, message: str) -> None:
        self.error = message
        self.app.bell()
        self.query_one("#dash-summary", Static).update(Text("✗ " + message, style="bold red"))

    # -- drawing -------------------------------------------------------------------------

    def fit_width(self, width: int) -> None:
        if self.snap is not None:
            self.show(self.snap)  # the bars fill the width there is

    def widths(self) -> tuple[int, int]:
        """Text columns of (the stages panel, any other panel), from the terminal's
        width: a hidden panel has no size to ask."""
        width = self.app.size.width
        if not self.wide:
            # A panel's padding (1 each side) and the body's scroll bar (2): at 40 columns
            # 36, where 37 wrapped the 'u' of a cut-off's 'pack 16 u' onto a line of its own.
            return width - 4, width - 4
        return 44, (width - 1) // 2 - 3

    def show(self, d: Dashboard) -> None:
        self.snap, self.error = d, ""
        narrow = not self.wide
        stages_w, half = self.widths()
        self.query_one("#dash-summary", Static).update(view.summary(d, narrow))
        self.query_one("#dash-stages", Static).update(view.stages(d, stages_w, narrow))
        shown = view.shown_hours(d)
        self.query_one("#dash-flow-title", Static).update(
            f"Per hour today ({view.hours_axis(d, shown)})   total   now"
        )
        for stage, values in d.flow:
            data = list(values[-shown:])
            # all zero: drawn empty, not as a row of the lowest bars
            self.query_one(f"#spark-{stage}", Sparkline).data = data if any(data) else []
            self.query_one(f"#flow-{stage}", Static).update(view.flow_numbers(values))
        self.query_one("#dash-trucks-title", Static).update(view.trucks_title(d, narrow))
        self.query_one("#dash-trucks", Static).update(view.trucks(d, narrow, half))
        self.query_one("#dash-people", Static).update(view.people(d, half, narrow))
        self.query_one("#dash-accuracy", Static).update(view.accuracy(d, half, narrow))
        self.query_one("#dash-backlog", Static).update(view.backlog(d, half, narrow))
