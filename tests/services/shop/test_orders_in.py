"""Orders from the shop go through the CSV import's rules, one order per unit of work."""

from __future__ import annotations

from sqlmodel import select

from tests.fakes.shopify_admin import order_node
from tests.worlds import intake as w
from tests.worlds.dbstate import snapshot
from wms_tui.domain.enums import ExceptionKind, OrderStatus
from wms_tui.domain.models import Event, WmsException
from wms_tui.domain.models.integration import ShopOrderLink
from wms_tui.services.shop import orders_in
from wms_tui.store import Store

S = OrderStatus


def exceptions(store: Store) -> list[WmsException]:
    with store.read() as s:
        rows = list(s.exec(select(WmsException).order_by(WmsException.id)))
        s.expunge_all()
        return rows


def test_a_pulled_order_is_created_and_linked(empty_store: Store):
    w.shop(empty_store)
    done = orders_in.apply(empty_store, orders_in.GRAPHQL, order_node(1001, [("MUG-FIKA", 2)]))
    assert done.outcome == "created"
    order = w.orders_by_name(empty_store)["#1001"]
    assert order.status == S.NEW and order.channel == "shopify"
    assert order.ship_city == "Jönköping" and order.gift_message == "Grattis!"
    assert order.service_id is not None  # "PostNord MyPack Collect" matched a service
    assert w.lines_of(empty_store, "#1001") == {"MUG-FIKA": 2}
    with empty_store.read() as s:
        link = s.exec(select(ShopOrderLink)).one()
        assert link.shop_order_id == "gid://shopify/Order/1001"
        assert "gid://shopify/LineItem/10010" in link.line_items


def test_the_same_order_again_changes_nothing(empty_store: Store):
    w.shop(empty_store)
    node = order_node(1001, [("MUG-FIKA", 2)])
    orders_in.apply(empty_store, orders_in.GRAPHQL, node)
    before = snapshot(empty_store)
    again = orders_in.apply(empty_store, orders_in.GRAPHQL, node)
    assert again.outcome == "unchanged"
    after = snapshot(empty_store)
    # Only the link's applied_at moves.
    after.pop("shop_order_link"), before.pop("shop_order_link")
    assert after == before


def test_an_older_version_never_overwrites_a_newer_one(empty_store: Store):
    w.shop(empty_store)
    new = order_node(1001, [("MUG-FIKA", 3)], updated="2026-12-01T11:00:00Z")
    old = order_node(1001, [("MUG-FIKA", 1)], updated="2026-12-01T10:00:00Z")
    orders_in.apply(empty_store, orders_in.GRAPHQL, new)
    before = snapshot(empty_store)
    assert orders_in.apply(empty_store, orders_in.GRAPHQL, old).outcome == "stale"
    assert snapshot(empty_store) == before
    assert w.lines_of(empty_store, "#1001") == {"MUG-FIKA": 3}


def test_an_unknown_sku_holds_the_order_with_an_exception_naming_it(empty_store: Store):
    w.shop(empty_store)
    node = order_node(1002, [("MUG-FIKA", 1), ("LAMP-NEW-1", 2)])
    done = orders_in.apply(empty_store, orders_in.GRAPHQL, node)
    assert done.outcome == "created, held"
    order = w.orders_by_name(empty_store)["#1002"]
    assert order.status == S.ON_HOLD and order.hold_reason == "unknown SKU LAMP-NEW-1"
    # Never half-imported: no line at all until every SKU is known.
    assert w.lines_of(empty_store, "#1002") == {}
    [exc] = exceptions(empty_store)
    assert exc.kind == ExceptionKind.UNKNOWN_SKU and exc.sku == "LAMP-NEW-1"
    assert "LAMP-NEW-1" in exc.message and exc.order_id == order.id
    # Sent again (a webhook replay, the next pull): still one exception, still held.
    assert orders_in.apply(empty_store, orders_in.GRAPHQL, node).outcome == "unchanged"
    assert len(exceptions(empty_store)) == 1


def test_the_hold_lifts_once_the_product_exists(empty_store: Store, tmp_path):
    w.shop(empty_store)
    orders_in.apply(
        empty_store, orders_in.GRAPHQL, order_node(1002, [("MUG-FIKA", 1), ("LAMP-NEW-1", 2)])
    )
    csv = w.write_csv(
        tmp_path / "p.csv",
        [w.product_row(handle="lamp", **{"Variant SKU": "LAMP-NEW-1", "Title": "Lamp"})],
        w.PRODUCT_HEADER,
    )
    from wms_tui.services.intake.product_import import import_products

    assert import_products(empty_store, csv).ok
    [retried] = orders_in.retry_held(empty_store)
    assert retried.outcome == "hold lifted, updated"
    order = w.orders_by_name(empty_store)["#1002"]
    assert order.status == S.NEW and order.hold_reason == ""
    assert w.lines_of(empty_store, "#1002") == {"MUG-FIKA": 1, "LAMP-NEW-1": 2}
    [exc] = exceptions(empty_store)
    assert exc.resolved_at is not None
    assert orders_in.retry_held(empty_store) == []


def test_an_unreadable_order_changes_nothing_and_is_shown_once(empty_store: Store):
    w.shop(empty_store)
    before = snapshot(empty_store)
    bad = order_node(1003, [("MUG-FIKA", 0 - 5)])
    done = orders_in.apply(empty_store, orders_in.GRAPHQL, bad)
    assert done.outcome == "refused" and "at least 1" in done.detail
    orders_in.apply(empty_store, orders_in.GRAPHQL, bad)
    after = snapshot(empty_store)
    [exc] = after.pop("wms_exception")
    before.pop("wms_exception")
    assert after == before
    assert exceptions(empty_store)[0].kind == ExceptionKind.SHOP_SYNC
    # Fixed in the shop: the order comes in and the exception closes.
    fixed = order_node(1003, [("MUG-FIKA", 1)], updated="2026-12-01T11:00:00Z")
    assert orders_in.apply(empty_store, orders_in.GRAPHQL, fixed).outcome == "created"
    assert exceptions(empty_store)[0].resolved_at is not None


def test_cancelled_in_the_shop_cancels_here(empty_store: Store):
    w.shop(empty_store)
    orders_in.apply(empty_store, orders_in.GRAPHQL, order_node(1004, [("MUG-FIKA", 1)]))
    cancel = order_node(
        1004, [("MUG-FIKA", 1)], updated="2026-12-01T12:00:00Z", cancelled="2026-12-01T12:00:00Z"
    )
    assert orders_in.apply(empty_store, orders_in.GRAPHQL, cancel).outcome == "cancelled"
    assert w.orders_by_name(empty_store)["#1004"].status == S.CANCELLED
    with empty_store.read() as s:
        ev = s.exec(select(Event).where(Event.to_state == "CANCELLED")).one()
        assert ev.operator_name == "shopify"


def test_unpaid_orders_wait_on_a_payment_hold(empty_store: Store):
    w.shop(empty_store)
    node = order_node(1005, [("MUG-FIKA", 1)], financial="PENDING")
    assert orders_in.apply(empty_store, orders_in.GRAPHQL, node).outcome == "created, held"
    order = w.orders_by_name(empty_store)["#1005"]
    assert order.status == S.ON_HOLD and order.hold_reason == "payment pending"
