"""Carrier manifest PDF: parcel table, totals, signatures and the manifest barcode."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from tests.printing.helpers import decode, manifest_data, page_texts, render_pages
from wms_tui.domain.identifiers.sscc import format_sscc_hri
from wms_tui.printing.manifest import render_manifest_pdf, render_manifest_pdf_bytes


def test_manifest_content_and_barcode(tmp_path: Path) -> None:
    data = manifest_data(parcel_count=12)
    path = render_manifest_pdf(data, tmp_path / "manifest.pdf")
    pdf = path.read_bytes()
    images = render_pages(pdf)
    assert [barcode.text for barcode in decode(images[0])] == [data.manifest_number]
    text = "\r\n".join(page_texts(pdf))
    for parcel in data.parcels:
        assert parcel.tracking_number in text
        assert format_sscc_hri(parcel.sscc) in text
    assert data.total_weight_g == sum(p.weight_g for p in data.parcels)
    for _service, count, weight in data.totals_by_service():
        assert count == 4
        assert f"{weight / 1000:.3f} kg" in text
    assert f"{data.total_weight_g / 1000:.3f} kg" in text
    for expected in [
        "CARRIER MANIFEST",
        "PostNord",
        "DRIVER",
        "WAREHOUSE",
        "Signature",
        "Received 12 parcels, total",
        "MyPack Collect, MyPack Home, Parcel",
    ]:
        assert expected in text, expected


def test_one_parcel_is_counted_in_the_singular() -> None:
    text = page_texts(render_manifest_pdf_bytes(manifest_data(parcel_count=1)))[0]
    assert "Received 1 parcel, total" in text
    assert "Manifest MAN-20261124-01 · 1 parcel" in text
    assert "(s)" not in text


def test_long_manifest_breaks_pages_and_keeps_signatures_together() -> None:
    data = manifest_data(parcel_count=70)
    texts = page_texts(render_manifest_pdf_bytes(data))
    assert len(texts) >= 2
    assert f"Page {len(texts)} of {len(texts)}" in texts[-1]
    assert "DRIVER" in texts[-1] and "WAREHOUSE" in texts[-1] and "Totals" in texts[-1]
    everything = "\r\n".join(texts)
    assert all(parcel.tracking_number in everything for parcel in data.parcels)


def test_invalid_sscc_is_shown_not_fatal() -> None:
    data = manifest_data(parcel_count=2)
    broken = replace(data.parcels[0], sscc="123")
    data = replace(data, parcels=(broken, data.parcels[1]))
    assert "123 (invalid)" in page_texts(render_manifest_pdf_bytes(data))[0]


def test_ssccs_are_grouped_by_the_real_company_prefix() -> None:
    from wms_tui.domain.identifiers.sscc import make_sscc
    from wms_tui.printing.documents import ManifestParcel

    sscc = make_sscc(0, "7350053850", 42)  # a 10-digit prefix, as the labels group it
    parcel = ManifestParcel(order_name="#1", sscc=sscc, tracking_number="RR073500019SE",
                            weight_g=500, service_name="Parcel")  # fmt: skip
    data = replace(manifest_data(parcel_count=1), parcels=(parcel,), company_prefix_length=10)
    text = page_texts(render_manifest_pdf_bytes(data))[0]
    assert f"(00) 0 7350053850 000042 {sscc[-1]}" in text


def test_the_shipper_is_written_as_an_address_with_its_country() -> None:
    """Seen on the demo's manifest: '…Port 3, 553' / '03 Jönköping', no country."""
    from wms_tui.printing.address import Address

    shipper = Address(
        name="Nordlys Fulfilment",
        line1="Lagervägen 7",
        line2="Port 3",
        postcode="553 03",
        city="Jönköping",
        region="Jönköpings län",
        country_code="SE",
    )
    pdf = render_manifest_pdf_bytes(replace(manifest_data(3), shipper=shipper))
    lines = page_texts(pdf)[0].split("\r\n")
    start = lines.index("Shipper Nordlys Fulfilment")
    assert lines[start + 1 : start + 4] == [
        "Lagervägen 7, Port 3",
        "553 03 Jönköping, Jönköpings län",
        "SWEDEN",
    ]
