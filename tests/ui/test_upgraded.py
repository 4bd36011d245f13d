"""A terminal whose program was upgraded under it ends with one line, not a traceback.

The app imports screens and services when they are first needed; after an upgrade such
an import reads new files into the old program. The operator is logged out (a claimed
task paused) and ``wms run`` starts again on the new code (``ui/upgraded.py``).
"""

from __future__ import annotations

import sys

import pytest
from sqlmodel import select

from tests.ui.helpers import MENU_KEYS, sign_in, until
from tests.ui.scanner import press
from wms_tui.domain.enums import EventKind
from wms_tui.domain.models import Event
from wms_tui.store import Store
from wms_tui.ui import upgraded
from wms_tui.ui.app import WmsApp

MOVED = "wms_tui.ui.screens.stock"


def _shown_on_exit(app: WmsApp) -> str:
    return " ".join(
        "".join(seg.text for seg in getattr(r, "segments", [])) or str(r)
        for r in app._exit_renderables
    )


@pytest.mark.parametrize("size", [(40, 16), (120, 40)])
async def test_a_screen_moved_by_an_upgrade_logs_out_and_ends_in_one_line(
    floor: Store, size: tuple[int, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    app = WmsApp(floor.url, terminal="HH-07")
    async with app.run_test(size=size) as pilot:
        await sign_in(pilot, "P1001")
        entries = [e.id for e in app.screen.entries]
        # The stock screen's module is gone from where this program expects it
        # (None in sys.modules: importing it raises ModuleNotFoundError).
        monkeypatch.setitem(sys.modules, MOVED, None)
        await press(pilot, MENU_KEYS[entries.index("stock")])
        await until(pilot, lambda: app.return_code is not None, "the app to end")
        shown = _shown_on_exit(app)  # printed (and cleared) as the app ends
    # No traceback re-raised by run_test: the app ended on purpose, for a restart.
    assert app.return_code == upgraded.UPGRADED_EXIT
    assert "wms was upgraded while this terminal ran" in shown and "Traceback" not in shown
    assert MOVED in shown and "Start wms again" in shown
    with floor.read() as s:
        kinds = s.exec(select(Event.kind).where(Event.operator_name == "Ana Lindqvist")).all()
    assert EventKind.LOGOUT in kinds


async def test_another_packages_import_error_is_still_a_crash(floor: Store) -> None:
    app = WmsApp(floor.url, terminal="HH-07")
    with pytest.raises(ModuleNotFoundError):
        async with app.run_test(size=(40, 16)) as pilot:
            await sign_in(pilot, "P1001")
            app.call_later(_import_missing_package)
            await until(pilot, lambda: app.return_code is not None, "the app to end")
    assert app.return_code == 1


def _import_missing_package() -> None:
    raise ModuleNotFoundError("No module named 'psycopg'", name="psycopg")


def test_moved_code_is_found_behind_a_workers_failure_and_a_cause() -> None:
    from textual.worker import WorkerFailed

    moved = ImportError(
        "cannot import name 'x' from 'wms_tui.services.y'", name="wms_tui.services.y"
    )
    try:
        try:
            raise moved
        except ImportError as exc:
            raise RuntimeError("while opening the screen") from exc
    except RuntimeError as wrapped:
        assert upgraded.moved_code(WorkerFailed(wrapped)) is moved
    assert upgraded.moved_code(ValueError("x")) is None


def test_wms_run_starts_again_once_a_minute_at_most(monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[list[str]] = []
    monkeypatch.setattr(upgraded.os, "execv", lambda exe, argv: started.append(argv))
    monkeypatch.setattr(sys, "orig_argv", ["python", "-m", "wms_tui", "run", "-t", "HH-07"])
    monkeypatch.delenv(upgraded.RESTARTED_AT, raising=False)
    monkeypatch.delenv(upgraded.RESTART_NOTE, raising=False)
    upgraded.restart_after_upgrade(0)  # an ordinary quit
    upgraded.restart_after_upgrade(1)  # a crash
    assert started == []
    upgraded.restart_after_upgrade(upgraded.UPGRADED_EXIT)
    assert started == [[sys.executable, "-m", "wms_tui", "run", "-t", "HH-07"]]
    assert upgraded.os.environ[upgraded.RESTART_NOTE] == upgraded.NOTE
    # The new code met a missing module too, within the minute: a broken install.
    upgraded.restart_after_upgrade(upgraded.UPGRADED_EXIT)
    assert len(started) == 1


async def test_the_login_screen_says_why_after_a_restart(
    floor: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(upgraded.RESTART_NOTE, upgraded.NOTE)
    app = WmsApp(floor.url, terminal="HH-07")
    async with app.run_test(size=(40, 16)) as pilot:
        await until(pilot, lambda: app._notifications, "the note")
        assert [n.message for n in app._notifications] == [upgraded.NOTE]
    assert upgraded.RESTART_NOTE not in upgraded.os.environ
