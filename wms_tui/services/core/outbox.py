"""The outbox: messages to outside systems written in the same transaction as
the change they report, sent later, retried with backoff.

One table (``ShopOutbox``) serves every kind (fulfilments to the shop, our own
outgoing webhooks); each sender reads what is due here and books each attempt
with :func:`retry_delay`, so every kind backs off the same way.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import col, select

from wms_tui.domain.models.integration import ShopOutbox
from wms_tui.store import Store

FIRST_RETRY = timedelta(minutes=1)
LAST_RETRY = timedelta(hours=1)


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th failure: doubling, 1 minute to 1 hour."""
    return min(LAST_RETRY, FIRST_RETRY * 2 ** max(0, attempts - 1))


def due(store: Store, kind: str, now: datetime, limit: int) -> list[ShopOutbox]:
    """Messages of ``kind`` waiting for (another) try at ``now``, oldest first, detached."""
    with store.read() as s:
        rows = s.exec(
            select(ShopOutbox)
            .where(
                ShopOutbox.kind == kind,
                col(ShopOutbox.done_at).is_(None),
                col(ShopOutbox.failed).is_(False),
                ShopOutbox.next_try_at <= now,
            )
            .order_by(col(ShopOutbox.id))
            .limit(limit)
        ).all()
        s.expunge_all()  # read after the snapshot is rolled back
    return list(rows)
