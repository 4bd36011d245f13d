"""Bundled fonts, per-character fallback, and text that survives a PDF round trip."""

from __future__ import annotations

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from tests.printing.helpers import page_texts
from wms_tui.printing import fonts

KOREAN = "서울특별시 강남구 테헤란로 152, 김민준"
SWEDISH = "Åsa Öberg, Storgatan 5, 114 55 Stockholm — Ä å ä ö"


def _pdf_with_lines(lines: list[tuple[str, bool]]) -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(600, 60 + 30 * len(lines)), invariant=1)
    for index, (text, bold) in enumerate(lines):
        fonts.draw_text(canvas, 20, 30 + 30 * index, text, 14, bold)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def test_font_files_and_licences_ship_in_the_package() -> None:
    names = {path.name for path in fonts.FONT_DIR.iterdir()}
    assert {
        "DejaVuSans.ttf",
        "DejaVuSans-Bold.ttf",
        "NanumGothic.ttf",
        "NanumGothicBold.ttf",
        "LICENSE-DejaVu.txt",
        "LICENSE-Nanum-OFL.txt",
    } <= names
    assert "SIL OPEN FONT LICENSE" in (fonts.FONT_DIR / "LICENSE-Nanum-OFL.txt").read_text()
    assert "Bitstream" in (fonts.FONT_DIR / "LICENSE-DejaVu.txt").read_text()


def test_registration_is_idempotent() -> None:
    fonts.ensure_fonts()
    first = pdfmetrics.getFont(fonts.LATIN)
    fonts.ensure_fonts()
    assert pdfmetrics.getFont(fonts.LATIN) is first


def test_why_the_latin_font_goes_first() -> None:
    # The reason for the fallback order: NanumGothic has no Å/Ä/å, DejaVu has no Hangul.
    for char in "ÅÄå":
        assert not fonts.has_glyph(fonts.HANGUL, char)
        assert fonts.has_glyph(fonts.LATIN, char)
    assert not fonts.has_glyph(fonts.LATIN, "김")
    assert fonts.has_glyph(fonts.HANGUL, "김")


def test_runs_split_by_glyph_coverage() -> None:
    assert fonts.font_runs("Storgatan 5") == ((fonts.LATIN, "Storgatan 5"),)
    assert fonts.font_runs("Åsa 김민준 Å") == (
        (fonts.LATIN, "Åsa "),
        (fonts.HANGUL, "김민준 "),
        (fonts.LATIN, "Å"),
    )
    # Spaces and digits stay with the Korean run instead of switching font at every space.
    assert fonts.font_runs(KOREAN) == ((fonts.HANGUL, KOREAN),)
    assert fonts.font_runs("김", bold=True) == ((fonts.HANGUL_BOLD, "김"),)
    assert fonts.font_runs("") == ()


@pytest.mark.parametrize("text", [KOREAN, SWEDISH, "Mixed: Åsa 김민준 ÖÄ 152"])
def test_pdf_text_equals_what_was_drawn(text: str) -> None:
    (page,) = page_texts(_pdf_with_lines([(text, False), (text, True)]))
    assert page.split("\r\n") == [text, text]  # pdfium returns lines top-down


def test_font_subset_cache_does_not_mix_documents() -> None:
    # Two documents with different non-Latin-1 characters: each must extract correctly even
    # though subset objects are cached across documents.
    first = page_texts(_pdf_with_lines([("ŁĆ 김 Ö", False)]))[0]
    second = page_texts(_pdf_with_lines([("ĆŁ 민준 Ä", False)]))[0]
    assert first == "ŁĆ 김 Ö"
    assert second == "ĆŁ 민준 Ä"


def test_pdf_escapes_are_safe() -> None:
    text = r"Parens (a) and \ backslash"
    assert page_texts(_pdf_with_lines([(text, False)]))[0] == text


def test_control_characters_become_spaces() -> None:
    assert fonts.clean_text("a\nb\tc\x00d") == "a b c d"
    assert page_texts(_pdf_with_lines([("a\nb", False)]))[0] == "a b"


def test_text_width_matches_reportlab_per_run() -> None:
    expected = pdfmetrics.stringWidth("Åsa ", fonts.LATIN, 10) + pdfmetrics.stringWidth(
        "김민준", fonts.HANGUL, 10
    )
    assert fonts.text_width("Åsa 김민준", 10) == pytest.approx(expected)
    assert fonts.text_width("Bold", 10, bold=True) > fonts.text_width("Bold", 10)


@settings(max_examples=200)
@given(
    st.text(
        alphabet=st.sampled_from(list("abc ÅÄÖåäö 김민준서울 152-\n")), min_size=0, max_size=120
    ),
    st.floats(min_value=20, max_value=300),
)
def test_wrapped_lines_fit_and_keep_every_word(text: str, width: float) -> None:
    lines = fonts.wrap_text(text, 10, width)
    for line in lines:
        # A single character wider than the box is the only thing allowed to stick out.
        assert fonts.text_width(line, 10) <= width + 1e-6 or len(line) == 1
    assert "".join("".join(lines).split()) == "".join(text.split())


def test_fit_size_and_ellipsize() -> None:
    text = "Kungsträdgårdsgatan 123, Trappuppgång C"
    size = fonts.fit_size(text, 100, 12, 4)
    assert size < 12 and fonts.text_width(text, size) <= 100
    assert fonts.fit_size("ab", 100, 12, 4) == 12
    short = fonts.ellipsize(text, 12, 100)
    assert short.endswith("…") and fonts.text_width(short, 12) <= 100


def test_fonts_are_embedded_as_subsets() -> None:
    pdf = _pdf_with_lines([(SWEDISH, False), (KOREAN, True)])
    assert pdf.count(b"/FontFile2") >= 2
    assert b"+DejaVuSans" in pdf and b"+NanumGothic" in pdf
    assert len(pdf) < 400_000  # subsets, not the 4.6 MB Nanum font
