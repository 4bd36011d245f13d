"""Parse Shopify's products and orders export CSVs into plain records; write fulfilments back.

No database here: the importer upserts what this module yields. Everything streams, so memory
stays bounded by the longest row plus one set of keys (order names / SKUs) for duplicate checks.

Row numbers
    Every ``RowError.row`` (and ``.row`` on records) is the *record* number with the header as
    row 1, i.e. the row a spreadsheet shows. A quoted field with line breaks (an order note)
    spans several physical lines of the file but is one spreadsheet row, so physical line
    numbers would point staff at the wrong row. Blank lines count, because spreadsheets show
    them as empty rows.

Errors
    File-level problems (empty, binary/not UTF-8, wrong delimiter, missing columns) raise
    ``CsvFileError`` from ``parse_products``/``parse_orders`` themselves, before any record is
    yielded. Everything else is yielded as ``RowError`` in file order, and a record is only
    yielded when no error concerns it. Because records stream out as soon as they are complete,
    a few errors can only be found after the record they concern was yielded (an order whose rows
    reappear later, a SKU duplicated further down): such errors carry the record's ``key`` and
    the caller must treat a record with that key as invalid too. ``read_all`` does exactly that.

The format's public surface; the parts live in ``csv_records`` (what is yielded),
``csv_reading`` (files as rows), ``products_csv``, ``orders_csv`` and
``fulfillments_csv``.
"""

from __future__ import annotations

from wms_tui.adapters.shopify.csv_records import (
    MAX_FIELD_CHARS,
    MAX_GRAMS,
    MAX_LINE_CHARS,
    MAX_QUANTITY,
    CsvFileError,
    FulfillmentRow,
    OrderLineRecord,
    OrderRecord,
    ProductRecord,
    RowError,
    ShipTo,
    Source,
    gtin_is_valid,
    read_all,
)
from wms_tui.adapters.shopify.fulfillments_csv import FULFILLMENT_COLUMNS, write_fulfillments_csv
from wms_tui.adapters.shopify.orders_csv import parse_orders
from wms_tui.adapters.shopify.products_csv import parse_products

__all__ = [
    "FULFILLMENT_COLUMNS",
    "MAX_FIELD_CHARS",
    "MAX_GRAMS",
    "MAX_LINE_CHARS",
    "MAX_QUANTITY",
    "CsvFileError",
    "FulfillmentRow",
    "OrderLineRecord",
    "OrderRecord",
    "ProductRecord",
    "RowError",
    "ShipTo",
    "Source",
    "gtin_is_valid",
    "parse_orders",
    "parse_products",
    "read_all",
    "write_fulfillments_csv",
]
