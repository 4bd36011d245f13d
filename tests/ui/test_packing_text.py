"""Side-panel text wraps under its own item, not at the panel's edge."""

from __future__ import annotations

from rich.cells import cell_len

from wms_tui.ui.screens.packing_text import hang


def test_short_lines_are_left_alone() -> None:
    text = "▶1 Box M (suggested), 2 units\n   ⚖ not weighed"
    assert hang(text, 41) == text


def test_a_bullet_wraps_under_its_text() -> None:
    out = hang("• Weight outside tolerance: re-weigh or supervisor (F11)", 30)
    assert out.split("\n") == ["• Weight outside tolerance:", "  re-weigh or supervisor (F11)"]


def test_an_indented_detail_wraps_under_its_text() -> None:
    out = hang("   ⚖ 5000 g ✗ outside tolerance (expected 655 ± 66 g)", 30)
    rows = out.split("\n")
    assert rows[0].startswith("   ⚖ 5000 g")
    assert all(r.startswith("     ") and not r.startswith("      ") for r in rows[1:])
    assert " ".join(r.strip() for r in rows) == "⚖ 5000 g ✗ outside tolerance (expected 655 ± 66 g)"


def test_wraps_by_cells_so_hangul_fits() -> None:
    out = hang("• 선물 포장 (gift wrap) 그리고 메시지 카드 넣기 확인", 20)
    assert all(cell_len(r) <= 20 for r in out.split("\n"))
    assert out.split("\n")[1].startswith("  ")


def test_a_word_longer_than_the_row_stays_whole_on_its_row() -> None:
    out = hang("• SKU-VERY-LONG-CODE-1234567890 missing", 12)
    assert out.split("\n") == ["• SKU-VERY-LONG-CODE-1234567890", "  missing"]


def test_the_options_column_shows_the_size() -> None:
    """16 cells held "Colour: Forest / …" and hid the size a packer checks."""
    from wms_tui.services.packing.view import LineView
    from wms_tui.ui.screens.packing_text import WIDE_LINES, line_text

    ln = LineView(1, 1, "TS-ORG-FOR-M", "Organic Tee", "Colour: Forest / Size: M", 1, 0)
    shown = line_text(ln, WIDE_LINES, wide=True, current=False).plain
    assert "Forest / M" in shown
