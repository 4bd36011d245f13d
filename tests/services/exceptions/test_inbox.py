"""The exceptions inbox: what is open, the actions that resolve it, and what closes itself."""

from __future__ import annotations

import pytest
from sqlmodel import select

from tests.worlds import factories as f
from tests.worlds import packing as pw
from tests.worlds.dbstate import snapshot
from tests.worlds.packing import order_state
from wms_tui.domain.enums import ExceptionKind, OrderStatus
from wms_tui.domain.errors import DomainError, PermissionDenied
from wms_tui.domain.models import Location, Product, WmsException
from wms_tui.services.exceptions.actions import resolve
from wms_tui.services.exceptions.inbox import Action, open_exceptions
from wms_tui.services.intake.release import release
from wms_tui.services.inventory import cycle_count
from wms_tui.services.packing import station as packing
from wms_tui.store import Store


def _backorder(store: Store, name: str = "#2001", qty: int = 5) -> None:
    with store.unit_of_work() as uow:
        p = f.product(uow, "LAMP")
        f.order(uow, name, [(p, qty)])
        uow.commit()
    assert release(store).backordered == [name]


def test_a_backorder_is_listed_with_its_actions_and_retry_refuses_while_short(
    world: pw.World,
) -> None:
    store, boss = world.store, world.supervisor
    _backorder(store)
    [item] = open_exceptions(store, boss)
    assert item.kind == ExceptionKind.BACKORDER and item.kind_label == "Backorder"
    assert item.order == "#2001" and item.concerns == "#2001"
    assert item.cause == "LAMP short 5 (need 5, have 0)"
    assert item.raised_by == "system"
    assert item.actions == (Action.RETRY, Action.RELEASE, Action.CANCEL)
    before = snapshot(store)
    for action, note, message in [
        (Action.RETRY, "", "#2001 is still short: LAMP short 5"),
        (Action.RELEASE, "", "Nothing of #2001 is in stock yet"),
        (Action.CANCEL, "", "Give a reason to cancel #2001"),
        (Action.ACKNOWLEDGE, "seen", "Acknowledge does not resolve this exception now"),
        (Action.PUT_BACK, "", "Put units back does not resolve"),
        ("shrug", "", "Unknown action 'shrug'"),
    ]:
        with pytest.raises(DomainError, match=message):
            resolve(store, boss, item.id, action, note=note)
    with pytest.raises(DomainError, match="Keep the note under 120"):
        resolve(store, boss, item.id, Action.CANCEL, note="x" * 121)
    with pytest.raises(PermissionDenied):
        resolve(store, world.packer, item.id, Action.CANCEL, note="customer asked")
    with pytest.raises(PermissionDenied):
        open_exceptions(store, world.packer)
    with pytest.raises(DomainError, match="Exception 999 does not exist"):
        resolve(store, boss, 999, Action.RETRY)
    assert snapshot(store) == before


def test_cancel_with_a_reason_closes_the_backorder(world: pw.World) -> None:
    store, boss = world.store, world.supervisor
    _backorder(store)
    [item] = open_exceptions(store, boss)
    result = resolve(store, boss, item.id, Action.CANCEL, note="customer asked")
    assert result.closed and result.order_status == "cancelled"
    assert result.message == "#2001 cancelled"
    assert open_exceptions(store, boss) == []
    with pytest.raises(DomainError, match=f"Exception {item.id} is already closed"):
        resolve(store, boss, item.id, Action.CANCEL, note="again")


def test_retry_after_stock_arrived_closes_the_backorder(world: pw.World) -> None:
    store, boss = world.store, world.supervisor
    _backorder(store, qty=1)
    with store.unit_of_work() as uow:
        p = uow.session.exec(select(Product).where(Product.sku == "LAMP")).one()
        f.receive(
            uow, p, uow.session.exec(select(Location).where(Location.code == "A-01-1-A")).one(), 1
        )
        uow.commit()
    [item] = open_exceptions(store, boss)
    result = resolve(store, boss, item.id, Action.RETRY)
    assert result.closed and result.message == "#2001 ready to pick"


def test_a_backorders_cause_is_what_is_short_now_without_a_write_per_listing(
    world: pw.World, monkeypatch
) -> None:
    """#D1009 read "KB-CRM short 2 (need 2, have 0)" after 9 were put away: the
    message is written when the order is backordered, and a retry that is still
    short rolls back with it, so it was never brought up to date."""
    store, boss = world.store, world.supervisor
    _backorder(store, qty=5)

    def lamps(n: int) -> None:  # received without a release: the backorder keeps waiting
        with store.unit_of_work() as uow:
            p = uow.session.exec(select(Product).where(Product.sku == "LAMP")).one()
            bin_a = uow.session.exec(select(Location).where(Location.code == "A-01-1-A")).one()
            f.receive(uow, p, bin_a, n)
            uow.commit()

    lamps(3)
    [item] = open_exceptions(store, boss)
    with pytest.raises(DomainError, match="#2001 is still short: LAMP short 2"):
        resolve(store, boss, item.id, Action.RETRY)
    writes: list[int] = []
    real = store.unit_of_work

    def counted():  # noqa: ANN202 - the store's own unit of work
        writes.append(1)
        return real()

    monkeypatch.setattr(store, "unit_of_work", counted)
    [item] = open_exceptions(store, boss)
    assert item.cause == "LAMP short 2 (need 5, have 3)"
    assert writes == []  # read when listing: a refresh takes no write lock
    monkeypatch.undo()
    lamps(2)
    [item] = open_exceptions(store, boss)
    assert item.cause == "LAMP in stock (need 5, have 5): retry allocation takes it"
    with store.read() as s:  # the record of what it was raised for is kept
        [stored] = s.exec(select(WmsException.message)).all()
        assert stored == "LAMP short 5 (need 5, have 0)"
    assert resolve(store, boss, item.id, Action.RETRY).message == "#2001 ready to pick"


def test_release_what_is_in_stock_leaves_the_rest_named_in_the_inbox(world: pw.World) -> None:
    """The split-off backorder used to wait with no exception naming it: a dead end."""
    store, boss = world.store, world.supervisor
    _backorder(store, qty=5)
    with store.unit_of_work() as uow:
        p = uow.session.exec(select(Product).where(Product.sku == "LAMP")).one()
        bin_a = uow.session.exec(select(Location).where(Location.code == "A-01-1-A")).one()
        f.receive(uow, p, bin_a, 2)
        uow.commit()
    [item] = open_exceptions(store, boss)
    result = resolve(store, boss, item.id, Action.RELEASE)
    assert result.closed and result.message == "#2001 ready to pick; the rest waits as #2001-B1"
    [child] = open_exceptions(store, boss)
    assert child.order == "#2001-B1" and child.kind == ExceptionKind.BACKORDER
    # What it waits for now (the stored "LAMP ×3 split from #2001: waits for stock"
    # is replaced by the live count; its name says where it was split from).
    assert child.cause == "LAMP short 3 (need 3, have 0)"
    assert child.actions == (Action.RETRY, Action.RELEASE, Action.CANCEL)


def test_acknowledge_needs_a_note_and_closes_a_receiving_report(world: pw.World) -> None:
    store, boss = world.store, world.supervisor
    with store.unit_of_work() as uow:
        uow.add(
            WmsException(
                kind=ExceptionKind.RECEIVING,
                location="delivery:PO-1",
                operator_name="Björn Åkesson",
                terminal="RCV-1",
                message="Delivery PO-1: 1 short",
            )
        )
        uow.commit()
    [item] = open_exceptions(store, boss)
    assert item.delivery == "PO-1" and item.concerns == "PO-1" and item.order == ""
    assert item.actions == (Action.ACKNOWLEDGE,)
    with pytest.raises(DomainError, match="Add a note"):
        resolve(store, boss, item.id, Action.ACKNOWLEDGE, note="  ")
    result = resolve(store, boss, item.id, Action.ACKNOWLEDGE, note="supplier credits 1")
    assert result.closed and result.message == "Closed: supplier credits 1"
    assert open_exceptions(store, boss) == []


def test_short_shipping_every_unit_frees_the_station_and_asks_the_supervisor(
    world: pw.World,
) -> None:
    """It used to stay PACKING, then PICKED in every station's queue with nothing
    to pack, holding its tote."""
    store, packer, boss = world.store, world.packer, world.supervisor
    oid = packing.open_order(store, packer, world.totes["#1043"]).order_id
    view = packing.qc_fail(
        store, packer, oid, 1, "damaged", replace=False, approver=f.boss("S9001")
    )
    assert "Nothing left to ship: #1043 goes to the supervisor, tote T-0002 is free" in view.message
    assert order_state(store, "#1043") == (OrderStatus.ON_HOLD, "")
    assert "#1043" not in [r.name for r in packing.station_queue(store, world.packer2)]
    with pytest.raises(DomainError, match="Tote T-0002 is empty"):
        packing.open_order(store, world.packer2, "T-0002")
    item, qc = open_exceptions(store, boss)
    assert item.kind == ExceptionKind.NOTHING_TO_SHIP and item.kind_label == "Nothing to ship"
    assert item.actions == (Action.RETRY, Action.CANCEL)
    assert qc.kind == ExceptionKind.QC_FAIL and qc.actions == (Action.CANCEL,)
    # Wait for stock: the book is owed again and picked anew (there are 39 more).
    result = resolve(store, boss, item.id, Action.RETRY)
    assert result.closed and result.order_status == "ready to pick"
    # The QC failure stays open until the order is packed.
    assert [i.id for i in open_exceptions(store, boss)] == [qc.id]


def test_cancelled_while_picked_offers_put_back_until_the_tote_is_empty(world: pw.World) -> None:
    store, boss = world.store, world.supervisor
    from wms_tui.services.intake import order_admin

    order_admin.cancel_order(store, boss, world.orders["#1044"], "fraud")
    [item] = open_exceptions(store, boss)
    assert item.kind == ExceptionKind.OTHER and item.actions == (Action.PUT_BACK,)
    before = snapshot(store)
    with pytest.raises(DomainError, match="Acknowledge does not resolve"):
        resolve(store, boss, item.id, Action.ACKNOWLEDGE, note="done")
    assert snapshot(store) == before
    result = resolve(store, boss, item.id, Action.PUT_BACK)
    assert result.closed and result.message == "8 units of #1044 back to their bins"
    with store.read() as s:
        from wms_tui.services.inventory.stock import ledger_mismatches

        assert ledger_mismatches(s) == []
    with pytest.raises(DomainError, match="Tote T-0003 is empty"):
        packing.open_order(store, world.packer, "T-0003")


def test_a_short_pick_closes_when_its_bin_is_counted_and_the_order_goes_on(
    empty_store: Store,
) -> None:
    from tests.worlds import picking as kw
    from wms_tui.services.picking import walk as picking
    from wms_tui.services.picking import waves

    world = kw.build_world(empty_store, [("#1", [("TEE-M", 2)])])
    boss = world.supervisor
    wave = waves.build_wave(empty_store, boss, cart_size=4)
    me = world.pickers[0]
    code = wave.tasks[0].code
    view = picking.resume_task(empty_store, me, code)
    at = picking.scan(empty_store, me, code, view.stop.bin).at_bin
    from wms_tui.services.picking.short_pick import report_short

    report_short(empty_store, me, code, "missing", at_bin=at)
    [item] = open_exceptions(empty_store, boss)
    assert item.kind == ExceptionKind.SHORT_PICK and item.bin == "A-04-3-A"
    assert item.concerns == "#1 · A-04-3-A" and item.raised_by == "Ana Lindqvist"
    assert Action.COUNT in item.actions and Action.ACKNOWLEDGE not in item.actions
    with pytest.raises(DomainError, match="Count A-04-3-A on the cycle count screen"):
        resolve(empty_store, boss, item.id, Action.COUNT)
    # The count finds the 6 tees after all: the flag clears, the order is released.
    cycle_count.approve_count(empty_store, boss, "A-04-3-A", {"TEE-M": 6})
    assert order_state(empty_store, "#1")[0] is OrderStatus.READY_TO_PICK
    assert open_exceptions(empty_store, boss) == []


def _unpaid(store: Store, name: str = "#3001") -> int:
    with store.unit_of_work() as uow:
        p = f.product(uow, "LAMP")
        f.receive(uow, p, f.location(uow, "A-09-1-A"), 5)
        o = f.order(uow, name, [(p, 1)], financial_status="pending")
        uow.commit()
        oid = o.id
    assert release(store).held == [name]
    return oid


def test_an_order_held_for_payment_is_in_the_inbox_until_approved(world: pw.World) -> None:
    store, boss = world.store, world.supervisor
    _unpaid(store)
    [item] = [i for i in open_exceptions(store, boss) if i.order == "#3001"]
    assert item.kind == ExceptionKind.PAYMENT_HOLD and item.kind_label == "Payment"
    assert item.actions == (Action.APPROVE, Action.CANCEL)
    assert "payment pending" in item.cause and item.raised_by == "shop"
    # Listing again raises no second one.
    assert [i.id for i in open_exceptions(store, boss) if i.order == "#3001"] == [item.id]
    before = snapshot(store)
    with pytest.raises(DomainError, match="Free the task .* does not resolve this exception"):
        resolve(store, boss, item.id, Action.FREE_TASK)
    with pytest.raises(PermissionDenied):
        resolve(store, world.packer, item.id, Action.APPROVE)
    assert snapshot(store) == before
    result = resolve(store, boss, item.id, Action.APPROVE)
    assert result.closed and result.order_status == "ready to pick"
    assert order_state(store, "#3001")[0] is OrderStatus.READY_TO_PICK
    assert "#3001" not in [i.order for i in open_exceptions(store, boss)]


def test_a_payment_hold_is_as_old_as_the_hold(world: pw.World) -> None:
    """Raised when the inbox first listed it, the demo's days-old holds read "0m"."""
    from datetime import timedelta

    from wms_tui.domain import clock

    store, boss = world.store, world.supervisor
    held_at = clock.utcnow().replace(microsecond=0)
    with clock.pinned(held_at) as move:
        _unpaid(store)
        move(held_at + timedelta(days=3))
        [item] = [i for i in open_exceptions(store, boss) if i.order == "#3001"]
    assert item.at == held_at


def test_a_payment_hold_closes_itself_when_the_order_is_released_elsewhere(
    world: pw.World,
) -> None:
    from wms_tui.services.intake import order_admin

    store, boss = world.store, world.supervisor
    oid = _unpaid(store)
    assert [i.kind for i in open_exceptions(store, boss) if i.order == "#3001"] == [
        ExceptionKind.PAYMENT_HOLD
    ]
    order_admin.release_order(store, boss, oid)  # the orders screen, once it is paid
    assert "#3001" not in [i.order for i in open_exceptions(store, boss)]


def test_a_task_paused_too_long_is_in_the_inbox_until_freed_or_taken_up(
    empty_store: Store,
) -> None:
    from datetime import timedelta

    from tests.worlds import picking as kw
    from wms_tui.domain import clock
    from wms_tui.domain.enums import TaskStatus
    from wms_tui.domain.models import PickTask
    from wms_tui.services.picking import walk as picking
    from wms_tui.services.picking import waves

    world = kw.build_world(empty_store, [("#1", [("TEE-M", 1)]), ("#2", [("MUG-BLU", 1)])])
    boss, ana, jihoon = world.supervisor, world.pickers[0], world.pickers[1]
    waves.build_wave(empty_store, boss, cart_size=1)
    start = clock.utcnow()
    with clock.pinned(start) as move:
        first = picking.claim_next_task(empty_store, ana)
        picking.pause_task(empty_store, ana, first.code)  # Ana logs out
        second = picking.claim_next_task(empty_store, jihoon)
        picking.pause_task(empty_store, jihoon, second.code)
        move(start + timedelta(minutes=29))
        assert open_exceptions(empty_store, boss) == []  # a break, not abandoned
        move(start + timedelta(minutes=31))
        items = {i.task: i for i in open_exceptions(empty_store, boss)}
        assert sorted(items) == sorted([first.code, second.code])
        item = items[first.code]
        assert item.at == start  # waiting since the pause, not since it was noticed
        assert item.kind_label == "Paused task" and item.concerns == first.code
        assert item.actions == (Action.FREE_TASK,) and item.raised_by == "Ana Lindqvist"
        before = snapshot(empty_store)
        with pytest.raises(DomainError, match="Acknowledge does not resolve"):
            resolve(empty_store, boss, item.id, Action.ACKNOWLEDGE, note="seen")
        assert snapshot(empty_store) == before
        result = resolve(empty_store, boss, item.id, Action.FREE_TASK)
        assert result.closed and "released from Ana Lindqvist" in result.message
        # Jihoon comes back: his task's exception closes by itself.
        picking.resume_task(empty_store, jihoon, second.code)
        assert open_exceptions(empty_store, boss) == []
    with empty_store.read() as s:
        task = s.exec(select(PickTask).where(PickTask.code == first.code)).one()
        assert TaskStatus(task.status) is TaskStatus.OPEN and task.picker_id is None
    # The next picker gets the freed task.
    assert picking.claim_next_task(empty_store, world.pickers[2]).code == first.code


def test_listing_the_inbox_writes_only_when_something_closes_or_is_raised(
    world: pw.World, monkeypatch
) -> None:
    """Every listing (a supervisor's screen refreshes every 30 s) used to open a
    write transaction, taking the write lock from the floor's terminals."""
    store, boss = world.store, world.supervisor
    oid = _unpaid(store)
    first = open_exceptions(store, boss)  # raises the payment hold: a write
    assert [i.kind for i in first] == [ExceptionKind.PAYMENT_HOLD]
    writes: list[int] = []
    real = store.unit_of_work

    def counted():  # noqa: ANN202 - the store's own unit of work
        writes.append(1)
        return real()

    monkeypatch.setattr(store, "unit_of_work", counted)
    assert open_exceptions(store, boss) == first
    assert open_exceptions(store, boss) == first
    assert writes == []
    monkeypatch.undo()
    from wms_tui.services.intake import order_admin

    order_admin.release_order(store, boss, oid)  # paid: its hold closes at the next listing
    monkeypatch.setattr(store, "unit_of_work", counted)
    assert "#3001" not in [i.order for i in open_exceptions(store, boss)]
    assert writes == [1]
