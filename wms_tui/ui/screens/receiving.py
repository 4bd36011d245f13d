"""Receiving: scan a delivery (or start blind), scan its units, close with a report.

Handheld first (40×16): the scan panel (prompt, scan field, feedback), the
running table of expected vs received. Every scan is committed on its own. F-keys switch the next
scan to "key a count" (cases) or "damaged" (to quarantine with a reason).
"""

from __future__ import annotations

from collections import deque
from contextlib import suppress
from time import monotonic

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.events import Resize
from textual.widgets import Input, Static

from wms_tui.domain.errors import DomainError, NotFound
from wms_tui.domain.numbers import small_number
from wms_tui.services.receiving import barcode_links, closing, deliveries, receipt_undo
from wms_tui.services.receiving import receipt as rcv
from wms_tui.ui.base import FloorScreen
from wms_tui.ui.screens.receiving_barcodes import ReceivingBarcodes
from wms_tui.ui.screens.receiving_close import ReceiptClosing
from wms_tui.ui.screens.receiving_questions import ScanQuestions
from wms_tui.ui.screens.receiving_render import ReceivingRendering
from wms_tui.ui.screens.receiving_text import KEYS_HELP
from wms_tui.ui.widgets.fixed_table import SteadyTable, step_cursor
from wms_tui.ui.widgets.scan_log import ScanLog
from wms_tui.ui.widgets.scan_panel import ScanPanel

# A plain number this short keyed into the scan field is a count, never a barcode to link.
MAX_KEYED_COUNT_DIGITS = 5

# The actions check_action allows or not, as the receipt and the width decide.
_GATED = ("blind", "count_mode", "damaged", "close_receipt", "undo", "link", "putaway", "labels")


class ReceivingScreen(
    ScanQuestions, ReceivingRendering, ReceiptClosing, ReceivingBarcodes, FloorScreen
):
    TITLE_TEXT = "Receive"
    CSS_PATH = "receiving.tcss"
    BINDINGS = [
        # Esc works everywhere; the handheld footer keeps its 40 columns for F-keys.
        Binding("escape", "back", "Back", show=False, id="back"),
        Binding("f2", "blind", "Blind receipt", id="blind"),
        # Short labels: F3-F7 fit a 40-column footer together.
        Binding("f3", "count_mode", "Qty", id="count"),
        Binding("f4", "damaged", "Dmg", id="damaged"),
        Binding("f5", "close_receipt", "Close", id="close"),
        Binding("f6", "link", "Link", id="link"),
        Binding("f7", "putaway", "Away", id="putaway"),
        Binding("f8", "labels", "Labels", id="labels"),
        Binding("f9", "undo", "Undo", id="undo"),
        Binding("up", "cursor(-1)", "Up", show=False, id="up"),
        Binding("down", "cursor(1)", "Down", show=False, id="down"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.receipt: deliveries.Receipt | None = None
        self.closed: closing.Discrepancies | None = None
        self.count_mode = False
        self.damaged_next = False
        self.last_unknown: str | None = None
        self.deliveries: list[deliveries.DeliverySummary] = []
        self.report_file = ""
        self.scan_log: deque[str] = deque(maxlen=40)
        self._keys_allowed: tuple[bool | None, ...] | None = None
        self._answered = 0.0  # monotonic time of the last scan's answer

    # -- layout ----------------------------------------------------------------

    def compose_body(self) -> ComposeResult:
        with Horizontal():
            with Vertical():
                yield Static("", id="rcv-head", markup=False)
                yield ScanPanel("rcv", placeholder="delivery ref")
                yield SteadyTable(id="rcv-table", cursor_type="row", zebra_stripes=True)
            # Wide screens only: what happened lately, and every key.
            with Vertical(id="rcv-side"):
                yield Static("Last scans", classes="side-title", markup=False)
                yield ScanLog(id="rcv-log")
                yield Static("Keys", classes="side-title", markup=False)
                yield Static(KEYS_HELP, id="rcv-keys", markup=False)

    # Two terminals on one delivery count into the same lines: each shows the
    # other's counts within this many seconds, without a scan of its own.
    REFRESH_SECONDS = 3.0
    # A scan answered this recently brought every terminal's counts: no read then.
    QUIET_SECONDS = 1.0

    def on_mount(self) -> None:
        self.show_deliveries()
        self.focus_scan()
        self.set_interval(self.REFRESH_SECONDS, self.refresh_counts, name="rcv-refresh")

    def refresh_counts(self) -> None:
        """Re-read the open delivery's counts (another terminal may have scanned into it).

        Not while scans come in: each scan's answer already holds every terminal's
        counts, and a read between two scans only delays the next one. Only the
        counts are read while the lines are the ones shown.
        """
        r = self.receipt
        if r is None or self.closed is not None or self.app.screen is not self:
            return
        if monotonic() - self._answered < self.QUIET_SECONDS:
            return
        try:
            fresh = deliveries.get_receipt(self.store, r.reference, known=r)
        except DomainError:
            return  # closed or gone meanwhile: the next scan says so in its own words
        if fresh.lines != r.lines:
            self.receipt = fresh
            self.render_head()
            self.render_table()
            self.refresh_keys()

    def on_screen_resume(self) -> None:
        # Back from a dialog or the put-away screen: numbers may have moved, and rows
        # drawn while a dialog covered the table are redrawn at their final widths.
        if self.receipt is not None:
            with suppress(DomainError):
                self.receipt = deliveries.get_receipt(self.store, self.receipt.reference)
        self.redraw()

    def on_resize(self, event: Resize) -> None:
        super().on_resize(event)
        self.call_after_refresh(self.show_log)  # a taller log shows more lines

    def width_changed(self) -> None:
        self.redraw()
        self.refresh_keys()

    @property
    def table(self) -> SteadyTable:
        return self.query_one("#rcv-table", SteadyTable)

    def refresh_keys(self) -> None:
        """Refresh the footer's keys when what they allow has changed.

        Textual's refresh_bindings re-reads every binding of the screen and hands them
        to the footer: after every scan, although a scan rarely changes what F6-F8 allow.
        """
        allowed = tuple(self.check_action(action, ()) for action in _GATED)
        if allowed != self._keys_allowed:
            self._keys_allowed = allowed
            self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        r = self.receipt
        open_receipt = r is not None and self.closed is None
        if action == "blind":
            return r is None or self.closed is not None
        if action in ("count_mode", "damaged", "close_receipt", "undo"):
            return open_receipt
        if action == "link":
            # shown once something unknown was scanned; F6 still asks for a code otherwise
            return open_receipt and (self.last_unknown is not None or self.wide)
        if action == "putaway":
            return r is not None and any(ln.to_put_away > 0 for ln in r.lines)
        if action == "labels":
            return r is not None and any(not ln.has_barcode and ln.good for ln in r.lines)
        return True

    # -- phases ----------------------------------------------------------------

    def show_deliveries(self) -> None:
        self.receipt = None
        self.closed = None
        self.plain_scans()
        self.last_unknown = None
        self.deliveries = deliveries.open_deliveries(self.store)
        self.render_head()
        self.render_table()
        self.refresh_keys()

    def plain_scans(self) -> None:
        """Back to one unit a scan: count mode and "damaged next" were meant for
        the delivery they were switched on for, never for the next one."""
        self.count_mode = self.damaged_next = False

    def open_receipt(self, receipt: deliveries.Receipt) -> None:
        self.receipt = receipt
        self.closed = None
        self.plain_scans()
        self.render_head()
        self.render_table()
        self.refresh_keys()

    def action_cursor(self, step: int) -> None:
        step_cursor(self.table, step)

    def action_back(self) -> None:
        if self.receipt is not None:
            self.feedback.clear()
            self.show_deliveries()
            return
        self.dismiss()

    # -- scanning --------------------------------------------------------------

    def question_follows_scan(self) -> bool:
        """A scan now asks a count or a reason: the keys typed right behind it are its
        answer (held by the app until the question is up, not put in the scan field)."""
        return (
            self.receipt is not None
            and self.closed is None
            and (self.count_mode or self.damaged_next)
        )

    @on(Input.Submitted, "#rcv-scan")
    def scanned(self, event: Input.Submitted) -> None:
        code = event.value.strip()
        if not (code and self.question_follows_scan()):
            self.wms.expect_no_screen()
        if self.receipt is None or self.closed is not None:
            if not code and self.receipt is None and self.table.row_count:
                row_key, _ = self.table.coordinate_to_cell_key((self.table.cursor_row, 0))
                code = str(row_key.value)
            if not code:
                self.feedback.error("Scan a delivery reference, or F2 for a blind receipt")
                return
            self.start(code)
            return
        if not code:
            self.feedback.error("Scan an item barcode or type a SKU")
            return
        if self.count_mode or self.damaged_next:
            self.ask_then_receive(code)  # it lets the held keys go once it asked
        else:
            self.receive(code)

    def start(self, reference: str) -> None:
        try:
            receipt = rcv.start_receipt(self.store, self.actor, reference)
        except DomainError as exc:
            self.feedback.error(str(exc))
            return
        self.feedback.ok(f"{receipt.reference}: scan items · F3 count · F4 damaged")
        self.open_receipt(receipt)

    def action_blind(self) -> None:
        try:
            receipt = rcv.start_blind_receipt(self.store, self.actor)
        except DomainError as exc:
            self.feedback.error(str(exc))
            return
        self.feedback.ok(f"Blind {receipt.reference}: scan items · F3 count")
        self.open_receipt(receipt)

    def receive(
        self,
        code: str,
        *,
        count: int = 1,
        reason: str | None = None,
        confirmed: bool = False,
    ) -> None:
        assert self.receipt is not None
        try:
            res = rcv.receive_scan(
                self.store, self.actor, self.receipt.reference, code,
                count=count, damaged_reason=reason, confirmed=confirmed, known=self.receipt,
            )  # fmt: skip
        except rcv.NeedsConfirmation as exc:
            self.confirm_large(code, count, reason, str(exc))
            return
        except rcv.UnknownBarcode as exc:
            if self.switch_delivery(exc.code):
                return
            self.unknown(exc)
            self.note(f"✗ {exc}")
            return
        except DomainError as exc:
            self.feedback.error(str(exc))
            self.note(f"✗ {exc}")
            return
        self.last_unknown = None
        if reason is not None:
            self.damaged_next = False
        self.receipt = res.receipt
        self._answered = monotonic()
        line = res.line
        where = "QUARANTINE " + res.location if res.damaged else res.location
        counted = f"{line.received}" if self.receipt.blind else f"{line.received}/{line.expected}"
        msg = f"{res.sku} +{res.qty} → {where} ({counted})"
        if res.unexpected:
            self.app.bell()
            msg += " NOT EXPECTED"
        elif not line.has_barcode:
            msg += " · no barcode: F8 labels"
        self.feedback.ok(msg)
        self.note(f"{res.sku} +{res.qty} → {res.location}" + (f" ({reason})" if reason else ""))
        self.render_head()
        self.render_table()
        self.highlight(res.sku)
        self.refresh_keys()

    def unknown(self, exc: rcv.UnknownBarcode) -> None:
        """An unknown code: F6 links it, unless it is a count keyed into the scan field
        ("Unknown barcode 700: F6 to link it" offered to make 700 a product's barcode)."""
        if small_number(exc.code, MAX_KEYED_COUNT_DIGITS) is not None:
            self.feedback.error(f"{exc.code} is no barcode: scan the item, then F3 to key a count")
            return
        if problem := barcode_links.too_long(exc.code):
            # F6 would ask for the SKU and a supervisor's PIN only to refuse it then.
            self.feedback.error(f"{exc}: {problem[0].lower()}{problem[1:]}")
            return
        self.last_unknown = exc.code
        self.feedback.error(f"{exc}: F6 to link it")
        self.refresh_keys()

    def switch_delivery(self, code: str) -> bool:
        """A delivery reference scanned while receiving another: open that one instead."""
        assert self.receipt is not None
        try:
            other = rcv.start_receipt(self.store, self.actor, code)
        except NotFound:
            return False
        except DomainError as exc:  # e.g. that delivery is closed
            self.feedback.error(str(exc))
            return True
        previous = self.receipt.reference
        self.open_receipt(other)
        self.feedback.ok(f"Now receiving {other.reference} ({previous} stays open)")
        self.note(f"switched {previous} → {other.reference}")
        return True

    def action_undo(self) -> None:
        assert self.receipt is not None
        try:
            res = receipt_undo.undo_last_scan(self.store, self.actor, self.receipt.reference)
        except DomainError as exc:
            self.feedback.error(str(exc))
            return
        self.receipt = res.receipt
        self.feedback.ok(res.message)
        self.note(f"undo {res.sku} -{res.qty}")
        self.render_head()
        self.render_table()
        self.highlight(res.sku)
        self.refresh_keys()

    def action_count_mode(self) -> None:
        self.count_mode = not self.count_mode
        self.feedback.info("Count mode: scan once, then key the count" if self.count_mode
                     else "Unit mode: every scan is one unit (a case code its pack)")  # fmt: skip
        self.render_head()

    def action_damaged(self) -> None:
        self.damaged_next = not self.damaged_next
        self.feedback.info("Scan the damaged unit: it goes to quarantine" if self.damaged_next
                     else "Damaged cancelled")  # fmt: skip
        self.render_head()

    # -- other screens -------------------------------------------------------------

    def action_putaway(self) -> None:
        from wms_tui.ui.screens.putaway import PutawayScreen

        assert self.receipt is not None
        self.app.push_screen(PutawayScreen(reference=self.receipt.reference))
