"""Cartons at the pack station: split plans, overfilled parcels, orders too big to plan."""

from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import select

from tests.worlds import factories as f
from tests.worlds import packing as pw
from tests.worlds.dbstate import snapshot
from wms_tui.domain.enums import LocationKind
from wms_tui.domain.errors import DomainError
from wms_tui.domain.models import Location
from wms_tui.domain.planning import cartonization as cz
from wms_tui.services.packing import station as packing
from wms_tui.services.packing.cartons import MAX_PLAN_UNITS, ROUGH_FILL, rough_suggestion
from wms_tui.store import Store

CRATE_EAN = f.ean13(21)
PIN_EAN = f.ean13(22)


@pytest.fixture
def world(sqlite_store: Store) -> pw.World:
    w = pw.build(sqlite_store)
    with sqlite_store.unit_of_work() as uow:
        s = uow.session
        # One crate fills a BOX-L: two never share one.
        crate = f.product(uow, "CRATE", barcode=CRATE_EAN, weight_g=1500, dims=(390, 290, 150))
        pin = f.product(uow, "PIN", barcode=PIN_EAN, weight_g=10, dims=(30, 20, 5))
        bin_c = f.location(uow, "A-03-1-A")
        f.receive(uow, crate, bin_c, 10)
        f.receive(uow, pin, bin_c, 100)
        totes = {t.code: t for t in s.exec(select(Location).where(Location.code.like("T-%")))}
        two = f.order(uow, "#3001", [(crate, 2)])
        pw.pick_into_tote(uow, two, totes["T-0004"])
        big = f.order(uow, "#3002", [(pin, MAX_PLAN_UNITS + 10)])
        extra = f.location(uow, "T-0099", LocationKind.TOTE)
        pw.pick_into_tote(uow, big, extra)
        uow.commit()
    return w


def test_a_split_plan_is_followed_parcel_by_parcel(world: pw.World) -> None:
    view = packing.open_order(world.store, world.packer, "#3001")
    oid = view.order_id
    assert view.suggestion.startswith("Split into 2 parcels")
    assert view.suggestion_plan == ("1: BOX-L box — 1× CRATE", "2: BOX-L box — 1× CRATE")
    packing.scan(world.store, world.packer, oid, CRATE_EAN)
    view = packing.scan(world.store, world.packer, oid, CRATE_EAN)  # both in parcel 1
    problem = view.parcels[0].fit_problem
    assert problem.startswith("BOX-L box too small")
    assert any("start a new parcel (F8)" in b.text for b in view.blockers)
    packing.undo(world.store, world.packer, oid)
    packing.new_parcel(world.store, world.packer, oid)
    view = packing.scan(world.store, world.packer, oid, CRATE_EAN)
    assert [(p.carton_code, p.units, p.fit_problem) for p in view.parcels] == [
        ("BOX-L", 1, ""),
        ("BOX-L", 1, ""),
    ]


def test_an_order_too_big_to_plan_is_estimated_and_the_packer_chooses(world: pw.World) -> None:
    view = packing.open_order(world.store, world.packer, "#3002")
    oid = view.order_id
    n = MAX_PLAN_UNITS + 10
    assert view.suggestion == f"{n} units, too many to plan: BOX-S box by volume; choose it with F5"
    assert view.parcels[0].carton_code == ""
    packing.scan(world.store, world.packer, oid, PIN_EAN)
    view = packing.set_count(world.store, world.packer, oid, 1, n)
    assert "Choose a carton (F5)" in [b.text for b in view.blockers]
    before = snapshot(world.store)
    with pytest.raises(DomainError, match="NOPE"):
        packing.choose_carton(world.store, world.packer, oid, "NOPE")
    assert snapshot(world.store) == before
    options = {o.code: o for o in packing.carton_options(world.store, world.packer, oid)}
    assert options["BOX-S"].ok and "not planned in 3D" in options["BOX-S"].reason
    view = packing.choose_carton(world.store, world.packer, oid, "BOX-S")
    assert view.parcels[0].carton_code == "BOX-S" and view.parcels[0].expected_g > n * 10


dims = st.integers(min_value=20, max_value=420)
items = st.builds(
    cz.Item,
    sku=st.sampled_from(["A", "B", "C", "D"]),
    length_mm=dims,
    width_mm=dims,
    height_mm=st.integers(min_value=5, max_value=200),
    weight_g=st.integers(min_value=1, max_value=3000),
    fragile=st.booleans(),
)
CARTONS = (
    cz.Carton("S", "S", 200, 150, 100, 5000, 120),
    cz.Carton("M", "M", 300, 200, 150, 10000, 220),
    cz.Carton("L", "L", 400, 300, 200, 15000, 380),
    cz.Carton("XL", "XL", 600, 400, 400, 25000, 750),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from("ABCD"), st.tuples(items, st.integers(1, 40)), min_size=1))
def test_rough_suggestion_names_the_smallest_carton_by_volume(picked) -> None:
    lines = tuple(
        cz.ItemLine(cz.Item(sku, *item.dims_mm, item.weight_g, item.fragile), qty)
        for sku, (item, qty) in sorted(picked.items())
    )
    sug = rough_suggestion(lines, CARTONS, 20)
    assert sug.parcels == ()  # no layout is ever claimed
    if any(
        not any(
            all(
                a <= b
                for a, b in zip(
                    sorted(x.item.padded_dims(20)), sorted(c.inner_dims_mm), strict=True
                )
            )
            for c in CARTONS
        )
        for x in lines
    ):
        assert sug.unpackable and "fits no carton" in sug.explanation
        return
    volume = sum(x.qty * math.prod(x.item.padded_dims(20)) for x in lines)
    weight = sum(x.qty * x.item.weight_g for x in lines)
    ok = [
        c
        for c in CARTONS
        if volume <= ROUGH_FILL * c.inner_volume_mm3 and weight + c.own_weight_g <= c.max_weight_g
    ]
    if ok:
        assert f": {ok[0].name} by volume" in sug.explanation
    else:
        assert "× XL" in sug.explanation
