"""Exceptions inbox (supervisor): everything waiting on a decision, and the key that makes it.

The list is most urgent first, then newest (``services.exceptions.inbox``).
Under it, the highlighted exception in full: its cause, what it concerns, who
raised it where, and the actions that resolve it now, each on a function key
so nothing typed can trigger one:

    F2 retry allocation   F3 release what is in stock   F4 cancel (asks a reason)
    F5 count the bin      F6 put units back             F7 acknowledge (asks a note)
    F9 approve (ship an order held for payment)         F10 free a paused task
    F11 request a re-pick (short-shipped units)         F12 unpack and restock a stopped parcel

Only the keys of the highlighted exception's actions work and show in the
footer. An action that would only be refused is not offered: the last line
says why ("No re-pick: 0 MUG-BLU free, 1 needed"), or names the work on
another screen that comes first ("Dock: take parcel … off the truck
(Hand-over F8)"). Every action is one service call; its answer is the feedback line, and
the list reloads (an exception its work closed leaves it). The list also
reloads every 30 s and when the screen comes back from a count.
"""

from __future__ import annotations

import contextlib

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static
from textual.widgets.data_table import RowDoesNotExist

from wms_tui.domain.clock import utcnow
from wms_tui.domain.errors import DomainError
from wms_tui.services.exceptions.actions import MAX_NOTE
from wms_tui.services.exceptions.inbox import KIND_LABELS, Action, InboxItem
from wms_tui.ui.answers import answer, tell
from wms_tui.ui.base import WmsScreen
from wms_tui.ui.widgets.dialogs import AskText
from wms_tui.ui.widgets.feedback import Feedback
from wms_tui.ui.widgets.fixed_table import FitTable

WIDE = 80
REFRESH_SECONDS = 30
KEYS: dict[Action, str] = {
    Action.RETRY: "f2",
    Action.RELEASE: "f3",
    Action.CANCEL: "f4",
    Action.COUNT: "f5",
    Action.PUT_BACK: "f6",
    Action.ACKNOWLEDGE: "f7",
    Action.APPROVE: "f9",
    Action.FREE_TASK: "f10",
    Action.REPICK: "f11",
    Action.RESTOCK: "f12",
    Action.SHIP_SHORT: "f1",
}
SHORT: dict[Action, str] = {
    Action.RETRY: "Retry",
    Action.RELEASE: "Release",
    Action.CANCEL: "Cancel",
    Action.COUNT: "Count",
    Action.PUT_BACK: "Put back",
    Action.ACKNOWLEDGE: "Ack",
    Action.APPROVE: "Approve",
    Action.FREE_TASK: "Free task",
    Action.REPICK: "Re-pick",
    Action.RESTOCK: "Restock",
    Action.SHIP_SHORT: "Ship short",
}
KIND_WIDTH = max(len(label) for label in KIND_LABELS.values())
URGENT_KINDS = {"QC_FAIL", "NOTHING_TO_SHIP", "MISSING_UNIT", "SHORT_PICK"}


def age(item: InboxItem) -> str:
    minutes = max(0, int((utcnow() - item.at).total_seconds() // 60))
    if minutes < 60:
        return f"{minutes}m"
    if minutes < 48 * 60:
        return f"{minutes // 60}h"
    return f"{minutes // (24 * 60)}d"


def keys_text(item: InboxItem) -> str:
    return " ".join(f"{KEYS[a].upper()} {SHORT[a]}" for a in KEYS if a in item.actions)


def last_line(item: InboxItem) -> str:
    """The keys that resolve it; else the work on another screen that does; and why an
    action one would look for is not offered (a re-pick the bins cannot cover)."""
    # The work elsewhere is why its action is not offered: said once.
    shown = [p for p in (keys_text(item), item.elsewhere or item.withheld) if p]
    return " · ".join(shown) or "closes by itself when its work is done"


def _one_line(what: str):
    def check(text: str) -> str:
        value = " ".join(text.split())
        if not value:
            raise DomainError(f"Type {what}, or Esc to go back")
        if len(value) > MAX_NOTE:
            raise DomainError(f"Keep it under {MAX_NOTE} characters")
        return value

    return check


class ExceptionsScreen(WmsScreen):
    TITLE_TEXT = "Exceptions"
    WIDE = WIDE
    CSS_PATH = "exceptions.tcss"
    BINDINGS = [
        # Esc works everywhere; the footer's room goes to the actions.
        Binding("escape", "back", "Back", show=False, id="back"),
        *(Binding(KEYS[a], f"act('{a.value}')", SHORT[a], id=f"exc-{a.value}") for a in KEYS),
        Binding("f8", "reload", "Refresh", id="exc-refresh"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.items: list[InboxItem] = []
        self._busy = False

    def compose_body(self) -> ComposeResult:
        yield Static("Loading…", id="exc-head", markup=False)
        yield FitTable(id="exc-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="exc-detail", markup=False)
        yield Feedback("", id="exc-feedback")

    def on_mount(self) -> None:
        self.table.focus()
        self._set_columns(self.size.width or self.app.size.width)
        self.reload()
        self.set_interval(REFRESH_SECONDS, self.reload, name="exceptions-refresh")

    def on_screen_resume(self) -> None:
        self.reload()

    def fit_width(self, width: int) -> None:
        # The cause takes the width the other columns leave.
        self._set_columns(width)
        self._fill(self._selected_id())

    @property
    def table(self) -> DataTable:
        return self.query_one("#exc-table", DataTable)

    @property
    def feedback(self) -> Feedback:
        return self.query_one("#exc-feedback", Feedback)

    # -- layout --------------------------------------------------------------------

    def _set_columns(self, width: int) -> None:
        self.fitted_to(width)
        table = self.table
        table.clear(columns=True)
        if self.wide:
            columns = [("Kind", 15), ("Concerns", 18), ("Age", 4), ("Raised by", 16)]
        else:
            # 40 columns: what, about what, how old; the rest is in the detail lines.
            # Kind is as wide as its longest label ("Nothing to ship"): "Missing un…"
            # told a supervisor nothing.
            columns = [("Kind", KIND_WIDTH), ("Concerns", 14), ("Age", 3)]
        for label, w in columns:
            table.add_column(label, width=w, key=label)
        if self.wide:
            used = sum(w + 2 for _, w in columns) + 4
            table.add_column("Cause", width=max(12, width - used), key="cause")

    # -- data ----------------------------------------------------------------------

    def action_reload(self) -> None:
        self.reload()

    def reload(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, group="exceptions-load")
    def _load(self) -> None:
        from wms_tui.services.exceptions.inbox import open_exceptions

        try:
            items = open_exceptions(self.store, self.actor)
        except DomainError as exc:
            tell(self, str(exc), latest_only=True)
            return
        answer(self, self._loaded, items, latest_only=True)

    def _loaded(self, items: list[InboxItem]) -> None:
        keep = self._selected_id()
        self.items = items
        self._fill(keep)

    def _fill(self, keep_id: int | None) -> None:
        table = self.table
        table.clear()
        for item in self.items:
            style = "bold" if item.kind in URGENT_KINDS else ""
            cells: list[Text | str] = [
                Text(item.kind_label, style=style),
                Text((item.concerns if self.wide else item.first_concern) or "—"),
                age(item),
            ]
            if self.wide:
                who = item.raised_by + (f" @{item.terminal}" if item.terminal else "")
                cells += [Text(who), Text(item.cause)]
            table.add_row(*cells, key=str(item.id))
        n = len(self.items)
        head = "No open exceptions" if not n else f"{n} open exception{'s' if n != 1 else ''}"
        self.query_one("#exc-head", Static).update(head)
        if keep_id is not None:
            with contextlib.suppress(RowDoesNotExist):
                table.move_cursor(row=table.get_row_index(str(keep_id)))
        self._show_detail()

    def _selected_id(self) -> int | None:
        item = self.selected
        return item.id if item is not None else None

    @property
    def selected(self) -> InboxItem | None:
        table = self.table
        if not self.items or table.row_count == 0:
            return None
        row = table.cursor_row
        if 0 <= row < len(self.items):
            return self.items[row]
        return None

    @on(DataTable.RowHighlighted, "#exc-table")
    def _highlighted(self, _event: DataTable.RowHighlighted) -> None:
        self._show_detail()

    def _show_detail(self) -> None:
        item = self.selected
        detail = self.query_one("#exc-detail", Static)
        if item is None:
            detail.update("Nothing waits on a decision." if not self.items else "")
        else:
            who = item.raised_by + (f" at {item.terminal}" if item.terminal else "")
            # The order's status beside the order: after "#D1068 · QUAR-1" it read as the
            # bin's ("QUAR-1 (picking)").
            status = f" ({item.order_status})" if item.order_status and item.order else ""
            about = " · ".join(
                p for p in (item.order + status, item.bin, item.delivery, item.task) if p
            )
            text = Text()
            text.append(item.cause, style="bold")
            text.append("\n" + " · ".join(p for p in (about, who) if p))
            text.append(f"\n{last_line(item)}")
            detail.update(text)
        self.refresh_bindings()

    # -- actions -------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "act":
            item = self.selected
            return item is not None and Action(str(parameters[0])) in item.actions
        return True

    def action_act(self, name: str) -> None:
        item = self.selected
        action = Action(name)
        if item is None or action not in item.actions or self._busy:
            return
        if action is Action.COUNT:
            from wms_tui.ui.screens.cycle_count import CycleCountScreen

            self.app.push_screen(CycleCountScreen(bin_code=item.bin))
            return
        if action is Action.CANCEL:
            self.app.push_screen(
                AskText(
                    f"Cancel {item.order}: why?",
                    placeholder="reason",
                    hint="Goes into the log · Esc: back",
                    validate=_one_line("a reason"),
                ),
                lambda reason: self._run(item, action, reason) if reason else None,
            )
            return
        if action is Action.ACKNOWLEDGE:
            self.app.push_screen(
                AskText(
                    f"{item.kind_label}: what was done?",
                    placeholder="note",
                    hint="Closes the exception · Esc: back",
                    validate=_one_line("a note"),
                ),
                lambda note: self._run(item, action, note) if note else None,
            )
            return
        self._run(item, action, "")

    def _run(self, item: InboxItem, action: Action, note: str) -> None:
        self._busy = True
        self._resolve(item.id, action, note)

    @work(thread=True, exclusive=True, group="exceptions-act")
    def _resolve(self, exception_id: int, action: Action, note: str) -> None:
        from wms_tui.services.exceptions.actions import resolve

        try:
            result = resolve(self.store, self.actor, exception_id, action, note=note)
        except DomainError as exc:
            answer(self, self._done, str(exc), False)
            return
        answer(self, self._done, result.message, True)

    def _done(self, message: str, ok: bool) -> None:
        self._busy = False
        if ok:
            self.feedback.ok(message)
        else:
            self.feedback.error(message)
        self.reload()
