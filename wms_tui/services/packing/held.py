"""What a station remembers of the order on its bench between two requests.

Every full station request (:func:`~wms_tui.services.packing.change.mutate`)
loads the order's rows, answers, and leaves them here: the snapshot the view
was built from and its carton plan. A good unit scan then needs none of them
again: :mod:`~wms_tui.services.packing.quick_scan` reads the scanned code and
writes the unit with one guarded ``UPDATE`` whose ``WHERE`` says "the order
is still open here, as I last saw it". When another terminal changed anything
the station relies on (a take-over, a supervisor's cancel or hold, a line
short-shipped or changed by a re-import, a scan or parcel change made by
another process of this terminal), the guard matches no row and the request is
answered from the store as before: the station never answers from state the
store no longer has.

The memory is per store object and per terminal (one order on a bench at a
time), so it is bounded by the terminals of this process and dropped with the
store.
"""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass

from wms_tui.domain.actor import Actor
from wms_tui.domain.enums import ParcelStatus
from wms_tui.domain.models import OrderLine, Parcel
from wms_tui.domain.planning import cartonization as cz
from wms_tui.services.packing import rules
from wms_tui.store import Store


@dataclass
class HeldOrder:
    """One order's rows as the last committed request left them (detached, read only
    except by the quick scan after its commit)."""

    operator_id: int | None
    terminal: str
    snapshot: rules.PackSnapshot
    suggestion: cz.Suggestion | None

    @property
    def order_id(self) -> int:
        return self.snapshot.order.id  # type: ignore[return-value]

    @property
    def current(self) -> Parcel | None:
        parcels = self.snapshot.open_parcels
        return parcels[-1] if parcels else None

    @property
    def last_scan_id(self) -> int:
        return max((sc.id or 0 for sc in self.snapshot.scans), default=0)

    def line_totals(self) -> tuple[int, int, int]:
        """(lines, units ordered, units short): what the guard compares for every line."""
        lines: list[OrderLine] = self.snapshot.lines
        return len(lines), sum(ln.quantity for ln in lines), sum(ln.qty_short for ln in lines)

    def live_parcels(self) -> int:
        return sum(1 for p in self.snapshot.parcels if p.status != ParcelStatus.VOID)


_lock = threading.Lock()
_held: weakref.WeakKeyDictionary[Store, dict[str, HeldOrder]] = weakref.WeakKeyDictionary()


def remember(store: Store, actor: Actor, held: HeldOrder) -> None:
    with _lock:
        _held.setdefault(store, {})[actor.terminal] = held


def recall(store: Store, actor: Actor, order_id: int) -> HeldOrder | None:
    """What this terminal holds of ``order_id``, if it was the operator's own request."""
    with _lock:
        held = _held.get(store, {}).get(actor.terminal)
    if held is None or held.order_id != order_id or held.operator_id != actor.operator_id:
        return None
    return held


def forget(store: Store, actor: Actor) -> None:
    with _lock:
        _held.get(store, {}).pop(actor.terminal, None)
