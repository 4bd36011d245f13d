"""The pack station: scan a tote, scan every unit, box, weigh, inserts, close.

Thin: it keeps only the open order's id, the last line scanned (for a keyed
count) and the last closed order (for a reprint), and renders the
:class:`PackView` the packing service returns. Every scan and key is a service
call; a refused one rings the bell and shows the service's one-line reason.

One scan field does everything, like the scanner it is:

* no order open: a tote or an order number opens it (Enter on an empty field
  opens the highlighted order of the station's queue, ↑/↓ move);
* order open: a unit's barcode, case code or SKU; a carton code chooses the
  carton; a weight with its unit (``1450 g``, ``1.45 kg``) is the scale; a
  bare number of up to three digits is the count of the line just scanned.

F-keys do the rest (F1 lists them). At 120×40 the order's notes sit in a loud
box over the lines, and the carton, parcels, weight and checklist in a panel
on the right; at 40×16 the same shrinks to one status line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import DataTable, Input, Static

from wms_tui.domain.errors import Conflict, DomainError, TakenOver
from wms_tui.domain.numbers import small_number
from wms_tui.services.packing import station as packing
from wms_tui.services.packing.view import PackView, Tone
from wms_tui.ui.base import WmsScreen
from wms_tui.ui.screens.packing_papers import PackPapers
from wms_tui.ui.screens.packing_questions import PackQuestions
from wms_tui.ui.screens.packing_render import PackRendering
from wms_tui.ui.screens.packing_text import (
    keys_text,
)
from wms_tui.ui.widgets import fixed_table
from wms_tui.ui.widgets.dialogs import AskConfirm
from wms_tui.ui.widgets.feedback import Feedback
from wms_tui.ui.widgets.steady import SteadyFeedback, SteadyScanInput

if TYPE_CHECKING:
    pass

WIDE = 90  # columns from which the side panel is shown
MAX_COUNT_DIGITS = 3

WIDE_QUEUE = (("Order", 10), ("Lines", 5), ("Units", 5), ("Tote", 14), ("Prio", 4), ("Ship", 24))
NARROW_QUEUE = (("Order", 10), ("Units", 5), ("Tote", 14))


class PackScreen(PackQuestions, PackPapers, PackRendering, WmsScreen):
    TITLE_TEXT = "Pack station"
    WIDE = WIDE
    CSS_PATH = "packing.tcss"
    # The scan field has focus from the first frame: a tote scanned as the screen came
    # up went to the lines box, the first focusable widget, and was lost.
    AUTO_FOCUS = "#pk-scan"
    BINDINGS = [
        Binding("escape", "back", "Back", id="back"),
        Binding("f1", "keys", "Keys", id="pack-keys"),
        Binding("f2", "count", "Count", id="pack-count"),
        Binding("f3", "undo", "Undo", id="pack-undo"),
        Binding("f4", "qc", "QC", id="pack-qc"),
        Binding("f5", "carton", "Carton", id="pack-carton"),
        Binding("f6", "weight", "Weight", id="pack-weight"),
        Binding("f7", "checklist", "Checklist", id="pack-checklist"),
        Binding("f8", "new_parcel", "Parcel+", id="pack-parcel"),
        Binding("f9", "close_order", "Close", id="pack-close"),
        Binding("f10", "reprint", "Reprint", id="pack-reprint"),
        Binding("f11", "supervisor", "Supervisor", id="pack-supervisor"),
        Binding("f12", "park", "Park", id="pack-park"),
        Binding("up", "queue(-1)", "Up", show=False, id="pack-up"),
        Binding("down", "queue(1)", "Down", show=False, id="pack-down"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.view: PackView | None = None
        self.last_line: int | None = None
        self.last_packed: str | None = None  # order name, for F10 after closing
        self.conflict_code: str | None = None  # what was refused as open elsewhere
        self.conflict_name = ""  # the order it named (the code may be a tote)
        self.queue: list[packing.QueueRow] = []
        self._shown: dict[str, str | Text] = {}
        self._line_inputs: dict[str, tuple] = {}  # per row: what its text was built from
        self._lines_shape: tuple | None = None
        self._mounted_shape: tuple | None = None
        self._keys_for_order: bool | None = None  # the footer's keys were for an open order

    # -- layout ----------------------------------------------------------------

    def compose_body(self) -> ComposeResult:
        yield Static("", id="pk-head", markup=False)
        yield Static("", id="pk-notes", markup=False)
        with Horizontal(id="pk-body"):
            with Vertical(id="pk-left"):
                yield Static("", id="pk-lines-head", markup=False)
                # One Static per order line, mounted when an order opens.
                yield VerticalScroll(id="pk-lines-box")
                yield fixed_table.FitTable(id="pk-queue", cursor_type="row", zebra_stripes=True)
            with Vertical(id="pk-side"):
                yield Static("CARTON", classes="pk-title", markup=False)
                yield Static("", id="pk-box", markup=False)
                yield Static("PARCELS", classes="pk-title", markup=False)
                yield Static("", id="pk-parcels", markup=False)
                yield Static("CHECKLIST", classes="pk-title", markup=False)
                yield Static("", id="pk-check", markup=False)
                yield Static("TO CLOSE", classes="pk-title", markup=False)
                yield Static("", id="pk-ready", markup=False)
                yield Static("KEYS", classes="pk-title", markup=False)
                yield Static(keys_text(), id="pk-keys", markup=False)
        yield Static("", id="pk-status", markup=False)
        yield Static("", id="pk-prompt", markup=False)
        yield SteadyScanInput(placeholder="scan", id="pk-scan")
        yield SteadyFeedback("", id="pk-feedback")

    def on_mount(self) -> None:
        self.query_one("#pk-queue", DataTable).can_focus = False
        self.query_one("#pk-lines-box").can_focus = False
        self.width_changed()
        self.focus_scan()
        resume = packing.my_open_order(self.store, self.actor)
        left = None if resume is not None else packing.left_on_bench(self.store, self.actor)
        if resume is not None:
            self.view = packing.current_view(
                self.store, self.actor, resume, "Your order is still open here: go on"
            )
            self.feedback.info(self.view.message)
        elif left is not None:
            # Its tote is on this bench: go on with it (F12 parks it).
            self.open(left)
            if self.view is not None:
                return
            self.load_queue()
        else:
            self.load_queue()
        self.render_all()

    def width_changed(self) -> None:
        fixed_table.reset(
            self.query_one("#pk-queue", DataTable), WIDE_QUEUE if self.wide else NARROW_QUEUE
        )
        if self.is_mounted:
            self.render_all()

    @property
    def feedback(self) -> Feedback:
        return self.query_one("#pk-feedback", Feedback)

    def focus_scan(self) -> None:
        self.query_one("#pk-scan", Input).focus()

    # -- calling services ----------------------------------------------------------

    def _call(self, fn, *args, **kwargs) -> PackView | None:
        """Call a pack service for the open order; show its answer."""
        if self.view is None:
            self.feedback.error("No order open: scan a tote or an order number")
            return None
        try:
            view = fn(self.store, self.actor, self.view.order_id, *args, **kwargs)
        except TakenOver as exc:
            # Told once; from now on a scan here is a scan at the queue.
            self.view = None
            self.last_line = None
            self.load_queue()
            self.feedback.error(str(exc))
            self.render_all()
            return None
        except DomainError as exc:
            self.feedback.error(str(exc))
            return None
        self.show(view)
        return view

    def show(self, view: PackView) -> None:
        """Render a service's answer; its tone picks the style (a refusal rings the bell)."""
        if view.status != "PACKING":
            # Left the station (replacement pick requested): back to the queue.
            self.view = None
            self.last_line = None
            self.load_queue()
        else:
            self.view = view
            if view.focus_line is not None:
                self.last_line = view.focus_line
        if view.tone is Tone.REFUSED:
            self.feedback.error(view.message)
        elif view.tone is Tone.OK:
            self.feedback.ok(view.message)
        else:
            self.feedback.info(view.message)
        self.render_all()

    def load_queue(self) -> None:
        try:
            self.queue = packing.station_queue(self.store, self.actor)
        except DomainError as exc:
            self.queue = []
            self.feedback.error(str(exc))

    @on(Input.Submitted, "#pk-scan")
    def submitted(self, event: Input.Submitted) -> None:
        code = event.value.strip()
        if self.view is None:
            self.open(code or self._highlighted_order())
            return
        if not code:
            return
        count = small_number(code, MAX_COUNT_DIGITS)
        if count is not None:
            self.ask_count(count)
            return
        self._call(packing.scan, code)

    # Keys that act on an open order: shown only while one is open (a packer at the
    # queue read F2 Count, F3 Undo, F4 QC and pressed them for nothing). F11 stays: at
    # the queue it takes over an order open at another station.
    ORDER_ACTIONS = frozenset(
        ("count", "undo", "qc", "carton", "weight", "checklist", "new_parcel", "close_order",
         "park")
    )  # fmt: skip

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in self.ORDER_ACTIONS:
            return self.view is not None
        return True

    def render_all(self) -> None:
        if self.view is None:
            self._render_start()
        else:
            self._render_order(self.view)
        # What the keys allow changes only when an order opens or leaves (check_action):
        # refreshing them after every scan re-read every binding for the footer.
        if self._keys_for_order != (self.view is not None):
            self._keys_for_order = self.view is not None
            self.refresh_bindings()

    def open(self, code: str) -> None:
        if not code:
            self.feedback.error("Scan a tote or an order number")
            return
        try:
            view = packing.open_order(self.store, self.actor, code)
        except Conflict as exc:
            self.conflict_code = code
            self.conflict_name = exc.order_name or code
            self.feedback.error(f"{exc} (F11: take over)")
            return
        except DomainError as exc:
            self.feedback.error(str(exc))
            return
        self.conflict_code = None
        self.last_line = None
        self.show(view)

    def _highlighted_order(self) -> str:
        table = self.query_one("#pk-queue", DataTable)
        if not self.queue or table.cursor_row is None:
            return ""
        row = min(max(table.cursor_row, 0), len(self.queue) - 1)
        return self.queue[row].name

    def action_queue(self, step: int) -> None:
        if self.view is not None:
            self.query_one("#pk-lines-box", VerticalScroll).scroll_relative(y=step, animate=False)
            return
        table = self.query_one("#pk-queue", DataTable)
        if table.row_count:
            table.move_cursor(row=max(0, min(table.row_count - 1, table.cursor_row + step)))

    # -- keys ------------------------------------------------------------------------

    def action_undo(self) -> None:
        self._call(packing.undo)

    def action_new_parcel(self) -> None:
        self._call(packing.new_parcel)

    def action_close_order(self) -> None:
        if not self._need_order():
            return
        view = self.view
        try:
            closed = packing.close_parcel(self.store, self.actor, view.order_id)
        except DomainError as exc:
            self.feedback.error(str(exc))
            return
        self.view = None
        self.last_line = None
        self.last_packed = closed.order_name
        self.feedback.ok(closed.summary + " · printing…")
        self.load_queue()
        self.render_all()
        self.make_documents(closed.order_id, closed.summary, closed.short_summary)

    def action_park(self) -> None:
        if not self._need_order():
            return
        try:
            msg = packing.release(self.store, self.actor, self.view.order_id)
        except DomainError as exc:
            self.feedback.error(str(exc))
            return
        self.view = None
        self.last_line = None
        self.load_queue()
        self.feedback.ok(msg)
        self.render_all()

    @work(exclusive=True, group="pack-dialog")
    async def action_back(self) -> None:
        if self.view is None:
            self.dismiss()
            return
        park = await self.app.push_screen_wait(
            AskConfirm(
                f"Park {self.view.order_name} and leave the order?",
                ["What is scanned stays scanned.", "The tote waits for any station."],
            )
        )
        self.focus_scan()
        if park:
            self.action_park()

    def _need_order(self) -> bool:
        if self.view is None:
            self.feedback.error("No order open: scan a tote or an order number")
            return False
        return True
