"""``wms sync`` against the fake shop: orders in, fulfilments out, stock levels out."""

from __future__ import annotations

import json

import pytest
from sqlmodel import select

from tests.fakes.shopify_admin import FakeShop, Fault, order_node
from tests.worlds import factories as f
from tests.worlds import intake as w
from wms_tui.adapters.shopify.admin_api import AdminApi
from wms_tui.domain.clock import utcnow
from wms_tui.domain.enums import ExceptionKind, OrderStatus, ParcelStatus
from wms_tui.domain.models import Event, Order, OrderLine, PackScan, Product, WmsException
from wms_tui.domain.models.integration import ShopOutbox
from wms_tui.services.core import outbox
from wms_tui.services.dispatch import handover
from wms_tui.services.shop import fulfilments, orders_in, state, stock_push, sync
from wms_tui.services.shop.status import sync_status
from wms_tui.store import Store

S = OrderStatus


def packed(
    store: Store, shop: FakeShop, number: int, lines: list[tuple[str, int]], parcels: list[dict]
) -> list[str]:
    """An order from the shop packed into ``parcels`` ({sku: units}); their tracking numbers."""
    node = shop.add_order(order_node(number, lines))
    assert orders_in.apply(store, orders_in.GRAPHQL, node).outcome == "created"
    numbers = []
    with store.unit_of_work() as uow:
        s = uow.session
        order = s.exec(select(Order).where(Order.name == f"#{number}")).one()
        order.status = S.PACKED
        uow.add(order)
        by_sku = {
            ln.sku: ln for ln in s.exec(select(OrderLine).where(OrderLine.order_id == order.id))
        }
        for seq, contents in enumerate(parcels, start=1):
            tracking = f"RR{number}{seq:03d}SE"
            p = f.parcel(
                uow, order, seq=seq, count=len(parcels), tracking=tracking, packed_by_name="Johan"
            )
            for sku, qty in contents.items():
                uow.add(
                    PackScan(
                        order_id=order.id, order_line_id=by_sku[sku].id, parcel_id=p.id, qty=qty
                    )
                )
            numbers.append(tracking)
        uow.commit()
    return numbers


def test_orders_are_pulled_page_by_page_and_a_restart_resumes(
    empty_store: Store, api: AdminApi, fake_shop: FakeShop, monkeypatch
):
    w.shop(empty_store)
    monkeypatch.setattr("wms_tui.adapters.shopify.admin_api.ORDER_PAGE", 2)
    for n in range(5):
        fake_shop.add_order(
            order_node(1001 + n, [("MUG-FIKA", 1)], updated=f"2026-12-01T10:0{n}:00Z")
        )
    calls = 0
    real = api.orders_page

    def crash_after_two_pages(search, after):
        nonlocal calls
        calls += 1
        if calls == 3:
            raise KeyboardInterrupt  # the process dies mid-pull
        return real(search, after)

    monkeypatch.setattr(api, "orders_page", crash_after_two_pages)
    with pytest.raises(KeyboardInterrupt):
        sync.pull_orders(empty_store, api, sync.SyncReport())
    assert sorted(w.orders_by_name(empty_store)) == ["#1001", "#1002", "#1003", "#1004"]
    with empty_store.read() as s:
        assert state.get(s, state.CURSOR)
    monkeypatch.setattr(api, "orders_page", real)
    report = sync.SyncReport()
    sync.pull_orders(empty_store, api, report)
    # Resumed at the saved cursor: only the last page was read again.
    assert report.orders == {"created": 1}
    with empty_store.read() as s:
        assert state.get(s, state.CURSOR) == ""
        assert state.get(s, state.WATERMARK).startswith("2026-12-01T10:04:00")
    # The next pass asks only for what changed since (inclusive) and finds nothing new.
    report = sync.SyncReport()
    sync.pull_orders(empty_store, api, report)
    assert report.orders == {"unchanged": 1}
    assert (
        "updated_at:>='2026-12-01T10:04:00+00:00'" in fake_shop.requests[-1]["variables"]["query"]
    )


def test_a_parcel_handed_over_is_fulfilled_with_its_tracking_number(
    empty_store: Store, api: AdminApi, fake_shop: FakeShop
):
    w.shop(empty_store)
    actor = f.supervisor_actor(empty_store)
    [number] = packed(empty_store, fake_shop, 1001, [("MUG-FIKA", 2)], [{"MUG-FIKA": 2}])
    handover.load_parcel(empty_store, actor, "POSTNORD", number)
    with empty_store.read() as s:
        row = s.exec(select(ShopOutbox)).one()
        assert row.done_at is None and row.order_name == "#1001"
    assert fake_shop.created == []  # nothing went out inside the hand-over
    report = fulfilments.send_due(empty_store, api)
    assert report.sent == [f"#1001 {number}"]
    [sent] = fake_shop.created
    assert sent["trackingInfo"] == {
        "company": "PostNord",
        "number": number,
        "url": f"https://tracking.postnord.com/se/?id={number}",
    }
    assert sent["notifyCustomer"] is True
    [group] = sent["lineItemsByFulfillmentOrder"]
    assert [i["quantity"] for i in group["fulfillmentOrderLineItems"]] == [2]
    # Sent once: the next pass has nothing to do.
    assert fulfilments.send_due(empty_store, api).sent == []
    with empty_store.read() as s:
        ev = s.exec(select(Event).where(Event.kind == "shop.fulfilled")).one()
        assert ev.order_name == "#1001" and number in ev.detail


def test_a_partial_shipment_fulfils_only_what_left(
    empty_store: Store, api: AdminApi, fake_shop: FakeShop
):
    w.shop(empty_store)
    actor = f.supervisor_actor(empty_store)
    first, second = packed(
        empty_store,
        fake_shop,
        1002,
        [("MUG-FIKA", 2), ("HOOD-NAVY-S", 1)],
        [{"MUG-FIKA": 2}, {"HOOD-NAVY-S": 1}],
    )
    handover.load_parcel(empty_store, actor, "POSTNORD", first)
    fulfilments.send_due(empty_store, api)
    [fo] = fake_shop.fulfillment_orders["gid://shopify/Order/1002"]
    left = {li["lineItem"]["sku"]: li["remainingQuantity"] for li in fo["lineItems"]["nodes"]}
    assert left == {"MUG-FIKA": 0, "HOOD-NAVY-S": 1}
    handover.load_parcel(empty_store, actor, "POSTNORD", second)
    fulfilments.send_due(empty_store, api)
    left = {li["lineItem"]["sku"]: li["remainingQuantity"] for li in fo["lineItems"]["nodes"]}
    assert left == {"MUG-FIKA": 0, "HOOD-NAVY-S": 0}
    assert [c["trackingInfo"]["number"] for c in fake_shop.created] == [first, second]


def test_a_shop_that_is_down_is_tried_again_later_never_lost(
    empty_store: Store, api: AdminApi, fake_shop: FakeShop
):
    w.shop(empty_store)
    actor = f.supervisor_actor(empty_store)
    [number] = packed(empty_store, fake_shop, 1003, [("MUG-FIKA", 1)], [{"MUG-FIKA": 1}])
    handover.load_parcel(empty_store, actor, "POSTNORD", number)
    fake_shop.fail_next(*[Fault(status=503)] * 5)
    report = fulfilments.send_due(empty_store, api)
    assert report.retrying == ["#1003"] and fake_shop.created == []
    with empty_store.read() as s:
        row = s.exec(select(ShopOutbox)).one()
        assert row.attempts == 1 and "503" in row.last_error and not row.failed
        assert row.next_try_at > utcnow()
        assert sync_status(s) is None  # `wms sync` has not run yet: nothing to show
    # Not due yet: nothing is sent before its time.
    assert fulfilments.send_due(empty_store, api).sent == []
    later = utcnow() + outbox.retry_delay(1)
    assert fulfilments.send_due(empty_store, api, now=later).sent == [f"#1003 {number}"]


def test_a_refusal_stops_the_row_and_tells_a_supervisor(
    empty_store: Store, api: AdminApi, fake_shop: FakeShop
):
    w.shop(empty_store)
    actor = f.supervisor_actor(empty_store)
    [number] = packed(empty_store, fake_shop, 1004, [("MUG-FIKA", 1)], [{"MUG-FIKA": 1}])
    # Someone fulfilled it by hand in the shop already (another tracking number).
    [fo] = fake_shop.fulfillment_orders["gid://shopify/Order/1004"]
    fo["lineItems"]["nodes"][0]["remainingQuantity"] = 0
    handover.load_parcel(empty_store, actor, "POSTNORD", number)
    report = fulfilments.send_due(empty_store, api)
    assert report.failed == ["#1004"]
    with empty_store.read() as s:
        row = s.exec(select(ShopOutbox)).one()
        assert row.failed and "0 of 1 units of MUG-FIKA" in row.last_error
        exc = s.exec(select(WmsException).where(WmsException.kind == ExceptionKind.SHOP_SYNC)).one()
        assert "#1004" in exc.message and "wms sync --retry-failed" in exc.message
    fo["lineItems"]["nodes"][0]["remainingQuantity"] = 1  # fixed in the shop
    assert fulfilments.retry_failed(empty_store) == 1
    assert fulfilments.send_due(empty_store, api).sent == [f"#1004 {number}"]
    with empty_store.read() as s:
        exc = s.exec(select(WmsException).where(WmsException.kind == ExceptionKind.SHOP_SYNC)).one()
        assert exc.resolved_at is not None  # sent at last: nothing left to look at


def test_a_send_repeated_after_a_crash_does_not_fulfil_twice(
    empty_store: Store, api: AdminApi, fake_shop: FakeShop
):
    w.shop(empty_store)
    actor = f.supervisor_actor(empty_store)
    [number] = packed(empty_store, fake_shop, 1005, [("MUG-FIKA", 1)], [{"MUG-FIKA": 1}])
    handover.load_parcel(empty_store, actor, "POSTNORD", number)
    plan = fulfilments._plan(empty_store, _outbox(empty_store))
    fulfilments.send(api, plan, True)  # sent, then the process died before marking it
    assert fulfilments.send_due(empty_store, api).sent == [f"#1005 {number}"]
    assert len(fake_shop.created) == 1


def test_a_parcel_taken_off_the_truck_before_sending_is_withdrawn(
    empty_store: Store, api: AdminApi, fake_shop: FakeShop
):
    w.shop(empty_store)
    actor = f.supervisor_actor(empty_store)
    [number] = packed(empty_store, fake_shop, 1006, [("MUG-FIKA", 1)], [{"MUG-FIKA": 1}])
    handover.load_parcel(empty_store, actor, "POSTNORD", number)
    handover.take_out(empty_store, actor, "POSTNORD", number)
    assert fulfilments.send_due(empty_store, api).sent == []
    with empty_store.read() as s:
        assert s.exec(select(ShopOutbox)).all() == []


def _outbox(store: Store) -> ShopOutbox:
    with store.read() as s:
        row = s.exec(select(ShopOutbox)).one()
        s.expunge(row)
        return row


def test_stock_levels_follow_and_only_changes_are_sent(
    empty_store: Store, api: AdminApi, fake_shop: FakeShop
):
    w.shop(empty_store)
    mug = fake_shop.add_variant("MUG-FIKA")
    hood = fake_shop.add_variant("HOOD-NAVY-S")
    w.stock_up(empty_store, MUG_FIKA=12, HOOD_NAVY_S=3)
    report = stock_push.push(empty_store, api)
    assert report.pushed["MUG-FIKA"] == 12 and report.pushed["HOOD-NAVY-S"] == 3
    assert fake_shop.levels[(mug, fake_shop.location)] == 12
    assert "SOCK-ARE-3639" in report.not_in_shop
    calls = len(fake_shop.requests)
    assert stock_push.push(empty_store, api).pushed == {}
    assert len(fake_shop.requests) == calls  # nothing changed: not even a question
    w.stock_up(empty_store, HOOD_NAVY_S=2)
    assert stock_push.push(empty_store, api).pushed == {"HOOD-NAVY-S": 5}
    assert fake_shop.levels[(hood, fake_shop.location)] == 5


def test_stock_is_pushed_a_batch_at_a_time_and_a_failure_keeps_the_batches_sent(
    empty_store: Store, api: AdminApi, fake_shop: FakeShop, monkeypatch: pytest.MonkeyPatch
):
    """Before, every SKU was read and sent at once and a shop failing half-way
    left nothing recorded: the next pass sent everything again."""
    from wms_tui.adapters.shopify.admin_api import ShopError
    from wms_tui.domain.models.integration import ShopStockPushed

    w.shop(empty_store)
    with empty_store.read() as s:
        skus = sorted(p.sku for p in s.exec(select(Product)))
    for sku in skus:
        fake_shop.add_variant(sku)
    monkeypatch.setattr(stock_push, "BATCH", 2)
    asked: list[list[str]] = []
    real = api.inventory_items

    def items_then_fail(batch: list[str]) -> dict[str, str]:
        asked.append(batch)
        if len(asked) == 2:
            raise ShopError("the shop is down (503)", retryable=True)
        return real(batch)

    monkeypatch.setattr(api, "inventory_items", items_then_fail)
    with pytest.raises(ShopError):
        stock_push.push(empty_store, api)
    assert asked == [skus[:2], skus[2:4]]
    with empty_store.read() as s:
        assert sorted(s.exec(select(ShopStockPushed.sku)).all()) == skus[:2]
    monkeypatch.setattr(api, "inventory_items", real)
    report = stock_push.push(empty_store, api)
    assert sorted(report.pushed) == skus[2:] and report.pushed_count == len(skus) - 2


def test_a_sync_pass_records_its_errors_for_the_supervisor(
    empty_store: Store, api: AdminApi, fake_shop: FakeShop
):
    w.shop(empty_store)
    fake_shop.fail_next(Fault(status=403, body=b'{"errors":"Forbidden: scope read_orders"}'))
    report = sync.run_once(empty_store, api, f.supervisor_actor(empty_store), stock=False)
    assert report.errors == [
        "orders: the shop refused the request (403): Forbidden: scope read_orders"
    ]
    with empty_store.read() as s:
        status = sync_status(s)
    assert status is not None and status.last_run is not None
    assert "403" in status.last_error and status.queued == 0


def test_held_payload_is_kept_for_the_next_pass(empty_store: Store):
    w.shop(empty_store)
    orders_in.apply(empty_store, orders_in.GRAPHQL, order_node(1007, [("NEW-SKU", 1)]))
    from wms_tui.domain.models.integration import ShopOrderLink

    with empty_store.read() as s:
        link = s.exec(select(ShopOrderLink)).one()
        assert json.loads(link.held_payload)["payload"]["name"] == "#1007"
    assert ParcelStatus.CLOSED  # keep import used


def test_an_order_from_a_csv_file_is_found_in_the_shop_by_name(
    empty_store: Store, api: AdminApi, fake_shop: FakeShop
):
    """Imported with `wms import orders` (no link to the shop's id): looked up by name."""
    from wms_tui.domain.models.integration import ShopOrderLink

    w.shop(empty_store)
    actor = f.supervisor_actor(empty_store)
    [number] = packed(empty_store, fake_shop, 1008, [("MUG-FIKA", 1)], [{"MUG-FIKA": 1}])
    with empty_store.unit_of_work() as uow:
        for link in uow.session.exec(select(ShopOrderLink)):
            uow.session.delete(link)
        uow.commit()
    handover.load_parcel(empty_store, actor, "POSTNORD", number)
    assert fulfilments.send_due(empty_store, api).sent == [f"#1008 {number}"]
    assert any(r["variables"].get("query") == 'name:"#1008"' for r in fake_shop.requests)


def test_an_order_the_shop_does_not_have_is_refused_not_lost(
    empty_store: Store, api: AdminApi, fake_shop: FakeShop
):
    w.shop(empty_store)
    actor = f.supervisor_actor(empty_store)
    [number] = packed(empty_store, fake_shop, 1009, [("MUG-FIKA", 1)], [{"MUG-FIKA": 1}])
    fake_shop.orders.clear()
    handover.load_parcel(empty_store, actor, "POSTNORD", number)
    report = fulfilments.send_due(empty_store, api)
    assert report.failed == ["#1009"]
    with empty_store.read() as s:
        row = s.exec(select(ShopOutbox)).one()
        assert row.failed and "has no order" in row.last_error


def test_older_shapes_of_the_api_are_understood(
    empty_store: Store, api: AdminApi, fake_shop: FakeShop
):
    """Connections as edges { node }, tags as one string, fulfillmentCreateV2 only."""
    w.shop(empty_store)
    actor = f.supervisor_actor(empty_store)
    fake_shop.edges = True
    fake_shop.only_v2 = True
    fake_shop.add_order(order_node(1010, [("MUG-FIKA", 1)], tags="vip, gift-wrap"))
    report = sync.SyncReport()
    sync.pull_orders(empty_store, api, report)
    assert report.orders == {"created": 1}
    assert w.orders_by_name(empty_store)["#1010"].tags == "vip,gift-wrap"
    [number] = packed(empty_store, fake_shop, 1011, [("MUG-FIKA", 1)], [{"MUG-FIKA": 1}])
    handover.load_parcel(empty_store, actor, "POSTNORD", number)
    assert fulfilments.send_due(empty_store, api).sent == [f"#1011 {number}"]
