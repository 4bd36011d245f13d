"""The ship-to block of a courier label: the address as large as it fits.

The name is what the courier reads at the door: it keeps its size longest, the
other lines shrink first and street lines are cut before it goes small. Every
line is measured in the fonts the printer draws it in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from wms_tui.printing import fonts
from wms_tui.printing.documents import LabelData
from wms_tui.printing.surface import Surface

SHIP_TO_MAX = 24.0
SHIP_TO_MIN = 7.0
#: The size the ship-to name keeps when a long address does not fit beside it: the street
#: lines shrink to SHIP_TO_MIN, then are cut, before the name goes below this.
SHIP_TO_NAME_MIN = 14.0


@dataclass(frozen=True, slots=True)
class Line:
    text: str
    size: float
    bold: bool


def _ship_to_lines(
    data: LabelData,
    scale: float,
    width: float,
    name_size: float | None = None,
    cut_streets: bool = False,
) -> tuple[list[Line], bool]:
    """Address lines for the ship-to block at base size ``scale``, wrapped to ``width``.

    ``name_size`` gives the name its own size; ``cut_streets`` keeps each street line to one
    printed line (cut with "…"), the last step before the name itself would have to shrink.
    Also says whether a bold line (name, town, country) had to wrap: a broken town line is
    harder to sort by than a slightly smaller one.
    """
    to = data.ship_to
    wanted: list[tuple[str, float, bool, bool]] = [(to.name, name_size or scale, True, False)]
    wanted += [(line, scale * 0.8, False, cut_streets) for line in to.street_lines()]
    wanted += [(line.upper(), scale, True, False) for line in to.locality_lines()]
    if to.country_code != data.ship_from.country_code:
        wanted.append((to.country_name, scale * 0.85, True, False))
    out: list[Line] = []
    bold_wrapped = False
    for text, size, bold, cut in wanted:
        if not text.strip():
            continue
        if cut:
            parts = [fonts.ellipsize(" ".join(text.split()), size, width, bold)]
        else:
            parts = fonts.wrap_text(text, size, width, bold)
        bold_wrapped |= bold and len(parts) > 1
        out += [Line(part, size, bold) for part in parts]
    return out, bold_wrapped


def _block_height(lines: Sequence[Line]) -> float:
    return sum(line.size * 1.18 for line in lines)


def fit_ship_to(data: LabelData, width: float, height: float) -> list[Line]:
    """The biggest ship-to text that fits, the name never below SHIP_TO_NAME_MIN if it can be.

    A short address is drawn at one size (``_fit_uniform``). When that would take the name
    below SHIP_TO_NAME_MIN (a seven-line Korean address on A6), the name keeps that size and
    the other lines shrink, then the street lines are cut to one line each: the name is
    what the courier reads at the door, the postcode is also printed large by the routing
    barcode.
    """
    lines = _fit_uniform(data, width, height)
    if not lines or lines[0].size >= SHIP_TO_NAME_MIN:
        return lines

    def tried(scale: float, name_size: float, cut: bool) -> list[Line] | None:
        out, _ = _ship_to_lines(data, scale, width, name_size, cut)
        return out if _block_height(out) <= height else None

    # The largest name for which the rest fits at all (smallest, street lines cut if need
    # be); then the rest as large as it fits beside that name.
    name_size = SHIP_TO_NAME_MIN
    while name_size > lines[0].size:
        for cut in (False, True):
            if tried(SHIP_TO_MIN, name_size, cut) is None:
                continue
            scale = name_size
            while (found := tried(scale, name_size, cut)) is None:
                scale -= 0.5
            return found
        name_size -= 0.5
    return lines


def _fit_uniform(data: LabelData, width: float, height: float) -> list[Line]:
    """The biggest ship-to text that fits with every line at one base size.

    Sizes where a bold line (name, town) does not wrap are preferred, but only down to 80 %
    of the largest size that fits at all: tiny unwrapped text is worse than a wrapped name.
    """
    fallback: list[Line] | None = None
    fallback_scale = 0.0
    unit_lines, _ = _ship_to_lines(data, 1.0, float("inf"))
    upper = height / max(_block_height(unit_lines), 1e-6)
    scale = max(SHIP_TO_MIN, min(SHIP_TO_MAX, float(int(upper))))
    while True:
        lines, bold_wrapped = _ship_to_lines(data, scale, width)
        fits = _block_height(lines) <= height
        if fits and fallback is None:
            fallback, fallback_scale = lines, scale
        if fits and not bold_wrapped:
            return lines
        if scale <= SHIP_TO_MIN or (fallback is not None and scale <= fallback_scale * 0.8):
            break
        scale = max(SHIP_TO_MIN, scale - 1.0)
    if fallback is not None:
        return fallback
    # Even the smallest size is too tall: keep what fits and mark the cut, never overflow.
    while lines and _block_height(lines) > height:
        lines.pop()
        if lines:
            last = lines[-1]
            lines[-1] = Line(
                fonts.ellipsize(last.text + " …", last.size, width, last.bold), last.size, last.bold
            )
    return lines


def draw_lines(
    surface: Surface, x: float, top: float, lines: Sequence[Line], width: float
) -> float:
    y = top
    for line in lines:
        y -= line.size * 1.18
        text = fonts.ellipsize(line.text, line.size, width, line.bold)
        surface.text(x, y + line.size * 0.22, text, line.size, line.bold)
    return y
