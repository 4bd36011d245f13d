"""What the dispatch overview shows: the snapshot and its rows, plain frozen data.

The screen renders a :class:`Snapshot` as it is; nothing here reads the store.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from wms_tui.domain import shipping_days as days
from wms_tui.domain.enums import ManifestStatus, OrderStatus
from wms_tui.services.shop.status import SyncStatus

S = OrderStatus

OPEN_STATUSES: tuple[S, ...] = (
    S.NEW,
    S.READY_TO_PICK,
    S.BACKORDERED,
    S.ON_HOLD,
    S.PICKING,
    S.PICKED,
    S.PACKING,
    S.PACKED,
)
# Columns of the status matrix, in flow order; DISPATCHED and CANCELLED count today only.
MATRIX_STATUSES: tuple[S, ...] = (
    S.NEW,
    S.READY_TO_PICK,
    S.BACKORDERED,
    S.ON_HOLD,
    S.PICKING,
    S.PICKED,
    S.PACKING,
    S.PACKED,
    S.DISPATCHED,
    S.CANCELLED,
)
# Not packed yet but moving toward a pack station: these compete for pack slots.
FLOW_STATUSES = frozenset({S.NEW, S.READY_TO_PICK, S.PICKING, S.PICKED, S.PACKING})
BLOCKED_STATUSES = frozenset({S.ON_HOLD, S.BACKORDERED})
STUCK_STATUSES = FLOW_STATUSES
NO_CARRIER = "—"
MAX_LISTED = 200  # rows per list; counts are always complete


# --------------------------------------------------------------------------- snapshot


@dataclass(frozen=True)
class ServiceRow:
    """Orders of one carrier service, counted by status."""

    carrier_code: str
    service_code: str
    service_name: str
    cutoff: time | None
    cutoff_at: datetime | None
    counts: dict[str, int]  # status -> orders; DISPATCHED and CANCELLED: today only
    loaded: int = 0  # PACKED orders with every parcel on the truck
    at_risk: int = 0
    missed: int = 0
    late: int = 0

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def packed_waiting(self) -> int:
        return self.counts.get(S.PACKED.value, 0) - self.loaded

    @property
    def on_truck(self) -> int:
        """Loaded, or already gone today (the carrier's *handed over*)."""
        return self.loaded + self.counts.get(S.DISPATCHED.value, 0)


@dataclass(frozen=True)
class CarrierRow:
    """One truck: its cut-off and where its orders are in the flow."""

    carrier_id: int | None
    code: str
    name: str
    cutoff: time | None
    cutoff_at: datetime | None
    minutes_left: int | None
    unpicked: int = 0
    picking: int = 0
    packing: int = 0
    packed: int = 0
    handed_over: int = 0
    blocked: int = 0
    at_risk: int = 0
    missed: int = 0
    late: int = 0
    manifest: str = ""  # "", OPEN or CLOSED for today's manifest

    @property
    def to_do(self) -> int:
        """Orders that still need picking or packing before they can go."""
        return self.unpicked + self.picking + self.packing

    @property
    def outlook(self) -> str:
        """One word or two a supervisor reads first."""
        if self.manifest == ManifestStatus.CLOSED:
            return "closed"
        if self.minutes_left is not None and self.minutes_left < 0:
            return "cut-off passed"
        if self.at_risk:
            return f"{self.at_risk} at risk"
        if self.to_do == 0 and self.packed == 0:
            return "all loaded" if self.handed_over else "nothing due"
        if self.to_do == 0:
            return "load now"
        return "on track"


@dataclass(frozen=True)
class AttentionOrder:
    """An order a supervisor should look at, with every reason why."""

    order_id: int
    name: str
    carrier_code: str
    service_code: str
    status: str
    promised: date | None
    late_days: int = 0
    risk: str = ""  # "", "at risk" or "missed cut-off"
    eta: datetime | None = None
    cutoff_at: datetime | None = None
    stuck_minutes: int = 0
    last_event_at: datetime | None = None
    last_by: str = ""
    last_terminal: str = ""

    @property
    def reasons(self) -> list[str]:
        out: list[str] = []
        if self.late_days:
            out.append(f"late {self.late_days}d")
        if self.risk:
            out.append(self.risk)
        if self.stuck_minutes:
            out.append(f"stuck {days.duration_text(self.stuck_minutes)}")
        return out

    @property
    def severity(self) -> int:
        if self.late_days:
            return 0
        return {"missed cut-off": 1, "at risk": 2}.get(self.risk, 3)


@dataclass(frozen=True)
class ExceptionRow:
    id: int | None
    kind: str
    at: datetime | None
    order_id: int | None
    order_name: str
    sku: str
    location: str
    operator_name: str
    terminal: str
    message: str


@dataclass(frozen=True)
class ThroughputRow:
    """Work done today by one person: pickers in units, packers in orders."""

    operator_name: str
    role: str  # "pick" or "pack"
    unit: str  # "units" or "orders"
    by_hour: dict[int, int]  # local hour -> amount
    total: int

    @property
    def per_hour(self) -> float:
        """Average over the clock hours in which this person did any of it."""
        return self.total / len(self.by_hour) if self.by_hour else 0.0


@dataclass(frozen=True)
class Snapshot:
    now: datetime
    day: date
    tz: ZoneInfo
    pace_per_hour: float
    pace_measured: bool
    pace_basis: str  # "last 60 min" or "planned" (pace.Pace.basis)
    packed_today: int
    due_open: int  # orders due today not packed yet
    carriers: list[CarrierRow]
    services: list[ServiceRow]
    attention: list[AttentionOrder]
    n_at_risk: int
    n_missed: int
    n_late: int
    n_stuck: int
    exceptions: list[ExceptionRow]
    n_exceptions: int
    throughput: list[ThroughputRow]
    hours: list[int] = field(default_factory=list)  # local hours with any throughput
    shop: SyncStatus | None = None  # the shop sync, once `wms sync` has run

    def shop_line(self) -> str:
        """``shop sync 12:03 · 2 queued · 1 refused``; '' when there is no shop sync."""
        if self.shop is None:
            return ""
        sync = self.shop
        parts = [f"shop sync {self.local(sync.last_run)}"]
        if sync.queued:
            parts.append(f"{sync.queued} queued")
        if sync.failed:
            parts.append(f"{sync.failed} refused")
        if sync.last_error:
            parts.append(f"error: {sync.last_error}")
        return " · ".join(parts)

    def local(self, at: datetime | None, fmt: str = "%H:%M") -> str:
        return days.local_time(at, self.tz, fmt)
