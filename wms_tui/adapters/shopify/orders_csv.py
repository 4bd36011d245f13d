"""Shopify's orders export CSV into ``OrderRecord``s (an order spans several rows)."""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation

from wms_tui.adapters.shopify.csv_reading import (
    Header,
    Row,
    clean,
    first_invisible,
    open_rows,
    short,
    started,
    unquote,
)
from wms_tui.adapters.shopify.csv_records import (
    MAX_QUANTITY,
    OrderLineRecord,
    OrderRecord,
    RowError,
    ShipTo,
    Source,
)
from wms_tui.adapters.shopify.order_columns import (
    FALSE,
    INTEGER,
    ORDER_LEVEL,
    ORDER_OPTIONAL,
    ORDER_REQUIRED,
    SHIP_TO_REQUIRED,
    TRUE,
    parse_datetime,
    parse_note_attributes,
)
from wms_tui.domain.countries import is_country

# --------------------------------------------------------------------------------------------
# Orders
# --------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Order:
    name: str
    row: int
    fields: list[str]
    lines: list[OrderLineRecord] = field(default_factory=list)
    sku_rows: dict[str, int] = field(default_factory=dict)
    ok: bool = True
    # Rows are read but not validated: a non-consecutive repeat, or a first row whose columns
    # don't line up. An error explaining why has already been yielded.
    skip: bool = False
    # Row of an unreadable record that might have been one of this order's lines.
    tainted_by: int = 0
    created_at: datetime | None = None
    cancelled_at: datetime | None = None


def parse_orders(
    source: Source, known_skus: Callable[[str], bool] | None = None
) -> Generator[OrderRecord | RowError, None, None]:
    """Yield one OrderRecord per order (consecutive rows with the same Name), or RowErrors.

    ``known_skus`` (e.g. a database lookup) is asked once per distinct SKU of lines that
    require shipping; a False answer gives "unknown SKU X". Lines that do not require shipping
    (gift cards, digital goods, tips) are kept with ``requires_shipping=False``, may lack a SKU
    and are not checked against ``known_skus``, since the warehouse never picks them.
    Raises CsvFileError for file-level problems before yielding anything.
    """
    return started(_parse_orders(source, known_skus))


def _parse_orders(
    source: Source, known_skus: Callable[[str], bool] | None
) -> Generator[OrderRecord | RowError | None, None, None]:
    header, rows, release = open_rows(
        source, ORDER_REQUIRED, ORDER_OPTIONAL, ("products", ("Handle", "Variant SKU"))
    )
    try:
        yield None
        yield from _order_stream(header, rows, known_skus)
    finally:
        release()


def _order_stream(
    header: Header,
    rows: Iterator[Row | RowError],
    known_skus: Callable[[str], bool] | None,
) -> Iterator[OrderRecord | RowError]:
    ix = header.index
    i_name = ix["Name"]
    i_qty, i_line_name, i_price = ix["Lineitem quantity"], ix["Lineitem name"], ix["Lineitem price"]
    i_sku, i_ship = ix["Lineitem sku"], ix["Lineitem requires shipping"]
    level = [(name, ix[name]) for name in ORDER_LEVEL if ix[name] < header.width]
    sku_known: dict[str, bool] = {}
    seen: dict[str, int] = {}
    current: _Order | None = None

    # Row of an unreadable record just seen: it may be the first line of whichever order
    # starts next, so that order is tainted too.
    pending_taint = 0

    for item in rows:
        if isinstance(item, RowError):
            yield item
            # Can't tell whose row it was; never ship an order that may be missing a line.
            if current is not None and not current.tainted_by:
                current.tainted_by = item.row
            pending_taint = item.row
            continue
        row, fields = item
        bad_width = header.check_width(row, fields)
        name = clean(fields[i_name]) if i_name < len(fields) else ""
        if not name:
            if bad_width is None:
                yield RowError(row, "Name", "missing order Name")
            else:
                yield bad_width
            if current is not None and not current.tainted_by:
                current.tainted_by = row
            pending_taint = row
            continue
        if bad_width is not None:
            bad_width = RowError(bad_width.row, bad_width.column, bad_width.reason, key=name)

        if current is None or name != current.name:
            if current is not None:
                yield from _finish(current, ix)
            previous = current.name if current is not None else ""
            if name in seen:
                yield RowError(
                    row,
                    "Name",
                    f"rows of {name} are not consecutive: it starts on row {seen[name]} and "
                    f"appears again here after {previous}",
                    key=name,
                )
                current = _Order(name, row, fields, ok=False, skip=True)
            else:
                seen[name] = row
                current = _Order(name, row, fields, tainted_by=pending_taint)
                if bad_width is not None:
                    # Its order-level values may sit in the wrong columns: checking them, or
                    # later rows against them, would only produce misleading errors.
                    current.ok, current.skip = False, True
                else:
                    yield from _start(current, ix)
            pending_taint = 0
            if bad_width is not None:
                yield bad_width
            if current.skip:
                continue
        else:
            pending_taint = 0
            if bad_width is not None:
                current.ok = False
                yield bad_width
                continue
            if current.skip:
                continue
            first = current.fields
            for column, i in level:
                value = fields[i]
                if value and value != first[i]:
                    later, earlier = clean(value), clean(first[i])
                    if later and later != earlier:
                        current.ok = False
                        yield RowError(
                            row,
                            column,
                            f"{column} '{short(later)}' conflicts with '{short(earlier)}' on "
                            f"row {current.row}, the first row of {name}",
                            key=name,
                        )

        if invisible := first_invisible(fields, ix):
            # The API's rule too (domain/text.py): a bidi control in a name or street
            # prints a label that reads otherwise than the order.
            current.ok = False
            yield RowError(row, invisible[0], invisible[1], key=name)

        # The line item on this row.
        ok = True
        raw_ship = fields[i_ship].strip().casefold()
        requires_shipping = raw_ship not in FALSE
        if raw_ship and raw_ship not in TRUE and raw_ship not in FALSE:
            ok = False
            yield RowError(
                row,
                "Lineitem requires shipping",
                f"'{short(raw_ship)}' is not true or false",
                key=name,
            )
        line_name = clean(fields[i_line_name])
        sku = clean(fields[i_sku])
        if not sku:
            if requires_shipping:
                ok = False
                yield RowError(
                    row, "Lineitem sku", f"missing SKU (line '{short(line_name)}')", key=name
                )
        elif sku in current.sku_rows:
            ok = False
            yield RowError(
                row,
                "Lineitem sku",
                f"duplicate line for SKU {sku} in {name} (rows {current.sku_rows[sku]} and {row})",
                key=name,
            )
        else:
            current.sku_rows[sku] = row
            if known_skus is not None and requires_shipping:
                known = sku_known.get(sku)
                if known is None:
                    known = sku_known[sku] = bool(known_skus(sku))
                if not known:
                    ok = False
                    yield RowError(row, "Lineitem sku", f"unknown SKU {sku}", key=name)

        raw_qty = fields[i_qty].strip()
        quantity = 0
        if not INTEGER.fullmatch(raw_qty):
            ok = False
            reason = (
                f"quantity '{short(raw_qty)}' is not a whole number"
                if raw_qty
                else "missing quantity"
            )
            yield RowError(row, "Lineitem quantity", reason, key=name)
        else:
            # Length first: int() refuses strings over 4300 digits, and a 1 MiB "quantity"
            # must become a row error, not a crash.
            negative = raw_qty.startswith("-")
            if len(raw_qty.lstrip("+-").lstrip("0")) > 9:
                quantity = -1 if negative else MAX_QUANTITY + 1
            else:
                quantity = int(raw_qty)
            if quantity < 1:
                ok = False
                yield RowError(
                    row,
                    "Lineitem quantity",
                    f"quantity must be at least 1, not {short(raw_qty)}",
                    key=name,
                )
            elif quantity > MAX_QUANTITY:
                ok = False
                yield RowError(
                    row,
                    "Lineitem quantity",
                    f"quantity {short(raw_qty)} is implausibly large (over {MAX_QUANTITY:,})",
                    key=name,
                )

        raw_price = fields[i_price].strip()
        price = Decimal(0)
        try:
            price = Decimal(raw_price)
            if not price.is_finite() or price < 0:
                raise InvalidOperation
        except InvalidOperation:
            ok = False
            reason = (
                f"price '{short(raw_price)}' is not a valid amount"
                if raw_price
                else "missing price"
            )
            yield RowError(row, "Lineitem price", reason, key=name)

        if ok:
            current.lines.append(
                OrderLineRecord(row, sku, line_name, quantity, price, requires_shipping)
            )
        else:
            current.ok = False

    if current is not None:
        yield from _finish(current, ix)


def _start(order: _Order, ix: dict[str, int]) -> Iterator[RowError]:
    """Validate the order-level fields on an order's first row."""
    fields, row, name = order.fields, order.row, order.name
    raw = fields[ix["Created at"]].strip()
    order.created_at = parse_datetime(raw)
    if order.created_at is None:
        order.ok = False
        reason = (
            f"'{short(raw)}' is not a date-time like '2024-03-05 14:02:11 +0100'"
            if raw
            else f"missing Created at for {name}"
        )
        yield RowError(row, "Created at", reason, key=name)
    raw = fields[ix["Cancelled at"]].strip()
    if raw:
        order.cancelled_at = parse_datetime(raw)
        if order.cancelled_at is None:
            order.ok = False
            yield RowError(
                row,
                "Cancelled at",
                f"'{short(raw)}' is not a date-time like '2024-03-05 14:02:11 +0100'",
                key=name,
            )
    country = fields[ix["Shipping Country"]].strip()
    if country and not is_country(country):
        order.ok = False
        yield RowError(
            row,
            "Shipping Country",
            f"'{short(country)}' is not an ISO 3166-1 country code like SE",
            key=name,
        )


def _finish(order: _Order, ix: dict[str, int]) -> Iterator[OrderRecord | RowError]:
    if order.skip:
        return
    fields, name = order.fields, order.name
    if order.tainted_by:
        # Its first row may be the unreadable one, so other complaints would mislead.
        yield RowError(
            order.row,
            "Name",
            f"{name} skipped: row {order.tainted_by} could not be read and may be one of its lines",
            key=name,
        )
        return
    cancelled = order.cancelled_at is not None
    if not cancelled and any(line.requires_shipping for line in order.lines):
        for column in SHIP_TO_REQUIRED:
            if not fields[ix[column]].strip():
                order.ok = False
                yield RowError(order.row, column, f"missing ship-to {column} for {name}", key=name)
    if not order.ok or order.created_at is None:
        return

    def col(column: str) -> str:
        return clean(fields[ix[column]])

    yield OrderRecord(
        row=order.row,
        name=name,
        email=col("Email"),
        phone=unquote(col("Phone")),
        financial_status=col("Financial Status"),
        fulfillment_status=col("Fulfillment Status"),
        shipping_method=col("Shipping Method"),
        created_at=order.created_at,
        cancelled_at=order.cancelled_at,
        notes=col("Notes"),
        note_attributes=parse_note_attributes(col("Note Attributes")),
        tags=[t for t in (tag.strip() for tag in col("Tags").split(",")) if t],
        ship_to=ShipTo(
            name=col("Shipping Name"),
            company=col("Shipping Company"),
            address1=col("Shipping Address1"),
            address2=col("Shipping Address2"),
            city=col("Shipping City"),
            zip=unquote(col("Shipping Zip")),
            province=col("Shipping Province"),
            country=col("Shipping Country").upper(),
            phone=unquote(col("Shipping Phone")),
        ),
        source=col("Source"),
        lines=order.lines,
    )
