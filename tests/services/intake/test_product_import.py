"""Importing Shopify products: variants become products keyed by SKU."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import select

from tests.worlds import factories as f
from tests.worlds.intake import PRODUCT_HEADER, PRODUCTS_CSV, product_row, snapshot, write_csv
from wms_tui.domain.models import Event, Product, ProductBarcode
from wms_tui.services.intake.product_import import import_products
from wms_tui.store import Store


def products(store: Store) -> dict[str, Product]:
    with store.read() as s:
        out = {p.sku: p for p in s.exec(select(Product))}
        s.expunge_all()
        return out


def barcodes(store: Store) -> dict[str, str]:
    with store.read() as s:
        rows = s.exec(
            select(ProductBarcode.code, Product.sku).join(
                Product, Product.id == ProductBarcode.product_id
            )
        )
        return dict(rows.all())


def test_fixture_creates_one_product_per_variant(empty_store: Store) -> None:
    report = import_products(empty_store, PRODUCTS_CSV)
    assert report.ok, report.errors
    assert report.count("created") == 7 and report.count("barcodes added") == 6
    got = products(empty_store)
    assert set(got) == {
        "HOOD-NAVY-S",
        "HOOD-NAVY-M",
        "HOOD-GREEN-M",
        "MUG-FIKA",
        "SOCK-ARE-3639",
        "SOCK-ARE-4043",
        "NOTE-HANJI-A5",
    }
    hoodie = got["HOOD-GREEN-M"]
    assert (hoodie.name, hoodie.handle, hoodie.weight_g) == (
        "Organic Hoodie",
        "organic-hoodie",
        540,
    )
    assert hoodie.options_text == "Colour: Forest Green / Size: M"
    assert got["SOCK-ARE-3639"].name == "Ullsockor Åre"
    assert got["SOCK-ARE-3639"].options_text == "Storlek: 36–39"
    assert got["NOTE-HANJI-A5"].name == "한지 노트 (Hanji Notebook)"
    # Shopify's "Title: Default Title" placeholder is not an option.
    assert got["MUG-FIKA"].options_text == ""
    assert barcodes(empty_store)["7350001234038"] == "HOOD-GREEN-M"


def test_reimport_changes_nothing_and_a_new_export_updates(
    empty_store: Store, tmp_path: Path
) -> None:
    import_products(empty_store, PRODUCTS_CSV)
    before = snapshot(empty_store)
    again = import_products(empty_store, PRODUCTS_CSV)
    assert again.ok and again.count("unchanged") == 7 and again.count("updated") == 0
    after = snapshot(empty_store)
    # Only the audit line of the second import is new.
    assert {k: v for k, v in after.items() if k != "event"} == {
        k: v for k, v in before.items() if k != "event"
    }
    rows = [
        product_row(
            "organic-hoodie",
            **{"Title": "Organic Hoodie 2", "Variant SKU": "HOOD-NAVY-S", "Option1 Name": "Size"},
            **{"Option1 Value": "S", "Variant Grams": "", "Variant Barcode": "96385074"},
        ),
        product_row("new", **{"Title": "Ny mössa", "Variant SKU": "HAT-1"}),
    ]
    report = import_products(empty_store, write_csv(tmp_path / "p.csv", rows, PRODUCT_HEADER))
    assert report.ok, report.errors
    assert (report.count("updated"), report.count("created")) == (1, 1)
    got = products(empty_store)
    assert got["HOOD-NAVY-S"].name == "Organic Hoodie 2"
    assert got["HOOD-NAVY-S"].options_text == "Size: S"
    assert got["HOOD-NAVY-S"].weight_g == 520  # empty grams keep the weight
    codes = barcodes(empty_store)
    # A new barcode is added; the old one stays (labels with it are on the shelves).
    assert codes["96385074"] == "HOOD-NAVY-S" and codes["7350001234014"] == "HOOD-NAVY-S"
    with empty_store.read() as s:
        logs = s.exec(select(Event).where(Event.kind == "products.imported")).all()
        assert len(logs) == 3


def test_barcode_of_another_product_is_a_row_error(empty_store: Store, tmp_path: Path) -> None:
    with empty_store.unit_of_work() as uow:
        f.product(uow, "OLD-1", barcode="96385074")
        uow.commit()
    before = snapshot(empty_store)
    rows = [
        product_row("a", **{"Variant SKU": "A-1", "Variant Barcode": "96385074"}),
        product_row("b", **{"Variant SKU": "B-1", "Variant Barcode": "7350001234014"}),
        product_row("c", **{"Variant SKU": "C-1", "Variant Barcode": "7350001234014"}),
    ]
    report = import_products(empty_store, write_csv(tmp_path / "p.csv", rows, PRODUCT_HEADER))
    assert [(e.row, e.column, e.reason) for e in report.errors] == [
        (2, "Variant Barcode", "barcode 96385074 already belongs to SKU OLD-1"),
        (4, "Variant Barcode", "barcode 7350001234014 is also on SKU B-1 (row 3)"),
    ]
    assert snapshot(empty_store) == before


def test_bad_rows_import_nothing(empty_store: Store, tmp_path: Path) -> None:
    rows = [
        product_row("a", **{"Variant SKU": "A-1"}),
        product_row("b", **{"Variant SKU": "B-1", "Variant Grams": "heavy"}),
        product_row("c", **{"Variant SKU": "A-1"}),
        product_row("d", **{"Variant SKU": "D-1", "Variant Barcode": "1234"}),
    ]
    before = snapshot(empty_store)
    report = import_products(empty_store, write_csv(tmp_path / "p.csv", rows, PRODUCT_HEADER))
    assert {(e.row, e.column) for e in report.errors} == {
        (3, "Variant Grams"),
        (4, "Variant SKU"),
        (5, "Variant Barcode"),
    }
    assert snapshot(empty_store) == before


def test_orders_file_given_as_products(empty_store: Store) -> None:
    from tests.worlds.intake import ORDERS_CSV

    report = import_products(empty_store, ORDERS_CSV)
    assert "this is a Shopify orders export" in report.file_error


def test_dry_run_changes_nothing(empty_store: Store) -> None:
    before = snapshot(empty_store)
    report = import_products(empty_store, PRODUCTS_CSV, dry_run=True)
    assert report.ok and report.count("created") == 7
    assert snapshot(empty_store) == before
