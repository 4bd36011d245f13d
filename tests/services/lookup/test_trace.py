"""The order trace on a hand-built history with known answers: QC, a take-over,
a split parcel and a return, found by every code a parcel, slip or cart carries."""

from __future__ import annotations

import pytest
from sqlmodel import select

from tests.worlds.dbstate import snapshot
from tests.worlds.trace import SSCC, TRACKING, Traced, build_traced
from wms_tui.domain.actor import Actor
from wms_tui.domain.enums import EventKind
from wms_tui.domain.errors import DomainError, NotFound, PermissionDenied
from wms_tui.domain.models import Order
from wms_tui.services.core import events
from wms_tui.services.lookup.timeline import Stage
from wms_tui.services.lookup.trace import (
    BinAllocation,
    PackerWork,
    PickDone,
    trace,
)
from wms_tui.store import Store


@pytest.fixture
def traced(empty_store: Store) -> Traced:
    return build_traced(empty_store)


def test_the_whole_life_of_an_order(traced: Traced) -> None:
    t = trace(traced.store, traced.boss, "#1042")
    assert (t.name, t.status, t.matched, t.carrier) == ("#1042", "RETURNED", "order", "PN Carrier")
    assert t.tz_name == "Europe/Stockholm"
    # Times on the warehouse's clock: 07:00 UTC is 08:00 in Jönköping.
    first = t.steps[0]
    assert (first.local, first.stage, first.what) == (
        "10 Mar 08:00:00",
        Stage.SHOP,
        "received from the shop: from Shopify",
    )
    stages = list(dict.fromkeys(s.stage for s in t.steps))
    assert stages == [
        Stage.SHOP,
        Stage.ALLOCATE,
        Stage.RELEASE,
        Stage.PICK,
        Stage.PACK,
        Stage.QC,
        Stage.WEIGH,
        Stage.LABEL,
        Stage.DISPATCH,
        Stage.NOTICE,
        Stage.RETURN,
    ]
    assert len(t.steps) == 29  # 28 events and one notice
    assert [s.at for s in t.steps] == sorted(s.at for s in t.steps)
    # From which bins, by whom, into which tote.
    assert t.allocations == [
        BinAllocation("MUG-1", "A-01-1-A", 2, 2),
        BinAllocation("TEE-1", "B-02-1-A", 1, 1),
    ]
    assert t.picks == [
        PickDone("Ana Lindqvist", "HH-1", "MUG-1", "A-01-1-A", "T-0007", 2),
        PickDone("Ana Lindqvist", "HH-1", "TEE-1", "B-02-1-A", "T-0007", 1),
    ]
    assert t.totes == ["T-0007"]
    # Who packed at which station, with every scan, count, undo and QC catch.
    assert t.packers == [
        PackerWork("Johan Öberg", "PACK-1", scanned=2, counted=0, undone=1, qc=1),
        PackerWork("Lena Berg", "PACK-2", scanned=1, counted=1, undone=0, qc=0),
    ]
    # What a supervisor looks at first, in order.
    assert [(s.local[-8:], s.kind, s.who) for s in t.flagged] == [
        ("09:22:00", "qc.fail", "Johan Öberg"),
        ("09:24:00", "pack.undo", "Johan Öberg"),
        ("09:40:00", "pack.takeover", "Lena Berg"),
        ("09:45:00", "pack.weight", "Lena Berg"),
        ("09:47:00", "weight.override", "Karin Holmgren"),
        ("10:00:00", "return.received", "Karin Holmgren"),
    ]
    qc = t.flagged[0]
    assert qc.what == "QC took out 1 × MUG-1 (damaged; short shipped) T-0007 → QUAR-1"
    assert qc.terminal == "PACK-1"
    takeover = t.flagged[2]
    assert "from Johan Öberg at PACK-1" in takeover.what and takeover.terminal == "PACK-2"
    # The split parcel: two parcels, the carrier, who packed them where.
    assert [(p.seq, p.count, p.sscc, p.tracking, p.packed_by, p.station, p.carrier)
            for p in t.parcels] == [
        (1, 2, SSCC[0], TRACKING[0], "Lena Berg", "PACK-2", "PN Carrier"),
        (2, 2, SSCC[1], TRACKING[1], "Lena Berg", "PACK-2", "PN Carrier"),
    ]  # fmt: skip
    handed = [s for s in t.steps if s.kind == "parcel.loaded"]
    assert [s.what for s in handed] == [
        f"handed to the carrier: {SSCC[0]} 1/2 PN",
        f"handed to the carrier: {SSCC[1]} 2/2 PN",
    ]
    [notice] = [s for s in t.steps if s.stage is Stage.NOTICE]
    assert (notice.local, notice.what) == (
        "10 Mar 16:01:00",
        "shipped notice to the customer (sent)",
    )
    released = next(s for s in t.steps if s.stage is Stage.RELEASE)
    assert released.what == "released to the floor (NEW → READY_TO_PICK)"
    # Returned, and why: the warehouse's own packing error.
    [r] = t.returns
    assert (r.local, r.sku, r.qty, r.reason, r.cause, r.ours, r.disposition) == (
        "12 Mar 10:00:00",
        "TEE-1",
        1,
        "Wrong item packed",
        "our pack",
        True,
        "RESTOCK",
    )
    assert t.steps[-1].what == "returned (DISPATCHED → RETURNED)"


@pytest.mark.parametrize(
    ("code", "matched"),
    [
        ("#1042", "order"),
        ("1042", "order"),
        ("00" + SSCC[1], "SSCC"),
        ("(00)" + SSCC[0], "SSCC"),
        (TRACKING[1].lower(), "tracking"),
        ("t-0007", "tote"),
        ("Jihoon", "customer"),
    ],
)
def test_found_by_every_code_it_carries(traced: Traced, code: str, matched: str) -> None:
    t = trace(traced.store, traced.boss, code)
    assert (t.order_id, t.matched) == (traced.order_id, matched)


def test_found_by_its_rma(traced: Traced) -> None:
    t = trace(traced.store, traced.boss, f"rma-{traced.order_id:07d}")
    assert (t.name, t.matched, t.rma) == ("#1042", "RMA", f"RMA-{traced.order_id:07d}")


@pytest.mark.parametrize(
    ("code", "error", "message"),
    [
        ("   ", DomainError, "Scan or type an order, tracking number, SSCC, RMA or tote"),
        ("#9999", NotFound, "No order matches '#9999'"),
        ("RMA-9999999", NotFound, "RMA-9999999 matches no order: check the slip"),
        ("T-0099", NotFound, "Tote T-0099 has no picks on record"),
        ("Öberg", DomainError, "3 orders match 'Öberg' (#1042, #1043, #1044): type"),
    ],
)
def test_bad_codes_are_refused_in_one_line_and_change_nothing(
    traced: Traced, code: str, error: type, message: str
) -> None:
    before = snapshot(traced.store)
    with pytest.raises(error) as exc:
        trace(traced.store, traced.boss, code)
    assert str(exc.value).startswith(message) and "\n" not in str(exc.value)
    assert snapshot(traced.store) == before


def test_only_a_supervisor_traces(traced: Traced) -> None:
    with pytest.raises(PermissionDenied, match="may not trace an order"):
        trace(traced.store, traced.picker, "#1042")


def test_an_order_with_no_history_is_an_empty_trace(traced: Traced) -> None:
    t = trace(traced.store, traced.boss, "#1043")
    assert (t.steps, t.picks, t.packers, t.parcels, t.returns) == ([], [], [], [], [])


def test_the_ledger_move_of_a_pick_is_not_a_second_step(traced: Traced) -> None:
    from sqlmodel import select

    from wms_tui.domain.enums import EventKind
    from wms_tui.domain.models import Order
    from wms_tui.services.core import events

    before = trace(traced.store, traced.boss, "#1042").steps
    with traced.store.unit_of_work() as uow:
        o = uow.session.exec(select(Order).where(Order.name == "#1042")).one()
        events.log(uow, traced.picker, EventKind.STOCK_MOVE, order=o, sku="MUG-1", qty=2,
                   from_location="A-01-1-A", to_location="T-0007", detail="PICKED")  # fmt: skip
        events.log(uow, traced.picker, EventKind.STOCK_MOVE, order=o, sku="MUG-1", qty=1,
                   from_location="T-0007", to_location="PACK-2", detail="PACKED")  # fmt: skip
        uow.commit()
    after = trace(traced.store, traced.boss, "#1042").steps
    assert len(after) == len(before) + 1 and after[-1].what == "packed 1 × MUG-1 T-0007 → PACK-2"


def test_a_pack_scan_says_its_code_only_when_it_is_not_the_sku(
    empty_store: Store, tmp_path
) -> None:
    """A packer who typed the SKU read "scanned 1 × MUG-BLU, parcel 1 MUG-BLU"."""
    from tests.worlds import packing as pw
    from wms_tui.services.packing import station as packing

    world = pw.build(empty_store, label_dir=str(tmp_path / "labels"))
    oid = pw.open_1042(world).order_id
    packing.scan(empty_store, world.packer, oid, "mug-blu")  # typed, any case
    packing.scan(empty_store, world.packer, oid, pw.MUG_EAN)
    packing.undo(empty_store, world.packer, oid)
    t = trace(empty_store, world.supervisor, "#1042")
    said = [s.what for s in t.steps if s.kind in ("pack.scan", "pack.undo")]
    assert said == [
        "scanned 1 × MUG-BLU into parcel 1",
        f"scanned 1 × MUG-BLU into parcel 1 (code {pw.MUG_EAN})",
        f"undid a scan of 1 × MUG-BLU (code {pw.MUG_EAN})",
    ]


def test_a_qc_catch_without_a_pack_scan_is_the_packers_too(traced: Traced) -> None:
    """A unit taken out of the tote at QC before any scan leaves a qc.fail event and no
    pack-scan row: a simulated day's #S1024 showed Märta's catch on the shift dashboard
    but not in the trace's "Packed" facts."""
    marta = Actor(None, "Märta Sjöberg", ("packer",), "PACK-4")
    with traced.store.unit_of_work() as uow:
        order = uow.session.exec(select(Order).where(Order.name == "#1042")).one()
        events.log(uow, marta, EventKind.QC_FAIL, order=order, sku="MUG-1", qty=1,
                   from_location="T-0007", to_location="QUAR-1")  # fmt: skip
        uow.commit()
    t = trace(traced.store, traced.boss, "#1042")
    assert t.packers == [
        PackerWork("Johan Öberg", "PACK-1", scanned=2, counted=0, undone=1, qc=1),
        PackerWork("Lena Berg", "PACK-2", scanned=1, counted=1, undone=0, qc=0),
        PackerWork("Märta Sjöberg", "PACK-4", scanned=0, counted=0, undone=0, qc=1),
    ]
