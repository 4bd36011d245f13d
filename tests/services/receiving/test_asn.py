"""ASN import: the happy path, re-imports, and row-exact errors with nothing imported."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from tests.worlds import factories as f
from tests.worlds.receiving import snapshot
from wms_tui.adapters.asn_csv import parse_asn
from wms_tui.domain.actor import SYSTEM
from wms_tui.domain.enums import DeliveryStatus
from wms_tui.domain.models import Delivery, DeliveryLine, Event, Product
from wms_tui.services.receiving.asn import AsnImportError, import_asn
from wms_tui.store import Store

GOOD = """reference,supplier,expected_date,sku,quantity
PO-1,Nordic Tees AB,2026-03-02,TEE,10
PO-1,Nordic Tees AB,2026-03-02,MUG,12
PO-1,Nordic Tees AB,2026-03-02,TEE,5
PO-2,한옥리빙 주식회사,,MUG,3
"""


@pytest.fixture
def store(empty_store: Store) -> Store:
    with empty_store.unit_of_work() as uow:
        f.product(uow, "TEE")
        f.product(uow, "MUG")
        uow.commit()
    return empty_store


def lines(store: Store, ref: str) -> dict[str, int]:
    with store.read() as s:
        rows = s.exec(
            select(Product.sku, DeliveryLine.expected_qty)
            .join(Product, Product.id == DeliveryLine.product_id)
            .join(Delivery, Delivery.id == DeliveryLine.delivery_id)
            .where(Delivery.reference == ref)
        ).all()
        return dict(rows)


def test_import_creates_deliveries_and_sums_repeated_skus(store: Store) -> None:
    result = import_asn(store, SYSTEM, ("\ufeff" + GOOD).encode())  # with a BOM
    assert [(r.reference, r.skus, r.units, r.action) for r in result] == [
        ("PO-1", 2, 27, "new"),
        ("PO-2", 1, 3, "new"),
    ]
    assert lines(store, "PO-1") == {"TEE": 15, "MUG": 12}
    with store.read() as s:
        d = s.exec(select(Delivery).where(Delivery.reference == "PO-2")).one()
        assert d.supplier == "한옥리빙 주식회사" and d.expected_date is None
        assert d.status == DeliveryStatus.EXPECTED and not d.blind
        assert len(s.exec(select(Event).where(Event.kind == "delivery.imported")).all()) == 2
    # Re-importing the same file changes nothing.
    before = snapshot(store)
    again = import_asn(store, SYSTEM, GOOD.encode())
    assert [r.action for r in again] == ["unchanged", "unchanged"]
    assert snapshot(store) == before


def test_semicolons_and_aliases(store: Store) -> None:
    text = "Ref;Supplier;Expected;SKU;Qty\r\nPO-9;Ståhl & Söner;2026-04-01;MUG;4\r\n"
    [r] = import_asn(store, SYSTEM, text.encode())
    assert (r.reference, r.supplier, r.expected_date, r.units) == (
        "PO-9",
        "Ståhl & Söner",
        date(2026, 4, 1),
        4,
    )


def test_dry_run_writes_nothing(store: Store) -> None:
    before = snapshot(store)
    result = import_asn(store, SYSTEM, GOOD.encode(), dry_run=True)
    assert [r.action for r in result] == ["new", "new"]
    assert snapshot(store) == before


def test_an_expected_delivery_is_updated_a_received_one_refused(store: Store) -> None:
    import_asn(store, SYSTEM, GOOD.encode())
    changed = GOOD.replace("PO-1,Nordic Tees AB,2026-03-02,MUG,12", "PO-1,Nordic Tees AB,,MUG,1")
    changed = changed.replace("2026-03-02", "2026-03-09")
    result = import_asn(store, SYSTEM, changed.encode())
    assert [r.action for r in result] == ["updated", "unchanged"]
    assert lines(store, "PO-1") == {"TEE": 15, "MUG": 1}
    with store.unit_of_work() as uow:
        d = uow.session.exec(select(Delivery).where(Delivery.reference == "PO-1")).one()
        d.status = DeliveryStatus.RECEIVING
        uow.add(d)
        uow.commit()
    before = snapshot(store)
    with pytest.raises(AsnImportError) as err:
        import_asn(store, SYSTEM, GOOD.encode())
    assert [str(e) for e in err.value.errors] == [
        "row 2, column reference: delivery PO-1 is already being received"
    ]
    assert snapshot(store) == before


BAD = """reference,supplier,expected_date,sku,quantity
PO-1,Nordic Tees AB,2026-03-02,TEE,10
PO-1,Nordic Tees AB,2026-02-30,MUG,-3
,Nordic Tees AB,2026-03-02,MUG,1
PO-1,Other Supplier,2026-03-02,NOPE,2
PO-2,,2026-03-02,TEE,two
PO-2,,2026-03-02,NOPE,0
PO-3,X
"""


def test_malformed_rows_are_reported_exactly_and_nothing_is_imported(store: Store) -> None:
    before = snapshot(store)
    with pytest.raises(AsnImportError, match="9 problems in the ASN file; nothing imported") as err:
        import_asn(store, SYSTEM, BAD.encode())
    assert [str(e) for e in err.value.errors] == [
        "row 3, column expected_date: '2026-02-30' is not a date like 2025-03-31",
        "row 3, column quantity: -3 is not a positive quantity",
        "row 4, column reference: empty",
        "row 5, column supplier: 'Other Supplier' differs from 'Nordic Tees AB' on row 2 "
        "for the same reference",
        "row 5, column sku: unknown SKU 'NOPE'",
        "row 6, column quantity: 'two' is not a whole number",
        "row 7, column sku: unknown SKU 'NOPE'",
        "row 7, column quantity: 0 is not a positive quantity",
        "row 8: 2 cells, the header has 5",
    ]
    assert snapshot(store) == before


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", ["row 1: the file is empty; expected a header row"]),
        (
            b"reference,supplier,sku,quantity\nPO-1,S,TEE,1\n",
            ["row 1, column expected_date: missing column (the header needs reference, "
             "supplier, expected_date, sku, quantity)"],
        ),
        (b"reference,supplier,expected_date,sku,quantity\n",
         ["row 2: no deliveries in the file (only a header)"]),
        (
            b"reference,supplier,expected_date,sku,quantity\nPO-1,ok,,TEE,1\nPO-1,S\xf6ren,,TEE,1\n",
            ["row 3: the file is not UTF-8 (save it as CSV UTF-8)"],
        ),
        (
            b'reference,supplier,expected_date,sku,quantity\nPO-1,"open,,TEE,1\nPO-2,x,,TEE,1\n',
            ['row 2: a quote (") is not closed; it swallows later rows'],
        ),
    ],
)  # fmt: skip
def test_file_level_problems(data: bytes, expected: list[str] | None) -> None:
    deliveries, errors = parse_asn(data)
    assert errors, "a broken file must report something"
    if expected is not None:
        assert [str(e) for e in errors] == expected
    assert all(e.row >= 1 for e in errors)


def test_a_file_is_streamed_from_disk_and_a_delivery_split_up_is_refused(
    store: Store, tmp_path
) -> None:
    path = tmp_path / "asn.csv"
    path.write_text(GOOD, encoding="utf-8")
    assert [r.reference for r in import_asn(store, SYSTEM, path, dry_run=True)] == ["PO-1", "PO-2"]
    # Rows of one delivery apart: refused (the importer keeps one delivery in memory).
    path.write_text(GOOD + "PO-1,Nordic Tees AB,2026-03-02,MUG,1\n", encoding="utf-8")
    before = snapshot(store)
    with pytest.raises(AsnImportError) as err:
        import_asn(store, SYSTEM, path)
    assert [str(e) for e in err.value.errors] == [
        "row 6, column reference: PO-1 is on row 2 and again here after another delivery: "
        "keep the rows of one delivery together"
    ]
    # Not UTF-8 halfway through a file read from disk: the row is named.
    path.write_bytes(GOOD.encode() + b"PO-3,S\xf6ren,,TEE,1\n")
    with pytest.raises(AsnImportError) as err:
        import_asn(store, SYSTEM, path)
    assert [str(e) for e in err.value.errors] == [
        "row 6: the file is not UTF-8 (save it as CSV UTF-8)"
    ]
    assert snapshot(store) == before


def test_a_million_bad_rows_keep_only_the_first_500(store: Store) -> None:
    bad = "reference,supplier,expected_date,sku,quantity\n" + "PO-9,X,,TEE,x\n" * 2_000
    with pytest.raises(AsnImportError, match="2,000 problems|2000 problems") as err:
        import_asn(store, SYSTEM, bad.encode())
    assert len(err.value.errors) == 500
