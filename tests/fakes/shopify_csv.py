"""Shopify's CSV exports as a shop writes them: the fixture files, and rows
built like theirs (an order's later rows repeat only what Shopify repeats)."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from datetime import timedelta, timezone
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "shopify"
PRODUCTS_CSV = FIXTURES / "products.csv"
ORDERS_CSV = FIXTURES / "orders.csv"


def _header(path: Path) -> list[str]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return next(csv.reader(f))


ORDER_HEADER = _header(ORDERS_CSV)
PRODUCT_HEADER = _header(PRODUCTS_CSV)
CREATED = "2024-03-05 14:02:11 +0100"
CET = timezone(timedelta(hours=1))

FIRST_ORDER_ROW = {
    "Financial Status": "paid",
    "Fulfillment Status": "unfulfilled",
    "Shipping Method": "PostNord",
    "Shipping Name": "Åsa Öberg",
    "Shipping Address1": "Södra Vägen 12",
    "Shipping City": "Göteborg",
    "Shipping Zip": "412 54",
    "Shipping Country": "SE",
}


def order_row(name: str = "#1001", first: bool = True, **cols: str) -> dict[str, str]:
    """One orders-export row; later rows (first=False) repeat only what Shopify repeats."""
    row = {
        "Name": name,
        "Email": "asa@example.se",
        "Created at": CREATED,
        "Lineitem quantity": "1",
        "Lineitem name": "Organic Hoodie - Navy / M",
        "Lineitem price": "59.00",
        "Lineitem sku": "HOOD-NAVY-M",
        "Lineitem requires shipping": "true",
    }
    if first:
        row.update(FIRST_ORDER_ROW)
    row.update(cols)
    return row


def product_row(handle: str = "hoodie", first: bool = True, **cols: str) -> dict[str, str]:
    row = {"Handle": handle, "Variant SKU": "HOOD-S", "Option1 Value": "S", "Variant Grams": "500"}
    if first:
        row.update({"Title": "Hoodie", "Option1 Name": "Size"})
    row.update(cols)
    return row


def write_csv(
    path: Path,
    rows: Iterable[dict[str, str] | list[str]],
    header: list[str] = ORDER_HEADER,
    *,
    bom: bool = False,
    newline: str = "\n",
    delimiter: str = ",",
) -> Path:
    with open(path, "w", encoding="utf-8-sig" if bom else "utf-8", newline="") as f:
        writer = csv.writer(f, delimiter=delimiter, lineterminator=newline)
        writer.writerow(header)
        for row in rows:
            if isinstance(row, dict):
                assert set(row) <= set(header), set(row) - set(header)
                writer.writerow([row.get(column, "") for column in header])
            else:
                writer.writerow(row)
    return path
