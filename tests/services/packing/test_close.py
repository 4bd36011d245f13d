"""Closing an order at the pack station: what blocks it, SSCCs and tracking numbers, PACKED.

Every refusal is checked to leave the whole database exactly as it was.
"""

from __future__ import annotations

from sqlalchemy import event
from sqlmodel import col, select

from tests.worlds import packing as pw
from tests.worlds.dbstate import refused
from tests.worlds.packing import finish, open_1042, scan_all_1042
from wms_tui.domain.enums import ExceptionKind, MovementReason, OrderStatus, ParcelStatus
from wms_tui.domain.identifiers.sscc import is_valid_sscc
from wms_tui.domain.identifiers.tracking import TrackingRule, validate_tracking_number
from wms_tui.domain.models import (
    Carrier,
    Location,
    Order,
    OrderLine,
    Parcel,
    Stock,
    StockMovement,
    Warehouse,
    WmsException,
)
from wms_tui.services.inventory.stock import ledger_mismatches
from wms_tui.services.packing import paper_data
from wms_tui.services.packing import station as packing


def test_close_with_missing_units_is_refused(world: pw.World) -> None:
    oid = open_1042(world).order_id
    packing.scan(world.store, world.packer, oid, pw.MUG_EAN)
    msg = refused(world.store, lambda: packing.close_parcel(world.store, world.packer, oid))
    assert msg.startswith(
        "Cannot close #1042: 2 units still to scan (MUG-BLU 1 of 2, TEE-M 0 of 1)"
    )


def test_close_needs_weight_and_checklist(world: pw.World) -> None:
    oid = open_1042(world).order_id
    view = scan_all_1042(world, oid)
    refused(
        world.store,
        lambda: packing.close_parcel(world.store, world.packer, oid),
        match="Cannot close #1042: Weigh the parcel; 1 insert to confirm",
    )
    packing.enter_weight(world.store, world.packer, oid, str(view.parcels[0].expected_g))
    refused(
        world.store,
        lambda: packing.close_parcel(world.store, world.packer, oid),
        match="1 insert to confirm",
    )
    view = packing.confirm_insert(world.store, world.packer, oid, "return-form")
    assert view.ready
    refused(
        world.store,
        lambda: packing.confirm_insert(world.store, world.packer, oid, 1),
        match="Already confirmed: Return form",
    )
    refused(
        world.store,
        lambda: packing.confirm_insert(world.store, world.packer, oid, 5),
        match="No checklist item 5 (1–1)",
    )


def test_close_packs_the_order(world: pw.World) -> None:
    oid = open_1042(world).order_id
    view = finish(world, scan_all_1042(world, oid))
    closed = packing.close_parcel(world.store, world.packer, oid)
    assert closed.message.startswith("✓ Order #1042 PACKED: 1 parcel, ")
    s_store = world.store
    with s_store.read() as s:
        order = s.get(Order, oid)
        assert order.status == OrderStatus.PACKED and order.locked_by_operator_id is None
        parcel = s.exec(select(Parcel).where(Parcel.order_id == oid)).one()
        assert parcel.status == ParcelStatus.CLOSED
        assert (parcel.seq, parcel.count) == (1, 1)
        assert is_valid_sscc(parcel.sscc) and parcel.sscc.startswith("07350053")
        carrier = s.get(Carrier, order.carrier_id)
        rule = TrackingRule(prefix="", length=12, check="mod10")
        assert validate_tracking_number(rule, parcel.tracking_number)
        assert carrier.tracking_next == 1001
        assert (parcel.packed_by_name, parcel.terminal) == ("Johan Öberg", "PACK-1")
        assert parcel.packed_by_id == world.packer.operator_id and parcel.packed_at is not None
        assert parcel.weight_g == view.parcels[0].expected_g
        assert parcel.label_file.startswith("label_1042_") and parcel.label_file.endswith(".pdf")
        # The units left the tote for the pack station, through the ledger.
        tote = s.exec(select(Location).where(Location.code == "T-0001")).one()
        pack1 = s.exec(select(Location).where(Location.code == "PACK-1")).one()
        assert sum(x.qty for x in s.exec(select(Stock).where(Stock.location_id == tote.id))) == 0
        assert sum(x.qty for x in s.exec(select(Stock).where(Stock.location_id == pack1.id))) == 3
        moves = s.exec(
            select(StockMovement).where(StockMovement.reason == MovementReason.PACKED)
        ).all()
        assert {(m.qty, m.operator_id, m.terminal, m.order_id) for m in moves} == {
            (2, world.packer.operator_id, "PACK-1", oid),
            (1, world.packer.operator_id, "PACK-1", oid),
        }
        assert ledger_mismatches(s) == []
        lines = s.exec(select(OrderLine).where(OrderLine.order_id == oid)).all()
        assert all(ln.qty_packed == ln.quantity for ln in lines)


def test_counters_past_32_bits_number_the_parcel(world: pw.World) -> None:
    """CJ's tracking range starts at 60500000001 and a 6-digit GS1 prefix leaves a
    10-digit SSCC serial: both are past 2^31 and must survive PostgreSQL too."""
    oid = world.orders["#1042"]
    with world.store.unit_of_work() as uow:
        order = uow.session.get(Order, oid)
        carrier = uow.session.get(Carrier, order.carrier_id)
        carrier.tracking_next = 60_500_000_001
        wh = uow.session.exec(select(Warehouse)).one()
        wh.gs1_company_prefix, wh.sscc_next_serial = "735005", 2_500_000_000
        uow.add(carrier)
        uow.add(wh)
        uow.commit()
    oid = open_1042(world).order_id
    finish(world, scan_all_1042(world, oid))
    packing.close_parcel(world.store, world.packer, oid)
    with world.store.read() as s:
        parcel = s.exec(select(Parcel).where(Parcel.order_id == oid)).one()
        rule = TrackingRule(prefix="", length=12, check="mod10")
        assert parcel.tracking_number.startswith("60500000001")
        assert validate_tracking_number(rule, parcel.tracking_number)
        assert is_valid_sscc(parcel.sscc) and parcel.sscc[1:17] == "7350052500000000"
        assert s.get(Carrier, carrier.id).tracking_next == 60_500_000_002
        assert s.exec(select(Warehouse.sscc_next_serial)).one() == 2_500_000_001
    refused(
        world.store,
        lambda: packing.open_order(world.store, world.packer2, "#1042"),
        match="Order #1042 is already packed by Johan Öberg",
    )


def test_closing_without_a_carrier_is_refused(world: pw.World) -> None:
    oid = open_1042(world).order_id
    finish(world, scan_all_1042(world, oid))
    with world.store.unit_of_work() as uow:
        o = uow.session.get(Order, oid)
        o.carrier_id = None
        uow.add(o)
        uow.commit()
    refused(
        world.store,
        lambda: packing.close_parcel(world.store, world.packer, oid),
        match="Order #1042 has no carrier",
    )


def test_closing_with_an_address_no_label_can_carry_is_refused(world: pw.World) -> None:
    oid = open_1042(world).order_id
    finish(world, scan_all_1042(world, oid))
    with world.store.unit_of_work() as uow:
        o = uow.session.get(Order, oid)
        o.ship_country = "S1"
        uow.add(o)
        uow.commit()
    refused(
        world.store,
        lambda: packing.close_parcel(world.store, world.packer, oid),
        match="has country 'S1', not an ISO country code",
    )


def test_multi_parcel_order(world: pw.World) -> None:
    oid = open_1042(world).order_id
    packing.scan(world.store, world.packer, oid, pw.MUG_EAN)
    packing.scan(world.store, world.packer, oid, pw.MUG_EAN)
    packing.new_parcel(world.store, world.packer, oid)
    view = packing.scan(world.store, world.packer, oid, pw.TEE_EAN)
    assert [p.contents for p in view.parcels] == ["2× MUG-BLU", "1× TEE-M"]
    view = packing.enter_weight(world.store, world.packer, oid, str(view.parcels[0].expected_g))
    assert view.parcels[0].weight_ok and view.parcels[1].weight_state == "none"
    view = packing.enter_weight(world.store, world.packer, oid, str(view.parcels[1].expected_g))
    view = finish(world, view)
    closed = packing.close_parcel(world.store, world.packer, oid)
    assert [(p.index, p.count) for p in closed.parcels] == [(1, 2), (2, 2)]
    assert len({p.sscc for p in closed.parcels}) == 2
    with world.store.read() as s:
        parcels = s.exec(select(Parcel).where(Parcel.order_id == oid).order_by(col(Parcel.seq)))
        assert [(p.seq, p.count, p.weight_g) for p in parcels] == [
            (1, 2, view.parcels[0].expected_g),
            (2, 2, view.parcels[1].expected_g),
        ]


def _sscc_serial_at(world: pw.World, from_last: int) -> int:
    """Put the warehouse's counter ``from_last`` past the last serial its prefix leaves room for."""
    with world.store.unit_of_work() as uow:
        wh = uow.session.exec(select(Warehouse)).one()
        last = 10 ** (16 - len(wh.gs1_company_prefix)) - 1
        wh.sscc_next_serial = last + from_last
        uow.add(wh)
        uow.commit()
    return last


def test_sscc_serials_left_short_of_the_parcels_refuse_the_close(world: pw.World) -> None:
    _sscc_serial_at(world, 0)
    oid = open_1042(world).order_id
    packing.scan(world.store, world.packer, oid, pw.MUG_EAN)
    packing.scan(world.store, world.packer, oid, pw.MUG_EAN)
    packing.new_parcel(world.store, world.packer, oid)
    finish(world, packing.scan(world.store, world.packer, oid, pw.TEE_EAN))
    msg = refused(
        world.store,
        lambda: packing.close_parcel(world.store, world.packer, oid),
        match="Cannot close #1042: the warehouse has 1 SSCC serial left, #1042 needs 2",
    )
    assert msg.endswith(
        "a supervisor must enter a new GS1 company prefix in warehouse.csv: "
        "wms import setup FOLDER --badge …"
    )


def test_the_last_sscc_serial_numbers_a_parcel_and_then_none_are_left(world: pw.World) -> None:
    last = _sscc_serial_at(world, 0)
    oid = open_1042(world).order_id
    finish(world, scan_all_1042(world, oid))
    closed = packing.close_parcel(world.store, world.packer, oid)
    assert closed.parcels[0].sscc[-1 - len(str(last)) : -1] == str(last)
    with world.store.read() as s:
        assert s.exec(select(Warehouse.sscc_next_serial)).one() == last + 1


def test_sscc_serials_used_up_refuse_even_one_parcel(world: pw.World) -> None:
    _sscc_serial_at(world, 1)
    oid = open_1042(world).order_id
    finish(world, scan_all_1042(world, oid))
    refused(
        world.store,
        lambda: packing.close_parcel(world.store, world.packer, oid),
        match="Cannot close #1042: the warehouse has no SSCC serials left (GS1 prefix",
    )


def test_the_close_reads_the_order_once_and_checks_the_papers_a_reprint_prints(
    world: pw.World, monkeypatch
) -> None:
    """The papers' check before the commit takes the lines, parcel contents and confirmed
    inserts the close has read: one read each, and the same slip and goods as the
    papers built afterwards from the stored rows."""
    oid = open_1042(world).order_id
    finish(world, scan_all_1042(world, oid))
    built: list = []
    real_bundle, real_slip = paper_data.bundle, paper_data.slip_data

    def bundle(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        built.append(b := real_bundle(*args, **kwargs))
        return b

    def slip(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        built.append(d := real_slip(*args, **kwargs))
        return d

    monkeypatch.setattr(paper_data, "bundle", bundle)
    monkeypatch.setattr(paper_data, "slip_data", slip)
    sent: list[str] = []

    def record(conn, cursor, stmt, params, context, executemany) -> None:  # noqa: ANN001
        sent.append(" ".join(stmt.split()))

    event.listen(world.store.engine, "before_cursor_execute", record)
    try:
        packing.close_parcel(world.store, world.packer, oid)
    finally:
        event.remove(world.store.engine, "before_cursor_execute", record)
    selects = [s for s in sent if s.startswith("SELECT")]
    assert len([s for s in selects if " FROM orderline " in s + " "]) == 1
    assert len([s for s in selects if s.startswith("SELECT event.detail")]) == 1
    assert not [s for s in selects if " FROM packscan " in s + " " and "sum(" in s]
    b_close, slip_close = built
    assert list(slip_close.inserts) == ["Return form"]
    with world.store.read() as s:
        order = s.get(Order, oid)
        b = real_bundle(s, order, paper_data.printed_parcels(s, order))
        assert real_slip(s, b) == slip_close
        assert (b.items, b.parcel_items) == (b_close.items, b_close.parcel_items)
        assert [ln.id for ln in b.lines] == [ln.id for ln in b_close.lines]


def test_the_close_settles_what_waited_for_it_and_reads_the_exceptions_once(
    world: pw.World,
) -> None:
    """A QC failure open on the order closes with the close (the view's read of the
    order's exceptions decides it), a person's exception stays open."""
    oid = open_1042(world).order_id
    finish(world, scan_all_1042(world, oid))
    with world.store.unit_of_work() as uow:
        for kind in (ExceptionKind.QC_FAIL, ExceptionKind.OTHER):
            uow.add(WmsException(kind=kind, order_id=oid, sku="MUG-BLU", message="x"))
        uow.commit()
    sent: list[str] = []

    def record(conn, cursor, stmt, params, context, executemany) -> None:  # noqa: ANN001
        sent.append(" ".join(stmt.split()))

    event.listen(world.store.engine, "before_cursor_execute", record)
    try:
        packing.close_parcel(world.store, world.packer, oid)
    finally:
        event.remove(world.store.engine, "before_cursor_execute", record)
    with world.store.read() as s:
        rows = s.exec(select(WmsException).where(WmsException.order_id == oid)).all()
        done = {r.kind: r.resolved_by_id for r in rows}
    assert done == {ExceptionKind.QC_FAIL: world.packer.operator_id, ExceptionKind.OTHER: None}
    # The view's read and settle's own (it is given work): with nothing open, one.
    assert len([x for x in sent if x.startswith("SELECT") and "FROM wms_exception" in x]) == 2


def test_a_close_with_no_exception_waiting_does_not_look_again(world: pw.World) -> None:
    oid = open_1042(world).order_id
    finish(world, scan_all_1042(world, oid))
    sent: list[str] = []

    def record(conn, cursor, stmt, params, context, executemany) -> None:  # noqa: ANN001
        sent.append(" ".join(stmt.split()))

    event.listen(world.store.engine, "before_cursor_execute", record)
    try:
        packing.close_parcel(world.store, world.packer, oid)
    finally:
        event.remove(world.store.engine, "before_cursor_execute", record)
    assert len([x for x in sent if x.startswith("SELECT") and "FROM wms_exception" in x]) == 1


def _selects(world: pw.World, call) -> list[str]:  # noqa: ANN001
    sent: list[str] = []

    def record(conn, cursor, stmt, params, context, executemany) -> None:  # noqa: ANN001
        sent.append(" ".join(stmt.split()))

    event.listen(world.store.engine, "before_cursor_execute", record)
    try:
        call()
    finally:
        event.remove(world.store.engine, "before_cursor_execute", record)
    return [s for s in sent if s.startswith("SELECT")]


def test_weighing_and_ticking_an_insert_read_what_they_need_once(world: pw.World) -> None:
    """A first weighing has no mismatch to resolve; a ticked insert is known to the view
    without reading the confirmations again. Same answers as before."""
    oid = open_1042(world).order_id
    view = scan_all_1042(world, oid)
    grams = str(view.parcels[0].expected_g)
    weigh = _selects(world, lambda: packing.enter_weight(world.store, world.packer, oid, grams))
    assert len([s for s in weigh if "FROM wms_exception" in s]) == 1  # the view's
    views: list = []
    tick = _selects(
        world,
        lambda: views.append(packing.confirm_insert(world.store, world.packer, oid, 1)),
    )
    assert len([s for s in tick if s.startswith("SELECT event.detail")]) == 1
    assert views[0].ready and [i.done for i in views[0].inserts] == [True]
    assert views[0].message.endswith("checklist done")
