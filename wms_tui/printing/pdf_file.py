"""Writing a finished canvas as a PDF file without reportlab's object model.

Labels and slips are drawn on a reportlab canvas, but reportlab's ``save`` builds a tree of
``PDFObject``s (catalog, pages, resources, every font dictionary) and formats each one
through generic code that validates and re-encodes every name and number: for a label that
was 40 % of its time, more than drawing it. The file our documents need is always the same
shape — a catalog, an info dictionary, the pages with their content streams and the
embedded font subsets, whose bytes :mod:`wms_tui.printing.font_subsets` already caches — so
:func:`save` writes it from templates. A canvas holding anything else (an image, a link,
transparency, encryption, a standard font) is saved by reportlab as before.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from typing import Any

from reportlab.lib.rl_accel import fp_str
from reportlab.pdfbase.pdfdoc import NoEncryption
from reportlab.pdfgen.canvas import PATH_OPS, Canvas

from wms_tui.printing import font_subsets

# The info entries reportlab writes for a document that only sets its title; with
# ``invariant=1`` its dates are this fixed one, so a reprint gives the same bytes.
_FIXED_DATE = b"(D:20000101000000+00'00')"
_INFO_TAIL = (
    b" /Author (anonymous) /CreationDate " + _FIXED_DATE + b" /Creator (anonymous)"
    b" /Keywords () /ModDate " + _FIXED_DATE + b" /Producer (wms_tui, ReportLab fonts)"
    b" /Subject (unspecified) /Trapped /False >>"
)
_PROCSETS = {
    0: b"/ProcSet [ /PDF /Text ]",
    1: b"/ProcSet [ /PDF /Text /ImageB /ImageC /ImageI ]",
}
_PAGE_BOXES = ("CropBox", "ArtBox", "TrimBox", "BleedBox")


@lru_cache(maxsize=8192)
def _number(value: float) -> str:
    return fp_str(value)


class PageCanvas(Canvas):
    """reportlab's canvas, with the path and colour operators our pages draw most.

    The same operators, numbers and state as reportlab writes (``fp_str`` per
    number, remembered: reportlab's pure-Python ``fp_str`` was an eighth of a
    packing slip, most of it the same margins, rules and grays again).
    """

    def line(self, x1: float, y1: float, x2: float, y2: float) -> None:
        n = _number
        self._code.append(f"n {n(x1)} {n(y1)} m {n(x2)} {n(y2)} l S")

    def rect(  # type: ignore[override]
        self, x: float, y: float, width: float, height: float, stroke: int = 1, fill: int = 0
    ) -> None:
        n = _number
        ops = PATH_OPS[stroke, fill, self._fillMode]
        self._code.append(f"n {n(x)} {n(y)} {n(width)} {n(height)} re {ops}")

    def setLineWidth(self, width: float) -> None:  # noqa: N802 - reportlab API
        self._lineWidth = width
        self._code.append(f"{_number(width)} w")

    def setFillGray(self, gray: float, alpha: float | None = None) -> None:  # noqa: N802
        if alpha is not None:
            super().setFillGray(gray, alpha)
            return
        self._fillColorObj = (gray, gray, gray)
        self._code.append(f"{_number(gray)} g")

    def setStrokeGray(self, gray: float, alpha: float | None = None) -> None:  # noqa: N802
        if alpha is not None:
            super().setStrokeGray(gray, alpha)
            return
        self._strokeColorObj = (gray, gray, gray)
        self._code.append(f"{_number(gray)} G")


def save(canvas: Canvas) -> None:
    """``canvas.save()``, written by :func:`pdf_bytes` when the document allows it."""
    if canvas._code:
        canvas.showPage()
    data = pdf_bytes(canvas)
    if data is None:
        Canvas.save(canvas)
        return
    target = canvas._filename
    if hasattr(target, "write"):
        target.write(data)
    else:
        with open(target, "wb") as fh:
            fh.write(data)


def pdf_bytes(canvas: Canvas) -> bytes | None:
    """The canvas's finished pages as a PDF file, or None if it holds more than we write."""
    doc = canvas._doc
    pages = doc.Pages.pages
    if not pages or not _plain(doc, pages):
        return None
    contents = []
    for page in pages:
        stream = page.stream
        if not isinstance(stream, str) or not stream.isascii():
            return None  # text in a standard font: reportlab's encoding rules apply
        contents.append(stream.encode("ascii"))
    out = _Writer()
    # The file identifier: a digest of what makes this document this one (its pages and
    # which characters its font subsets hold), not of the whole file: hashing the font
    # programs cost 15 % of a label.
    identity = hashlib.md5(usedforsecurity=False)
    for content in contents:
        identity.update(content)
    catalog, info, page_tree, resources = out.reserve(), out.reserve(), out.reserve(), out.reserve()
    font_entries = []
    for font in doc.delayedFonts:
        for name, parts in font.document_subsets(doc):
            identity.update(parts.base_font_name.encode() + parts.cmap)
            font_entries.append((name, out.font(name, parts)))
    kids = []
    for page, content in zip(pages, contents, strict=True):
        stream_id = out.add(b"<< /Length %d >>\nstream\n" % len(content), content, b"\nendstream")
        box = page.MediaBox or (0, 0, page.pagewidth, page.pageheight)
        kids.append(
            out.add(
                b"<< /Type /Page /Parent %d 0 R /MediaBox [ %s ] /Resources %d 0 R"
                b" /Contents %d 0 R /Rotate %d >>"
                % (page_tree, fp_str(*box).encode(), resources, stream_id, page.Rotate)
            )
        )
    font_dict = b" ".join(b"/%s %d 0 R" % (name.encode(), ref) for name, ref in font_entries)
    images = max(page.hasImages for page in pages)
    out.put(resources, b"<< /Font << %s >> %s >>" % (font_dict, _PROCSETS[bool(images)]))
    out.put(
        page_tree,
        b"<< /Type /Pages /Count %d /Kids [ %s ] >>"
        % (len(kids), b" ".join(b"%d 0 R" % kid for kid in kids)),
    )
    title = _text_string(doc.info.title or "untitled")
    identity.update(title)
    out.put(info, b"<< /Title " + title + _INFO_TAIL)
    out.put(catalog, b"<< /Type /Catalog /Pages %d 0 R /PageMode /UseNone >>" % page_tree)
    return out.finish(root=catalog, info=info, digest=identity.hexdigest().encode())


def _plain(doc: Any, pages: list[Any]) -> bool:
    """Only pages, our fonts and a title: nothing this writer would leave out."""
    if type(doc.encrypt) is not NoEncryption or doc.compression:
        return False
    if doc.idToObject["BasicFonts"].dict:
        return False  # a standard font was set
    names = {page.__InternalName__ for page in pages}
    if set(doc.idToObject) - names - {"BasicFonts"}:
        return False  # forms, outlines, annotations, images, ...
    if any(not isinstance(font, font_subsets.CachedTTFont) for font in doc.delayedFonts):
        return False
    info = doc.info
    if (info.author, info.subject, info.keywords, info.creator) != (
        "anonymous", "unspecified", "", "anonymous",
    ):  # fmt: skip
        return False
    for page in pages:
        if (
            page.compression
            or page.Annots
            or page.ExtGState
            or page.XObjects
            or page._shadingUsed
            or page._colorsUsed
            or page.Dur is not None
            or (page.Trans is not None and page.Trans.dict)
            or any(getattr(page, box) for box in _PAGE_BOXES)
        ):
            return False
    return True


def _text_string(text: str) -> bytes:
    """A PDF text string: escaped ASCII, or UTF-16 with its byte-order mark."""
    if text.isascii() and text.isprintable():
        escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        return b"(" + escaped.encode("ascii") + b")"
    return b"<FEFF" + text.encode("utf-16-be").hex().upper().encode() + b">"


class _Writer:
    """Numbered objects appended in order, then the cross-reference table.

    The file is kept as a list of pieces joined once at the end: the embedded
    font programs (most of the file) are copied into it once, not at every step.
    """

    def __init__(self) -> None:
        self.pieces: list[bytes] = [b"%PDF-1.3\n%\xe2\xe3\xcf\xd3\n"]
        self.size = len(self.pieces[0])
        self.offsets: list[int] = []  # object n at offsets[n - 1]; -1 until written

    def reserve(self) -> int:
        self.offsets.append(-1)
        return len(self.offsets)

    def add(self, *content: bytes) -> int:
        number = self.reserve()
        self.put(number, *content)
        return number

    def put(self, number: int, *content: bytes) -> None:
        self.offsets[number - 1] = self.size
        pieces = (b"%d 0 obj\n" % number, *content, b"\nendobj\n")
        self.pieces.extend(pieces)
        self.size += sum(len(piece) for piece in pieces)

    def stream(self, compressed: bytes, length1: int | None = None) -> int:
        extra = b"" if length1 is None else b" /Length1 %d" % length1
        return self.add(
            b"<< /Filter /FlateDecode /Length %d%s >>\nstream\n" % (len(compressed), extra),
            compressed,
            b"\nendstream",
        )

    def font(self, name: str, parts: font_subsets.SubsetParts) -> int:
        program = self.stream(parts.program, parts.program_length)
        descriptor = self.add(b"<<\n/FontFile2 %d 0 R\n%s>>" % (program, parts.descriptor_static))
        cmap = self.stream(parts.cmap)
        return self.add(
            b"<<\n/FontDescriptor %d 0 R\n/Name /%s\n/ToUnicode %d 0 R\n%s>>"
            % (descriptor, name.encode(), cmap, parts.font_static)
        )

    def finish(self, *, root: int, info: int, digest: bytes) -> bytes:
        rows = b"".join(b"%010d 00000 n \n" % offset for offset in self.offsets)
        self.pieces.append(
            b"xref\n0 %d\n0000000000 65535 f \n%s" % (len(self.offsets) + 1, rows)
            + b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R /ID [ <%s> <%s> ] >>\n"
            % (len(self.offsets) + 1, root, info, digest, digest)
            + b"startxref\n%d\n%%%%EOF\n" % self.size
        )
        return b"".join(self.pieces)
