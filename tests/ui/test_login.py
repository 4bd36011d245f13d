"""Login, role menus and logout, driven like a floor worker with a scanner."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import select
from textual.geometry import Region
from textual.widgets import OptionList, Static

from tests.ui.helpers import SIZES, shown_text, until, wait_store
from tests.ui.scanner import log_in, press, scan, settle
from tests.worlds.demo import BuiltDemo
from tests.worlds.people import login_people
from wms_tui.domain.models import Event
from wms_tui.store import Store
from wms_tui.ui.app import WmsApp
from wms_tui.ui.menu import MENU, MENU_KEYS, entries_for
from wms_tui.ui.screens.home import HomeScreen
from wms_tui.ui.screens.login import LoginScreen
from wms_tui.ui.widgets.feedback import Feedback
from wms_tui.ui.widgets.fitting_footer import FittingFooter


@pytest.fixture
def people(sqlite_store: Store) -> Store:
    login_people(sqlite_store)
    return sqlite_store


@pytest.mark.parametrize("size", SIZES)
async def test_badge_login_shows_role_menu(people: Store, size: tuple[int, int]) -> None:
    app = WmsApp(people.url, terminal="HH-07")
    async with app.run_test(size=size) as pilot:
        assert isinstance(app.screen, LoginScreen)
        await wait_store(pilot)
        await scan(pilot, "P1001")
        assert isinstance(app.screen, HomeScreen)
        assert app.actor is not None and app.actor.name == "Ana Lindqvist"
        assert app.actor.terminal == "HH-07"
        bar = str(app.screen.query_one("#bar-who").render())
        # A handheld's bar gives the terminal code's columns to the screen's title.
        assert "Ana Lindqvist" in bar and ("HH-07" in bar) == (size[0] >= 120)
        shown = [e.id for e in app.screen.entries]
        assert shown == [e.id for e in entries_for({"picker"})]
        assert all("picker" in e.roles for e in app.screen.entries)
    with people.read() as s:
        ev = s.exec(select(Event).where(Event.kind == "login")).one()
        assert (ev.operator_name, ev.terminal) == ("Ana Lindqvist", "HH-07")


async def test_unknown_badge_rings_and_says_so(people: Store) -> None:
    app = WmsApp(people.url, terminal="HH-07")
    bells: list[int] = []
    app.bell = lambda: bells.append(1)  # type: ignore[method-assign]
    async with app.run_test(size=(40, 16)) as pilot:
        await wait_store(pilot)
        for badge in ("NOPE42", "X0000"):
            await scan(pilot, badge)
            assert isinstance(app.screen, LoginScreen)
            msg = app.screen.query_one(Feedback).text
            assert "Unknown badge" in msg and badge in msg
        assert len(bells) == 2
        assert app.actor is None


async def test_scanner_control_characters_are_ignored(people: Store) -> None:
    app = WmsApp(people.url, terminal="HH-07")
    async with app.run_test(size=(40, 16)) as pilot:
        await wait_store(pilot)
        app.screen.query_one("#badge").value = "S9001\x1d\r"
        await press(pilot, "enter")
        await scan(pilot, "9001")
        # Pilot's idle guess can come back before the PIN is checked on a busy
        # machine; the test then ended the app under the login (ScreenStackError).
        await until(pilot, lambda: app.actor is not None, "the PIN to be checked")
        assert app.actor.name == "Min-jun Kim"


async def test_logout_returns_to_login(people: Store) -> None:
    app = WmsApp(people.url, terminal="HH-07")
    async with app.run_test(size=(40, 16)) as pilot:
        await wait_store(pilot)
        await log_in(pilot, "S9999", "9999")
        assert isinstance(app.screen, HomeScreen)
        await press(pilot, "ctrl+l")
        assert isinstance(app.screen, LoginScreen) and app.actor is None


async def test_idle_logout(people: Store) -> None:
    app = WmsApp(people.url, terminal="HH-07", idle_minutes=0.001)  # 60 ms
    async with app.run_test(size=(40, 16)) as pilot:
        await wait_store(pilot)
        await scan(pilot, "P1001")
        assert app.actor is not None
        await pilot.pause(0.1)
        app._check_idle()  # the 5 s interval, without waiting for it
        await settle(pilot)
        assert app.actor is None and isinstance(app.screen, LoginScreen)
    with people.read() as s:
        ev = s.exec(select(Event).where(Event.kind == "logout")).one()
        assert ev.detail == "idle"


async def test_number_keys_open_menu_entries(people: Store) -> None:
    app = WmsApp(people.url, terminal="HH-07")
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_store(pilot)
        await log_in(pilot, "S9999", "9999")
        home = app.screen
        assert isinstance(home, HomeScreen)
        if not home.entries:
            # No feature screens installed: the menu says so instead of a dead list.
            assert not home.query(OptionList)
            return
        await pilot.press("1")
        await pilot.pause()
        assert type(app.screen).__name__ == home.entries[0].screen
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is home
        await pilot.press("9" if len(home.entries) < 9 else "j")
        await pilot.pause()
        assert app.screen is home  # no such entry: bell, stay


def test_menu_entries_are_role_filtered() -> None:
    for entry in MENU:
        assert entry.roles, entry.id
    assert all(e.exists() for e in entries_for({"supervisor"}))


async def test_bad_database_shows_error_on_login(tmp_path) -> None:
    app = WmsApp(f"sqlite:///{tmp_path / 'nowhere' / 'x.db'}", terminal="HH-07")
    async with app.run_test(size=(40, 16)) as pilot:
        await wait_store(pilot)
        assert app.store is None and "does not exist" in (app.store_error or "")
        await scan(pilot, "P1001")
        assert "does not exist" in app.screen.query_one(Feedback).text


async def test_older_database_shows_the_upgrade_command_on_login(sqlite_url: str) -> None:
    from tests.store.old_revisions import database_at

    database_at(sqlite_url, "0002")
    app = WmsApp(sqlite_url, terminal="HH-07")
    async with app.run_test(size=(40, 16)) as pilot:
        await wait_store(pilot)
        assert app.store is None and "wms db upgrade --db" in (app.store_error or "")
        await scan(pilot, "P1001")
        assert "wms db upgrade --db" in app.screen.query_one(Feedback).text
    store = Store(sqlite_url)
    assert store.schema_revision() == "0002"
    store.dispose()


@pytest.mark.parametrize("size", SIZES)
async def test_menu_entries_take_one_line_each(people: Store, size: tuple[int, int]) -> None:
    """A long hint ("cut-offs, exceptions") is cut on a handheld, not wrapped."""
    app = WmsApp(people.url, terminal="HH-07")
    async with app.run_test(size=size) as pilot:
        await wait_store(pilot)
        await log_in(pilot, "S9999", "9999")
        menu = app.screen.query_one("#home-menu", OptionList)
        assert menu.option_count > 9
        assert menu.virtual_size.height == menu.option_count


async def test_a_long_menu_scrolls_above_the_footer_on_a_handheld(people: Store) -> None:
    """Every role's entries on a 40×16 handheld: the footer's "^l Log out" stays in view."""
    app = WmsApp(people.url, terminal="HH-07")
    async with app.run_test(size=(40, 16)) as pilot:
        await wait_store(pilot)
        await log_in(pilot, "S9999", "9999")
        menu = app.screen.query_one("#home-menu", OptionList)
        footer = app.screen.query_one(FittingFooter)
        assert menu.option_count == len(MENU)
        assert footer.region == Region(0, 15, 40, 1)
        logout = [k for k in footer.query("FooterKey") if k.description == "Log out"]
        assert logout and footer.region.contains_region(logout[0].region)
        assert menu.region.bottom <= footer.region.y
        for index in range(menu.option_count):
            assert menu.highlighted == index
            top, rows = menu.scroll_offset.y, menu.scrollable_content_region.height
            assert top <= index < top + rows, f"entry {index} is scrolled out of view"
            assert footer.region == Region(0, 15, 40, 1)
            await press(pilot, "down")


async def test_every_entry_fits_a_handheld_for_all_four_roles(people: Store) -> None:
    """The greeting keeps to one row, which leaves the menu 13 rows at 40×16; an
    operator with every role has more entries than that, and the menu scrolls
    (``test_a_long_menu_scrolls_above_the_footer_on_a_handheld``)."""
    app = WmsApp(people.url, terminal="HH-07")
    async with app.run_test(size=(40, 16)) as pilot:
        await wait_store(pilot)
        await log_in(pilot, "S9999", "9999")
        hello = app.screen.query_one("#home-hello")
        assert hello.region.height == 1
        assert str(hello.render()).startswith("Hello Admin (")
        menu = app.screen.query_one("#home-menu", OptionList)
        assert menu.option_count == len(MENU)
        assert menu.scrollable_content_region.height >= min(13, len(MENU))


async def test_each_screen_is_titled_as_its_menu_entry(people: Store) -> None:
    """A worker who chose "Cycle count" reads "Cycle count" on top, not "Count"."""
    app = WmsApp(people.url, terminal="HH-07")
    titles: dict[str, str] = {}
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_store(pilot)
        await log_in(pilot, "S9999", "9999")  # every role: every entry
        home = app.screen
        assert isinstance(home, HomeScreen) and len(home.entries) == len(MENU)
        for key, entry in zip(MENU_KEYS, home.entries, strict=False):
            await pilot.press(key)
            await pilot.pause()
            assert type(app.screen).__name__ == entry.screen
            titles[entry.label] = str(app.screen.query_one("#bar-title", Static).render())
            app.screen.dismiss()
            await pilot.pause()
            assert app.screen is home
    assert titles == {entry.label: entry.label for entry in MENU}


@pytest.mark.parametrize("size", SIZES)
async def test_a_supervisor_gives_badge_then_pin(people: Store, size: tuple[int, int]) -> None:
    app = WmsApp(people.url, terminal="HH-07")
    bells: list[int] = []
    app.bell = lambda: bells.append(1)  # type: ignore[method-assign]
    async with app.run_test(size=size) as pilot:
        await wait_store(pilot)
        await scan(pilot, "S9001")
        screen = app.screen
        assert isinstance(screen, LoginScreen) and app.actor is None
        assert screen.query_one("#pin").display and not screen.query_one("#badge").display
        assert "PIN for S9001" in str(screen.query_one("#login-title", Static).render())
        await scan(pilot, "1111")  # wrong: refused, still asking for the PIN
        assert app.actor is None and bells == [1]
        assert screen.query_one(Feedback).text.startswith("✗ Wrong PIN for S9001")
        assert screen.query_one("#pin").value == ""  # the PIN is never left on screen
        await press(pilot, "escape")  # another badge instead
        await settle(pilot)
        assert screen.query_one("#badge").display and screen.badge_for_pin is None
        await scan(pilot, "S9001")
        await scan(pilot, "9001")
        assert isinstance(app.screen, HomeScreen) and app.actor.name == "Min-jun Kim"
        await press(pilot, "ctrl+l")  # and the next login starts from the badge again
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)
        assert app.screen.query_one("#badge").display
    with people.read() as s:
        failed = s.exec(select(Event).where(Event.kind == "auth.failed")).one()
        assert (failed.operator_name, failed.terminal) == ("Min-jun Kim", "HH-07")


async def test_any_keystrokes_at_login_never_crash(people: Store) -> None:
    app = WmsApp(people.url, terminal="HH-07")
    async with app.run_test(size=(40, 16)) as pilot:
        await wait_store(pilot)
        for junk in ("²", "①", "\u202eS9001", "S9001\x00", "٣٣", "x" * 300):
            app.screen.query_one("#badge").value = junk
            await press(pilot, "enter")
            assert isinstance(app.screen, LoginScreen)
            shown = app.screen.query_one(Feedback).text
            assert "\x00" not in shown and "\u202e" not in shown and len(shown) < 80


@pytest.mark.xdist_group("demo_build")
@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize(
    ("badge", "pin", "roles"),
    [
        ("S9999", "9999", {"picker", "packer", "receiver", "supervisor"}),
        ("K2001", "", {"packer"}),
        ("P1001", "", {"picker"}),
    ],
)
async def test_demo_login_names_badges_that_work(
    sqlite_demo: BuiltDemo,
    tmp_path: Path,
    size: tuple[int, int],
    badge: str,
    pin: str,
    roles: set[str],
) -> None:
    """A newcomer on `wms demo` met a bare "Scan your badge"; the badges were only in
    the README. The demo's login names some, whole at a handheld's 40 columns, and
    each logs in with the roles it claims."""
    app = WmsApp(sqlite_demo.copy(tmp_path / "demo.db"), terminal="HH-07")
    async with app.run_test(size=size) as pilot:
        await wait_store(pilot)
        await settle(pilot)
        hint = shown_text(app.screen.query_one("#login-hint"))
        assert "S9999 PIN 9999 (all roles)" in hint
        assert "K2001 packer · P1001 picker" in hint
        await log_in(pilot, badge, pin)
        assert app.actor is not None and set(app.actor.roles) == roles


async def test_a_real_warehouse_login_names_no_badge(people: Store) -> None:
    app = WmsApp(people.url, terminal="HH-07")
    async with app.run_test(size=(40, 16)) as pilot:
        await wait_store(pilot)
        await settle(pilot)
        assert not app.screen.query_one("#login-hint").display
        assert "S9999" not in shown_text(app.screen)
