"""How the receiving screen draws: the delivery's head and the prompt, the lines
table (or the deliveries waiting, before one is open), the row of the SKU just
scanned, and on a wide screen the log of the last scans, as many lines as it
has rows.

:class:`~wms_tui.ui.screens.receiving.ReceivingScreen` mixes this in and calls
``redraw`` or its parts after every answer of the receiving service; nothing
here calls a service.
"""

from __future__ import annotations

from contextlib import suppress
from itertools import islice

from textual.widgets import Static
from textual.widgets.data_table import RowDoesNotExist

from wms_tui.domain.text import option_values, plural
from wms_tui.ui.screens.receiving_text import NARROW_LINES, WIDE_LINES
from wms_tui.ui.widgets.scan_log import ScanLog
from wms_tui.ui.widgets.steady import update_text
from wms_tui.ui.widgets.variance import variance_text

# A plain number this short keyed into the scan field is a count, never a barcode to link.


class ReceivingRendering:
    """Mixed into ReceivingScreen (see the module's docstring)."""

    def redraw(self) -> None:
        self.render_head()
        self.show_log()
        if self.closed is not None:
            self.render_report()
        else:
            self.render_table()

    def note(self, text: str) -> None:
        """Add a line to the scan log (shown on wide screens)."""
        self.scan_log.appendleft(f"{self.wms.local_now():%H:%M:%S} {text}")
        self.show_log()

    def show_log(self) -> None:
        log = self.query_one("#rcv-log", ScanLog)
        if not log.display or not self.wide:
            return  # drawn when the side panel shows (redraw)
        # Only the lines its rows can show: the newest line pushes every other one down,
        # so all of them are drawn again (ScanLog renders only the new one's text).
        rows = log.size.height or len(self.scan_log)
        log.show(islice(self.scan_log, rows))

    def render_head(self) -> None:
        self.render_prompt()
        head = self.query_one("#rcv-head", Static)
        r = self.receipt
        if r is None:
            n = len(self.deliveries)
            update_text(head, plural(n, "open delivery", "open deliveries"))
            return
        who = r.supplier or ("blind receipt" if r.blind else "")
        first = f"{r.reference} · {who}" if who else r.reference
        if self.closed is not None:
            second = f"CLOSED · {self.closed.summary()}"
        else:
            mode = (
                "DAMAGED next" if self.damaged_next else ("COUNT mode" if self.count_mode else "")
            )
            second = f"{r.received_units}/{r.expected_units} units"
            if r.damaged_units:
                second += f" · {r.damaged_units} dmg"
            if mode:
                second += f" · {mode}"
        if self.wide and r.expected_date:
            first += f" · due {r.expected_date}"
        update_text(head, f"{first}\n{second}")

    def render_prompt(self) -> None:
        field = self.scan_field
        if self.receipt is None:
            self.prompt("Scan delivery ref · F2 blind")
            field.placeholder = "ref (Enter: highlighted)"
        elif self.closed is not None:
            self.prompt("Scan the next delivery ref")
            field.placeholder = "delivery ref"
        else:
            if self.damaged_next:
                self.prompt("Scan the DAMAGED unit")
            elif self.count_mode:
                self.prompt("Scan item, then key the count")
            else:
                self.prompt("Scan item")
            field.placeholder = "barcode, case code or SKU"

    def render_table(self) -> None:
        table = self.table
        if self.receipt is None:
            # The reference is what the receiver scans or picks: never cut it
            # (BLIND-20261207-001 is 18); the supplier gives way.
            longest = max([8, *(len(d.reference) for d in self.deliveries)])
            if self.wide:
                ref_w = min(max(14, longest), 24)
                columns = [("Delivery", ref_w), ("Supplier", max(10, 34 - ref_w)), ("Due", 10),
                           ("SKUs", 4), ("Exp", 5), ("Rcv", 5), ("Status", 9)]  # fmt: skip
            else:
                ref_w = min(longest, 18)
                columns = [("Delivery", ref_w), ("Supplier", max(4, 23 - ref_w)), ("Rcv/Exp", 7)]
            rows = []
            for d in self.deliveries:
                if self.wide:
                    cells = (d.reference, d.supplier, str(d.expected_date or ""), str(d.skus),
                             str(d.expected_units), str(d.received_units),
                             d.status.value.lower())  # fmt: skip
                else:
                    cells = (d.reference, d.supplier, f"{d.received_units}/{d.expected_units}")
                rows.append((d.reference, cells))
            table.fill(columns, rows)
            return
        # A scan changes one line: fill() repaints that row only.
        rows = []
        for ln in self.receipt.lines:
            diff = variance_text(ln.diff, unexpected=ln.expected == 0)
            if self.wide:
                sku = ln.sku if ln.has_barcode else f"{ln.sku}*"
                cells = (sku, ln.name, option_values(ln.options), str(ln.expected),
                         str(ln.received), str(ln.damaged or ""), str(ln.put_away or ""),
                         diff)  # fmt: skip
            else:
                cells = (ln.sku, str(ln.expected), str(ln.received), str(ln.damaged or ""), diff)
            rows.append((ln.sku, cells))
        table.fill(WIDE_LINES if self.wide else NARROW_LINES, rows)

    def highlight(self, sku: str) -> None:
        with suppress(RowDoesNotExist):
            self.table.move_cursor(row=self.table.get_row_index(sku))
