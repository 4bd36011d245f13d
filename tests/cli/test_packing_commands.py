"""``wms reprint ORDER [--zpl] [--label|--slip]``."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import select
from typer.testing import CliRunner

from tests.printing.helpers import barcodes
from tests.worlds import factories as f
from tests.worlds import packing as pw
from tests.worlds.packing import pack
from wms_tui.cli.main import app
from wms_tui.domain.models import Event, Parcel
from wms_tui.store import Store

runner = CliRunner()


@pytest.fixture
def packed(sqlite_store: Store, tmp_path: Path, monkeypatch) -> tuple[str, Path, int]:
    w = pw.build(sqlite_store, label_dir=str(tmp_path / "labels"))
    oid = pack(w, "#1042")
    f.give_pin(sqlite_store, "K2001")  # a command that changes the store: badge and PIN
    monkeypatch.setenv("WMS_BADGE", "K2001")
    return sqlite_store.url, f.store_folder(sqlite_store, tmp_path / "labels"), oid


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def test_reprint_label_and_slip(packed, sqlite_store: Store) -> None:
    url, folder, oid = packed
    code, out = run("reprint", "#1042", "--db", url, "--badge", "K2001", "--no-print")
    assert code == 0, out
    files = [Path(line) for line in out.split() if line.endswith(".pdf")]
    assert [p.name.split("_")[0] for p in files] == ["label", "slip"]
    assert all(p.parent == folder and p.exists() for p in files)
    with sqlite_store.read() as s:
        tracking = s.exec(select(Parcel.tracking_number).where(Parcel.order_id == oid)).one()
        ev = s.exec(select(Event).where(Event.kind == "label.reprint")).one()
        assert ev.operator_name == "Johan Öberg"
    assert tracking in barcodes(files[0])


def test_reprint_zpl_label_only(packed) -> None:
    url, folder, _ = packed
    code, out = run("reprint", "1042", "--zpl", "--label", "--db", url, "--no-print")
    assert code == 0, out
    (path,) = [Path(line) for line in out.split() if line.endswith(".zpl")]
    assert path.read_text(encoding="utf-8").startswith("^XA")
    assert ".pdf" not in out


def test_reprint_bad_input(packed) -> None:
    url, _, _ = packed
    code, out = run("reprint", "#9999", "--db", url)
    assert code == 2 and "No order, SSCC or tracking number #9999" in out
    code, out = run("reprint", "#1043", "--db", url)
    assert code == 2 and "not packed: nothing to reprint" in out
    code, out = run("reprint", "#1042", "--db", url, "--badge", "NOPE")
    assert code == 2 and "Unknown badge NOPE" in out


def test_reprint_reports_a_printer_problem(packed, monkeypatch) -> None:
    url, _, _ = packed
    monkeypatch.setenv("PATH", "/nonexistent")
    code, out = run("reprint", "#1042", "--slip", "--db", url, "--printer", "office")
    assert code == 1 and "slip_" in out and "lp" in out
