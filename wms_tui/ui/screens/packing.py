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
from textual.css.query import NoMatches
from textual.widgets import DataTable, Input, Static

from wms_tui.domain.errors import Conflict, DomainError, TakenOver
from wms_tui.domain.numbers import small_number
from wms_tui.services.packing import station as packing
from wms_tui.services.packing.view import BlockerKind, PackView, Tone
from wms_tui.ui.base import WmsScreen
from wms_tui.ui.screens.packing_papers import PackPapers
from wms_tui.ui.screens.packing_questions import PackQuestions
from wms_tui.ui.screens.packing_text import (
    NARROW_LINES,
    WIDE_LINES,
    columns_row,
    hang,
    keys_text,
    line_text,
    rows_needed,
)
from wms_tui.ui.widgets import fixed_table
from wms_tui.ui.widgets.dialogs import AskConfirm
from wms_tui.ui.widgets.feedback import Feedback
from wms_tui.ui.widgets.steady import SteadyFeedback, SteadyScanInput

if TYPE_CHECKING:
    pass

WIDE = 90  # columns from which the side panel is shown
SIDE_WIDTH = 44  # the side panel's columns, its border and padding included
MAX_COUNT_DIGITS = 3

WIDE_QUEUE = (("Order", 10), ("Lines", 5), ("Units", 5), ("Tote", 14), ("Prio", 4), ("Ship", 24))
NARROW_QUEUE = (("Order", 10), ("Units", 5), ("Tote", 14))


class PackScreen(PackQuestions, PackPapers, WmsScreen):
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

    # -- rendering -------------------------------------------------------------------

    def _set(self, wid: str, text: str | Text) -> None:
        """Update a Static, re-laying out the screen only when its height changes.

        A layout pass repaints every widget it moves, the lines table included:
        on a scan that costs more than the scan (see bench/bench_pack_scan.py).
        """
        old = self._shown.get(wid)
        if old == text:
            return
        try:
            widget = self.query_one(f"#{wid}", Static)
        except NoMatches:
            # A line row of an order whose rows are being (re)mounted: a scan
            # answered before they were is drawn by _remount_lines' refill.
            return
        self._shown[wid] = text
        width = max(1, widget.content_region.width)
        same_height = old is not None and rows_needed(old, width) == rows_needed(text, width)
        widget.update(text, layout=not (same_height and widget.region.height))

    def _render_start(self) -> None:
        queue = self.query_one("#pk-queue", DataTable)
        _show(self, queue=True)
        n = len(self.queue)
        self._set("pk-head", f"{self.actor.terminal}: {n} order{'s' if n != 1 else ''} waiting")
        notes = self.query_one("#pk-notes", Static)
        notes.remove_class("loud")
        cursor = queue.cursor_row
        queue.clear()
        for row in self.queue:
            mark = "▶" if row.here else " "
            cells = [f"{mark}{row.name}", str(row.units), row.totes or "–"]
            if self.wide:
                cells = [
                    f"{mark}{row.name}",
                    str(row.lines),
                    str(row.units),
                    row.totes or "–",
                    str(row.priority),
                    row.carrier,
                ]
            queue.add_row(*cells)
        if self.queue:
            queue.move_cursor(row=min(cursor, len(self.queue) - 1))
        self._set(
            "pk-prompt",
            "▶ Scan a tote or an order · Enter: highlighted order"
            if self.wide
            else "▶ Scan tote or order (Enter: row)",
        )
        self._set("pk-status", "F10 reprint · F11 take over · Esc menu")
        for wid in ("pk-box", "pk-parcels", "pk-check"):
            self._set(wid, "")
        self._set("pk-ready", "Open an order to start")

    def _render_order(self, view: PackView) -> None:
        _show(self, queue=False)
        head = f"{view.order_name} {view.units_packed}/{view.units_needed}"
        if self.wide:
            head = (
                f"{view.order_name} · {view.customer} · {view.ship_to} · {view.carrier} · "
                f"{view.units_packed}/{view.units_needed} units"
            )
        else:
            head += f" {view.customer}"
        self._set("pk-head", head)
        notes = self.query_one("#pk-notes", Static)
        loud = view.instructions
        if notes.has_class("loud") != bool(loud):
            notes.set_class(bool(loud), "loud")
        self._set("pk-notes", ("\n" if self.wide else " · ").join(f"⚠ {x}" for x in loud))
        cols = WIDE_LINES if self.wide else NARROW_LINES
        self._set("pk-lines-head", columns_row([title for title, *_ in cols], cols).plain)
        self._fill_lines(view, cols)
        self._scroll_to_line(view)
        self._render_side(view)
        if view.units_packed < view.units_needed:
            prompt = "Scan an item"
            if self.last_line:
                sku = view.line(self.last_line).sku
                prompt += f" or a count for {sku}" if self.wide else f" / count {sku}"
        elif view.ready:
            prompt = "Ready: F9 closes the parcel"
        else:
            prompt = view.blockers[0].text
        self._set("pk-prompt", f"▶ {prompt}")

    def _fill_lines(self, view: PackView, cols) -> None:  # noqa: ANN001
        """One Static per line; after a scan only the rows that changed are redrawn."""
        shape = (view.order_id, tuple(ln.line_no for ln in view.lines))
        if shape != self._lines_shape:
            self._lines_shape = shape
            self.call_later(self._remount_lines, *shape)
            return
        if self._mounted_shape != shape:
            return  # its rows are still being mounted; _remount_lines fills them
        wide = self.wide
        for ln in view.lines:
            current = ln.line_no == self.last_line
            wid = f"pk-line-{view.order_id}-{ln.line_no}"
            # A long order redraws only the rows a scan changed: skip building
            # the row's text when what it shows is the same as last time.
            shown = (ln, current, wide)
            if self._line_inputs.get(wid) == shown:
                continue
            self._line_inputs[wid] = shown
            self._set(wid, line_text(ln, cols, wide, current))

    async def _remount_lines(self, order_id: int, line_nos: tuple[int, ...]) -> None:
        self._mounted_shape = None
        box = self.query_one("#pk-lines-box", VerticalScroll)
        await box.remove_children()
        for key in [k for k in self._shown if k.startswith("pk-line-")]:
            del self._shown[key]
        self._line_inputs.clear()
        await box.mount_all(
            Static("", id=f"pk-line-{order_id}-{n}", classes="pk-line", markup=False)
            for n in line_nos
        )
        self._mounted_shape = (order_id, line_nos)
        self._refill_lines()

    def _refill_lines(self) -> None:
        if self.view is not None:
            self._fill_lines(self.view, WIDE_LINES if self.wide else NARROW_LINES)
            self._scroll_to_line(self.view)

    def _scroll_to_line(self, view: PackView) -> None:
        """Keep the line just scanned in view (long orders scroll)."""
        if self.last_line is None:
            return
        box = self.query_one("#pk-lines-box", VerticalScroll)
        row = next((i for i, ln in enumerate(view.lines) if ln.line_no == self.last_line), 0)
        top, height = int(box.scroll_y), box.size.height
        if height and not top <= row < top + height:
            box.scroll_to(y=max(0, row - height // 2), animate=False)

    def _render_side(self, view: PackView) -> None:
        parcel = view.parcels[-1] if view.parcels else None
        weight = "⚖ –"
        if parcel is not None and parcel.weight_g is not None:
            weight = f"⚖ {parcel.weight_g} g {'✓' if parcel.weight_ok else '✗'}"
        todo = sum(1 for i in view.inserts if not i.done)
        status = [
            f"📦 {parcel.carton_code or '?'}" if parcel else "📦 ?",
            weight,
            f"☐ {todo}" if todo else "☑",
        ]
        if len(view.parcels) > 1:
            status.insert(0, f"{len(view.parcels)} parcels")
        self._set("pk-status", "  ".join(status) + ("  ✓ F9" if view.ready else ""))
        if not self.wide:
            return
        box = view.suggestion
        if view.suggestion_plan:
            box += "\n" + "\n".join(view.suggestion_plan)
        width = self._side_width()
        self._set("pk-box", hang(box, width))
        parts = []
        for p in view.parcels:
            now = "▶" if p.seq == view.current_seq else " "
            how = "chosen" if p.carton_chosen else "suggested"
            carton = f"{p.carton_name} ({how})" if p.carton_code else "no carton"
            parts.append(f"{now}{p.seq} {carton}, {p.units} unit{'s' if p.units != 1 else ''}")
            if p.contents:
                # "2× SKU" wraps as one word (no-break space).
                parts.append("   " + p.contents.replace("× ", "×\u00a0"))
            parts.append(f"   ⚖ {p.weight_text}")
            if p.fit_problem:
                parts.append(f"   ✗ {p.fit_problem}")
        self._set("pk-parcels", hang("\n".join(parts), width))
        checklist = "\n".join(f"{'☑' if i.done else '☐'} {i.n} {i.label}" for i in view.inserts)
        self._set("pk-check", hang(checklist, width) or "nothing to add")
        # The unit count is in the header already; leaving it out here keeps
        # this block unchanged (and undrawn) while the packer scans.
        todo = [
            "Scan the remaining units" if b.kind is BlockerKind.UNITS_TO_SCAN else b.text
            for b in view.blockers
        ]
        ready = "✓ Ready: F9 closes the parcel" if view.ready else "\n".join(f"• {b}" for b in todo)
        self._set("pk-ready", hang(ready, width))

    def _side_width(self) -> int:
        """Cells a side-panel row has; before the first layout, the CSS width."""
        width = self.query_one("#pk-side").content_region.width
        return width if width > 0 else SIDE_WIDTH - 3


def _show(screen: PackScreen, *, queue: bool) -> None:
    """The queue (no order open) or the order's lines; ``display`` only when it changes."""
    for wid, visible in (
        ("#pk-queue", queue),
        ("#pk-lines-head", not queue),
        ("#pk-lines-box", not queue),
    ):
        widget = screen.query_one(wid)
        # Setting ``display``, even to its value, restyles and re-lays out.
        if widget.display != visible:
            widget.display = visible
