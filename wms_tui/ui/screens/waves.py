"""Supervisor: build pick waves and watch their tasks.

Filters (carrier, cut-off, how many orders, cart size, a picker) narrow the
ready orders; the line under them says what a wave would take. F2 builds it.
The table lists the tasks of recent waves with their picker and progress; F6
takes a stuck task off its picker. At 120 columns open short picks (the
SHORT_PICK exceptions) are listed too.
"""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical
from textual.widgets import DataTable, Input, Label, Static

from wms_tui.domain.errors import DomainError
from wms_tui.domain.numbers import read_int
from wms_tui.domain.text import plural
from wms_tui.services.picking import short_pick, wave_candidates, wave_list, waves
from wms_tui.services.picking import walk as picking
from wms_tui.ui.answers import tell
from wms_tui.ui.base import WmsScreen
from wms_tui.ui.files_text import files_text
from wms_tui.ui.widgets.feedback import Feedback
from wms_tui.ui.widgets.fixed_table import FitTable, reset

WIDE = 80
NARROW_TASKS = [("Task", 8), ("Status", 7), ("Units", 5), ("Picker", 10)]
FILTERS = (
    ("carrier", "Carrier", "any, e.g. CJ", None),
    ("cutoff", "Cut-off ≤", "HH:MM", None),
    ("max", "Max orders", "all", r"\d*"),
    ("cart", "Cart size", "", r"\d*"),
    ("picker", "Picker", "anyone (badge)", None),
)

LABELS = {key: label for key, label, _hint, _allowed in FILTERS}


class WavesScreen(WmsScreen):
    TITLE_TEXT = "Waves"
    WIDE = WIDE
    CSS_PATH = "waves.tcss"
    BINDINGS = [
        Binding("escape", "back", "Back", id="back"),
        Binding("f2", "build", "Build", id="build"),
        Binding("f5", "refresh", "Refresh", show=False, id="refresh"),
        Binding("f6", "release", "Release", id="release"),
        Binding("f7", "pick_list", "List", id="pick-list"),
    ]

    def compose_body(self) -> ComposeResult:
        with Grid(id="waves-filters"):
            for key, label, placeholder, restrict in FILTERS:
                yield Label(label, id=f"label-{key}", markup=False)
                yield Input(
                    placeholder=placeholder,
                    restrict=restrict,
                    compact=True,
                    id=f"f-{key}",
                    max_length=16,
                )
        yield Static("", id="waves-summary", markup=False)
        yield Feedback("", id="feedback")
        with Vertical(id="waves-body"):
            yield FitTable(id="waves-tasks", cursor_type="row", zebra_stripes=True)
            yield Static("Open short picks", id="waves-shorts-title", markup=False)
            yield FitTable(id="waves-shorts", cursor_type="row")

    def on_mount(self) -> None:
        self._task_columns()
        shorts = self.query_one("#waves-shorts", DataTable)
        shorts.add_columns("Time", "Order", "SKU", "Bin", "Who", "What")
        size = waves.default_cart_size(self.store)
        self.query_one("#f-cart", Input).placeholder = str(size)
        self.query_one("#f-carrier", Input).focus()
        self.action_refresh()

    def _task_columns(self) -> None:
        tasks = self.query_one("#waves-tasks", DataTable)
        tasks.clear(columns=True)
        if self.wide:
            tasks.add_columns("Task", "Status", "Stops", "Units", "Picker", "Short", "m", "To")
        else:
            # A handheld's 40 columns: eight columns scrolled sideways and cut the picker
            # to "Picke" / "Ana L"; stops, route and station are on the wide screen.
            reset(tasks, NARROW_TASKS)

    def width_changed(self) -> None:
        self._task_columns()
        self.action_refresh(keep_feedback=True)

    @property
    def feedback(self) -> Feedback:
        return self.query_one(Feedback)

    def _value(self, key: str) -> str:
        return self.query_one(f"#f-{key}", Input).value.strip()

    def _int(self, key: str) -> int | None:
        """The number in a field, None when empty; anything else is refused (DomainError)."""
        text = self._value(key)
        if not text:
            return None
        n = read_int(text, what=LABELS[key].lower(), low=None)
        # The service's own rules, so the screen and a build say the same thing.
        return waves.check_cart_size(n) if key == "cart" else waves.check_max_orders(n)

    # -- actions -----------------------------------------------------------

    @on(Input.Submitted)
    def filter_entered(self, event: Input.Submitted) -> None:
        self.show_summary()
        self.focus_next()

    def show_summary(self) -> bool:
        try:
            summary = wave_candidates.ready_summary(
                self.store, carrier=self._value("carrier"), cutoff_before=self._value("cutoff")
            )
            size = self._int("cart") or waves.default_cart_size(self.store)
            take = min(summary.ready, summary.free_totes, self._int("max") or summary.ready)
        except DomainError as exc:
            self.feedback.error(str(exc))
            return False
        tasks = -(-take // size) if size > 0 else 0
        if take:
            text = (
                f"{summary.ready} ready, {summary.free_totes} free totes: "
                f"F2 builds {plural(tasks, 'task')} of up to {size}"
            )
        elif summary.ready:
            text = f"{summary.ready} ready but no free tote: empty some totes first"
        else:
            text = "No ready orders match these filters"
        if summary.not_allocated:
            text += f" ({summary.not_allocated} not allocated)"
        if self.wide and summary.by_cutoff:
            text += "\nBy cut-off: " + ", ".join(f"{k} ×{n}" for k, n in summary.by_cutoff)
        self.query_one("#waves-summary", Static).update(text)
        return True

    def action_build(self) -> None:
        try:
            result = waves.build_wave(
                self.store,
                self.actor,
                carrier=self._value("carrier"),
                cutoff_before=self._value("cutoff"),
                max_orders=self._int("max"),
                cart_size=self._int("cart"),
                picker_badge=self._value("picker"),
            )
        except DomainError as exc:
            self.feedback.error(str(exc))
            return
        self.feedback.ok(result.message)
        self.action_refresh(keep_feedback=True)

    def _selected_task(self, verb: str) -> str | None:
        table = self.query_one("#waves-tasks", DataTable)
        if table.row_count == 0:
            self.feedback.error(f"No task to {verb}: build a wave first")
            return None
        return str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    def action_pick_list(self) -> None:
        key = self._selected_task("print")
        if key is None:
            return
        self.feedback.info(f"Writing pick list {key}…")
        self.write_pick_list(key)

    # Never exclusive: an exclusive worker cancels its group's others, so a second
    # document started while the first still waited for its thread was never written.
    @work(thread=True, group="pick-list")
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

    def action_release(self) -> None:
        key = self._selected_task("release")
        if key is None:
            return
        try:
            msg = picking.release_task(self.store, self.actor, key)
        except DomainError as exc:
            self.feedback.error(str(exc))
            return
        self.feedback.ok(msg)
        self.action_refresh(keep_feedback=True)

    def action_refresh(self, keep_feedback: bool = False) -> None:
        if not self.show_summary():
            return
        table = self.query_one("#waves-tasks", DataTable)
        cursor = table.cursor_row
        table.clear()
        for wave in wave_list.list_waves(self.store, limit=10):
            for t in wave.tasks:
                where = f" @{t.terminal}" if t.terminal and t.status != "DONE" else ""
                if not self.wide:
                    name = t.picker.split(" ")[0] if t.picker else ""
                    table.add_row(t.code, t.status.lower(), f"{t.units_picked}/{t.units}",
                                  (name + where).strip() or "—", key=t.code)  # fmt: skip
                    continue
                who = t.picker + where
                table.add_row(
                    t.code,
                    t.status.lower(),
                    f"{t.stops_done}/{t.stops}",
                    f"{t.units_picked}/{t.units}",
                    who or "—",
                    str(t.units_short or ""),
                    f"{t.route_length_m:.0f}",
                    t.pack_station,
                    key=t.code,
                )
        if table.row_count:
            table.move_cursor(row=min(cursor, table.row_count - 1))
        shorts = self.query_one("#waves-shorts", DataTable)
        shorts.clear()
        rows = short_pick.open_short_picks(self.store)
        for r in rows:
            shorts.add_row(
                r.at.strftime("%H:%M"),
                r.order,
                r.sku,
                r.location,
                f"{r.operator} {r.terminal}",
                r.message,
            )
        self.query_one("#waves-shorts-title", Static).update(f"Open short picks ({len(rows)})")
        if not keep_feedback:
            self.feedback.clear()
