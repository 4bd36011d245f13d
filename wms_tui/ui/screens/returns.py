"""Returns desk: scan the slip, choose what came back, decide each unit's fate.

The workflow (its steps, what each input does, every check) is the service's
:class:`~wms_tui.services.returns.desk_flow.DeskFlow`; this screen shows its
step and state, sends it the operator's keys and scans, and shows its answer
in the feedback line. Escape goes one step back; nothing is written until the
last Enter.
"""

from __future__ import annotations

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from wms_tui.domain.enums import Disposition, Resolution
from wms_tui.services.returns.desk import DISPOSITION_LABELS, RESOLUTION_LABELS
from wms_tui.services.returns.desk_flow import RESOLUTION_ORDER, DeskFlow, Said, Step, Tone
from wms_tui.ui.base import FloorScreen
from wms_tui.ui.screens.returns_options import (
    bin_options,
    confirm_options,
    line_info,
    line_options,
    option_keys,
    reason_options,
    replace_options,
    resolution_options,
    unit_options,
)
from wms_tui.ui.widgets.scan_panel import ScanPanel

CHOICE_STEPS = frozenset({Step.REASON, Step.UNIT, Step.RESOLVE})
DISPOSITION_KEYS = {"r": Disposition.RESTOCK, "q": Disposition.QUARANTINE, "s": Disposition.SCRAP}


def _when(dt) -> str:
    return f"{dt:%d %b %H:%M}" if dt else "?"


class ReturnsScreen(FloorScreen):
    TITLE_TEXT = "Returns"
    WIDE = 90  # columns from which the side panel is shown
    BINDINGS = [
        Binding("escape", "back", "Back", id="back"),
        Binding("f2", "done", "Done", id="returns-done"),
        Binding("f3", "undo", "Undo", id="returns-undo"),
        Binding("up", "move(-1)", "Up", show=False, id="returns-up"),
        Binding("down", "move(1)", "Down", show=False, id="returns-down"),
    ]
    CSS_PATH = "returns.tcss"

    def __init__(self) -> None:
        super().__init__()
        self.flow: DeskFlow | None = None  # made on mount, with the store and operator

    @property
    def f(self) -> DeskFlow:
        assert self.flow is not None, "the returns screen is not mounted"
        return self.flow

    @property
    def step(self) -> Step:
        return self.f.step

    @property
    def reason(self):  # noqa: ANN201 - the flow's ReasonInfo or None
        return self.f.reason

    # -- layout ----------------------------------------------------------------

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="ret-body"):
            with Vertical(id="ret-main"):
                yield Static("", id="ret-head", markup=False)
                yield OptionList(id="ret-list")
                yield ScanPanel("ret", placeholder="")
            with Vertical(id="ret-side"):
                yield Static("", id="ret-detail", markup=False)
                yield Static("", id="ret-pending", markup=False)

    def on_mount(self) -> None:
        self.flow = DeskFlow.open(self.store, self.actor)
        self.go()

    def width_changed(self) -> None:
        self.render_step()

    @property
    def options(self) -> OptionList:
        return self.query_one("#ret-list", OptionList)

    # -- step machine -----------------------------------------------------------

    def go(self) -> None:
        """Show the flow's step (after every input that was not refused)."""
        step = self.f.step
        self.set_class(step in CHOICE_STEPS, "choosing")
        self.render_step()
        if step in CHOICE_STEPS:
            self.options.focus()
        else:
            self.focus_scan()

    def render_step(self) -> None:
        if self.flow is None:
            return  # a resize before the flow exists: on_mount renders
        self._render_head()
        self._render_side()
        prompt, placeholder, options = self._step_view()
        self.prompt(prompt)
        self.scan_field.placeholder = placeholder
        ol = self.options
        ol.set_options(options)
        if options and self.step is not Step.REASON:
            first = next((i for i, o in enumerate(options) if not o.disabled), None)
            ol.highlighted = first

    def _render_head(self) -> None:
        o = self.f.order
        if o is None:
            self.query_one("#ret-head", Static).update(self.f.last_result or "Returns desk")
            return
        who = ", ".join(o.packed_by) or "not recorded"
        head = f"{o.name} {o.customer} · {o.status_text}"
        if self.wide:
            head += f" · {o.rma}"
        head += f"\npacked by {who}"
        if o.packed_at:
            head += f" {_when(o.packed_at)}"
        self.query_one("#ret-head", Static).update(Text(head))

    def _render_side(self) -> None:
        detail, pending = Text(), Text()
        o = self.f.order
        if o is not None:
            detail.append(f"{o.name}  {o.rma}\n", style="bold")
            parts = [
                f"{o.customer}, {o.ship_to}",
                f"{o.carrier} · dispatched {_when(o.dispatched_at)}",
            ]
            for p in o.parcels:
                parts.append(
                    f"Parcel {p.seq}/{p.count} {p.tracking_number or p.sscc or ''} "
                    f"packed by {p.packed_by or '?'} {_when(p.packed_at)}"
                )
            parts.append(f"Picked by {', '.join(o.picked_by) or 'not recorded'}")
            parts.append(f"Packed by {', '.join(o.packed_by) or 'not recorded'}")
            for r in self.f.history:
                res = RESOLUTION_LABELS[Resolution(r.resolution)].lower()
                ex = f" {r.exchange_order}" if r.exchange_order else ""
                parts.append(f"Returned {_when(r.at)} by {r.operator or '?'}: {res}{ex}")
                parts += [f"  {x.qty}× {x.sku} {x.disposition.lower()}" for x in r.lines]
            detail.append("\n".join(parts))
            pending.append("This return\n", style="bold")
            items = [b.text() for b in [*self.f.booked, *self.f.current]]
            pending.append("\n".join(items) if items else "nothing yet")
            if self.f.resolution:
                pending.append(f"\n→ {RESOLUTION_LABELS[self.f.resolution]}")
                for lid, choice in self.f.replacements.items():
                    pending.append(f"\n  {self.f.line_by_id(lid).sku} → {choice.sku}")
        self.query_one("#ret-detail", Static).update(detail)
        self.query_one("#ret-pending", Static).update(pending)

    def _step_view(self) -> tuple[str, str, list[Option]]:
        s = self.step
        if s is Step.SCAN:
            hints = [
                "RMA barcode: on the packing slip",
                "Tracking no.: on the parcel label",
                "Or type the order no." + (f", e.g. {self.f.example}" if self.f.example else ""),
            ]
            return (
                "Scan RMA, tracking or order no.",
                "RMA / tracking / #order",
                [Option(Text(h, style="dim"), disabled=True) for h in hints],
            )
        if s is Step.LINES:
            n = self.f.booked_units()
            tail = f" · {n} in · F2 done" if n else ""
            return (
                f"Line no. or scan item{tail}",
                "line no. or item barcode",
                line_options(self.f, self.wide),
            )
        if s is Step.RESOLVE:
            return "Resolution: number key", "", resolution_options()
        if s is Step.REPLACE:
            ln = self.f.replace_queue[0]
            return f"{ln.sku} swap for? Enter = same", "SKU or barcode", replace_options(self.f)
        if s is Step.CONFIRM:
            return "Enter = book it · Esc = change", "Enter to book", confirm_options(self.f)
        line = self.f.line
        assert line is not None, f"step {s} needs a line"
        if s is Step.QTY:
            left = self.f.left(line)
            return f"How many {line.sku} back? (1-{left})", "quantity, Enter = 1", line_info(self.f)
        if s is Step.REASON:
            # The keys' range, not "its key": a new user read that as a key of the item.
            opts = reason_options(self.f)
            return f"Reason for {line.sku}: key {option_keys(len(opts))}", "", opts
        if s is Step.UNIT:
            unit = f"{self.f.units_done + 1}/{self.f.qty}"
            # The options are numbered; R, Q and S work too (DISPOSITION_KEYS).
            opts = unit_options(self.f)
            return f"Unit {unit} {line.sku}: key {option_keys(len(opts))}", "", opts
        if s is Step.BIN:
            return f"Scan pick bin for {line.sku}", "bin", bin_options(self.f)
        assert self.f.unit_choice is not None
        fate = DISPOSITION_LABELS[self.f.unit_choice[0]].lower()
        where = f" {self.f.unit_location}" if self.f.unit_location else ""
        return f"Note for {fate}{where} (Enter = none)", "note", []

    # -- input --------------------------------------------------------------------

    def show(self, said: Said | None) -> None:
        """The flow's answer in the feedback line; a refusal rings and keeps the step."""
        if said is None:
            return
        if said.tone is Tone.ERROR:
            self.feedback.error(said.text or "")
            return
        if said.text is not None:
            if said.tone is Tone.OK:
                self.feedback.ok(said.text)
            elif said.text:
                self.feedback.info(said.text)
            else:
                self.feedback.clear()
        self.go()

    @on(Input.Submitted, "#ret-scan")
    def submitted(self, event: Input.Submitted) -> None:
        value, f = event.value, self.f
        handler = {
            Step.SCAN: f.scan_order,
            Step.LINES: lambda v: f.choose_line_by_input(v, self.options.highlighted),
            Step.QTY: f.enter_qty,
            Step.BIN: f.scan_bin,
            Step.NOTE: f.enter_note,
            Step.REPLACE: f.scan_replacement,
            Step.CONFIRM: lambda _v: self._book(),
        }.get(f.step)
        if handler is not None:
            self.show(handler(value))

    @on(OptionList.OptionSelected, "#ret-list")
    def option_selected(self, event: OptionList.OptionSelected) -> None:
        if self.f.step is Step.REASON:
            self._enter_is_no_reason()
            return
        self._pick_option(event.option_index)

    def _enter_is_no_reason(self) -> None:
        # A reason is what reports charge people with: Enter on whatever
        # happens to be highlighted must not choose one.
        self.feedback.error("Press the reason's number key")

    def on_key(self, event: events.Key) -> None:
        step = self.f.step
        if step is Step.REASON and event.key == "enter":
            event.stop()
            event.prevent_default()
            self._enter_is_no_reason()
            return
        if step not in CHOICE_STEPS or not event.character:
            return
        ch = event.character.lower()
        index: int | None = None
        if step is Step.UNIT and ch in DISPOSITION_KEYS:
            index = list(DISPOSITION_KEYS).index(ch)
        elif ch in "1234567890abcdefghij":
            index = "1234567890abcdefghij".index(ch)
        if index is None and not ch.isprintable():
            return
        event.stop()
        if index is None or index >= self.options.option_count:
            self.feedback.error(f"No choice {event.character}")
            return
        self._pick_option(index)

    def _pick_option(self, index: int) -> None:
        f = self.f
        if f.step is Step.LINES:
            assert f.order is not None
            self.show(f.choose_line(f.order.lines[index]))
        elif f.step is Step.REASON:
            self.show(f.choose_reason(index))
        elif f.step is Step.UNIT:
            opt_id = self.options.get_option_at_index(index).id or ""
            _, fate, count = opt_id.split("-")
            self.show(f.choose_fate(Disposition(fate), int(count)))
        elif f.step is Step.RESOLVE:
            self.show(f.choose_resolution(RESOLUTION_ORDER[index]))
        elif f.step is Step.CONFIRM:
            self._book()

    def _book(self) -> Said | None:
        said = self.f.book()
        self.show(said)
        if not said.refused and self.f.released:
            self.notify(f"Released: {', '.join(self.f.released)}", timeout=5)
        return None

    def action_move(self, delta: int) -> None:
        if self.f.step in CHOICE_STEPS:
            return  # the focused list moves itself
        if self.options.option_count:
            if delta > 0:
                self.options.action_cursor_down()
            else:
                self.options.action_cursor_up()

    # -- actions --------------------------------------------------------------------

    def action_done(self) -> None:
        self.show(self.f.done())

    def action_undo(self) -> None:
        self.show(self.f.undo())

    def action_back(self) -> None:
        said = self.f.back()
        if said is None:
            self.dismiss()
            return
        self.show(said)
