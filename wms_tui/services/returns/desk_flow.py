"""The returns desk's workflow: one parcel from its scan to the booked return.

The steps, and what moves between them (Escape goes one step back; nothing is
written until the last one)::

    SCAN     RMA barcode from the slip, tracking number or order number
    LINES    line number, or scan the item itself; done() when every unit is in
    QTY      how many of that line came back
    REASON   the reason, by its key only (a screen's Enter alone chooses nothing)
    UNIT     per unit: restock / quarantine / scrap (or all remaining)
    BIN      restock: scan the pick bin
    NOTE     optional note for that unit ("" = none)
    RESOLVE  refund / exchange / store credit
    REPLACE  exchange: the replacement per line ("" = the same SKU)
    CONFIRM  book() writes everything in one unit of work

:class:`DeskFlow` holds the parcel being worked on and answers every input
with a :class:`Said` (shown in the screen's one feedback line); the screen
renders ``flow.step`` and the state here, and decides nothing itself. Every
check against the store is a call into :mod:`wms_tui.services.returns.desk`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum, StrEnum

from wms_tui.domain.actor import Actor
from wms_tui.domain.enums import Disposition, Resolution
from wms_tui.domain.errors import DomainError, NotFound
from wms_tui.domain.numbers import small_number
from wms_tui.domain.text import plural
from wms_tui.services.returns import desk, exchange, past_returns, returnable
from wms_tui.services.returns import reasons as return_reasons
from wms_tui.services.returns.desk import DISPOSITION_LABELS, ReturnRequest, ReturnUnit
from wms_tui.services.returns.exchange import ProductChoice
from wms_tui.services.returns.past_returns import ReceiptView
from wms_tui.services.returns.reasons import ReasonInfo
from wms_tui.services.returns.returnable import ReturnableOrder, ShippedLine
from wms_tui.store import Store


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


RESOLUTION_ORDER = (Resolution.REFUND, Resolution.EXCHANGE, Resolution.STORE_CREDIT)
NOTE_MAX = 300  # a unit's note, as the screens' typed answers (dialogs.TEXT_MAX)


class Tone(StrEnum):
    OK = "ok"
    ERROR = "error"  # nothing changed; the screen rings
    INFO = "info"


@dataclass(frozen=True)
class Said:
    """The answer to one input; ``text`` None leaves the feedback line as it is."""

    tone: Tone
    text: str | None = ""

    @property
    def refused(self) -> bool:
        return self.tone is Tone.ERROR


def _ok(text: str) -> Said:
    return Said(Tone.OK, text)


def _error(text: str | DomainError) -> Said:
    return Said(Tone.ERROR, str(text))


def _info(text: str = "") -> Said:
    return Said(Tone.INFO, text)


def _same() -> Said:
    return Said(Tone.INFO, None)


@dataclass(frozen=True)
class Booked:
    """Units of one line with one reason and fate, waiting for book()."""

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


@dataclass
class DeskFlow:
    store: Store
    actor: Actor
    step: Step = Step.SCAN
    order: ReturnableOrder | None = None
    reasons: list[ReasonInfo] = field(default_factory=list)
    history: list[ReceiptView] = field(default_factory=list)
    booked: list[Booked] = field(default_factory=list)
    # The line being worked on and what has been decided for it so far.
    line: ShippedLine | None = None
    qty: int = 0
    reason: ReasonInfo | None = None
    units_done: int = 0
    unit_choice: tuple[Disposition, int] | None = None  # (fate, how many units)
    unit_location: str = ""
    current: list[Booked] = field(default_factory=list)
    resolution: Resolution | None = None
    replace_queue: list[ShippedLine] = field(default_factory=list)
    replacements: dict[int, ProductChoice] = field(default_factory=dict)
    last_result: str = ""
    released: tuple[str, ...] = ()  # backorders the last booking released
    # A shipped order's name for the first step's hint ("e.g. D1042"); "" before any shipped.
    example: str = ""
    # Where the line's product is now (pick bins first, then bulk): the screen lists
    # them beside "Scan pick bin" on a restock.
    restock_bins: list[tuple[str, int]] = field(default_factory=list)

    @classmethod
    def open(cls, store: Store, actor: Actor) -> DeskFlow:
        """The desk as an operator finds it: waiting for a parcel's scan."""
        return cls(store, actor, example=returnable.example_order(store))

    # -- what is pending ----------------------------------------------------------

    def booked_units(self) -> int:
        return sum(b.qty for b in self.booked)

    def pending_for(self, line: ShippedLine) -> int:
        return sum(b.qty for b in self.booked if b.line.order_line_id == line.order_line_id)

    def left(self, line: ShippedLine) -> int:
        return line.returnable - self.pending_for(line)

    def line_by_id(self, order_line_id: int) -> ShippedLine:
        assert self.order is not None
        return self.order.line(order_line_id)

    def _reset(self) -> None:
        self.order, self.booked, self.current = None, [], []
        self.line, self.reason, self.unit_choice = None, None, None
        self.resolution, self.replacements, self.replace_queue = None, {}, []
        self.qty = self.units_done = 0

    # -- inputs ---------------------------------------------------------------------

    def scan_order(self, code: str) -> Said:
        try:
            order = returnable.lookup(self.store, code)
            reasons = return_reasons.list_reasons(self.store)
            history = past_returns.receipts_for_order(self.store, order.order_id)
        except DomainError as exc:
            return _error(exc)
        if not reasons:
            return _error("No return reasons set up: ask a supervisor")
        self._reset()
        self.order, self.reasons, self.history = order, reasons, history
        self.step = Step.LINES
        return _ok(f"{order.name}: {plural(order.returnable_units, 'unit')} may come back")

    def choose_line_by_input(self, value: str, highlighted: int | None = None) -> Said:
        assert self.order is not None
        if not value:
            if highlighted is None:
                return _error("Type a line number or scan the item")
            return self.choose_line(self.order.lines[highlighted])
        line_no = small_number(value, 3)
        if line_no is not None and 1 <= line_no <= len(self.order.lines):
            return self.choose_line(self.order.lines[line_no - 1])
        try:
            line_id = returnable.line_for_scan(self.store, self.order.order_id, value)
        except NotFound as exc:
            if line_no is not None:  # "9" on a parcel of 3 lines read "Unknown barcode 9"
                n = len(self.order.lines)
                return _error(f"No line {line_no} on {self.order.name}: lines 1 to {n}")
            return self._maybe_other_parcel(value, exc)
        except DomainError as exc:
            return _error(exc)
        line = self.order.line(line_id)
        if self.left(line) <= 0:
            # The service counts what is booked in the database, not this parcel.
            same = [ln for ln in self.order.lines if ln.sku == line.sku and self.left(ln) > 0]
            if not same:
                return _error(f"All {line.sku} are already in this return")
            line = same[0]
        return self.choose_line(line)

    def _maybe_other_parcel(self, code: str, not_a_product: DomainError) -> Said:
        """An RMA/tracking/order scanned while a parcel is open: the next parcel."""
        assert self.order is not None
        try:
            returnable.lookup(self.store, code)
        except NotFound:
            return _error(not_a_product)
        except DomainError as exc:
            return _error(exc)
        if self.booked:
            return _error(f"Finish {self.order.name} first (F2), or Esc to drop it")
        return self.scan_order(code)

    def choose_line(self, line: ShippedLine) -> Said:
        if self.left(line) <= 0:
            return _error(f"All {line.sku} shipped are already returned or in this return")
        self.line, self.qty, self.reason = line, 0, None
        self.units_done, self.current = 0, []
        if self.left(line) == 1:
            self.qty = 1
            self.step = Step.REASON
        else:
            self.step = Step.QTY
        return _info()

    def enter_qty(self, value: str) -> Said:
        assert self.line is not None
        left = self.left(self.line)
        qty = small_number(value or "1", 6)
        if qty is None or qty < 1:
            return _error(f"Type a number from 1 to {left}")
        if qty > left:
            shipped = self.line.shipped
            return _error(f"Only {left} {self.line.sku} can come back ({shipped} shipped)")
        self.qty = qty
        self.step = Step.REASON
        return _info()

    def choose_reason(self, index: int) -> Said:
        """The reason with this index in :attr:`reasons` (its key on the screen)."""
        if not 0 <= index < len(self.reasons):
            return _error("No such reason: press the reason's number key")
        self.reason = self.reasons[index]
        self.step = Step.UNIT
        return _info(self.reason.label)

    def choose_fate(self, fate: Disposition, count: int) -> Said:
        assert self.line is not None
        self.unit_choice = (fate, count)
        self.unit_location = ""
        if fate is Disposition.RESTOCK:
            self.restock_bins = returnable.bins_holding(self.store, self.line.order_line_id)
            self.step = Step.BIN
            return _info()
        if fate is Disposition.QUARANTINE:
            try:
                self.unit_location = desk.quarantine_location(self.store)
            except DomainError as exc:
                return _error(exc)
        self.step = Step.NOTE
        return _info()

    def scan_bin(self, code: str) -> Said:
        try:
            self.unit_location = desk.check_restock_bin(self.store, code)
        except DomainError as exc:
            return _error(exc)
        self.step = Step.NOTE
        return _ok(f"Bin {self.unit_location}")

    def enter_note(self, note: str) -> Said:
        assert self.line and self.reason and self.unit_choice
        note = note.strip()
        if len(note) > NOTE_MAX:
            # A held key or a paste went whole onto the return line: 10,000 characters.
            return _error(f"Keep the note under {NOTE_MAX} characters (got {len(note):,})")
        fate, count = self.unit_choice
        self.current.append(Booked(self.line, self.reason, fate, self.unit_location, note, count))
        self.units_done += count
        if self.units_done < self.qty:
            self.step = Step.UNIT
            return _ok(self.current[-1].text())
        self.booked.extend(self.current)
        done = f"{self.qty}× {self.line.sku} in"
        self.current, self.line = [], None
        self.step = Step.LINES
        return _ok(f"{done} · F2 when done")

    def done(self) -> Said:
        """Every unit of this parcel is in: on to the resolution."""
        if self.step is not Step.LINES:
            return _error("Finish this line first")
        if not self.booked:
            return _error("Nothing in this return yet: choose a line")
        self.step = Step.RESOLVE
        return _info()

    def undo(self) -> Said:
        if self.step is not Step.LINES or not self.booked:
            return _error("Nothing to undo here")
        gone = self.booked.pop()
        return _info(f"Removed {gone.text()}")

    def choose_resolution(self, resolution: Resolution) -> Said:
        self.resolution = resolution
        self.replacements = {}
        if resolution is Resolution.EXCHANGE:
            seen: dict[int, ShippedLine] = {}
            for b in self.booked:
                seen.setdefault(b.line.order_line_id, b.line)
            self.replace_queue = list(seen.values())
            self.step = Step.REPLACE
            return _info()
        self.step = Step.CONFIRM
        return _info()

    def scan_replacement(self, code: str) -> Said:
        line = self.replace_queue[0]
        try:
            choice = exchange.check_replacement(self.store, code or line.sku)
        except DomainError as exc:
            return _error(exc)
        self.replacements[line.order_line_id] = choice
        self.replace_queue.pop(0)
        self.step = Step.REPLACE if self.replace_queue else Step.CONFIRM
        return _ok(f"{line.sku} → {choice.sku} {choice.name}")

    def book(self) -> Said:
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
            result = desk.register_return(self.store, self.actor, request)
        except DomainError as exc:
            return _error(exc)
        self._reset()
        # The order just booked may have been the hint's example.
        self.example = returnable.example_order(self.store)
        self.last_result = f"Booked {result.order_name} ({result.rma}). Next parcel:"
        self.released = tuple(result.released_backorders)
        self.step = Step.SCAN
        return _ok(result.summary())

    def back(self) -> Said | None:
        """One step back; None at the first step (the screen closes)."""
        s = self.step
        if s is Step.SCAN:
            return None
        if s is Step.LINES:
            name = self.order.name if self.order else ""
            had = bool(self.booked)
            self._reset()
            self.step = Step.SCAN
            return _info(f"Return of {name} dropped; nothing was booked" if had else "")
        if s in (Step.BIN, Step.NOTE):
            self.step = Step.UNIT
            return _same()
        if s is Step.UNIT:
            # Start this line's units over: back to its reason.
            self.current, self.units_done = [], 0
            self.step = Step.REASON
            return _info()
        if s is Step.REASON and self.line and self.left(self.line) > 1:
            self.step = Step.QTY
            return _same()
        if s in (Step.QTY, Step.REASON):
            sku = self.line.sku if self.line else ""
            self.current, self.line = [], None
            self.step = Step.LINES
            return _info(f"{sku} not added")
        if s is Step.RESOLVE:
            self.resolution = None
            self.step = Step.LINES
            return _same()
        # REPLACE and CONFIRM go back to choosing the resolution.
        self.replacements, self.replace_queue = {}, []
        self.resolution = None
        self.step = Step.RESOLVE
        return _same()
