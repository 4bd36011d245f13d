"""The fast start: ``wms run``/``wms demo`` open the TUI before Typer and SQLModel load."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from wms_tui.cli.entry import DEMO_TERMINAL, default_terminal, fast_tui_args
from wms_tui.services.setup.store_init import init_store
from wms_tui.store import Store
from wms_tui.ui.app import WmsApp

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def db(tmp_path: Path) -> str:
    store, _ = init_store(str(tmp_path / "wms.db"))
    store.dispose()
    return str(tmp_path / "wms.db")


def test_plain_run_and_demo_on_an_existing_file_take_the_fast_start(
    db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("WMS_TERMINAL", raising=False)
    assert fast_tui_args(["run", "--db", db]) == (db, default_terminal())
    # The demo is its own pack station unless told otherwise: K2001 can close a parcel.
    assert fast_tui_args(["demo", "--db", db]) == (db, DEMO_TERMINAL)
    monkeypatch.setenv("WMS_TERMINAL", "HH-9")
    assert fast_tui_args(["demo", "--db", db]) == (db, "HH-9")
    assert fast_tui_args(["demo", f"--db={db}", "-t", "PACK-1"]) == (db, "PACK-1")
    assert fast_tui_args(["run", "--terminal", "HH-2", "--db", f"sqlite:///{db}"]) == (db, "HH-2")


def test_the_default_store_comes_from_the_environment_as_in_the_cli(
    db: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("WMS_DATABASE_URL", db)
    assert fast_tui_args(["run"]) == (db, default_terminal())
    monkeypatch.delenv("WMS_DATABASE_URL")
    monkeypatch.chdir(tmp_path)  # no data/wms.db here
    assert fast_tui_args(["run"]) is None


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["--help"],
        ["init"],
        ["run", "--help"],
        ["demo", "--reset"],
        ["demo", "--no-tui"],
        ["run", "--db"],  # the value is missing: Typer says so
        ["run", "--db", "postgresql+psycopg://u@h/wms"],
        ["run", "--bogus"],
    ],
)
def test_everything_else_goes_through_the_full_cli(db: str, argv: list[str]) -> None:
    assert fast_tui_args([a.replace("DB", db) for a in argv]) is None


def test_a_missing_file_is_left_to_the_cli_which_refuses_it(tmp_path: Path) -> None:
    assert fast_tui_args(["run", "--db", str(tmp_path / "nope.db")]) is None
    # Not on a terminal (a script, these tests): the full CLI, one line, exit 1.
    done = subprocess.run(
        [sys.executable, "-m", "wms_tui", "run", "--db", str(tmp_path / "nope.db")],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert done.returncode == 1 and "does not exist" in done.stderr
    assert "`wms init --db" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "nope.db").exists()  # refused, not created empty


async def test_a_store_the_app_cannot_open_ends_it_with_code_1_for_the_cli_to_explain(
    db: str,
) -> None:
    store = Store(f"sqlite:///{db}")
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0042'"))
    store.dispose()
    app = WmsApp(db, terminal="T1", quit_on_store_error=True, release_every=None)
    async with app.run_test(size=(40, 16)) as pilot:
        for _ in range(200):
            if app.store_error:
                break
            await pilot.pause(0.05)
        await pilot.pause()
    assert app.return_code == 1
    assert "newer than this wms" in (app.store_error or "")
    assert app.store is None


async def test_a_good_store_opens_as_before(db: str) -> None:
    app = WmsApp(db, terminal="T1", quit_on_store_error=True, release_every=None)
    async with app.run_test(size=(40, 16)) as pilot:
        while app.store is None and app.store_error is None:
            await pilot.pause(0.05)
        assert app.store_error is None and app.is_running
