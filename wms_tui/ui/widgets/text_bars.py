"""Bar charts drawn in text: one row per value, the number always beside it.

A bar is whole blocks plus an eighth-block for the rest, so 40 columns show
320 steps; a value above zero always shows at least a sliver, and zero shows
nothing (an empty chart is drawn empty, never as a row of minimum bars).
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len, set_cell_size
from rich.text import Text

_PARTS = " ▏▎▍▌▋▊▉"


def bar(value: float, top: float, width: int) -> str:
    """A bar of at most ``width`` cells for ``value`` on a scale up to ``top``."""
    if width <= 0 or top <= 0 or value <= 0:
        return ""
    eighths = max(1, round(8 * width * min(value, top) / top))
    full, part = divmod(eighths, 8)
    return "█" * full + (_PARTS[part] if part else "")


def bar_rows(
    rows: Sequence[tuple[str, float, str]], width: int, *, style: str = "", empty: str = "none"
) -> Text:
    """``label ███▌ number`` rows; labels and numbers padded so the bars line up.

    ``rows`` are (label, value, number as shown). The bar gets what the label
    and number leave of ``width``.
    """
    out = Text()
    if not rows:
        out.append(empty, style="dim")
        return out
    # Cells, not characters: a Hangul name is twice as wide as its length.
    label_w = min(max(cell_len(r[0]) for r in rows), max(4, width // 2))
    num_w = max(cell_len(r[2]) for r in rows)
    bar_w = max(1, width - label_w - num_w - 2)
    top = max((r[1] for r in rows), default=0)
    for i, (label, value, shown) in enumerate(rows):
        if i:
            out.append("\n")
        out.append(set_cell_size(label, label_w) + " ")
        drawn = bar(value, top, bar_w)
        out.append(drawn, style=style)
        out.append(" " * (bar_w - len(drawn)) + " " + " " * (num_w - cell_len(shown)) + shown)
    return out
