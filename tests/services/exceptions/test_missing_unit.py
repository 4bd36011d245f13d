"""A unit missing from the tote at packing: the order goes to a supervisor's inbox.

Before, the packer could only scan the rest and try to close, which was refused
("find the missing unit or ask a supervisor") and raised nothing: the order sat
at the station, named by no task and by no exception. Now the packer reports
it; the order waits on hold with a MISSING_UNIT exception whose actions
resolve it: re-pick, ship without it, cancel. The bin the unit was picked
from is flagged for a count, as a short pick's is, and the exception offers
that count until it is done.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlmodel import select

from tests.worlds import factories as f
from tests.worlds import packing as pw
from tests.worlds.dbstate import snapshot
from tests.worlds.packing import order_state
from wms_tui.domain.enums import EventKind, ExceptionKind, OrderStatus
from wms_tui.domain.errors import Conflict, DomainError, PermissionDenied
from wms_tui.domain.models import Event, Location, OrderLine, Stock
from wms_tui.services.demo.day_checks import check_day
from wms_tui.services.exceptions.actions import resolve
from wms_tui.services.exceptions.inbox import Action, open_exceptions
from wms_tui.services.inventory import cycle_count as cc
from wms_tui.services.inventory.stock import ledger_mismatches
from wms_tui.services.packing import close
from wms_tui.services.packing import station as packing
from wms_tui.services.packing.missing import report_missing
from wms_tui.services.picking import walk as picking
from wms_tui.store import Store


def _tote_holds(store: Store, tote: str) -> dict[int, int]:
    with store.read() as s:
        rows = s.exec(
            select(Stock.product_id, Stock.qty)
            .join(Location, Location.id == Stock.location_id)  # type: ignore[arg-type]
            .where(Location.code == tote, Stock.qty > 0)
        ).all()
    return dict(rows)


def _mug_missing(world: pw.World) -> int:
    """#1042 (2 mugs, 1 tee, tote T-0001): one mug scanned, the second is not in the tote."""
    oid = pw.open_1042(world).order_id
    packing.scan(world.store, world.packer, oid, pw.MUG_EAN)
    view = report_missing(world.store, world.packer, oid, 1)
    assert view.status == OrderStatus.ON_HOLD
    assert view.message == "MUG-BLU missing: #1042 to the supervisor; park tote T-0001"
    return oid


MUG_BIN = "A-01-1-A"  # where the world's pick put #1042's mugs in tote T-0001 from


def _bin(store: Store, code: str) -> tuple[bool, str]:
    with store.read() as s:
        loc = s.exec(select(Location).where(Location.code == code)).one()
        return loc.cycle_count_flag, loc.cycle_count_reason


def _count(store: Store, boss, code: str) -> None:  # noqa: ANN001 - an Actor
    """The supervisor counts the bin and finds what the books say."""
    system = {v.sku: v.system for v in cc.count_variance(store, boss, code, {})}
    cc.approve_count(store, boss, code, system, expected=system)


def _walk(store: Store, code: str) -> None:
    with store.unit_of_work() as uow:
        picker = replace(f.operator(uow, "Ana Lindqvist", "picker", badge="P1001"), terminal="HH")
        uow.commit()
    view = picking.claim_next_task(store, picker)
    assert view is not None and view.code == code
    while view.stop is not None:
        stop = view.stop
        at = picking.scan(store, picker, code, stop.bin).at_bin
        picking.scan(store, picker, code, stop.sku, at_bin=at, count=stop.qty - stop.picked)
        done = picking.scan(store, picker, code, stop.tote, at_bin=at)
        if done.finished is not None:
            return
        view = done.view


def test_a_missing_unit_puts_the_order_in_the_inbox_with_its_three_ways_out(
    world: pw.World,
) -> None:
    store, boss = world.store, world.supervisor
    mugs_before = _tote_holds(store, "T-0001")
    _mug_missing(world)

    # Off the station, waiting on a named exception; the tote keeps the rest.
    assert order_state(store, "#1042") == (OrderStatus.ON_HOLD, "")
    [item] = open_exceptions(store, boss)
    assert item.kind == ExceptionKind.MISSING_UNIT and item.kind_label == "Missing unit"
    assert item.order == "#1042" and item.raised_by == "Johan Öberg"
    # Its only mugs are in the bin flagged for the count: a re-pick would find 0
    # free, so it is not offered until the count, and the row says why.
    assert item.actions == (Action.SHIP_SHORT, Action.CANCEL, Action.COUNT)
    assert item.withheld == "No re-pick: 0 MUG-BLU free, 1 needed"
    assert item.bin == MUG_BIN
    assert item.cause.endswith(
        "MUG-BLU of #1042 missing from T-0001 at PACK-1: re-pick it, ship without it or cancel"
    )
    # The unit is written off the tote, nowhere else: the books say what is there.
    after = _tote_holds(store, "T-0001")
    assert sum(after.values()) == sum(mugs_before.values()) - 1
    with store.read() as s:
        assert ledger_mismatches(s) == []
        kinds = s.exec(select(Event.kind).where(Event.kind == EventKind.PACK_MISSING)).all()
        assert kinds == [EventKind.PACK_MISSING]
        flagged = s.exec(
            select(Event.location).where(Event.kind == EventKind.LOCATION_FLAGGED)
        ).all()
        assert flagged == [MUG_BIN]
    # The bin it was picked from holds one more than the books say if the picker
    # never took it: counted before its units are given to anyone again.
    assert _bin(store, MUG_BIN) == (
        True,
        "Unit missing at packing: 1× MUG-BLU of #1042 (Johan Öberg on PACK-1)",
    )
    # The floor day's checks do not name it (#1043 and #1044 still wait at packing).
    named, *rest = check_day(store, boss)
    assert "#1042" not in named.detail and "#1043" in named.detail
    assert all(c.ok for c in rest), rest


def test_a_re_pick_brings_the_missing_unit_and_the_order_is_packed_whole(
    world: pw.World,
) -> None:
    store, boss = world.store, world.supervisor
    oid = _mug_missing(world)
    [item] = open_exceptions(store, boss)
    # Its only mugs are in the flagged bin: counted first, they can be re-picked.
    before = snapshot(store)
    assert Action.REPICK not in item.actions
    with pytest.raises(DomainError, match="^No re-pick: 0 MUG-BLU free, 1 needed$"):
        resolve(store, boss, item.id, Action.REPICK)
    assert snapshot(store) == before
    _count(store, boss, MUG_BIN)
    [item] = open_exceptions(store, boss)
    assert item.actions == (Action.REPICK, Action.SHIP_SHORT, Action.CANCEL)
    assert item.withheld == ""

    result = resolve(store, boss, item.id, Action.REPICK)
    assert result.message == f"#1042: re-pick RPL-{oid}-1 for 1 unit into tote T-0001"
    assert result.closed and result.order_status == "picking"
    assert open_exceptions(store, boss) == []  # a picker's next task names it now

    _walk(store, f"RPL-{oid}-1")
    assert order_state(store, "#1042")[0] is OrderStatus.PICKED
    view = packing.open_order(store, world.packer, "#1042")
    assert [(ln.sku, ln.packed, ln.need) for ln in view.lines] == [
        ("MUG-BLU", 1, 2),
        ("TEE-M", 0, 1),
    ]
    packing.scan(store, world.packer, oid, pw.MUG_EAN)
    view = packing.scan(store, world.packer, oid, pw.TEE_EAN)
    close.close_order(store, world.packer, pw.finish(world, view).order_id)
    assert order_state(store, "#1042")[0] is OrderStatus.PACKED
    with store.read() as s:
        assert ledger_mismatches(s) == []


def test_shipping_without_it_sends_the_rest_back_to_the_pack_queue(world: pw.World) -> None:
    store, boss = world.store, world.supervisor
    oid = _mug_missing(world)
    [item] = open_exceptions(store, boss)

    result = resolve(store, boss, item.id, Action.SHIP_SHORT)
    assert result.message == "#1042 ships without the missing unit: back in the pack queue"
    assert order_state(store, "#1042") == (OrderStatus.PICKED, "")
    # Decided, and still open for the count of the bin the unit came from: the one
    # action left; the count closes it.
    assert not result.closed
    [item] = open_exceptions(store, boss)
    assert (item.actions, item.bin) == ((Action.COUNT,), MUG_BIN)
    _count(store, boss, MUG_BIN)
    assert open_exceptions(store, boss) == []
    assert _bin(store, MUG_BIN) == (False, "")
    assert "#1042" in [row.name for row in packing.station_queue(store, world.packer2)]

    view = packing.open_order(store, world.packer2, "#1042")
    assert [(ln.sku, ln.packed, ln.need) for ln in view.lines] == [
        ("MUG-BLU", 1, 1),
        ("TEE-M", 0, 1),
    ]
    view = packing.scan(store, world.packer2, oid, pw.TEE_EAN)
    close.close_order(store, world.packer2, pw.finish(world, view, world.packer2).order_id)
    assert order_state(store, "#1042")[0] is OrderStatus.PACKED
    with store.read() as s:
        mug = s.exec(select(OrderLine).where(OrderLine.order_id == oid, OrderLine.line_no == 1))
        assert mug.one().short_reason == "Not sent, refund follows"  # on the customer's slip
        assert ledger_mismatches(s) == []


def test_cancelling_it_puts_the_rest_of_the_tote_back(world: pw.World) -> None:
    store, boss = world.store, world.supervisor
    _mug_missing(world)
    [item] = open_exceptions(store, boss)

    resolve(store, boss, item.id, Action.CANCEL, note="customer gave up")
    assert order_state(store, "#1042")[0] is OrderStatus.CANCELLED
    [left] = open_exceptions(store, boss)  # the missing unit's closed itself
    assert left.kind == ExceptionKind.OTHER and Action.PUT_BACK in left.actions
    resolve(store, boss, left.id, Action.PUT_BACK)
    assert open_exceptions(store, boss) == []
    assert _tote_holds(store, "T-0001") == {}
    named, *rest = check_day(store, boss)
    assert "#1042" not in named.detail and all(c.ok for c in rest), rest


def test_the_only_unit_missing_offers_no_ship_without_it(world: pw.World) -> None:
    """#1043 is one book: shipping without it would ship an empty parcel."""
    store, boss = world.store, world.supervisor
    oid = packing.open_order(store, world.packer, world.totes["#1043"]).order_id
    report_missing(store, world.packer, oid, 1)
    [item] = open_exceptions(store, boss)
    assert item.actions == (Action.CANCEL, Action.COUNT)  # a re-pick once the bin is counted
    assert item.withheld == "No re-pick: 0 BOOK-SV free, 1 needed"
    assert item.cause.endswith("missing from T-0002 at PACK-1: re-pick it or cancel")
    before = snapshot(store)
    with pytest.raises(DomainError, match="Ship without it does not resolve this exception"):
        resolve(store, boss, item.id, Action.SHIP_SHORT)
    assert snapshot(store) == before


def test_a_missing_unit_is_refused_whole_when_nothing_can_be_missing(world: pw.World) -> None:
    store = world.store
    oid = pw.open_1042(world).order_id
    packing.scan(store, world.packer, oid, pw.TEE_EAN)
    before = snapshot(store)
    with pytest.raises(DomainError, match="Every TEE-M of line 2 is scanned: none is missing"):
        report_missing(store, world.packer, oid, 2)
    with pytest.raises(DomainError, match="no line 9"):
        report_missing(store, world.packer, oid, 9)
    with pytest.raises(Conflict, match="open at PACK-1"):
        report_missing(store, world.packer2, oid, 1)
    with pytest.raises(PermissionDenied):
        report_missing(store, replace(world.supervisor, roles=frozenset({"picker"})), oid, 1)
    assert snapshot(store) == before
