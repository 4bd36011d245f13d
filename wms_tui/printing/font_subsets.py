"""TrueType fonts whose per-document PDF subsets are built once per distinct subset.

reportlab rebuilds each subset's font program, widths and ToUnicode map for every
PDF; labels are printed in bulk, so :class:`CachedTTFont` memoises them by subset
content and writes pre-formatted PDF objects.
"""

from __future__ import annotations

import copy
import zlib
from dataclasses import dataclass

from reportlab.pdfbase import pdfdoc
from reportlab.pdfbase.ttfonts import (
    FF_NONSYMBOLIC,
    FF_SYMBOLIC,
    SUBSETN,
    TTFont,
    makeToUnicodeCMap,
)

_SUBSET_CACHE_LIMIT = 512


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
