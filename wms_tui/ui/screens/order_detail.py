"""One order on one screen: where it is, its parcels, and its timeline from the log.

Opened from the order lookup and from the dispatch overview (Enter on an
order). Read-only; scroll with the arrow keys and Page Up/Down.
"""

from __future__ import annotations

from datetime import datetime

from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from wms_tui.domain.enums import Role
from wms_tui.render.timeline import timeline_table
from wms_tui.ui.answers import answer
from wms_tui.ui.base import WmsScreen
from wms_tui.ui.widgets.feedback import Feedback
from wms_tui.ui.widgets.operator_bar import OperatorBar

NARROW = 70  # below this width the timeline reads as two-line entries


def _kg(grams: int | None) -> str:
    return f"{grams / 1000:.2f} kg" if grams is not None else "? kg"


class OrderScreen(WmsScreen):
    """The answer to "where is my order?", with who did what, when and where."""

    TITLE_TEXT = "wms · order"
    CSS_PATH = "order_detail.tcss"
    # From NARROW columns the parcels are a table and each timeline step one line:
    # the screen's ``wide`` class (Textual's breakpoints) says which form to draw.
    WIDE = NARROW
    BINDINGS = [
        Binding("escape", "back", "Back", id="back"),
        Binding("r", "reload", "Reload", id="reload"),
        Binding("t", "trace", "Trace", id="trace"),
    ]

    def __init__(self, order_id: int) -> None:
        super().__init__()
        self.order_id = order_id
        self.detail = None

    def compose_body(self) -> ComposeResult:
        yield Feedback("", id="order-feedback")
        with VerticalScroll(id="order-scroll", can_focus=True):
            yield Static("Loading…", id="order-head", markup=False)
            yield Static("", id="order-where", markup=False)
            yield Static("", id="order-facts", markup=False)
            yield Static("", id="order-parcels", classes="section", markup=False)
            yield Static("", id="order-timeline", classes="section", markup=False)

    def on_mount(self) -> None:
        self.query_one("#order-scroll").focus()
        self.load()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The trace key only for those it serves (a picker's was always refused)."""
        if action == "trace":
            actor = self.wms.actor  # None while the terminal logs out
            return actor is not None and actor.has(Role.SUPERVISOR)
        return True

    def action_trace(self) -> None:
        from wms_tui.ui.screens.trace import TraceScreen

        if self.detail is not None:
            self.app.push_screen(TraceScreen(self.detail.name))

    def action_reload(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, group="order-detail")
    def load(self) -> None:
        from wms_tui.domain.errors import DomainError
        from wms_tui.services.lookup.order_lookup import order_detail

        try:
            detail = order_detail(self.store, self.actor, self.order_id)
        except DomainError as exc:
            answer(self, self.failed, str(exc), latest_only=True)
            return
        answer(self, self.show, detail, latest_only=True)

    def failed(self, message: str) -> None:
        self.query_one("#order-head", Static).update("")
        self.query_one(Feedback).error(message)

    def width_changed(self) -> None:
        if self.detail is not None:
            self.show(self.detail)

    def show(self, d) -> None:  # noqa: ANN001 - an order_lookup.OrderDetail
        from wms_tui.domain.shipping_days import local_time, zone

        self.detail = d
        tz = zone(d.tz_name)
        narrow = not self.wide

        def when(at: datetime | None, fmt: str = "%d %b %H:%M") -> str:
            return local_time(at, tz, fmt)

        # Through the bar, which makes room for it (a name wider than 40 columns
        # allow cut the title to "wms · or…").
        self.query_one(OperatorBar).set_title(f"wms · order {d.name}")
        head = Text(d.name, style="bold")
        head.append(f"  {d.status}", style="bold reverse" if d.late else "bold")
        if d.late:
            head.append("  LATE", style="bold red")
        self.query_one("#order-head", Static).update(head)
        self.query_one("#order-where", Static).update(d.where)

        facts = Table.grid(padding=(0, 1))
        facts.add_column(style="dim", no_wrap=True)
        facts.add_column()
        contact = " · ".join(x for x in (d.customer_name, d.email, d.phone) if x)
        facts.add_row("Customer", contact)
        facts.add_row("Ship to", ", ".join(d.ship_to))
        if d.carrier_name:
            facts.add_row("Carrier", f"{d.carrier_name} · {d.service_name}".strip(" ·"))
        if d.promised:
            facts.add_row("Promised", f"ship by {d.promised:%a %d %b}")
        if d.shipped_on:
            eta = f", expected {d.expected_delivery:%a %d %b}" if d.expected_delivery else ""
            facts.add_row("Shipped", f"{d.shipped_on:%a %d %b}{eta}")
        if d.hold_reason:
            facts.add_row("Hold", d.hold_reason)
        for ln in d.lines:
            done = f"picked {ln.picked}, packed {ln.packed}" + (
                f", short {ln.short}" if ln.short else ""
            )
            facts.add_row("Line", f"{ln.quantity} × {ln.sku} {ln.name} ({done})")
        for n in d.notices:
            sent = "sent" if n.sent else "in outbox"
            facts.add_row("Notice", f"{n.kind} {when(n.at)} ({sent})")
        self.query_one("#order-facts", Static).update(facts)

        if d.parcels:
            parcels = Table(
                title="Parcels",
                title_justify="left",
                show_edge=False,
                box=None,
                expand=False,
                show_header=not narrow,
            )
            if narrow:
                parcels.add_column("Parcel")
                for p in d.parcels:
                    parcels.add_row(
                        f"{p.seq}/{p.count} {p.status} {_kg(p.weight_g)}\n"
                        f" {p.tracking_number}\n {p.sscc}"
                        + (f"\n {p.manifest_number}" if p.manifest_number else "")
                    )
            else:
                for col in ("#", "SSCC", "Tracking", "Weight", "Status", "Packed", "Loaded"):
                    parcels.add_column(col)
                for p in d.parcels:
                    parcels.add_row(
                        f"{p.seq}/{p.count}",
                        p.sscc,
                        p.tracking_number,
                        _kg(p.weight_g),
                        p.status + (f" {p.manifest_number}" if p.manifest_number else ""),
                        f"{p.packed_by} {when(p.packed_at)}".strip(),
                        when(p.loaded_at),
                    )
            self.query_one("#order-parcels", Static).update(parcels)
        else:
            self.query_one("#order-parcels", Static).update(Text("No parcels yet", style="dim"))

        tl = timeline_table(d.timeline, f"Timeline ({len(d.timeline)} steps)", narrow)
        self.query_one("#order-timeline", Static).update(tl)
