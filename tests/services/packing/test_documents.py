"""Labels and slips of packed orders, read back the way a scanner and a customer would."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import col, select

from tests.printing.helpers import barcodes, page_texts
from tests.worlds import factories as f
from tests.worlds import packing as pw
from tests.worlds.packing import pack
from wms_tui.domain.enums import OrderStatus
from wms_tui.domain.identifiers.tracking import TrackingRule, validate_tracking_number
from wms_tui.domain.models import Order, Parcel, Station
from wms_tui.services.packing import station as packing
from wms_tui.store import Store


def text(path: Path) -> str:
    """Every page's text with line breaks as spaces (table cells wrap)."""
    return " ".join(" ".join(page_texts(path.read_bytes())).split())


@pytest.fixture
def world(sqlite_store: Store, tmp_path: Path) -> pw.World:
    return pw.build(sqlite_store, label_dir=str(tmp_path / "labels"), carrier_check="s10")


def test_label_and_slip_read_back(world: pw.World, tmp_path: Path) -> None:
    oid = pack(world, "#1043")
    docs = packing.produce(world.store, oid, "PACK-1")
    assert docs.ok and not docs.printed
    label, slip = docs.files
    with world.store.read() as s:
        parcel = s.exec(select(Parcel).where(Parcel.order_id == oid)).one()
        s.expunge(parcel)
    assert label.name == parcel.label_file and slip.name == parcel.slip_file
    assert label.parent.parent == tmp_path / "labels"  # in this store's own folder
    assert label.parent.name.startswith("store-")
    # PostNord-style S10 number with the warehouse's country at the end.
    rule = TrackingRule(prefix="RR", length=13, check="s10", suffix="SE")
    assert validate_tracking_number(rule, parcel.tracking_number)
    codes = barcodes(label)
    assert parcel.tracking_number in codes
    assert any(parcel.sscc in c for c in codes), codes
    words = text(label)
    assert "PKG 1 of 1" in words and "#1043" in words and "Åsa Öberg" in words
    slip_words = text(slip)
    assert "Packed by Johan Öberg · PACK-1" in slip_words
    assert "Grattis på födelsedagen, Åsa!" in slip_words
    # What the customer gets, in their words; never the packer's instructions.
    assert "Gift wrapping" in slip_words and "Welcome flyer" in slip_words
    assert "Gift note" in slip_words
    for instruction in ("Gift wrap every item", "Brand side up", "no prices", "discount code"):
        assert instruction not in slip_words, instruction
    assert f"RMA-{oid:07d}" in barcodes(slip)


def test_a_gift_slip_shows_none_of_the_buyers_details(world: pw.World) -> None:
    """#1043 is a gift: the recipient reads the slip, so no buyer e-mail or phone."""
    with world.store.unit_of_work() as uow:
        gift = uow.session.exec(select(Order).where(Order.name == "#1043")).one()
        gift.ship_phone = "+46 70 111 22 33"
        uow.add(gift)
        plain = uow.session.exec(select(Order).where(Order.name == "#1042")).one()
        plain.ship_phone = "+46 70 444 55 66"
        uow.add(plain)
        uow.commit()
    gift_slip = packing.produce(world.store, pack(world, "#1043"), "PACK-1").files[-1]
    words = text(gift_slip)
    assert "Åsa Öberg" in words and "Storgatan 5" in words  # the recipient's address
    assert "asa@example.se" not in words and "+46 70 111 22 33" not in words
    assert "SEK" not in words and "price" not in words.lower()
    plain_slip = packing.produce(world.store, pack(world, "#1042"), "PACK-1").files[-1]
    assert "asa@example.se" in text(plain_slip)  # a buyer's own parcel keeps them


def test_multi_parcel_labels_say_n_of_total(world: pw.World) -> None:
    oid = pack(world, "#1042", parcels=2)
    docs = packing.produce(world.store, oid, "PACK-1")
    labels = [p for p in docs.files if p.name.startswith("label_")]
    assert [("PKG 1 of 2" in text(labels[0])), ("PKG 2 of 2" in text(labels[1]))] == [True, True]
    with world.store.read() as s:
        tracking = [
            p.tracking_number
            for p in s.exec(select(Parcel).where(Parcel.order_id == oid).order_by(col(Parcel.seq)))
        ]
    assert [tracking[0] in barcodes(labels[0]), tracking[1] in barcodes(labels[1])] == [True] * 2
    slip_words = text(docs.files[-1])
    assert "2 packages" in slip_words and all(t in slip_words for t in tracking)


def test_short_shipped_line_is_explained_on_the_slip(world: pw.World) -> None:
    view = packing.open_order(world.store, world.packer, "#1044")
    oid = view.order_id
    packing.qc_fail(
        world.store, world.packer, oid, 1, "damaged", replace=False, approver=f.boss("S9001")
    )
    packing.scan(world.store, world.packer, oid, pw.TEE_EAN)
    view = packing.set_count(world.store, world.packer, oid, 1, 7)
    view = packing.enter_weight(world.store, world.packer, oid, str(view.parcels[0].expected_g))
    packing.confirm_insert(world.store, world.packer, oid, 1)
    packing.close_parcel(world.store, world.packer, oid)
    slip = packing.produce(world.store, oid, "PACK-1").files[-1]
    words = text(slip)
    assert "SHORT 1" in words and "Damaged: not sent, refund follows" in words
    assert "7 of 8 units packed" in words


def test_a_broken_printer_never_unpacks_a_parcel(world: pw.World, monkeypatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")  # no lp on this "station"
    with world.store.unit_of_work() as uow:
        st = uow.session.exec(select(Station).where(Station.code == "PACK-1")).one()
        st.printer = "zebra-pack1"
        uow.add(st)
        uow.commit()
    oid = pack(world, "#1043")
    docs = packing.produce(world.store, oid, "PACK-1")
    assert len(docs.files) == 2 and all(p.exists() for p in docs.files)
    assert docs.problems and "lp" in docs.problems[0]
    with world.store.read() as s:
        assert s.get(Order, oid).status == OrderStatus.PACKED


def test_station_label_format_zpl(world: pw.World) -> None:
    with world.store.unit_of_work() as uow:
        st = uow.session.exec(select(Station).where(Station.code == "PACK-1")).one()
        # A ZPL station needs its label printer (checked when an order is opened).
        st.label_format, st.label_size, st.printer = "zpl", "A6", "zebra-pack-1"
        uow.add(st)
        uow.commit()
    oid = pack(world, "#1043")
    docs = packing.produce(world.store, oid, "PACK-1", send=False)
    assert [p.suffix for p in docs.files] == [".zpl", ".pdf"]
    with world.store.read() as s:
        assert (
            s.exec(select(Parcel.label_file).where(Parcel.order_id == oid)).one().endswith(".zpl")
        )
