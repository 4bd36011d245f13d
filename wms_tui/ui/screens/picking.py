"""The handheld pick screen: one stop at a time, bin -> items -> tote.

Thin: it keeps only what the handheld knows (the task code, the bin it has
confirmed, a typed count) and renders the :class:`TaskView` the picking
service returns. Every scan, skip, short and pause is a service call; a
refused one rings the bell and shows the one-line reason.

Scanner input goes into one field. What it means depends on the stage shown
in the prompt line: the bin, then the item (each unit, a case code, or type a
count, Enter, and scan once), then the tote. At 120 columns the list of all
stops and the cart's totes is shown beside the current stop.
"""

from __future__ import annotations

import re

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Static

from wms_tui.domain.errors import DomainError
from wms_tui.services.picking import walk as picking
from wms_tui.services.picking.walk import Completion, Stage, StopInfo, TaskView
from wms_tui.ui.answers import tell
from wms_tui.ui.base import FloorScreen
from wms_tui.ui.files_text import files_text
from wms_tui.ui.screens.picking_render import STOP_COLUMNS, TOTE_COLUMNS, PickRendering
from wms_tui.ui.widgets.card_digits import CardDigits
from wms_tui.ui.widgets.dialogs import AskChoice
from wms_tui.ui.widgets.fixed_table import SteadyTable
from wms_tui.ui.widgets.scan_panel import ScanPanel

_COUNT = re.compile(r"^\d{1,3}$")


class PickScreen(PickRendering, FloorScreen):
    TITLE_TEXT = "Pick"
    WIDE = 80
    CSS_PATH = "picking.tcss"
    BINDINGS = [
        Binding("escape", "back", "Pause", id="back"),
        Binding("f2", "skip", "Skip", id="skip"),
        Binding("f3", "short", "Short", id="short"),
        Binding("f4", "pause", "Pause", show=False, id="pause"),
        Binding("f5", "refresh_task", "Next", show=False, id="refresh"),
        Binding("f7", "pick_list", "List", id="pick-list"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.task_code: str | None = None
        self.view: TaskView | None = None
        self.at_bin: str | None = None
        self.count: int | None = None
        self.finished: Completion | None = None
        self.intro = False

    # -- layout ------------------------------------------------------------

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="pick-main"):
            with Vertical(id="pick-card"):
                yield Static("", id="pick-head", markup=False)
                yield CardDigits("", id="pick-big")
                yield Static("", id="pick-big-text", markup=False)
                yield Static("", id="pick-sku", markup=False)
                yield Static("", id="pick-name", markup=False)
                yield Static("", id="pick-opts", markup=False)
                yield Static("", id="pick-info", markup=False)
                yield ScanPanel("pick")
                yield Static("", id="pick-totes-title", markup=False)
                yield SteadyTable(id="pick-totes", cursor_type="none")
            with Vertical(id="pick-side"):
                yield Static("Stops", id="pick-side-title", markup=False)
                yield SteadyTable(id="pick-stops", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        stops = self.query_one("#pick-stops", SteadyTable)
        stops.fill(STOP_COLUMNS, [])
        stops.can_focus = False
        totes = self.query_one("#pick-totes", SteadyTable)
        totes.fill(TOTE_COLUMNS, [])
        totes.can_focus = False
        self.focus_scan()
        self.claim()

    def width_changed(self) -> None:
        self._render_side()

    # -- service calls -----------------------------------------------------

    def claim(self) -> None:
        self.finished = None
        self.at_bin = None
        self.count = None
        try:
            view = picking.claim_next_task(self.store, self.actor)
        except DomainError as exc:
            self.feedback.error(str(exc))
            return
        if view is None:
            self.task_code, self.view = None, None
            self.render_view()
            self.feedback.info("No pick tasks waiting")
            return
        self.task_code, self.view = view.code, view
        self.intro = view.stops_done == 0
        if view.stop is None:
            self.feedback.info(f"Task {view.code}: nothing left to pick")
        else:
            resumed = view.stops_done > 0 or view.units_picked > 0
            self.feedback.ok(f"{'Resumed' if resumed else 'Started'} task {view.code}")
        self.render_view()

    def _call(self, fn, *args, **kwargs) -> picking.ScanOutcome | None:
        try:
            out = fn(self.store, self.actor, *args, **kwargs)
        except DomainError as exc:
            self.count = None
            self.feedback.error(str(exc))
            self.render_prompt()
            return None
        self.view = out.view
        self.at_bin = out.at_bin
        self.count = None
        self.intro = False
        if out.finished is not None:
            self.finished = out.finished
            self.feedback.ok(out.message.split(". Task")[0])
        else:
            self.feedback.ok(out.message)
        self.render_view()
        return out

    @on(Input.Submitted, "#pick-scan")
    def submitted(self, event: Input.Submitted) -> None:
        code = event.value.strip()
        if self.task_code is None or self.finished is not None:
            if code:
                self.feedback.error("No task open: press Enter for the next task")
            else:
                self.claim()
            return
        if not code:
            return
        stop = self.view.stop if self.view else None
        at_item = stop is not None and stop.stage is Stage.PICK and self.at_bin == stop.bin
        if at_item and _COUNT.match(code):
            self.set_count(int(code), stop)
            return
        # known: the service reads only the stop this view shows when it still matches
        self._call(
            picking.scan,
            self.task_code,
            code,
            at_bin=self.at_bin,
            count=self.count or 1,
            known=self.view,
        )

    def set_count(self, n: int, stop: StopInfo) -> None:
        if n < 1:
            self.feedback.error("Count must be at least 1")
        elif n > stop.remaining:
            self.feedback.error(f"Count {n} is more than the {stop.remaining} left to pick")
        else:
            self.count = n
            self.feedback.info(f"Count {n}: now scan {stop.sku} once")
        self.render_prompt()

    def action_skip(self) -> None:
        if self._ready():
            self._call(picking.skip_stop, self.task_code)

    def action_short(self) -> None:
        if not self._ready():
            return
        stop = self.view.stop if self.view else None
        if stop is None:
            return
        if stop.stage is Stage.TOTE:
            self.feedback.error(f"All {stop.picked} picked: put them in tote {stop.tote}")
            return
        hint = f"{stop.remaining} × {stop.sku} at {stop.bin}."
        if stop.picked == 0 and stop.remaining > 1:
            hint += " Pick what is there first."
        self.app.push_screen(
            AskChoice(
                "Short pick: why?", list(picking.SHORT_REASONS.items()), other=None, hint=hint
            ),
            self._short_chosen,
        )

    def _short_chosen(self, reason: str | None) -> None:
        self.focus_scan()
        if reason is None:
            self.feedback.info("Short pick cancelled")
            return
        self._call(picking.report_short, self.task_code, reason, at_bin=self.at_bin)

    def action_pause(self) -> None:
        if not self._ready():
            return
        try:
            picking.pause_task(self.store, self.actor, self.task_code)
        except DomainError as exc:
            self.feedback.error(str(exc))
            return
        self.app.notify(f"Task {self.task_code} paused: open Pick to go on", timeout=4)
        self.dismiss()

    def action_back(self) -> None:
        if self.task_code and self.finished is None and self.view and self.view.stop:
            self.action_pause()
        else:
            self.dismiss()

    def action_refresh_task(self) -> None:
        if self.task_code is None or self.finished is not None:
            self.claim()
        elif self.view is not None:
            self.view = picking.current_stop(self.store, self.actor, self.task_code)
            self.render_view()

    def action_pick_list(self) -> None:
        """Paper copy of what is left of this task (for a colleague, or a dead battery)."""
        if self.task_code is None:
            self.feedback.error("No task open: press Enter for the next task")
            return
        self.feedback.info(f"Writing pick list {self.task_code}…")
        self.write_pick_list(self.task_code)

    @work(thread=True, exclusive=True, group="pick-list")
    def write_pick_list(self, code: str) -> None:
        from wms_tui.printing.errors import PrintError
        from wms_tui.services.picking.pick_list import print_pick_list

        try:
            result = print_pick_list(self.store, code, terminal=self.actor.terminal)
        except (DomainError, PrintError) as exc:
            tell(self, str(exc))
            return
        said = result.said_with(files_text(result.path))
        tell(self, said, ok=True)

    def _ready(self) -> bool:
        if self.task_code is None or self.finished is not None:
            self.feedback.error("No task open: press Enter for the next task")
            return False
        return True
