"""The columns of Shopify's orders export and how its order-level cells read: which
columns must be there, which are filled on an order's first row only, its dates
(any offset), booleans and note attributes. ``orders_csv`` turns the rows into orders."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

ORDER_REQUIRED = (
    "Name",
    "Financial Status",
    "Fulfillment Status",
    "Created at",
    "Lineitem quantity",
    "Lineitem name",
    "Lineitem price",
    "Lineitem sku",
    "Lineitem requires shipping",
    "Shipping Name",
    "Shipping Address1",
    "Shipping City",
    "Shipping Zip",
    "Shipping Country",
    "Notes",
    "Note Attributes",
    "Cancelled at",
)
ORDER_OPTIONAL = (
    "Email",
    "Phone",
    "Shipping Method",
    "Shipping Company",
    "Shipping Address2",
    "Shipping Province",
    "Shipping Phone",
    "Tags",
    "Source",
)
# Order-level columns: Shopify fills them on an order's first row; later rows are blank or
# repeat the same value (Email and Created at are repeated).
ORDER_LEVEL = (
    "Email",
    "Phone",
    "Financial Status",
    "Fulfillment Status",
    "Shipping Method",
    "Created at",
    "Cancelled at",
    "Notes",
    "Note Attributes",
    "Tags",
    "Source",
    "Shipping Name",
    "Shipping Company",
    "Shipping Address1",
    "Shipping Address2",
    "Shipping City",
    "Shipping Zip",
    "Shipping Province",
    "Shipping Country",
    "Shipping Phone",
)
SHIP_TO_REQUIRED = ("Shipping Name", "Shipping Address1", "Shipping City", "Shipping Country")

_DATETIME = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6})\d*)?)?"
    r" ?(?:(Z)|([+-])(\d{2}):?(\d{2}))"
)
INTEGER = re.compile(r"[+-]?\d+")
TRUE = frozenset({"true", "yes", "1", "y", "t"})
FALSE = frozenset({"false", "no", "0", "n", "f"})
_ZONES: dict[int, timezone] = {}


def parse_datetime(value: str) -> datetime | None:
    """Shopify's "2024-03-05 14:02:11 +0100" (or ISO 8601) as an aware datetime, else None."""
    m = _DATETIME.fullmatch(value)
    if m is None:
        return None
    year, month, day, hour, minute, second, frac, zulu, sign, off_h, off_m = m.groups()
    offset = 0 if zulu else (int(off_h) * 60 + int(off_m)) * (-1 if sign == "-" else 1)
    zone = _ZONES.get(offset)
    if zone is None:
        zone = _ZONES[offset] = timezone(timedelta(minutes=offset))
    try:
        return datetime(
            int(year),
            int(month),
            int(day),
            int(hour),
            int(minute),
            int(second or 0),
            int((frac or "0").ljust(6, "0")),
            tzinfo=zone,
        )
    except ValueError:
        return None


def parse_note_attributes(text: str) -> dict[str, str]:
    """Shopify writes note attributes as "key: value" lines.

    A line without a colon continues the previous value (a gift message with a line break);
    text before the first key is kept under "".
    """
    attributes: dict[str, str] = {}
    last: str | None = None
    for line in text.splitlines():
        key, colon, value = line.partition(":")
        key = key.strip()
        if colon and key:
            last = key
            attributes[key] = value.strip()
        elif line.strip():
            if last is None:
                last = ""
                attributes[""] = line.strip()
            else:
                attributes[last] = f"{attributes[last]}\n{line.strip()}".strip("\n")
    return attributes
