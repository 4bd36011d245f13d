"""One SKU (Enter on the stock list, or a scan naming one SKU): its bins, allocated vs
available, the open orders waiting for it and its movements; one section at a time
on a handheld (F2/F3/F4), all three at 120 columns."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from wms_tui.services.inventory import sku_detail
from wms_tui.ui.base import WmsScreen
from wms_tui.ui.widgets.fixed_table import FitTable, reset

SHORT_REASON = {
    "RECEIVED": "in",
    "PUTAWAY": "away",
    "MOVED": "move",
    "PICKED": "pick",
    "PACKED": "pack",
    "SHIPPED": "ship",
    "ADJUSTED": "adj",
    "QUARANTINED": "quar",
    "SCRAPPED": "scrap",
    "RETURNED": "ret",
    "UNPICKED": "unpck",
}
SHORT_STATUS = {
    "READY_TO_PICK": "ready",
    "BACKORDERED": "backorder",
    "ON_HOLD": "on hold",
}


class SkuDetailScreen(WmsScreen):
    """One SKU: bins, allocated vs available, open orders, movement history.

    On a handheld one section shows at a time (F2/F3/F4); at 120 columns all three.
    """

    TITLE_TEXT = "SKU"
    CSS_PATH = "sku_detail.tcss"
    BINDINGS = [
        Binding("escape", "back", "Back", show=False, id="back"),
        Binding("f2", "section('bins')", "Bins", id="bins"),
        Binding("f3", "section('orders')", "Orders", id="orders"),
        Binding("f4", "section('moves')", "History", id="moves"),
    ]
    SECTIONS = ("bins", "orders", "moves")

    def __init__(self, detail: sku_detail.SkuDetail) -> None:
        super().__init__()
        self.detail = detail
        self.section = "bins"

    def compose_body(self) -> ComposeResult:
        yield Static("", id="sku-head", markup=False)
        for name, title in (("bins", "Bins"), ("orders", "Open orders"),
                            ("moves", "Movements")):  # fmt: skip
            yield Static(title, id=f"sku-{name}-title", classes="sku-title", markup=False)
            yield FitTable(id=f"sku-{name}", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        self.fill()
        self.show()

    def width_changed(self) -> None:
        self.fill()
        self.show()

    def show(self) -> None:
        for name in self.SECTIONS:
            visible = self.wide or name == self.section
            self.query_one(f"#sku-{name}").display = visible
            self.query_one(f"#sku-{name}-title").display = visible
        self.query_one(f"#sku-{self.section}", DataTable).focus()

    def action_section(self, name: str) -> None:
        self.section = name
        self.show()

    def fill(self) -> None:
        d = self.detail
        s = d.stock
        head = f"{s.sku} · {s.name}"
        if s.options:
            head += f" · {s.options}" if self.wide else f"\n{s.options}"
        head += f"\nstorage {s.storage} · alloc {s.allocated} · avail {s.available} · {s.level}"
        extra = []
        if s.receiving:
            extra.append(f"receiving {s.receiving}")
        if s.quarantine:
            extra.append(f"quarantine {s.quarantine}")
        if s.elsewhere:
            extra.append(f"outbound {s.elsewhere}")
        if self.wide:
            extra.append(f"reorder at {s.reorder_point}, max {s.max_stock}")
            if d.barcodes:
                extra.append("barcodes " + ", ".join(d.barcodes))
        if extra:
            head += "\n" + " · ".join(extra)
        self.query_one("#sku-head", Static).update(head)

        bins = self.query_one("#sku-bins", DataTable)
        if self.wide:
            reset(bins, [("Bin", 10), ("Zone", 5), ("Kind", 10), ("Qty", 5), ("Allocated", 9),
                         ("Available", 9), ("Count", 8)])  # fmt: skip
        else:
            reset(bins, [("Bin", 10), ("Qty", 4), ("Alc", 4), ("Avl", 4)])
        for b in d.bins:
            if self.wide:
                bins.add_row(b.bin, b.zone, b.kind, str(b.qty), str(b.allocated),
                             str(b.available), "flagged" if b.flagged else "")  # fmt: skip
            else:
                bins.add_row(b.bin, str(b.qty), str(b.allocated), str(b.available))

        orders = self.query_one("#sku-orders", DataTable)
        if self.wide:
            reset(orders, [("Order", 12), ("Status", 14), ("Qty", 4), ("Alc", 4), ("To pick", 7)])
        else:
            reset(orders, [("Order", 8), ("Status", 9), ("Qty", 3), ("Alc", 3), ("Pick", 4)])
        for o in d.orders:
            status = o.status.replace("_", " ").lower()
            if not self.wide:
                status = SHORT_STATUS.get(o.status, status)
            orders.add_row(o.order, status, str(o.quantity),
                           str(o.allocated), str(o.to_pick))  # fmt: skip

        moves = self.query_one("#sku-moves", DataTable)
        if self.wide:
            reset(moves, [("When", 16), ("Reason", 11), ("Qty", 4), ("From", 10),
                          ("To", 10), ("Who", 18), ("Terminal", 8), ("Order", 8),
                          ("Reference", 14)])  # fmt: skip
        else:
            reset(moves, [("When", 5), ("Why", 5), ("Qty", 3), ("From→To", 17)])
        today = self.wms.local_now().date()
        for m in d.movements:
            if self.wide:
                moves.add_row(f"{m.at:%Y-%m-%d %H:%M}", m.reason, str(m.qty), m.from_loc or "-",
                              m.to_loc or "-", m.who, m.terminal, m.order,
                              m.reference)  # fmt: skip
            else:
                when = f"{m.at:%H:%M}" if m.at.date() == today else f"{m.at:%m-%d}"
                moves.add_row(when, SHORT_REASON.get(m.reason, m.reason[:5].lower()), str(m.qty),
                              f"{m.from_loc or '·'}→{m.to_loc or '·'}")  # fmt: skip
