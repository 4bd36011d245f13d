"""Reprinting a packed order's papers: by its name, or one parcel by its SSCC; the refusals."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import col, select

from tests.printing.helpers import barcodes
from tests.worlds import packing as pw
from tests.worlds.packing import pack
from wms_tui.domain.errors import DomainError, NotFound
from wms_tui.domain.models import Event, Parcel
from wms_tui.services.packing import station as packing
from wms_tui.store import Store


@pytest.fixture
def world(sqlite_store: Store, tmp_path: Path) -> pw.World:
    return pw.build(sqlite_store, label_dir=str(tmp_path / "labels"), carrier_check="s10")


def test_reprint_rebuilds_the_same_label_from_the_database(world: pw.World) -> None:
    oid = pack(world, "#1042")
    first = packing.produce(world.store, oid, "PACK-1")
    label_bytes = first.files[0].read_bytes()
    for p in first.files:
        p.unlink()
    again = packing.reprint(world.store, world.packer, "#1042", slip=False)
    assert [p.name for p in again.files] == [first.files[0].name]
    assert again.files[0].read_bytes() == label_bytes
    with world.store.read() as s:
        sscc = s.exec(select(Parcel.sscc).where(Parcel.order_id == oid)).one()
        ev = s.exec(select(Event).where(Event.kind == "label.reprint")).one()
        assert (ev.operator_name, ev.terminal, ev.detail) == ("Johan Öberg", "PACK-1", "label")
    # Found by SSCC (as a scanner sends it, with AI 00) too; ZPL for thermal printers.
    zpl = packing.reprint(world.store, world.packer, "00" + sscc, slip=False, zpl=True)
    content = zpl.files[0].read_text(encoding="utf-8")
    assert zpl.files[0].suffix == ".zpl" and content.startswith("^XA")
    assert sscc in content.replace(" ", "")  # the human-readable "(00) 3 0614141 …"


def test_reprint_refusals(world: pw.World) -> None:
    with pytest.raises(DomainError, match="Order #1042 is picked, not packed: nothing to reprint"):
        packing.reprint(world.store, world.packer, "#1042")
    with pytest.raises(NotFound, match="No order, SSCC or tracking number #77"):
        packing.reprint(world.store, world.packer, "#77")
    with pytest.raises(DomainError, match="Nothing to reprint"):
        packing.reprint(world.store, world.packer, "#1042", labels=False, slip=False)


def test_reprint_by_sscc_prints_that_parcel_only(world: pw.World) -> None:
    """Two parcels; the second's label got torn: its SSCC reprints its label alone."""
    oid = pack(world, "#1042", parcels=2)
    first = packing.produce(world.store, oid, "PACK-1", send=False)
    with world.store.read() as s:
        parcels = s.exec(
            select(Parcel).where(Parcel.order_id == oid).order_by(col(Parcel.seq))
        ).all()
        second = parcels[1].sscc
    again = packing.reprint(world.store, world.packer, "00" + second, send=False)
    assert [p.name for p in again.files] == [first.files[1].name]  # label 2 of 2, no slip
    assert any(second in c for c in barcodes(again.files[0]))
    with world.store.read() as s:
        ev = s.exec(select(Event).where(Event.kind == "label.reprint")).one()
        assert ev.detail == "label of parcel 2"
    both = packing.reprint(world.store, world.packer, "#1042", send=False)  # the order: all
    assert len(both.files) == 3
    with_slip = packing.reprint(world.store, world.packer, second, slip=True, send=False)
    assert [p.name.split("_")[0] for p in with_slip.files] == ["label", "slip"]
