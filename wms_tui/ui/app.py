"""The Textual application: login, home menu, idle logout, the store.

The login screen is painted before the store is opened: the database and
SQLModel imports happen in a worker thread, so a handheld shows "Scan your
badge" at once instead of a blank screen.
"""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from textual import events, on, work
from textual.binding import Binding
from textual.screen import Screen

from wms_tui.domain.clock import utcnow
from wms_tui.ui.messages import (
    BadgeScanned,
    LoggedIn,
    LoginRefused,
    LogoutAsked,
    PinAsked,
    StoreOpened,
    StoreReplaced,
)
from wms_tui.ui.quiet_gc import TICK, QuietCollector, freeze_long_lived
from wms_tui.ui.scan_keys import ScanKeysApp
from wms_tui.ui.screens.login import LoginScreen
from wms_tui.ui.upgraded import RESTART_NOTE
from wms_tui.ui.widgets.operator_bar import OperatorBar

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from wms_tui.domain.actor import Actor
    from wms_tui.services.intake.release import ReleaseResult
    from wms_tui.store import Store

DEFAULT_IDLE_MINUTES = 10.0
# Orders past their grace period are released by whichever terminal gets there
# first; BEGIN IMMEDIATE makes that safe from any number of terminals.
RELEASE_EVERY_SECONDS = 60.0


def preload_scan_screens() -> None:
    """Import the screens worked scan by scan (and their services) before the freeze.

    What a module creates lives as long as the app: frozen once at start-up, full
    collections never walk it again. The pack screen used to freeze on its first visit,
    which a screen has no business deciding (and which pinned that visit's objects);
    here it costs the store-opening worker, after the first paint, not a scan.
    """
    import wms_tui.ui.screens.packing
    import wms_tui.ui.screens.picking
    import wms_tui.ui.screens.receiving  # noqa: F401 - imported for the freeze


class WmsApp(ScanKeysApp):
    TITLE = "wms"
    CSS_PATH = Path(__file__).with_name("app.tcss")
    ENABLE_COMMAND_PALETTE = False
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", show=False, id="quit"),
    ]
    # Logs out from every screen (see on_event); the home menu shows it in its footer.
    LOGOUT_KEY = "ctrl+l"

    def __init__(
        self,
        db_url: str,
        *,
        terminal: str = "T1",
        idle_minutes: float | None = None,
        release_every: float | None = RELEASE_EVERY_SECONDS,
        freeze_memory: bool = False,
        quit_on_store_error: bool = False,
        hangup_logout: bool = False,
    ) -> None:
        """``freeze_memory``: freeze what is alive once the store is open and at
        the first login (see ``quiet_gc``). On for a real terminal; off in tests,
        where many apps live in one process and frozen ones would never be freed.

        ``quit_on_store_error``: a store that cannot be opened ends the app
        (``store_error`` says why, return code 1) instead of showing it on the
        login screen: the fast start of ``wms run`` paints before the store is
        checked, and hands a refusal back to the command line (see ``cli.entry``).

        ``hangup_logout``: on SIGHUP (the terminal window closed, the SSH or
        browser connection of a device dropped) log the operator out, which
        pauses a claimed pick task, and quit. On for a real terminal.
        """
        super().__init__()
        self.quit_on_store_error = quit_on_store_error
        self.freeze_memory = freeze_memory
        self.hangup_logout = hangup_logout
        self.quiet_gc = QuietCollector()
        self.release_every = release_every
        self.db_url = db_url
        self.terminal = terminal
        self.idle_seconds = 60 * (
            idle_minutes if idle_minutes is not None else DEFAULT_IDLE_MINUTES
        )
        self._idle_explicit = idle_minutes is not None
        self.store: Store | None = None
        self.store_error: str | None = None
        # The warehouse's timezone, read once with the store: every time shown
        # (operator bar, scan logs) is on the warehouse's clock, like dispatch's.
        self.warehouse_tz: ZoneInfo | None = None
        self.actor: Actor | None = None
        # Tab ends a scan (setting scanner_tab_submits): read by ScanInput.
        self.scan_tab_submits = False
        self._last_activity = time.monotonic()
        self._pending_badge: str | None = None
        self._frozen: set[str] = set()
        self.store_replaced = False
        self.login_hint: str | None = None

    # -- start-up ------------------------------------------------------------

    def get_default_screen(self) -> Screen:
        return LoginScreen(store_open=self.store is not None, hint=self.login_hint)

    def on_mount(self) -> None:
        if self.hangup_logout:
            import asyncio
            import signal

            asyncio.get_running_loop().add_signal_handler(signal.SIGHUP, self.hang_up)
        # After the first paint: the worker imports SQLModel and the models (half
        # a second), and a thread doing that holds the GIL in bursts that would
        # delay "Scan your badge" (python -m bench --only startup).
        self.call_after_refresh(self.open_store)
        note = os.environ.pop(RESTART_NOTE, None)
        if note:  # started again after an upgrade (ui/upgraded.py)
            self.notify(note, severity="warning", timeout=30)
        self.set_interval(5, self._check_idle, name="idle-check")
        self.set_interval(5, self.check_store_replaced, name="store-check")
        self.set_interval(TICK, self.quiet_gc.tick, name="quiet-gc")

    def _handle_exception(self, error: Exception) -> None:
        from wms_tui.ui import upgraded

        moved = upgraded.moved_code(error)
        if moved is None:
            super()._handle_exception(error)
            return
        # The program was upgraded under this terminal (ui/upgraded.py): log out,
        # end with one line instead of a traceback, and let `wms run` start again.
        if self.actor is not None and self.store is not None:
            try:
                from wms_tui.services.session.login import logout

                logout(self.store, self.actor)
            except Exception as exc:  # noqa: BLE001 - leaving matters more than the log
                self.log.warning(f"logout not recorded: {exc}")
            self.actor = None
        self.bell()
        self._return_code = upgraded.UPGRADED_EXIT
        self.panic(upgraded.upgrade_message(moved))

    @work(thread=True, exclusive=True, group="store")
    def open_store(self) -> None:
        from wms_tui.domain.errors import StoreError
        from wms_tui.services.demo.mark import login_hint
        from wms_tui.services.session.terminal import terminal_rules
        from wms_tui.store import open_store

        try:
            store = open_store(self.db_url)
            rules = terminal_rules(store)
            if not self._idle_explicit:
                self.idle_seconds = 60 * rules.idle_logout_minutes
            self.scan_tab_submits = rules.scanner_tab_submits
            zone = rules.zone
            hint = login_hint(store)
            if self.freeze_memory:
                preload_scan_screens()
        except StoreError as exc:
            self.call_from_thread(self._store_opened, None, str(exc))
            return
        self.call_from_thread(self._store_opened, store, None, zone, hint)

    def _store_opened(
        self,
        store: Store | None,
        error: str | None,
        zone: ZoneInfo | None = None,
        hint: str | None = None,
    ) -> None:
        self.store, self.store_error = store, error
        self.login_hint = hint
        if error and self.quit_on_store_error:
            self.exit(return_code=1)
            return
        if self.freeze_memory:
            freeze_long_lived()
        self.warehouse_tz = zone
        self._refresh_operator_bars()
        if store is not None and self.release_every:
            self.set_interval(self.release_every, self._release_tick, name="release-due")
        for screen in self.screen_stack:
            if isinstance(screen, LoginScreen):
                screen.post_message(StoreOpened(error, self.login_hint))
        if store is not None and self._pending_badge:
            badge, self._pending_badge = self._pending_badge, None
            self.login(badge)

    def _release_tick(self) -> None:
        # A release still running is left to finish: cancelling a thread worker
        # does not stop its thread, so an exclusive worker would only let two
        # releases run at once on a slow store and report the first as cancelled.
        if any(w.group == "release" and not w.is_finished for w in self.workers):
            return
        self.release_due()

    @work(thread=True, group="release")
    def release_due(self) -> ReleaseResult | None:
        """The periodic release: due orders, then backorders stock now covers (as `wms release`)."""
        from dataclasses import replace

        from sqlalchemy.exc import SQLAlchemyError

        from wms_tui.domain.actor import SYSTEM
        from wms_tui.services.intake.release import release

        if self.store is None:
            return None
        try:
            return release(self.store, replace(SYSTEM, terminal=self.terminal))
        except SQLAlchemyError as exc:
            # Busy or unreachable store: the next tick (or another terminal) retries.
            self.log.warning(f"release of due orders failed: {exc}")
            return None

    @work(thread=True, exclusive=True, group="store-check")
    def check_store_replaced(self) -> None:
        """Say once, in one line, that the store was replaced under this terminal
        (``wms demo --reset``, a restore); every write is refused meanwhile
        (``UnitOfWork``), so nothing goes to a deleted file."""
        from sqlalchemy.exc import SQLAlchemyError

        if self.store is None or self.store_replaced:
            return
        try:
            replaced = self.store.replaced()
        except SQLAlchemyError:
            return  # unreachable for now: not the same as replaced
        if replaced:
            self.post_message(StoreReplaced())

    @on(StoreReplaced)
    def _store_was_replaced(self) -> None:
        from wms_tui.store import STORE_REPLACED

        if self.store_replaced:
            return  # said once is enough; a second check may have queued another
        self.store_replaced = True
        self.bell()
        self.notify(STORE_REPLACED, severity="error", timeout=60)
        self._login_screen_error(STORE_REPLACED)

    # -- login / logout ------------------------------------------------------

    def login(self, badge: str, pin: str = "") -> None:
        if self.store is None:
            if self.store_error:
                self._login_screen_error(self.store_error)
            else:
                # The badge was scanned before the store finished opening.
                self._pending_badge = badge
            return
        from wms_tui.domain.errors import DomainError
        from wms_tui.services.core.pins import PinNeeded
        from wms_tui.services.session.login import login

        try:
            self.actor = login(self.store, badge, self.terminal, pin)
        except PinNeeded as exc:
            if isinstance(self.screen, LoginScreen):
                self.screen.post_message(PinAsked(badge, str(exc)))
            return
        except DomainError as exc:
            self._login_screen_error(str(exc))
            return
        if isinstance(self.screen, LoginScreen):
            self.screen.post_message(LoggedIn())
        from wms_tui.ui.screens.home import HomeScreen

        self._last_activity = time.monotonic()
        self.push_screen(HomeScreen())
        self.freeze_once("login")

    def freeze_once(self, what: str) -> None:
        """Freeze what is alive after ``what`` first happens (a login, a screen's
        first visit), when the modules it imported will live as long as the app.

        Once per ``what``: freezing again would pin that visit's screen too,
        never to be freed.
        """
        if self.freeze_memory and what not in self._frozen:
            self._frozen.add(what)
            self.call_after_refresh(freeze_long_lived)

    def local_now(self) -> datetime:
        """Now on the warehouse's clock (UTC until the store is open)."""
        return utcnow().astimezone(self.warehouse_tz or UTC)

    def _refresh_operator_bars(self) -> None:
        """Bars of screens further down the stack keep what they last showed."""
        for bar in self.screen.query(OperatorBar):
            bar.refresh_who()

    def _login_screen_error(self, message: str) -> None:
        if isinstance(self.screen, LoginScreen):
            self.screen.post_message(LoginRefused(message))

    @on(BadgeScanned)
    def _badge_scanned(self, message: BadgeScanned) -> None:
        self.login(message.badge, message.pin)

    @on(LogoutAsked)
    def _logout_asked(self) -> None:
        self.action_logout()

    def action_logout(self, idle: bool = False) -> None:
        """Back to the login screen, from any screen (Ctrl+L, or idle).

        Dialogs still waiting for an answer are closed with the screens under
        them: a screen's workers are cancelled when it is removed, so none is
        left waiting for an answer that will not come, and none goes on after
        the operator has gone. A pick task claimed here is paused (as Esc on
        the pick screen does); an order open at a pack station stays open for
        the next packer at that bench.
        """
        if self.actor is None:
            return
        paused = None
        if self.store is not None:
            from sqlalchemy.exc import SQLAlchemyError

            from wms_tui.domain.errors import DomainError
            from wms_tui.services.session.login import logout

            try:
                paused = logout(self.store, self.actor, idle=idle)
            except (DomainError, SQLAlchemyError) as exc:
                # The operator leaves either way: a terminal that stays logged in
                # because the store is busy would be worse than a missing event.
                self.log.warning(f"logout not recorded: {exc}")
        self.actor = None
        while len(self.screen_stack) > 1:
            self.pop_screen()
        self._refresh_operator_bars()
        said = "Logged out after being idle" if idle else ""
        if paused:
            said = f"{said or 'Logged out'}; task {paused} paused: open Pick to go on"
        if said:
            self.notify(said, timeout=5)

    def hang_up(self) -> None:
        """The terminal is gone: nobody will see a screen or answer a dialog again.

        The logout pauses the task in one short transaction; should the store
        hang, SIGALRM ends the process anyway and the store rolls back.
        """
        import signal

        signal.alarm(5)
        self.action_logout()
        self.exit(return_code=129)

    # -- idle ----------------------------------------------------------------

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key | events.MouseDown):
            self._last_activity = time.monotonic()
            self.quiet_gc.activity()
        if isinstance(event, events.Key) and event.key == self.LOGOUT_KEY and self.actor:
            # Taken here rather than by a binding: app bindings do not reach past a
            # dialog, and a priority one would hide the home menu's "^l Log out".
            event.stop()
            self.action_logout()
            return
        await super().on_event(event)

    def _check_idle(self) -> None:
        idle_for = time.monotonic() - self._last_activity
        if self.actor is not None and 0 < self.idle_seconds <= idle_for:
            self.action_logout(idle=True)

    def on_unmount(self) -> None:
        self.quiet_gc.release()
        if self.hangup_logout and self.actor is not None and self.store is not None:
            # Quitting with someone logged in (a browser tab closed, Ctrl+Q): the
            # terminal is left, so log out as on a hang-up and pause their task.
            from wms_tui.services.session.login import logout

            try:
                logout(self.store, self.actor)
            except Exception as exc:  # noqa: BLE001 - the app ends either way
                self.log.warning(f"logout at exit not recorded: {exc}")
            self.actor = None
        if self.store is not None:
            self.store.dispose()
