"""Weighing a parcel: bad readings refused, a mismatch blocks until re-weighed or overridden.

Every refusal is checked to leave the whole database exactly as it was.
"""

from __future__ import annotations

from sqlmodel import select

from tests.worlds import factories as f
from tests.worlds import packing as pw
from tests.worlds.dbstate import refused
from tests.worlds.packing import open_1042, scan_all_1042
from wms_tui.domain.enums import ExceptionKind
from wms_tui.domain.errors import PermissionDenied
from wms_tui.domain.models import Event, WmsException
from wms_tui.services.packing import station as packing
from wms_tui.services.packing.view import Tone

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


def texts(blockers) -> list[str]:  # noqa: ANN001
    return [b.text for b in blockers]
