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
from textual.widgets import Digits, Input, Static

from wms_tui.domain.errors import DomainError
from wms_tui.domain.text import plural
from wms_tui.services.picking import walk as picking
from wms_tui.services.picking.walk import Completion, Stage, StopInfo, TaskView
from wms_tui.ui.answers import tell
from wms_tui.ui.base import FloorScreen
from wms_tui.ui.files_text import files_text
from wms_tui.ui.widgets.dialogs import AskChoice
from wms_tui.ui.widgets.fixed_table import SteadyTable
from wms_tui.ui.widgets.scan_panel import ScanPanel
from wms_tui.ui.widgets.steady import update_text

_COUNT = re.compile(r"^\d{1,3}$")
# Widths fit the content (None), as the stops and the cart vary in length.
STOP_COLUMNS = [(label, None) for label in ("#", "Bin", "SKU", "Qty", "Got", "Tote", "Order", "")]
TOTE_COLUMNS = [(label, None) for label in ("Slot", "Tote", "Order", "Status", "Got", "Bin short")]
_DIGITS_OK = set("0123456789+-^x:ABCDEF$£€()")
# The card's lines whose height picking.tcss fixes: new text never changes the layout.
_FIXED_LINES = frozenset({"pick-head", "pick-big-text", "pick-sku", "pick-name", "pick-opts"})


def big_text_fits(text: str) -> bool:
    return bool(text) and set(text) <= _DIGITS_OK


def _tote_span(view: TaskView) -> str:
    codes = [t.code for t in view.totes]
    if len(codes) <= 2:
        return " ".join(codes)
    return f"{len(codes)} totes {codes[0]}…{codes[-1]}"


class CardDigits(Digits):
    """The card's big bin or tote number, in a box picking.tcss fixes (1fr wide, 3 high).

    Digits.update lays the whole screen out again when the new value is wider or
    narrower (a bin code, then a tote's slot number: every other scan); in a fixed
    box its size cannot change, so only the digits are drawn again (``_value`` is
    where Digits keeps its value, textual 8: there is no public setter without layout).
    """

    def update(self, value: str) -> None:
        if value != self._value:
            self._value = value
            self.refresh()


class PickScreen(FloorScreen):
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

    # -- rendering ---------------------------------------------------------

    def _set(self, wid: str, text: str) -> None:
        # A scan rewrote every line of the card, each a layout pass of the whole
        # screen: now only lines whose text changed, and without a layout where the
        # line's height is fixed (picking.tcss) or cannot change (update_text).
        widget = self.query_one(f"#{wid}", Static)
        if getattr(widget, "_steady_text", None) == text:
            return
        if wid in _FIXED_LINES:
            widget._steady_text = text  # type: ignore[attr-defined]
            widget.update(text, layout=False)
        else:
            update_text(widget, text)

    def _big(self, text: str) -> None:
        digits = self.query_one("#pick-big", Digits)
        plain = self.query_one("#pick-big-text", Static)
        fits = big_text_fits(text) and len(text) * 3 <= 44
        if digits.display != fits:
            digits.display = fits
            plain.display = not fits
        digits.update(text if fits else "")
        self._set("pick-big-text", " ".join(text) if not fits else "")

    def render_view(self) -> None:
        view = self.view
        if self.finished is not None:
            self._render_finished(self.finished)
        elif view is None:
            self._set("pick-head", "No task")
            self._big("")
            self._set("pick-sku", "No pick tasks waiting.")
            self._set("pick-name", "Ask a supervisor to build a wave,")
            self._set("pick-opts", "then press Enter.")
            self._set("pick-info", "")
        elif view.stop is None:
            self._set("pick-head", view.code)
            self._big("")
            for wid in ("pick-sku", "pick-name", "pick-opts", "pick-info"):
                self._set(wid, "")
        else:
            self._render_stop(view, view.stop)
        self.render_prompt()
        self._render_side()

    def _render_stop(self, view: TaskView, stop: StopInfo) -> None:
        again = " (again)" if stop.skipped else ""
        self._set(
            "pick-head",
            f"{view.code}  stop {view.progress}{again}  → tote {stop.slot}",
        )
        if stop.stage is Stage.TOTE:
            self._big(str(stop.slot))
            self._set("pick-sku", f"Put {stop.picked} × {stop.sku}")
            self._set("pick-name", f"in tote {stop.slot}: {stop.tote}")
            self._set("pick-opts", f"order {stop.order}")
        else:
            self._big(stop.bin)
            qty = f"× {stop.remaining}" if not stop.picked else f"× {stop.remaining} more"
            self._set("pick-sku", f"{stop.sku}  {qty}")
            self._set("pick-name", stop.name)
            self._set("pick-opts", stop.options)
        if self.intro:
            self._set(
                "pick-info",
                f"Cart: {_tote_span(view)} · {plural(view.stops_total, 'stop')} · "
                f"{view.route_length_m:.0f} m → {view.pack_station}",
            )
        else:
            self._set("pick-info", f"tote {stop.slot} {stop.tote} · {stop.order}")

    def _render_finished(self, done: Completion) -> None:
        self._set("pick-head", f"{done.task}  done")
        pack = done.to_pack
        if pack:
            self._big(done.pack_station)
            n = len(pack)
            self._set("pick-sku", f"Bring {plural(n, 'tote')} to {done.pack_station}")
        else:
            self._big("")
            self._set("pick-sku", "Nothing to pack")
        sup = done.to_supervisor
        self._set(
            "pick-name",
            ("To supervisor: " + ", ".join(f"{t.code} {t.order}" for t in sup)) if sup else "",
        )
        self._set("pick-opts", "")
        self._set("pick-info", " ".join(t.code for t in pack))

    def render_prompt(self) -> None:
        view = self.view
        if self.finished is not None:
            text = "Enter: next task · Esc: menu"
        elif view is None:
            text = "Enter: look for a task"
        elif view.stop is None:
            text = "Task complete"
        else:
            stop = view.stop
            if stop.stage is Stage.TOTE:
                text = f"Scan tote {stop.tote}"
            elif self.at_bin != stop.bin:
                text = f"Scan bin {stop.bin}"
            elif self.count:
                text = f"Count {self.count}: scan {stop.sku}"
            else:
                text = f"Scan {stop.sku} or type a count"
        self.prompt(text)

    def _render_side(self) -> None:
        if not self.wide:
            return
        # A scan changes a row or two: fill() repaints only those (and refills the table
        # when a column would change width, or the stops are another task's).
        stops = self.query_one("#pick-stops", SteadyTable)
        totes = self.query_one("#pick-totes", SteadyTable)
        view = self.view
        if view is None:
            stops.fill(STOP_COLUMNS, [])
            totes.fill(TOTE_COLUMNS, [])
            return
        current = view.stop.line_id if view.stop else None
        rows = []
        for i, s in enumerate(view.stops, start=1):
            if s.stopped:
                state = "on hold"
            elif s.line_id == current:
                state = "◀ now"
            elif s.done and s.short:
                state = f"short {s.short}"
            elif s.done:
                state = "✓"
            elif s.skipped:
                state = "skipped"
            else:
                state = ""
            cells = (str(i), s.bin, s.sku, str(s.qty), str(s.picked), f"{s.slot} {s.tote}",
                     s.order, state)  # fmt: skip
            rows.append((str(s.line_id), cells))
        stops.fill(STOP_COLUMNS, rows)
        if current is not None:
            stops.move_cursor(row=stops.get_row_index(str(current)))
        totes.fill(
            TOTE_COLUMNS,
            [
                (
                    str(t.slot),
                    (
                        str(t.slot),
                        t.code,
                        t.order,
                        t.order_status.lower().replace("_", " "),
                        f"{t.picked}/{t.units}",
                        str(t.short or ""),
                    ),
                )  # fmt: skip
                for t in view.totes
            ],
        )
        self._set("pick-totes-title", f"Cart · bring to {view.pack_station}")
        self._set(
            "pick-side-title",
            f"Stops of {view.code} · {view.units_picked}/{view.units_total} units · "
            f"{view.route_length_m:.0f} m · to {view.pack_station}",
        )
