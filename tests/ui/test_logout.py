"""Ctrl+L logs out from every screen, a dialog waiting for an answer included."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import select
from textual.widgets._toast import Toast, ToastRack

from tests.ui.helpers import open_pick, open_receiving, until, wait_store
from tests.ui.scanner import press, scan, settle
from tests.worlds import packing as pw
from tests.worlds.receiving import TEE_EAN, build
from wms_tui.domain.enums import DeliveryStatus, OrderStatus, TaskStatus
from wms_tui.domain.models import Delivery, Event, Order, PickTask
from wms_tui.store import Store
from wms_tui.ui.app import WmsApp
from wms_tui.ui.screens.home import HomeScreen
from wms_tui.ui.screens.login import LoginScreen
from wms_tui.ui.screens.packing import PackScreen
from wms_tui.ui.screens.picking import PickScreen
from wms_tui.ui.screens.receiving import ReceivingScreen
from wms_tui.ui.widgets.dialogs import AskChoice, AskConfirm

SIZES = [(40, 16), (120, 40)]


@pytest.fixture
def dock(sqlite_store: Store) -> Store:
    build(sqlite_store)
    return sqlite_store


def logged_out(app: WmsApp) -> bool:
    return app.actor is None and isinstance(app.screen, LoginScreen) and len(app.screen_stack) == 1


def events(store: Store, kind: str) -> list[tuple[str, str]]:
    """(detail, terminal) of each event of ``kind``, oldest first."""
    with store.read() as s:
        rows = s.exec(select(Event).where(Event.kind == kind).order_by(Event.id)).all()
        return [(e.detail, e.terminal) for e in rows]


def shown_toasts(screen) -> list[str]:  # noqa: ANN001
    rack = screen.query_one(ToastRack)
    return [str(t.render()) for t in rack.query(Toast)] if rack.display else []


def task_status(store: Store) -> TaskStatus:
    with store.read() as s:
        return TaskStatus(s.exec(select(PickTask)).one().status)


@pytest.mark.parametrize("size", SIZES)
async def test_ctrl_l_logs_out_from_a_floor_screen(dock: Store, size) -> None:
    app = WmsApp(dock.url, terminal="RCV-1")
    async with app.run_test(size=size) as pilot:
        screen = await open_receiving(pilot)
        await scan(pilot, "PO-1")
        await scan(pilot, TEE_EAN)
        assert screen.receipt is not None
        await press(pilot, "ctrl+l")
        assert logged_out(app)
        # The next operator's badge goes into the login screen's field.
        await scan(pilot, "R3001")
        assert isinstance(app.screen, HomeScreen)
    assert events(dock, "logout") == [("", "RCV-1")]


@pytest.mark.parametrize("size", SIZES)
async def test_escape_on_the_menu_asks_before_logging_out(dock: Store, size) -> None:
    """One Esc too many (back, back, back) must not log a receiver out mid-shift."""
    app = WmsApp(dock.url, terminal="RCV-1")
    async with app.run_test(size=size) as pilot:
        await wait_store(pilot)
        await scan(pilot, "R3001")
        home = app.screen
        assert isinstance(home, HomeScreen)
        await press(pilot, "escape")
        assert isinstance(app.screen, AskConfirm) and app.actor is not None
        await press(pilot, "escape")  # no: still logged in, on the menu
        await settle(pilot)
        assert app.screen is home and app.actor is not None
        # A scan while the question is up ends in Enter: that is no yes.
        await press(pilot, "escape", *"a-bay-n1", "enter")  # its y and n are no answers
        await settle(pilot)
        assert isinstance(app.screen, AskConfirm) and app.actor is not None
        assert "That was a scan, not an answer" in app.screen.query_one("#dlg-fb").text
        # A stray key, then n: n cannot answer (it may be part of a scan), and says so.
        await press(pilot, "c", "n")
        assert isinstance(app.screen, AskConfirm) and app.actor is not None
        assert "Other keys came first" in app.screen.query_one("#dlg-fb").text
        await press(pilot, "escape")
        await settle(pilot)
        assert app.screen is home and app.actor is not None
        await press(pilot, "escape")
        await press(pilot, "enter")  # Enter on its own = yes
        await settle(pilot)
        assert logged_out(app)
    assert events(dock, "logout") == [("", "RCV-1")]


@pytest.mark.parametrize("size", SIZES)
async def test_no_toast_covers_the_log_out_question(floor: Store, size) -> None:
    """At 40x16 "Task … paused: open Pick to go on" sat over the dialog's last row."""
    app = WmsApp(floor.url, terminal="HH-07")
    async with app.run_test(size=size, notifications=True) as pilot:
        pick = await open_pick(pilot)
        await until(pilot, lambda: pick.view is not None and pick.view.stop is not None, "a stop")
        await press(pilot, "escape")  # pauses the task: a toast says so
        await until(pilot, lambda: isinstance(app.screen, HomeScreen), "the menu")
        home = app.screen
        assert isinstance(home, HomeScreen), app.screen_stack
        await until(pilot, lambda: shown_toasts(home), "the toast")
        await press(pilot, "escape")
        dialog = app.screen
        assert isinstance(dialog, AskConfirm)
        await settle(pilot)
        assert not dialog.query(ToastRack)
        await press(pilot, "n")
        await settle(pilot)
        # Still due: shown again on the menu.
        assert app.screen is home
        await until(pilot, lambda: shown_toasts(home), "the toast again")


async def test_ctrl_l_closes_a_dialog_waiting_for_an_answer(dock: Store) -> None:
    """The close confirmation is waiting in a worker: logging out cancels that
    worker with its screen; nothing is closed, and the terminal works on."""
    app = WmsApp(dock.url, terminal="RCV-1")
    async with app.run_test(size=(40, 16)) as pilot:
        screen = await open_receiving(pilot)
        await scan(pilot, "PO-1")
        await scan(pilot, TEE_EAN)
        await pilot.press("f5")
        await pilot.pause()
        assert isinstance(app.screen, AskConfirm)
        [asking] = [w for w in app.workers if w.group == "rcv-ask"]
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert logged_out(app)
        await app.workers.wait_for_complete()
        assert asking.is_cancelled and asking.is_finished
        assert not [w for w in app.workers if w.node is screen]
        with dock.read() as s:
            delivery = s.exec(select(Delivery).where(Delivery.reference == "PO-1")).one()
            assert delivery.status != DeliveryStatus.CLOSED
        # Back in: the delivery is still open and closes as usual.
        await scan(pilot, "R3001")
        again = app.screen
        assert isinstance(again, HomeScreen)
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert logged_out(app)
        app.action_logout()  # already out: nothing happens
        assert logged_out(app)
        screen = await open_receiving(pilot)
        assert isinstance(screen, ReceivingScreen)
        await scan(pilot, "PO-1")
        await pilot.press("f5")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert screen.closed is not None
        await app.workers.wait_for_complete()  # the report
    with dock.read() as s:
        delivery = s.exec(select(Delivery).where(Delivery.reference == "PO-1")).one()
        assert delivery.status == DeliveryStatus.CLOSED
    assert len(events(dock, "logout")) == 2


@pytest.mark.parametrize("idle", [False, True])
async def test_logout_pauses_the_pick_task_claimed_here(floor: Store, idle: bool) -> None:
    """Ctrl+L and idle logout do what Esc on the pick screen does: pause the task."""
    app = WmsApp(floor.url, terminal="HH-07", idle_minutes=60)
    async with app.run_test(size=(40, 16)) as pilot:
        await open_pick(pilot)
        await scan(pilot, "A-01-2-A")
        await scan(pilot, "MUG-RED")
        assert task_status(floor) is TaskStatus.CLAIMED
        await pilot.press("f3")  # short pick: a dialog waiting for a reason
        await pilot.pause()
        assert isinstance(app.screen, AskChoice)
        if idle:
            app.action_logout(idle=True)
        else:
            await pilot.press("ctrl+l")
        await pilot.pause()
        assert logged_out(app)
        assert task_status(floor) is TaskStatus.PAUSED
        why = "idle logout" if idle else "logout"
        assert events(floor, "task.paused") == [(f"task W0001-01 ({why})", "HH-07")]
        assert events(floor, "logout") == [("idle" if idle else "", "HH-07")]
        # No short was booked; logging in again offers the task, Enter resumes
        # it where the picker was.
        await scan(pilot, "P1001")
        assert isinstance(app.screen, AskConfirm)
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, PickScreen)
        assert screen.feedback.text == "✓ Resumed task W0001-01"
        assert screen.view is not None and screen.view.stop is not None
        assert screen.view.stop.picked == 1
        assert task_status(floor) is TaskStatus.CLAIMED


async def test_logout_without_a_claimed_task_pauses_nothing(floor: Store) -> None:
    app = WmsApp(floor.url, terminal="HH-07")
    async with app.run_test(size=(40, 16)) as pilot:
        await wait_store(pilot)
        await scan(pilot, "P1001")
        await press(pilot, "ctrl+l")
        assert logged_out(app)
    assert task_status(floor) is TaskStatus.OPEN
    assert events(floor, "task.paused") == []


async def test_an_order_open_at_the_pack_station_stays_for_the_next_packer(
    sqlite_store: Store, tmp_path: Path
) -> None:
    world = pw.build(sqlite_store, label_dir=str(tmp_path / "labels"))
    app = WmsApp(world.store.url, terminal="PACK-1")
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_store(pilot)
        await scan(pilot, "K2001")
        app.push_screen(PackScreen())
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PackScreen)
        await scan(pilot, "T-0001")
        await scan(pilot, pw.MUG_EAN)
        assert screen.view is not None and screen.view.order_name == "#1042"
        await press(pilot, "escape")  # "Park #1042 and leave the order?" waits
        await settle(pilot)
        assert isinstance(app.screen, AskConfirm)
        await press(pilot, "ctrl+l")
        assert logged_out(app)
        with world.store.read() as s:
            order = s.exec(select(Order).where(Order.name == "#1042")).one()
            assert order.status is OrderStatus.PACKING  # not parked
            assert order.locked_terminal == "PACK-1"
        # Emily sits down at PACK-1 and goes on with the order on her bench.
        await scan(pilot, "K2003")
        app.push_screen(PackScreen())
        await settle(pilot)
        emily = app.screen
        assert isinstance(emily, PackScreen)
        assert emily.view is not None and emily.view.order_name == "#1042"
        assert emily.view.lines[0].packed == 1
