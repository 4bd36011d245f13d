"""What an import did (or would do): counts, sample names, notes and row errors.

Plain values only, so the CLI and the TUI render the same thing. Memory stays
bounded however big or broken the file is: every tally keeps a count and the
first few names, and at most ``MAX_KEPT_ERRORS`` errors are kept (the rest are
only counted).
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from wms_tui.adapters.shopify.csv_format import RowError

MAX_KEPT_ERRORS = 1000
MAX_KEPT_NOTES = 500
MAX_SAMPLES = 8

# progress(phase, bytes_done, bytes_total)
Progress = Callable[[str, int, int], None]


@dataclass
class Tally:
    count: int = 0
    names: list[str] = field(default_factory=list)

    def add(self, name: str) -> None:
        self.count += 1
        if len(self.names) < MAX_SAMPLES:
            self.names.append(name)

    def sample(self) -> str:
        if not self.names:
            return ""
        more = self.count - len(self.names)
        return ", ".join(self.names) + (f" … +{more:,}" if more > 0 else "")


@dataclass
class ImportReport:
    path: str
    kind: str  # "orders" | "products"
    dry_run: bool = False
    records: int = 0  # orders or variants read
    lines: int = 0  # order lines read (orders only)
    tallies: dict[str, Tally] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    note_count: int = 0
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    file_error: str = ""
    # Shipping method text -> orders, for texts that matched no carrier service.
    unmatched_methods: Counter[str] = field(default_factory=Counter)
    # Shipping method text -> (service label, orders), for carrier-only guesses.
    guessed_methods: dict[str, tuple[str, int]] = field(default_factory=dict)
    released: dict[str, list[str]] | None = None
    still_due: int = 0  # due orders the import left for the background release

    @property
    def ok(self) -> bool:
        return not self.file_error and self.error_count == 0

    def tally(self, key: str) -> Tally:
        if key not in self.tallies:
            self.tallies[key] = Tally()
        return self.tallies[key]

    def count(self, key: str) -> int:
        tally = self.tallies.get(key)
        return tally.count if tally else 0

    def add_error(self, error: RowError) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_KEPT_ERRORS:
            self.errors.append(error)

    def discard_results(self) -> None:
        """Forget what a rolled-back transaction did; only the errors remain to report."""
        self.records = self.lines = 0
        self.tallies.clear()
        self.notes.clear()
        self.note_count = 0
        self.unmatched_methods.clear()
        self.guessed_methods.clear()
        self.released = None

    def note(self, text: str) -> None:
        self.note_count += 1
        if len(self.notes) < MAX_KEPT_NOTES:
            self.notes.append(text)

    def method_guessed(self, text: str, label: str) -> None:
        _, n = self.guessed_methods.get(text, (label, 0))
        self.guessed_methods[text] = (label, n + 1)


def check_readable(path: str | os.PathLike[str]) -> str:
    """'' if ``path`` is a readable file, else a short reason (without the path)."""
    p = Path(path)
    if not p.exists():
        return "no such file"
    if p.is_dir():
        return "is a folder, not a CSV file"
    try:
        with open(p, "rb"):
            pass
    except OSError as exc:
        return f"cannot open it: {(exc.strerror or str(exc)).lower()}"
    return ""


def tracked(
    path: str | os.PathLike[str],
    parse: Callable[[IO[bytes]], Iterator[Any]],
    progress: Progress | None,
    phase: str,
) -> Iterator[Any]:
    """Run ``parse`` over the open file, reporting bytes read every few hundred items.

    ``parse`` must raise file-level errors (CsvFileError) at call time; they propagate.
    """
    total = os.path.getsize(path)
    with open(path, "rb") as fh:
        items = parse(fh)
        try:
            for n, item in enumerate(items):
                if progress is not None and n % 512 == 0:
                    progress(phase, fh.tell(), total)
                yield item
        finally:
            close = getattr(items, "close", None)
            if close is not None:
                close()
    if progress is not None:
        progress(phase, total, total)
