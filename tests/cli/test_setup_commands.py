"""``wms import setup``: what the warehouse team sees, and exit codes."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.worlds.dbstate import snapshot
from tests.worlds.setup import edit, setup_copy
from wms_tui.cli.main import app
from wms_tui.store import Store

runner = CliRunner()


def init(tmp_path: Path) -> str:
    db = str(tmp_path / "wms.db")
    assert runner.invoke(app, ["init", "--db", db]).exit_code == 0
    return db


def test_dry_run_then_import_then_nothing_to_change(tmp_path: Path) -> None:
    db = init(tmp_path)
    folder = setup_copy(tmp_path)
    store = Store(f"sqlite:///{db}")
    before = snapshot(store)
    dry = runner.invoke(app, ["import", "setup", str(folder), "--dry-run", "--db", db])
    assert dry.exit_code == 0, dry.output
    assert dry.output.startswith("Dry run, nothing was changed:\n")
    assert "704 to create (A-01-1-A" in dry.output
    assert snapshot(store) == before
    done = runner.invoke(app, ["import", "setup", str(folder), "--db", db])
    assert done.exit_code == 0, done.output
    assert done.output.startswith("Master data imported:\n")
    assert "stations (pack locations)" in done.output and "4 created (PACK-1" in done.output
    again = runner.invoke(app, ["import", "setup", str(folder), "--db", db])
    assert again.exit_code == 0, again.output
    lines = again.output.splitlines()
    assert lines[0] == "Nothing changed: every row matches the store."
    assert [ln.split() for ln in lines[1:]] == [
        ["warehouse.csv", "1", "unchanged"],
        ["locations.csv", "704", "unchanged"],
        ["operators.csv", "13", "unchanged"],
        ["carriers.csv", "5", "unchanged"],
        ["services.csv", "11", "unchanged"],
        ["cartons.csv", "7", "unchanged"],
    ]
    store.dispose()


def test_one_problem_is_one_line_and_exit_2(tmp_path: Path) -> None:
    db = init(tmp_path)
    folder = setup_copy(tmp_path)
    # Square brackets are shown as typed, not taken for rich markup.
    edit(folder, "locations.csv", "A-01-1-B,A,1,1,B,pick", "A-01-1-B,A,1,1,B,[b]shelf")
    result = runner.invoke(app, ["import", "setup", str(folder), "--db", db])
    assert result.exit_code == 2
    assert result.output.splitlines() == [
        "error: locations.csv, row 3, kind: '[b]shelf' is not a location kind (pick, bulk, "
        "receiving, quarantine, pack, dispatch, tote); nothing was imported"
    ]


def test_every_problem_is_listed_then_one_error_line(tmp_path: Path) -> None:
    db = init(tmp_path)
    folder = setup_copy(tmp_path)
    edit(folder, "operators.csv", "P1002,", "P1001,")
    edit(folder, "services.csv", "CJ,CJ-EXP,CJ Express,13:00", "CJ,CJ-EXP,CJ Express,13.00")
    result = runner.invoke(app, ["import", "setup", str(folder), "--db", db])
    assert result.exit_code == 2
    assert result.output.splitlines() == [
        "operators.csv, row 3, badge: P1001 is already on row 2",
        "services.csv, row 3, cutoff: '13.00' is not a time like 15:00",
        "error: 2 problems; nothing was imported",
    ]


def test_single_files_may_be_given(tmp_path: Path) -> None:
    db = init(tmp_path)
    folder = setup_copy(tmp_path)
    result = runner.invoke(
        app,
        [
            "import",
            "setup",
            str(folder / "carriers.csv"),
            str(folder / "services.csv"),
            "--db",
            db,
        ],
    )
    assert result.exit_code == 0, result.output
    assert [ln.split()[:2] for ln in result.output.splitlines()[1:3]] == [
        ["carriers.csv", "5"],
        ["services.csv", "11"],
    ]


def test_changing_operators_takes_a_supervisors_badge(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("WMS_BADGE", raising=False)
    db = init(tmp_path)
    folder = setup_copy(tmp_path)
    first = runner.invoke(app, ["import", "setup", str(folder), "--db", db])
    assert first.exit_code == 0, first.output
    edit(folder, "operators.csv", "P1003,Oliver Bennett,picker", "P1003,Oliver Bennett,supervisor")
    refused = runner.invoke(app, ["import", "setup", str(folder), "--db", db])
    assert refused.exit_code == 2
    assert refused.output.splitlines() == [
        "error: Only a supervisor may change operators: "
        "give your badge and PIN (--badge, --pin); nothing was imported"
    ]
    done = runner.invoke(app, ["import", "setup", str(folder), "-b", "S9001", "--db", db])
    assert done.exit_code == 0, done.output
    assert "1 updated (P1003)" in done.output
