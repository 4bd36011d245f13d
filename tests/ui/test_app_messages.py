"""App-level events reach the app as messages: logout asked on the menu, store replaced.

Screens do not call the app's methods; they post a message the app handles, so the
message itself is what these tests watch (``run_test``'s message hook), besides what
the operator sees.
"""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlmodel import select
from textual.message import Message

from tests.ui.helpers import until, wait_store
from tests.ui.scanner import press, scan, settle
from tests.worlds.receiving import build
from wms_tui.domain.models import Event
from wms_tui.store import Store
from wms_tui.ui.app import WmsApp
from wms_tui.ui.messages import LogoutAsked, StoreReplaced
from wms_tui.ui.screens.home import HomeScreen
from wms_tui.ui.screens.login import LoginScreen
from wms_tui.ui.widgets.dialogs import AskConfirm


@pytest.fixture
def dock(sqlite_store: Store) -> Store:
    build(sqlite_store)
    return sqlite_store


def logouts(store: Store) -> int:
    with store.read() as s:
        return len(s.exec(select(Event).where(Event.kind == "logout")).all())


async def test_yes_to_log_out_on_the_menu_is_a_message_the_app_handles(dock: Store) -> None:
    posted: list[Message] = []
    app = WmsApp(dock.url, terminal="RCV-1")
    async with app.run_test(size=(40, 16), message_hook=posted.append) as pilot:
        await wait_store(pilot)
        await scan(pilot, "R3001")
        home = app.screen
        assert isinstance(home, HomeScreen)
        await press(pilot, "escape")
        assert isinstance(app.screen, AskConfirm)
        await press(pilot, "escape")  # no: nothing asked of the app
        await settle(pilot)
        assert app.screen is home and not [m for m in posted if isinstance(m, LogoutAsked)]
        await press(pilot, "escape")
        await press(pilot, "enter")  # yes
        await settle(pilot)
        # The hook sees a message at each pump it reaches: the screen, then the app.
        asked = {id(m): m for m in posted if isinstance(m, LogoutAsked)}
        assert len(asked) == 1
        assert app.actor is None and isinstance(app.screen, LoginScreen)
        assert len(app.screen_stack) == 1
    assert logouts(dock) == 1


async def test_a_replaced_store_is_said_once_through_a_message(dock: Store) -> None:
    posted: list[Message] = []
    app = WmsApp(dock.url, terminal="RCV-1")
    async with app.run_test(size=(40, 16), notifications=True, message_hook=posted.append) as pilot:
        await wait_store(pilot)
        await scan(pilot, "R3001")
        assert isinstance(app.screen, HomeScreen)
        app.check_store_replaced()  # what its 5-second timer runs
        await settle(pilot)
        assert not app.store_replaced and not [m for m in posted if isinstance(m, StoreReplaced)]
        with dock.engine.begin() as conn:  # another store's backup copied in
            conn.execute(text("UPDATE storeidentity SET uuid = 'another-store'"))
        app.check_store_replaced()
        await until(pilot, lambda: app.store_replaced, "the replaced store noticed")
        app.check_store_replaced()  # once said, not checked or said again
        await settle(pilot)
        assert len({id(m) for m in posted if isinstance(m, StoreReplaced)}) == 1
        said = [n.message for n in app._notifications if "store was replaced" in n.message]
        assert len(said) == 1, said
