"""Choosing a parcel's carton: the suggestion, one too small for the order, a carton code."""

from __future__ import annotations

from tests.worlds import packing as pw
from tests.worlds.dbstate import refused
from tests.worlds.packing import open_1042
from wms_tui.domain.errors import NotFound
from wms_tui.services.packing import station as packing
from wms_tui.services.packing.view import Tone


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
