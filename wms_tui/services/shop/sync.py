"""One pass of the shop sync (``wms sync``), or passes forever (``--follow``).

A pass: try again the orders waiting on an unknown SKU, pull the orders the
shop changed since the last pass, fill the customs facts (HS code, origin,
value) that open orders leaving the EU still lack (``customs_pull``), release
orders past their grace period (so an order paid at 11:55 makes a 12:00 wave),
send the fulfilments that are due, and push the stock levels that changed.
Each step stands alone: a shop that is down stops that step with its message
in ``last_error`` (shown on the dispatch overview) and the next pass starts
where this one stopped.

Incremental pull, neither missing nor repeating across a restart:
``orders.search`` is ``updated_at:>='<watermark>'`` (inclusive: two orders
updated in the same second are both seen), pages are walked with the
GraphQL cursor, and the cursor is saved after each page's orders are
committed. A restart resumes the same search from the saved cursor; at the
end of the search the watermark moves to the newest ``updatedAt`` seen. An
order seen twice is "unchanged" (the import's fingerprint).
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from wms_tui.adapters.shopify.admin_api import AdminApi, ShopError
from wms_tui.adapters.shopify.order_shapes import parse_time
from wms_tui.domain.actor import Actor
from wms_tui.domain.clock import utcnow
from wms_tui.domain.enums import Role
from wms_tui.services.intake import release as releasing
from wms_tui.services.shop import customs_pull, fulfilments, orders_in, state, stock_push
from wms_tui.services.shop.orders_in import Applied
from wms_tui.services.shop.state import SHOP_ACTOR
from wms_tui.store import Store, retrying

MAX_PAGES = 200  # per pass; the next pass goes on from the saved cursor
SHOWN_REFUSED = 100  # refused orders a report lists (all are counted)


@dataclass
class SyncReport:
    orders: Counter[str] = field(default_factory=Counter)
    refused: list[str] = field(default_factory=list)
    released: int = 0
    fulfilments: fulfilments.SendReport = field(default_factory=fulfilments.SendReport)
    stock: stock_push.StockReport | None = None
    customs: customs_pull.CustomsPull | None = None  # None: nothing was asked this pass
    errors: list[str] = field(default_factory=list)

    def count(self, applied: Applied) -> None:
        for word in applied.outcome.split(", "):
            self.orders[word] += 1
        # All counted, the first ones kept: a pass over a shop of bad orders
        # must not grow with the shop (each is also a SHOP_SYNC exception).
        if applied.outcome == "refused" and len(self.refused) < SHOWN_REFUSED:
            self.refused.append(applied.detail)


def _search(watermark: str) -> str:
    return f"updated_at:>='{watermark}'" if watermark else ""


def pull_orders(
    store: Store, api: AdminApi, report: SyncReport, *, actor: Actor = SHOP_ACTOR
) -> None:
    actor.require(Role.SUPERVISOR, action="import orders")
    with store.read() as s:
        cursor = state.get(s, state.CURSOR) or None
        watermark = state.get(s, state.WATERMARK)
        search = state.get(s, state.SEARCH) if cursor else _search(watermark)
    newest = parse_time(watermark)
    for _ in range(MAX_PAGES):
        nodes, end, more = api.orders_page(search, cursor)
        for node in nodes:
            report.count(orders_in.apply(store, orders_in.GRAPHQL, node, actor=actor))
            seen = parse_time(node.get("updatedAt"))
            if seen is not None and (newest is None or seen > newest):
                newest = seen
        if more and end:
            _put_state(store, {state.CURSOR: end, state.SEARCH: search})
        else:
            done = {state.CURSOR: "", state.SEARCH: ""}
            if newest is not None:
                done[state.WATERMARK] = newest.isoformat()
            _put_state(store, done)
        if not (more and end):
            return
        cursor = end


def run_once(
    store: Store,
    api: AdminApi,
    actor: Actor,
    *,
    orders: bool = True,
    stock: bool = True,
    full_stock: bool = False,
    now: datetime | None = None,
) -> SyncReport:
    """One pass as ``actor`` (the service account ``wms sync`` runs as: the event
    log names it for every order imported, released and fulfilled)."""
    actor.require(Role.SUPERVISOR, action="sync with the shop")
    report = SyncReport()
    steps: list[tuple[str, Callable[[], None]]] = []
    if orders:
        # Held ones first: an order held by this pass's pull waits for the next.
        steps.append(
            (
                "held orders",
                lambda: [report.count(a) for a in orders_in.retry_held(store, actor=actor)],
            )
        )
        steps.append(("orders", lambda: pull_orders(store, api, report, actor=actor)))

    def release() -> None:
        done = releasing.release(store, actor, now)
        report.released = sum(map(len, done.due.values())) + len(done.backorders_released)

    def customs() -> None:
        report.customs = customs_pull.pull_for_orders(store, actor, api, now=now)

    if orders:
        # Before packing meets them: a parcel leaving the EU without them is refused at close.
        steps.append(("customs", customs))
        steps.append(("release", release))

    def send() -> None:
        report.fulfilments = fulfilments.send_due(store, api, actor=actor, now=now)

    steps.append(("fulfilments", send))
    if stock:

        def push() -> None:
            report.stock = stock_push.push(store, api, full=full_stock)

        steps.append(("stock", push))
    for name, step in steps:
        try:
            step()
        except ShopError as exc:
            report.errors.append(f"{name}: {exc.message}")
    _put_state(
        store,
        {
            state.LAST_RUN: (now or utcnow()).isoformat(),
            state.LAST_ERROR: "; ".join(report.errors)[:500],
        },
    )
    return report


@retrying
def _put_state(store: Store, values: dict[str, str]) -> None:
    """The sync's named values, in one transaction (the shop is not asked inside it)."""
    with store.unit_of_work() as uow:
        for key, value in values.items():
            state.put(uow.session, key, value)
        uow.commit()


def follow(
    store: Store,
    api: AdminApi,
    actor: Actor,
    *,
    interval: float,
    on_report: Callable[[SyncReport], None],
    keep_going: Callable[[], bool] = lambda: True,
    sleep: Callable[[float], None] = time.sleep,
) -> None:
    """Passes every ``interval`` seconds until ``keep_going`` says no (or Ctrl+C)."""
    actor.require(Role.SUPERVISOR, action="sync with the shop")
    while keep_going():
        on_report(run_once(store, api, actor))
        sleep(interval)
