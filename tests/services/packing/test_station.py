"""Scanning at the pack station: every unit counted, wrong scans refused, counts, undo, parcels.

Runs on SQLite and PostgreSQL. Every refusal is checked to leave the whole
database exactly as it was (``tests.worlds.dbstate.snapshot``).
"""

from __future__ import annotations

from sqlmodel import select

from tests.worlds import factories as f
from tests.worlds import packing as pw
from tests.worlds.dbstate import refused
from tests.worlds.packing import open_1042
from wms_tui.domain.models import Event, Location, PackScan, Product
from wms_tui.services.packing import station as packing
from wms_tui.services.packing.view import Tone


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


def texts(blockers) -> list[str]:  # noqa: ANN001
    return [b.text for b in blockers]
