"""A store replaced under a running terminal (`wms demo --reset`, a restore).

The terminal notices on its next unit of work and refuses it in one line,
instead of writing into a deleted SQLite file (which an open connection
happily does) or into another store.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import func, select

from tests.ui.helpers import wait_store
from tests.ui.scanner import press, scan, settle
from wms_tui.domain.errors import StoreReplaced
from wms_tui.domain.models import Event, Operator
from wms_tui.store import Store, open_store
from wms_tui.ui.app import WmsApp
from wms_tui.ui.screens.home import HomeScreen
from wms_tui.ui.screens.login import LoginScreen
from wms_tui.ui.widgets.feedback import Feedback

ROOT = Path(__file__).resolve().parents[2]

# Another process doing what `wms demo --reset` does to a SQLite store.
RESET = """
import sys
from pathlib import Path
from wms_tui.store import Store, sqlite_path
url = sys.argv[1]
path = sqlite_path(url)
for suffix in ("", "-wal", "-shm"):
    p = Path(str(path) + suffix)
    if p.exists():
        p.unlink()
Store(url).create_schema()
"""


def reset_in_another_process(url: str) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    subprocess.run([sys.executable, "-c", RESET, url], check=True, env=env, timeout=120)


def add_operator(store: Store, badge: str) -> None:
    with store.unit_of_work() as uow:
        uow.add(Operator(badge=badge, name=badge, roles="receiver"))
        uow.commit()


def operators(url: str) -> int:
    store = Store(url)
    try:
        with store.read() as s:
            return s.exec(select(func.count()).select_from(Operator)).one()
    finally:
        store.dispose()


def test_a_sqlite_file_reset_by_another_process_refuses_the_next_write(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'wms.db'}"
    Store(url).create_schema()
    terminal = open_store(url)
    add_operator(terminal, "R1")
    assert not terminal.replaced()
    reset_in_another_process(url)
    assert terminal.replaced()
    with pytest.raises(StoreReplaced, match="replaced .* nothing saved") as err:
        add_operator(terminal, "R2")
    assert "\n" not in str(err.value)
    assert operators(url) == 0  # the new store got nothing from the old terminal
    terminal.dispose()
    assert not open_store(url).replaced()  # started again: works on the new store


def test_a_restore_of_another_store_is_noticed(db_url: str, backend: str) -> None:
    """Same file or database, other contents: the identity row tells them apart."""
    Store(db_url).create_schema() if backend == "sqlite" else None
    terminal = open_store(db_url, create=True)
    add_operator(terminal, "R1")
    other = Store(db_url)
    if backend == "sqlite":
        with other.engine.begin() as conn:  # what copying another store's backup in does
            conn.execute(text("UPDATE storeidentity SET uuid = 'another-store'"))
    else:
        from wms_tui.services.demo.build import _drop_all

        _drop_all(other)  # `wms demo --reset` on PostgreSQL
        other.create_schema()
    other.dispose()
    with pytest.raises(StoreReplaced):
        add_operator(terminal, "R2")
    terminal.dispose()


async def test_a_running_terminal_says_so_and_writes_nothing(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'wms.db'}"
    Store(url).create_schema()
    seed = Store(url)
    add_operator(seed, "R3001")
    seed.dispose()
    app = WmsApp(url, terminal="RCV-1")
    async with app.run_test(size=(40, 16)) as pilot:
        await wait_store(pilot)
        await scan(pilot, "R3001")
        assert isinstance(app.screen, HomeScreen)
        reset_in_another_process(url)
        add_operator(Store(url), "R3001")  # the reset store has the same badge
        app.check_store_replaced()  # what its 5-second timer runs
        for _ in range(200):
            if app.store_replaced:
                break
            await pilot.pause(0.02)
        assert app.store_replaced
        await settle(pilot)
        said = [n.message for n in app._notifications]
        assert any("store was replaced" in m for m in said), said
        # Log out and in again: the login (a write) is refused on the login screen.
        await press(pilot, "ctrl+l")
        await scan(pilot, "R3001")
        assert isinstance(app.screen, LoginScreen) and app.actor is None
        assert "store was replaced" in app.screen.query_one(Feedback).text
    fresh = Store(url)
    with fresh.read() as s:
        assert s.exec(select(Event).where(Event.terminal == "RCV-1")).all() == []
    fresh.dispose()
