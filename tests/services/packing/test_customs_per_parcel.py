"""A multi-parcel order leaving the EU: a postal item's CN 22 / CN 23 declares that item.

UPU forms name one item ("No. of item"), go on that item and list its contents; the form
(CN 22 up to 300 SDR, CN 23 above) follows that item's value. A courier's commercial
invoice stays one for the whole shipment, listing every parcel.
"""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
import zplkit
from PIL import Image
from sqlmodel import col, select

from tests.printing.helpers import decode, pdf_text, render_pages
from tests.printing.label_render import LIMITS
from tests.worlds import packing as pw
from tests.worlds.packing import declare
from wms_tui.domain.models import Carrier, Order, Parcel, Product
from wms_tui.printing.surface import ZPL_FONTS
from wms_tui.printing.zpl import font_download
from wms_tui.services.packing import documents
from wms_tui.services.packing import station as packing
from wms_tui.services.packing.reprint import reprint

pytestmark = pytest.mark.world(carrier_check="s10")


def two_parcels_to_korea(w: pw.World) -> tuple[int, list[str]]:
    """#1042 packed as parcel 1: 2 mugs, parcel 2: 1 T-shirt, to Seoul; tracking numbers."""
    declare(w)
    oid = pw.open_1042(w).order_id
    with w.store.unit_of_work() as uow:
        o = uow.session.get(Order, oid)
        o.ship_country, o.ship_zip, o.ship_city = "KR", "06236", "Seoul"
        uow.add(o)
        uow.commit()
    packing.scan(w.store, w.packer, oid, pw.MUG_EAN)
    packing.scan(w.store, w.packer, oid, pw.MUG_EAN)
    packing.new_parcel(w.store, w.packer, oid)
    view = packing.scan(w.store, w.packer, oid, pw.TEE_EAN)
    for p in view.parcels:
        view = packing.enter_weight(w.store, w.packer, oid, str(p.expected_g), parcel_no=p.seq)
    for item in view.inserts:
        view = packing.confirm_insert(w.store, w.packer, oid, item.n)
    packing.close_parcel(w.store, w.packer, oid)
    with w.store.read() as s:
        numbers = s.exec(
            select(Parcel.tracking_number).where(Parcel.order_id == oid).order_by(col(Parcel.seq))
        ).all()
    return oid, [n or "" for n in numbers]


def papers(docs: documents.Documents, prefix: str) -> list:
    return [p for p in docs.files if p.name.startswith(prefix)]


def test_each_postal_parcel_gets_its_own_cn22_with_its_own_contents(world: pw.World) -> None:
    oid, (first, second) = two_parcels_to_korea(world)
    docs = documents.produce(world.store, oid, "PACK-1", send=False)
    assert docs.ok, docs.problems
    assert [p.name.split("_")[0] for p in docs.files] == [
        "label", "cn22", "label", "cn22", "slip",
    ]  # fmt: skip
    one, two = papers(docs, "cn22")
    assert one.name.endswith("_1of2.pdf") and two.name.endswith("_2of2.pdf")
    text_one, text_two = pdf_text(one), pdf_text(two)
    # Parcel 1 holds the mugs only: its value and HS code, not the T-shirt's.
    assert "691200" in text_one and "610910" not in text_one
    assert "298.00 SEK" in text_one and "299.00 SEK" not in text_one
    assert "item 1 of 2" in text_one
    assert "610910" in text_two and "691200" not in text_two
    assert "299.00 SEK" in text_two and "item 2 of 2" in text_two
    # Each form carries its own item's number, and only that one.
    for paper, number in ((one, first), (two, second)):
        for dpi in (203, 300):
            (image,) = render_pages(paper.read_bytes(), dpi)
            assert [b.text for b in decode(image)] == [number]


def test_the_form_follows_each_parcels_value(world: pw.World) -> None:
    oid, (first, second) = two_parcels_to_korea(world)
    with world.store.unit_of_work() as uow:
        mug = uow.session.exec(select(Product).where(Product.sku == "MUG-BLU")).one()
        mug.customs_value = Decimal("2000.00")  # two of them: 4,000 SEK, past 300 SDR
        uow.add(mug)
        uow.commit()
    docs = documents.produce(world.store, oid, "PACK-1", send=False)
    assert docs.ok, docs.problems
    (cn23,) = papers(docs, "customs")
    (cn22,) = papers(docs, "cn22")
    assert cn23.name.endswith("_1of2.pdf") and cn22.name.endswith("_2of2.pdf")
    text = pdf_text(cn23)
    assert "CN 23 — CUSTOMS DECLARATION" in text and "4,000.00 SEK" in text
    assert first in text and second not in text and "Parcel: 1 of 2" in text
    assert "610910" in pdf_text(cn22)


def test_zpl_cn22s_come_out_after_their_labels(world: pw.World) -> None:
    oid, numbers = two_parcels_to_korea(world)
    docs = documents.produce(world.store, oid, "PACK-1", send=False, zpl=True)
    assert docs.ok, docs.problems
    kinds = [p.name.split("_")[0] for p in docs.files]
    assert kinds == ["label", "cn22", "label", "cn22", "slip"]
    for paper, number in zip(papers(docs, "cn22"), numbers, strict=True):
        program = paper.read_bytes()
        fonts = font_download([f for f, name in ZPL_FONTS.items() if name.encode() in program])
        doc = zplkit.render(fonts + program, zplkit.Options(dpi=203), limits=LIMITS)
        assert doc.warnings == [], doc.warnings
        (scene,) = doc.labels
        image = Image.open(io.BytesIO(scene.png())).convert("L")
        assert [b.text for b in decode(image)] == [number]


def test_a_courier_gets_one_commercial_invoice_for_the_shipment(world: pw.World) -> None:
    with world.store.unit_of_work() as uow:
        for carrier in uow.session.exec(select(Carrier)):
            carrier.tracking_check, carrier.tracking_prefix = "mod10", ""
            uow.add(carrier)
        uow.commit()
    oid, numbers = two_parcels_to_korea(world)
    docs = documents.produce(world.store, oid, "PACK-1", send=False)
    assert docs.ok, docs.problems
    (invoice,) = papers(docs, "customs")
    assert not papers(docs, "cn22")
    text = pdf_text(invoice)
    assert "COMMERCIAL INVOICE" in text.upper()
    assert all(n in text for n in numbers) and "Parcels: 2" in text
    assert "597.00 SEK" in text
    # An invoice's own facts: its number, why the goods leave, each line's unit value.
    assert "Invoice no.: #1042" in text and "Reason for export: Sale of goods" in text
    assert "Currency: SEK" in text and "Unit value" in text
    assert "149.00 SEK" in text and "298.00 SEK" in text  # two mugs at 149.00


def test_a_parcel_reprinted_by_its_number_comes_with_its_own_declaration(
    world: pw.World,
) -> None:
    """At the desk a torn label of parcel 2 is reprinted by its tracking number: its CN 22
    comes with it (the parcel cannot leave the EU without it), not parcel 1's."""
    oid, (first, second) = two_parcels_to_korea(world)
    documents.produce(world.store, oid, "PACK-1", send=False)
    again = reprint(world.store, world.packer, second, send=False)
    assert again.ok, again.problems
    assert [p.name.split("_")[0] for p in again.files] == ["label", "cn22"]
    label, cn22 = again.files
    assert label.name.endswith("_2of2.pdf") and cn22.name.endswith("_2of2.pdf")
    text = pdf_text(cn22)
    assert "610910" in text and "691200" not in text and "item 2 of 2" in text
    (image,) = render_pages(cn22.read_bytes(), 203)
    assert [b.text for b in decode(image)] == [second]
    # The label alone can still be asked for: --slip prints the slip, not the CN 22.
    slip_only = reprint(world.store, world.packer, second, labels=False, slip=True, send=False)
    assert [p.name.split("_")[0] for p in slip_only.files] == ["slip"]


def test_a_courier_parcel_reprinted_comes_with_the_shipments_invoice(world: pw.World) -> None:
    with world.store.unit_of_work() as uow:
        for carrier in uow.session.exec(select(Carrier)):
            carrier.tracking_check, carrier.tracking_prefix = "mod10", ""
            uow.add(carrier)
        uow.commit()
    oid, numbers = two_parcels_to_korea(world)
    again = reprint(world.store, world.packer, numbers[0], send=False)
    assert [p.name.split("_")[0] for p in again.files] == ["label", "customs"]
    assert all(n in pdf_text(again.files[1]) for n in numbers)


def test_a_parcel_inside_the_eu_is_reprinted_without_papers(world: pw.World) -> None:
    oid = pw.pack(world, "#1043")
    with world.store.read() as s:
        (number,) = s.exec(select(Parcel.tracking_number).where(Parcel.order_id == oid)).all()
    again = reprint(world.store, world.packer, number or "", send=False)
    assert [p.name.split("_")[0] for p in again.files] == ["label"]
