"""Put-away: take a received line to its bin.

Scan the product (or pick the highlighted line with Enter), walk to the suggested
bin and scan it; scanning any other storage bin puts it there instead. F3 keys a
smaller quantity when the bin cannot take everything.
"""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Input, Static

from wms_tui.domain.errors import DomainError
from wms_tui.domain.text import plural
from wms_tui.services.inventory import sku_detail
from wms_tui.services.receiving import putaway as pa
from wms_tui.services.receiving import receipt as rcv
from wms_tui.ui.base import FloorScreen
from wms_tui.ui.widgets.dialogs import AskCount
from wms_tui.ui.widgets.fixed_table import FitTable, reset, step_cursor
from wms_tui.ui.widgets.scan_panel import ScanPanel


class PutawayScreen(FloorScreen):
    TITLE_TEXT = "Put away"
    CSS_PATH = "putaway.tcss"
    BINDINGS = [
        Binding("escape", "back", "Back", show=False, id="back"),
        Binding("f3", "qty", "Qty", id="qty"),
        Binding("f5", "refresh", "Refresh", id="refresh"),
        Binding("up", "cursor(-1)", "Up", show=False, id="up"),
        Binding("down", "cursor(1)", "Down", show=False, id="down"),
    ]

    def __init__(self, reference: str | None = None) -> None:
        super().__init__()
        self.reference = reference
        self.lines: list[pa.PutawayLine] = []
        self.current: pa.PutawayLine | None = None
        self.qty: int | None = None

    def compose_body(self) -> ComposeResult:
        with Horizontal():
            with Vertical():
                yield Static("", id="pa-head", markup=False)
                yield ScanPanel("pa", placeholder="product")
                yield FitTable(id="pa-table", cursor_type="row", zebra_stripes=True)
            # Wide screens: where the highlighted SKU is now and who waits for it.
            yield Static("", id="pa-side", markup=False)

    def on_mount(self) -> None:
        self.load()
        self.focus_scan()

    def on_screen_resume(self) -> None:
        # rows drawn while a dialog covered the table are redrawn at their final widths
        self.render_table()

    def width_changed(self) -> None:
        self.render_table()

    @property
    def table(self) -> DataTable:
        return self.query_one("#pa-table", DataTable)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "qty":
            return self.current is not None
        return True

    # -- data ------------------------------------------------------------------

    def load(self) -> None:
        try:
            self.lines = pa.pending(self.store, self.reference)
        except DomainError as exc:
            self.lines = []
            self.feedback.error(str(exc))
        self.render_head()
        self.render_table()

    def render_head(self) -> None:
        head = self.query_one("#pa-head", Static)
        scan = self.scan_field
        if self.current is None:
            units = sum(ln.qty for ln in self.lines)
            where = f" from {self.reference}" if self.reference else ""
            n = len(self.lines)
            head.update(f"{plural(n, 'line')}, {plural(units, 'unit')} waiting{where}")
            self.prompt("Scan a product to put away")
            scan.placeholder = "product (Enter: highlighted)"
        else:
            ln = self.current
            qty = self.qty or ln.qty
            sug = ln.suggestion
            target = f"{sug.bin} ({sug.why})" if sug else "any pick or bulk bin"
            head.update(f"{ln.sku} ×{qty} of {ln.qty} → {target}")
            self.prompt(f"Scan bin {sug.bin}" if sug else "Scan a pick or bulk bin")
            scan.placeholder = "bin (another bin: put it there)"
        self.refresh_bindings()

    def render_table(self) -> None:
        table = self.table
        # A blind receipt's reference is 18 characters and was cut to "BLIND-20261…" in
        # 12: one delivery's lines leave it to the head line, all deliveries' give up the
        # reason for the bin (the side panel says it) to show it whole.
        by_delivery = self.wide and not self.reference
        if by_delivery:
            reset(table, [("Delivery", 18), ("SKU", 14), ("Name", 18), ("Qty", 4),
                          ("Bin", 10)])  # fmt: skip
        elif self.wide:
            reset(table, [("SKU", 14), ("Name", 22), ("Qty", 4), ("Bin", 10),
                          ("Why", 14)])  # fmt: skip
        else:
            reset(table, [("SKU", 14), ("Qty", 4), ("Bin", 11)])
        for i, ln in enumerate(self.lines):
            sug = ln.suggestion
            where = sug.bin if sug else "-"
            if by_delivery:
                table.add_row(ln.reference, ln.sku, ln.name, str(ln.qty), where, key=str(i))
            elif self.wide:
                table.add_row(ln.sku, ln.name, str(ln.qty), where,
                              sug.why if sug else "no free bin", key=str(i))  # fmt: skip
            else:
                table.add_row(ln.sku, str(ln.qty), sug.bin if sug else "-", key=str(i))

    @on(DataTable.RowHighlighted, "#pa-table")
    def highlighted(self, event: DataTable.RowHighlighted) -> None:
        if self.current is None and 0 <= event.cursor_row < len(self.lines):
            self.show_side(self.lines[event.cursor_row])

    def show_side(self, line: pa.PutawayLine | None) -> None:
        side = self.query_one("#pa-side", Static)
        if not self.wide:
            return
        if line is None:
            side.update("")
            return
        try:
            d = sku_detail.sku_detail(self.store, line.sku)
        except DomainError as exc:
            side.update(str(exc))
            return
        out = [line.sku, line.name, *([line.options] if line.options else [])]
        out += ["", f"From {line.reference}: {line.qty}"]
        if line.suggestion:
            out.append(f"Suggested: {line.suggestion.bin} ({line.suggestion.why})")
        out += ["", "Now in"]
        storage = [b for b in d.bins if b.kind in ("pick", "bulk")]
        out += [f"  {b.bin:<11} {b.qty:>5}" for b in storage] or ["  no storage bin yet"]
        waiting = [o for o in d.orders if o.status == "BACKORDERED"]
        if waiting:
            out += ["", "Backordered, waiting for it"]
            out += [f"  {o.order:<12} {o.to_pick:>3}" for o in waiting[:12]]
        side.update("\n".join(out))

    def action_cursor(self, step: int) -> None:
        if self.current is None:
            step_cursor(self.table, step)

    def action_refresh(self) -> None:
        self.current = None
        self.qty = None
        self.load()
        self.feedback.info("Refreshed")

    def action_back(self) -> None:
        if self.current is not None:
            self.current = None
            self.qty = None
            self.feedback.info("Cancelled: scan a product")
            self.render_head()
            return
        self.dismiss()

    # -- scanning --------------------------------------------------------------

    @on(Input.Submitted, "#pa-scan")
    def scanned(self, event: Input.Submitted) -> None:
        code = event.value.strip()
        if self.current is None:
            self.choose(code)
        else:
            self.to_bin(code)

    def choose(self, code: str) -> None:
        if not code:
            if not self.lines:
                self.feedback.error("Nothing waiting for put-away")
                return
            self.current = self.lines[self.table.cursor_row]
        else:
            try:
                self.current = pa.line_for_scan(self.store, code, self.reference)
            except DomainError as exc:
                self.feedback.error(str(exc))
                return
        self.qty = None
        self.show_side(self.current)
        sug = self.current.suggestion
        self.feedback.info(f"Take {self.current.qty} to {sug.bin}" if sug else "Scan a storage bin")
        self.render_head()

    def to_bin(self, code: str) -> None:
        ln = self.current
        assert ln is not None
        if not code:
            self.feedback.error("Scan the bin")
            return
        try:
            res = pa.put_away(
                self.store, self.actor,
                reference=ln.reference, product_code=ln.sku, bin_code=code, qty=self.qty,
            )  # fmt: skip
        except DomainError as exc:
            self.feedback.error(str(exc))
            return
        msg = f"{res.qty} {res.sku} → {res.bin}"
        if res.released_orders:
            msg += f" · released {', '.join(res.released_orders)}"
        self.feedback.ok(msg)
        self.current = None
        self.qty = None
        self.load()

    @work(exclusive=True, group="pa-ask")
    async def action_qty(self) -> None:
        ln = self.current
        if ln is None:
            return

        def check(text: str) -> int:
            n = rcv.parse_count(text)
            if n > ln.qty:
                raise DomainError(f"Only {ln.qty} of {ln.sku} waiting")
            return n

        answer = await self.app.push_screen_wait(
            AskCount(f"How many {ln.sku} into this bin?", validate=check)
        )
        if answer is not None:
            self.qty = answer
            self.render_head()
            if ln.suggestion:
                self.feedback.info(f"Take {answer} to {ln.suggestion.bin}")
