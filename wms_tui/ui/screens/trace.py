"""Order trace (supervisor): where did this order go wrong, in one look.

Scan a parcel label, a tote, an RMA from the slip, or type the order number:
the screen shows from which bins, picked by whom into which tote, packed by
whom at which station (scans, counts, undos, QC), the parcels and carrier,
returns and why, then every step on the warehouse's clock. Steps to look at
carry a ``!`` (colour is never the only signal). The scan field keeps the
focus so the next scan traces the next order; arrows and Page Up/Down scroll.
"""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Input, Static

from wms_tui.domain.text import plural
from wms_tui.render.timeline import timeline_table
from wms_tui.ui.answers import answer, tell
from wms_tui.ui.base import FloorScreen
from wms_tui.ui.widgets.scan_panel import ScanPanel


def _kg(grams: int | None) -> str:
    return f"{grams / 1000:.2f} kg" if grams is not None else "? kg"


class TraceScreen(FloorScreen):
    TITLE_TEXT = "Order trace"
    WIDE = 70  # below this width each step reads as two lines
    CSS_PATH = "trace.tcss"
    BINDINGS = [
        Binding("escape", "back", "Back", id="back"),
        Binding("f2", "focus_search", "Scan", id="search"),
        Binding("down", "scroll('down')", "Scroll", id="down", show=False),
        Binding("up", "scroll('up')", "Scroll", id="up", show=False),
        Binding("pagedown", "scroll('page_down')", "Page", id="page-down", show=False),
        Binding("pageup", "scroll('page_up')", "Page", id="page-up", show=False),
    ]

    def __init__(self, code: str = "") -> None:
        super().__init__()
        self.code = code
        self.trace = None  # the last trace.OrderTrace shown

    def compose_body(self) -> ComposeResult:
        yield ScanPanel("trace", placeholder="order, tracking, SSCC, RMA, tote")
        with VerticalScroll(id="trace-scroll"):
            yield Static("", id="trace-head", markup=False)
            yield Static("", id="trace-facts", classes="section", markup=False)
            yield Static("", id="trace-timeline", classes="section", markup=False)

    def on_mount(self) -> None:
        self.prompt("Scan a label, tote or RMA, or type + Enter")
        self.focus_scan()
        if self.code:
            self.load(self.code)

    def action_focus_search(self) -> None:
        self.focus_scan()

    def action_scroll(self, how: str) -> None:
        scroll = self.query_one("#trace-scroll", VerticalScroll)
        {
            "down": scroll.scroll_down,
            "up": scroll.scroll_up,
            "page_down": scroll.scroll_page_down,
            "page_up": scroll.scroll_page_up,
        }[how]()

    @on(Input.Submitted, "#trace-scan")
    def submitted(self, event: Input.Submitted) -> None:
        event.input.value = ""
        self.load(event.value)

    @work(thread=True, exclusive=True, group="trace")
    def load(self, code: str) -> None:
        from wms_tui.domain.errors import DomainError
        from wms_tui.services.lookup.trace import trace

        try:
            t = trace(self.store, self.actor, code)
        except DomainError as exc:
            tell(self, str(exc), latest_only=True)
            return
        answer(self, self.show, t, latest_only=True)

    def width_changed(self) -> None:
        if self.trace is not None:
            self.show(self.trace)

    def show(self, t) -> None:  # noqa: ANN001 - a trace.OrderTrace
        self.trace = t
        narrow = not self.wide
        looks = len(t.flagged)
        self.feedback.ok(
            f"{t.name}: {len(t.steps)} steps" + (f", {looks} to look at (!)" if looks else "")
        )
        head = Text.assemble((t.name, "bold"), f"  {t.status}")
        head.append(f"  found by {t.matched}", style="dim")
        self.query_one("#trace-head", Static).update(head)
        self.query_one("#trace-facts", Static).update(self._facts(t))
        self.query_one("#trace-timeline", Static).update(
            timeline_table(t.steps, f"Timeline, {t.tz_name} time", narrow)
        )
        self.query_one("#trace-scroll", VerticalScroll).scroll_home(animate=False)

    @staticmethod
    def _facts(t) -> Table:  # noqa: ANN001
        facts = Table.grid(padding=(0, 1))
        facts.add_column(style="dim", no_wrap=True)
        facts.add_column(overflow="fold")
        for a in t.allocations:
            facts.add_row("Bin", f"{a.qty} × {a.sku} from {a.bin}")
        for p in t.picks:
            facts.add_row("Picked", f"{p.qty} × {p.sku} {p.bin} → {p.tote} by {p.picker}")
        for w in t.packers:
            facts.add_row(
                "Packed",
                f"{w.packer} @ {w.station}: {plural(w.scanned, 'scan')}, "
                f"{plural(w.counted, 'count')}, {plural(w.undone, 'undo')}, {w.qc} QC",
            )
        scanned_at = {(w.packer, w.station) for w in t.packers}
        for p in t.parcels:
            label = p.tracking or p.sscc
            if label:
                said = f"{p.seq}/{p.count} {label} {_kg(p.weight_g)} {p.carrier}"
                if p.packed_by and (p.packed_by, p.station) not in scanned_at:
                    # A take-over: the "Packed" rows name who scanned, not who closed
                    # the parcel, and the one who closed it may have scanned nothing.
                    said += f", closed by {p.packed_by} @ {p.station}"
            else:
                # Still at the station: "1/1  ? kg CJ Logistics" said nothing of that.
                weight = _kg(p.weight_g) if p.weight_g is not None else "not weighed"
                said = f"{p.seq}/{p.count} open, no label yet, {weight}, {p.carrier}"
            facts.add_row("Parcel", said.strip(" ,"))
        for r in t.returns:
            facts.add_row(
                "Return",
                f"{r.qty} × {r.sku}: {r.reason} ({r.cause}{', ours' if r.ours else ''})",
            )
        if not facts.row_count:
            facts.add_row("", "nothing picked or packed yet")
        return facts
