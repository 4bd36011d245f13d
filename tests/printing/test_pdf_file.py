"""The PDF writer of labels and documents: the same pages as reportlab's own ``save``.

Each document is rendered twice, once written by :mod:`wms_tui.printing.pdf_file` and
once by reportlab, and both files are rasterised by pdfium: every pixel and every
extracted character must agree.
"""

from __future__ import annotations

import io

import pypdfium2 as pdfium
import pytest
from reportlab.lib.pagesizes import A6
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from tests.printing.helpers import KOREAN, SWEDISH, VERY_LONG, label_data, slip_data
from wms_tui.printing import fonts, pdf_file
from wms_tui.printing.label import render_label_pdf_bytes
from wms_tui.printing.slip import render_slip_pdf_bytes


def _pages(content: bytes) -> list[tuple[bytes, str]]:
    doc = pdfium.PdfDocument(content)
    try:
        return [
            (doc[i].render(scale=1.5).to_pil().tobytes(), doc[i].get_textpage().get_text_range())
            for i in range(len(doc))
        ]
    finally:
        doc.close()


def _by_reportlab(monkeypatch: pytest.MonkeyPatch, render, *args) -> bytes:  # type: ignore[no-untyped-def]
    with monkeypatch.context() as patch:
        patch.setattr(pdf_file, "save", Canvas.save)
        return render(*args)


@pytest.mark.parametrize("ship_to", [SWEDISH, KOREAN, VERY_LONG], ids=["se", "kr", "long"])
@pytest.mark.parametrize("size", ["4x6", "A6"])
def test_label_pages_match_reportlab(monkeypatch: pytest.MonkeyPatch, ship_to, size) -> None:  # type: ignore[no-untyped-def]
    data = label_data(ship_to, carrier="korea_post" if ship_to is KOREAN else "ups")
    ours = render_label_pdf_bytes(data, size)
    theirs = _by_reportlab(monkeypatch, render_label_pdf_bytes, data, size)
    assert b"ReportLab Generated" not in ours  # written here, not by reportlab
    assert ours == render_label_pdf_bytes(data, size)  # a reprint gives the same bytes
    assert _pages(ours) == _pages(theirs)


def test_multi_page_slip_matches_reportlab(monkeypatch: pytest.MonkeyPatch) -> None:
    data = slip_data(KOREAN, line_count=60)
    ours = render_slip_pdf_bytes(data)
    theirs = _by_reportlab(monkeypatch, render_slip_pdf_bytes, data)
    pages = _pages(ours)
    assert len(pages) > 1
    assert pages == _pages(theirs)


def _canvas(buffer: io.BytesIO) -> Canvas:
    fonts.ensure_fonts()
    canvas = Canvas(buffer, pagesize=A6, invariant=1, pageCompression=0,
                    initialFontName=fonts.LATIN)  # fmt: skip
    canvas.setTitle("Test (1) ÅÄÖ")
    fonts.draw_text(canvas, 20, 300, "Åsa Öberg 김민준", 12)
    return canvas


def test_title_with_any_text_survives() -> None:
    buffer = io.BytesIO()
    pdf_file.save(_canvas(buffer))
    doc = pdfium.PdfDocument(buffer.getvalue())
    assert doc.get_metadata_dict()["Title"] == "Test (1) ÅÄÖ"
    assert "Åsa Öberg 김민준" in doc[0].get_textpage().get_text_range()


def test_anything_else_on_the_canvas_is_left_to_reportlab() -> None:
    from PIL import Image

    buffer = io.BytesIO()
    canvas = _canvas(buffer)
    canvas.drawImage(ImageReader(Image.new("RGB", (4, 4), "red")), 10, 10, 20, 20)
    pdf_file.save(canvas)
    assert b"ReportLab Generated" in buffer.getvalue()
    doc = pdfium.PdfDocument(buffer.getvalue())
    assert "Åsa Öberg" in doc[0].get_textpage().get_text_range()

    buffer = io.BytesIO()
    canvas = _canvas(buffer)
    canvas.setFont("Helvetica", 10)  # a standard font: reportlab's encoding rules
    canvas.drawString(10, 10, "Helvetica")
    pdf_file.save(canvas)
    assert b"ReportLab Generated" in buffer.getvalue()


class _Forgetting(dict):
    def __setitem__(self, key, value) -> None:  # type: ignore[no-untyped-def]
        pass


def test_remembered_text_writes_the_same_files(monkeypatch: pytest.MonkeyPatch) -> None:
    """``fonts.draw_text`` remembers text it drew in a font's subset 0; the files must be
    what drawing it afresh gives, whichever document and font order came before."""
    documents = [
        lambda: render_slip_pdf_bytes(slip_data(KOREAN, line_count=9)),
        lambda: render_label_pdf_bytes(label_data(VERY_LONG, carrier="ups"), "A6"),
        lambda: render_slip_pdf_bytes(slip_data(SWEDISH, line_count=3)),
        lambda: render_label_pdf_bytes(label_data(KOREAN, carrier="korea_post"), "4x6"),
    ]
    with monkeypatch.context() as patch:
        patch.setattr(fonts, "_DRAWN", _Forgetting())
        fresh = [render() for render in documents]
    fonts._DRAWN.clear()
    for _ in range(2):
        assert [render() for render in documents] == fresh


def test_text_outside_latin1_is_right_in_every_document() -> None:
    # "→" and "…" take codes in a second subset in the order a document first draws
    # them: remembered text must never carry one document's codes into another.
    for lines in (["→", "…"], ["…", "→"]):
        buffer = io.BytesIO()
        canvas = _canvas(buffer)
        for i, text in enumerate(lines * 2):
            fonts.draw_text(canvas, 20, 250 - 20 * i, text, 12)
        pdf_file.save(canvas)
        page = pdfium.PdfDocument(buffer.getvalue())[0].get_textpage().get_text_range()
        for text in lines:
            assert page.count(text) == 2
