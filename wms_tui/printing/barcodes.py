"""Vector Code 128 and GS1-128 barcodes drawn straight into a reportlab canvas.

The symbol is encoded here (shortest codeword sequence over code sets B and C, found by
dynamic programming) and every bar is a filled PDF rectangle, so printers rasterise the bars
at their own resolution instead of scaling a bitmap. The same encoding plan also produces the
ZPL field data (see :func:`zpl_code128_field`), so a PDF label and a ZPL label of the same data
carry identical bars.

Dimensions are in PDF points. Label barcodes use an X-dimension that is a whole number of
203 dpi printer dots (see :data:`DOT_203`): bars that fall between dots print with uneven
widths on thermal printers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from reportlab.pdfgen.canvas import Canvas

from wms_tui.domain.identifiers.sscc import validate_sscc
from wms_tui.printing import fonts

MM = 72 / 25.4
DOT_203 = 72 / 203
#: Preferred X-dimension for shipping labels: 4 dots at 203 dpi = 0.5005 mm.
LABEL_X_DIM = 4 * DOT_203
#: Quiet zone each side, in modules, as Code 128 requires.
QUIET_ZONE_MODULES = 10

#: Function code 1 in Code 128 data; at the start it makes the symbol GS1-128, inside a GS1
#: element string it terminates a variable-length field.
FNC1 = "\xf1"

CodeSet = Literal["B", "C"]

_START = {"B": 104, "C": 105}
_SWITCH_TO = {"B": 100, "C": 99}
_FNC1_VALUE = 102
_STOP = 106

# Bar/space widths in modules for values 0-106 (ISO/IEC 15417 table 1); even positions are
# bars, odd positions spaces; the stop pattern has a final 2-module bar.
_PATTERNS = (
    "212222", "222122", "222221", "121223", "121322", "131222", "122213", "122312",
    "132212", "221213", "221312", "231212", "112232", "122132", "122231", "113222",
    "123122", "123221", "223211", "221132", "221231", "213212", "223112", "312131",
    "311222", "321122", "321221", "312212", "322112", "322211", "212123", "212321",
    "232121", "111323", "131123", "131321", "112313", "132113", "132311", "211313",
    "231113", "231311", "112133", "112331", "132131", "113123", "113321", "133121",
    "313121", "211331", "231131", "213113", "213311", "213131", "311123", "311321",
    "331121", "312113", "312311", "332111", "314111", "221411", "431111", "111224",
    "111422", "121124", "121421", "141122", "141221", "112214", "112412", "122114",
    "122411", "142112", "142211", "241211", "221114", "413111", "241112", "134111",
    "111242", "121142", "121241", "114212", "124112", "124211", "411212", "421112",
    "421211", "212141", "214121", "412121", "111143", "111341", "131141", "114113",
    "114311", "411113", "411311", "113141", "114131", "311141", "411131", "211412",
    "211214", "211232", "2331112",
)  # fmt: skip

# GS1 application identifiers with a predefined length (GS1 General Specifications 7.8.5):
# these need no FNC1 separator after them. Anything else is variable-length.
_GS1_FIXED_LENGTH = {
    "00": 18, "01": 14, "02": 14, "03": 14, "04": 16, "11": 6, "12": 6, "13": 6,
    "14": 6, "15": 6, "16": 6, "17": 6, "18": 6, "19": 6, "20": 2, "31": 6, "32": 6,
    "33": 6, "34": 6, "35": 6, "36": 6, "41": 13,
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Segment:
    """A run of data encoded in one code set. ``items`` are single characters or FNC1 (set
    B) and digit pairs or FNC1 (set C)."""

    code_set: CodeSet
    items: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class BarcodeGeometry:
    """Where a drawn barcode ended up, in points.

    Attributes:
        x: Left edge of the first bar.
        y: Bottom edge of the bars.
        width: Width of the bars, first bar to last bar.
        height: Bar height.
        x_dim: Narrowest bar width.
        quiet_zone: Clear space kept left and right of the bars.
        total_width: ``width`` plus both quiet zones.
        bottom: Lowest point of the whole symbol including its human-readable line.
    """

    x: float
    y: float
    width: float
    height: float
    x_dim: float
    quiet_zone: float
    total_width: float
    bottom: float


def _check_data(data: str) -> None:
    if not data:
        raise ValueError("barcode data must not be empty")
    for char in data:
        if char != FNC1 and not 32 <= ord(char) <= 126:
            raise ValueError(
                f"Code 128 data may only contain printable ASCII, got {char!r} in {data!r}"
            )


def _is_digit(char: str) -> bool:
    return "0" <= char <= "9"


@lru_cache(maxsize=4096)
def plan_code128(data: str) -> tuple[Segment, ...]:
    """Split ``data`` into code-set segments giving the fewest codewords.

    Set B encodes any printable ASCII one character per codeword, set C two digits per
    codeword, and switching costs one codeword. A small dynamic programme over (position,
    current set) finds the optimum, which for GS1 data means staying in set C throughout.
    """
    _check_data(data)
    n = len(data)
    inf = float("inf")
    sets: tuple[CodeSet, ...] = ("B", "C")
    cost: list[dict[str, float]] = [{"B": inf, "C": inf} for _ in range(n + 1)]
    # back[i][s] = (previous position, previous set, how we got here)
    back: list[dict[str, tuple[int, str, str]]] = [{} for _ in range(n + 1)]
    for code_set in sets:
        cost[0][code_set] = 1
        back[0][code_set] = (-1, "", "start")
    for i in range(n + 1):
        b_cost, c_cost = cost[i]["B"], cost[i]["C"]
        if c_cost + 1 < b_cost:
            cost[i]["B"] = c_cost + 1
            back[i]["B"] = (i, "C", "switch")
        elif b_cost + 1 < c_cost:
            cost[i]["C"] = b_cost + 1
            back[i]["C"] = (i, "B", "switch")
        if i == n:
            break
        char = data[i]
        if cost[i]["B"] + 1 < cost[i + 1]["B"]:
            cost[i + 1]["B"] = cost[i]["B"] + 1
            back[i + 1]["B"] = (i, "B", "item")
        # Set C takes FNC1 on its own or a pair of digits; anything else it cannot encode.
        if char == FNC1:
            step = 1
        elif i + 1 < n and _is_digit(char) and _is_digit(data[i + 1]):
            step = 2
        else:
            step = 0
        if step and cost[i]["C"] + 1 < cost[i + step]["C"]:
            cost[i + step]["C"] = cost[i]["C"] + 1
            back[i + step]["C"] = (i, "C", "item")

    end_set: str = min(sets, key=lambda s: cost[n][s])
    # Walk back collecting (set, item) pairs; a "switch" step just changes set.
    steps: list[tuple[str, str]] = []
    position, code_set = n, end_set
    while True:
        prev_pos, prev_set, how = back[position][code_set]
        if how == "start":
            break
        if how == "item":
            steps.append((prev_set, data[prev_pos:position]))
        position, code_set = prev_pos, prev_set
    steps.reverse()

    segments: list[Segment] = []
    current_set: str = code_set  # the start set
    items: list[str] = []
    for step_set, item in steps:
        if step_set != current_set:
            segments.append(Segment(current_set, tuple(items)))  # type: ignore[arg-type]
            current_set, items = step_set, []
        items.append(item)
    segments.append(Segment(current_set, tuple(items)))  # type: ignore[arg-type]
    return tuple(segment for segment in segments if segment.items) or (segments[-1],)


def _item_value(code_set: str, item: str) -> int:
    if item == FNC1:
        return _FNC1_VALUE
    if code_set == "C":
        return int(item)
    return ord(item) - 32


@lru_cache(maxsize=4096)
def code128_values(data: str) -> tuple[int, ...]:
    """Codeword values: start, data (with set switches), check, stop."""
    segments = plan_code128(data)
    values = [_START[segments[0].code_set]]
    for index, segment in enumerate(segments):
        if index:
            values.append(_SWITCH_TO[segment.code_set])
        values.extend(_item_value(segment.code_set, item) for item in segment.items)
    checksum = values[0] + sum(position * value for position, value in enumerate(values[1:], 1))
    values.append(checksum % 103)
    values.append(_STOP)
    return tuple(values)


@lru_cache(maxsize=4096)
def code128_modules(data: str) -> tuple[int, ...]:
    """Alternating bar/space widths in modules, starting and ending with a bar."""
    return tuple(int(width) for value in code128_values(data) for width in _PATTERNS[value])


def code128_module_count(data: str) -> int:
    return sum(code128_modules(data))


def symbol_width(data: str, x_dim: float, quiet_zone_modules: int = QUIET_ZONE_MODULES) -> float:
    """Width in points of the bars plus both quiet zones."""
    return (code128_module_count(data) + 2 * quiet_zone_modules) * x_dim


def fit_x_dim(
    data: str,
    max_width: float,
    *,
    preferred: float = LABEL_X_DIM,
    minimum: float = 2 * DOT_203,
    grid: float | None = DOT_203,
    quiet_zone_modules: int = QUIET_ZONE_MODULES,
) -> float:
    """The widest X-dimension <= ``preferred`` whose symbol (with quiet zones) fits.

    With ``grid`` the result is a whole multiple of it, i.e. whole printer dots. Raises
    ``ValueError`` when even ``minimum`` does not fit: a barcode squeezed narrower than that
    will not scan, and failing loudly beats printing an unreadable label.
    """
    modules = code128_module_count(data) + 2 * quiet_zone_modules
    x_dim = min(preferred, max_width / modules)
    if grid:
        x_dim = int(x_dim / grid + 1e-9) * grid
    if x_dim < minimum - 1e-9:
        raise ValueError(
            f"barcode {data!r} needs {modules} modules; at the minimum X-dimension of "
            f"{minimum / MM:.3f} mm that is {modules * minimum / MM:.1f} mm, "
            f"but only {max_width / MM:.1f} mm is available"
        )
    return x_dim


def draw_bars(
    canvas: Canvas, x: float, y: float, modules: Sequence[int], x_dim: float, height: float
) -> float:
    """Fill the bars described by ``modules`` (bar, space, bar, ...) starting at ``x``.

    All bars become one path of ``re`` operators filled once: the same vector output as one
    ``canvas.rect`` per bar, with a fraction of the Python overhead. Returns the bar width.
    """
    widths = {width: f"{width * x_dim:.4f}" for width in set(modules[::2])}
    tail = f" {y:.4f} "
    body = f" {height:.4f} re"
    ops = ["q 0 g"]
    position = 0
    for index, width in enumerate(modules):
        if not index & 1:
            ops.append(f"{x + position * x_dim:.4f}{tail}{widths[width]}{body}")
        position += width
    ops.append("f Q")
    canvas.addLiteral("\n".join(ops))
    return position * x_dim


def draw_code128(
    canvas: Canvas,
    x: float,
    y: float,
    data: str,
    *,
    x_dim: float,
    bar_height: float,
    hri: str | None = None,
    hri_size: float = 9.0,
    hri_gap: float = 1.5,
    anchor: Literal["start", "middle"] = "start",
    quiet_zone_modules: int = QUIET_ZONE_MODULES,
    grid: float | None = None,
) -> BarcodeGeometry:
    """Draw a Code 128 symbol (GS1-128 when ``data`` starts with :data:`FNC1`).

    ``x`` is the left edge of the left quiet zone (``anchor="start"``) or the centre of the
    symbol (``"middle"``); ``y`` is the bottom of the whole block, i.e. of the human-readable
    line when ``hri`` is given, otherwise of the bars. With ``grid`` the first bar starts on a
    whole multiple of it (printer dot) so every bar edge falls on a dot boundary.
    """
    modules = code128_modules(data)
    bars_width = sum(modules) * x_dim
    quiet = quiet_zone_modules * x_dim
    total_width = bars_width + 2 * quiet
    left = x - total_width / 2 if anchor == "middle" else x
    bar_x = left + quiet
    if grid:
        bar_x = round(bar_x / grid) * grid
    bar_y = y + (hri_size + hri_gap if hri else 0.0)
    draw_bars(canvas, bar_x, bar_y, modules, x_dim, bar_height)
    if hri:
        size = fonts.fit_size(hri, total_width, hri_size, hri_size * 0.6)
        fonts.draw_text(
            canvas, bar_x + bars_width / 2, y + hri_size * 0.22, hri, size, anchor="middle"
        )
    return BarcodeGeometry(
        x=bar_x,
        y=bar_y,
        width=bars_width,
        height=bar_height,
        x_dim=x_dim,
        quiet_zone=quiet,
        total_width=total_width,
        bottom=y,
    )


def gs1_element_string(elements: Sequence[tuple[str, str]]) -> str:
    """Code 128 data for GS1 ``(AI, value)`` pairs: leading FNC1, FNC1 after variable fields.

    ``[("00", sscc)]`` gives ``FNC1 + "00" + sscc``. Fixed-length values are length-checked
    and an SSCC's check digit is verified, since a wrong SSCC on a pallet is worse than none.
    """
    if not elements:
        raise ValueError("a GS1-128 symbol needs at least one element")
    parts = [FNC1]
    for index, (ai, value) in enumerate(elements):
        if not (2 <= len(ai) <= 4 and ai.isascii() and ai.isdigit()):
            raise ValueError(f"GS1 application identifier must be 2-4 digits, got {ai!r}")
        if not value or FNC1 in value:
            raise ValueError(f"GS1 value for AI ({ai}) must be non-empty, got {value!r}")
        fixed = _GS1_FIXED_LENGTH.get(ai[:2])
        if fixed is not None and len(value) != fixed:
            raise ValueError(f"AI ({ai}) takes exactly {fixed} characters, got {value!r}")
        if ai == "00":
            validate_sscc(value)
        parts.append(ai + value)
        if fixed is None and index < len(elements) - 1:
            parts.append(FNC1)
    return "".join(parts)


def gs1_hri(elements: Sequence[tuple[str, str]]) -> str:
    """GS1 human-readable form, AIs in brackets: ``(00)306141411234567891``."""
    return "".join(f"({ai}){value}" for ai, value in elements)


def sscc_data(sscc: str) -> str:
    """GS1-128 data for an SSCC-18 with application identifier (00)."""
    return gs1_element_string([("00", sscc)])


def zpl_code128_field(data: str) -> str:
    """``^FD`` content for ``^BC`` in mode N reproducing exactly the segments we draw.

    ZPL's Code 128 invocation codes: ``>:`` start in set B, ``>;`` start in set C, ``>6``
    switch to B, ``>5`` switch to C, ``>8`` FNC1, and ``><`` for a literal ``>``. Spelling the
    sets out means the printer does not re-plan the symbol, so PDF and ZPL bars match.
    """
    starts = {"B": ">:", "C": ">;"}
    switches = {"B": ">6", "C": ">5"}
    out: list[str] = []
    for index, segment in enumerate(plan_code128(data)):
        out.append(switches[segment.code_set] if index else starts[segment.code_set])
        for item in segment.items:
            if item == FNC1:
                out.append(">8")
            elif item == ">":
                out.append("><")
            else:
                out.append(item)
    return "".join(out)
