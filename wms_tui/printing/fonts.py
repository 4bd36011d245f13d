"""Fonts for PDF output: registration, per-character fallback, measuring, wrapping.

Two families ship in ``wms_tui/fonts``: DejaVu Sans (Latin, Greek, Cyrillic, Nordic letters)
and NanumGothic (Hangul). NanumGothic lacks Å Ä å, DejaVu lacks Hangul, so every string is
split into runs by which font has the glyph — letters try DejaVu first — and drawn run by run.

Speed matters because labels are printed in bulk: registration happens once, lazily, and the
expensive per-document part of TrueType embedding (building the font subset program, widths
array and ToUnicode map) is memoised by subset content, see
:class:`~wms_tui.printing.font_subsets.CachedTTFont`.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from wms_tui.printing.font_subsets import CachedTTFont

FONT_DIR = Path(__file__).resolve().parent.parent / "fonts"

LATIN = "WmsSans"
LATIN_BOLD = "WmsSans-Bold"
HANGUL = "WmsSansKR"
HANGUL_BOLD = "WmsSansKR-Bold"

Anchor = Literal["start", "middle", "end"]


@dataclass(frozen=True)
class _FaceSpec:
    name: str
    filename: str
    # Pre-assign Latin-1 so subset 0 is identical in every document and its font program can be
    # reused; only worth it for the font that draws most text.
    seed_latin1: bool


_FACES = (
    _FaceSpec(LATIN, "DejaVuSans.ttf", True),
    _FaceSpec(LATIN_BOLD, "DejaVuSans-Bold.ttf", True),
    _FaceSpec(HANGUL, "NanumGothic.ttf", False),
    _FaceSpec(HANGUL_BOLD, "NanumGothicBold.ttf", False),
)
_CHAINS: dict[bool, tuple[str, str]] = {False: (LATIN, HANGUL), True: (LATIN_BOLD, HANGUL_BOLD)}


_lock = threading.Lock()
_registered = False
_cmaps: dict[str, dict[int, int]] = {}
_fonts: dict[str, CachedTTFont] = {}

# Control characters would either draw as boxes or (newline) silently vanish; on a label a
# visible space is the honest rendering of "there was a break here".
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")

# Subset codes are bytes 0-255; PDF string literals need \ ( ) escaped and, to stay 7-bit
# clean like reportlab's output, everything outside printable ASCII as octal.
_PDF_ESCAPE: dict[int, str] = {
    code: ("\\" + chr(code)) if chr(code) in "\\()" else f"\\{code:03o}"
    for code in range(256)
    if chr(code) in "\\()" or not 32 <= code < 127
}


@lru_cache(maxsize=4096)
def _num(value: float) -> str:
    # Remembered: a page repeats its margins, columns, sizes and row positions.
    return f"{value:.2f}".rstrip("0").rstrip(".")


def ensure_fonts() -> None:
    """Register the bundled fonts with reportlab (first call only; thread-safe)."""
    global _registered
    if _registered:
        return
    with _lock:
        if _registered:
            return
        for spec in _FACES:
            path = FONT_DIR / spec.filename
            if not path.is_file():
                raise FileNotFoundError(f"bundled font missing: {path}")
            font = CachedTTFont(spec.name, str(path), spec.seed_latin1)
            pdfmetrics.registerFont(font)
            _cmaps[spec.name] = font.face.charToGlyph
            _fonts[spec.name] = font
        _registered = True


def has_glyph(font_name: str, char: str) -> bool:
    """Whether the bundled font ``font_name`` has a glyph for ``char``."""
    ensure_fonts()
    return ord(char) in _cmaps[font_name]


def clean_text(text: str) -> str:
    """Replace control characters (newlines, tabs, ...) with spaces for single-line drawing."""
    if text.isprintable():  # the usual case, and much cheaper than the regex
        return text
    return _CONTROL_RE.sub(" ", text)


@lru_cache(maxsize=8192)
def font_runs(text: str, bold: bool = False) -> tuple[tuple[str, str], ...]:
    """Split ``text`` into ``(font name, run)`` pieces drawable without missing glyphs.

    Letters go to the first font in the chain that has them (DejaVu, then Nanum). Spaces,
    digits and punctuation stay in the current run's font when it has them, so Korean
    addresses are not chopped into a font switch at every space.
    """
    ensure_fonts()
    chain = _CHAINS[bold]
    primary = chain[0]
    primary_map = _cmaps[primary]
    if text.isascii() or all(ord(char) in primary_map for char in text):
        return ((primary, text),) if text else ()
    runs: list[tuple[str, str]] = []
    current = ""
    start = 0
    for index, char in enumerate(text):
        code = ord(char)
        if current and not char.isalpha() and code in _cmaps[current]:
            continue
        font = next((name for name in chain if code in _cmaps[name]), primary)
        if font != current:
            if current:
                runs.append((current, text[start:index]))
            current, start = font, index
    runs.append((current, text[start:]))
    return tuple(runs)


@lru_cache(maxsize=8192)
def _unit_width(text: str, bold: bool) -> float:
    return sum(pdfmetrics.stringWidth(run, font, 1.0) for font, run in font_runs(text, bold))


def text_width(text: str, size: float, bold: bool = False) -> float:
    """Width in points of ``text`` drawn by :func:`draw_text` at ``size``."""
    return _unit_width(clean_text(text), bold) * size


# Text drawn before in one font's subset 0: (font, its name in the document, text, size)
# -> (width at size 1, the operators after the position). Slips and labels repeat their
# captions, headings and form text on every document.
_DRAWN: dict[tuple[str, str, str, float], tuple[float, str]] = {}
_DRAWN_LIMIT = 8192


def draw_text(
    canvas: Canvas,
    x: float,
    y: float,
    text: str,
    size: float,
    bold: bool = False,
    *,
    anchor: Anchor = "start",
) -> float:
    """Draw one line of ``text`` with its baseline at ``y``; return its width.

    ``anchor`` says whether ``x`` is the start, middle or end of the line.
    """
    text = clean_text(text)
    doc = canvas._doc
    # The subset-0 name of each font this document has drawn with: text of
    # characters already in subset 0 (Latin-1 in a seeded font) is written
    # without splitString's and getSubsetInternalName's bookkeeping, which has
    # nothing to add for it once the font is in the document.
    seeded: dict[str, str] | None = getattr(doc, "_wms_subset0", None)
    if seeded is None:
        seeded = doc._wms_subset0 = {}
    primary = _CHAINS[bold][0]
    name = seeded.get(primary)
    key = (primary, name, text, size) if name is not None else None
    drawn = _DRAWN.get(key) if key is not None else None
    if drawn is None:
        runs = font_runs(text, bold)
        if not runs:
            return 0.0
        unit_width = _unit_width(text, bold)
        # Emit the text operators directly rather than through a reportlab TextObject: the
        # same BT/Tf/Tj/ET sequence reportlab writes, at a third of the cost. splitString and
        # getSubsetInternalName do the per-document subset bookkeeping exactly as TextObject
        # would, so font embedding is unaffected.
        size_text = _num(size)
        ops = []
        identity = 0  # runs written at their own codes: the same in every document
        for font_name, run in runs:
            name = seeded.get(font_name)
            font = _fonts[font_name]
            if name is not None and font._identity_chars.issuperset(run):
                ops.append(f"{name} {size_text} Tf ({run.translate(_PDF_ESCAPE)}) Tj")
                identity += 1
                continue
            for subset, chunk in font.splitString(run, doc):
                name = font.getSubsetInternalName(subset, doc)
                literal = chunk.decode("latin-1").translate(_PDF_ESCAPE)
                ops.append(f"{name} {size_text} Tf ({literal}) Tj")
            if font._identity_chars:
                seeded[font_name] = font.getSubsetInternalName(0, doc)
        tail = " " + " ".join(ops) + " ET"
        if key is not None and len(runs) == 1 and runs[0][0] == primary and identity == 1:
            if len(_DRAWN) >= _DRAWN_LIMIT:
                _DRAWN.clear()
            _DRAWN[key] = (unit_width, tail)
    else:
        unit_width, tail = drawn
    width = unit_width * size
    if anchor == "middle":
        x -= width / 2
    elif anchor == "end":
        x -= width
    canvas.addLiteral(f"BT 1 0 0 1 {_num(x)} {_num(y)} Tm{tail}")
    return width


def _break_long_word(word: str, limit: float, bold: bool) -> list[str]:
    pieces: list[str] = []
    piece, width = "", 0.0
    for char in word:
        char_width = _unit_width(char, bold)
        if piece and width + char_width > limit:
            pieces.append(piece)
            piece, width = char, char_width
        else:
            piece, width = piece + char, width + char_width
    pieces.append(piece)
    return pieces


@lru_cache(maxsize=2)
def _space_width(bold: bool) -> float:
    # The widest space of the chain: a space between Hangul words is drawn by the Korean
    # font, so measuring with the Latin one could let a line overflow by a hair.
    return max(pdfmetrics.stringWidth(" ", name, 1.0) for name in _CHAINS[bold])


def _wrap_paragraph(words: list[str], limit: float, bold: bool) -> list[str]:
    # Widths in units of the font size are additive per character, so a line's width is
    # the sum of its words and spaces: no re-measuring of every candidate line.
    space = _space_width(bold)
    lines: list[str] = []
    line: list[str] = []
    width = 0.0
    for word in words:
        word_width = _unit_width(word, bold)
        if line and width + space + word_width <= limit:
            line.append(word)
            width += space + word_width
            continue
        if line:
            lines.append(" ".join(line))
        if word_width <= limit:
            line, width = [word], word_width
        else:
            *full, last = _break_long_word(word, limit, bold)
            lines.extend(full)
            line, width = [last], _unit_width(last, bold)
    lines.append(" ".join(line))
    return lines


def wrap_text(text: str, size: float, max_width: float, bold: bool = False) -> list[str]:
    """Greedy word wrap to ``max_width`` points; explicit newlines start new lines.

    Words wider than a whole line (long e-mails, Korean without spaces) are broken between
    characters instead of overflowing.
    """
    return list(_wrapped(text, size, max_width, bold))


@lru_cache(maxsize=4096)
def _wrapped(text: str, size: float, max_width: float, bold: bool) -> tuple[str, ...]:
    # Remembered: a table measures each cell and then draws it, and documents repeat
    # their headings, names and notes.
    limit = max_width / size if size > 0 else 0.0
    lines: list[str] = []
    for paragraph in text.replace("\r\n", "\n").split("\n"):
        words = clean_text(paragraph).split()
        lines.extend(_wrap_paragraph(words, limit, bold) if words else [""])
    return tuple(lines)


def fit_size(
    text: str, max_width: float, size: float, min_size: float, bold: bool = False
) -> float:
    """Largest size <= ``size`` (but >= ``min_size``) at which ``text`` fits ``max_width``."""
    width = text_width(text, size, bold)
    if width <= max_width:
        return size
    # A hair under the exact ratio, so rounding cannot make the result measure wider than
    # max_width and trip the ellipsis in the caller.
    return max(min_size, size * max_width / width * 0.999)


def fit_text(
    text: str, max_width: float, size: float, min_size: float, bold: bool = False
) -> tuple[str, float]:
    """Shrink towards ``min_size`` to fit; if even that is too wide, also cut with "…"."""
    fitted = fit_size(text, max_width, size, min_size, bold)
    return ellipsize(text, fitted, max_width, bold), fitted


def ellipsize(text: str, size: float, max_width: float, bold: bool = False) -> str:
    """``text`` cut short with an ellipsis so it fits ``max_width`` (last resort only)."""
    text = clean_text(text)
    if text_width(text, size, bold) <= max_width:
        return text
    while text and text_width(text + "…", size, bold) > max_width:
        text = text[:-1]
    return text.rstrip() + "…"


def wrap_lines(
    text: str, size: float, max_width: float, max_lines: int, bold: bool = False
) -> list[str]:
    """:func:`wrap_text` limited to ``max_lines``; a cut shows as an ellipsis on the last one."""
    lines = wrap_text(text, size, max_width, bold)
    if len(lines) <= max_lines:
        return lines
    kept = lines[:max_lines]
    kept[-1] = ellipsize(kept[-1] + " …", size, max_width, bold)
    return kept
