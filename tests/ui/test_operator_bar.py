"""The operator bar: the screen's title first, the operator, the warehouse's clock."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from rich.cells import cell_len
from textual.widgets import Static

from tests.ui.helpers import until, wait_store
from tests.ui.scanner import press, scan, settle
from tests.worlds import factories as f
from tests.worlds.people import pickers_in_seoul
from wms_tui.domain.clock import set_clock
from wms_tui.store import Store
from wms_tui.ui.app import WmsApp
from wms_tui.ui.screens.login import LoginScreen
from wms_tui.ui.screens.lookup import LookupScreen
from wms_tui.ui.screens.order_detail import OrderScreen
from wms_tui.ui.widgets.operator_bar import OperatorBar, fit_bar, initials, short_name

SIZES = [(40, 16), (120, 40)]
# 08:05 UTC is 17:05 in Seoul (no summer time there): not the terminal's clock.
NOW = datetime(2026, 11, 24, 8, 5, tzinfo=UTC)


@pytest.fixture
def store(sqlite_store: Store) -> Store:
    pickers_in_seoul(sqlite_store)
    return sqlite_store


def bar_texts(app: WmsApp) -> tuple[str, str]:
    bar = app.screen.query_one(OperatorBar)
    title = str(bar.query_one("#bar-title", Static).render())
    who = str(bar.query_one("#bar-who", Static).render())
    return title, who


def shown_whole(app: WmsApp) -> bool:
    """The title is not cut: its text fits the columns its widget got."""
    widget = app.screen.query_one(OperatorBar).query_one("#bar-title", Static)
    return cell_len(str(widget.render())) <= widget.content_region.width


def test_names_shorten_to_first_name_and_initial_then_initials() -> None:
    assert short_name("Ana Lindqvist") == "Ana L."
    assert short_name("Märta Sjöberg-Lindqvist") == "Märta S."
    assert short_name("김지훈 (Jihoon Kim)") == "김지훈"
    assert short_name("ADMIN") == "ADMIN"
    assert initials("Björn Åkesson") == "BÅ"
    assert initials("김지훈 (Jihoon Kim)") == "김지훈"


def test_the_title_wins_and_the_terminal_goes_first() -> None:
    name, term = "Märta Sjöberg-Lindqvist", "HH-07"
    assert fit_bar(120, "wms · order lookup", name, term, "17:05") == (
        "wms · order lookup",
        "Märta Sjöberg-Lindqvist · HH-07 · 17:05",
    )
    assert fit_bar(45, "Pick", name, term, "17:05") == ("Pick", "Märta Sjöberg-Lindqvist · 17:05")
    assert fit_bar(40, "wms · order lookup", name, term, "17:05") == (
        "order lookup",
        "Märta S. · 17:05",
    )
    assert fit_bar(30, "wms · order lookup", name, term, "17:05") == ("order lookup", "MS · 17:05")
    # Logged out: the terminal and the clock.
    assert fit_bar(40, "wms · log in", None, term, "17:05") == ("wms · log in", "HH-07 · 17:05")
    # Hangul takes two columns a letter: the name in brackets goes.
    assert fit_bar(40, "wms · order lookup", "김지훈 (Jihoon Kim)", term, "17:05") == (
        "order lookup",
        "김지훈 · 17:05",
    )


@pytest.mark.parametrize("size", SIZES)
async def test_bar_shows_the_whole_title_and_the_warehouse_clock(
    store: Store, size: tuple[int, int]
) -> None:
    set_clock(lambda: NOW)
    app = WmsApp(store.url, terminal="HH-07")
    async with app.run_test(size=size) as pilot:
        await wait_store(pilot)
        await scan(pilot, "P1009")
        app.push_screen(LookupScreen())
        await settle(pilot)
        title, who = bar_texts(app)
        assert shown_whole(app), title
        if size[0] >= 120:
            assert (title, who) == ("Order lookup", "Märta Sjöberg-Lindqvist · HH-07 · 17:05")
        else:
            assert (title, who) == ("Order lookup", "Märta S. · 17:05")
        # The bar follows a resize of the terminal.
        await pilot.resize_terminal(40 if size[0] >= 120 else 120, size[1])
        await settle(pilot)
        assert shown_whole(app)
        assert bar_texts(app)[1].endswith("17:05")


async def test_bar_forgets_the_operator_at_logout(store: Store) -> None:
    set_clock(lambda: NOW)
    app = WmsApp(store.url, terminal="HH-07")
    async with app.run_test(size=(40, 16)) as pilot:
        await wait_store(pilot)
        login = app.screen
        assert isinstance(login, LoginScreen)
        assert bar_texts(app) == ("wms · log in", "HH-07 · 17:05")
        await scan(pilot, "P1001")
        # The login screen's bar ticks on under the menu while Ana is logged in.
        login.query_one(OperatorBar).refresh_who()
        await press(pilot, "ctrl+l")
        assert app.screen is login
        assert bar_texts(app) == ("wms · log in", "HH-07 · 17:05")


@pytest.mark.parametrize("size", SIZES)
async def test_the_order_screens_title_is_fitted_like_any_other(
    store: Store, size: tuple[int, int]
) -> None:
    """It wrote its title straight into the bar: at 40 columns "wms · or…" beside the
    whole "김지훈 (Jihoon Kim)", where the name should give way."""
    set_clock(lambda: NOW)
    with store.unit_of_work() as uow:
        oid = f.order(uow, "#D1008", [(f.product(uow, "MUG"), 1)]).id
        uow.commit()
    app = WmsApp(store.url, terminal="HH-07")
    async with app.run_test(size=size) as pilot:
        await wait_store(pilot)
        await scan(pilot, "P1002")
        app.push_screen(OrderScreen(oid))
        await until(pilot, lambda: app.screen.detail is not None, "the order")
        await settle(pilot)
        title, who = bar_texts(app)
        assert shown_whole(app), title
        if size[0] >= 120:
            assert (title, who) == ("wms · order #D1008", "김지훈 (Jihoon Kim) · HH-07 · 17:05")
        else:
            assert (title, who) == ("order #D1008", "김지훈 · 17:05")


def test_the_clock_turns_on_the_minute() -> None:
    """It refreshed every 30 s from mount: the header could show the previous minute
    for up to half a minute."""
    from wms_tui.ui.widgets.operator_bar import until_next_minute

    assert until_next_minute(datetime(2026, 12, 7, 9, 59, 59, 900_000)) == pytest.approx(0.15)
    assert until_next_minute(datetime(2026, 12, 7, 10, 0, 0)) == pytest.approx(60.05)
    assert until_next_minute(datetime(2026, 12, 7, 10, 0, 30)) == pytest.approx(30.05)
