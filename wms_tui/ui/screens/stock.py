"""Stock: by SKU or by bin, filtered by text, zone, level and status; one SKU in full.

Type or scan into the filter (by bin, a bin's code too); the table follows as you
type. Enter on a row (or a scan matching one SKU) opens that SKU: its bins, allocated
vs available, the open orders waiting for it and its movements. F6 shows the history
of the row under the cursor (the SKU's, or by bin that SKU in that bin): movements and
events, newest first, on the warehouse's clock. A filter that names nothing is said in
the feedback line and the table stays as it was.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.timer import Timer
from textual.widgets import DataTable, Input, Static

from wms_tui.domain.errors import DomainError
from wms_tui.domain.shown import excerpt
from wms_tui.domain.text import option_values, plural
from wms_tui.services.inventory import sku_detail, stock_history
from wms_tui.services.inventory import stock_queries as q
from wms_tui.ui.base import WmsScreen
from wms_tui.ui.screens.sku_detail import SkuDetailScreen
from wms_tui.ui.screens.stock_history import RowHistoryScreen
from wms_tui.ui.widgets.feedback import Feedback
from wms_tui.ui.widgets.fixed_table import FitTable, reset
from wms_tui.ui.widgets.scan_input import BatchedInput

LEVEL_STYLE = {"low": "bold red", "over": "bold yellow", "ok": "green"}
LEVEL_CYCLE: tuple[q.LevelFilter | None, ...] = (None, "low", "zero", "over", "ok")
STATUS_CYCLE: tuple[q.Status | None, ...] = (None, "available", "allocated", "quarantine")
SHORT_STATUS_FILTER = {"available": "avail", "allocated": "alloc", "quarantine": "quar"}


def level_text(level: str) -> Text:
    return Text(level, style=LEVEL_STYLE.get(level, ""))


class StockScreen(WmsScreen):
    TITLE_TEXT = "Stock"
    CSS_PATH = "stock.tcss"
    BINDINGS = [
        Binding("escape", "back", "Back", show=False, id="back"),
        # Short labels: all five keys fit a 40-column handheld's footer.
        Binding("f2", "view", "Bins", id="view"),
        Binding("f3", "zone", "Zone", id="zone"),
        Binding("f4", "level", "Lvl", id="level"),
        Binding("f5", "status", "Stat", id="status"),
        Binding("f6", "history", "Hist", id="history"),
        Binding("up", "cursor(-1)", "Up", show=False, id="up"),
        Binding("down", "cursor(1)", "Down", show=False, id="down"),
        Binding("pageup", "cursor(-10)", "Page up", show=False, id="pageup"),
        Binding("pagedown", "cursor(10)", "Page down", show=False, id="pagedown"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.by_bin = False
        self.zone = ""
        self.level: q.LevelFilter | None = None
        self.status: q.Status | None = None
        self.more = False
        self.zones: list[str] = []
        self.sku_rows: list[q.SkuStock] = []
        self.bin_rows: list[q.BinStock] = []
        self._debounce: Timer | None = None
        self._applied = ""
        self._refused = ""
        self._drawn_width: int | None = None

    def compose_body(self) -> ComposeResult:
        yield BatchedInput(placeholder="filter: SKU, name, barcode, bin", id="stk-filter")
        yield Static("", id="stk-status", markup=False)
        yield Feedback("", id="stk-fb")
        yield FitTable(id="stk-table", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        self.zones = q.zones(self.store)
        self.reload()
        self.query_one("#stk-filter", Input).focus()

    def on_screen_resume(self) -> None:
        self.reload()  # back from a SKU: stock may have moved meanwhile

    def width_changed(self) -> None:
        self.render_table()

    def on_resize(self) -> None:
        # Narrow widths share the row between the SKU and the rest (narrow_columns):
        # any change of width moves them, not only crossing WIDE.
        if not self.wide and self._drawn_width not in (None, self.app.size.width):
            self.render_table()

    @property
    def table(self) -> DataTable:
        return self.query_one("#stk-table", DataTable)

    @property
    def text(self) -> str:
        return self.query_one("#stk-filter", Input).value

    # -- filters ---------------------------------------------------------------

    @on(Input.Changed, "#stk-filter")
    def typed(self) -> None:
        if self._debounce is not None:
            self._debounce.stop()
        self._debounce = self.set_timer(0.25, self.reload)

    @on(Input.Submitted, "#stk-filter")
    def submitted(self, event: Input.Submitted) -> None:
        value = event.value.strip()
        fresh = value != self._applied
        if self._debounce is not None:
            self._debounce.stop()
        if fresh:
            self.reload()
        if self.table.row_count == 0:
            if not self._refused:  # a refused filter already said why
                self.query_one("#stk-fb", Feedback).error(f"Nothing matches '{excerpt(value)}'")
            # Selected, so the next scan (a burst of keys) replaces the miss
            # instead of being appended to it; arrows still edit it.
            self.query_one("#stk-filter", Input).select_all()
            return
        exact = [r.sku for r in self.sku_rows if r.sku.upper() == value.upper()]
        if exact and not self.by_bin:
            self.open_detail(exact[0])
        elif self.table.row_count == 1 or not fresh:
            # one match (a scanned barcode), or Enter on the row picked with the arrows
            self.open_detail()

    def action_view(self) -> None:
        self.by_bin = not self.by_bin
        self.reload()

    def action_zone(self) -> None:
        options = ["", *self.zones]
        self.zone = options[(options.index(self.zone) + 1) % len(options)]
        self.reload()

    def action_level(self) -> None:
        self.level = LEVEL_CYCLE[(LEVEL_CYCLE.index(self.level) + 1) % len(LEVEL_CYCLE)]
        self.reload()

    def action_status(self) -> None:
        self.status = STATUS_CYCLE[(STATUS_CYCLE.index(self.status) + 1) % len(STATUS_CYCLE)]
        self.reload()

    @property
    def quarantine(self) -> bool:
        return self.status == "quarantine"

    def action_history(self) -> None:
        if not self.table.row_count:
            self.query_one("#stk-fb", Feedback).error("No row to show the history of")
            return
        row = self.table.cursor_row
        if self.by_bin:
            sku, bin_code = self.bin_rows[row].sku, self.bin_rows[row].bin
        else:
            sku, bin_code = self.sku_rows[row].sku, ""
        try:
            history = stock_history.row_history(self.store, sku, bin_code)
        except DomainError as exc:
            self.query_one("#stk-fb", Feedback).error(str(exc))
            return
        self.app.push_screen(RowHistoryScreen(history))

    def action_cursor(self, step: int) -> None:
        table = self.table
        if table.row_count:
            table.move_cursor(row=max(0, min(table.row_count - 1, table.cursor_row + step)))

    # -- data ------------------------------------------------------------------

    def reload(self) -> None:
        self._applied = self.text.strip()
        fb = self.query_one("#stk-fb", Feedback)
        try:
            query = q.stock_query(text=self.text, zone=self.zone, level=self.level,
                                  status=self.status, by_bin=self.by_bin)  # fmt: skip
            found = q.find_stock(self.store, query)
        except DomainError as exc:
            self.sku_rows, self.bin_rows = [], []
            self._refused = str(exc)
            fb.error(self._refused)
            self.render_status()
            self.render_table()
            return
        self.bin_rows, self.sku_rows = list(found.bins), list(found.skus)
        self.more = found.more
        self._refused = ""
        fb.clear()
        self.render_status()
        self.render_table()

    def render_status(self) -> None:
        n = len(self.bin_rows if self.by_bin else self.sku_rows)
        # The filter just switched on goes first: on a handheld the line ends at
        # 40 columns, and "quarantine" last was cut off.
        parts = [self.status.upper()] if self.status else []
        if self.wide:
            parts += [
                "bins" if self.by_bin else "SKUs",
                f"zone {self.zone or 'all'}",
                f"level {self.level}" if self.level else "any level",
            ]
        else:
            if self.status:
                parts = [SHORT_STATUS_FILTER[self.status].upper()]
            parts += [
                "bins" if self.by_bin else "SKUs",
                f"zone {self.zone}" if self.zone else "all zones",
                *([f"lvl {self.level}"] if self.level else []),
            ]
        parts.append(plural(n, "row") + ("+" if self.more else ""))
        self.query_one("#stk-status", Static).update(" · ".join(parts))

    def render_table(self) -> None:
        table = self.table
        self._drawn_width = self.app.size.width
        row = table.cursor_row
        if self.by_bin:
            if self.wide:
                reset(table, [("Bin", 10), ("Zone", 5), ("Kind", 10), ("SKU", 16), ("Name", 30),
                              ("Qty", 5), ("Alloc", 5), ("Avail", 5), ("Count", 8)])  # fmt: skip
            else:
                bins = [b.bin + ("!" if b.flagged else "") for b in self.bin_rows]
                reset(table, self.narrow_columns(
                    [("Bin", bins, 10), ("SKU", None, 0),
                     ("Qty", [str(b.qty) for b in self.bin_rows], 6),
                     ("Alc", [str(b.allocated or "") for b in self.bin_rows], 6)],
                    [b.sku for b in self.bin_rows]))  # fmt: skip
            for i, b in enumerate(self.bin_rows):
                flag = Text("flagged", style="bold red") if b.flagged else ""
                if self.wide:
                    table.add_row(b.bin, b.zone, b.kind, b.sku, b.name, str(b.qty),
                                  str(b.allocated), str(b.available), flag,
                                  key=str(i))  # fmt: skip
                else:
                    table.add_row(b.bin + ("!" if b.flagged else ""), b.sku, str(b.qty),
                                  str(b.allocated or ""), key=str(i))  # fmt: skip
            self._restore(row)
            return
        if self.wide:
            reset(table, [("SKU", 16), ("Name", 22), ("Options", 14), ("Zone", 4), ("Stor", 5),
                          ("Alloc", 5), ("Avail", 5), ("RCV", 4), ("QUAR", 4), ("Reord", 5),
                          ("Max", 4), ("Level", 5)])  # fmt: skip
        else:
            counts = [
                # Quarantine is what the filter is about: its count comes first.
                ("Quar", [str(r.quarantine) for r in self.sku_rows], 6)
                if self.quarantine
                else ("Avl", [str(r.available) for r in self.sku_rows], 6),
                ("Avl", [str(r.available) for r in self.sku_rows], 6)
                if self.quarantine
                else ("Qty", [str(r.storage) for r in self.sku_rows], 6),
            ]
            reset(table, self.narrow_columns(
                [("SKU", None, 0), *counts, ("Lvl", [r.level for r in self.sku_rows], 4)],
                [r.sku for r in self.sku_rows]))  # fmt: skip
        for i, r in enumerate(self.sku_rows):
            if not self.wide and self.quarantine:
                table.add_row(r.sku, str(r.quarantine), str(r.available),
                              level_text(r.level), key=str(i))  # fmt: skip
            elif self.wide:
                table.add_row(r.sku, r.name, option_values(r.options), r.zone, str(r.storage),
                              str(r.allocated), str(r.available), str(r.receiving or ""),
                              str(r.quarantine or ""), str(r.reorder_point or ""),
                              str(r.max_stock or ""), level_text(r.level),
                              key=str(i))  # fmt: skip
            else:
                table.add_row(r.sku, str(r.available), str(r.storage),
                              level_text(r.level), key=str(i))  # fmt: skip
        self._restore(row)

    def narrow_columns(
        self, columns: list[tuple[str, list[str] | None, int]], keys: list[str]
    ) -> list[tuple[str, int]]:
        """Handheld widths: each column as wide as its cells (up to its cap), the SKU the rest.

        The SKU is what a worker reads a row by, and at 40 columns fixed widths cut
        "PC-SLM-I15P-BLK" to "PC-SLM-I15P…" in both views while the bin and count
        columns stood half empty. Room for a scrollbar is kept whether one shows or not,
        so the widths do not change when the rows outgrow the screen.
        """
        fitted = [
            (label, min(cap, max([cell_len(label), *map(cell_len, cells)])))
            for label, cells, cap in columns
            if cells is not None
        ]
        # Each column pads one cell either side; the table's scrollbar takes two.
        left = self.app.size.width - 2 - 2 * len(columns) - sum(w for _, w in fitted)
        key_width = max(3, min(left, max([3, *map(cell_len, keys)])))
        widths = iter(fitted)
        return [(label, key_width if cells is None else next(widths)[1])
                for label, cells, _ in columns]  # fmt: skip

    def _restore(self, row: int) -> None:
        """Keep the cursor where it was (coming back from a SKU, changing a filter)."""
        if self.table.row_count:
            self.table.move_cursor(row=min(row, self.table.row_count - 1))

    # -- detail ----------------------------------------------------------------

    @on(DataTable.RowSelected, "#stk-table")
    def row_selected(self, event: DataTable.RowSelected) -> None:
        self.open_detail()

    def open_detail(self, code: str | None = None) -> None:
        if code is None:
            if not self.table.row_count:
                return
            row = self.table.cursor_row
            rows = self.bin_rows if self.by_bin else self.sku_rows
            code = rows[row].sku
        try:
            detail = sku_detail.sku_detail(self.store, code)
        except DomainError as exc:
            self.query_one("#stk-fb", Feedback).error(str(exc))
            return
        self.app.push_screen(SkuDetailScreen(detail))
