"""Receiving PDFs: rendered with pdfium, text extracted, every Code 128 decoded with zxing."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pypdfium2 as pdfium
import pytest
import zxingcpp

from wms_tui.printing.receiving_report import (
    DamageNote,
    ReceiptReportData,
    ReportLine,
    render_receipt_report,
)
from wms_tui.printing.sku_labels import (
    ROLL_LABEL,
    SHEET_COLS,
    SHEET_LABEL,
    SHEET_ROWS,
    LabelError,
    SkuLabel,
    check_fits,
    render_sku_labels,
)

DPI = 300
PT = DPI / 72


_open: list = []


def pages(path: Path) -> list:
    pdf = pdfium.PdfDocument(str(path))
    _open.append(pdf)
    return [pdf[i] for i in range(len(pdf))]


@pytest.fixture(autouse=True)
def _close_pdfs() -> Iterator[None]:
    yield
    while _open:
        _open.pop().close()


def page_text(page) -> str:
    return page.get_textpage().get_text_range()


def decode(image) -> list[str]:
    return [
        r.text
        for r in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.Code128)
        if r.valid
    ]


def report_data(lines: int = 3) -> ReceiptReportData:
    base = [
        ReportLine("TS-ORG-BLK-S", "Organic Cotton Tee", "Black / S", 10, 8, 0, 0),
        ReportLine("BX-NAC", "자개 보석함", "", 6, 6, 2, 4),
        ReportLine("DH-RED-15", "Dalahäst Röd", "Storlek: 15 cm", 0, 3, 0, 0),
    ]
    extra = [ReportLine(f"SKU-{i:03d}", f"Product {i}", "", 5, 5, 0, 5) for i in range(lines - 3)]
    return ReceiptReportData(
        warehouse="Nordlys Fulfilment",
        reference="PO-5001/Å",
        supplier="한옥리빙 주식회사",
        expected_date=date(2026, 3, 2),
        blind=False,
        status="CLOSED",
        closed_at=datetime(2026, 3, 2, 14, 5, tzinfo=UTC),
        closed_by="Björn Åkesson",
        printed_at=datetime(2026, 3, 2, 14, 6, tzinfo=UTC),
        lines=base + extra,
        damages=[DamageNote("BX-NAC", 2, "Crushed or broken", "Björn Åkesson",
                            datetime(2026, 3, 2, 13, 0, tzinfo=UTC))],
    )  # fmt: skip


def test_report_shows_issues_first_with_hangul_and_nordic_text(tmp_path: Path) -> None:
    path = render_receipt_report(report_data(), tmp_path / "r.pdf")
    [page] = pages(path)
    text = page_text(page)
    for expected in (
        "Receiving discrepancy report",
        "PO-5001/Å",
        "한옥리빙 주식회사",
        "자개 보석함",
        "Dalahäst Röd",
        "Björn Åkesson",
        "short 2",
        "unexpected",
        "2 damaged",
        "Crushed or broken",
    ):
        assert expected in text, expected
    # Lines with an issue come first; the clean ones after them.
    assert text.index("BX-NAC") < text.index("TS-ORG-BLK-S")
    # "Å" cannot be in a Code 128: the report leaves the barcode out rather than lie.
    assert decode(page.render(scale=PT).to_pil()) == []


def test_summary_counts_units_in_the_singular_and_plural(tmp_path: Path) -> None:
    data = report_data()
    lines = [
        ReportLine("SHORT-ONE", "Short by one", "", 5, 4, 0, 4),
        ReportLine("OVER-TWO", "Over by two", "", 5, 7, 0, 7),
        ReportLine("NEW-ONE", "Unexpected one", "", 0, 1, 0, 1),
    ]
    data = ReceiptReportData(**{**data.__dict__, "lines": lines, "damages": []})
    [page] = pages(render_receipt_report(data, tmp_path / "r.pdf"))
    text = page_text(page)
    for expected in ("1 (1 unit)", "1 (2 units)"):
        assert expected in text, expected
    assert "1 units" not in text


def test_report_barcode_decodes_and_long_reports_break_pages(tmp_path: Path) -> None:
    data = report_data(lines=90)
    data = ReceiptReportData(**{**data.__dict__, "reference": "PO-5001"})
    path = render_receipt_report(data, tmp_path / "long.pdf")
    doc = pages(path)
    assert len(doc) == 3
    assert decode(doc[0].render(scale=PT).to_pil()) == ["PO-5001"]
    for number, page in enumerate(doc, start=1):
        text = page_text(page)
        assert f"Page {number} of 3" in text
        assert "Exp." in text and "Issue" in text  # the headings repeat on every page
    assert "SKU-086" in page_text(doc[2]) and "Received by" in page_text(doc[2])


@pytest.mark.parametrize("layout", ["sheet", "roll"])
def test_every_sku_label_decodes(tmp_path: Path, layout: str) -> None:
    labels = [
        SkuLabel("PS-ART-ARC", "Art Print 50x70", "Motif: Archipelago"),
        SkuLabel("BX-NAC", "자개 보석함 (mother-of-pearl jewellery box, large)", ""),
        SkuLabel("SB-EKX-L", "Skärbräda Ek", "Storlek: Stor"),
        SkuLabel("TS-ORG-BLK-XL", "Organic Cotton Tee", "Colour: Black / Size: XL"),
    ] * 7  # 28 labels: more than one A4 sheet
    path = render_sku_labels(labels, tmp_path / f"{layout}.pdf", layout)  # type: ignore[arg-type]
    doc = pages(path)
    decoded: list[str] = []
    if layout == "roll":
        assert len(doc) == len(labels)
        w, h = doc[0].get_size()
        assert (round(w), round(h)) == (round(ROLL_LABEL[0]), round(ROLL_LABEL[1]))
        for page in doc[:4]:
            decoded += decode(page.render(scale=PT).to_pil())
        assert decoded == [label.sku for label in labels[:4]]
        assert "자개 보석함" in page_text(doc[1])
        return
    per_page = SHEET_COLS * SHEET_ROWS
    assert len(doc) == 2
    img = doc[0].render(scale=PT).to_pil()
    page_w, page_h = doc[0].get_size()
    left = (page_w - SHEET_COLS * SHEET_LABEL[0]) / 2
    top_gap = (page_h - SHEET_ROWS * SHEET_LABEL[1]) / 2
    # Cut the sheet into its labels: each must carry exactly its own SKU.
    for slot in range(per_page):
        col, row = slot % SHEET_COLS, slot // SHEET_COLS
        x0 = (left + col * SHEET_LABEL[0]) * PT
        y0 = (top_gap + row * SHEET_LABEL[1]) * PT
        cell = img.crop((int(x0), int(y0), int(x0 + SHEET_LABEL[0] * PT),
                         int(y0 + SHEET_LABEL[1] * PT)))  # fmt: skip
        decoded.append(",".join(decode(cell)))
    assert decoded == [label.sku for label in labels[:per_page]]
    assert "Skärbräda Ek" in page_text(doc[0]) and "Storlek: Stor" in page_text(doc[0])


def test_labels_refuse_what_cannot_be_scanned(tmp_path: Path) -> None:
    with pytest.raises(LabelError, match="too long"):
        render_sku_labels([SkuLabel("X" * 40, "Too long")], tmp_path / "x.pdf", "sheet")
    # 18 characters: fine on a laser sheet, too many for 62 mm at 203 dpi.
    long_sku = [SkuLabel("TS-ORG-BLK-XL-2026", "Organic Cotton Tee")]
    render_sku_labels(long_sku, tmp_path / "ok.pdf", "sheet")
    with pytest.raises(LabelError, match="too long for a roll label barcode: print a sheet"):
        render_sku_labels(long_sku, tmp_path / "x.pdf", "roll")
    with pytest.raises(LabelError, match="Code 128 cannot carry"):
        render_sku_labels([SkuLabel("SKÅP-1", "Skåp")], tmp_path / "x.pdf", "sheet")
    with pytest.raises(LabelError, match="No labels"):
        render_sku_labels([], tmp_path / "x.pdf", "sheet")
    assert not (tmp_path / "x.pdf").exists()


def test_every_demo_sku_fits_both_layouts() -> None:
    import csv

    from wms_tui.services.demo.seed_files import DEMO_DIR

    with (DEMO_DIR / "products.csv").open(encoding="utf-8") as fh:
        labels = [SkuLabel(r["sku"], r["name"]) for r in csv.DictReader(fh)]
    assert len(labels) > 150
    for layout in ("sheet", "roll"):
        check_fits(labels, layout)  # raises LabelError for a SKU that would not scan


def test_an_over_long_sku_is_named_and_the_rest_print(tmp_path: Path) -> None:
    from wms_tui.printing.sku_labels import split_printable

    labels = [SkuLabel("BX-NAC", "Box"), SkuLabel("X" * 40, "Too long"), SkuLabel("MG-1", "Mug")]
    printable, problems = split_printable(labels * 2, "sheet")
    assert [label.sku for label in printable] == ["BX-NAC", "MG-1", "BX-NAC", "MG-1"]
    assert len(problems) == 1 and problems[0].startswith(f"SKU {'X' * 40} is too long")


def test_sheet_keeps_clear_of_the_paper_edge(tmp_path: Path) -> None:
    from wms_tui.printing.sku_labels import SHEET_EDGE

    labels = [SkuLabel("TS-ORG-BLK-XL", "Organic Cotton Tee Heavyweight Extra", "Colour: Black")]
    path = render_sku_labels(labels * 24, tmp_path / "sheet.pdf", "sheet")
    page = pages(path)[0]
    text_page = page.get_textpage()
    width, height = page.get_size()
    for index in range(text_page.count_chars()):
        left, bottom, right, top = text_page.get_charbox(index)
        if right > left:
            assert left >= SHEET_EDGE - 0.5 and right <= width - SHEET_EDGE + 0.5
            assert bottom >= SHEET_EDGE - 0.5 and top <= height - SHEET_EDGE + 0.5
    img = page.render(scale=PT).to_pil().convert("L")
    edge = int(SHEET_EDGE * PT) - 1
    # No ink (bars included) within SHEET_EDGE of any paper edge.
    from PIL import ImageOps

    ink = ImageOps.invert(img).point(lambda v: 255 if v > 96 else 0).getbbox()
    assert ink is not None
    assert ink[0] >= edge and ink[1] >= edge
    assert ink[2] <= img.width - edge and ink[3] <= img.height - edge
