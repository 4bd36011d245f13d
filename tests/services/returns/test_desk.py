"""Returns: lookup by slip, tracking or name; restock, quarantine, scrap; resolutions."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import select

from tests.worlds import factories as f
from tests.worlds.dbstate import snapshot
from tests.worlds.returns import (
    MUG_EAN,
    TEE_L_EAN,
    World,
    add_shipped_order,
    build_world,
    order_status,
    stock,
)
from wms_tui.domain.actor import Actor
from wms_tui.domain.codes import rma_code
from wms_tui.domain.enums import (
    Disposition,
    MovementReason,
    OrderStatus,
    Resolution,
)
from wms_tui.domain.errors import DomainError, NotFound, PermissionDenied
from wms_tui.domain.models import (
    Allocation,
    Event,
    Location,
    Order,
    OrderLine,
    Product,
    ReturnLine,
    ReturnReceipt,
    StockMovement,
)
from wms_tui.services.inventory.stock import ledger_mismatches
from wms_tui.services.returns import desk as returns
from wms_tui.services.returns import past_returns, returnable
from wms_tui.services.returns.desk import ReturnRequest, ReturnUnit
from wms_tui.store import Store


def refused(world: World, request: ReturnRequest, match: str, actor: Actor | None = None) -> None:
    before = snapshot(world.store)
    with pytest.raises(DomainError, match=match):
        returns.register_return(world.store, actor or world.receiver, request)
    assert snapshot(world.store) == before


# --------------------------------------------------------------------------- lookup


def test_lookup_by_rma_tracking_sscc_and_name(world: World) -> None:
    rma = rma_code(world.order_id)
    for code in (rma, rma.lower(), "00370730253", "00373500530000000019", "#1042", "1042"):
        view = returnable.lookup(world.store, code)
        assert view.order_id == world.order_id, code
    assert view.rma == rma and view.name == "#1042"
    assert [(ln.sku, ln.shipped, ln.returned) for ln in view.lines] == [
        ("MUG-1", 2, 0),
        ("TEE-M", 1, 0),
    ]
    assert view.packed_by == ("Johan Öberg",) and view.picked_by == ("Ana Lindqvist",)
    assert view.lines[0].packed_by == ("Johan Öberg",)
    assert view.packed_at is not None and view.parcels[0].tracking_number == "00370730253"
    assert view.customer == "김지훈" and view.ship_to == "Busan, KR"
    assert view.status_text == "dispatched" and view.returnable_units == 3


def test_lookup_refuses_unknown_and_unshipped(world: World) -> None:
    with pytest.raises(NotFound, match="No order, RMA or tracking number NOPE"):
        returnable.lookup(world.store, "NOPE")
    with pytest.raises(NotFound, match="RMA-0000999 matches no order"):
        returnable.lookup(world.store, "RMA-0000999")
    with pytest.raises(NotFound, match="Scan the RMA"):
        returnable.lookup(world.store, "  \r")
    with world.store.unit_of_work() as uow:
        p = uow.session.exec(select(OrderLine)).first()
        prod = uow.session.get(Product, p.product_id)
        o = f.order(uow, "#2001", [(prod, 1)], status=OrderStatus.PACKED)
        uow.commit()
        oid = o.id
    with pytest.raises(DomainError, match=r"#2001 was never shipped \(it is packed\)"):
        returnable.lookup(world.store, rma_code(oid))


def test_shipped_is_what_packing_confirmed(world: World) -> None:
    with world.store.unit_of_work() as uow:
        line = uow.session.get(OrderLine, world.mug_line)
        line.qty_packed, line.qty_short = 1, 1
        uow.commit()
    view = returnable.lookup(world.store, "#1042")
    assert view.line(world.mug_line).shipped == 1
    refused(
        world,
        ReturnRequest(
            world.order_id,
            [ReturnUnit(world.mug_line, "WRONG_ITEM", Disposition.SCRAP, qty=2)],
            Resolution.REFUND,
        ),
        r"Only 1 MUG-1 can come back on #1042 \(1 shipped\), not 2",
    )


def test_order_without_pack_records_counts_ordered_quantity(empty_store: Store) -> None:
    build_world(empty_store, packed=False)
    view = returnable.lookup(empty_store, "1042")
    assert [ln.shipped for ln in view.lines] == [2, 1]
    assert view.packed_by == () and view.picked_by == () and view.parcels == ()


def test_line_for_scan(world: World) -> None:
    assert returnable.line_for_scan(world.store, world.order_id, MUG_EAN) == world.mug_line
    assert returnable.line_for_scan(world.store, world.order_id, "tee-m") == world.tee_line
    with pytest.raises(DomainError, match="TEE-L is not on order #1042"):
        returnable.line_for_scan(world.store, world.order_id, TEE_L_EAN)
    with pytest.raises(NotFound, match="Unknown barcode 999"):
        returnable.line_for_scan(world.store, world.order_id, "999")


# --------------------------------------------------------------------------- booking


def test_partial_restock_keeps_dispatched_and_stock_equals_ledger(world: World) -> None:
    result = returns.register_return(
        world.store,
        world.receiver,
        ReturnRequest(
            world.order_id,
            [ReturnUnit(world.mug_line, "CHANGED_MIND", Disposition.RESTOCK, "a-01-1-a")],
            Resolution.REFUND,
            note="box unopened",
        ),
    )
    assert (result.units, result.restocked, result.fully_returned) == (1, 1, False)
    assert result.order_status == "DISPATCHED"
    assert result.summary() == "#1042 partly returned: 1 unit; refund"
    assert stock(world.store, "MUG-1", "A-01-1-A") == 1
    assert order_status(world.store, world.order_id) == ("DISPATCHED", "REFUND")
    with world.store.read() as s:
        assert ledger_mismatches(s) == []
        mv = s.exec(select(StockMovement).where(StockMovement.reason == "RETURNED")).one()
        assert (mv.from_location_id, mv.qty, mv.order_id) == (None, 1, world.order_id)
        assert mv.operator_id == world.receiver.operator_id and mv.reference == result.rma
        rl = s.exec(select(ReturnLine)).one()
        assert (rl.qty, rl.reason_code, rl.disposition) == (1, "CHANGED_MIND", "RESTOCK")
        receipt = s.exec(select(ReturnReceipt)).one()
        assert (receipt.resolution, receipt.note, receipt.terminal) == (
            "REFUND",
            "box unopened",
            "TEST",
        )
        kinds = [e.kind for e in s.exec(select(Event).where(Event.order_id == world.order_id))]
        assert {"stock.move", "return.line", "return.received"} <= set(kinds)
        ev = s.exec(select(Event).where(Event.kind == "return.line")).one()
        assert (ev.operator_name, ev.sku, ev.qty, ev.location) == (
            "Björn Åkesson",
            "MUG-1",
            1,
            "A-01-1-A",
        )
    view = returnable.lookup(world.store, "#1042")
    assert view.partly_returned and view.status_text == "partly returned"
    assert view.line(world.mug_line).returnable == 1


def test_full_return_moves_order_to_returned_then_refuses_twice(world: World) -> None:
    result = returns.register_return(
        world.store,
        world.receiver,
        ReturnRequest(
            world.order_id,
            [
                ReturnUnit(world.mug_line, "DAMAGED_TRANSIT", Disposition.QUARANTINE),
                ReturnUnit(world.mug_line, "DAMAGED_TRANSIT", Disposition.SCRAP, note="shattered"),
                ReturnUnit(world.tee_line, "WRONG_SIZE", Disposition.RESTOCK, "R-11-1-A"),
            ],
            Resolution.STORE_CREDIT,
        ),
    )
    assert (result.restocked, result.quarantined, result.scrapped) == (1, 1, 1)
    assert result.fully_returned and result.order_status == "RETURNED"
    assert stock(world.store, "MUG-1", "QUAR-1") == 1
    assert stock(world.store, "TEE-M", "R-11-1-A") == 1
    assert order_status(world.store, world.order_id) == ("RETURNED", "STORE_CREDIT")
    with world.store.read() as s:
        assert ledger_mismatches(s) == []
        ev = s.exec(select(Event).where(Event.to_state == "RETURNED")).one()
        assert ev.from_state == "DISPATCHED" and ev.operator_name == "Björn Åkesson"
        scrap = s.exec(select(Event).where(Event.kind == "return.scrap")).one()
        assert (scrap.sku, scrap.qty) == ("MUG-1", 1) and "shattered" in scrap.detail
        quar = s.exec(select(ReturnLine).where(ReturnLine.disposition == "QUARANTINE")).one()
        assert s.get(Location, quar.location_id).code == "QUAR-1"
    with pytest.raises(DomainError, match=r"#1042 was already returned on .* by Björn Åkesson"):
        returnable.lookup(world.store, "00370730253")
    refused(
        world,
        ReturnRequest(
            world.order_id,
            [ReturnUnit(world.tee_line, "WRONG_SIZE", Disposition.SCRAP)],
            Resolution.REFUND,
        ),
        "already returned",
    )


def test_returning_more_than_shipped_or_twice_is_refused(world: World) -> None:
    too_many = ReturnRequest(
        world.order_id,
        [
            ReturnUnit(world.mug_line, "WRONG_ITEM", Disposition.SCRAP),
            ReturnUnit(world.mug_line, "WRONG_ITEM", Disposition.SCRAP, qty=2),
        ],
        Resolution.REFUND,
    )
    refused(world, too_many, r"Only 2 MUG-1 can come back on #1042 \(2 shipped\), not 3")
    returns.register_return(
        world.store,
        world.receiver,
        ReturnRequest(
            world.order_id,
            [ReturnUnit(world.mug_line, "WRONG_ITEM", Disposition.SCRAP, qty=2)],
            Resolution.REFUND,
        ),
    )
    again = ReturnRequest(
        world.order_id,
        [ReturnUnit(world.mug_line, "WRONG_ITEM", Disposition.SCRAP)],
        Resolution.REFUND,
    )
    refused(world, again, "All 2 MUG-1 on #1042 were already returned; it cannot be returned twice")
    with pytest.raises(DomainError, match="already returned"):
        returnable.line_for_scan(world.store, world.order_id, MUG_EAN)


@pytest.mark.parametrize(
    ("bin_code", "match"),
    [
        ("QUAR-1", "QUAR-1 is quarantine: restock to a pick bin"),
        ("X-99", "Unknown location X-99"),
        ("PACK-1", "PACK-1 is a pack location: restock to a pick bin"),
        ("RCV-1", "RCV-1 is a receiving location"),
        ("A-01-4-A", "A-01-4-A is not in use"),
        ("", "Scan the bin the unit goes back to"),
    ],
)
def test_restock_to_a_bad_bin_changes_nothing(world: World, bin_code: str, match: str) -> None:
    request = ReturnRequest(
        world.order_id,
        [
            ReturnUnit(world.tee_line, "CHANGED_MIND", Disposition.RESTOCK, "A-01-1-A"),
            ReturnUnit(world.mug_line, "CHANGED_MIND", Disposition.RESTOCK, bin_code),
        ],
        Resolution.REFUND,
    )
    refused(world, request, match)
    if bin_code:
        with pytest.raises(DomainError, match=match):
            returns.check_restock_bin(world.store, bin_code)


def test_other_bad_requests_change_nothing(world: World) -> None:
    def req(*units: ReturnUnit, resolution: str = "REFUND", **kw) -> ReturnRequest:
        return ReturnRequest(world.order_id, list(units), resolution, **kw)

    scrap = ReturnUnit(world.mug_line, "WRONG_ITEM", Disposition.SCRAP)
    refused(world, req(), "Nothing to return")
    refused(world, req(scrap, resolution="CASH"), "Unknown resolution CASH")
    refused(world, req(ReturnUnit(world.mug_line, "BORED", "SCRAP")), "Unknown return reason BORED")
    refused(world, req(ReturnUnit(world.mug_line, "LATE", "BURN")), "Unknown disposition BURN")
    refused(world, req(ReturnUnit(world.mug_line, "LATE", "SCRAP", qty=0)), "at least 1")
    refused(world, req(ReturnUnit(99999, "LATE", "SCRAP")), "That line is not on order #1042")
    refused(
        world,
        req(ReturnUnit(world.mug_line, "LATE", Disposition.QUARANTINE, "A-01-1-A")),
        "A-01-1-A is not a quarantine location",
    )
    refused(
        world,
        req(scrap, resolution="EXCHANGE", replacements={world.mug_line: "NO-SUCH"}),
        "Unknown barcode NO-SUCH",
    )
    refused(
        world,
        req(scrap, resolution="EXCHANGE", replacements={world.tee_line: "TEE-L"}),
        "replacement was chosen for a line that is not coming back",
    )
    with pytest.raises(PermissionDenied, match="Ana Lindqvist may not book returns"):
        returns.register_return(world.store, world.picker, req(scrap))


def test_no_quarantine_location_is_a_clear_error(world: World) -> None:
    with world.store.unit_of_work() as uow:
        q = uow.session.exec(select(Location).where(Location.code == "QUAR-1")).one()
        q.active = False
        uow.commit()
    refused(
        world,
        ReturnRequest(
            world.order_id,
            [ReturnUnit(world.mug_line, "LATE", Disposition.QUARANTINE)],
            Resolution.REFUND,
        ),
        "No quarantine location is set up",
    )


# --------------------------------------------------------------------------- exchange


def test_exchange_creates_allocated_order_for_scanned_variant(world: World) -> None:
    result = returns.register_return(
        world.store,
        world.receiver,
        ReturnRequest(
            world.order_id,
            [ReturnUnit(world.tee_line, "WRONG_SIZE", Disposition.RESTOCK, "A-01-3-A")],
            Resolution.EXCHANGE,
            replacements={world.tee_line: TEE_L_EAN},
        ),
    )
    assert result.exchange_order == "#1042-X1" and result.exchange_status == "READY_TO_PICK"
    assert result.summary().endswith("exchange #1042-X1 ready to pick")
    with world.store.read() as s:
        ex = s.exec(select(Order).where(Order.name == "#1042-X1")).one()
        orig = s.get(Order, world.order_id)
        assert (ex.ship_name, ex.ship_city, ex.carrier_id, ex.service_id) == (
            orig.ship_name,
            orig.ship_city,
            orig.carrier_id,
            orig.service_id,
        )
        assert "exchange" in ex.tag_set and "#1042" in ex.notes
        (line,) = s.exec(select(OrderLine).where(OrderLine.order_id == ex.id)).all()
        assert (line.sku, line.quantity, line.qty_allocated) == ("TEE-L", 1, 1)
        alloc = s.exec(select(Allocation).where(Allocation.order_line_id == line.id)).one()
        assert s.get(Location, alloc.location_id).code == "A-01-2-A"
        receipt = s.exec(select(ReturnReceipt)).one()
        assert receipt.exchange_order_id == ex.id and orig.resolution == "EXCHANGE"
        assert s.exec(
            select(Event).where(Event.kind == "order.created", Event.order_id == ex.id)
        ).one()
    assert stock(world.store, "TEE-M", "A-01-3-A") == 1


def test_exchange_same_sku_without_stock_is_backordered(world: World) -> None:
    first = returns.register_return(
        world.store,
        world.receiver,
        ReturnRequest(
            world.order_id,
            [ReturnUnit(world.mug_line, "DAMAGED_PACKING", Disposition.SCRAP)],
            Resolution.EXCHANGE,
        ),
    )
    assert (first.exchange_order, first.exchange_status) == ("#1042-X1", "BACKORDERED")
    assert first.exchange_shortages == ("MUG-1 short 1 (need 1, have 0)",)
    # The second exchange gets the next number; the restocked mug goes to the
    # backordered exchange first (retry_backorders runs before the new order).
    second = returns.register_return(
        world.store,
        world.receiver,
        ReturnRequest(
            world.order_id,
            [ReturnUnit(world.mug_line, "CHANGED_MIND", Disposition.RESTOCK, "A-01-1-A")],
            Resolution.EXCHANGE,
        ),
    )
    assert second.released_backorders == ("#1042-X1",)
    assert (second.exchange_order, second.exchange_status) == ("#1042-X2", "BACKORDERED")
    assert order_status(world.store, world.order_id) == ("DISPATCHED", "EXCHANGE")


def test_restock_releases_waiting_backorders(world: World) -> None:
    with world.store.unit_of_work() as uow:
        mug = uow.session.exec(select(Product).where(Product.sku == "MUG-1")).one()
        waiting = f.order(uow, "#2002", [(mug, 1)], status=OrderStatus.BACKORDERED)
        uow.commit()
        waiting_id = waiting.id
    result = returns.register_return(
        world.store,
        world.receiver,
        ReturnRequest(
            world.order_id,
            [ReturnUnit(world.mug_line, "LATE", Disposition.RESTOCK, "A-01-1-A")],
            Resolution.REFUND,
        ),
    )
    assert result.released_backorders == ("#2002",)
    assert order_status(world.store, waiting_id)[0] == "READY_TO_PICK"


def test_resolutions_accumulate_on_the_order(world: World) -> None:
    for line, res in ((world.mug_line, "REFUND"), (world.tee_line, "store_credit")):
        returns.register_return(
            world.store,
            world.receiver,
            ReturnRequest(world.order_id, [ReturnUnit(line, "LATE", "scrap")], res),
        )
    assert order_status(world.store, world.order_id) == ("DISPATCHED", "REFUND,STORE_CREDIT")
    history = past_returns.receipts_for_order(world.store, world.order_id)
    assert [r.resolution for r in history] == ["STORE_CREDIT", "REFUND"]
    assert history[1].lines[0].sku == "MUG-1" and history[1].operator == "Björn Åkesson"


# --------------------------------------------------------------------------- property


DISPOSITIONS = st.sampled_from(
    [("RESTOCK", "A-01-1-A"), ("RESTOCK", "R-11-1-A"), ("QUARANTINE", ""), ("SCRAP", "")]
)


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    batches=st.lists(
        st.lists(st.tuples(st.booleans(), DISPOSITIONS), min_size=1, max_size=4),
        min_size=1,
        max_size=4,
    )
)
def test_any_sequence_of_returns_keeps_stock_equal_to_ledger(
    sqlite_store: Store, batches: list[list[tuple[bool, tuple[str, str]]]]
) -> None:
    """Whatever is booked or refused, stock == ledger and nothing comes back twice."""
    store = sqlite_store
    with store.read() as s:
        n = len(s.exec(select(Order)).all())
    w = build_world(store, name="#1") if n == 0 else add_shipped_order(store, f"#{n + 1}")
    shipped = {w.mug_line: 2, w.tee_line: 1}
    for batch in batches:
        units = [
            ReturnUnit(w.mug_line if mug else w.tee_line, "LATE", disp, loc)
            for mug, (disp, loc) in batch
        ]
        try:
            returns.register_return(store, w.receiver, ReturnRequest(w.order_id, units, "REFUND"))
        except DomainError as exc:
            assert "can come back" in str(exc) or "already returned" in str(exc)
        with store.read() as s:
            assert ledger_mismatches(s) == []
            returned = {lid: s.get(OrderLine, lid).qty_returned for lid in shipped}
            assert all(0 <= returned[lid] <= n for lid, n in shipped.items())
            done = returned == shipped
            assert (s.get(Order, w.order_id).status == OrderStatus.RETURNED) == done
            booked = s.exec(
                select(ReturnLine).join(OrderLine).where(OrderLine.order_id == w.order_id)
            ).all()
            assert sum(rl.qty for rl in booked) == sum(returned.values())
            moved = s.exec(
                select(StockMovement).where(
                    StockMovement.order_id == w.order_id,
                    StockMovement.reason == MovementReason.RETURNED,
                )
            ).all()
            assert sum(m.qty for m in moved) == sum(
                rl.qty for rl in booked if rl.disposition != "SCRAP"
            )
