"""Cycle count: scan a bin, scan what is in it, see the variance, approve with a reason.

The count is blind: what the system expects is shown only after F5 (done). Bins
flagged by a short pick are listed first; counting one clears its flag.
"""

from __future__ import annotations

from contextlib import suppress

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Input, Static
from textual.widgets.data_table import RowDoesNotExist

from wms_tui.domain.errors import DomainError
from wms_tui.domain.numbers import small_number
from wms_tui.domain.text import plural
from wms_tui.services.inventory import cycle_count as cc
from wms_tui.services.receiving import receipt as rcv
from wms_tui.ui.base import FloorScreen
from wms_tui.ui.widgets.dialogs import AskChoice, AskConfirm, AskCount
from wms_tui.ui.widgets.fixed_table import FitTable, reset, step_cursor
from wms_tui.ui.widgets.scan_panel import ScanPanel
from wms_tui.ui.widgets.variance import variance_text

MAX_COUNT_DIGITS = 5  # a bin's count keyed into the scan field; longer is a barcode


class CycleCountScreen(FloorScreen):
    TITLE_TEXT = "Cycle count"
    CSS_PATH = "cycle_count.tcss"
    BINDINGS = [
        # shown: until a bin is scanned it is the footer's only key
        Binding("escape", "back", "Back", id="back"),
        Binding("f3", "count_mode", "Count", id="count"),
        Binding("f4", "undo", "Undo", id="undo"),
        Binding("f5", "done", "Done", id="done"),
        Binding("up", "cursor(-1)", "Up", show=False, id="up"),
        Binding("down", "cursor(1)", "Down", show=False, id="down"),
    ]

    def __init__(self, bin_code: str = "") -> None:
        super().__init__()
        # Opened from the exceptions inbox for a short pick's bin: counting starts there.
        self.bin_code = bin_code
        self.bins: list[cc.CountBin] = []
        self.bin: cc.CountBin | None = None
        self.scans: list[tuple[str, int]] = []
        self.count_mode = False
        self.variances: list[cc.Variance] | None = None

    def compose_body(self) -> ComposeResult:
        yield Static("", id="cc-head", markup=False)
        yield ScanPanel("cc", placeholder="bin")
        yield FitTable(id="cc-table", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        self.show_bins()
        self.focus_scan()
        if self.bin_code:
            self.start(self.bin_code)

    def on_screen_resume(self) -> None:
        # rows drawn while a dialog covered the table are redrawn at their final widths
        self.redraw()

    def width_changed(self) -> None:
        self.redraw()

    @property
    def table(self) -> DataTable:
        return self.query_one("#cc-table", DataTable)

    @property
    def counted(self) -> dict[str, int]:
        totals: dict[str, int] = {}
        for sku, n in self.scans:
            totals[sku] = totals.get(sku, 0) + n
        return totals

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("count_mode", "undo"):
            return self.bin is not None and self.variances is None
        if action == "done":
            return self.bin is not None
        return True

    # -- phases ----------------------------------------------------------------

    def show_bins(self) -> None:
        self.bin = None
        self.scans = []
        self.variances = None
        self.count_mode = False
        self.bins = cc.bins_to_count(self.store)
        self.redraw()

    def redraw(self) -> None:
        head = self.query_one("#cc-head", Static)
        scan = self.scan_field
        table = self.table
        self.refresh_bindings()
        if self.bin is None:
            flagged = sum(b.flagged for b in self.bins)
            head.update(f"{plural(flagged, 'flagged bin')} first")
            self.prompt("Scan the bin to count")
            scan.placeholder = "bin (Enter: highlighted)"
            if self.wide:
                reset(table, [("Bin", 10), ("Zone", 5), ("Kind", 10), ("SKUs", 5), ("Flag", 40)])
            else:
                reset(table, [("Bin", 10), ("SKUs", 4), ("Flag", 17)])
            for b in self.bins:
                flag = Text(b.flag_reason or "flagged", style="bold red") if b.flagged else ""
                if self.wide:
                    table.add_row(b.bin, b.zone, b.kind, str(b.skus), flag, key=b.bin)
                else:
                    table.add_row(b.bin, str(b.skus), flag, key=b.bin)
            return
        title = f"Count {self.bin.bin}"
        if self.bin.flagged:
            title += f" · flagged: {self.bin.flag_reason or 'check'}"
        if self.variances is None:
            units = sum(self.counted.values())
            mode = " · COUNT mode" if self.count_mode else ""
            head.update(f"{title}\n{units} counted{mode}")
            if self.count_mode:
                self.prompt("Scan item, then key the count")
            else:
                self.prompt("Scan every unit · F5 done")
            scan.placeholder = "barcode, case code or SKU"
            reset(table, [("SKU", 20), ("Counted", 7)])
            for sku, n in sorted(self.counted.items()):
                table.add_row(sku, str(n), key=sku)
            return
        changes = [v for v in self.variances if v.diff]
        verdict = skus_differ(len(changes)) if changes else "no variance"
        head.update(f"{title}\n{verdict}")
        self.prompt("Enter: approve · Esc: recount")
        scan.placeholder = ""
        if self.wide:
            reset(table, [("SKU", 16), ("Name", 34), ("System", 6), ("Counted", 7), ("±", 4),
                          ("Reserved", 8)])  # fmt: skip
        else:
            reset(table, [("SKU", 13), ("Sys", 4), ("Cnt", 4), ("±", 4)])
        for v in self.variances:
            if self.wide:
                table.add_row(v.sku, v.name, str(v.system), str(v.counted), variance_text(v.diff),
                              str(v.allocated or ""), key=v.sku)  # fmt: skip
            else:
                table.add_row(
                    v.sku, str(v.system), str(v.counted), variance_text(v.diff), key=v.sku
                )

    def action_cursor(self, step: int) -> None:
        step_cursor(self.table, step)

    def action_back(self) -> None:
        if self.variances is not None:
            self.variances = None
            self.feedback.info("Recount: scan more, F4 undo, F5 done")
            self.redraw()
            return
        if self.bin is not None:
            self.leave_count()
            return
        self.dismiss()

    @work(exclusive=True, group="cc-ask")
    async def leave_count(self) -> None:
        if self.scans:
            yes = await self.app.push_screen_wait(
                AskConfirm(
                    f"Drop the count of {self.bin.bin if self.bin else ''}?",
                    [f"{plural(sum(self.counted.values()), 'unit')} counted so far."],
                )  # fmt: skip
            )
            if not yes:
                return
        self.feedback.info("Count dropped")
        self.show_bins()

    # -- scanning --------------------------------------------------------------

    def question_follows_scan(self) -> bool:
        """In count mode a scan asks its count: the keys typed right behind it (a burst
        or a paste "SKU\\r31\\r") are its answer, held by the app until the question is
        up. Put in the scan field, the 31 became a scan of its own, which replaced the
        question (the same worker group) and was refused: both were lost."""
        return self.bin is not None and self.variances is None and self.count_mode

    @on(Input.Submitted, "#cc-scan")
    def scanned(self, event: Input.Submitted) -> None:
        code = event.value.strip()
        if not (code and self.question_follows_scan()):
            self.wms.expect_no_screen()
        if self.bin is None:
            if not code and self.bins:
                code = self.bins[self.table.cursor_row].bin
            self.start(code)
        elif self.variances is not None:
            if code:
                self.feedback.error("Count is done: Enter approves, Esc goes back to counting")
                return
            self.approve()
        elif self.count_mode:
            self.ask_count(code)
        else:
            self.add(code, 1)

    def start(self, code: str) -> None:
        try:
            self.bin = cc.start_count(self.store, self.actor, code)
        except DomainError as exc:
            self.feedback.error(str(exc))
            return
        self.scans = []
        self.variances = None
        self.feedback.ok(f"Counting {self.bin.bin}: scan every unit")
        self.redraw()

    def identify(self, code: str) -> tuple[str, str, int] | None:
        """The product ``code`` names, else None with the reason said. A number that is no
        barcode is a count a counter keyed after scanning (they read "Unknown barcode 700"):
        it is taken as the last product's total, once confirmed."""
        try:
            return rcv.identify(self.store, code)
        except rcv.UnknownBarcode as exc:
            total = small_number(code, MAX_COUNT_DIGITS)
            if total is None:
                self.feedback.error(str(exc))
            elif not self.scans:
                self.feedback.error(f"Scan a product first, then key its count ({total})")
            else:
                self.confirm_total(self.scans[-1][0], total)
        except DomainError as exc:
            self.feedback.error(str(exc))
        return None

    @work(exclusive=True, group="cc-ask")
    async def confirm_total(self, sku: str, total: int) -> None:
        ok = await self.app.push_screen_wait(
            AskConfirm(
                f"{total} × {sku} in {self.bin.bin} in all?",
                [f"{self.counted.get(sku, 0)} counted so far"],
            )  # fmt: skip
        )
        if not ok:
            self.feedback.info("Count not changed")
            return
        # One entry for the difference, so F4 undoes the keyed total as it undoes a scan.
        self.scans.append((sku, total - self.counted.get(sku, 0)))
        self.feedback.ok(f"{sku} = {total}")
        self.redraw()

    def add(self, code: str, count: int) -> None:
        if not code:
            self.feedback.error("Scan an item, or F5 when the bin is counted")
            return
        found = self.identify(code)
        if found is None:
            return
        sku, _name, pack = found
        self.scans.append((sku, count * pack))
        self.feedback.ok(f"{sku} +{count * pack} (total {self.counted[sku]})")
        self.redraw()
        with suppress(RowDoesNotExist):
            self.table.move_cursor(row=self.table.get_row_index(sku))

    @work(exclusive=True, group="cc-ask")
    async def ask_count(self, code: str) -> None:
        try:
            await self._ask_count(code)
        finally:
            self.wms.expect_no_screen()  # asked, refused or cancelled: keys go on

    async def _ask_count(self, code: str) -> None:
        found = self.identify(code)
        if found is None:
            return
        sku, _name, pack = found
        what = f"cases of {pack}" if pack > 1 else "units"
        answer = await self.app.push_screen_wait(
            AskCount(f"{sku}: how many {what}?", validate=rcv.parse_count)
        )
        if answer is None:
            self.feedback.info("Not counted")
            return
        self.add(code, answer)

    def action_count_mode(self) -> None:
        self.count_mode = not self.count_mode
        self.feedback.info("Count mode: scan once, then key the count" if self.count_mode
                     else "Unit mode: every scan is one unit")  # fmt: skip
        self.redraw()

    def action_undo(self) -> None:
        if not self.scans:
            self.feedback.error("Nothing to undo")
            return
        sku, n = self.scans.pop()
        self.feedback.info(f"Undone: {sku} {n}")
        self.redraw()

    def action_done(self) -> None:
        if self.bin is None:
            return
        if self.variances is not None:
            self.approve()
            return
        try:
            self.variances = cc.count_variance(self.store, self.actor, self.bin.bin, self.counted)
        except DomainError as exc:
            self.feedback.error(str(exc))
            return
        changes = [v for v in self.variances if v.diff]
        if changes:
            self.app.bell()
            self.feedback.info(f"{skus_differ(len(changes))}: check, then approve")
        else:
            self.feedback.ok("Count matches: Enter to record it")
        self.redraw()

    @work(exclusive=True, group="cc-ask")
    async def approve(self) -> None:
        assert self.bin is not None and self.variances is not None
        changes = [v for v in self.variances if v.diff]
        reason = ""
        if changes:
            answer = await self.app.push_screen_wait(
                AskChoice("Reason for the adjustment", cc.COUNT_REASONS)
            )
            if answer is None:
                self.feedback.info("Not approved")
                return
            reason = answer
        try:
            result = cc.approve_count(
                self.store, self.actor, self.bin.bin, self.counted, reason=reason,
                expected={v.sku: v.system for v in self.variances},
            )  # fmt: skip
        except DomainError as exc:
            self.feedback.error(str(exc))
            return
        parts = [f"{result.bin} counted"]
        if result.adjustments:
            parts.append(f"{len(result.adjustments)} adjusted")
        if result.backordered:
            parts.append("backordered " + ", ".join(result.backordered))
        if result.released:
            parts.append("released " + ", ".join(result.released))
        self.show_bins()
        self.feedback.ok(" · ".join(parts))


def skus_differ(n: int) -> str:
    """ "1 SKU differs", "2 SKUs differ"."""
    return f"{plural(n, 'SKU')} {'differs' if n == 1 else 'differ'}"
