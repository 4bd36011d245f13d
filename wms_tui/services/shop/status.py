"""The sync in one line, for a supervisor: when it last ran, what waits, what failed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, func, select

from wms_tui.adapters.shopify.order_shapes import parse_time
from wms_tui.domain.models.integration import ShopOutbox, ShopSyncState
from wms_tui.services.shop import state


@dataclass(frozen=True)
class SyncStatus:
    last_run: datetime | None
    queued: int  # fulfilments not yet in the shop (retrying included)
    failed: int  # fulfilments the shop refused: a supervisor's to fix
    last_error: str


def sync_status(session: Session) -> SyncStatus | None:
    """None when this warehouse has never synced with a shop (nothing to show).

    One query: the dispatch overview calls this on every refresh.
    """

    def value(key: str):  # noqa: ANN202 - a scalar subquery
        return select(ShopSyncState.value).where(ShopSyncState.key == key).scalar_subquery()

    def count(failed: bool):  # noqa: ANN202 - a scalar subquery
        return (
            select(func.count())
            .select_from(ShopOutbox)
            .where(
                col(ShopOutbox.done_at).is_(None),
                ShopOutbox.kind == "fulfillment",
                ShopOutbox.failed == failed,
            )
            .scalar_subquery()
        )

    last, error, queued, failed = session.exec(
        select(value(state.LAST_RUN), value(state.LAST_ERROR), count(False), count(True))
    ).one()
    if not last:
        return None
    return SyncStatus(
        last_run=parse_time(last),
        queued=int(queued or 0),
        failed=int(failed or 0),
        last_error=error or "",
    )
