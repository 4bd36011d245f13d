"""The rows every warehouse needs from its first day, demo or not: the return reasons.

``wms init`` writes them into a new store and the demo builder into its own; a
supervisor changes them later with ``wms returns reasons``.
"""

from __future__ import annotations

from wms_tui.domain.enums import ReasonCause
from wms_tui.domain.models import ReturnReason
from wms_tui.store import UnitOfWork

DEFAULT_RETURN_REASONS: tuple[tuple[str, str, ReasonCause], ...] = (
    ("WRONG_ITEM", "Wrong item sent", ReasonCause.PICK),
    ("DAMAGED_PACKING", "Damaged by packing", ReasonCause.PACK),
    ("DAMAGED_TRANSIT", "Damaged in transit", ReasonCause.CARRIER),
    ("LATE", "Late delivery", ReasonCause.CARRIER),
    ("NOT_AS_DESCRIBED", "Not as described", ReasonCause.SUPPLIER),
    ("CHANGED_MIND", "Changed mind", ReasonCause.CUSTOMER),
    ("WRONG_SIZE", "Wrong size ordered", ReasonCause.CUSTOMER),
    ("MISTAKE", "Ordered by mistake", ReasonCause.CUSTOMER),
)


def seed_reference_data(uow: UnitOfWork) -> None:
    """Rows every warehouse needs, demo or not: return reasons, default stations."""
    s = uow.session
    for code, label, cause in DEFAULT_RETURN_REASONS:
        if s.get(ReturnReason, code) is None:
            s.add(ReturnReason(code=code, label=label, controllable=cause.ours, cause=cause.value))
