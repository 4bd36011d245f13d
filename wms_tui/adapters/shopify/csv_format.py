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
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
import tempfile
import unicodedata
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation
from typing import IO, Any, TypeVar, cast

from wms_tui.adapters.csv_safety import safe_writer

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

MAX_FIELD_CHARS = 1 << 20
# Physical lines are read with this cap so a corrupt multi-GB "line" is skipped in chunks instead
# of being loaded whole; it is above MAX_FIELD_CHARS so a single huge field is still reported as
# the more helpful "field longer than 1 MiB".
MAX_LINE_CHARS = 4 << 20
MAX_QUANTITY = 10_000
MAX_GRAMS = 1_000_000

_PRESCAN_CHUNK = 1 << 20
_DRAIN_CHUNK = 1 << 16

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
# Reading: bytes -> lines -> records
# --------------------------------------------------------------------------------------------

_MAGIC_HINTS = (
    (b"PK\x03\x04", "it looks like an Excel .xlsx workbook or a zip archive"),
    (b"\xd0\xcf\x11\xe0", "it looks like an old Excel .xls workbook"),
    (b"\xff\xfe", "it looks like UTF-16 text (Excel 'Unicode Text')"),
    (b"\xfe\xff", "it looks like UTF-16 text"),
)


def _not_utf8(offset: int, head: bytes) -> CsvFileError:
    message = f"not a UTF-8 text CSV (byte {offset})"
    for magic, hint in _MAGIC_HINTS:
        if head.startswith(magic):
            return CsvFileError(f"{message}: {hint}; export it as 'CSV UTF-8'")
    return CsvFileError(message)


def _prescan(fb: IO[bytes]) -> None:
    """Reject binary / non-UTF-8 input before anything is yielded.

    A separate pass costs one fast sequential read, and it means an import never gets halfway
    through the orders before discovering a corrupt tail. Offsets are 0-based, as hex viewers
    show them.
    """
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset = 0
    head = b""
    while chunk := fb.read(_PRESCAN_CHUNK):
        if not head:
            head = chunk[:8]
        nul = chunk.find(b"\x00")
        pending = len(decoder.getstate()[0])
        try:
            decoder.decode(chunk if nul < 0 else chunk[:nul])
        except UnicodeDecodeError as exc:
            # exc.start is relative to the decoder's buffered tail + this chunk.
            raise _not_utf8(offset - pending + exc.start, head) from None
        if nul >= 0:
            raise _not_utf8(offset + nul, head)
        offset += len(chunk)
    if offset == 0:
        raise CsvFileError("file is empty")
    pending = len(decoder.getstate()[0])
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError as exc:
        raise _not_utf8(offset - pending + exc.start, head) from None


def _open(source: Source) -> tuple[IO[str], Callable[[], Any]]:
    """A text stream with newline='' semantics (csv needs them) plus how to let go of it."""
    if isinstance(source, str | os.PathLike):
        with open(source, "rb") as fb:
            _prescan(fb)
        stream = open(source, encoding="utf-8-sig", newline="")  # noqa: SIM115 - closed by caller
        return stream, stream.close
    probe = source.read(0)
    if isinstance(probe, str):
        return cast(IO[str], source), lambda: None
    binary = cast(IO[bytes], source)
    if binary.seekable():
        start = binary.tell()
        _prescan(binary)
        binary.seek(start)
    wrapper = io.TextIOWrapper(cast(Any, binary), encoding="utf-8-sig", newline="")
    # detach() rather than close(): the caller owns the binary stream.
    return wrapper, wrapper.detach


class _LineTooLong(Exception):
    pass


class _Lines:
    """Physical lines for csv.reader, each at most MAX_LINE_CHARS long.

    Raising from __next__ (rather than a generator) lets csv.reader surface the problem for one
    record and keep reading afterwards.
    """

    __slots__ = ("_readline", "_skip_lf")

    def __init__(self, stream: IO[str]) -> None:
        self._readline = stream.readline
        self._skip_lf = False

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        try:
            line = self._readline(MAX_LINE_CHARS + 1)
            if self._skip_lf:
                # The \n of a \r\n pair that was split by the length cap.
                self._skip_lf = False
                if line == "\n":
                    line = self._readline(MAX_LINE_CHARS + 1)
        except UnicodeDecodeError as exc:
            # Only reachable for non-seekable streams, which cannot be prescanned.
            raise CsvFileError(f"not a UTF-8 text CSV ({exc.reason})") from None
        if not line:
            raise StopIteration
        if len(line) > MAX_LINE_CHARS:
            if line[-1] == "\r":
                self._skip_lf = True
            elif line[-1] != "\n":
                self._drain()
                raise _LineTooLong
        if "\x00" in line:
            # Prescanned sources never get here; text streams are checked as they go.
            raise CsvFileError("not a UTF-8 text CSV (contains NUL bytes)")
        return line

    def _drain(self) -> None:
        while chunk := self._readline(_DRAIN_CHUNK):
            if chunk[-1] == "\n":
                return
            if chunk[-1] == "\r":
                self._skip_lf = True
                return


def _csv_reason(exc: csv.Error) -> str:
    text = str(exc)
    if "field limit" in text:
        return f"field longer than {MAX_FIELD_CHARS >> 20} MiB (check for an unclosed quote)"
    if "unexpected end of data" in text:
        return "unbalanced quotes: a quoted field starting on this row is never closed"
    return f"malformed CSV quoting ({text})"


_Row = tuple[int, list[str]]


def _rows(stream: IO[str]) -> Iterator[_Row | RowError]:
    """(spreadsheet row, fields) for every non-blank record, or a RowError for unreadable ones."""
    reader = csv.reader(_Lines(stream), strict=True)
    row = 0
    while True:
        # csv.field_size_limit is process-wide: hold our bound only while parsing, so other CSV
        # code in the process keeps whatever limit it relies on.
        previous = csv.field_size_limit(MAX_FIELD_CHARS)
        problem = ""
        try:
            fields = next(reader, None)
        except _LineTooLong:
            fields, problem = [], f"line longer than {MAX_LINE_CHARS >> 20} MiB"
        except csv.Error as exc:
            fields, problem = [], _csv_reason(exc)
        finally:
            csv.field_size_limit(previous)
        if fields is None:
            return
        row += 1
        if problem:
            yield RowError(row, "", problem)
        elif fields and (fields[0].strip() or "".join(fields).strip()):
            yield row, fields


_DELIMITERS = ((";", "semicolon"), ("\t", "tab"), ("|", "pipe"))


class _Header:
    """Column positions, resolved case-insensitively; absent optional columns read as ""."""

    def __init__(
        self,
        fields: list[str],
        required: Sequence[str],
        optional: Sequence[str],
        other_kind: tuple[str, Sequence[str]],
    ) -> None:
        fields = list(fields)
        fields[0] = fields[0].lstrip("\ufeff")  # text streams opened without utf-8-sig
        positions: dict[str, int] = {}
        for i, name in enumerate(fields):
            positions.setdefault(name.strip().casefold(), i)
        missing = [name for name in required if name.casefold() not in positions]
        if missing:
            raise CsvFileError(_explain_missing(fields, required, missing, other_kind))
        for name in (*required, *optional):
            folded = name.casefold()
            if folded in positions and sum(f.strip().casefold() == folded for f in fields) > 1:
                raise CsvFileError(f"column '{name}' appears more than once in the header")
        self.width = len(fields)
        # Absent optional columns point one past the end; rows get "" appended there.
        self.index = {name: positions.get(name.casefold(), self.width) for name in required}
        self.index.update({name: positions.get(name.casefold(), self.width) for name in optional})

    def check_width(self, row: int, fields: list[str]) -> RowError | None:
        """Pad the row for absent optional columns, or explain why its columns don't line up."""
        n = len(fields)
        # Strict even about extra empty fields: a stray comma usually leaves the shifted-off
        # last columns empty, so that would hide exactly the corruption this check is for.
        if n != self.width:
            return RowError(
                row,
                "",
                f"row has {n} fields but the header has {self.width}: a comma is missing or "
                "extra (unquoted), so its values would land in the wrong columns",
            )
        fields.append("")
        return None


def _explain_missing(
    fields: list[str],
    required: Sequence[str],
    missing: list[str],
    other_kind: tuple[str, Sequence[str]],
) -> str:
    raw = ",".join(fields)
    for delimiter, label in _DELIMITERS:
        names = {part.strip().strip('"').casefold() for part in raw.split(delimiter)}
        if sum(name.casefold() in names for name in required) >= max(1, len(required) // 2):
            return (
                f"file is {label}-delimited, not comma-separated; export it again as a "
                "comma-separated CSV (e.g. Excel 'CSV UTF-8')"
            )
    kind, markers = other_kind
    present = {f.strip().casefold() for f in fields}
    if all(marker.casefold() in present for marker in markers):
        return f"this is a Shopify {kind} export; missing required columns: {', '.join(missing)}"
    return f"missing required columns: {', '.join(missing)}"


def _open_rows(
    source: Source,
    required: Sequence[str],
    optional: Sequence[str],
    other_kind: tuple[str, Sequence[str]],
) -> tuple[_Header, Iterator[_Row | RowError], Callable[[], Any]]:
    stream, release = _open(source)
    try:
        rows = _rows(stream)
        for item in rows:
            if isinstance(item, RowError):
                raise CsvFileError(f"cannot read the header row: {item.reason}")
            header = _Header(item[1], required, optional, other_kind)
            return header, rows, release
        raise CsvFileError("file is empty")
    except BaseException:
        release()
        raise


def _clean(value: str) -> str:
    value = value.strip()
    # NFC so "Ö" typed on a Mac (O + combining diaeresis) matches everywhere else.
    if not value.isascii():
        value = unicodedata.normalize("NFC", value)
    return value


def _unquote(value: str) -> str:
    # Spreadsheets and exports prefix zip codes, phones and barcodes with ' to keep leading
    # zeros; the apostrophe is never part of the value.
    return value[1:].lstrip() if value.startswith("'") else value


def _short(value: str, limit: int = 40) -> str:
    value = value.replace("\r", " ").replace("\n", " ")
    return value if len(value) <= limit else value[: limit - 1] + "…"


_R = TypeVar("_R")


def _started(gen: Generator[_R | None, None, None]) -> Generator[_R, None, None]:
    # Run the generator up to its first (None) yield so file-level CsvFileErrors raise at call
    # time; once started, closing or collecting the generator runs its finally and closes files.
    next(gen)
    return cast(Generator[_R, None, None], gen)


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
    return _started(_parse_products(source))


@dataclass(slots=True)
class _Product:
    row: int
    title: str
    option_names: tuple[str, str, str]
    ok: bool


def _parse_products(
    source: Source,
) -> Generator[ProductRecord | RowError | None, None, None]:
    header, rows, release = _open_rows(
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
            handle = _clean(fields[i_handle])
            title = _clean(fields[i_title])
            if not handle:
                yield RowError(row, "Handle", "missing Handle")
                continue
            product = products.get(handle)
            if product is None:
                names = tuple(_clean(fields[i]) for i in i_opt_names)
                product = _Product(row, title, cast(tuple[str, str, str], names), bool(title))
                products[handle] = product
                if not title:
                    yield RowError(
                        row,
                        "Title",
                        f"missing Title on the first row of product '{handle}' "
                        "(its variants are skipped)",
                    )
            elif title and title != product.title and product.ok:
                yield RowError(
                    row,
                    "Title",
                    f"Title '{_short(title)}' differs from '{_short(product.title)}' "
                    f"on row {product.row} for product '{handle}'",
                )
            if not any(fields[i].strip() for i in variant_markers):
                continue  # image-only row
            if not product.ok:
                continue

            errors: list[RowError] = []
            sku = _clean(fields[i_sku])
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
                value = _clean(fields[i_value])
                if not value:
                    continue
                if not name:
                    errors.append(
                        RowError(
                            row,
                            f"Option{n + 1} Value",
                            f"value '{_short(value)}' but product '{handle}' has no "
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
                            f"weight '{_short(raw_grams)}' is not a number",
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
                            f"weight {_short(raw_grams)} g is implausibly large "
                            f"(over {MAX_GRAMS:,} g)",
                            key=sku,
                        )
                    )
                else:
                    grams = int(weight.to_integral_value())

            barcode = _unquote(fields[i_barcode].strip()) or None
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


def _barcode_reason(barcode: str) -> str:
    shown = _short(barcode)
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


# --------------------------------------------------------------------------------------------
# Orders
# --------------------------------------------------------------------------------------------

_O_REQUIRED = (
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
_O_OPTIONAL = (
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
_ORDER_LEVEL = (
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
_SHIP_TO_REQUIRED = ("Shipping Name", "Shipping Address1", "Shipping City", "Shipping Country")

_DATETIME = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6})\d*)?)?"
    r" ?(?:(Z)|([+-])(\d{2}):?(\d{2}))"
)
_INTEGER = re.compile(r"[+-]?\d+")
_COUNTRY = re.compile(r"[A-Za-z]{2}")
_TRUE = frozenset({"true", "yes", "1", "y", "t"})
_FALSE = frozenset({"false", "no", "0", "n", "f"})
_ZONES: dict[int, timezone] = {}


def _parse_datetime(value: str) -> datetime | None:
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


def _parse_note_attributes(text: str) -> dict[str, str]:
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
    return _started(_parse_orders(source, known_skus))


def _parse_orders(
    source: Source, known_skus: Callable[[str], bool] | None
) -> Generator[OrderRecord | RowError | None, None, None]:
    header, rows, release = _open_rows(
        source, _O_REQUIRED, _O_OPTIONAL, ("products", ("Handle", "Variant SKU"))
    )
    try:
        yield None
        yield from _order_stream(header, rows, known_skus)
    finally:
        release()


def _order_stream(
    header: _Header,
    rows: Iterator[_Row | RowError],
    known_skus: Callable[[str], bool] | None,
) -> Iterator[OrderRecord | RowError]:
    ix = header.index
    i_name = ix["Name"]
    i_qty, i_line_name, i_price = ix["Lineitem quantity"], ix["Lineitem name"], ix["Lineitem price"]
    i_sku, i_ship = ix["Lineitem sku"], ix["Lineitem requires shipping"]
    level = [(name, ix[name]) for name in _ORDER_LEVEL if ix[name] < header.width]
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
        name = _clean(fields[i_name]) if i_name < len(fields) else ""
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
                    later, earlier = _clean(value), _clean(first[i])
                    if later and later != earlier:
                        current.ok = False
                        yield RowError(
                            row,
                            column,
                            f"{column} '{_short(later)}' conflicts with '{_short(earlier)}' on "
                            f"row {current.row}, the first row of {name}",
                            key=name,
                        )

        # The line item on this row.
        ok = True
        raw_ship = fields[i_ship].strip().casefold()
        requires_shipping = raw_ship not in _FALSE
        if raw_ship and raw_ship not in _TRUE and raw_ship not in _FALSE:
            ok = False
            yield RowError(
                row,
                "Lineitem requires shipping",
                f"'{_short(raw_ship)}' is not true or false",
                key=name,
            )
        line_name = _clean(fields[i_line_name])
        sku = _clean(fields[i_sku])
        if not sku:
            if requires_shipping:
                ok = False
                yield RowError(
                    row, "Lineitem sku", f"missing SKU (line '{_short(line_name)}')", key=name
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
        if not _INTEGER.fullmatch(raw_qty):
            ok = False
            reason = (
                f"quantity '{_short(raw_qty)}' is not a whole number"
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
                    f"quantity must be at least 1, not {_short(raw_qty)}",
                    key=name,
                )
            elif quantity > MAX_QUANTITY:
                ok = False
                yield RowError(
                    row,
                    "Lineitem quantity",
                    f"quantity {_short(raw_qty)} is implausibly large (over {MAX_QUANTITY:,})",
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
                f"price '{_short(raw_price)}' is not a valid amount"
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
    order.created_at = _parse_datetime(raw)
    if order.created_at is None:
        order.ok = False
        reason = (
            f"'{_short(raw)}' is not a date-time like '2024-03-05 14:02:11 +0100'"
            if raw
            else f"missing Created at for {name}"
        )
        yield RowError(row, "Created at", reason, key=name)
    raw = fields[ix["Cancelled at"]].strip()
    if raw:
        order.cancelled_at = _parse_datetime(raw)
        if order.cancelled_at is None:
            order.ok = False
            yield RowError(
                row,
                "Cancelled at",
                f"'{_short(raw)}' is not a date-time like '2024-03-05 14:02:11 +0100'",
                key=name,
            )
    country = fields[ix["Shipping Country"]].strip()
    if country and not _COUNTRY.fullmatch(country):
        order.ok = False
        yield RowError(
            row,
            "Shipping Country",
            f"'{_short(country)}' is not a two-letter ISO country code",
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
        for column in _SHIP_TO_REQUIRED:
            if not fields[ix[column]].strip():
                order.ok = False
                yield RowError(order.row, column, f"missing ship-to {column} for {name}", key=name)
    if not order.ok or order.created_at is None:
        return

    def col(column: str) -> str:
        return _clean(fields[ix[column]])

    yield OrderRecord(
        row=order.row,
        name=name,
        email=col("Email"),
        phone=_unquote(col("Phone")),
        financial_status=col("Financial Status"),
        fulfillment_status=col("Fulfillment Status"),
        shipping_method=col("Shipping Method"),
        created_at=order.created_at,
        cancelled_at=order.cancelled_at,
        notes=col("Notes"),
        note_attributes=_parse_note_attributes(col("Note Attributes")),
        tags=[t for t in (tag.strip() for tag in col("Tags").split(",")) if t],
        ship_to=ShipTo(
            name=col("Shipping Name"),
            company=col("Shipping Company"),
            address1=col("Shipping Address1"),
            address2=col("Shipping Address2"),
            city=col("Shipping City"),
            zip=_unquote(col("Shipping Zip")),
            province=col("Shipping Province"),
            country=col("Shipping Country").upper(),
            phone=_unquote(col("Shipping Phone")),
        ),
        source=col("Source"),
        lines=order.lines,
    )


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


# --------------------------------------------------------------------------------------------
# Writing fulfilments
# --------------------------------------------------------------------------------------------

FULFILLMENT_COLUMNS = (
    "Name",
    "Fulfillment Status",
    "Lineitem sku",
    "Lineitem quantity",
    "Tracking Company",
    "Shipping Service",
    "Tracking Number",
    "Shipped At",
)


def _fulfillment_cells(item: FulfillmentRow) -> list[str]:
    if not item.name.strip() or not item.sku.strip():
        raise ValueError(f"fulfilment row needs an order name and a SKU: {item!r}")
    if isinstance(item.quantity, bool) or not isinstance(item.quantity, int) or item.quantity < 1:
        raise ValueError(f"quantity must be a positive integer: {item!r}")
    given = item.tracking_numbers
    # A bare string is one tracking number, not a sequence of one-character numbers.
    numbers = [n.strip() for n in ([given] if isinstance(given, str) else given) if n.strip()]
    if any("," in number for number in numbers):
        # They are joined with ", ", so a comma inside one would split it on the way back.
        raise ValueError(f"tracking number contains a comma: {item!r}")
    shipped = ""
    if item.shipped_at is not None:
        if item.shipped_at.utcoffset() is None:
            raise ValueError(f"shipped_at must be timezone-aware: {item!r}")
        shipped = item.shipped_at.strftime("%Y-%m-%d %H:%M:%S %z")
    return [
        item.name,
        item.fulfillment_status,
        item.sku,
        str(item.quantity),
        item.tracking_company,
        item.shipping_service,
        ", ".join(numbers),
        shipped,
    ]


def write_fulfillments_csv(
    rows: Iterable[FulfillmentRow], path: str | os.PathLike[str] | IO[str], *, bom: bool = True
) -> int:
    """Write dispatched line items as CSV (FULFILLMENT_COLUMNS); returns the rows written.

    Times are written the way Shopify exports them ("2024-03-05 14:02:11 +0100"). With a path,
    the file is written to a temporary name and renamed into place, so a crash or a bad row
    (ValueError) never leaves a half-written file for someone to upload. ``bom`` makes Excel
    read the UTF-8 correctly (Hangul, Å Ä Ö); it is ignored for streams.
    """
    if not isinstance(path, str | os.PathLike):
        return _write_fulfillments(rows, path)
    target = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(target))
    fd, temp = tempfile.mkstemp(prefix=".fulfillments-", suffix=".csv.tmp", dir=directory)
    try:
        with open(fd, "w", encoding="utf-8-sig" if bom else "utf-8", newline="") as out:
            count = _write_fulfillments(rows, out)
        # mkstemp creates 0600; an export is meant to be picked up by other users/tools.
        os.chmod(temp, 0o644)
        os.replace(temp, target)
    except BaseException:
        os.unlink(temp)
        raise
    return count


def _write_fulfillments(rows: Iterable[FulfillmentRow], out: IO[str]) -> int:
    writer = safe_writer(out)
    writer.writerow(FULFILLMENT_COLUMNS)
    count = 0
    for item in rows:
        writer.writerow(_fulfillment_cells(item))
        count += 1
    return count
