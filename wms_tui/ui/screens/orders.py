"""Orders (supervisor): the queue by urgency; hold, release, cancel, prioritise, split.

The search field keeps the focus, so a scanner can be used at any time: scan or
type an order number, customer, SKU or status and press Enter. A search with one
hit opens it; Enter again (search unchanged) opens the highlighted order.
Up/Down/PageUp/PageDown move in the list. Actions are on function keys, so
typing never triggers one:

    F2 hold (asks for a reason)   F3 release now      F4 cancel (asks first)
    F5 priority up   F6 down      F7 split shortages  F8 next status filter

At 40 columns the list shows order, status, due and units; from 80 columns it
adds customer, service, age, priority and why the order waits.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import DataTable, Input, Static
from textual.widgets.data_table import RowDoesNotExist

from wms_tui.domain.text import plural
from wms_tui.ui.answers import answer
from wms_tui.ui.base import WmsScreen
from wms_tui.ui.screens.order_styles import STATUS_STYLE, WIDE
from wms_tui.ui.screens.order_work import OrderWorkScreen
from wms_tui.ui.widgets.dialogs import AskConfirm, AskText, reason_text
from wms_tui.ui.widgets.feedback import Feedback
from wms_tui.ui.widgets.fixed_table import FitTable
from wms_tui.ui.widgets.scan_input import BatchedInput

REFRESH_SECONDS = 30


def _status_text(row) -> Text:
    return Text(row.short_status, style=STATUS_STYLE.get(row.status, ""))


def _due_text(text: str, late: bool) -> Text:
    return Text(text, style="bold red" if late else "")


def _move_to(table: DataTable, order_id: int) -> None:
    # An order that left this view (filtered out, finished) leaves the cursor alone.
    with contextlib.suppress(RowDoesNotExist):
        table.move_cursor(row=table.get_row_index(str(order_id)))


def _prio(value: int) -> str:
    return f"{value:+d}" if value else ""


class OrdersScreen(WmsScreen):
    TITLE_TEXT = "Orders"
    WIDE = WIDE
    CSS_PATH = "orders.tcss"
    BINDINGS = [
        Binding("escape", "back", "Back", id="back"),
        Binding("f2", "hold", "Hold", id="orders-hold"),
        Binding("f3", "release", "Release", id="orders-release"),
        Binding("f4", "cancel", "Cancel", id="orders-cancel"),
        Binding("f5", "priority(1)", "Prio+", id="orders-prio-up"),
        Binding("f6", "priority(-1)", "Prio-", id="orders-prio-down"),
        Binding("f7", "split", "Split", id="orders-split"),
        Binding("f8", "next_filter", "Filter", id="orders-filter"),
        Binding("down", "move(1)", "Down", show=False, priority=True, id="orders-down"),
        Binding("up", "move(-1)", "Up", show=False, priority=True, id="orders-up"),
        Binding("pagedown", "move(8)", "Page down", show=False, priority=True, id="orders-pgdn"),
        Binding("pageup", "move(-8)", "Page up", show=False, priority=True, id="orders-pgup"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.query_text = ""
        self.filter_index = 0
        self.page = None
        self._keep_id: int | None = None
        self._open_single = False

    # -- layout ------------------------------------------------------------------

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="ord-top"):
            yield BatchedInput(
                placeholder="order, customer, SKU, status",
                compact=True,
                id="ord-search",
                select_on_focus=False,
            )
            yield Static("", id="ord-filter", markup=False)
        yield FitTable(id="ord-table", cursor_type="row", zebra_stripes=True)
        yield Feedback("", id="ord-feedback")

    def on_mount(self) -> None:
        self.query_one("#ord-search", Input).focus()
        self._set_columns(self.size.width)
        self.reload()
        self.set_interval(REFRESH_SECONDS, self.reload, name="orders-refresh")

    def fit_width(self, width: int) -> None:
        # Why an order waits takes the width the other columns leave.
        self._set_columns(width)
        if self.page is not None:
            self._fill(self.page, self._selected_id())

    def _set_columns(self, width: int) -> None:
        self.fitted_to(width)
        table = self.query_one("#ord-table", DataTable)
        table.clear(columns=True)
        if self.wide:
            columns = [
                ("Order", 10),
                ("Customer", 16),
                ("Status", 8),
                ("Qty", 4),
                ("Service", 21),
                ("Due", 11),
                ("Age", 5),
                ("P", 2),
            ]
        else:
            # "no stock" whole: "backord" was not a word a worker reads.
            columns = [("Order", 9), ("Status", 8), ("Due", 5), ("Qty", 3), ("P", 2)]
        for label, w in columns:
            table.add_column(label, width=w, key=label)
        if self.wide:
            # The reason an order waits gets what is left (cell padding 2, scrollbar 2).
            used = sum(w + 2 for _, w in columns) + 4
            table.add_column("Waiting for", width=max(12, width - used), key="note")

    # -- data ----------------------------------------------------------------------

    @property
    def status_filter(self) -> str | None:
        from wms_tui.services.intake.order_queries import FILTERS

        return FILTERS[self.filter_index % len(FILTERS)]

    def reload(self, keep_id: int | None = None) -> None:
        self._keep_id = keep_id if keep_id is not None else self._selected_id()
        self._load(self.query_text, self.status_filter)

    @work(thread=True, exclusive=True, group="orders-load")
    def _load(self, text: str, status: str | None) -> None:
        from wms_tui.services.intake.order_queries import list_orders

        page = list_orders(self.store, text, status)
        answer(self, self._loaded, page, latest_only=True)

    def _loaded(self, page) -> None:
        self.page = page
        self._fill(page, self._keep_id)
        if self._open_single:
            self._open_single = False
            if len(page.rows) == 1:
                self.open_detail(page.rows[0].id)
            elif not page.rows:
                self.query_one(Feedback).error(f"No order matches '{page.text}'")

    def _fill(self, page, keep_id: int | None) -> None:
        from wms_tui.services.intake.order_queries import filter_label

        table = self.query_one("#ord-table", DataTable)
        table.clear()
        for r in page.rows:
            if self.wide:
                service = Text(r.service or "—", style="bold" if r.express else "")
                if r.express:
                    service.append(" ⚡")
                table.add_row(
                    r.name,
                    r.customer,
                    _status_text(r),
                    str(r.units),
                    service,
                    _due_text(r.due, r.late),
                    r.age,
                    _prio(r.priority),
                    Text(r.note, style="yellow" if r.status == "ON_HOLD" else ""),
                    key=str(r.id),
                )
            else:
                table.add_row(
                    r.name,
                    _status_text(r),
                    _due_text(r.due_short, r.late),
                    str(r.units),
                    _prio(r.priority),
                    key=str(r.id),
                )
        shown = len(page.rows)
        count = f"{shown}" if shown == page.total else f"{shown}/{page.total}"
        label = filter_label(page.filter)
        self.query_one("#ord-filter", Static).update(
            f"F8 {label} · {count}" if self.wide else f"F8 {label}·{count}"
        )
        if keep_id is not None:
            _move_to(table, keep_id)

    def _selected_id(self) -> int | None:
        table = self.query_one("#ord-table", DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        return int(key.value) if key.value is not None else None

    def _selected_row(self):
        oid = self._selected_id()
        if self.page is None or oid is None:
            return None
        return next((r for r in self.page.rows if r.id == oid), None)

    # -- input ---------------------------------------------------------------------

    @on(Input.Submitted, "#ord-search")
    def search(self, event: Input.Submitted) -> None:
        from wms_tui.domain.scans import clean_scan

        text = clean_scan(event.value)
        if text != event.value:
            event.input.value = text
        self.query_one(Feedback).clear()
        if text == self.query_text and self.page is not None:
            row = self._selected_row()
            if row is None:
                self.query_one(Feedback).error("No order here: change the search or filter")
            else:
                self.open_detail(row.id)
            return
        self.query_text = text
        self._open_single = bool(text)
        self.reload(keep_id=None)

    def action_move(self, delta: int) -> None:
        table = self.query_one("#ord-table", DataTable)
        if table.row_count:
            row = max(0, min(table.row_count - 1, table.cursor_row + delta))
            table.move_cursor(row=row)

    def action_next_filter(self) -> None:
        self.filter_index += 1
        self.reload(keep_id=None)

    # -- actions -------------------------------------------------------------------

    def _target(self):
        row = self._selected_row()
        if row is None:
            self.query_one(Feedback).error("No order selected")
        return row

    def _run(self, call: Callable[[], str], order_id: int) -> None:
        from wms_tui.domain.errors import DomainError

        try:
            message = call()
        except DomainError as exc:
            self.query_one(Feedback).error(str(exc))
            return
        self.query_one(Feedback).ok(message)
        self.reload(keep_id=order_id)

    def action_hold(self) -> None:
        row = self._target()
        if row is None:
            return
        from wms_tui.services.intake import order_admin

        def done(reason: str | None) -> None:
            if reason is None:
                self.query_one(Feedback).info(f"{row.name}: hold not changed")
                return
            self._run(
                lambda: order_admin.hold_order(self.store, self.actor, row.id, reason), row.id
            )

        self.app.push_screen(
            AskText(
                f"Hold {row.name}: why?",
                placeholder="reason",
                hint="e.g. address check, customer called, stock check",
                validate=reason_text,
            ),
            done,
        )

    def action_release(self) -> None:
        row = self._target()
        if row is not None:
            from wms_tui.services.intake import order_admin

            self._run(lambda: order_admin.release_order(self.store, self.actor, row.id), row.id)

    def action_cancel(self) -> None:
        row = self._target()
        if row is None:
            return
        from wms_tui.services.intake import order_admin

        def done(yes: bool | None) -> None:
            if not yes:
                self.query_one(Feedback).info(f"{row.name} not cancelled")
                return
            self._run(lambda: order_admin.cancel_order(self.store, self.actor, row.id), row.id)

        detail = f"{row.customer} · {plural(row.units, 'unit')} · {row.short_status}"
        if row.status in ("PICKING", "PICKED", "PACKING", "PACKED"):
            detail += "\nIt is already in the building's flow: someone must stop it."
        self.app.push_screen(AskConfirm(f"Cancel {row.name}?", detail.split("\n")), done)

    def action_priority(self, delta: int) -> None:
        row = self._target()
        if row is not None:
            from wms_tui.services.intake import order_admin

            self._run(
                lambda: order_admin.change_priority(self.store, self.actor, row.id, delta), row.id
            )

    def action_split(self) -> None:
        row = self._target()
        if row is None:
            return
        from wms_tui.services.intake import order_admin

        def done(yes: bool | None) -> None:
            if yes:
                self._run(lambda: order_admin.split_order(self.store, self.actor, row.id), row.id)
            else:
                self.query_one(Feedback).info(f"{row.name} not split")

        self.app.push_screen(
            AskConfirm(
                f"Split {row.name}?",
                ["Ship what is in stock now; the rest waits as a backorder."],
            ),
            done,
        )

    # -- detail --------------------------------------------------------------------

    def open_detail(self, order_id: int) -> None:
        from wms_tui.domain.errors import DomainError
        from wms_tui.services.intake.order_work_view import order_work_view

        try:
            detail = order_work_view(self.store, order_id)
        except DomainError as exc:
            self.query_one(Feedback).error(str(exc))
            self.reload()
            return
        _move_to(self.query_one("#ord-table", DataTable), order_id)

        def done(action: str | None) -> None:
            if action is None:
                return
            if action == "prio_up":
                self.action_priority(1)
            elif action == "prio_down":
                self.action_priority(-1)
            else:
                getattr(self, f"action_{action}")()

        self.app.push_screen(OrderWorkScreen(detail), done)
