"""Parcels leaving the EU: refused at close without customs data, declared with it."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlmodel import select

from tests.fakes.raw_printer import RawPrinter
from tests.printing.helpers import decode, page_sizes, pdf_text, render_pages
from tests.worlds import packing as pw
from tests.worlds.dbstate import refused
from tests.worlds.packing import declare, ship_1042_to
from wms_tui.domain.enums import ExceptionKind
from wms_tui.domain.models import Carrier, Order, Parcel, Product
from wms_tui.services.exceptions.inbox import open_exceptions
from wms_tui.services.packing import documents, paper_data, parties
from wms_tui.services.packing import station as packing
from wms_tui.services.packing.reprint import reprint

pytestmark = pytest.mark.world(carrier_check="s10")


@pytest.mark.parametrize(
    ("field", "named"),
    [
        ("hs_code", "TEE-M has no HS code"),
        ("origin_country", "TEE-M has no country of origin"),
        ("customs_value", "TEE-M has no customs value"),
    ],
)
def test_a_parcel_leaving_the_eu_without_customs_data_is_refused(
    world: pw.World, field: str, named: str
) -> None:
    oid = ship_1042_to(world, "KR")
    declare(world, **{"TEE-M": field})
    message = refused(
        world.store, lambda: packing.close_parcel(world.store, world.packer, oid), match=named
    )
    assert message.startswith("Cannot close #1042: KR is outside the EU")


def test_a_bad_hs_code_is_named(world: pw.World) -> None:
    oid = ship_1042_to(world, "GB")
    declare(world)
    with world.store.unit_of_work() as uow:
        tee = uow.session.exec(select(Product).where(Product.sku == "TEE-M")).one()
        tee.hs_code = "6109"
        uow.add(tee)
        uow.commit()
    refused(
        world.store,
        lambda: packing.close_parcel(world.store, world.packer, oid),
        match="TEE-M has HS code '6109', not 6-10 digits",
    )


def test_inside_the_eu_no_customs_data_is_needed(world: pw.World) -> None:
    oid = ship_1042_to(world, "DE")
    packing.close_parcel(world.store, world.packer, oid)
    docs = documents.produce(world.store, oid, "PACK-1", send=False)
    assert docs.ok and not [p for p in docs.files if p.name.startswith("customs")]


@pytest.mark.parametrize("fmt", ["pdf", "zpl"])
def test_a_postal_parcel_to_korea_gets_a_cn22_label_with_every_item(
    world: pw.World, fmt: str
) -> None:
    oid = ship_1042_to(world, "KR")
    declare(world)
    packing.close_parcel(world.store, world.packer, oid)
    docs = documents.produce(world.store, oid, "PACK-1", send=False, zpl=fmt == "zpl")
    assert docs.ok, docs.problems
    # Label stock beside the shipping label, not an A4 paper.
    assert not [p for p in docs.files if p.name.startswith("customs")]
    (cn22,) = [p for p in docs.files if p.name.startswith("cn22")]
    assert cn22.suffix == f".{fmt}"
    with world.store.read() as s:
        tracking = s.exec(select(Parcel.tracking_number).where(Parcel.order_id == oid)).one()
    if fmt == "zpl":
        program = cn22.read_text()
        assert program.startswith("^XA") and "^PW812" in program and "^LL1218" in program
        return
    (size,) = page_sizes(cn22.read_bytes())
    assert size == pytest.approx((288, 432))  # 4x6 in
    text = pdf_text(cn22).replace("\r", "")
    assert "CUSTOMS DECLARATION" in text and "CN 22" in text
    assert "691200" in text and "610910" in text
    assert "298.00 SEK" in text and "299.00 SEK" in text and "597.00 SEK" in text
    assert "REPUBLIC OF KOREA" in text and "[X] Sale of goods" in text
    for dpi in (203, 300):
        (image,) = render_pages(cn22.read_bytes(), dpi)
        assert [b.text for b in decode(image)] == [tracking]


def test_values_are_declared_in_the_shops_currency(world: pw.World) -> None:
    from wms_tui.services.core import settings

    with world.store.unit_of_work() as uow:
        settings.put(uow.session, "shop_currency", "EUR")
        uow.commit()
    oid = ship_1042_to(world, "KR")
    declare(world)
    packing.close_parcel(world.store, world.packer, oid)
    docs = documents.produce(world.store, oid, "PACK-1", send=False)
    # 597 EUR is past 300 SDR (about 350 EUR): a CN 23 on A4, where 597 SEK was a CN 22.
    (paper,) = [p for p in docs.files if p.name.startswith(("customs", "cn22"))]
    text = pdf_text(paper)
    assert paper.name.startswith("customs") and "CN 23 — CUSTOMS DECLARATION" in text
    assert "597.00 EUR" in text and "SEK" not in text


def test_an_expensive_or_dangerous_shipment(world: pw.World) -> None:
    oid = ship_1042_to(world, "KR")
    declare(world)
    with world.store.unit_of_work() as uow:
        mug = uow.session.exec(select(Product).where(Product.sku == "MUG-BLU")).one()
        mug.customs_value, mug.dangerous_goods = Decimal("2000.00"), "UN3481"
        uow.add(mug)
        uow.commit()
    packing.close_parcel(world.store, world.packer, oid)
    docs = documents.produce(world.store, oid, "PACK-1", send=False)
    (paper,) = [p for p in docs.files if p.name.startswith("customs")]
    text = pdf_text(paper)
    assert "CN 23 — CUSTOMS DECLARATION" in text
    assert "DANGEROUS GOODS: LITHIUM BATTERIES UN3481" in text
    with world.store.read() as s:
        order = s.get(Order, oid)
        b = paper_data.bundle(s, order, paper_data.printed_parcels(s, order))
        assert paper_data.label_data(b, b.parcels[0], 1).dangerous_goods == ("UN3481",)


def test_a_gift_recipient_is_never_given_the_buyers_phone(world: pw.World) -> None:
    with world.store.read() as s:
        gift = s.exec(select(Order).where(Order.name == "#1043")).one()
        plain = s.exec(select(Order).where(Order.name == "#1042")).one()
        s.expunge(gift)
        s.expunge(plain)
    gift.phone, gift.ship_phone = "+46 70 111 11 11", ""
    plain.phone, plain.ship_phone = "+46 70 222 22 22", ""
    assert parties.ship_to(gift).phone == ""
    assert parties.ship_to(plain).phone == "+46 70 222 22 22"
    gift.ship_phone = "+46 70 333 33 33"
    assert parties.ship_to(gift).phone == "+46 70 333 33 33"


def test_labels_go_raw_to_the_label_printer_and_papers_to_the_document_printer(
    world: pw.World, tmp_path, monkeypatch
) -> None:
    from tests.fakes.lp import LP
    from tests.fakes.raw_printer import RawPrinter
    from wms_tui.domain.models import Station

    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "lp.args"
    (bin_dir / "lp").write_text(LP.format(log=log))
    (bin_dir / "lp").chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}:/usr/bin:/bin")
    zebra = RawPrinter()
    with world.store.unit_of_work() as uow:
        st = uow.session.exec(select(Station).where(Station.code == "PACK-1")).one()
        st.printer, st.printer_transport = f"127.0.0.1:{zebra.port}", "tcp"
        st.label_format, st.document_printer = "zpl", "office-a4"
        uow.add(st)
        uow.commit()
    oid = ship_1042_to(world, "KR")
    declare(world)
    packing.close_parcel(world.store, world.packer, oid)
    docs = documents.produce(world.store, oid, "PACK-1")
    assert docs.ok, docs.problems
    zebra.close()
    # The fonts first (once), then the label and its CN 22, both on label stock.
    fonts_job, label_job, cn22_job = zebra.jobs
    assert fonts_job.startswith(b"~DYE:WMSSANS.TTF,A,T,")
    assert label_job.startswith(b"^XA") and label_job.rstrip().endswith(b"^XZ")
    assert cn22_job.startswith(b"^XA") and b"^FDCN 22^FS" in cn22_job
    with world.store.read() as s:
        recorded = s.exec(select(Station.printer_fonts).where(Station.code == "PACK-1")).one()
    assert "E:WMSSANS.TTF@" in recorded
    # A reprint to the same printer sends the label alone.
    again = RawPrinter()
    with world.store.unit_of_work() as uow:
        st = uow.session.exec(select(Station).where(Station.code == "PACK-1")).one()
        st.printer = f"127.0.0.1:{again.port}"  # the same printer, at a new address
        uow.add(st)
        uow.commit()
    reprint(world.store, world.packer, "#1042", slip=False)
    again.close()
    assert [job[:3] for job in again.jobs] == [b"^XA", b"^XA"]
    # lp was last called for the slip: A4, not raw, to the office printer.
    args = log.read_text().splitlines()
    assert args[:2] == ["-d", "office-a4"] and "-o" not in args
    assert sorted(set(docs.printed)) == [f"127.0.0.1:{zebra.port}", "office-a4"]


def test_a_printer_that_is_off_leaves_the_parcel_closed_and_the_files_for_reprint(
    world: pw.World,
) -> None:
    import socket

    from wms_tui.domain.enums import OrderStatus
    from wms_tui.domain.models import Station

    with socket.create_server(("127.0.0.1", 0)) as s:
        port = s.getsockname()[1]
    with world.store.unit_of_work() as uow:
        st = uow.session.exec(select(Station).where(Station.code == "PACK-1")).one()
        st.printer, st.printer_transport, st.label_format = f"127.0.0.1:{port}", "tcp", "zpl"
        uow.add(st)
        uow.commit()
    oid = ship_1042_to(world, "DE")
    packing.close_parcel(world.store, world.packer, oid)
    docs = documents.produce(world.store, oid, "PACK-1")
    assert len(docs.problems) == 1 and "\n" not in docs.problems[0]
    assert docs.problems[0].startswith(f"label printer: printer 127.0.0.1:{port} cannot be reached")
    assert all(p.exists() for p in docs.files) and len(docs.files) == 2
    with world.store.read() as s:
        assert s.get(Order, oid).status == OrderStatus.PACKED
    # The supervisor sees it too, until a print of the order goes through.
    (item,) = [
        i for i in open_exceptions(world.store, world.supervisor) if i.kind == ExceptionKind.PRINT
    ]
    assert item.order == "#1042" and item.terminal == "PACK-1"
    assert f"127.0.0.1:{port} cannot be reached" in item.cause
    listener = RawPrinter()
    try:
        with world.store.unit_of_work() as uow:
            st = uow.session.exec(select(Station).where(Station.code == "PACK-1")).one()
            st.printer = f"127.0.0.1:{listener.port}"
            uow.add(st)
            uow.commit()
        again = reprint(world.store, world.packer, "#1042", slip=False)
        assert again.ok, again.problems
    finally:
        listener.close()
    assert not [
        i for i in open_exceptions(world.store, world.supervisor) if i.kind == ExceptionKind.PRINT
    ]


def couriers_only(world: pw.World) -> None:
    with world.store.unit_of_work() as uow:
        for carrier in uow.session.exec(select(Carrier)):
            carrier.tracking_check, carrier.tracking_prefix = "mod10", ""
            uow.add(carrier)
        uow.commit()


@pytest.mark.parametrize("terms", ["DAP", "DDP"])
def test_terms_of_delivery_are_on_the_invoice_and_the_courier_label(
    world: pw.World, terms: str
) -> None:
    """Who pays the import duties: the shop's setting (default DAP) on the commercial
    invoice's "terms of delivery" and in the courier label's service box."""
    from wms_tui.services.core import settings

    if terms != "DAP":  # DAP is the default: nothing set
        with world.store.unit_of_work() as uow:
            settings.put(uow.session, "incoterms", terms)
            uow.commit()
    couriers_only(world)
    oid = ship_1042_to(world, "KR")
    declare(world)
    packing.close_parcel(world.store, world.packer, oid)
    docs = documents.produce(world.store, oid, "PACK-1", send=False)
    (invoice,) = [p for p in docs.files if p.name.startswith("customs")]
    text = pdf_text(invoice)
    assert "COMMERCIAL INVOICE" in text.upper()
    assert f"Terms of delivery: {terms} (Incoterms 2020)" in text
    (label,) = [p for p in docs.files if p.name.startswith("label")]
    words = pdf_text(label).split()
    assert terms in words and ({"DAP", "DDP"} - {terms}).isdisjoint(words)


def test_postal_forms_and_parcels_inside_the_eu_carry_no_terms(world: pw.World) -> None:
    """The UPU forms have no terms-of-delivery box; a parcel staying in the EU has no
    import duties to pay."""
    from wms_tui.services.core import settings

    with world.store.unit_of_work() as uow:
        settings.put(uow.session, "incoterms", "DDP")
        uow.commit()
    oid = ship_1042_to(world, "KR")  # the postal carrier: a CN 22
    declare(world)
    packing.close_parcel(world.store, world.packer, oid)
    docs = documents.produce(world.store, oid, "PACK-1", send=False)
    assert all("DDP" not in pdf_text(p) for p in docs.files)
    domestic = pw.pack(world, "#1043")
    assert all(
        "DDP" not in pdf_text(p)
        for p in documents.produce(world.store, domestic, "PACK-1", send=False).files
    )
