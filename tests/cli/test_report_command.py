"""``wms report``: files written, charts rendered, refusals one line with nothing written."""

from __future__ import annotations

import csv
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from typer.testing import CliRunner

from tests.worlds import factories as f
from tests.worlds.dbstate import snapshot
from tests.worlds.insight import NOW, build_shift
from wms_tui.cli.common import console
from wms_tui.cli.main import app
from wms_tui.domain.clock import set_clock
from wms_tui.store import Store

runner = CliRunner()


@pytest.fixture
def url(sqlite_store: Store):  # noqa: ANN201
    build_shift(sqlite_store)
    f.give_pin(sqlite_store, "P1001")  # so the role, not a missing PIN, refuses the picker
    set_clock(lambda: NOW)
    yield str(sqlite_store.url)
    set_clock(None)


@pytest.fixture(autouse=True)
def wide_console(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(console, "_width", 200)


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["report", *args])
    return result.exit_code, result.output


def pdf_text(path: Path) -> str:
    doc = pdfium.PdfDocument(str(path))
    return "\n".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))


def test_people_report_writes_a_pdf_with_charts_and_csv_files(url: str, tmp_path: Path) -> None:
    code, out = run("people", "--from", "2026-03-10", "--to", "2026-03-10", "--out",
                    str(tmp_path), "--badge", "S9001", "--db", url)  # fmt: skip
    assert code == 0, out
    assert out.strip() == (
        f"Wrote the people report (2026-03-10): people-2026-03-10.pdf and 3 CSV files in {tmp_path}"
    )
    rows = list(csv.reader((tmp_path / "people-2026-03-10-packers.csv").open(encoding="utf-8")))
    assert rows[0][:4] == ["Packer", "Units", "Active hours", "Units/hour"]
    assert rows[1] == ["Johan Öberg", "6", "2", "3.0", "2", "1", "1", "1"]
    rates = tmp_path / "people-2026-03-10-pack-errors-per-1-000-units.csv"
    assert list(csv.reader(rates.open(encoding="utf-8")))[1] == [
        "Johan Öberg", "333.3", "166.7", "166.7", "166.7", "833.3",
    ]  # fmt: skip
    pdf = tmp_path / "people-2026-03-10.pdf"
    text = pdf_text(pdf)
    for words in (
        "People report", "Pick lines per active hour", "Pack units per active hour",
        "Pack errors per 1,000 units", "Johan Öberg", "Ana Lindqvist", "166.7", "333.3",
    ):  # fmt: skip
        assert words in text, words
    page = pdfium.PdfDocument(str(pdf))[0].render(scale=1).to_pil()
    assert page.size[0] > 500 and page.getextrema() != ((255, 255), (255, 255), (255, 255))


def test_an_empty_day_draws_empty_charts_and_zero_rows(url: str, tmp_path: Path) -> None:
    for kind in ("shift", "people", "carriers", "returns"):
        day = ("--from", "2026-03-08", "--to", "2026-03-08")
        code, out = run(kind, *day, "--out", str(tmp_path), "--badge", "S9001", "--db", url)
        assert code == 0, out
        text = pdf_text(tmp_path / f"{kind}-2026-03-08.pdf")
        assert "nothing in this period" in text, kind
    days = list(csv.reader((tmp_path / "shift-2026-03-08-days.csv").open(encoding="utf-8")))
    assert days[1] == ["2026-03-08", "0", "0", "0", "0", "0", "0", "", ""]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("shift", "--from", "2026-13-01"), "--from '2026-13-01' is not a date (YYYY-MM-DD)"),
        (
            ("shift", "--from", "2026-03-10", "--to", "2026-03-01"),
            "The period starts (2026-03-10) after it ends (2026-03-01)",
        ),  # fmt: skip
        (("people", "--person", "Nobody"), "No person with badge or name 'Nobody'"),
        (("carriers", "--carrier", "ZZ"), "No carrier 'ZZ': known are DHL, PN, UPS"),
        (("everything",), "Unknown report 'everything': shift, people, carriers, returns"),
    ],
)
def test_refusals_are_one_line_and_write_nothing(url: str, sqlite_store: Store, tmp_path: Path,
                                                 args, message) -> None:  # noqa: ANN001  # fmt: skip
    before = snapshot(sqlite_store)
    code, out = run(*args, "--out", str(tmp_path / "r"), "--badge", "S9001", "--db", url)
    assert code == 2 and out.strip() == f"error: {message}"
    assert not (tmp_path / "r").exists() and snapshot(sqlite_store) == before


def test_an_out_that_is_a_file_is_refused(url: str, tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("keep me")
    code, out = run("shift", "--out", str(tmp_path / "notes.txt"), "--badge", "S9001", "--db", url)
    assert code == 2
    assert (
        out.strip()
        == f"error: {tmp_path / 'notes.txt'} is a file, not a folder: give --out a folder"
    )
    assert (tmp_path / "notes.txt").read_text() == "keep me"


def test_a_picker_may_not_make_reports(url: str, tmp_path: Path) -> None:
    code, out = run("people", "--out", str(tmp_path), "--badge", "P1001", "--pin", "9001",
                    "--db", url)  # fmt: skip
    assert code == 2
    assert out.strip() == "error: Ana Lindqvist may not make reports: needs the supervisor role"
