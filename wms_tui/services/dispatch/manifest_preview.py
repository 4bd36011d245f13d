"""What closing a carrier's manifest would do, for the confirmation: the parcels
loaded and left behind, and what blocks the close (a cancelled order on the
truck, an order not loaded whole).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from wms_tui.domain import shipping_days as days
from wms_tui.domain.clock import utcnow
from wms_tui.domain.enums import OrderStatus, ParcelStatus
from wms_tui.domain.models import Parcel
from wms_tui.services.core.clock import warehouse_zone
from wms_tui.services.dispatch.dock import ParcelLine, dock_status
from wms_tui.services.dispatch.handover import cancelled_message
from wms_tui.store import Store


@dataclass(frozen=True)
class CloseOutPreview:
    """What closing would do, for the confirmation dialog."""

    carrier_code: str
    carrier_name: str
    day: date
    manifest_number: str
    manifest_status: str
    loaded: list[ParcelLine]
    waiting: list[ParcelLine]
    problems: list[str]  # each one blocks the close-out
    # When the parcels not loaded go: closing an earlier day's manifest (a shift past
    # midnight) leaves them for today's truck, not tomorrow's.
    waits_for: str = "tomorrow"

    @property
    def orders(self) -> int:
        return len({p.order_id for p in self.loaded})

    @property
    def weight_g(self) -> int:
        return sum(p.weight_g or 0 for p in self.loaded)


def _problems(session: Session, loaded: list[ParcelLine]) -> list[str]:
    """Loaded parcels that cannot be dispatched as they are."""
    out: list[str] = []
    ids = sorted({p.order_id for p in loaded})
    if not ids:
        return out
    on_truck: dict[int, int] = defaultdict(int)
    for p in loaded:
        on_truck[p.order_id] += 1
    all_parcels: dict[int, list[tuple[int, int, str]]] = defaultdict(list)
    for oid, seq, count, status in session.exec(
        select(Parcel.order_id, Parcel.seq, Parcel.count, Parcel.status).where(
            col(Parcel.order_id).in_(ids), Parcel.status != ParcelStatus.VOID
        )
    ).all():
        all_parcels[oid].append((seq, count, str(status)))
    seen: set[int] = set()
    for p in loaded:
        if p.order_id in seen:
            continue
        seen.add(p.order_id)
        if p.order_status == OrderStatus.CANCELLED:
            out.append(cancelled_message(p.order_name, p.code))
            continue
        if p.order_status != OrderStatus.PACKED:
            out.append(
                f"Order {p.order_name} is {OrderStatus(p.order_status).label}: "
                f"take parcel {p.code} out"
            )
            continue
        parcels = all_parcels[p.order_id]
        expected = max([p.count] + [c for _, c, _ in parcels])
        missing = [
            seq
            for seq, _, status in parcels
            if status not in (ParcelStatus.LOADED, ParcelStatus.MANIFESTED)
        ]
        if missing or on_truck[p.order_id] < expected:
            which = f"parcel {missing[0]} of {expected}" if missing else "a parcel"
            out.append(
                f"Order {p.order_name}: {which} is not loaded — load it or take the others out"
            )
    return out


def preview(session: Session, carrier_code: str, day: date | None = None) -> CloseOutPreview:
    dock = dock_status(session, carrier_code, day=day)
    loaded = [p for p in dock.loaded if p.status == ParcelStatus.LOADED]
    today = days.local_day(utcnow(), warehouse_zone(session))
    return CloseOutPreview(
        carrier_code=dock.carrier_code,
        carrier_name=dock.carrier_name,
        day=dock.day,
        manifest_number=dock.manifest_number,
        manifest_status=dock.manifest_status,
        loaded=loaded,
        waiting=dock.waiting,
        problems=_problems(session, loaded),
        waits_for="tomorrow" if dock.day >= today else "today's truck",
    )


def preview_close(store: Store, carrier_code: str, day: date | None = None) -> CloseOutPreview:
    with store.read() as session:
        return preview(session, carrier_code, day)
