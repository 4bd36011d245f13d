"""A column named twice in any imported CSV is refused, naming the column.

The ASN importer took the first of two ``quantity`` columns silently, and the
return-reasons and shipping-method imports did the same (first or last wins).
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from tests.fakes.shopify_csv import ORDERS_CSV
from wms_tui.adapters.asn_csv import parse_asn
from wms_tui.adapters.csv_headers import repeated_column
from wms_tui.adapters.setup_csv import read_setup
from wms_tui.adapters.shopify.csv_format import CsvFileError, parse_orders, read_all
from wms_tui.domain.errors import DomainError
from wms_tui.services.intake.shipping_methods import load_mapping_csv
from wms_tui.services.returns.reasons import read_reasons_file


def test_repeated_column() -> None:
    assert repeated_column(["a", "b", "", "", "c"]) is None  # empty names are no columns
    assert repeated_column(["a", "b", "a", "b"]) == ("a", 1, 3)


@pytest.mark.parametrize(
    ("header", "column", "where"),
    [
        ("reference,supplier,expected_date,sku,quantity,quantity", "quantity", "5 and 6"),
        ("reference,supplier,expected_date,sku,qty,quantity", "quantity", "5 and 6"),
        ("reference,Reference,supplier,expected_date,sku,quantity", "reference", "1 and 2"),
        ("ref,reference,supplier,expected_date,sku,quantity", "reference", "1 and 2"),
    ],
)
def test_asn(header: str, column: str, where: str) -> None:
    deliveries, errors = parse_asn(f"{header}\nPO-1,X,2026-01-02,TEE,5,7\n".encode())
    assert deliveries == []
    assert [str(e) for e in errors] == [
        f"row 1, column {column}: column '{column}' is in the header twice "
        f"(columns {where}): keep one"
    ]


def test_return_reasons(tmp_path: Path) -> None:
    path = tmp_path / "reasons.csv"
    path.write_text("code,label,controllable,code\nA,Torn,yes,B\n", encoding="utf-8")
    with pytest.raises(DomainError, match=r"column 'code' is in the header twice \(columns 1"):
        read_reasons_file(path)


def test_shipping_methods(tmp_path: Path) -> None:
    path = tmp_path / "map.csv"
    path.write_text("Shipping Method,Carrier,Service,carrier\nX,PN,PN-1,DHL\n", encoding="utf-8")
    with pytest.raises(DomainError, match=r"column 'carrier' is in the header twice"):
        load_mapping_csv(path)


def test_setup_files(tmp_path: Path) -> None:
    (tmp_path / "operators.csv").write_text(
        "badge,name,roles,badge\nP1,Ana,picker,P2\n", encoding="utf-8"
    )
    problems = [str(p) for p in read_setup([tmp_path]).problems]
    assert problems == ["operators.csv, row 1, badge: the column is in the header twice"]


def test_shopify_orders() -> None:
    header = ORDERS_CSV.read_text(encoding="utf-8-sig").splitlines()[0]
    text = header + ",Lineitem quantity\n"
    with pytest.raises(CsvFileError, match="'Lineitem quantity' appears more than once"):
        read_all(parse_orders(io.StringIO(text, newline="")))
