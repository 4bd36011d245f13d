"""One order as a supervisor works it (Enter on the orders list): its lines with the
free stock each needs, what is missing, why it waits, its recent history, and the
function keys of the orders screen, which close it and act on the order."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import DataTable, Footer, Static

from wms_tui.ui.screens.order_styles import STATUS_STYLE, WIDE
from wms_tui.ui.widgets.fixed_table import FitTable


def _line_name(name: str, options: str) -> str:
    """The shop's line name, plus the options unless it already names them."""
    values = [part.split(": ", 1)[-1] for part in options.split(" / ") if part]
    if all(v in name for v in values):
        return name
    return f"{name} ({options})"


class OrderWorkScreen(ModalScreen[str | None]):
    """One order: lines, what is missing, recent history. Action keys close it and act.

    Renders ``intake.order_work_view``; the action a key names goes back to the
    orders screen, which runs it as it runs the same key on the list.
    """

    CSS_PATH = "order_work.tcss"
    BINDINGS = [
        Binding("escape", "close", "Back", id="detail-back"),
        *(
            Binding(key, f"act('{action}')", label, id=f"detail-{action}")
            for action, key, label in (
                ("hold", "f2", "Hold"),
                ("release", "f3", "Release"),
                ("cancel", "f4", "Cancel"),
                ("prio_up", "f5", "Prio+"),
                ("prio_down", "f6", "Prio-"),
                ("split", "f7", "Split"),
            )
        ),
    ]

    def __init__(self, detail) -> None:
        super().__init__()
        self.detail = detail

    def compose(self) -> ComposeResult:
        d = self.detail
        # Most important first, so a 16-line handheld shows it without scrolling:
        # what the order is, why it waits, its lines; then who, where, history.
        title = Text()
        title.append(f"{d.name}  ", style="bold")
        title.append(d.status_label, style=STATUS_STYLE.get(d.status, "bold"))
        if d.priority:
            title.append(f"  priority {d.priority:+d}", style="bold")
        if d.due:
            title.append(f"\nDue {d.due}", style="bold red" if "late" in d.due else "")
        info = Text()
        info.append(d.customer)
        if d.email:
            info.append(f" · {d.email}", style="dim")
        info.append(f"\n{d.ship_to}\n{d.service}")
        info.append(f"\nCreated {d.created} ({d.age} ago) · payment {d.financial_status or '?'}")
        if d.tags:
            info.append(f"\nTags {d.tags}")
        if d.notes:
            info.append(f"\nNote: {d.notes}", style="italic")
        if d.gift_message:
            info.append(f"\nGift: {d.gift_message}", style="italic")
        with VerticalScroll(id="det-body"):
            yield Static(title, id="det-head", markup=False)
            if d.hold_reason:
                yield Static(f"Held: {d.hold_reason}", id="det-held", markup=False)
            if d.missing:
                yield Static("Missing: " + "; ".join(d.missing), id="det-missing", markup=False)
            table: DataTable = FitTable(id="det-lines", cursor_type="none", zebra_stripes=True)
            wide = self.app.size.width >= WIDE
            if wide:
                table.add_columns("SKU", "Qty", "Res", "Pick", "Free", "Name")
            else:
                table.add_columns("SKU", "Qty", "Res", "Free")
            for ln in d.lines:
                free = Text(str(ln.available), style="bold red" if ln.missing else "")
                cells: list = [ln.sku, str(ln.quantity), str(ln.allocated)]
                if wide:
                    cells += [str(ln.picked), free, _line_name(ln.name, ln.options)]
                else:
                    cells.append(free)
                table.add_row(*cells)
            yield table
            yield Static(info, id="det-info", markup=False)
            history = "\n".join(
                f"{e.at}  {e.what}  {e.who}" + (f" · {e.detail}" if e.detail else "")
                for e in d.events
            )
            yield Static(history, id="det-events", markup=False)
            keys = [("F2 hold", d.can_hold), ("F3 release", d.can_release)]
            keys += [
                ("F4 cancel", d.can_cancel),
                ("F5/F6 priority", True),
                ("F7 split", d.can_split),
            ]
            yield Static(
                "Can do: " + " · ".join(k for k, ok in keys if ok), id="det-keys", markup=False
            )
        yield Footer(compact=True)

    def on_mount(self) -> None:
        # Focus the body so Up/Down/PageUp/PageDown scroll it on a small screen.
        self.query_one("#det-body").focus()

    def action_close(self) -> None:
        self.dismiss(None)

    def action_act(self, action: str) -> None:
        self.dismiss(action)
