"""Fonts for PDF output: registration, per-character fallback, measuring, wrapping.

Two families ship in ``wms_tui/fonts``: DejaVu Sans (Latin, Greek, Cyrillic, Nordic letters)
and NanumGothic (Hangul). NanumGothic lacks Å Ä å, DejaVu lacks Hangul, so every string is
split into runs by which font has the glyph — letters try DejaVu first — and drawn run by run.

Speed matters because labels are printed in bulk: registration happens once, lazily, and the
expensive per-document part of TrueType embedding (building the font subset program, widths
array and ToUnicode map) is memoised by subset content, see :class:`CachedTTFont`.
"""

from __future__ import annotations

import copy
import re
import threading
import zlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

from reportlab.pdfbase import pdfdoc, pdfmetrics
from reportlab.pdfbase.ttfonts import (
    FF_NONSYMBOLIC,
    FF_SYMBOLIC,
    SUBSETN,
    TTFont,
    makeToUnicodeCMap,
)
from reportlab.pdfgen.canvas import Canvas

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

_SUBSET_CACHE_LIMIT = 512
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


class _FontObject(pdfdoc.PDFObject):
    """A font or font descriptor dictionary whose constant entries are pre-formatted.

    Formatting a PDFDictionary validates and encodes every key and number on every save;
    for a label that was a fifth of the run time. Only the object references differ between
    documents, so they are resolved at format time and spliced into cached bytes.
    """

    __RefOnly__ = 1  # an indirect object, like reportlab's own font objects

    def __init__(self, static: bytes, refs: dict[bytes, pdfdoc.PDFObject]) -> None:
        self.static = static
        self.refs = refs

    def format(self, document: pdfdoc.PDFDocument) -> bytes:
        dynamic = b"".join(
            b"/" + key + b" " + ref.format(document) + b"\n" for key, ref in self.refs.items()
        )
        return b"<<\n" + dynamic + self.static + b">>"


class _FlateStream(pdfdoc.PDFObject):
    """A stream whose content is already Flate-compressed (cached per font subset)."""

    __RefOnly__ = 1

    def __init__(self, compressed: bytes, length1: int | None = None) -> None:
        self.compressed = compressed
        self.length1 = length1

    def format(self, document: pdfdoc.PDFDocument) -> bytes:
        content = document.encrypt.encode(self.compressed)
        extra = b"" if self.length1 is None else b" /Length1 %d" % self.length1
        return (
            b"<< /Filter /FlateDecode /Length %d%s >>\nstream\n" % (len(content), extra)
            + content
            + b"\nendstream\n"
        )


@dataclass(frozen=True)
class SubsetParts:
    base_font_name: str
    font_static: bytes
    descriptor_static: bytes
    cmap: bytes
    program: bytes
    program_length: int


def _dict_body(entries: dict[str, object]) -> bytes:
    """``/Key value`` lines for a PDF dictionary, formatted once by reportlab's own rules."""
    doc = pdfdoc.DummyDoc()
    return b"".join(
        pdfdoc.format(pdfdoc.PDFName(key), doc) + b" " + pdfdoc.format(value, doc) + b"\n"
        for key, value in entries.items()
    )


class CachedTTFont(TTFont):
    """A TTFont whose per-document subset objects are memoised by subset content.

    reportlab rebuilds each subset's font program, widths and ToUnicode CMap for every PDF,
    which costs milliseconds per document in pure Python. These depend only on the code ->
    character assignment of the subset, so identical subsets (the common case once subset 0 is
    seeded with Latin-1) reuse the bytes. The PDF objects written carry the same entries as
    reportlab's own ``addObjects``, except that the font program and CMap are always
    Flate-compressed: compressing once into the cache is free per document, so callers can
    leave page compression off (reportlab's pure-Python ASCII85 pass over every page stream is
    the slowest step of a small PDF) without bloating files.
    """

    def __init__(self, name: str, filename: str, seed_latin1: bool) -> None:
        super().__init__(name, filename, validate=0, asciiReadable=1)
        self._seed_latin1 = seed_latin1
        self._parts: dict[tuple[int, tuple[int, ...]], SubsetParts] = {}
        self._template: TTFont.State | None = None
        self._identity_chars: frozenset[str] = frozenset()

    def _new_state(self) -> TTFont.State:
        template = self._template
        if template is None:
            template = self._template = self._build_template()
        # A shallow copy with fresh containers: the per-document state is mutated by
        # splitString, the template never is.
        state = copy.copy(template)
        state.assignments = dict(template.assignments)
        state.subsets = [list(subset) for subset in template.subsets]
        return state

    def _build_template(self) -> TTFont.State:
        state = TTFont.State(asciiReadable=1, ttf=self)
        if self._seed_latin1:
            char_to_glyph = self.face.charToGlyph
            subset0 = state.subsets[0]
            for code in range(128, 256):
                # 0xA0 never needs a slot: splitString maps no-break space to space.
                if code > 0xA0 and code in char_to_glyph:
                    subset0.append(code)
                    state.assignments[code] = code
                else:
                    subset0.append(0)
            state.nextCode = 256
            # Text made only of pre-assigned characters encodes to itself in subset 0.
            self._identity_chars = frozenset(
                chr(code) for code, slot in state.assignments.items() if code == slot and code
            )
        return state

    def splitString(self, text: str, doc: object, encoding: str = "utf-8") -> list:  # noqa: N802
        if doc not in self.state:
            self.state[doc] = self._new_state()
        if self._identity_chars and self._identity_chars.issuperset(text):
            # Fast path for the usual Latin-1 text: same result as reportlab's per-character
            # loop (every character already has its own code in subset 0), in one call.
            return [(0, text.encode("latin-1"))] if text else []
        return super().splitString(text, doc, encoding)

    def _subset_parts(self, index: int, subset: tuple[int, ...]) -> SubsetParts:
        key = (index, subset)
        parts = self._parts.get(key)
        if parts is not None:
            return parts
        face = self.face
        base = b"".join((SUBSETN(index), b"+", face.name, face.subfontNameX)).decode("pdfdoc")
        program = face.makeSubset(list(subset))
        cmap = makeToUnicodeCMap(base, list(subset)).encode("latin-1")
        font_static = _dict_body(
            {
                "BaseFont": pdfdoc.PDFName(base),
                "FirstChar": 0,
                "LastChar": len(subset) - 1,
                "Subtype": "/TrueType",
                "Type": "/Font",
                "Widths": pdfdoc.PDFArray([face.getCharWidth(code) for code in subset]),
            }
        )
        descriptor_static = _dict_body(
            {
                "Ascent": face.ascent,
                "CapHeight": face.capHeight,
                "Descent": face.descent,
                # Symbolic, not non-symbolic: what reportlab's own addObjects declares.
                "Flags": (face.flags & ~FF_NONSYMBOLIC) | FF_SYMBOLIC,
                "FontBBox": pdfdoc.PDFArray(face.bbox),
                "FontName": pdfdoc.PDFName(base),
                "ItalicAngle": face.italicAngle,
                "MissingWidth": face.defaultWidth,
                "StemV": face.stemV,
                "Type": "/FontDescriptor",
            }
        )
        parts = SubsetParts(
            base_font_name=base,
            font_static=font_static,
            descriptor_static=descriptor_static,
            cmap=zlib.compress(cmap),
            program=zlib.compress(program),
            program_length=len(program),
        )
        if len(self._parts) >= _SUBSET_CACHE_LIMIT:
            self._parts.clear()
        self._parts[key] = parts
        return parts

    def document_subsets(self, doc: object) -> list[tuple[str, SubsetParts]]:
        """Each subset this document used: (internal name without "/", its cached parts).

        Ends the font's bookkeeping for ``doc``, as reportlab's ``addObjects`` does.
        """
        state = self.state.get(doc)
        if state is None:
            state = self.state[doc] = self._new_state()
        state.frozen = 1
        out = [
            (self.getSubsetInternalName(index, doc)[1:], self._subset_parts(index, tuple(subset)))
            for index, subset in enumerate(state.subsets)
        ]
        del self.state[doc]
        return out

    def addObjects(self, doc: pdfdoc.PDFDocument) -> None:  # noqa: N802
        font_dict = doc.idToObject["BasicFonts"].dict
        for internal_name, parts in self.document_subsets(doc):
            base = parts.base_font_name
            program = _FlateStream(parts.program, parts.program_length)
            descriptor = _FontObject(
                parts.descriptor_static,
                {b"FontFile2": doc.Reference(program, f"fontFile:{self.face.filename}({base})")},
            )
            cmap = _FlateStream(parts.cmap)
            pdf_font = _FontObject(
                parts.font_static,
                {
                    b"FontDescriptor": doc.Reference(descriptor, "fontDescriptor:" + base),
                    b"Name": _Name(internal_name),
                    b"ToUnicode": doc.Reference(cmap, "toUnicodeCMap:" + base),
                },
            )
            doc.Reference(pdf_font, internal_name)
            font_dict[internal_name] = pdf_font


class _Name(pdfdoc.PDFObject):
    def __init__(self, name: str) -> None:
        self.raw = pdfdoc.format(pdfdoc.PDFName(name), pdfdoc.DummyDoc())

    def format(self, document: object) -> bytes:
        return self.raw


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
