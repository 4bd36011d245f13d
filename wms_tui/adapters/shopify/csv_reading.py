"""Reading a CSV file as a spreadsheet shows it: encoding, delimiter, header, numbered rows.

Shared by the products and orders readers; streams, so memory stays bounded by
the longest row.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import unicodedata
from collections.abc import Callable, Generator, Iterator, Sequence
from typing import IO, Any, TypeVar, cast

from wms_tui.adapters.shopify.csv_records import (
    MAX_FIELD_CHARS,
    MAX_LINE_CHARS,
    CsvFileError,
    RowError,
    Source,
)
from wms_tui.domain.text import invisible_problem

_PRESCAN_CHUNK = 1 << 20
_DRAIN_CHUNK = 1 << 16


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


Row = tuple[int, list[str]]


def _rows(stream: IO[str]) -> Iterator[Row | RowError]:
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


class Header:
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


def open_rows(
    source: Source,
    required: Sequence[str],
    optional: Sequence[str],
    other_kind: tuple[str, Sequence[str]],
) -> tuple[Header, Iterator[Row | RowError], Callable[[], Any]]:
    stream, release = _open(source)
    try:
        rows = _rows(stream)
        for item in rows:
            if isinstance(item, RowError):
                raise CsvFileError(f"cannot read the header row: {item.reason}")
            header = Header(item[1], required, optional, other_kind)
            return header, rows, release
        raise CsvFileError("file is empty")
    except BaseException:
        release()
        raise


def first_invisible(fields: list[str], columns: dict[str, int]) -> tuple[str, str] | None:
    """The first of ``columns`` (name: position) whose cell in this row holds an
    invisible character (``domain.text``: a bidi control prints a label or slip that
    reads otherwise than the data), and why; None when none does."""
    for column, i in columns.items():
        if i < len(fields) and (why := invisible_problem(fields[i])):
            return column, why
    return None


def clean(value: str) -> str:
    value = value.strip()
    # NFC so "Ö" typed on a Mac (O + combining diaeresis) matches everywhere else.
    if not value.isascii():
        value = unicodedata.normalize("NFC", value)
    return value


def unquote(value: str) -> str:
    # Spreadsheets and exports prefix zip codes, phones and barcodes with ' to keep leading
    # zeros; the apostrophe is never part of the value.
    return value[1:].lstrip() if value.startswith("'") else value


def short(value: str, limit: int = 40) -> str:
    value = value.replace("\r", " ").replace("\n", " ")
    return value if len(value) <= limit else value[: limit - 1] + "…"


_R = TypeVar("_R")


def started(gen: Generator[_R | None, None, None]) -> Generator[_R, None, None]:
    # Run the generator up to its first (None) yield so file-level CsvFileErrors raise at call
    # time; once started, closing or collecting the generator runs its finally and closes files.
    next(gen)
    return cast(Generator[_R, None, None], gen)
