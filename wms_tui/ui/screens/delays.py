"""Delays (supervisor): orders that will miss their promised ship date, before the
customer asks, and their delay notices.

The list comes from ``services.dispatch.delays`` (late, carrier gone, cut-off passed,
backordered with no stock coming in time, behind today's pack pace); each row says
why and when it can ship now, and whether the customer has had a notice; Enter opens
the order (where it is, who did what). F2 writes
(and with SMTP set, sends) a notice to every customer on the list who has none, after
a question; the store keeps it at one notice per order. The list refreshes in a
thread worker (``r``, and after sending) so the floor's screens never wait on it.
"""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from wms_tui.domain.errors import DomainError
from wms_tui.domain.text import plural
from wms_tui.services.dispatch import delays as d
from wms_tui.ui.answers import answer
from wms_tui.ui.base import WmsScreen
from wms_tui.ui.widgets.dialogs import AskConfirm
from wms_tui.ui.widgets.feedback import Feedback
from wms_tui.ui.widgets.fixed_table import FitTable, reset

SHORT_CAUSE = {
    d.LATE: "late",
    d.CARRIER_GONE: "truck",
    d.MISSED_CUTOFF: "cut-off",
    d.BACKORDER: "stock",
    d.PACE: "pace",
}


class DelaysScreen(WmsScreen):
    TITLE_TEXT = "Delays"
    CSS_PATH = "delays.tcss"
    BINDINGS = [
        Binding("escape", "back", "Back", show=False, id="back"),
        Binding("f2", "send", "Notify", id="send"),
        Binding("r", "refresh", "Refresh", id="refresh"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.found: d.DelayList | None = None

    def compose_body(self) -> ComposeResult:
        yield Static("Looking for orders that will miss their date…", id="dly-head", markup=False)
        yield Feedback("", id="dly-fb")
        yield FitTable(id="dly-table", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        self.query_one("#dly-table", DataTable).focus()
        self.action_refresh()

    def width_changed(self) -> None:
        self.render_list()

    # -- data ------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="delays")
    def action_refresh(self) -> None:
        try:
            found = d.find_delays(self.store, self.actor)
        except DomainError as exc:
            answer(self, self._said, str(exc), False, latest_only=True)
            return
        answer(self, self._show, found, latest_only=True)

    def _show(self, found: d.DelayList) -> None:
        self.found = found
        self.render_list()

    def render_list(self) -> None:
        found = self.found
        if found is None:
            return
        waiting = len(found.to_notify)
        pace = f"{found.pace_per_hour:.0f}/h" + ("" if found.pace_measured else " planned")
        if self.wide:
            head = (
                f"{plural(len(found.orders), 'order')} late or at risk · {waiting} to notify"
                f" · pack pace {pace} · {found.day:%a %d %b} ({found.tz_name})"
            )
        else:
            head = f"{len(found.orders)} late or at risk · {waiting} to notify"
        self.query_one("#dly-head", Static).update(head)
        table = self.query_one("#dly-table", DataTable)
        row = table.cursor_row
        if self.wide:
            reset(table, [("Order", 10), ("Carrier", 9), ("Status", 13), ("Promised", 10),
                          ("Cause", 14), ("Ships", 6), ("Notice", 12), ("Why", 28)])  # fmt: skip
        else:
            reset(table, [("Order", 10), ("Why", 7), ("Ships", 6), ("Mail", 5)])
        for o in found.orders:
            ships = f"{o.new_ship_day:%a %d}" if o.new_ship_day else "stock"
            if o.noticed_at is not None:
                at = o.noticed_at
                when = f"{at:%H:%M}" if at.date() == found.day else f"{at:%d %b}"
                notice = Text(f"✓ {when}" if self.wide else "✓ sent")
            else:
                notice = Text("✗ none" if self.wide else "✗", style="bold")
            if self.wide:
                table.add_row(o.name, o.carrier, o.status.replace("_", " ").lower(),
                              f"{o.promised:%a %d %b}", o.cause, ships, notice,
                              o.why)  # fmt: skip
            else:
                table.add_row(o.name, SHORT_CAUSE[o.cause], ships, notice)
        if table.row_count:
            table.move_cursor(row=min(row, table.row_count - 1))
        elif not self.query_one("#dly-fb", Feedback).text:
            self.query_one("#dly-fb", Feedback).ok("No order will miss its promised date")

    @on(DataTable.RowSelected, "#dly-table")
    def row_selected(self, event: DataTable.RowSelected) -> None:
        """Enter on an order: where it is and who did what (the order screen)."""
        from wms_tui.ui.screens.order_detail import OrderScreen

        if self.found is not None and event.cursor_row < len(self.found.orders):
            self.app.push_screen(OrderScreen(self.found.orders[event.cursor_row].order_id))

    # -- notices -----------------------------------------------------------------

    def action_send(self) -> None:
        fb = self.query_one("#dly-fb", Feedback)
        if self.found is None:
            fb.error("Still looking: try again in a moment")
            return
        todo = self.found.to_notify
        if not todo:
            fb.error("Every order on the list has had its delay notice")
            return
        shown = 30 if self.wide else 6  # a handheld keeps the dialog's hint in view
        body = [
            f"{o.name}: {o.why}" if self.wide else f"{o.name} {SHORT_CAUSE[o.cause]}"
            for o in todo[:shown]
        ]
        if len(todo) > shown:
            body.append(f"… and {len(todo) - shown} more")

        def answered(yes: bool | None) -> None:
            if yes:
                self._send([o.name for o in todo])

        title = f"E-mail a delay notice to {plural(len(todo), 'customer')}?"
        self.app.push_screen(AskConfirm(title, body), answered)

    @work(thread=True, exclusive=True, group="delay-send")
    def _send(self, names: list[str]) -> None:
        try:
            run = d.send_delay_notices(self.store, self.actor, names)
        except DomainError as exc:
            answer(self, self._said, str(exc), False)
            return
        msg = f"{plural(len(run.written), 'delay notice')} written" + (
            f", {run.sent} sent" if run.smtp else " to the outbox (SMTP not set)"
        )
        if run.problems:
            msg += f"; {plural(len(run.problems), 'problem')}: {run.problems[0]}"
        answer(self, self._sent, msg, not run.problems)

    def _said(self, message: str, ok: bool) -> None:
        fb = self.query_one("#dly-fb", Feedback)
        (fb.ok if ok else fb.error)(message)

    def _sent(self, message: str, ok: bool) -> None:
        self._said(message, ok)
        # The list follows: the notified orders leave it. Started here, on the app's
        # thread, not from the sending worker.
        self.action_refresh()
