"""What the handheld is shown of a pick task: its stops, its totes, the whole task, a
scan's outcome and the task's completion. Plain frozen values built by
:class:`~wms_tui.services.picking.task.TaskContext`; the pick screen renders them.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from wms_tui.domain.enums import OrderStatus


class Stage(StrEnum):
    PICK = "pick"  # scan the bin, then the items
    TOTE = "tote"  # all units in hand: scan the tote


@dataclass(frozen=True)
class StopInfo:
    line_id: int
    seq: int
    bin: str
    sku: str
    name: str
    options: str
    qty: int
    picked: int
    short: int
    tote: str
    slot: int
    order: str
    stage: Stage
    skipped: bool
    done: bool
    stopped: bool = False  # order on hold / cancelled: not walked

    @property
    def remaining(self) -> int:
        return max(0, self.qty - self.picked - self.short)


@dataclass(frozen=True)
class ToteInfo:
    """One tote on the cart; ``units`` excludes what bins turned out not to have."""

    slot: int
    code: str
    order: str
    order_status: str
    units: int
    picked: int
    short: int


@dataclass(frozen=True)
class TaskView:
    code: str
    wave: str
    status: str
    picker: str
    terminal: str
    pack_station: str
    route_length_m: float
    stop: StopInfo | None
    stops: tuple[StopInfo, ...]
    totes: tuple[ToteInfo, ...]

    @property
    def stops_total(self) -> int:
        return sum(1 for s in self.stops if not s.stopped)

    @property
    def stops_done(self) -> int:
        return sum(1 for s in self.stops if s.done and not s.stopped)

    @property
    def progress(self) -> str:
        """``7/23``: the stop being worked on out of all stops."""
        return f"{min(self.stops_done + 1, self.stops_total)}/{self.stops_total}"

    @property
    def units_total(self) -> int:
        """Units to take: what a bin turned out not to have is not counted."""
        return sum(s.qty - s.short for s in self.stops if not s.stopped)

    @property
    def units_picked(self) -> int:
        return sum(s.picked for s in self.stops)

    @property
    def units_short(self) -> int:
        return sum(s.short for s in self.stops)


@dataclass(frozen=True)
class Completion:
    task: str
    pack_station: str
    totes: tuple[ToteInfo, ...]

    @property
    def to_pack(self) -> tuple[ToteInfo, ...]:
        return tuple(
            t for t in self.totes if t.picked and t.order_status == OrderStatus.PICKED.value
        )

    @property
    def to_supervisor(self) -> tuple[ToteInfo, ...]:
        return tuple(
            t for t in self.totes if t.picked and t.order_status != OrderStatus.PICKED.value
        )

    @property
    def message(self) -> str:
        pack = self.to_pack
        text = f"Task {self.task} done."
        if pack:
            text += f" Bring {len(pack)} tote{'s' if len(pack) != 1 else ''} to {self.pack_station}"
        else:
            text += " Nothing to pack"
        if self.to_supervisor:
            text += "; " + ", ".join(t.code for t in self.to_supervisor) + " to the supervisor"
        return text


@dataclass(frozen=True)
class ScanOutcome:
    kind: str  # bin | item | tote | short | skip | pause
    message: str
    view: TaskView
    at_bin: str | None = None  # the bin the handheld is confirmed at now
    finished: Completion | None = None
