"""The ``wms`` command: help, init, demo, and one-line errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from tests.worlds.demo import BuiltDemo
from wms_tui.cli.main import app
from wms_tui.store import Store
from wms_tui.store.urls import sqlite_path

runner = CliRunner()


def test_help_lists_every_command() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for cmd in ("init", "demo", "run"):
        assert cmd in result.output


def test_init_creates_empty_store_then_is_idempotent(tmp_path: Path) -> None:
    db = str(tmp_path / "wms.db")
    first = runner.invoke(app, ["init", "--db", db])
    assert first.exit_code == 0, first.output
    assert "Created" in first.output
    again = runner.invoke(app, ["init", "--db", db])
    assert again.exit_code == 0 and "Already initialised" in again.output


def test_unopenable_database_is_one_line_and_nonzero(tmp_path: Path) -> None:
    result = runner.invoke(app, ["run", "--db", str(tmp_path / "no" / "such" / "wms.db")])
    assert result.exit_code == 1
    assert "does not exist" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_newer_schema_is_refused_and_left_alone(tmp_path: Path) -> None:
    db = tmp_path / "wms.db"
    assert runner.invoke(app, ["init", "--db", str(db)]).exit_code == 0
    store = Store(f"sqlite:///{db}")
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0042'"))
    before = db.read_bytes()
    result = runner.invoke(app, ["run", "--db", str(db)])
    assert result.exit_code == 1 and "newer than this wms" in result.output
    store.dispose()
    assert db.read_bytes() == before


@pytest.mark.xdist_group("demo_build")
def test_demo_without_tui(sqlite_demo: BuiltDemo, tmp_path: Path) -> None:
    # The shared demo was built by `wms demo --db NEW --no-tui` (tests/worlds/demo.py).
    assert f"Demo warehouse created in {sqlite_path(sqlite_demo.url)}" in sqlite_demo.output
    db = sqlite_demo.copy(tmp_path / "demo.db").removeprefix("sqlite:///")
    again = runner.invoke(app, ["demo", "--db", db, "--no-tui"])
    assert again.exit_code == 0 and "created" not in again.output


def test_an_error_is_printed_as_plain_text(tmp_path: Path) -> None:
    # A folder named like rich markup must come out as typed, brackets and all.
    folder = tmp_path / "[bold]x[/]"
    result = runner.invoke(app, ["run", "--db", str(folder / "wms.db")])
    assert result.exit_code == 1
    assert "[bold]x[/]" in result.output


def test_simulate_day_prints_its_checks_and_exits_0(tmp_path) -> None:
    from typer.testing import CliRunner

    from wms_tui.cli.main import app

    db = tmp_path / "sim.db"
    result = CliRunner().invoke(
        app, ["simulate", "day", "--orders", "12", "--seed", "3", "--db", str(db)]
    )
    assert result.exit_code == 0, result.output
    assert "Day of 12 orders (seed 3)" in result.output
    assert "✓ stock = sum of movements, never negative: balanced" in result.output
    again = CliRunner().invoke(app, ["simulate", "day", "--orders", "2", "--db", str(db)])
    assert again.exit_code == 2 and "give it an empty one" in again.output


def test_simulate_day_prints_why_operators_were_refused(tmp_path, monkeypatch) -> None:
    from typer.testing import CliRunner

    from wms_tui.cli.main import app
    from wms_tui.services.demo import day_report, simulate

    def day(store, *, orders, seed, progress):  # noqa: ANN001, ANN202
        report = day_report.DayReport(orders=orders, seed=seed)
        key = ("inbox", "Exception N is closed")
        report.refusals[key] = 419
        report.refusal_examples[key] = "Exception 77 is closed"
        return report

    monkeypatch.setattr(simulate, "simulate_day", day)
    result = CliRunner().invoke(app, ["simulate", "day", "--db", str(tmp_path / "s.db")])
    assert result.exit_code == 0, result.output
    assert "Refused (419), by reason:" in result.output
    assert "419  inbox: Exception N is closed (e.g. Exception 77 is closed)" in result.output
