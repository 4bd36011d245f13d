"""The sync in one line, for a supervisor: when it last ran, what waits, what failed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, func, select

from wms_tui.adapters.shopify.order_shapes import parse_time
from wms_tui.domain.integration_models import ShopOutbox
from wms_tui.services.shop import state


@dataclass(frozen=True)
class SyncStatus:
    last_run: datetime | None
    queued: int  # fulfilments not yet in the shop (retrying included)
    failed: int  # fulfilments the shop refused: a supervisor's to fix
    last_error: str


def sync_status(session: Session) -> SyncStatus | None:
    """None when this warehouse has never synced with a shop (nothing to show)."""
    last = state.get(session, state.LAST_RUN)
    if not last:
        return None
    counts = dict(
        session.exec(
            select(ShopOutbox.failed, func.count())
            .where(col(ShopOutbox.done_at).is_(None), ShopOutbox.kind == "fulfillment")
            .group_by(ShopOutbox.failed)
        ).all()
    )
    return SyncStatus(
        last_run=parse_time(last),
        queued=int(counts.get(False, 0)),
        failed=int(counts.get(True, 0)),
        last_error=state.get(session, state.LAST_ERROR),
    )
