"""Document toolkit: page numbering, table page breaks, barcode cells."""

from __future__ import annotations

import io

from tests.printing.helpers import decode, joined_lines, page_texts, render_pages
from wms_tui.printing.toolkit import BarcodePart, Column, DocumentWriter, TextPart


def _document(rows: int, barcode_data: str = "BIN-00") -> bytes:
    buffer = io.BytesIO()
    writer = DocumentWriter(
        buffer, title="Test document", header_right="right", footer_left="footer"
    )
    writer.heading("Heading")
    writer.paragraph("Lorem ipsum dolor sit amet, Åsa Öberg, 김민준. " * 5)
    columns = [Column("Code", 2), Column("Text", 3), Column("Qty", 1, align="right")]
    table_rows = [
        [
            [BarcodePart(barcode_data if i == 0 else f"BIN-{i:02d}")],
            [TextPart(f"Row {i}", 9, bold=True), TextPart("detail", 7, gray=0.4)],
            str(i),
        ]
        for i in range(rows)
    ]
    writer.table(columns, table_rows)
    writer.finish()
    return buffer.getvalue()


def test_pages_are_numbered_and_headings_repeat() -> None:
    texts = page_texts(_document(40))
    total = len(texts)
    assert total >= 2
    for number, text in enumerate(texts, start=1):
        assert f"Page {number} of {total}" in text
        assert "Test document" in text and "footer" in text
        assert "Code Text Qty" in text.split("\r\n")
    everything = "\r\n".join(texts)
    assert all(f"Row {i}" in everything for i in range(40))


def test_barcode_cells_decode() -> None:
    images = render_pages(_document(3))
    assert sorted(b.text for b in decode(images[0])) == ["BIN-00", "BIN-01", "BIN-02"]


def test_too_long_barcode_falls_back_to_text() -> None:
    long_code = "X" * 70
    pdf = _document(2, barcode_data=long_code)
    assert long_code in page_texts(pdf)[0]
    assert [b.text for b in decode(render_pages(pdf)[0])] == ["BIN-01"]


def _band_document(data: str, column_share: float = 2) -> bytes:
    buffer = io.BytesIO()
    writer = DocumentWriter(buffer, title="Bands")
    columns = [Column("Code", column_share), Column("Text", 10)]
    writer.table(
        columns,
        [[[BarcodePart(data, overflow="row")], "text"], [[BarcodePart("A-1")], "short"]],
    )
    writer.finish()
    return buffer.getvalue()


def test_a_code_too_wide_for_its_column_goes_on_a_band_under_the_row() -> None:
    code = "HOODIE-ORG-NVY-XL-2025"
    pdf = _band_document(code)
    assert sorted(b.text for b in decode(render_pages(pdf)[0])) == ["A-1", code]
    assert joined_lines(page_texts(pdf)[0]).count(code) == 2  # in the cell and under the bars


def test_a_code_too_wide_even_for_a_band_or_not_code_128_is_text() -> None:
    for data in ("X" * 90, "SKU-ÅÄÖ-" + "X" * 20):
        pdf = _band_document(data)
        assert [b.text for b in decode(render_pages(pdf)[0])] == ["A-1"]
        assert data in joined_lines(page_texts(pdf)[0])


def test_a_table_heading_never_stands_alone_at_the_foot_of_a_page() -> None:
    buffer = io.BytesIO()
    writer = DocumentWriter(buffer, title="Slip")
    columns = [Column("SKU", 1), Column("Item", 3)]
    # Leave room for the heading and a short row, not for this tall first row.
    writer.y = writer.bottom + 8 * 1.2 + 6 + 32
    tall = [TextPart(f"line {i}", 9) for i in range(6)]
    writer.table(columns, [["SKU-1", tall], ["SKU-2", "short"]])
    writer.finish()
    first, second = page_texts(buffer.getvalue())
    assert "SKU Item" not in first.split("\r\n")
    assert "SKU Item" in second.split("\r\n") and "SKU-1" in second
