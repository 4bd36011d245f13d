"""Wave building: which orders, in which order, totes, carts, pack stations, routes."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlmodel import select

from tests.worlds import factories as f
from tests.worlds.picking import build_world, set_service, snapshot
from wms_tui.domain.clock import utcnow
from wms_tui.domain.enums import OPEN_TASK, LocationKind, OrderStatus, TaskStatus, WaveStatus
from wms_tui.domain.errors import DomainError, NotFound, PermissionDenied
from wms_tui.domain.models import (
    Event,
    Location,
    Order,
    OrderLine,
    PickTask,
    PickTaskLine,
    Wave,
)
from wms_tui.services.intake.order_admin import change_priority
from wms_tui.services.intake.order_queries import list_orders
from wms_tui.services.picking import waves as waves_module
from wms_tui.services.picking.floor_plan import floor_plan
from wms_tui.services.picking.wave_candidates import Candidate, parse_cutoff, ready_summary
from wms_tui.services.picking.wave_list import list_waves
from wms_tui.services.picking.waves import build_wave
from wms_tui.store import Store

SIX = [(f"#{i}", [("MUG-RED", 1)]) for i in range(1, 7)]


def _tasks(store: Store) -> list[tuple[PickTask, list[PickTaskLine]]]:
    with store.read() as s:
        out = []
        for t in s.exec(select(PickTask).order_by(PickTask.code)).all():
            lines = s.exec(
                select(PickTaskLine).where(PickTaskLine.task_id == t.id).order_by(PickTaskLine.seq)
            ).all()
            out.append((t, list(lines)))
        s.expunge_all()  # keep the rows readable after the read session ends
        return out


def _tote_orders(store: Store) -> dict[str, str]:
    """tote code -> order name."""
    with store.read() as s:
        rows = s.exec(
            select(Location.code, Order.name)
            .join(PickTaskLine, PickTaskLine.tote_id == Location.id)
            .join(OrderLine, OrderLine.id == PickTaskLine.order_line_id)
            .join(Order, Order.id == OrderLine.order_id)
        ).all()
        return dict(rows)


def test_a_wave_is_planned_and_written_with_the_collector_held(
    empty_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No cyclic GC pass while a wave builds rows that all live until its commit."""
    w = build_world(empty_store, SIX)
    seen: list[bool] = []
    route_seqs, insert = waves_module._route_seqs, waves_module.bulk_insert

    def routing(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        seen.append(gc.isenabled())
        return route_seqs(*args, **kwargs)

    def inserting(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        seen.append(gc.isenabled())
        return insert(*args, **kwargs)

    monkeypatch.setattr(waves_module, "_route_seqs", routing)
    monkeypatch.setattr(waves_module, "bulk_insert", inserting)
    was = gc.isenabled()
    gc.enable()
    try:
        build_wave(empty_store, w.supervisor, cart_size=3)
        assert gc.isenabled()
    finally:
        if not was:
            gc.disable()
    assert seen == [False] * 4  # two carts routed, tasks and lines inserted


def test_the_collector_is_held_until_the_wave_s_working_rows_are_gone(
    empty_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Released with the rows still alive, the collector would owe a pass over all of them."""
    w = build_world(empty_store, SIX)
    alive_at_release: list[int] = []
    held = waves_module.collector_held

    @contextmanager
    def watched() -> Iterator[None]:
        with held():
            yield
            alive_at_release.append(sum(isinstance(o, Candidate) for o in gc.get_objects()))

    monkeypatch.setattr(waves_module, "collector_held", watched)
    build_wave(empty_store, w.supervisor, cart_size=3)
    assert alive_at_release == [0]


def test_wave_one_tote_per_order_cart_size_tasks_round_robin_stations(empty_store: Store) -> None:
    w = build_world(empty_store, SIX + [("#7", [("TEE-M", 1), ("MUG-BLU", 2)])])
    result = build_wave(empty_store, w.supervisor, cart_size=3)
    assert result.code == "W0001"
    assert [t.code for t in result.tasks] == ["W0001-01", "W0001-02", "W0001-03"]
    assert [len(t.orders) for t in result.tasks] == [3, 3, 1]
    assert [t.pack_station for t in result.tasks] == ["PACK-1", "PACK-2", "PACK-1"]
    assert result.orders == 7 and result.left_out == {}
    totes = _tote_orders(empty_store)
    assert sorted(totes) == [f"T-{i:04d}" for i in range(1, 8)]
    assert len(set(totes.values())) == 7  # one order per tote
    tasks = _tasks(empty_store)
    assert all(t.status is TaskStatus.OPEN and t.picker_id is None for t, _ in tasks)
    # A tote never spans two tasks.
    tote_tasks = {(ln.tote_id, t.id) for t, lines in tasks for ln in lines}
    assert len({tote for tote, _ in tote_tasks}) == len(tote_tasks)
    with empty_store.read() as s:
        assert s.exec(select(Wave)).one().status is WaveStatus.RELEASED
        # Orders wait for a picker to claim before they are PICKING.
        assert {o.status for o in s.exec(select(Order))} == {OrderStatus.READY_TO_PICK}
        assert len(s.exec(select(Event).where(Event.kind == "wave.order")).all()) == 7
    # A second wave continues the round-robin where the first stopped.
    with empty_store.unit_of_work() as uow:
        p = uow.session.exec(select(OrderLine)).first()
        from wms_tui.domain.models import Product

        prod = uow.session.get(Product, p.product_id)
        o = f.order(uow, "#8", [(prod, 1)])
        from wms_tui.services.inventory.allocation import allocate_order

        assert allocate_order(uow, o) == []
        uow.commit()
    second = build_wave(empty_store, w.supervisor, cart_size=3)
    assert second.code == "W0002" and [t.pack_station for t in second.tasks] == ["PACK-2"]
    assert second.tasks[0].orders == ("#8",)


def test_stops_follow_the_optimal_route_and_bulk_comes_last(empty_store: Store) -> None:
    w = build_world(
        empty_store,
        [
            ("#1", [("BAG-XL", 1), ("MUG-RED", 2), ("TEE-M", 1)]),
            ("#2", [("MUG-BLU", 1), ("MUG-RED", 1), ("SOCK-6", 1)]),
        ],
    )
    result = build_wave(empty_store, w.supervisor, cart_size=6)
    ((task, lines),) = _tasks(empty_store)
    assert [ln.seq for ln in lines] == list(range(1, 7))
    with empty_store.read() as s:
        plan = floor_plan(s)
        codes = {loc.id: loc.code for loc in s.exec(select(Location))}
        kinds = {loc.id: loc.kind for loc in s.exec(select(Location))}
    walked = [ln.location_id for ln in lines]
    # Same length as walking the stops in their sequence, and that is optimal:
    # no order of the distinct bins is shorter (brute force over 5 bins).
    assert task.route_length_m == pytest.approx(plan.walk_length(walked), abs=0.1)
    import itertools

    bins = list(dict.fromkeys(walked))
    pick_bins = [b for b in bins if kinds[b] is LocationKind.PICK]
    best = min(
        plan.walk_length([*perm, *[b for b in bins if b not in pick_bins]])
        for perm in itertools.permutations(pick_bins)
    )
    assert task.route_length_m == pytest.approx(best, abs=0.1)
    assert kinds[walked[-1]] is LocationKind.BULK and codes[walked[-1]] == "R-11-4-B"
    # Both totes at A-01-2-A are served one after the other, tote 1 first.
    at_mug = [ln for ln in lines if codes[ln.location_id] == "A-01-2-A"]
    assert at_mug[1].seq == at_mug[0].seq + 1
    assert codes[at_mug[0].tote_id] == "T-0001"
    assert result.tasks[0].s_shape_m >= result.tasks[0].route_length_m


def _promise_today(store: Store) -> None:
    """Give every order the ship date the importer would (test orders have none)."""
    with store.unit_of_work() as uow:
        for o in uow.session.exec(select(Order)).all():
            o.promised_ship_date = o.promised_ship_date or utcnow().date()
            uow.add(o)
        uow.commit()


def test_urgent_orders_first_priority_cutoff_express_age(empty_store: Store) -> None:
    w = build_world(empty_store, SIX)
    set_service(empty_store, "#6", "CJ", "CJ-EXP")  # 13:00 express
    set_service(empty_store, "#5", "CJ", "CJ-STD")  # 15:00
    set_service(empty_store, "#4", "PN", "PN-STD", priority=5)  # 16:00 but VIP
    set_service(
        empty_store, "#3", "PN", "PN-STD", promised_ship_date=(utcnow() + timedelta(days=2)).date()
    )
    _promise_today(empty_store)
    result = build_wave(empty_store, w.supervisor, cart_size=2, max_orders=4)
    assert [t.orders for t in result.tasks] == [("#4", "#6"), ("#5", "#1")]
    assert result.left_out == {"over the limit": 2}


def test_a_supervisor_bump_puts_the_order_first_in_the_wave_as_on_the_orders_screen(
    empty_store: Store,
) -> None:
    w = build_world(empty_store, SIX)
    set_service(empty_store, "#6", "CJ", "CJ-EXP")  # the most urgent by the rules
    set_service(
        empty_store, "#2", "PN", "PN-STD", promised_ship_date=(utcnow() + timedelta(days=2)).date()
    )
    _promise_today(empty_store)
    # #2 is not due for two days, but the customer called: the supervisor moves it up.
    change_priority(empty_store, w.supervisor, w.orders["#2"], +1)

    screen = [r.name for r in list_orders(empty_store, status=OrderStatus.READY_TO_PICK.value).rows]
    assert screen[:2] == ["#2", "#6"]
    result = build_wave(empty_store, w.supervisor, cart_size=2)
    assert [name for t in result.tasks for name in t.orders] == screen


def test_filters_by_carrier_and_cutoff(empty_store: Store) -> None:
    w = build_world(empty_store, SIX)
    set_service(empty_store, "#2", "CJ", "CJ-EXP")
    set_service(empty_store, "#3", "CJ", "CJ-STD")
    summary = ready_summary(empty_store)
    assert summary.ready == 6 and summary.free_totes == 10
    assert summary.by_cutoff == (("CJ 13:00", 1), ("CJ 15:00", 1), ("PN 16:00", 4))
    assert ready_summary(empty_store, carrier="cj", cutoff_before="13:30").ready == 1
    only = build_wave(empty_store, w.supervisor, carrier="cj", cutoff_before="14:00")
    assert [t.orders for t in only.tasks] == [("#2",)]
    rest = build_wave(empty_store, w.supervisor, carrier="CJ")
    assert [t.orders for t in rest.tasks] == [("#3",)]
    with pytest.raises(DomainError, match="No orders ready"):
        build_wave(empty_store, w.supervisor, carrier="CJ")
    waves = list_waves(empty_store)
    assert [wv.code for wv in waves] == ["W0002", "W0001"]
    assert "carrier CJ" in waves[1].rule and "cut-off ≤ 14:00" in waves[1].rule


def test_orders_in_open_tasks_and_unallocated_orders_are_left_out(empty_store: Store) -> None:
    w = build_world(empty_store, SIX[:2])
    with empty_store.unit_of_work() as uow:
        from wms_tui.domain.models import Product

        prod = uow.session.exec(select(Product).where(Product.sku == "TEE-M")).one()
        f.order(uow, "#9", [(prod, 1)], status=OrderStatus.READY_TO_PICK)  # no allocation
        uow.commit()
    first = build_wave(empty_store, w.supervisor)
    assert first.left_out == {"not allocated": 1}
    with pytest.raises(DomainError, match=r"No orders ready for a wave \(1 not allocated\)"):
        build_wave(empty_store, w.supervisor)


def test_not_enough_totes_takes_what_fits(empty_store: Store) -> None:
    w = build_world(empty_store, SIX, n_totes=4)
    result = build_wave(empty_store, w.supervisor, cart_size=6)
    assert result.orders == 4 and result.left_out == {"no free tote": 2}
    with pytest.raises(DomainError, match="2 no free tote"):
        build_wave(empty_store, w.supervisor)


def test_a_tote_holding_stock_is_not_free(empty_store: Store) -> None:
    w = build_world(empty_store, SIX[:1], n_totes=2)
    with empty_store.unit_of_work() as uow:
        from wms_tui.domain.models import Product

        tote = uow.session.exec(select(Location).where(Location.code == "T-0001")).one()
        prod = uow.session.exec(select(Product).where(Product.sku == "TEE-M")).one()
        f.receive(uow, prod, tote, 1)
        uow.commit()
    result = build_wave(empty_store, w.supervisor)
    assert result.tasks[0].totes == ("T-0002",)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"cart_size": 0}, DomainError, "Cart size must be 1 to 20"),
        ({"cart_size": 21}, DomainError, "Cart size must be 1 to 20"),
        ({"max_orders": 0}, DomainError, "Max orders must be at least 1"),
        ({"cutoff_before": "25:00"}, DomainError, "not a time"),
        ({"carrier": "FEDEX"}, NotFound, "Unknown carrier 'FEDEX': use one of CJ, PN"),
        ({"picker_badge": "S9001"}, DomainError, "Karin Holmgren is not a picker"),
        ({"picker_badge": "NOPE"}, NotFound, "No active operator with badge NOPE"),
    ],
)
def test_bad_filters_are_refused_and_build_nothing(
    sqlite_store: Store, kwargs: dict, error: type, match: str
) -> None:
    # Input checks only: one backend is enough.
    w = build_world(sqlite_store, SIX[:2])
    before = snapshot(sqlite_store)
    with pytest.raises(error, match=match):
        build_wave(sqlite_store, w.supervisor, **kwargs)
    assert snapshot(sqlite_store) == before


def test_only_a_supervisor_builds_waves(empty_store: Store) -> None:
    w = build_world(empty_store, SIX[:2])
    before = snapshot(empty_store)
    with pytest.raises(PermissionDenied, match="Ana Lindqvist may not build waves"):
        build_wave(empty_store, w.pickers[0])
    assert snapshot(empty_store) == before


def test_assigned_picker_is_stored(empty_store: Store) -> None:
    w = build_world(empty_store, SIX[:2])
    result = build_wave(empty_store, w.supervisor, picker_badge="p1002")
    assert result.tasks[0].picker == "Jihoon Kim"
    ((task, _),) = _tasks(empty_store)
    assert task.picker_id == w.pickers[1].operator_id and task.status is TaskStatus.OPEN


def test_parse_cutoff() -> None:
    assert parse_cutoff("13:00").hour == 13
    assert parse_cutoff("0930").minute == 30
    assert parse_cutoff("") is None and parse_cutoff(None) is None
    for bad in ("13", "1:2", "noon", "24:00"):
        with pytest.raises(DomainError):
            parse_cutoff(bad)


def _wave_order_by_order(store: Store, cart_size: int) -> list[tuple]:
    """What a wave built now must hold, found the slow way build_wave used to go.

    Ready orders in the house ranking, then per order: is it in an open task,
    is every line reserved, what is left to pick of each allocation; free
    totes by code; carts of ``cart_size``; each cart's stops in slot order,
    numbered along the floor plan's route. One tuple per task line.
    """
    from wms_tui.domain.models import Allocation, PickTaskLine, Service, Stock
    from wms_tui.services.core import priority
    from wms_tui.services.inventory.allocation import open_qty

    with store.read() as s:
        open_ids = {t.id for t in s.exec(select(PickTask)).all() if t.status in OPEN_TASK}
        busy_lines = {
            ln.order_line_id for ln in s.exec(select(PickTaskLine)).all() if ln.task_id in open_ids
        }
        busy_totes = {
            ln.tote_id for ln in s.exec(select(PickTaskLine)).all() if ln.task_id in open_ids
        }
        chosen = []
        for order in s.exec(
            select(Order)
            .outerjoin(Service, Service.id == Order.service_id)
            .where(Order.status == OrderStatus.READY_TO_PICK)
            .order_by(*priority.order_by())
        ).all():
            lines = s.exec(
                select(OrderLine).where(OrderLine.order_id == order.id).order_by(OrderLine.line_no)
            ).all()
            if not lines or any(ln.id in busy_lines for ln in lines):
                continue
            if any(open_qty(ln) > 0 for ln in lines):
                continue
            left = [
                (a.id, ln.id, a.product_id, a.location_id, a.qty - a.qty_picked)
                for ln in lines
                for a in s.exec(
                    select(Allocation)
                    .where(Allocation.order_line_id == ln.id)
                    .order_by(Allocation.id)
                ).all()
                if a.qty > a.qty_picked
            ]
            if left:
                chosen.append((order.name, left))
        holding = {st.location_id for st in s.exec(select(Stock)).all() if st.qty > 0}
        totes = [
            loc.code
            for loc in s.exec(
                select(Location).where(Location.kind == LocationKind.TOTE).order_by(Location.code)
            ).all()
            if loc.active and loc.id not in busy_totes and loc.id not in holding
        ]
        plan = floor_plan(s)
    expected = []
    chosen = chosen[: len(totes)]
    for start in range(0, len(chosen), cart_size):
        stops = [
            (*stop[:4], tote, stop[4], name)
            for (name, left), tote in zip(
                chosen[start : start + cart_size], totes[start : start + cart_size], strict=False
            )
            for stop in left
        ]
        route = plan.route([(i, stop[3]) for i, stop in enumerate(stops)])
        seq = {i: n for n, i in enumerate(route.order, start=1)}
        expected += [(start // cart_size, seq[i], *stop) for i, stop in enumerate(stops)]
    return expected


def test_the_set_based_wave_is_the_wave_built_order_by_order(empty_store: Store) -> None:
    """Built from a few queries and bulk inserts, the wave holds what reading and
    writing order by order gave: the same orders, totes, carts, stops and routes."""
    orders = [
        ("#1", [("MUG-RED", 12), ("TEE-M", 1)]),  # MUG-RED from two bins
        ("#2", [("MUG-BLU", 1), ("SOCK-6", 6), ("BAG-XL", 1)]),  # bulk last
        ("#3", [("CAP-1", 5)]),  # a pick bin and bulk
        ("#4", [("SOCK-6", 2)]),
        ("#5", [("MUG-BLU", 2), ("TEE-M", 1)]),
        ("#6", [("SOCK-6", 1), ("MUG-RED", 1)]),
        ("#7", [("TEE-M", 2)]),
        ("#8", [("MUG-BLU", 1)]),
    ]
    w = build_world(empty_store, orders, n_totes=9)
    # An earlier wave's open task keeps its orders and totes.
    build_wave(empty_store, w.supervisor, cart_size=2, max_orders=2)
    set_service(empty_store, "#7", "CJ", "CJ-EXP", priority=2)
    set_service(empty_store, "#5", "CJ", "CJ-STD")
    with empty_store.unit_of_work() as uow:
        from wms_tui.domain.models import Allocation, Product

        # Half of #6's socks already in a tote: only the rest is left to pick.
        line = uow.session.exec(
            select(OrderLine).where(OrderLine.order_id == w.orders["#6"], OrderLine.line_no == 1)
        ).one()
        alloc = uow.session.exec(
            select(Allocation).where(Allocation.order_line_id == line.id)
        ).one()
        line.quantity, line.qty_allocated, alloc.qty = 4, 4, 4
        alloc.qty_picked = 2
        uow.add(line)
        uow.add(alloc)
        tee = uow.session.exec(select(Product).where(Product.sku == "TEE-M")).one()
        f.order(uow, "#9", [(tee, 1)], status=OrderStatus.READY_TO_PICK)  # nothing reserved
        uow.commit()
    expected = _wave_order_by_order(empty_store, cart_size=3)
    result = build_wave(empty_store, w.supervisor, cart_size=3)
    with empty_store.read() as s:
        tasks = s.exec(
            select(PickTask).where(PickTask.wave_id != None).order_by(PickTask.id)  # noqa: E711
        ).all()
        tasks = [t for t in tasks if t.code.startswith(result.code)]
        codes = {loc.id: loc.code for loc in s.exec(select(Location)).all()}
        names = {o.id: o.name for o in s.exec(select(Order)).all()}
        line_orders = {ln.id: ln.order_id for ln in s.exec(select(OrderLine)).all()}
        built = [
            (
                t_index, ln.seq, ln.allocation_id, ln.order_line_id, ln.product_id,
                ln.location_id, codes[ln.tote_id], ln.qty, names[line_orders[ln.order_line_id]],
            )
            for t_index, task in enumerate(tasks)
            for ln in s.exec(
                select(PickTaskLine)
                .where(PickTaskLine.task_id == task.id)
                .order_by(PickTaskLine.id)
            ).all()
        ]  # fmt: skip
        logged = s.exec(
            select(Event.order_name, Event.location, Event.detail)
            .where(Event.kind == "wave.order", Event.detail.startswith(result.code))
            .order_by(Event.id)
        ).all()
    assert built == expected
    assert [t.orders for t in result.tasks] == [("#7", "#5", "#3"), ("#4", "#6", "#8")]
    assert result.left_out == {"not allocated": 1}
    assert [(name, tote) for name, tote, _ in logged] == [
        (name, codes_) for t in result.tasks for name, codes_ in zip(t.orders, t.totes, strict=True)
    ]
    assert logged[0][2] == f"{result.code} task {result.code}-01 tote {result.tasks[0].totes[0]}"
