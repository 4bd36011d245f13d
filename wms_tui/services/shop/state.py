"""The sync's small named values (cursor, watermark, last run, last error) in the store."""

from __future__ import annotations

from sqlmodel import Session

from wms_tui.domain.actor import Actor
from wms_tui.domain.enums import Role
from wms_tui.domain.models.integration import ShopSyncState

# Who the event log names for what the shop did (orders in, fulfilments out).
SHOP_ACTOR = Actor(
    operator_id=None, name="shopify", roles=frozenset(r.value for r in Role), terminal="sync"
)

CURSOR = "orders.cursor"
SEARCH = "orders.search"
WATERMARK = "orders.watermark"
LAST_RUN = "last_run"
LAST_ERROR = "last_error"
LAST_STOCK_PUSH = "stock.last_push"


def get(session: Session, key: str) -> str:
    row = session.get(ShopSyncState, key)
    return row.value if row else ""


def put(session: Session, key: str, value: str) -> None:
    row = session.get(ShopSyncState, key)
    if row is None:
        session.add(ShopSyncState(key=key, value=value))
    else:
        row.value = value
        session.add(row)
