"""What a pack service hands back to the screen: plain, frozen values to render."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from wms_tui.domain.errors import NotFound


class Tone(StrEnum):
    """How an answer is shown: the screen picks style and bell from this, never
    from the text."""

    OK = "ok"
    REFUSED = "refused"  # nothing changed; the bell rings
    INFO = "info"


@dataclass(frozen=True)
class Said:
    """A service's one-line answer to the packer."""

    tone: Tone
    text: str

    @classmethod
    def ok(cls, text: str) -> Said:
        return cls(Tone.OK, text)

    @classmethod
    def refused(cls, text: str) -> Said:
        return cls(Tone.REFUSED, text)

    @classmethod
    def info(cls, text: str) -> Said:
        return cls(Tone.INFO, text)


class BlockerKind(StrEnum):
    """Why an order cannot be closed yet, one kind per rule."""

    NOTHING_TO_PACK = "nothing_to_pack"
    UNITS_TO_SCAN = "units_to_scan"
    EMPTY_PARCEL = "empty_parcel"
    NO_CARTON = "no_carton"
    DOES_NOT_FIT = "does_not_fit"
    WEIGHT = "weight"
    INSERTS = "inserts"


@dataclass(frozen=True)
class Blocker:
    kind: BlockerKind
    text: str
    parcel_seq: int | None = None

    def __str__(self) -> str:
        return self.text


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
    blockers: tuple[Blocker, ...]
    locked_terminal: str = ""
    message: str = ""
    tone: Tone = Tone.INFO
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
