"""Order lookup: "where is my order?" for everyone on the floor and on the phone.

Type or scan anything that identifies an order: its number, the customer's
name, e-mail or phone, a tracking number, or the SSCC from a parcel label.
One hit opens the order at once; several are listed (Enter opens one).
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option

from wms_tui.domain.enums import Role
from wms_tui.ui.base import FloorScreen
from wms_tui.ui.widgets.scan_panel import ScanPanel


class LookupScreen(FloorScreen):
    TITLE_TEXT = "Order lookup"
    WIDE = 80  # a hit on one line
    CSS_PATH = "lookup.tcss"
    BINDINGS = [
        Binding("escape", "back", "Back", id="back"),
        Binding("f2", "focus_search", "Search", id="search"),
        Binding("f4", "trace", "Trace", id="trace"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.hits: list = []

    def compose_body(self) -> ComposeResult:
        yield ScanPanel("lookup", placeholder="order, name, e-mail, phone, tracking, SSCC")
        yield OptionList(id="lookup-hits", compact=True)

    def on_mount(self) -> None:
        self.prompt("Scan a parcel label, or type + Enter")
        self.focus_scan()

    def action_focus_search(self) -> None:
        self.focus_scan()

    @on(Input.Submitted, "#lookup-scan")
    def search(self, event: Input.Submitted) -> None:
        from wms_tui.domain.errors import DomainError
        from wms_tui.services.lookup.order_search import find

        fb = self.feedback
        hits_list = self.query_one("#lookup-hits", OptionList)
        try:
            hits = find(self.store, self.actor, event.value)
        except DomainError as exc:
            fb.error(str(exc))
            return
        self.hits = hits
        hits_list.clear_options()
        if not hits:
            fb.error(f"No order matches {event.value!r}")
            return
        self.prompt("Enter opens it · F2 searches again")
        wide = self.wide
        hits_list.add_options(Option(self._prompt(h, wide), id=str(h.order_id)) for h in hits)
        if len(hits) == 1:
            fb.ok(f"{hits[0].name}: matched {hits[0].matched}")
            self.open(hits[0].order_id)
            return
        fb.info(f"{len(hits)} orders match; pick one")
        hits_list.highlighted = 0
        hits_list.focus()

    @staticmethod
    def _prompt(h, wide: bool) -> Text:  # noqa: ANN001 - an OrderHit
        t = Text.assemble((h.name, "bold"), "  ", h.customer_name or "—")
        if wide:
            t.append(f"  {h.status}  {h.carrier_code}  ")
            t.append(f"{h.email}  {h.tracking}  ({h.matched})", style="dim")
        else:
            t.append(f"\n  {h.status} {h.carrier_code}", style="")
            t.append(f"  ({h.matched})", style="dim")
        return t

    @on(OptionList.OptionSelected, "#lookup-hits")
    def selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.open(int(event.option.id))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The trace key only for those it serves (a picker's was always refused)."""
        if action == "trace":
            actor = self.wms.actor  # None while the terminal logs out
            return actor is not None and actor.has(Role.SUPERVISOR)
        return True

    def action_trace(self) -> None:
        """The highlighted hit's trace, or the trace of what is typed (supervisors)."""
        from wms_tui.ui.screens.trace import TraceScreen

        hits_list = self.query_one("#lookup-hits", OptionList)
        code = self.scan_field.value.strip()
        if self.hits and hits_list.highlighted is not None:
            code = self.hits[hits_list.highlighted].name
        self.app.push_screen(TraceScreen(code))

    def open(self, order_id: int) -> None:
        from wms_tui.ui.screens.order_detail import OrderScreen

        self.app.push_screen(OrderScreen(order_id))
