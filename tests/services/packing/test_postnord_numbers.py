"""A PostNord-style carrier (sscc_s10): the SSCC at home, an S10 parcel number abroad."""

from __future__ import annotations

import pytest
from sqlmodel import select
from stdnum import ean

from tests.worlds import packing as pw
from tests.worlds.packing import declare, finish, open_1042, scan_all_1042, ship_1042_to
from wms_tui.domain.identifiers.tracking import TrackingRule, validate_tracking_number
from wms_tui.domain.models import Carrier, Order, Parcel
from wms_tui.services.packing import station as packing

pytestmark = pytest.mark.world(carrier_check="sscc_s10")


def closed_parcel(w: pw.World, oid: int) -> tuple[str, str, int]:
    """(tracking number, SSCC, the carrier's next serial) once the order is closed."""
    packing.close_parcel(w.store, w.packer, oid)
    with w.store.read() as s:
        parcel = s.exec(select(Parcel).where(Parcel.order_id == oid)).one()
        carrier = s.get(Carrier, s.get(Order, oid).carrier_id)
        return parcel.tracking_number or "", parcel.sscc or "", carrier.tracking_next


def test_at_home_the_item_id_is_the_sscc_and_no_range_number_is_used(world: pw.World) -> None:
    oid = open_1042(world).order_id
    finish(world, scan_all_1042(world, oid))
    tracking, sscc, next_serial = closed_parcel(world, oid)
    assert tracking == sscc
    # The GS1 mod-10 check digit, as python-stdnum computes it.
    assert ean.calc_check_digit(tracking[:-1]) == tracking[-1]
    assert next_serial == 73500001


def test_abroad_the_item_id_is_a_upu_s10_parcel_number(world: pw.World) -> None:
    declare(world)
    oid = ship_1042_to(world, "KR")
    tracking, _, next_serial = closed_parcel(world, oid)
    assert tracking == "CA735000019SE"
    rule = TrackingRule(prefix="CA", length=13, check="s10", suffix="SE")
    assert validate_tracking_number(rule, tracking)
    assert next_serial == 73500002
