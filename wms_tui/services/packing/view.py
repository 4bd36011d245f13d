"""What a pack service hands back to the screen: plain, frozen values to render."""

from __future__ import annotations

from dataclasses import dataclass

from wms_tui.domain.errors import NotFound


@dataclass(frozen=True)
class LineView:
    line_id: int
    line_no: int
    sku: str
    name: str
    options: str
    quantity: int
    packed: int
    short: int = 0
    short_reason: str = ""

    @property
    def need(self) -> int:
        return self.quantity - self.short

    @property
    def left(self) -> int:
        return max(0, self.need - self.packed)

    @property
    def done(self) -> bool:
        return self.packed >= self.need

    @property
    def symbol(self) -> str:
        """Done or not, readable without colour."""
        if self.need <= 0:
            return "–"
        return "✓" if self.done else "•"


@dataclass(frozen=True)
class ParcelView:
    parcel_id: int
    seq: int
    units: int
    contents: str
    carton_code: str = ""
    carton_name: str = ""
    carton_chosen: bool = False
    weight_g: int | None = None
    expected_g: int = 0
    tolerance_g: int = 0
    weight_state: str = "none"  # none | ok | override | mismatch | stale
    fit_problem: str = ""

    @property
    def weight_ok(self) -> bool:
        return self.weight_state in ("ok", "override")

    @property
    def weight_text(self) -> str:
        # The expected weight is shown only after weighing: a packer who can see
        # it before would be tempted to key it instead of reading the scale.
        exp = f"expected {self.expected_g} ± {self.tolerance_g} g"
        if self.weight_g is None:
            return "not weighed"
        label = {
            "ok": "✓",
            "override": "✓ supervisor override",
            "mismatch": "✗ outside tolerance",
            "stale": "✗ contents or carton changed: weigh again",
        }[self.weight_state]
        return f"{self.weight_g} g {label} ({exp})"


@dataclass(frozen=True)
class InsertView:
    n: int
    key: str
    label: str
    done: bool


@dataclass(frozen=True)
class PackView:
    order_id: int
    order_name: str
    status: str
    customer: str
    ship_to: str
    carrier: str
    notes: str
    gift_message: str
    tags: tuple[str, ...]
    lines: tuple[LineView, ...]
    parcels: tuple[ParcelView, ...]
    current_seq: int
    suggestion: str
    suggestion_plan: tuple[str, ...]
    inserts: tuple[InsertView, ...]
    blockers: tuple[str, ...]
    locked_terminal: str = ""
    message: str = ""
    # The line the last action counted on (a keyed count applies to it).
    focus_line: int | None = None

    @property
    def units_needed(self) -> int:
        return sum(max(0, ln.need) for ln in self.lines)

    @property
    def units_packed(self) -> int:
        return sum(ln.packed for ln in self.lines)

    @property
    def ready(self) -> bool:
        return not self.blockers

    @property
    def instructions(self) -> tuple[str, ...]:
        """What the packer must not miss: notes, gift message, special tags."""
        out = []
        if self.gift_message.strip():
            out.append(f"GIFT MESSAGE: {self.gift_message.strip()}")
        if self.notes.strip():
            out.append(f"NOTE: {self.notes.strip()}")
        special = [t for t in self.tags if t not in ("split-ok",)]
        if special:
            out.append("TAGS: " + ", ".join(special))
        return tuple(out)

    def line(self, line_no: int) -> LineView:
        for ln in self.lines:
            if ln.line_no == line_no:
                return ln
        raise NotFound(f"Order {self.order_name} has no line {line_no}")
