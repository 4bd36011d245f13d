"""Returns desk: scan the slip, choose what came back, decide each unit's fate.

Steps (Escape goes one step back; nothing is written until the last Enter):

    scan     RMA barcode from the slip, tracking number or order number
    lines    line number, or scan the item itself; F2 when every unit is in
    qty      how many of that line came back
    reason   number key from the configured list (Enter alone chooses nothing)
    unit     per unit: restock / quarantine / scrap (or "all remaining")
    bin      restock: scan the pick bin
    note     optional note for that unit (Enter = none)
    resolve  refund / exchange / store credit
    replace  exchange: replacement per line (Enter = same SKU, or scan a variant)
    confirm  Enter books everything in one go

The screen keeps only plain values; every check and write is a service call.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from rich.cells import set_cell_size
from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from wms_tui.domain.enums import Disposition, Resolution
from wms_tui.domain.errors import DomainError, NotFound
from wms_tui.domain.text import plural
from wms_tui.services.returns import desk as returns
from wms_tui.services.returns import reasons as return_reasons
from wms_tui.services.returns.desk import (
    DISPOSITION_LABELS,
    RESOLUTION_LABELS,
    ProductChoice,
    ReceiptView,
    ReturnableOrder,
    ReturnRequest,
    ReturnUnit,
    ShippedLine,
)
from wms_tui.services.returns.reasons import ReasonInfo
from wms_tui.ui.base import FloorScreen
from wms_tui.ui.widgets.scan_panel import ScanPanel


class Step(Enum):
    SCAN = "scan"
    LINES = "lines"
    QTY = "qty"
    REASON = "reason"
    UNIT = "unit"
    BIN = "bin"
    NOTE = "note"
    RESOLVE = "resolve"
    REPLACE = "replace"
    CONFIRM = "confirm"


CHOICE_STEPS = frozenset({Step.REASON, Step.UNIT, Step.RESOLVE})
DISPOSITION_KEYS = {"r": Disposition.RESTOCK, "q": Disposition.QUARANTINE, "s": Disposition.SCRAP}
RESOLUTION_ORDER = (Resolution.REFUND, Resolution.EXCHANGE, Resolution.STORE_CREDIT)


@dataclass(frozen=True)
class Booked:
    """Units of one line with one reason and fate, waiting for the final Enter."""

    line: ShippedLine
    reason: ReasonInfo
    disposition: Disposition
    location: str
    note: str
    qty: int

    def text(self) -> str:
        where = f" {self.location}" if self.location else ""
        note = f" “{self.note}”" if self.note else ""
        return (
            f"{self.qty}× {self.line.sku}: {self.reason.label}, "
            f"{DISPOSITION_LABELS[self.disposition].lower()}{where}{note}"
        )


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
    DEFAULT_CSS = """
    ReturnsScreen #ret-body { height: 1fr; }
    ReturnsScreen #ret-main { width: 1fr; }
    ReturnsScreen #ret-head { height: auto; max-height: 3; padding: 0 1; text-style: bold; }
    ReturnsScreen #ret-list { height: 1fr; border: none; padding: 0; }
    ReturnsScreen #ret-prompt { height: auto; text-wrap: wrap; }
    ReturnsScreen #ret-side { display: none; width: 50; padding: 0 1;
                              border-left: solid $primary; }
    ReturnsScreen.wide #ret-side { display: block; }
    ReturnsScreen #ret-detail { height: auto; }
    ReturnsScreen #ret-pending { height: auto; margin-top: 1; }
    ReturnsScreen.choosing #ret-scan { display: none; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.step = Step.SCAN
        self.order: ReturnableOrder | None = None
        self.reasons: list[ReasonInfo] = []
        self.history: list[ReceiptView] = []
        self.booked: list[Booked] = []
        # The line being worked on and what has been decided for it so far.
        self.line: ShippedLine | None = None
        self.qty = 0
        self.reason: ReasonInfo | None = None
        self.units_done = 0
        self.unit_choice: tuple[Disposition, int] | None = None  # (fate, how many units)
        self.unit_location = ""
        self.current: list[Booked] = []
        self.resolution: Resolution | None = None
        self.replace_queue: list[ShippedLine] = []
        self.replacements: dict[int, ProductChoice] = {}
        self.last_result = ""
        self.example = ""  # a shipped order's name, for the hint

    # -- layout ----------------------------------------------------------------

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="ret-body"):
            with Vertical(id="ret-main"):
                yield Static("", id="ret-head")
                yield OptionList(id="ret-list")
                yield ScanPanel("ret", placeholder="")
            with Vertical(id="ret-side"):
                yield Static("", id="ret-detail")
                yield Static("", id="ret-pending")

    def on_mount(self) -> None:
        self.example = returns.example_order(self.store)
        self.go(Step.SCAN)

    def width_changed(self) -> None:
        self.render_step()

    @property
    def options(self) -> OptionList:
        return self.query_one("#ret-list", OptionList)

    # -- step machine -----------------------------------------------------------

    def go(self, step: Step) -> None:
        self.step = step
        self.set_class(step in CHOICE_STEPS, "choosing")
        self.render_step()
        if step in CHOICE_STEPS:
            self.options.focus()
        else:
            self.focus_scan()

    def render_step(self) -> None:
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
        o = self.order
        if o is None:
            self.query_one("#ret-head", Static).update(self.last_result or "Returns desk")
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
        o = self.order
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
            for r in self.history:
                res = RESOLUTION_LABELS[Resolution(r.resolution)].lower()
                ex = f" {r.exchange_order}" if r.exchange_order else ""
                parts.append(f"Returned {_when(r.at)} by {r.operator or '?'}: {res}{ex}")
                parts += [f"  {x.qty}× {x.sku} {x.disposition.lower()}" for x in r.lines]
            detail.append("\n".join(parts))
            pending.append("This return\n", style="bold")
            items = [b.text() for b in [*self.booked, *self.current]]
            pending.append("\n".join(items) if items else "nothing yet")
            if self.resolution:
                pending.append(f"\n→ {RESOLUTION_LABELS[self.resolution]}")
                for lid, choice in self.replacements.items():
                    pending.append(f"\n  {self._line(lid).sku} → {choice.sku}")
        self.query_one("#ret-detail", Static).update(detail)
        self.query_one("#ret-pending", Static).update(pending)

    def _step_view(self) -> tuple[str, str, list[Option]]:
        s = self.step
        if s is Step.SCAN:
            hints = [
                "RMA barcode: on the packing slip",
                "Tracking no.: on the parcel label",
                "Or type the order no." + (f", e.g. {self.example}" if self.example else ""),
            ]
            return (
                "Scan RMA, tracking or order no.",
                "RMA / tracking / #order",
                [Option(Text(h, style="dim"), disabled=True) for h in hints],
            )
        if s is Step.LINES:
            n = self._booked_units()
            tail = f" · {n} in · F2 done" if n else ""
            return f"Line no. or scan item{tail}", "line no. or item barcode", self._line_options()
        if s is Step.RESOLVE:
            return "Resolution: number key", "", self._resolution_options()
        if s is Step.REPLACE:
            ln = self.replace_queue[0]
            return f"{ln.sku} swap for? Enter = same", "SKU or barcode", self._replace_options()
        if s is Step.CONFIRM:
            return "Enter = book it · Esc = change", "Enter to book", self._confirm_options()
        line = self.line
        assert line is not None, f"step {s} needs a line"
        if s is Step.QTY:
            left = self._left(line)
            return f"How many {line.sku} back? (1-{left})", "quantity, Enter = 1", self._line_info()
        if s is Step.REASON:
            return f"Reason for {line.sku}: its key", "", self._reason_options()
        if s is Step.UNIT:
            unit = f"{self.units_done + 1}/{self.qty}"
            return f"Unit {unit} {line.sku}: R, Q or S", "", self._unit_options()
        if s is Step.BIN:
            return f"Scan pick bin for {line.sku}", "bin", self._bin_options()
        assert self.unit_choice is not None
        fate = DISPOSITION_LABELS[self.unit_choice[0]].lower()
        where = f" {self.unit_location}" if self.unit_location else ""
        return f"Note for {fate}{where} (Enter = none)", "note", []

    # -- option lists -------------------------------------------------------------

    def _booked_units(self) -> int:
        return sum(b.qty for b in self.booked)

    def _pending_for(self, line: ShippedLine) -> int:
        return sum(b.qty for b in self.booked if b.line.order_line_id == line.order_line_id)

    def _left(self, line: ShippedLine) -> int:
        return line.returnable - self._pending_for(line)

    def _line(self, order_line_id: int) -> ShippedLine:
        assert self.order is not None
        return self.order.line(order_line_id)

    def _line_options(self) -> list[Option]:
        assert self.order is not None
        opts = []
        for i, ln in enumerate(self.order.lines, start=1):
            pending = self._pending_for(ln)
            text = Text(f"{i:>2} " if len(self.order.lines) > 9 else f"{i} ")
            if self.wide:
                text.append(set_cell_size(ln.sku, 18))
                text.append(set_cell_size(ln.name, 32))
                text.append(f" shipped {ln.shipped}")
                text.append(f"  returned {ln.returned}" if ln.returned else "")
            else:
                text.append(f"{ln.sku} ×{ln.shipped}")
                text.append(f" ret {ln.returned}" if ln.returned else "")
            if pending:
                text.append(f"  now {pending}", style="bold")
            opts.append(Option(text, id=f"line-{ln.order_line_id}", disabled=self._left(ln) <= 0))
        return opts

    def _line_info(self) -> list[Option]:
        """What was shipped on the chosen line, and who handled it."""
        ln = self.line
        assert ln is not None
        info = [ln.name]
        if ln.options:
            info.append(ln.options)
        info.append(f"shipped {ln.shipped}, returned before {ln.returned}")
        info.append(f"picked by {', '.join(ln.picked_by) or 'not recorded'}")
        info.append(f"packed by {', '.join(ln.packed_by) or 'not recorded'}")
        return [Option(Text(t), disabled=True) for t in info]

    def _bin_options(self) -> list[Option]:
        assert self.line is not None
        bins = returns.bins_holding(self.store, self.line.order_line_id)
        if not bins:
            return [Option(f"{self.line.sku} is in no pick bin now", disabled=True)]
        return [Option(f"{code} holds {qty}", disabled=True) for code, qty in bins]

    def _reason_options(self) -> list[Option]:
        opts = []
        for i, r in enumerate(self.reasons, start=1):
            text = Text(f"{self._key(i)} {r.label}")
            text.append(f" · {r.cause.label}", style="dim")
            opts.append(Option(text, id=f"reason-{r.code}"))
        return opts

    @staticmethod
    def _key(i: int) -> str:
        return "1234567890abcdefghij"[i - 1] if i <= 20 else " "

    def _unit_options(self) -> list[Option]:
        rest = self.qty - self.units_done
        opts = [
            Option("1 Restock to a pick bin", id="unit-RESTOCK-1"),
            Option("2 Quarantine", id="unit-QUARANTINE-1"),
            Option("3 Scrap", id="unit-SCRAP-1"),
        ]
        if rest > 1:
            opts += [
                Option(f"4 Restock all {rest}", id=f"unit-RESTOCK-{rest}"),
                Option(f"5 Quarantine all {rest}", id=f"unit-QUARANTINE-{rest}"),
                Option(f"6 Scrap all {rest}", id=f"unit-SCRAP-{rest}"),
            ]
        return opts

    def _resolution_options(self) -> list[Option]:
        return [
            Option(f"{i} {RESOLUTION_LABELS[r]}", id=f"res-{r.value}")
            for i, r in enumerate(RESOLUTION_ORDER, start=1)
        ]

    def _replace_options(self) -> list[Option]:
        lines = {b.line.order_line_id: b.line for b in self.booked}
        opts = []
        for lid, ln in lines.items():
            choice = self.replacements.get(lid)
            now = self.replace_queue and self.replace_queue[0].order_line_id == lid
            target = choice.sku if choice else ("?" if now else "same")
            opts.append(Option(f"{'▶' if now else ' '} {ln.sku} → {target}", disabled=True))
        return opts

    def _confirm_options(self) -> list[Option]:
        assert self.resolution is not None
        opts = [Option(Text(b.text()), disabled=True) for b in self.booked]
        res = RESOLUTION_LABELS[self.resolution]
        opts.append(Option(f"→ {res}", disabled=True))
        for lid, choice in self.replacements.items():
            opts.append(Option(f"  {self._line(lid).sku} → {choice.sku}", disabled=True))
        return opts

    # -- input --------------------------------------------------------------------

    @on(Input.Submitted, "#ret-scan")
    def submitted(self, event: Input.Submitted) -> None:
        value = event.value
        handler = {
            Step.SCAN: self._scan_order,
            Step.LINES: self._choose_line_by_input,
            Step.QTY: self._enter_qty,
            Step.BIN: self._scan_bin,
            Step.NOTE: self._enter_note,
            Step.REPLACE: self._scan_replacement,
            Step.CONFIRM: lambda _v: self._book(),
        }.get(self.step)
        if handler is not None:
            handler(value)

    @on(OptionList.OptionSelected, "#ret-list")
    def option_selected(self, event: OptionList.OptionSelected) -> None:
        if self.step is Step.REASON:
            self._enter_is_no_reason()
            return
        self._pick_option(event.option_index)

    def _enter_is_no_reason(self) -> None:
        # A reason is what reports charge people with: Enter on whatever
        # happens to be highlighted must not choose one.
        self.app.bell()
        self.feedback.error("Press the reason's number key")

    def on_key(self, event: events.Key) -> None:
        if self.step is Step.REASON and event.key == "enter":
            event.stop()
            event.prevent_default()
            self._enter_is_no_reason()
            return
        if self.step not in CHOICE_STEPS or not event.character:
            return
        ch = event.character.lower()
        index: int | None = None
        if self.step is Step.UNIT and ch in DISPOSITION_KEYS:
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
        if self.step is Step.LINES:
            assert self.order is not None
            self._choose_line(self.order.lines[index])
        elif self.step is Step.REASON:
            self._choose_reason(self.reasons[index])
        elif self.step is Step.UNIT:
            opt_id = self.options.get_option_at_index(index).id or ""
            _, fate, count = opt_id.split("-")
            self._choose_fate(Disposition(fate), int(count))
        elif self.step is Step.RESOLVE:
            self._choose_resolution(RESOLUTION_ORDER[index])
        elif self.step is Step.CONFIRM:
            self._book()

    def action_move(self, delta: int) -> None:
        if self.step in CHOICE_STEPS:
            return  # the focused list moves itself
        if self.options.option_count:
            if delta > 0:
                self.options.action_cursor_down()
            else:
                self.options.action_cursor_up()

    # -- steps ----------------------------------------------------------------------

    def _error(self, exc: DomainError | str) -> None:
        self.feedback.error(str(exc))

    def _scan_order(self, code: str) -> None:
        try:
            order = returns.lookup(self.store, code)
            reasons = return_reasons.list_reasons(self.store)
            history = returns.receipts_for_order(self.store, order.order_id)
        except DomainError as exc:
            self._error(exc)
            return
        if not reasons:
            self._error("No return reasons set up: ask a supervisor")
            return
        self._reset()
        self.order, self.reasons, self.history = order, reasons, history
        self.feedback.ok(f"{order.name}: {plural(order.returnable_units, 'unit')} may come back")
        self.go(Step.LINES)

    def _choose_line_by_input(self, value: str) -> None:
        assert self.order is not None
        if not value:
            idx = self.options.highlighted
            if idx is None:
                self._error("Type a line number or scan the item")
                return
            self._choose_line(self.order.lines[idx])
            return
        if value.isdigit() and 1 <= int(value) <= len(self.order.lines) and len(value) <= 3:
            self._choose_line(self.order.lines[int(value) - 1])
            return
        try:
            line_id = returns.line_for_scan(self.store, self.order.order_id, value)
        except NotFound as exc:
            self._maybe_other_parcel(value, exc)
            return
        except DomainError as exc:
            self._error(exc)
            return
        line = self.order.line(line_id)
        if self._left(line) <= 0:
            # The service counts what is booked in the database, not this parcel.
            same = [ln for ln in self.order.lines if ln.sku == line.sku and self._left(ln) > 0]
            if not same:
                self._error(f"All {line.sku} are already in this return")
                return
            line = same[0]
        self._choose_line(line)

    def _maybe_other_parcel(self, code: str, not_a_product: DomainError) -> None:
        """An RMA/tracking/order scanned while a parcel is open: the next parcel."""
        assert self.order is not None
        try:
            returns.lookup(self.store, code)
        except NotFound:
            self._error(not_a_product)
            return
        except DomainError as exc:
            self._error(exc)
            return
        if self.booked:
            self._error(f"Finish {self.order.name} first (F2), or Esc to drop it")
            return
        self._scan_order(code)

    def _choose_line(self, line: ShippedLine) -> None:
        if self._left(line) <= 0:
            self._error(f"All {line.sku} shipped are already returned or in this return")
            return
        self.line, self.qty, self.reason = line, 0, None
        self.units_done, self.current = 0, []
        self.feedback.clear()
        if self._left(line) == 1:
            self.qty = 1
            self.go(Step.REASON)
        else:
            self.go(Step.QTY)

    def _enter_qty(self, value: str) -> None:
        assert self.line is not None
        left = self._left(self.line)
        value = value or "1"
        if not value.isdigit() or int(value) < 1:
            self._error(f"Type a number from 1 to {left}")
            return
        qty = int(value)
        if qty > left:
            shipped = self.line.shipped
            self._error(f"Only {left} {self.line.sku} can come back ({shipped} shipped)")
            return
        self.qty = qty
        self.feedback.clear()
        self.go(Step.REASON)

    def _choose_reason(self, reason: ReasonInfo) -> None:
        self.reason = reason
        self.feedback.info(reason.label)
        self.go(Step.UNIT)

    def _choose_fate(self, fate: Disposition, count: int) -> None:
        self.unit_choice = (fate, count)
        self.unit_location = ""
        if fate is Disposition.RESTOCK:
            self.feedback.clear()
            self.go(Step.BIN)
            return
        if fate is Disposition.QUARANTINE:
            try:
                self.unit_location = returns.quarantine_location(self.store)
            except DomainError as exc:
                self._error(exc)
                return
        self.feedback.clear()
        self.go(Step.NOTE)

    def _scan_bin(self, code: str) -> None:
        try:
            self.unit_location = returns.check_restock_bin(self.store, code)
        except DomainError as exc:
            self._error(exc)
            return
        self.feedback.ok(f"Bin {self.unit_location}")
        self.go(Step.NOTE)

    def _enter_note(self, note: str) -> None:
        assert self.line and self.reason and self.unit_choice
        fate, count = self.unit_choice
        self.current.append(
            Booked(self.line, self.reason, fate, self.unit_location, note.strip(), count)
        )
        self.units_done += count
        if self.units_done < self.qty:
            self.feedback.ok(self.current[-1].text())
            self.go(Step.UNIT)
            return
        self.booked.extend(self.current)
        done = f"{self.qty}× {self.line.sku} in"
        self.current, self.line = [], None
        self.feedback.ok(f"{done} · F2 when done" if self.order else done)
        self.go(Step.LINES)

    def _choose_resolution(self, resolution: Resolution) -> None:
        self.resolution = resolution
        self.replacements = {}
        if resolution is Resolution.EXCHANGE:
            seen: dict[int, ShippedLine] = {}
            for b in self.booked:
                seen.setdefault(b.line.order_line_id, b.line)
            self.replace_queue = list(seen.values())
            self.feedback.clear()
            self.go(Step.REPLACE)
            return
        self.feedback.clear()
        self.go(Step.CONFIRM)

    def _scan_replacement(self, code: str) -> None:
        line = self.replace_queue[0]
        try:
            choice = returns.check_replacement(self.store, code or line.sku)
        except DomainError as exc:
            self._error(exc)
            return
        self.replacements[line.order_line_id] = choice
        self.replace_queue.pop(0)
        self.feedback.ok(f"{line.sku} → {choice.sku} {choice.name}")
        self.go(Step.REPLACE if self.replace_queue else Step.CONFIRM)

    def _book(self) -> None:
        assert self.order is not None and self.resolution is not None
        request = ReturnRequest(
            order_id=self.order.order_id,
            units=[
                ReturnUnit(
                    order_line_id=b.line.order_line_id,
                    reason_code=b.reason.code,
                    disposition=b.disposition,
                    location=b.location,
                    note=b.note,
                    qty=b.qty,
                )
                for b in self.booked
            ],
            resolution=self.resolution,
            replacements={lid: c.sku for lid, c in self.replacements.items()},
        )
        try:
            result = returns.register_return(self.store, self.actor, request)
        except DomainError as exc:
            self._error(exc)
            return
        self._reset()
        self.last_result = f"Booked {result.order_name} ({result.rma}). Next parcel:"
        self.feedback.ok(result.summary())
        if result.released_backorders:
            self.notify(f"Released: {', '.join(result.released_backorders)}", timeout=5)
        self.go(Step.SCAN)

    def _reset(self) -> None:
        self.order, self.booked, self.current = None, [], []
        self.line, self.reason, self.unit_choice = None, None, None
        self.resolution, self.replacements, self.replace_queue = None, {}, []
        self.qty = self.units_done = 0

    # -- actions --------------------------------------------------------------------

    def action_done(self) -> None:
        if self.step is not Step.LINES:
            self.app.bell()
            return
        if not self.booked:
            self._error("Nothing in this return yet: choose a line")
            return
        self.feedback.clear()
        self.go(Step.RESOLVE)

    def action_undo(self) -> None:
        if self.step is not Step.LINES or not self.booked:
            self._error("Nothing to undo here")
            return
        gone = self.booked.pop()
        self.feedback.info(f"Removed {gone.text()}")
        self.go(Step.LINES)

    def action_back(self) -> None:
        s = self.step
        if s is Step.SCAN:
            self.dismiss()
            return
        if s is Step.LINES:
            name = self.order.name if self.order else ""
            had = bool(self.booked)
            self._reset()
            if had:
                self.feedback.info(f"Return of {name} dropped; nothing was booked")
            else:
                self.feedback.clear()
            self.go(Step.SCAN)
            return
        if s in (Step.BIN, Step.NOTE):
            self.go(Step.UNIT)
            return
        if s is Step.UNIT:
            # Start this line's units over: back to its reason.
            self.current, self.units_done = [], 0
            self.feedback.clear()
            self.go(Step.REASON)
            return
        if s is Step.REASON and self.line and self._left(self.line) > 1:
            self.go(Step.QTY)
            return
        if s in (Step.QTY, Step.REASON):
            sku = self.line.sku if self.line else ""
            self.current, self.line = [], None
            self.feedback.info(f"{sku} not added")
            self.go(Step.LINES)
            return
        if s is Step.RESOLVE:
            self.resolution = None
            self.go(Step.LINES)
            return
        # REPLACE and CONFIRM go back to choosing the resolution.
        self.replacements, self.replace_queue = {}, []
        self.resolution = None
        self.go(Step.RESOLVE)
