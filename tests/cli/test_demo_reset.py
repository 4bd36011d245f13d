"""``wms demo --reset`` destroys only a store ``wms demo`` built, and asks first.

Before #16 it dropped every table of any PostgreSQL store and deleted any
``--db`` file, with no question.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import func, select
from typer.testing import CliRunner

from tests.worlds import factories as f
from tests.worlds.dbstate import snapshot
from tests.worlds.demo import BuiltDemo, row_counts
from wms_tui.cli.main import app
from wms_tui.domain.models import Order
from wms_tui.services.demo.mark import is_demo_store
from wms_tui.store import Store
from wms_tui.store.urls import shown_url

runner = CliRunner()
REFUSAL = "is not a demo store (not built by `wms demo`): not reset"


def _reset(db: str, *extra: str, input: str | None = None):
    return runner.invoke(app, ["demo", "--db", db, "--reset", "--no-tui", *extra], input=input)


def test_a_store_wms_init_made_is_never_reset(empty_store: Store, db_url: str) -> None:
    with empty_store.unit_of_work() as uow:
        f.warehouse(uow)
        f.order(uow, "#1001", [])
        uow.commit()
    before = snapshot(empty_store)
    for extra in ((), ("--yes",)):
        result = _reset(db_url, *extra, input="y\n")
        assert result.exit_code != 0
        line = result.output.strip()
        assert "\n" not in line
        assert line.endswith(
            f"{shown_url(db_url)} is not a demo store (not built by `wms demo`): not reset"
        )
    assert snapshot(empty_store) == before


def test_a_file_that_is_no_database_is_left_alone(tmp_path: Path) -> None:
    db = tmp_path / "prod.db"
    db.write_bytes(b"quarterly numbers, not SQLite" * 100)
    result = _reset(str(db), "--yes")
    assert result.exit_code != 0 and "is not a demo store" in result.output
    assert db.read_bytes() == b"quarterly numbers, not SQLite" * 100


@pytest.mark.slow
@pytest.mark.xdist_group("demo_build")
def test_the_demo_is_reset_after_a_yes_and_kept_after_a_no(
    sqlite_demo: BuiltDemo, tmp_path: Path
) -> None:
    db = str(tmp_path / "demo.db")
    store = Store(sqlite_demo.copy(Path(db)))
    try:
        assert is_demo_store(store)
        with store.unit_of_work() as uow:
            f.order(uow, "#TRAINING-1", [])
            uow.commit()
    finally:
        store.dispose()

    def extra_orders() -> int:
        s = Store(f"sqlite:///{db}")
        try:
            with s.read() as r:
                return r.exec(
                    select(func.count()).select_from(Order).where(Order.name == "#TRAINING-1")
                ).one()
        finally:
            s.dispose()

    no = _reset(db, input="n\n")
    assert no.exit_code != 0 and "Delete the demo store" in no.output
    assert extra_orders() == 1
    yes = _reset(db, input="y\n")
    assert yes.exit_code == 0, yes.output
    assert "Demo warehouse created" in yes.output
    assert extra_orders() == 0
    rebuilt = Store(f"sqlite:///{db}")
    try:
        assert row_counts(rebuilt) == row_counts(sqlite_demo.store), "as built the first time"
    finally:
        rebuilt.dispose()


def test_reset_where_there_is_no_store_just_builds_the_demo(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Only the seed files are loaded: the week's replay and the shift's walk are
    # what every build does, and the shared demo (tests/worlds/demo.py) checks them.
    from wms_tui.services.demo import build

    monkeypatch.setattr(build, "replay_history", lambda store, statuses: None)
    monkeypatch.setattr(build, "advance_demo_orders", lambda store: {})
    db = str(tmp_path / "new.db")
    result = _reset(db)  # no store yet: nothing to lose, nothing asked
    assert result.exit_code == 0, result.output
    assert "Delete" not in result.output and "Demo warehouse created" in result.output
    store = Store(f"sqlite:///{db}")
    try:
        assert is_demo_store(store)
    finally:
        store.dispose()
