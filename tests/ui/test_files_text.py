"""Files said in a message: names, and their folder once, short enough for a handheld."""

from __future__ import annotations

from pathlib import Path

import pytest

from wms_tui.ui.files_text import files_text, folder_text


def test_a_folder_inside_the_working_folder_is_said_relative_to_it(tmp_path: Path) -> None:
    # Tests run in tmp_path (conftest), as the demo runs in its own folder.
    assert files_text(tmp_path / "labels" / "picklist_W1.pdf") == "picklist_W1.pdf in labels/"
    assert files_text(Path("data/reports/returns.csv")) == "returns.csv in data/reports/"
    assert files_text(tmp_path / "x.pdf") == "x.pdf"  # the working folder itself


def test_one_folder_is_said_once(tmp_path: Path) -> None:
    folder = tmp_path / "labels" / "manifests"
    said = files_text(folder / "PN-1.pdf", str(folder / "PN-1.csv"))
    assert said == "PN-1.pdf, PN-1.csv in labels/manifests/"
    other = files_text(folder / "PN-1.pdf", tmp_path / "reports" / "r.csv")
    assert other == "PN-1.pdf in labels/manifests/; r.csv in reports/"


def test_a_long_folder_keeps_its_last_parts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", "/home/ana")
    assert folder_text(Path("/srv/wms/labels")) == "/srv/wms/labels/"
    assert folder_text(Path("/home/ana/wms/labels")) == "~/wms/labels/"
    deep = Path("/mnt/shared-drive/warehouse-documents/wms/labels")
    assert folder_text(deep) == "…/wms/labels/"
    assert folder_text(Path("/mnt/x/an-extraordinarily-long-folder-name")) == (
        "…/an-extraordinarily-long-folder-name/"  # a name is never cut
    )
