"""``wms printers test [STATION]``: a test label and a test page on a station's printers."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import select
from typer.testing import CliRunner

from tests.fakes.lp import LP
from tests.fakes.raw_printer import RawPrinter
from tests.printing.helpers import barcodes
from tests.worlds import packing as pw
from wms_tui.cli.main import app
from wms_tui.domain.models import Station
from wms_tui.store import Store

runner = CliRunner()


@pytest.fixture
def station(sqlite_store: Store, tmp_path: Path) -> str:
    pw.build(sqlite_store, label_dir=str(tmp_path / "labels"))
    return sqlite_store.url


def test_files_only(station: str) -> None:
    result = runner.invoke(app, ["printers", "test", "PACK-1", "--db", station, "--no-print"])
    assert result.exit_code == 0, result.output
    label, page = (Path(x) for x in result.output.split() if x.endswith(".pdf"))
    assert label.name.startswith("test-label_") and page.name.startswith("test-page_")
    assert "TEST0000000001" in barcodes(label)


def test_sends_to_both_printers(
    station: str, sqlite_store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "lp").write_text(LP.format(log=tmp_path / "lp.args"))
    (bin_dir / "lp").chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}:/usr/bin:/bin")
    zebra = RawPrinter()
    with sqlite_store.unit_of_work() as uow:
        st = uow.session.exec(select(Station).where(Station.code == "PACK-2")).one()
        st.printer, st.printer_transport = f"127.0.0.1:{zebra.port}", "tcp"
        st.label_format, st.printer_dpi, st.document_printer = "zpl", 300, "office-a4"
        uow.add(st)
        uow.commit()
    result = runner.invoke(app, ["printers", "test", "PACK-2", "--db", station])
    assert result.exit_code == 0, result.output
    assert f"Sent to the label printer 127.0.0.1:{zebra.port}" in result.output
    assert "Sent to the document printer office-a4" in result.output
    zebra.close()
    # A test page re-sends the fonts (a new or reset printer), then the 300 dpi label.
    fonts_job, label_job = zebra.jobs
    assert fonts_job.startswith(b"~DY") and b"^PW1200" in label_job


def test_unknown_station_and_dead_printer(station: str, sqlite_store: Store) -> None:
    result = runner.invoke(app, ["printers", "test", "NOPE", "--db", station])
    assert result.exit_code == 2 and "No station NOPE" in result.output
    with sqlite_store.unit_of_work() as uow:
        st = uow.session.exec(select(Station).where(Station.code == "PACK-3")).one()
        st.printer, st.printer_transport = "127.0.0.1:1", "tcp"
        uow.add(st)
        uow.commit()
    result = runner.invoke(app, ["printers", "test", "PACK-3", "--db", station])
    assert result.exit_code == 1
    assert "label printer: printer 127.0.0.1:1 cannot be reached" in result.output
