"""Pack station services: open, scan every unit, refuse every wrong scan, box, weigh, close.

Runs on SQLite and PostgreSQL. Every refusal is checked to leave the whole
database exactly as it was (``tests.worlds.dbstate.snapshot``).
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlmodel import col, select

from tests.worlds import factories as f
from tests.worlds import packing as pw
from tests.worlds.dbstate import refused
from tests.worlds.packing import finish, open_1042, scan_all_1042
from wms_tui.domain.enums import ExceptionKind, MovementReason, OrderStatus, ParcelStatus
from wms_tui.domain.errors import Conflict, DomainError, NotFound, PermissionDenied
from wms_tui.domain.identifiers.sscc import is_valid_sscc
from wms_tui.domain.identifiers.tracking import TrackingRule, validate_tracking_number
from wms_tui.domain.models import (
    Carrier,
    Event,
    Location,
    Order,
    OrderLine,
    PackScan,
    Parcel,
    Product,
    Stock,
    StockMovement,
    Warehouse,
    WmsException,
)
from wms_tui.services.core import events
from wms_tui.services.inventory.stock import ledger_mismatches
from wms_tui.services.packing import station as packing
from wms_tui.services.packing.view import Blocker, BlockerKind, Tone

# --------------------------------------------------------------------------- open


def test_open_by_tote_locks_the_order_to_the_station(world: pw.World) -> None:
    view = open_1042(world)
    assert view.order_name == "#1042" and view.status == "PACKING"
    assert [(ln.sku, ln.quantity, ln.packed, ln.symbol) for ln in view.lines] == [
        ("MUG-BLU", 2, 0, "•"),
        ("TEE-M", 1, 0, "•"),
    ]
    assert view.blockers[0] == Blocker(BlockerKind.UNITS_TO_SCAN, "3 units still to scan")
    with world.store.read() as s:
        o = s.get(Order, view.order_id)
        assert (o.locked_terminal, o.locked_by_operator_id) == ("PACK-1", world.packer.operator_id)
        ev = s.exec(select(Event).where(Event.order_id == o.id, Event.to_state == "PACKING")).one()
        assert (ev.operator_name, ev.terminal) == ("Johan Öberg", "PACK-1")


@pytest.mark.parametrize("code", ["#1043", "1043", " 1043\r\x1d"])
def test_open_by_order_name(world: pw.World, code: str) -> None:
    view = packing.open_order(world.store, world.packer, code)
    assert view.order_name == "#1043"
    # Notes, gift message and tags are what the packer must not miss.
    assert view.instructions == (
        "GIFT MESSAGE: Grattis på födelsedagen, Åsa!",
        "NOTE: Leave at the door",
        "TAGS: first-order, gift-wrap",
    )
    keys = [i.key for i in view.inserts]
    assert keys == ["return-form", "welcome-flyer", "gift-wrap", "orientation", "gift-note"]


def test_second_station_is_refused_and_told_who_has_it(world: pw.World) -> None:
    open_1042(world)
    msg = refused(
        world.store,
        lambda: packing.open_order(world.store, world.packer2, "#1042"),
        Conflict,
    )
    assert msg == "Order #1042 is open at PACK-1 by Johan Öberg"
    # ... and cannot scan into it either.
    oid = world.orders["#1042"]
    refused(
        world.store,
        lambda: packing.scan(world.store, world.packer2, oid, pw.MUG_EAN),
        Conflict,
        "open at PACK-1 by Johan Öberg",
    )


def test_supervisor_takes_over_an_abandoned_order(world: pw.World) -> None:
    open_1042(world)
    oid = world.orders["#1042"]
    packing.scan(world.store, world.packer, oid, pw.MUG_EAN)
    refused(
        world.store,
        lambda: packing.open_order(world.store, world.packer2, "#1042", take_over=f.boss("K2001")),
        PermissionDenied,
        "Johan Öberg is not a supervisor",
    )
    view = packing.open_order(world.store, world.packer2, "#1042", take_over=f.boss("S9001"))
    assert view.locked_terminal == "PACK-2"
    assert view.lines[0].packed == 1  # what was scanned stays scanned
    with world.store.read() as s:
        ev = s.exec(select(Event).where(Event.kind == "pack.takeover")).one()
        assert "Karin Holmgren" in ev.detail and ev.prior_terminal == "PACK-1"


def test_next_packer_at_the_same_bench_goes_on_with_the_order_left_there(
    world: pw.World,
) -> None:
    """Shift change: Johan scanned one mug at PACK-1 and logged out; Emily sits
    down at PACK-1. The tote is on her bench, so she goes on with it."""
    view = open_1042(world)
    oid = view.order_id
    packing.scan(world.store, world.packer, oid, pw.MUG_EAN)
    emily = replace(world.packer2, terminal="PACK-1")
    assert packing.left_on_bench(world.store, emily) == "#1042"
    assert packing.left_on_bench(world.store, world.packer) is None  # his own: resumed
    msg = refused(world.store, lambda: packing.open_order(world.store, emily, "#1043"), DomainError)
    assert msg == (
        "Order #1042 was left open here by Johan Öberg: scan it to go on with it, "
        "then close or park it"
    )
    view = packing.open_order(world.store, emily, "#1042")
    assert view.message.startswith("Going on with #1042, left here by Johan Öberg: scan")
    assert view.lines[0].packed == 1
    view = packing.scan(world.store, emily, oid, pw.MUG_EAN)
    assert view.lines[0].packed == 2
    # Johan can no longer scan into it; each scan keeps its own packer.
    refused(
        world.store,
        lambda: packing.scan(world.store, world.packer, oid, pw.TEE_EAN),
        Conflict,
        "open at PACK-1 by Emily Carter",
    )
    with world.store.read() as s:
        ev = s.exec(select(Event).where(Event.kind == "pack.handover")).one()
        assert ev.prior_operator == "Johan Öberg" and ev.operator_name == "Emily Carter"
        by = [sc.operator_id for sc in s.exec(select(PackScan).where(PackScan.order_id == oid))]
        assert by == [world.packer.operator_id, emily.operator_id]
    # Another station still needs a supervisor to take it.
    refused(
        world.store,
        lambda: packing.open_order(world.store, world.packer2, "#1042"),
        Conflict,
        "open at PACK-1 by Emily Carter",
    )


def test_one_order_at_a_time_per_station(world: pw.World) -> None:
    open_1042(world)
    refused(
        world.store,
        lambda: packing.open_order(world.store, world.packer, "#1043"),
        Conflict,
        "Order #1042 is still open here",
    )


@pytest.mark.parametrize("typed", ["1043", "#1043", " 1043\r"])
def test_an_order_opens_by_its_number_typed_any_way(world: pw.World, typed: str) -> None:
    assert packing.open_order(world.store, world.packer, typed).order_name == "#1043"


def test_order_names_with_letters_open_in_any_case(world: pw.World) -> None:
    with world.store.unit_of_work() as uow:
        order = uow.session.get(Order, world.orders["#1043"])
        order.name = "#D1043"
        uow.add(order)
        uow.commit()
    for typed in ("d1043", "#d1043", "D1043"):
        view = packing.open_order(world.store, world.packer, typed)
        assert view.order_name == "#D1043"
        packing.release(world.store, world.packer, view.order_id)


def test_open_refusals(world: pw.World) -> None:
    for code, exc, match in [
        ("", DomainError, "Scan a tote or an order number"),
        ("#9999", NotFound, "No order or tote #9999"),
        ("T-0004", NotFound, "Tote T-0004 is empty"),
    ]:
        refused(
            world.store,
            lambda c=code: packing.open_order(world.store, world.packer, c),
            exc,
            match,
        )


def test_only_packers_pack(world: pw.World) -> None:
    refused(
        world.store,
        lambda: packing.open_order(world.store, world.supervisor, "#1042"),
        PermissionDenied,
        "needs the packer role",
    )


# --------------------------------------------------------------------------- scanning


def test_good_scans_count_up_and_lines_show_done(world: pw.World) -> None:
    view = open_1042(world)
    oid = view.order_id
    view = packing.scan(world.store, world.packer, oid, pw.MUG_EAN)
    assert (view.tone, view.message) == (Tone.OK, "MUG-BLU  1/2")
    view = packing.scan(world.store, world.packer, oid, pw.MUG_EAN + "\r\n\x1d")
    assert (view.tone, view.message) == (Tone.OK, "MUG-BLU  2/2  line done")
    assert view.lines[0].symbol == "✓" and view.lines[1].symbol == "•"
    view = packing.scan(world.store, world.packer, oid, "tee-m")  # SKU keyed by hand
    assert view.message.endswith("all units scanned: weigh the parcel")
    assert view.units_packed == view.units_needed == 3
    with world.store.read() as s:
        scans = s.exec(select(PackScan).where(PackScan.order_id == oid)).all()
        assert [(x.qty, x.terminal, x.operator_id) for x in scans] == [
            (1, "PACK-1", world.packer.operator_id)
        ] * 3
        assert {x.parcel_id for x in scans} == {view.parcels[0].parcel_id}


WRONG_SCANS = [
    (pw.STRANGER_EAN, "SOCK-X (Wool socks) is not in order #1042"),
    (pw.BOOK_EAN, "BOOK-SV (Kokbok) is not in order #1042"),
    ("0000000000000", "Unknown barcode 0000000000000"),
    ("T-0002", "Tote T-0002 belongs to order #1043, not #1042"),
    ("#1043", "That is order #1043: close or park #1042 first"),
    ("\r\x1d", "Nothing scanned"),
]


def test_wrong_scans_say_so_and_change_nothing(world: pw.World) -> None:
    oid = open_1042(world).order_id
    packing.scan(world.store, world.packer, oid, pw.MUG_EAN)
    for code, match in WRONG_SCANS:
        refused(
            world.store, lambda c=code: packing.scan(world.store, world.packer, oid, c), match=match
        )


def test_grams_keyed_without_a_unit_are_named_not_counted_as_a_wrong_scan(
    world: pw.World,
) -> None:
    """At 40x16 "1450" at "Weigh the parcel" read "Unknown barcode 1450"."""
    oid = open_1042(world).order_id
    for code in ("1450", "31500"):
        msg = refused(world.store, lambda c=code: packing.scan(world.store, world.packer, oid, c))
        assert msg == f"{code} is no barcode: key a weight with its unit, {code} g"
    # Eight digits may be an EAN-8: still an unknown barcode.
    msg = refused(world.store, lambda: packing.scan(world.store, world.packer, oid, "12345670"))
    assert msg == "Unknown barcode 12345670"
    packing.scan(world.store, world.packer, oid, pw.MUG_EAN)
    view = packing.scan(world.store, world.packer, oid, "1450 g")  # with its unit: a weight
    assert "1450 g" in view.message, view.message


def test_over_scan_is_refused(world: pw.World) -> None:
    oid = open_1042(world).order_id
    packing.scan(world.store, world.packer, oid, pw.MUG_EAN)
    packing.scan(world.store, world.packer, oid, pw.MUG_EAN)
    msg = refused(world.store, lambda: packing.scan(world.store, world.packer, oid, pw.MUG_EAN))
    assert msg == "Already 2 of 2 MUG-BLU packed: this one is extra"


def test_own_tote_scan_is_a_hint_not_an_error(world: pw.World) -> None:
    oid = open_1042(world).order_id
    view = packing.scan(world.store, world.packer, oid, "T-0001")
    assert view.message == "T-0001 is this order's tote: scan the items in it"
    assert view.units_packed == 0


def test_case_code_counts_its_pack_size(world: pw.World) -> None:
    # #1044 wants 8 tees; give the mug order a case: refused, only 2 needed.
    oid = open_1042(world).order_id
    refused(
        world.store,
        lambda: packing.scan(world.store, world.packer, oid, pw.MUG_CASE),
        match="Case code counts 6 MUG-BLU but only 2 more are needed",
    )


def test_case_code_of_six(world: pw.World) -> None:
    w = world
    with w.store.unit_of_work() as uow:
        mug = uow.session.exec(select(Product).where(Product.sku == "MUG-BLU")).one()
        o = f.order(uow, "#1050", [(mug, 7)])
        tote = uow.session.exec(select(Location).where(Location.code == "T-0004")).one()
        pw.pick_into_tote(uow, o, tote)
        uow.commit()
    view = packing.open_order(w.store, w.packer, "T-0004")
    view = packing.scan(w.store, w.packer, view.order_id, pw.MUG_CASE)
    assert (view.tone, view.message) == (Tone.OK, "6× MUG-BLU  6/7")
    view = packing.scan(w.store, w.packer, view.order_id, pw.MUG_EAN)
    assert view.lines[0].done


def test_key_the_count_after_one_scan(world: pw.World) -> None:
    view = packing.open_order(world.store, world.packer, "#1044")  # 8 tees
    oid = view.order_id
    refused(
        world.store,
        lambda: packing.set_count(world.store, world.packer, oid, 1, 8),
        match="Scan one TEE-M first",
    )
    packing.scan(world.store, world.packer, oid, pw.TEE_EAN)
    refused(
        world.store,
        lambda: packing.set_count(world.store, world.packer, oid, 1, 9),
        match="needs 8, not 9",
    )
    refused(
        world.store,
        lambda: packing.set_count(world.store, world.packer, oid, 1, 0),
        match="at least 1",
    )
    refused(
        world.store,
        lambda: packing.set_count(world.store, world.packer, oid, 1, 1),
        match="already at 1",
    )
    view = packing.set_count(world.store, world.packer, oid, 1, 8)
    assert view.message == "counted 7× TEE-M  8/8  line done · all units scanned: weigh the parcel"
    view = packing.undo(world.store, world.packer, oid)
    assert view.message == "Undone: 7× TEE-M, now 1/8"


def test_undo_takes_back_the_last_scan_and_is_logged(world: pw.World) -> None:
    oid = open_1042(world).order_id
    refused(
        world.store, lambda: packing.undo(world.store, world.packer, oid), match="Nothing to undo"
    )
    packing.scan(world.store, world.packer, oid, pw.MUG_EAN)
    packing.scan(world.store, world.packer, oid, pw.TEE_EAN)
    view = packing.undo(world.store, world.packer, oid)
    assert view.message == "Undone: 1× TEE-M, now 0/1"
    assert [ln.packed for ln in view.lines] == [1, 0]
    view = packing.undo(world.store, world.packer, oid)
    assert [ln.packed for ln in view.lines] == [0, 0]
    with world.store.read() as s:
        assert [
            e.sku for e in s.exec(select(Event).where(Event.kind == "pack.undo").order_by(Event.id))
        ] == [
            "TEE-M",
            "MUG-BLU",
        ]
        assert sum(x.qty for x in s.exec(select(PackScan))) == 0


# --------------------------------------------------------------------------- parcels and cartons


def test_suggestion_explains_itself(world: pw.World) -> None:
    view = open_1042(world)
    # A tee is 300×250 mm: only the L box takes it; 2 fragile mugs are padded.
    assert view.suggestion == "BOX-L box: 3 items, 15 % full"
    assert view.parcels[0].carton_code == "BOX-L" and not view.parcels[0].carton_chosen


def test_choosing_a_carton_that_cannot_hold_the_order_is_refused(world: pw.World) -> None:
    oid = open_1042(world).order_id
    msg = refused(
        world.store, lambda: packing.choose_carton(world.store, world.packer, oid, "BOX-S")
    )
    assert msg.startswith("BOX-S box will not do: too small: item MUG-BLU 110 mm (incl. 20 mm")
    refused(
        world.store,
        lambda: packing.choose_carton(world.store, world.packer, oid, "NOPE"),
        NotFound,
        "No carton type NOPE",
    )
    options = {o.code: o for o in packing.carton_options(world.store, world.packer, oid)}
    assert options["BOX-L"].ok and options["BOX-L"].suggested
    assert not options["BOX-M"].ok and "too small" in options["BOX-M"].reason


def test_scanning_a_carton_code_chooses_it(world: pw.World) -> None:
    oid = packing.open_order(world.store, world.packer, "#1043").order_id  # one book
    assert open_view_carton(world, oid) == ("BOX-M", False)
    view = packing.scan(world.store, world.packer, oid, "box-l")
    assert (view.tone, view.message) == (Tone.OK, "Parcel 1: BOX-L box")
    assert view.parcels[0].carton_code == "BOX-L" and view.parcels[0].carton_chosen
    view = packing.choose_carton(world.store, world.packer, oid, "")
    assert view.parcels[0].carton_code == "BOX-M" and not view.parcels[0].carton_chosen


def open_view_carton(w: pw.World, oid: int) -> tuple[str, bool]:
    p = packing.current_view(w.store, w.packer, oid).parcels[0]
    return p.carton_code, p.carton_chosen


def test_new_parcel_and_undo_of_an_empty_one(world: pw.World) -> None:
    oid = open_1042(world).order_id
    refused(
        world.store,
        lambda: packing.new_parcel(world.store, world.packer, oid),
        match="Parcel 1 is still empty",
    )
    packing.scan(world.store, world.packer, oid, pw.MUG_EAN)
    view = packing.new_parcel(world.store, world.packer, oid)
    assert len(view.parcels) == 2 and view.current_seq == 2
    assert "Parcel 2: empty (undo removes it)" in texts(view.blockers)
    view = packing.undo(world.store, world.packer, oid)
    assert view.message == "Undone: empty parcel 2 removed" and len(view.parcels) == 1


# --------------------------------------------------------------------------- weight


BAD_WEIGHTS = [
    ("0", "Weight must be more than 0 g"),
    ("-250", "Weight must be more than 0 g"),
    ("0 kg", "Weight must be more than 0 g"),
    ("abc", "is not a number"),
    ("", "is not a number"),
    ("99999", "over the 31500 g parcel limit"),
    ("20000", "more than 10× the expected"),
]


def test_bad_weights_are_refused(world: pw.World) -> None:
    oid = open_1042(world).order_id
    scan_all_1042(world, oid)
    for text, match in BAD_WEIGHTS:
        refused(
            world.store,
            lambda t=text: packing.enter_weight(world.store, world.packer, oid, t),
            match=match,
        )


def test_weight_before_scanning_is_refused(world: pw.World) -> None:
    oid = open_1042(world).order_id
    refused(
        world.store,
        lambda: packing.enter_weight(world.store, world.packer, oid, "500"),
        match="Parcel 1 is empty: scan the items before weighing",
    )


def test_weight_mismatch_blocks_until_reweighed(world: pw.World) -> None:
    oid = open_1042(world).order_id
    view = scan_all_1042(world, oid)
    expected = view.parcels[0].expected_g
    assert expected > 2 * 350 + 180 + 380  # goods + BOX-L + void fill
    view = packing.enter_weight(world.store, world.packer, oid, f"{expected + 400} g")
    assert view.tone is Tone.REFUSED
    assert view.message.startswith(f"{expected + 400} g, expected {expected} ± ")  # one parcel
    assert view.message.endswith(": re-weigh or supervisor (F11)")
    assert view.parcels[0].weight_state == "mismatch"
    assert "Weight outside tolerance: re-weigh or supervisor (F11)" in texts(view.blockers)
    with world.store.read() as s:
        exc = s.exec(select(WmsException)).one()
        assert exc.kind == ExceptionKind.WEIGHT_MISMATCH and exc.resolved_at is None
        assert (exc.operator_name, exc.terminal) == ("Johan Öberg", "PACK-1")
    view = packing.enter_weight(world.store, world.packer, oid, f"{expected / 1000:.3f} kg")
    assert view.parcels[0].weight_state == "ok"
    with world.store.read() as s:
        assert s.exec(select(WmsException)).one().resolved_at is not None


def test_supervisor_overrides_a_weight(world: pw.World) -> None:
    oid = open_1042(world).order_id
    view = scan_all_1042(world, oid)
    refused(
        world.store,
        lambda: packing.override_weight(world.store, world.packer, oid),
        match="No parcel weight to override",
    )
    packing.enter_weight(world.store, world.packer, oid, str(view.parcels[0].expected_g * 2))
    refused(
        world.store,
        lambda: packing.override_weight(world.store, world.packer, oid),
        PermissionDenied,
        "scan a supervisor badge",
    )
    refused(
        world.store,
        lambda: packing.override_weight(world.store, world.packer, oid, f.boss("K2003")),
        PermissionDenied,
        "Emily Carter is not a supervisor",
    )
    view = packing.override_weight(world.store, world.packer, oid, f.boss("S9001"))
    assert view.message == "Weight of parcel 1 accepted by Karin Holmgren"
    assert view.parcels[0].weight_state == "override" and view.parcels[0].weight_ok
    with world.store.read() as s:
        exc = s.exec(select(WmsException)).one()
        assert exc.resolved_by_id == world.supervisor.operator_id
        ev = s.exec(select(Event).where(Event.kind == "weight.override")).one()
        assert ev.operator_name == "Karin Holmgren" and ev.terminal == "PACK-1"


def test_changing_the_contents_asks_for_a_new_weight(world: pw.World) -> None:
    oid = open_1042(world).order_id
    view = scan_all_1042(world, oid)
    view = packing.enter_weight(world.store, world.packer, oid, str(view.parcels[0].expected_g))
    assert view.parcels[0].weight_ok
    view = packing.undo(world.store, world.packer, oid)
    assert view.parcels[0].weight_g is None
    view = packing.scan(world.store, world.packer, oid, pw.TEE_EAN)
    assert "Weigh the parcel" in texts(view.blockers)


# --------------------------------------------------------------------------- close


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


def test_park_and_resume_elsewhere_keeps_the_scans(world: pw.World) -> None:
    oid = open_1042(world).order_id
    packing.scan(world.store, world.packer, oid, pw.MUG_EAN)
    msg = packing.release(world.store, world.packer, oid)
    assert msg == "Order #1042 parked: 1 of 3 units scanned, kept for later"
    with world.store.read() as s:
        o = s.get(Order, oid)
        assert o.status == OrderStatus.PICKED and o.locked_terminal == ""
    view = packing.open_order(world.store, world.packer2, "T-0001")
    assert view.lines[0].packed == 1 and view.locked_terminal == "PACK-2"
    assert packing.my_open_order(world.store, world.packer2) == oid


def test_an_order_cancelled_on_the_bench_stops_the_packer(world: pw.World) -> None:
    oid = open_1042(world).order_id
    packing.scan(world.store, world.packer, oid, pw.MUG_EAN)
    with world.store.unit_of_work() as uow:
        order = uow.session.get(Order, oid)
        events.change_status(uow, order, OrderStatus.CANCELLED, world.supervisor)
        uow.commit()
    refused(
        world.store,
        lambda: packing.scan(world.store, world.packer, oid, pw.MUG_EAN),
        match="Order #1042 was cancelled: stop packing, park it (F12) and give the tote",
    )
    refused(
        world.store,
        lambda: packing.close_parcel(world.store, world.packer, oid),
        match="was cancelled",
    )
    msg = packing.release(world.store, world.packer, oid)
    assert msg == "Order #1042 is cancelled: the tote goes to a supervisor"
    with world.store.read() as s:
        order = s.get(Order, oid)
        assert order.status == OrderStatus.CANCELLED and order.locked_terminal == ""


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


def texts(blockers) -> list[str]:  # noqa: ANN001
    return [b.text for b in blockers]


def test_a_station_that_cannot_close_a_parcel_is_refused_when_it_opens_an_order(
    world: pw.World,
) -> None:
    """It used to find out at "close", after every unit was scanned."""
    from dataclasses import replace as with_terminal

    from tests.worlds.dbstate import snapshot as whole_store
    from wms_tui.domain.models import Station

    store = world.store
    nowhere = with_terminal(world.packer, terminal="BENCH-9")
    before = whole_store(store)
    with pytest.raises(DomainError, match="BENCH-9 cannot close parcels: Station BENCH-9 has no"):
        packing.open_order(store, nowhere, world.totes["#1042"])
    assert whole_store(store) == before
    with store.unit_of_work() as uow:
        st = uow.session.exec(select(Station).where(Station.code == "PACK-1")).one()
        st.label_format = "zpl"
        st.printer = None
        uow.add(st)
        uow.commit()
    before = whole_store(store)
    with pytest.raises(DomainError, match="prints ZPL labels but has no printer"):
        packing.open_order(store, world.packer, world.totes["#1042"])
    assert whole_store(store) == before


def test_the_station_an_order_was_taken_from_is_told_so_once(world: pw.World) -> None:
    """It used to be answered "open at PACK-2" on every scan, as if it still held it."""
    from wms_tui.domain.errors import TakenOver

    open_1042(world)
    oid = world.orders["#1042"]
    taker = replace(world.supervisor, terminal="PACK-2", roles=frozenset({"packer", "supervisor"}))
    packing.open_order(world.store, taker, "#1042", take_over=f.boss("S9001"))
    with pytest.raises(TakenOver, match="#1042 was taken over at PACK-2 by Karin Holmgren"):
        packing.scan(world.store, world.packer, oid, pw.MUG_EAN)
