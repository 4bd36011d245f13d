"""Wrong scans the pack station and the handheld refused are on the record.

A refusal changes nothing (``dbstate.refused`` compares every table, the
refusal records left out); afterwards the service writes one ``pack.refused``
or ``pick.refused`` event in a unit of work of its own, and the dashboard
counts it per person. Scans refused for the way the work is done (nothing
scanned, another order's slip, a count out of range) are not wrong scans and
leave no record.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import col, select

from tests.worlds import packing as pw
from tests.worlds.dbstate import refused
from tests.worlds.packing import open_1042
from tests.worlds.picking import BARCODES, build_world
from wms_tui.domain.clock import utcnow
from wms_tui.domain.enums import EventKind
from wms_tui.domain.errors import NotFound, StoreBusy
from wms_tui.domain.models import Event
from wms_tui.services.core import events
from wms_tui.services.insight.dashboard import dashboard
from wms_tui.services.packing import station as packing
from wms_tui.services.picking.walk import claim_next_task, current_stop, scan
from wms_tui.services.picking.waves import build_wave
from wms_tui.store import Store

REFUSALS = (EventKind.PACK_REFUSED, EventKind.PICK_REFUSED)


def recorded(store: Store) -> list[tuple[str, str, str, str, int | None, str]]:
    with store.read() as s:
        return [
            (e.kind, e.operator_name, e.terminal, e.sku, e.qty, e.detail)
            for e in s.exec(
                select(Event).where(col(Event.kind).in_(REFUSALS)).order_by(col(Event.id))
            )
        ]


@pytest.fixture
def world(empty_store: Store, tmp_path) -> pw.World:
    return pw.build(empty_store, label_dir=str(tmp_path / "labels"))


def test_a_refused_pack_scan_is_recorded_after_the_refusal(world: pw.World) -> None:
    w = world
    oid = open_1042(w).order_id
    packing.scan(w.store, w.packer, oid, pw.MUG_EAN)
    packing.scan(w.store, w.packer, oid, pw.MUG_EAN)
    wrong = [
        (pw.STRANGER_EAN, "SOCK-X (Wool socks) is not in order #1042: put it aside"),
        (pw.MUG_EAN, "Already 2 of 2 MUG-BLU packed: this one is extra"),
        ("0000000000000", "Unknown barcode 0000000000000"),
    ]
    for code, message in wrong:
        refused(w.store, lambda c=code: packing.scan(w.store, w.packer, oid, c), match=message)
    # not wrong scans: the way the work is done, not what was put in the parcel
    for code, message in (("\r\x1d", "Nothing scanned"), ("#1043", "That is order #1043")):
        refused(w.store, lambda c=code: packing.scan(w.store, w.packer, oid, c), match=message)
    name = w.packer.name
    assert recorded(w.store) == [
        ("pack.refused", name, "PACK-1", "SOCK-X", 1, wrong[0][1]),
        ("pack.refused", name, "PACK-1", "MUG-BLU", 1, wrong[1][1]),
        ("pack.refused", name, "PACK-1", "", 1, wrong[2][1]),
    ]
    with w.store.read() as s:
        assert set(s.exec(select(Event.order_name).where(Event.kind == "pack.refused"))) == {
            "#1042"
        }
    # The unknown barcode is still a NotFound for the screens that tell those apart.
    with pytest.raises(NotFound):
        packing.scan(w.store, w.packer, oid, "NO-SUCH-CODE")

    d = dashboard(w.store, w.supervisor, utcnow() + timedelta(seconds=1))
    (packer,) = [p for p in d.packers if p.operator_id == w.packer.operator_id]
    assert (packer.units, packer.refused, packer.undone, packer.wrong_scans) == (2, 4, 0, 4)
    assert packer.refused_per_1000 == 2000.0


def test_the_refusal_stands_when_the_record_cannot_be_written(
    world: pw.World, monkeypatch: pytest.MonkeyPatch
) -> None:
    w = world
    oid = open_1042(w).order_id

    def busy(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        raise StoreBusy("The store is busy")

    monkeypatch.setattr(events, "_record_refusal", busy)
    refused(
        w.store,
        lambda: packing.scan(w.store, w.packer, oid, pw.STRANGER_EAN),
        match="SOCK-X (Wool socks) is not in order #1042",
    )
    assert recorded(w.store) == []


def test_a_wrong_scan_at_the_handheld_is_recorded(empty_store: Store) -> None:
    w = build_world(empty_store)
    build_wave(empty_store, w.supervisor, cart_size=2)
    ana = w.pickers[0]
    code = claim_next_task(empty_store, ana).code
    stop = current_stop(empty_store, ana, code).stop
    assert (stop.bin, stop.sku) == ("A-01-2-A", "MUG-RED")
    wrong = [
        ("A-02-7-A", {}, "Wrong bin A-02-7-A: go to A-01-2-A"),
        (BARCODES["MUG-BLU"], {"at_bin": "A-01-2-A"}, "Wrong item MUG-BLU: pick MUG-RED"),
        ("XYZ-404", {}, "Unknown code XYZ-404: scan the bin A-01-2-A"),
    ]
    for scanned, kw, message in wrong:
        refused(
            empty_store,
            lambda c=scanned, k=kw: scan(empty_store, ana, code, c, **k),
            match=message,
        )
    # sequence, not accuracy: no record
    refused(
        empty_store,
        lambda: scan(empty_store, ana, code, BARCODES["MUG-RED"]),
        match="Scan the bin A-01-2-A first",
    )
    rows = recorded(empty_store)
    assert [(k, who, sku, qty) for k, who, _, sku, qty, _ in rows] == [
        ("pick.refused", ana.name, "", 1),
        ("pick.refused", ana.name, "MUG-BLU", 1),
        ("pick.refused", ana.name, "", 1),
    ]
    assert [detail.split(":")[0] for *_, detail in rows] == [
        "Wrong bin A-02-7-A", "Wrong item MUG-BLU", "Unknown code XYZ-404",
    ]  # fmt: skip
    with empty_store.read() as s:
        assert all(
            e.order_id is not None
            for e in s.exec(select(Event).where(Event.kind == "pick.refused"))
        )

    d = dashboard(empty_store, w.supervisor, utcnow() + timedelta(seconds=1))
    (picker,) = [p for p in d.pickers if p.operator_id == ana.operator_id]
    assert (picker.count, picker.refused) == (0, 3)
