"""Hand-over at the dispatch zone: scan every parcel onto its courier's truck.

1. Choose the carrier: scan or type its code, or move the list with ↑/↓ from
   the scan field and press Enter on an empty scan.
2. Scan each parcel's SSCC or tracking number as it goes on the truck. A
   parcel of another carrier, one already loaded, or one whose order was
   cancelled after packing rings the bell and says what to do.
3. The list shows what is packed but not loaded yet (cancelled ones first:
   they must come out). F4 shows what is on the truck instead.
4. F10 closes the carrier's day: a confirmation lists what stays behind,
   then the manifest PDF/CSV is written and the orders are DISPATCHED.

F8 takes the next scanned parcel off the truck. Scanning the manifest's own
barcode (printed on the sheet) closes it, or reprints it once closed (F6).
"""

from __future__ import annotations

from datetime import UTC
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from wms_tui.ui.answers import answer
from wms_tui.ui.base import FloorScreen
from wms_tui.ui.screens.handover_close import ManifestClose
from wms_tui.ui.screens.handover_text import dock_head, list_titles, parcel_option
from wms_tui.ui.widgets.scan_panel import ScanPanel

if TYPE_CHECKING:
    from wms_tui.services.dispatch.dock import DockStatus

REFRESH_SECONDS = 5.0


class HandoverScreen(ManifestClose, FloorScreen):
    TITLE_TEXT = "Hand-over"
    WIDE = 90  # waiting and loaded side by side
    CSS_PATH = "handover.tcss"
    BINDINGS = [
        # Esc works everywhere; the handheld footer keeps its 40 columns for F-keys.
        Binding("escape", "back", "Back", show=False, id="back"),
        Binding("f10", "close_out", "Close", id="close-out"),
        Binding("f8", "take_out", "Take out", id="take-out"),
        Binding("f4", "toggle_list", "List", id="toggle-list"),
        Binding("f2", "choose_carrier", "Carrier", id="carrier"),
        Binding("f6", "reprint", "Reprint", id="reprint"),
        Binding("up", "move(-1)", "Up", show=False, id="up"),
        Binding("down", "move(1)", "Down", show=False, id="down"),
    ]

    def __init__(self, carrier: str | None = None) -> None:
        super().__init__()
        self.carrier: str | None = carrier
        self.dock: DockStatus | None = None
        self.taking_out = False
        self.show_loaded = False
        self.busy = False

    # -- layout ----------------------------------------------------------------

    def compose_body(self) -> ComposeResult:
        yield Static("", id="ho-head", markup=False)
        yield ScanPanel("ho", placeholder="SSCC or tracking")
        with Horizontal(id="ho-lists"):
            with Vertical(classes="ho-col", id="ho-col-waiting"):
                yield Static("", classes="ho-title", id="ho-t-waiting", markup=False)
                yield OptionList(id="ho-waiting", compact=True)
            with Vertical(classes="ho-col", id="ho-col-loaded"):
                yield Static("", classes="ho-title", id="ho-t-loaded", markup=False)
                yield OptionList(id="ho-loaded", compact=True)

    def on_mount(self) -> None:
        self._layout()
        self.focus_scan()
        if self.carrier:
            self._scan_parcels()
            self.reload()
        else:
            self.action_choose_carrier()
        self.set_interval(REFRESH_SECONDS, self._tick, name="handover-refresh")

    def width_changed(self) -> None:
        self._layout()
        self.refresh_bindings()
        if self.dock is not None:
            self._show(self.dock)

    @property
    def narrow(self) -> bool:
        return not self.wide

    def _layout(self) -> None:
        """Wide: waiting and loaded side by side. Narrow: one of them (F4 switches)."""
        waiting = self.query_one("#ho-col-waiting")
        loaded = self.query_one("#ho-col-loaded")
        self.set_class(self.narrow, "narrow")
        if self.carrier is None:  # the carrier list uses the waiting column
            waiting.display, loaded.display = True, False
        elif self.narrow:
            waiting.display, loaded.display = not self.show_loaded, self.show_loaded
        else:
            waiting.display = loaded.display = True

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Show only the keys that do something now (a 40-column footer has no room)."""
        if action in ("close_out", "take_out", "toggle_list", "reprint") and self.carrier is None:
            return False
        if action == "toggle_list" and not self.narrow:
            return False
        if action == "reprint" and not (self.dock and self.dock.closed):
            return False
        # F10 on a closed day stays: it says why nothing happens and how to reprint.
        return not (action == "take_out" and self.dock and self.dock.closed)

    # -- carrier ---------------------------------------------------------------

    def action_choose_carrier(self) -> None:
        from wms_tui.services.dispatch.dock import carrier_choices

        self.carrier, self.dock, self.taking_out = None, None, False
        self.remove_class("take-out")
        self.refresh_bindings()
        self._layout()
        scan = self.scan_field
        # The last truck's error ("manifest … is closed — goes tomorrow") is not
        # about the carrier list.
        self.feedback.clear()
        self.prompt("Scan or type the carrier code")
        scan.placeholder = "carrier code, e.g. POSTNORD"
        self.query_one("#ho-head", Static).update(
            Text("Which truck? ↑↓ and Enter pick one", style="bold")
        )
        self.query_one("#ho-t-waiting", Static).update("Carriers (packed waiting · loaded)")
        olist = self.query_one("#ho-waiting", OptionList)
        olist.clear_options()
        for c in carrier_choices(self.store):
            status = {"CLOSED": " · closed", "OPEN": ""}.get(c.manifest_status, "")
            olist.add_option(
                Option(
                    Text.assemble(
                        (f"{c.code:<9}", "bold"),
                        f" {c.waiting} waiting · {c.loaded} loaded{status}",
                    ),
                    id=f"carrier:{c.code}",
                )
            )
        if olist.option_count:
            olist.highlighted = 0
        scan.focus()

    def _select_carrier(self, code: str) -> None:
        from wms_tui.domain.errors import DomainError
        from wms_tui.services.dispatch.dock import status_for

        try:
            dock = status_for(self.store, code)
        except DomainError as exc:
            self.feedback.error(str(exc))
            return
        self.carrier = dock.carrier_code
        self._scan_parcels()
        self.feedback.info(f"Loading {dock.carrier_name}: scan each parcel")
        self._layout()
        self._show(dock)
        self.focus_scan()

    def _scan_parcels(self) -> None:
        self.prompt("Scan each parcel onto the truck")
        self.scan_field.placeholder = "SSCC or tracking"

    @on(OptionList.OptionSelected, "#ho-waiting")
    def picked(self, event: OptionList.OptionSelected) -> None:
        if event.option.id and event.option.id.startswith("carrier:"):
            self._select_carrier(event.option.id.split(":", 1)[1])
        else:
            self.focus_scan()

    def _highlighted_carrier(self) -> str | None:
        olist = self.query_one("#ho-waiting", OptionList)
        if olist.highlighted is None:
            return None
        option_id = olist.get_option_at_index(olist.highlighted).id or ""
        return option_id.removeprefix("carrier:") if option_id.startswith("carrier:") else None

    def action_move(self, step: int) -> None:
        """↑/↓ from the scan field move the carrier list; Enter on an empty scan takes it."""
        if self.carrier is None:
            olist = self.query_one("#ho-waiting", OptionList)
            if step > 0:
                olist.action_cursor_down()
            else:
                olist.action_cursor_up()

    # -- scanning ----------------------------------------------------------------

    @on(Input.Submitted, "#ho-scan")
    def scanned(self, event: Input.Submitted) -> None:
        from wms_tui.domain.errors import DomainError
        from wms_tui.services.dispatch import handover

        code = event.value.strip()
        fb = self.feedback
        if self.carrier is None:
            highlighted = self._highlighted_carrier()
            if not code and highlighted is None:
                fb.error("Scan or type the carrier's code, e.g. POSTNORD")
                return
            self._select_carrier(code or highlighted)
            return
        if self.busy:
            fb.error("Closing the manifest: wait a moment")
            return
        if self.dock and code.upper() == self.dock.manifest_number.upper():
            self.action_reprint() if self.dock.closed else self.action_close_out()
            return
        try:
            if self.taking_out:
                out = handover.take_out(self.store, self.actor, self.carrier, code)
                self._end_take_out()
                if out.voided:
                    fb.ok(f"{out.parcel.label} voided: unpack it and restock the goods")
                else:
                    fb.ok(f"{out.parcel.label} taken off the truck: it waits as packed")
            else:
                r = handover.load_parcel(self.store, self.actor, self.carrier, code)
                more = "order complete" if r.order_complete else "more parcels of this order"
                fb.ok(f"{r.parcel.label} loaded · {r.loaded} on truck · {r.waiting} left · {more}")
        except DomainError as exc:
            fb.error(str(exc))
        self.reload()

    def action_take_out(self) -> None:
        if self.carrier is None:
            return
        self.taking_out = not self.taking_out
        if not self.taking_out:
            self._end_take_out()
            self.feedback.info("Back to loading")
            return
        self.add_class("take-out")
        self.prompt("Scan the parcel to TAKE OUT")
        self.feedback.info("Take out: scan the parcel to take off (F8 = cancel)")

    def _end_take_out(self) -> None:
        self.taking_out = False
        self.remove_class("take-out")
        self._scan_parcels()

    def action_toggle_list(self) -> None:
        if self.carrier is None:
            return
        self.show_loaded = not self.show_loaded
        self._layout()

    # -- showing the dock ----------------------------------------------------------

    def _tick(self) -> None:
        if self.carrier is not None and not self.busy:
            self.reload()

    @work(thread=True, exclusive=True, group="handover-status")
    def reload(self) -> None:
        from wms_tui.domain.errors import DomainError
        from wms_tui.services.dispatch.dock import status_for

        carrier = self.carrier
        if carrier is None:
            return
        try:
            dock = status_for(self.store, carrier)
        except DomainError as exc:
            answer(self, self._error, str(exc), latest_only=True)
            return
        answer(self, self._show_if_current, carrier, dock, latest_only=True)

    def _error(self, message: str) -> None:
        self.feedback.error(message)

    def _show_if_current(self, carrier: str, dock: DockStatus) -> None:
        # answer() dropped it if Escape took the screen away meanwhile.
        if carrier == self.carrier:
            self._show(dock)

    def _show(self, dock: DockStatus) -> None:
        self.dock = dock
        self.refresh_bindings()
        # After the close every parcel scanned here is refused ("goes tomorrow"):
        # the prompt asking to load the truck had sent the loader round in circles.
        if dock.closed:
            self.prompt("Truck has left: F2 another carrier")
        else:
            self._scan_parcels()
        narrow = self.narrow
        self.query_one("#ho-head", Static).update(dock_head(dock, narrow))
        waiting_title, loaded_title = list_titles(dock, narrow)
        self.query_one("#ho-t-waiting", Static).update(waiting_title)
        self.query_one("#ho-t-loaded", Static).update(loaded_title)
        # The app read the warehouse's zone when it opened the store: the list
        # and the operator bar keep one clock, and a redraw opens no session.
        tz = self.wms.warehouse_tz or UTC
        waiting = [parcel_option(p, narrow, tz, pull=True) for p in dock.pull]
        waiting += [parcel_option(p, narrow, tz) for p in dock.waiting]
        self._fill(self.query_one("#ho-waiting", OptionList), waiting, "Nothing left to load")
        loaded = [parcel_option(p, narrow, tz, loaded=True) for p in dock.loaded]
        self._fill(self.query_one("#ho-loaded", OptionList), loaded, "Nothing on the truck yet")

    @staticmethod
    def _fill(olist: OptionList, options: list[Option], empty: str) -> None:
        keep = olist.highlighted
        olist.clear_options()
        if not options:
            olist.add_option(Option(Text(empty, style="dim"), disabled=True))
            return
        olist.add_options(options)
        if keep is not None:
            olist.highlighted = min(keep, len(options) - 1)
