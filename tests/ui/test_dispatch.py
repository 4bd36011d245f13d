"""The dispatch overview at 120×40 and 40×16: numbers, refresh, opening orders."""

from __future__ import annotations

import dataclasses
import threading

import pytest
from textual.widgets import DataTable, OptionList, Static

from tests.ui.helpers import open_overview, shown_text, until
from tests.ui.scanner import press, settle
from tests.worlds.dispatch import Dock
from wms_tui.services.dispatch import handover
from wms_tui.ui.app import WmsApp
from wms_tui.ui.screens.dispatch import DispatchScreen
from wms_tui.ui.screens.handover import HandoverScreen
from wms_tui.ui.screens.order_detail import OrderScreen


async def loaded(pilot, screen: DispatchScreen) -> None:
    await pilot.app.workers.wait_for_complete()
    await settle(pilot)
    assert screen.snap is not None, screen.error


def row(table: DataTable, key: str) -> list[str]:
    return [str(c) for c in table.get_row(key)]


async def test_wide_overview_numbers(dock: Dock) -> None:
    handover.load_parcel(dock.store, dock.packer, "PN", dock.sscc["#1"])
    app = WmsApp(dock.store.url, terminal="OFFICE")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_overview(pilot)
        assert screen.wide_layout
        trucks = screen.query_one("#dsp-trucks", DataTable)
        # Carrier / service, Cut-off, Left, New, Ready, Picking, Picked, Packing,
        # Packed, On truck, Hold, Backord., Risk, Late
        assert row(trucks, "carrier:PN") == [
            "PN", "16:00", "2h00", "0", "0", "0", "0", "1", "1", "1", "0", "0", "0", "0",
        ]  # fmt: skip
        assert row(trucks, "service:PN:PN-STD")[0].strip() == "PN-STD"
        assert row(trucks, "carrier:DHL")[1:3] == ["15:00", "1h00"]
        summary = str(screen.query_one("#dsp-summary", Static).render())
        assert "exceptions 1" in summary and "pace 30.0 packs/h (planned)" in summary
        issues = screen.query_one("#dsp-issues", DataTable)
        assert issues.row_count == 1
        assert "cancelled after packing" in str(issues.get_row_at(0)[-1])
        # Enter on the exception opens the order's timeline.
        issues.focus()
        await pilot.press("enter")
        detail = app.screen
        assert isinstance(detail, OrderScreen)
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert detail.detail is not None and detail.detail.name == "#4"
        assert any(e.what == "cancelled (PACKED → CANCELLED)" for e in detail.detail.timeline)
        await pilot.press("escape")
        assert app.screen is screen


async def test_refresh_picks_up_other_terminals(dock: Dock) -> None:
    app = WmsApp(dock.store.url, terminal="OFFICE")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_overview(pilot)
        trucks = screen.query_one("#dsp-trucks", DataTable)
        assert row(trucks, "carrier:PN")[9] == "0"
        # Someone at the dock loads #1; the next refresh (r, or the timer) shows it.
        handover.load_parcel(dock.store, dock.packer, "PN", dock.sscc["#1"])
        await press(pilot, "r")
        await loaded(pilot, screen)
        assert row(trucks, "carrier:PN")[9] == "1"


async def test_enter_on_a_truck_opens_its_hand_over(dock: Dock) -> None:
    app = WmsApp(dock.store.url, terminal="OFFICE")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_overview(pilot)
        trucks = screen.query_one("#dsp-trucks", DataTable)
        trucks.focus()
        trucks.move_cursor(row=trucks.get_row_index("carrier:PN"))
        await pilot.press("enter")
        assert isinstance(app.screen, HandoverScreen) and app.screen.carrier == "PN"


async def test_narrow_panels_and_timeline(dock: Dock) -> None:
    app = WmsApp(dock.store.url, terminal="HH-9")
    async with app.run_test(size=(40, 16)) as pilot:
        screen = await open_overview(pilot)
        assert not screen.wide_layout
        olist = screen.query_one("#dsp-list", OptionList)
        tabs = str(screen.query_one("#dsp-tabs", Static).render())
        assert tabs.startswith("1/5 Trucks (2)")
        first = str(olist.get_option_at_index(0).prompt)
        assert first.startswith("DHL 15:00 1h00")
        assert "unpicked 0  picking 0  packing 0" in first
        await pilot.press("3")
        assert str(screen.query_one("#dsp-tabs", Static).render()).startswith("3/5 Exceptions")
        text = str(olist.get_option_at_index(0).prompt)
        assert "cancelled #4" in text and "take parcel" in text
        await pilot.press("right")  # 4/5 Services
        assert "PN PN-STD 16:00" in str(olist.get_option_at_index(1).prompt)
        await pilot.press("left", "left")  # back to 2/5 Orders
        assert str(screen.query_one("#dsp-tabs", Static).render()).startswith("2/5 Orders")
        await pilot.press("5")
        assert "Nothing here" in str(olist.get_option_at_index(0).prompt)
        # the exception's order opens from the narrow list too
        await pilot.press("3", "enter")
        assert isinstance(app.screen, OrderScreen)


async def test_the_narrow_summary_keeps_every_count_on_a_handheld(dock: Dock) -> None:
    """The demo's day (29 missed, 16 late) cut the exceptions' count off at 40 columns."""
    app = WmsApp(dock.store.url, terminal="HH-9")
    async with app.run_test(size=(40, 16)) as pilot:
        screen = await open_overview(pilot)
        await until(pilot, lambda: screen.snap is not None, "a snapshot")
        busy = dataclasses.replace(
            screen.snap, n_missed=129, n_late=116, n_stuck=10, n_exceptions=15, pace_per_hour=11
        )
        screen.show(busy)
        await settle(pilot)
        summary = screen.query_one("#dsp-summary", Static)
        shown = shown_text(summary)
        assert "exc 15" in shown and "stuck 10" in shown and "late 116" in shown, shown


async def test_resizing_switches_layout(dock: Dock) -> None:
    app = WmsApp(dock.store.url, terminal="OFFICE")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_overview(pilot)
        assert screen.query("#dsp-trucks")
        await pilot.resize_terminal(40, 16)
        await settle(pilot)
        assert (
            not screen.wide_layout and screen.query("#dsp-list") and not screen.query("#dsp-trucks")
        )
        await pilot.resize_terminal(120, 40)
        await settle(pilot)
        assert screen.wide_layout and screen.query_one("#dsp-trucks", DataTable).row_count == 4


async def test_a_refresh_landing_mid_resize_waits_for_the_new_tables(dock: Dock) -> None:
    app = WmsApp(dock.store.url, terminal="OFFICE")
    async with app.run_test(size=(40, 16)) as pilot:
        screen = await open_overview(pilot)
        await pilot.app.workers.wait_for_complete()
        recompose = screen.recompose

        async def refresh_lands_during(*args, **kwargs):
            await recompose(*args, **kwargs)
            screen.show(screen.snap)  # the worker's answer, before the columns exist

        screen.recompose = refresh_lands_during
        await pilot.resize_terminal(120, 40)
        await settle(pilot)
        assert screen.wide_layout and screen.query_one("#dsp-trucks", DataTable).row_count == 4


async def test_delay_notices_from_the_overview(dock: Dock, monkeypatch) -> None:
    from wms_tui.ui.screens.delays import DelaysScreen
    from wms_tui.ui.widgets.dialogs import AskConfirm

    monkeypatch.delenv("WMS_SMTP_HOST", raising=False)
    dock.clock.at = dock.clock.at.replace(hour=16)  # 17:00: PN and DHL cut-offs passed
    app = WmsApp(dock.store.url, terminal="OFFICE")
    async with app.run_test(size=(40, 16)) as pilot:
        await open_overview(pilot)
        await press(pilot, "f6")  # the delay list, on its own screen
        await pilot.app.workers.wait_for_complete()
        await settle(pilot)
        delays = app.screen
        assert isinstance(delays, DelaysScreen)
        assert [o.name for o in delays.found.orders] == ["#1", "#2", "#3"]
        await press(pilot, "f2")
        modal = app.screen
        assert isinstance(modal, AskConfirm)
        assert "#1" in str(modal._body) and "#3" in str(modal._body)
        await press(pilot, "enter")
        await pilot.app.workers.wait_for_complete()
        await settle(pilot)
        assert len(list(dock.outbox.glob("delay-*.eml"))) == 3  # #1, #2, #3
        await pilot.app.workers.wait_for_complete()
        assert delays.found.to_notify == ()


@pytest.mark.parametrize("answer", ["snapshot", "failure"])
async def test_a_refresh_answering_after_escape_closed_the_screen_is_dropped(
    dock: Dock, monkeypatch: pytest.MonkeyPatch, answer: str
) -> None:
    """The refresh reads in a thread; Escape can close the screen before it answers.
    The answer is dropped (ui/answers.py): drawn while the widgets were being taken
    away it raised NoMatches '#dsp-summary' and killed the app."""
    from wms_tui.services.dispatch import overview

    real, reading, gate = overview.snapshot, threading.Event(), threading.Event()

    def held(store):  # noqa: ANN001, ANN202
        reading.set()
        gate.wait(5)
        if answer == "failure":
            raise RuntimeError("connection lost")
        return real(store)

    app = WmsApp(dock.store.url, terminal="OFFICE")
    async with app.run_test(size=(40, 16)) as pilot:
        screen = await open_overview(pilot)
        monkeypatch.setattr(overview, "snapshot", held)
        shown = screen.snap
        screen.refresh_overview()
        await until(pilot, reading.is_set, "the refresh to read")
        await pilot.press("escape")  # Pilot's press: settle() would wait for the held read
        await until(pilot, lambda: app.screen is not screen, "the screen to close")
        gate.set()
        await app.workers.wait_for_complete()
        await settle(pilot)
        assert app.is_running and not screen.is_attached
        # Neither the snapshot nor the failure reached the closed screen.
        assert screen.snap is shown and screen.error == ""


async def test_a_closed_or_passed_truck_says_so_once_on_a_handheld(dock: Dock) -> None:
    """It read "PN 16:00 closed  closed" and "DHL 15:00 passed  cut-off passed"."""
    from datetime import timedelta

    from wms_tui.services.dispatch.manifest import close_manifest

    handover.load_parcel(dock.store, dock.packer, "PN", dock.sscc["#1"])
    close_manifest(dock.store, dock.boss, "PN", leave_behind_ok=True)
    dock.clock.at += timedelta(hours=1, minutes=30)  # DHL's 15:00 has passed
    app = WmsApp(dock.store.url, terminal="HH-9")
    async with app.run_test(size=(40, 16)) as pilot:
        screen = await open_overview(pilot)
        olist = screen.query_one("#dsp-list", OptionList)
        heads = {
            str(olist.get_option_at_index(i).prompt).splitlines()[0]
            for i in range(olist.option_count)
        }
        assert {"PN 16:00 closed", "DHL 15:00 cut-off passed"} <= heads, heads
