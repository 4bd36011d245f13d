"""Reading a warehouse's master data files: one parser per file, no database.

The files are the demo's (``wms_tui/demo_data/``), so a team can start from a copy of
them: ``warehouse.csv``, ``locations.csv``, ``stations.csv``,
``operators.csv``, ``carriers.csv``, ``services.csv`` and ``cartons.csv``,
each optional. UTF-8 (a BOM is fine), a header row, comma or semicolon
separated (a spreadsheet in Sweden saves semicolons); ``;`` separates the
roles of an operator.

Each file is checked on its own here: columns, values, duplicate keys, and
characters a label or a scanner cannot take. References between files and to
the store (a service's carrier, a station's location) and the changes a row
would make are checked by :mod:`wms_tui.services.setup.master_data`. Every problem is
a :class:`SetupProblem` saying file, row and column; rows are numbered as a
spreadsheet shows them (the header is row 1).

A column left out of a file leaves that field of existing rows as it is (and
gives new rows the default); an empty cell means the default.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wms_tui.adapters.setup_cells import Bad, char_name
from wms_tui.adapters.setup_specs import SETUP_FILES, SPECS, Column, FileSpec
from wms_tui.domain.errors import DomainError
from wms_tui.domain.text import invisible_problem, plural

MAX_FILE_BYTES = 50 << 20


@dataclass(frozen=True)
class SetupProblem:
    file: str
    row: int  # 0: the file as a whole
    column: str
    reason: str

    def __str__(self) -> str:
        where = self.file + (f", row {self.row}" if self.row else "")
        return f"{where}{f', {self.column}' if self.column else ''}: {self.reason}"


class SetupRefused(DomainError):
    """The files have problems; nothing was imported."""

    def __init__(self, problems: list[SetupProblem]) -> None:
        self.problems = problems
        more = len(problems) - 1
        super().__init__(
            str(problems[0]) + (f" (and {plural(more, 'more problem')})" if more else "")
        )


@dataclass(frozen=True)
class Record:
    """One row: its number, its key, and the values of the columns the file has."""

    file: str
    row: int
    key: Any
    values: dict[str, Any]

    def problem(self, column: str, reason: str) -> SetupProblem:
        return SetupProblem(self.file, self.row, column, reason)


@dataclass
class SetupFiles:
    """What was read: records per file (valid rows only), and every problem found."""

    records: dict[str, list[Record]] = field(default_factory=dict)
    # Keys named on any row, valid or not: a reference to a row that has its
    # own problem is not reported a second time as "unknown".
    named: dict[str, set[Any]] = field(default_factory=dict)
    problems: list[SetupProblem] = field(default_factory=list)
    not_read: list[str] = field(default_factory=list)  # other CSV files beside them

    def __contains__(self, name: str) -> bool:
        return name in self.records


def _control_char(raw: str) -> str | None:
    for ch in raw:
        if unicodedata.category(ch) == "Cc":
            return char_name(ch)
    return None


def _show_key(key: Any) -> str:
    return " ".join(key) if isinstance(key, tuple) else str(key)


def parse_file(name: str, data: bytes, out: SetupFiles) -> None:
    """Check one file: its valid rows go to ``out.records[name]``, problems to ``out.problems``."""
    spec = SPECS[name]
    records: list[Record] = out.records.setdefault(name, [])
    named: set[Any] = out.named.setdefault(name, set())

    def problem(row: int, column: str, reason: str) -> None:
        out.problems.append(SetupProblem(name, row, column, reason))

    try:
        content = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        row = data[: exc.start].count(b"\n") + 1
        problem(row, "", "not UTF-8 text (save the file as CSV UTF-8)")
        return
    if not content.strip():
        problem(0, "", "the file is empty; it needs a header row")
        return
    first_line = content.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(content, newline=""), delimiter=delimiter)
    try:
        header = [h.strip().lower() for h in next(reader)]
    except csv.Error as exc:
        problem(1, "", f"unreadable CSV: {exc}")
        return
    columns: list[Column | None] = []
    header_ok = True
    for i, h in enumerate(header):
        col = spec.column(h)
        if h and col is None:
            known = ", ".join(c.name for c in spec.columns)
            problem(1, h, f"unknown column (the columns are {known})")
            header_ok = False
        elif h and h in header[:i]:
            problem(1, h, "the column is in the header twice")
            header_ok = False
        columns.append(col)
    for c in spec.columns:
        if c.required and c.name not in header:
            problem(1, c.name, "missing column")
            header_ok = False
    if not header_ok:
        return

    first_row: dict[Any, int] = {}
    data_rows = 0
    while True:
        row = reader.line_num + 1  # where the record starts, as a spreadsheet counts
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problem(row, "", f"unreadable CSV: {exc}")
            break
        if not any(c.strip() for c in cells):
            continue
        data_rows += 1
        if len(cells) > len(header) and any(c.strip() for c in cells[len(header) :]):
            problem(row, "", f"{len(cells)} cells, the header has {len(header)}")
            continue
        values: dict[str, Any] = {}
        ok = True
        cells = cells[: len(header)] + [""] * (len(header) - len(cells))
        for col, raw in zip(columns, cells, strict=True):
            if col is None:
                continue
            raw = raw.strip()
            bad = _control_char(raw)
            try:
                if bad:
                    raise Bad(f"contains the control character {bad}")
                value = col.value(raw)  # a code says first that a scanner cannot type it
                # A bidi control in a name or address: the API's and the shop's rule too.
                if why := invisible_problem(raw):
                    raise Bad(why)
                values[col.name] = value
            except Bad as exc:
                problem(row, col.name, str(exc))
                ok = False
        key_cells = [values.get(c) for c in _key_columns(spec)]
        if all(isinstance(k, str) and k for k in key_cells):
            key = spec.key(values)
            named.add(key)
            if key in first_row:
                problem(
                    row,
                    spec.key_column,
                    f"{_show_key(key)} is already on row {first_row[key]}",
                )
                ok = False
            else:
                first_row[key] = row
        if spec.one_row and data_rows > 1:
            problem(row, "", "a store holds one warehouse: give one row")
            ok = False
        if ok:
            records.append(Record(name, row, spec.key(values), values))


def _key_columns(spec: FileSpec) -> tuple[str, ...]:
    return ("carrier", "code") if spec.name == "services.csv" else (spec.key_column,)


def read_setup(paths: Iterable[Path]) -> SetupFiles:
    """Read the setup files in ``paths`` (folders, or the files themselves)."""
    out = SetupFiles()
    found: dict[str, Path] = {}
    for path in paths:
        if path.is_dir():
            candidates = sorted(p for p in path.iterdir() if p.is_file())
        elif path.is_file():
            candidates = [path]
        else:
            out.problems.append(SetupProblem(str(path), 0, "", "no such folder or file"))
            continue
        for p in candidates:
            name = p.name.lower()
            if name not in SPECS:
                if not path.is_dir():
                    out.problems.append(
                        SetupProblem(p.name, 0, "", f"not a setup file ({', '.join(SETUP_FILES)})")
                    )
                elif name.endswith(".csv"):
                    out.not_read.append(p.name)
                continue
            if name in found:
                out.problems.append(
                    SetupProblem(name, 0, "", f"given twice ({found[name]} and {p})")
                )
                continue
            found[name] = p
    for name in SETUP_FILES:
        p = found.get(name)
        if p is None:
            continue
        try:
            if p.stat().st_size > MAX_FILE_BYTES:
                raise Bad(f"larger than {MAX_FILE_BYTES >> 20} MB: is it the right file?")
            data = p.read_bytes()
        except OSError as exc:
            out.problems.append(SetupProblem(name, 0, "", f"cannot read it: {exc.strerror or exc}"))
            continue
        except Bad as exc:
            out.problems.append(SetupProblem(name, 0, "", str(exc)))
            continue
        parse_file(name, data, out)
    if not found and not out.problems:
        out.problems.append(
            SetupProblem(
                ", ".join(str(p) for p in paths) or ".",
                0,
                "",
                f"none of the setup files ({', '.join(SETUP_FILES)})",
            )
        )
    return out
