"""One stock row's history (F6 on the stock list): movements and events, newest
first, on the warehouse's clock."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from wms_tui.domain.text import plural
from wms_tui.services.inventory import stock_history
from wms_tui.ui.base import WmsScreen
from wms_tui.ui.screens.sku_detail import SHORT_REASON
from wms_tui.ui.widgets.fixed_table import FitTable, reset


class RowHistoryScreen(WmsScreen):
    """One stock row's history: movements and events, newest first, warehouse time."""

    TITLE_TEXT = "History"
    CSS_PATH = "stock_history.tcss"
    BINDINGS = [Binding("escape", "back", "Back", id="back")]

    def __init__(self, history: stock_history.RowHistory) -> None:
        super().__init__()
        self.history = history

    def compose_body(self) -> ComposeResult:
        yield Static("", id="hist-head", markup=False)
        yield FitTable(id="hist-table", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        self.fill()
        self.query_one("#hist-table", DataTable).focus()

    def width_changed(self) -> None:
        self.fill()

    def fill(self) -> None:
        h = self.history
        where = f" in {h.bin}" if h.bin else ""
        count = plural(len(h.entries), "entry", "entries") + (" (newest)" if h.more else "")
        head = f"{h.sku}{where} · {count}"
        if self.wide:
            head += f" · {h.tz_name} time"
        self.query_one("#hist-head", Static).update(head)
        table = self.query_one("#hist-table", DataTable)
        if self.wide:
            reset(table, [("When", 16), ("What", 14), ("Qty", 4), ("From", 10), ("To", 10),
                          ("Who", 18), ("Terminal", 8), ("Order", 8), ("Detail", 20)])  # fmt: skip
        else:
            reset(table, [("When", 5), ("What", 5), ("Qty", 3), ("From→To", 17)])
        today = self.wms.local_now().date()
        for e in h.entries:
            qty = "" if e.qty is None else str(e.qty)
            if self.wide:
                table.add_row(f"{e.at:%Y-%m-%d %H:%M}", e.what, qty, e.from_loc or "-",
                              e.to_loc or "-", e.who, e.terminal, e.order,
                              e.detail)  # fmt: skip
            else:
                when = f"{e.at:%H:%M}" if e.at.date() == today else f"{e.at:%m-%d}"
                what = SHORT_REASON.get(e.what, e.what.split(".")[-1][:5])
                where = f"{e.from_loc or '·'}→{e.to_loc or '·'}" if e.movement else e.order
                table.add_row(when, what, qty, where or e.to_loc)
