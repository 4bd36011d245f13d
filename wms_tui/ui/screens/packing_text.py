"""The pack screen's text: order lines in fixed columns, the key list.

Each order line is its own one-row Static rather than a DataTable row: after a
scan only the rows that changed are redrawn, and a DataTable costs more to
redraw than the scan itself (bench/bench_pack_scan.py). Columns are measured
in terminal cells, so Hangul (two cells a character) lines up with Latin text.
"""

from __future__ import annotations

from rich.cells import cell_len, set_cell_size
from rich.text import Text

from wms_tui.domain.text import option_values
from wms_tui.services.packing.view import LineView

KEYS = (
    ("F1", "keys"),
    ("F2", "count"),
    ("F3", "undo"),
    ("F4", "QC fail"),
    ("F5", "carton"),
    ("F6", "weight"),
    ("F7", "checklist"),
    ("F8", "new parcel"),
    ("F9", "close"),
    ("F10", "reprint"),
    ("F11", "supervisor"),
    ("F12", "park"),
)

# Columns of the order lines: (title, cells, right-aligned).
WIDE_LINES = (
    ("", 1, False),
    ("#", 3, True),
    ("SKU", 15, False),
    ("Item", 23, False),
    ("Options", 16, False),
    ("Packed", 8, True),
)
NARROW_LINES = (("", 1, False), ("#", 2, True), ("SKU", 18, False), ("Packed", 9, True))


def fit(value: str, width: int, right: bool = False) -> str:
    """``value`` in exactly ``width`` cells (Hangul is two), cut with … when too long."""
    if cell_len(value) > width:
        value = set_cell_size(value, width - 1) + "…"
    pad = " " * (width - cell_len(value))
    return pad + value if right else value + pad


def columns_row(values: list[str], cols) -> Text:  # noqa: ANN001
    return Text(" ".join(fit(v, w, right) for v, (_, w, right) in zip(values, cols, strict=True)))


def line_text(ln: LineView, cols, wide: bool, current: bool) -> Text:  # noqa: ANN001
    """One order line in its columns; done lines green, the line just scanned reversed."""
    packed = f"{ln.packed}/{ln.need}" + (f" −{ln.short}" if ln.short else "")
    values = [ln.symbol, str(ln.line_no), ln.sku]
    if wide:
        values += [ln.name, option_values(ln.options)]
    values.append(packed)
    line = columns_row(values, cols)
    if ln.symbol == "✓":
        line.stylize("bold green")
    elif ln.symbol == "–":
        line.stylize("dim")
    if current:
        line.stylize("reverse")
    return line


def rows_needed(text: str | Text, width: int) -> int:
    """Screen rows ``text`` takes when wrapped at ``width`` cells."""
    plain = text.plain if isinstance(text, Text) else text
    return sum(max(1, -(-cell_len(line) // width)) for line in plain.split("\n"))


def hang(text: str, width: int) -> str:
    """Wrap each line at ``width`` cells, continuation rows indented under its
    first word after any bullet or symbol ("• ", "   ⚖ "), so a wrapped line
    never starts at the panel's edge as if it were a new item."""
    out: list[str] = []
    for line in text.split("\n"):
        if cell_len(line) <= width:
            out.append(line)
            continue
        body = line.lstrip(" ")
        lead = len(line) - len(body)
        first, _, rest = body.partition(" ")
        indent = lead + (cell_len(first) + 1 if cell_len(first) <= 2 else 0)
        row, rows = line[: lead + len(first)], []
        for word in rest.split(" "):
            if cell_len(row) + 1 + cell_len(word) <= width or cell_len(row) <= indent:
                row = f"{row} {word}"
            else:
                rows.append(row)
                row = " " * indent + word
        rows.append(row)
        out.extend(rows)
    return "\n".join(out)


def keys_text() -> str:
    half = (len(KEYS) + 1) // 2
    rows = []
    for left, right in zip(KEYS[:half], KEYS[half:] + (("", ""),), strict=False):
        rows.append(f"{left[0]:<4}{left[1]:<14}{right[0]:<4}{right[1]}")
    return "\n".join(rows)
