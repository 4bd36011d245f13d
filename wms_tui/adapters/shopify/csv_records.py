"""What the Shopify CSV readers yield: records, row errors, the file-level error and limits.

See ``csv_format`` for the row-number and error contract these carry.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import IO, TypeVar

MAX_FIELD_CHARS = 1 << 20
# Physical lines are read with this cap so a corrupt multi-GB "line" is skipped in chunks instead
# of being loaded whole; it is above MAX_FIELD_CHARS so a single huge field is still reported as
# the more helpful "field longer than 1 MiB".
MAX_LINE_CHARS = 4 << 20
MAX_QUANTITY = 10_000
MAX_GRAMS = 1_000_000


Source = str | os.PathLike[str] | IO[str] | IO[bytes]
"""A filesystem path, or an open text or binary stream (never CSV content as a string)."""


# --------------------------------------------------------------------------------------------
# Public records
# --------------------------------------------------------------------------------------------


class CsvFileError(ValueError):
    """The file as a whole cannot be imported; ``message`` is meant for the operator."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True, slots=True)
class RowError:
    row: int
    column: str
    reason: str
    # Order name or SKU this error invalidates; see the module docstring.
    key: str = ""

    def __str__(self) -> str:
        where = f"row {self.row}" + (f", {self.column}" if self.column else "")
        return f"{where}: {self.reason}"


@dataclass(frozen=True, slots=True)
class ProductRecord:
    row: int
    sku: str
    name: str
    title: str
    options: dict[str, str]
    grams: int | None
    barcode: str | None
    handle: str

    @property
    def key(self) -> str:
        return self.sku


@dataclass(frozen=True, slots=True)
class ShipTo:
    name: str
    company: str
    address1: str
    address2: str
    city: str
    zip: str
    province: str
    country: str
    phone: str


@dataclass(frozen=True, slots=True)
class OrderLineRecord:
    row: int
    sku: str
    name: str
    quantity: int
    price: Decimal
    requires_shipping: bool = True


_GIFT_KEYS = frozenset({"giftmessage", "giftnote", "giftmsg"})
_NON_ALNUM = re.compile(r"[\W_]+")


@dataclass(frozen=True, slots=True)
class OrderRecord:
    row: int
    name: str
    email: str
    phone: str
    financial_status: str
    fulfillment_status: str
    shipping_method: str
    created_at: datetime
    cancelled_at: datetime | None
    notes: str
    note_attributes: dict[str, str]
    tags: list[str]
    ship_to: ShipTo
    source: str
    lines: list[OrderLineRecord] = field(default_factory=list)

    @property
    def key(self) -> str:
        return self.name

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    @property
    def requires_shipping(self) -> bool:
        return any(line.requires_shipping for line in self.lines)

    @property
    def gift_message(self) -> str | None:
        # Shops name this attribute freely ("gift_message", "Gift message", "gift-note"), so
        # compare keys with case, spaces and punctuation removed.
        for key, value in self.note_attributes.items():
            if value and _NON_ALNUM.sub("", key.casefold()) in _GIFT_KEYS:
                return value
        return None


@dataclass(frozen=True, slots=True)
class FulfillmentRow:
    """One line item of a dispatched order, as written by ``write_fulfillments_csv``."""

    name: str
    sku: str
    quantity: int
    tracking_company: str = ""
    shipping_service: str = ""
    tracking_numbers: Sequence[str] = ()
    shipped_at: datetime | None = None
    fulfillment_status: str = "fulfilled"


# --------------------------------------------------------------------------------------------
# GTIN
# --------------------------------------------------------------------------------------------


def gtin_is_valid(code: str) -> bool:
    """True for a GTIN-8, UPC-A (12), EAN-13 or GTIN-14 with a correct mod-10 check digit."""
    # isascii() guard: str.isdigit() also accepts e.g. Arabic-Indic or superscript digits.
    if len(code) not in (8, 12, 13, 14) or not (code.isascii() and code.isdigit()):
        return False
    digits = [ord(c) - 48 for c in code]
    # Weights run 3,1,3,1... leftwards from the digit next to the check digit, for every length.
    total = sum(d * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(digits[:-1])))
    return (10 - total % 10) % 10 == digits[-1]


# --------------------------------------------------------------------------------------------
# Convenience
# --------------------------------------------------------------------------------------------

_T = TypeVar("_T", ProductRecord, OrderRecord)


def read_all(items: Iterable[_T | RowError]) -> tuple[list[_T], list[RowError]]:
    """Drain a parser into (records, errors), e.g. ``read_all(parse_orders(path))``.

    Records whose key (order name / SKU) is named by any error are dropped, including ones
    yielded before that error was found.
    """
    records: list[_T] = []
    errors: list[RowError] = []
    for item in items:
        if isinstance(item, RowError):
            errors.append(item)
        else:
            records.append(item)
    invalid = {error.key for error in errors if error.key}
    if invalid:
        records = [record for record in records if record.key not in invalid]
    return records, errors
