"""Shopify's products export CSV into ``ProductRecord``s."""

from __future__ import annotations

import re
from collections.abc import Generator
from dataclasses import dataclass
from decimal import Decimal
from typing import cast

from wms_tui.adapters.shopify.csv_reading import (
    clean,
    first_invisible,
    open_rows,
    short,
    started,
    unquote,
)
from wms_tui.adapters.shopify.csv_records import (
    MAX_GRAMS,
    ProductRecord,
    RowError,
    Source,
    gtin_is_valid,
)

# --------------------------------------------------------------------------------------------
# Products
# --------------------------------------------------------------------------------------------

_P_REQUIRED = (
    "Handle",
    "Title",
    "Option1 Name",
    "Option1 Value",
    "Variant SKU",
    "Variant Grams",
    "Variant Barcode",
)
_P_OPTIONAL = (
    "Option2 Name",
    "Option2 Value",
    "Option3 Name",
    "Option3 Value",
    "Variant Price",
    "Variant Inventory Qty",
)
_DECIMAL = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
_SCIENTIFIC = re.compile(r"\d+(?:[.,]\d+)?[eE]\+?\d+")


def parse_products(source: Source) -> Generator[ProductRecord | RowError, None, None]:
    """Yield one ProductRecord per variant row of a Shopify products export, or RowErrors.

    Title and option names come from the first row of each Handle; a Handle's rows need not
    be consecutive. Image-only rows (a Handle and image columns, no variant fields) are
    skipped. A SKU seen twice is an error on the later row keyed by that SKU, so the earlier,
    already-yielded record is invalid too. Raises CsvFileError for file-level problems before
    yielding anything.
    """
    return started(_parse_products(source))


@dataclass(slots=True)
class _Product:
    row: int
    title: str
    option_names: tuple[str, str, str]
    ok: bool


def _parse_products(
    source: Source,
) -> Generator[ProductRecord | RowError | None, None, None]:
    header, rows, release = open_rows(
        source, _P_REQUIRED, _P_OPTIONAL, ("orders", ("Name", "Lineitem sku"))
    )
    try:
        yield None
        ix = header.index
        i_handle, i_title, i_sku = ix["Handle"], ix["Title"], ix["Variant SKU"]
        i_grams, i_barcode = ix["Variant Grams"], ix["Variant Barcode"]
        i_opt_names = (ix["Option1 Name"], ix["Option2 Name"], ix["Option3 Name"])
        i_opt_values = (ix["Option1 Value"], ix["Option2 Value"], ix["Option3 Value"])
        variant_markers = (
            i_sku,
            i_grams,
            i_barcode,
            ix["Variant Price"],
            ix["Variant Inventory Qty"],
            *i_opt_values,
        )
        products: dict[str, _Product] = {}
        sku_rows: dict[str, int] = {}

        for item in rows:
            if isinstance(item, RowError):
                yield item
                continue
            row, fields = item
            if bad_width := header.check_width(row, fields):
                yield bad_width
                continue
            handle = clean(fields[i_handle])
            title = clean(fields[i_title])
            if not handle:
                yield RowError(row, "Handle", "missing Handle")
                continue
            product = products.get(handle)
            if product is None:
                names = tuple(clean(fields[i]) for i in i_opt_names)
                # Its title and option names are in every variant's name on the slip.
                hidden = first_invisible(fields, {"Title": i_title, **_names(ix, "Name")})
                product = _Product(
                    row, title, cast(tuple[str, str, str], names), bool(title) and not hidden
                )
                products[handle] = product
                if not title:
                    yield RowError(
                        row,
                        "Title",
                        f"missing Title on the first row of product '{handle}' "
                        "(its variants are skipped)",
                    )
                elif hidden:
                    yield RowError(
                        row, hidden[0], f"{hidden[1]} (the variants of '{handle}' are skipped)"
                    )
            elif title and title != product.title and product.ok:
                yield RowError(
                    row,
                    "Title",
                    f"Title '{short(title)}' differs from '{short(product.title)}' "
                    f"on row {product.row} for product '{handle}'",
                )
            if not any(fields[i].strip() for i in variant_markers):
                continue  # image-only row
            if not product.ok:
                continue

            errors: list[RowError] = []
            sku = clean(fields[i_sku])
            if hidden := first_invisible(fields, {"Variant SKU": i_sku, **_names(ix, "Value")}):
                errors.append(RowError(row, hidden[0], hidden[1], key=sku))
            if not sku:
                errors.append(
                    RowError(row, "Variant SKU", f"missing SKU for a variant of '{handle}'")
                )
            elif sku in sku_rows:
                errors.append(
                    RowError(
                        row,
                        "Variant SKU",
                        f"duplicate SKU {sku} (rows {sku_rows[sku]} and {row})",
                        key=sku,
                    )
                )
            else:
                sku_rows[sku] = row

            options: dict[str, str] = {}
            for n, (name, i_value) in enumerate(
                zip(product.option_names, i_opt_values, strict=True)
            ):
                value = clean(fields[i_value])
                if not value:
                    continue
                if not name:
                    errors.append(
                        RowError(
                            row,
                            f"Option{n + 1} Value",
                            f"value '{short(value)}' but product '{handle}' has no "
                            f"Option{n + 1} Name",
                            key=sku,
                        )
                    )
                elif not (name == "Title" and value == "Default Title"):
                    # Shopify's placeholder option for products without variants.
                    options[name] = value

            grams: int | None = None
            raw_grams = fields[i_grams].strip()
            if raw_grams:
                if not _DECIMAL.fullmatch(raw_grams):
                    errors.append(
                        RowError(
                            row,
                            "Variant Grams",
                            f"weight '{short(raw_grams)}' is not a number",
                            key=sku,
                        )
                    )
                elif (weight := Decimal(raw_grams)) < 0:
                    errors.append(
                        RowError(row, "Variant Grams", f"weight {raw_grams} is negative", key=sku)
                    )
                elif weight > MAX_GRAMS:
                    # Keeps absurd values (a pasted barcode, a 1 MiB number) out of int columns.
                    errors.append(
                        RowError(
                            row,
                            "Variant Grams",
                            f"weight {short(raw_grams)} g is implausibly large "
                            f"(over {MAX_GRAMS:,} g)",
                            key=sku,
                        )
                    )
                else:
                    grams = int(weight.to_integral_value())

            barcode = unquote(fields[i_barcode].strip()) or None
            if barcode is not None and not gtin_is_valid(barcode):
                errors.append(RowError(row, "Variant Barcode", _barcode_reason(barcode), key=sku))

            if errors:
                yield from errors
                continue
            name = product.title
            if options:
                name = f"{name} - {' / '.join(options.values())}"
            yield ProductRecord(row, sku, name, product.title, options, grams, barcode, handle)
    finally:
        release()


def _names(ix: dict[str, int], part: str) -> dict[str, int]:
    """The three option columns' ``part`` ("Name" or "Value") by column name."""
    return {f"Option{n} {part}": ix[f"Option{n} {part}"] for n in (1, 2, 3)}


def _barcode_reason(barcode: str) -> str:
    shown = short(barcode)
    if _SCIENTIFIC.fullmatch(barcode):
        return (
            f"barcode '{shown}' was turned into scientific notation by a spreadsheet; "
            "re-export it with the column formatted as text"
        )
    if not (barcode.isascii() and barcode.isdigit()):
        return f"barcode '{shown}' must contain digits only"
    if len(barcode) not in (8, 12, 13, 14):
        return f"barcode '{shown}' has {len(barcode)} digits; a GTIN has 8, 12, 13 or 14"
    return f"barcode '{shown}' has a wrong check digit"
