"""Dead ends the floor-day simulation found (``wms simulate day``), each on a small world.

Every one left an order, a tote or a task held by work nobody would ever do.
"""

from __future__ import annotations

from sqlmodel import select

from tests.worlds import picking as kw
from wms_tui.domain.enums import OrderStatus, TaskStatus
from wms_tui.domain.models import Order, PickTask, PickTaskLine
from wms_tui.services.demo.day_checks import check_day
from wms_tui.services.exceptions.actions import resolve
from wms_tui.services.exceptions.inbox import Action, open_exceptions
from wms_tui.services.exceptions.totes import units_held_for
from wms_tui.services.intake import order_admin
from wms_tui.services.inventory import cycle_count
from wms_tui.services.picking import walk as picking
from wms_tui.services.picking import waves
from wms_tui.services.picking.short_pick import report_short
from wms_tui.store import Store


def _status(store: Store, name: str) -> OrderStatus:
    with store.read() as s:
        return OrderStatus(s.exec(select(Order.status).where(Order.name == name)).one())


def _task(store: Store, code: str) -> tuple[TaskStatus, int]:
    """The task's status and how many of its stops are not done."""
    with store.read() as s:
        task = s.exec(select(PickTask).where(PickTask.code == code)).one()
        lines = s.exec(select(PickTaskLine).where(PickTaskLine.task_id == task.id)).all()
        return TaskStatus(task.status), sum(1 for ln in lines if not ln.done)


def _walk_stops_of(store: Store, picker, code: str, order: str) -> None:
    """Pick every stop of ``order`` in task ``code`` (in route order)."""
    view = picking.resume_task(store, picker, code)
    while view.stop is not None and view.stop.order == order:
        stop = view.stop
        at = picking.scan(store, picker, code, stop.bin).at_bin
        picking.scan(store, picker, code, stop.sku, at_bin=at, count=stop.remaining)
        view = picking.scan(store, picker, code, stop.tote, at_bin=at).view


def _nothing_held(store: Store, boss) -> None:
    """The floor day's own checks: no tote, station or task held by finished work,
    and the ledger balanced (orders may still be on their way: mid-day)."""
    checks = {c.name: c for c in check_day(store, boss)}
    for name in (
        "no tote, station or task held by finished work",
        "stock = sum of movements, never negative",
    ):
        assert checks[name].ok, checks[name].detail


def test_a_cancelled_orders_stops_leave_the_task_and_the_task_finishes(
    empty_store: Store,
) -> None:
    """#2 was cancelled while its stops were the last of a running task: the
    stops stayed in, the picker's handheld had nothing to show, and the task
    (with #1 picked in it) never finished."""
    world = kw.build_world(empty_store, [("#1", [("TEE-M", 1)]), ("#2", [("BAG-XL", 1)])])
    boss, me = world.supervisor, world.pickers[0]
    [task] = waves.build_wave(empty_store, boss, cart_size=4).tasks
    picking.claim_next_task(empty_store, me)
    _walk_stops_of(empty_store, me, task.code, "#1")  # the bulk bin of #2 comes last
    assert _task(empty_store, task.code) == (TaskStatus.CLAIMED, 1)

    order_admin.cancel_order(empty_store, boss, world.orders["#2"], "customer cancelled")

    assert _task(empty_store, task.code) == (TaskStatus.DONE, 0)
    assert _status(empty_store, "#1") is OrderStatus.PICKED
    assert picking.my_open_task(empty_store, me) is None
    _nothing_held(empty_store, boss)


def test_units_in_the_tote_of_a_cancelled_short_picked_order_are_named_for_put_back(
    empty_store: Store,
) -> None:
    """A short pick backorders the order with its picked units in the tote; it
    is then cancelled from BACKORDERED, and nothing named those units: the tote
    was held for good."""
    world = kw.build_world(empty_store, [("#1", [("SOCK-6", 2), ("TEE-M", 2)])])
    boss, me = world.supervisor, world.pickers[0]
    [task] = waves.build_wave(empty_store, boss, cart_size=4).tasks
    picking.claim_next_task(empty_store, me)
    view = picking.resume_task(empty_store, me, task.code)
    while view.stop is not None:
        stop = view.stop
        at = picking.scan(empty_store, me, task.code, stop.bin).at_bin
        if stop.sku == "TEE-M":
            # One tee in the bin, two asked for, and no other bin has tees.
            picking.scan(empty_store, me, task.code, stop.sku, at_bin=at)
            report_short(empty_store, me, task.code, "short", at_bin=at)
        else:
            picking.scan(empty_store, me, task.code, stop.sku, at_bin=at, count=stop.remaining)
        view = picking.scan(empty_store, me, task.code, stop.tote, at_bin=at).view
    assert _status(empty_store, "#1") is OrderStatus.BACKORDERED
    with empty_store.read() as s:
        assert units_held_for(s, [world.orders["#1"]])

    order_admin.cancel_order(empty_store, boss, world.orders["#1"], "customer cancelled")

    put_back = [i for i in open_exceptions(empty_store, boss) if Action.PUT_BACK in i.actions]
    assert [i.order for i in put_back] == ["#1"]
    resolve(empty_store, boss, put_back[0].id, Action.PUT_BACK)
    with empty_store.read() as s:
        assert not units_held_for(s, [world.orders["#1"]])
    _nothing_held(empty_store, boss)


def test_a_task_ending_with_units_it_never_had_a_stop_for_sends_the_order_back_to_a_wave(
    empty_store: Store,
) -> None:
    """A short pick backordered #1 mid-task; the bin was counted and the units
    found, which released #1 again while the task went on. The task ended with
    #1 short of the units it no longer had a stop for, and #1 stayed PICKING:
    no task would ever name it again."""
    world = kw.build_world(empty_store, [("#1", [("TEE-M", 2), ("BAG-XL", 1)])])
    boss, me = world.supervisor, world.pickers[0]
    [task] = waves.build_wave(empty_store, boss, cart_size=4).tasks
    picking.claim_next_task(empty_store, me)
    view = picking.resume_task(empty_store, me, task.code)
    assert view.stop.sku == "TEE-M"
    at = picking.scan(empty_store, me, task.code, view.stop.bin).at_bin
    report_short(empty_store, me, task.code, "missing", at_bin=at)
    assert _status(empty_store, "#1") is OrderStatus.BACKORDERED
    # The count finds the tees after all: #1 is allocated again at once.
    cycle_count.approve_count(empty_store, boss, "A-04-3-A", {"TEE-M": 6})
    assert _status(empty_store, "#1") is OrderStatus.READY_TO_PICK
    _walk_stops_of(empty_store, me, task.code, "#1")

    assert _task(empty_store, task.code)[0] is TaskStatus.DONE
    assert _status(empty_store, "#1") is OrderStatus.READY_TO_PICK
    [again] = waves.build_wave(empty_store, boss, cart_size=4).tasks
    assert list(again.orders) == ["#1"]
    _nothing_held(empty_store, boss)
