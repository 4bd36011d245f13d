"""The supervisor's dispatch overview: one read model, one snapshot.

:func:`snapshot` (what the screen calls) and :func:`overview` (inside a caller's read,
as the delay list does) return a plain :class:`Snapshot` the screen renders as it is.
Every statement is bounded by an index range on *today*, by the open orders' index, or
by the orders it lists; the open orders are counted per group in the store and only the
listed ones come back as rows (``docs/performance.md``, ``python -m bench --only
dispatch_overview``).

The parts: :mod:`model` (the snapshot's rows), :mod:`read` (the statements of one
refresh, in order), :mod:`today` (today's work), :mod:`open_work` (the open orders),
:mod:`assemble` (rows into the snapshot, pure); the rules (pace, at risk, late, stuck,
the pipeline buckets) are :mod:`~wms_tui.services.dispatch.overview_rules`, pure and
tested without a store.
"""

from wms_tui.services.dispatch.overview.model import (
    BLOCKED_STATUSES,
    FLOW_STATUSES,
    MATRIX_STATUSES,
    MAX_LISTED,
    NO_CARRIER,
    OPEN_STATUSES,
    STUCK_STATUSES,
    AttentionOrder,
    CarrierRow,
    ExceptionRow,
    ServiceRow,
    Snapshot,
    ThroughputRow,
)
from wms_tui.services.dispatch.overview.read import overview, snapshot

__all__ = [
    "BLOCKED_STATUSES",
    "FLOW_STATUSES",
    "MATRIX_STATUSES",
    "MAX_LISTED",
    "NO_CARRIER",
    "OPEN_STATUSES",
    "STUCK_STATUSES",
    "AttentionOrder",
    "CarrierRow",
    "ExceptionRow",
    "ServiceRow",
    "Snapshot",
    "ThroughputRow",
    "overview",
    "snapshot",
]
