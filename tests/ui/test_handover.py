"""The hand-over screen driven with a scanner, at both sizes."""

from __future__ import annotations

import threading
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select
from textual.widgets import OptionList

from tests.ui.helpers import SIZES, open_dock, shown_text, until, wait_store
from tests.ui.scanner import press, scan, settle
from tests.worlds.dispatch import Dock
from wms_tui.domain.enums import ManifestStatus, OrderStatus, ParcelStatus
from wms_tui.domain.models import Manifest
from wms_tui.ui.app import WmsApp
from wms_tui.ui.files_text import folder_text
from wms_tui.ui.widgets.dialogs import AskConfirm
from wms_tui.ui.widgets.feedback import Feedback


async def put(pilot, code: str) -> None:
    """A scan without typing every key (each test also scans key by key once)."""
    pilot.app.focused.value = code
    await press(pilot, "enter")


def feedback(screen) -> str:
    return screen.query_one(Feedback).text


@pytest.mark.parametrize("size", SIZES)
async def test_load_and_refuse_with_a_scanner(dock: Dock, size: tuple[int, int]) -> None:
    app = WmsApp(dock.store.url, terminal="DOCK-1")
    bells: list[int] = []
    app.bell = lambda: bells.append(1)  # type: ignore[method-assign]
    async with app.run_test(size=size) as pilot:
        screen = await open_dock(pilot, "K2001")
        await scan(pilot, "pn")  # the carrier, typed
        assert screen.carrier == "PN"
        await scan(pilot, "00" + dock.sscc["#1"])
        assert feedback(screen).startswith("✓ #1 1/1 loaded · 1 on truck · 2 left")
        assert dock.parcel(dock.sscc["#1"]).status == ParcelStatus.LOADED
        assert not bells

        before = dock.state()
        cancelled = f"Order #4 was cancelled after packing — take parcel {dock.sscc['#4']} out"
        for code, message in (
            (dock.sscc["#1"], "already loaded at 14:00 by Johan Öberg"),
            (dock.sscc["#3"], "is for DHL Carrier, not PN Carrier"),
            (dock.sscc["#4"], cancelled),
            ("NOT-A-PARCEL", "No parcel NOT-A-PARCEL"),
        ):
            await put(pilot, code)
            assert message in feedback(screen), feedback(screen)
            assert feedback(screen).startswith("✗")
        assert len(bells) == 4
        assert dock.state() == before

        await settle(pilot)
        assert screen.dock is not None
        assert [p.label for p in screen.dock.waiting] == ["#2 1/2", "#2 2/2"]
        assert [p.order_name for p in screen.dock.pull] == ["#4"]


async def test_take_out_with_f8(dock: Dock) -> None:
    app = WmsApp(dock.store.url, terminal="DOCK-1")
    async with app.run_test(size=(40, 16)) as pilot:
        screen = await open_dock(pilot, "K2001")
        await scan(pilot, "PN")
        await put(pilot, dock.sscc["#1"])
        await pilot.press("f8")
        assert screen.taking_out and "take-out" in screen.classes
        await scan(pilot, dock.sscc["#1"])
        assert "taken off the truck" in feedback(screen)
        assert not screen.taking_out
        assert dock.parcel(dock.sscc["#1"]).status == ParcelStatus.CLOSED
        # the cancelled order's parcel: voided, to be unpacked
        await pilot.press("f8")
        await put(pilot, dock.sscc["#4"])
        assert "voided: unpack it and restock" in feedback(screen)


@pytest.mark.parametrize("size", SIZES)
async def test_close_out_with_confirmation(dock: Dock, size: tuple[int, int]) -> None:
    app = WmsApp(dock.store.url, terminal="DOCK-1")
    async with app.run_test(size=size) as pilot:
        screen = await open_dock(pilot, "S9001")
        await scan(pilot, "PN")
        await scan(pilot, dock.sscc["#1"])
        await put(pilot, dock.sscc["#2"])
        # #2 is half loaded: refused before any question is asked.
        await press(pilot, "f10")
        assert "Order #2: parcel 2 of 2 is not loaded" in feedback(screen)
        assert app.screen is screen
        await put(pilot, dock.sscc["#2/2"])

        before = dock.state()
        await press(pilot, "f10")
        modal = app.screen
        assert isinstance(modal, AskConfirm)
        await press(pilot, "escape")  # changed my mind: nothing happens
        assert app.screen is screen and dock.state() == before

        await press(pilot, "f10")
        assert isinstance(app.screen, AskConfirm)
        notes: list[str] = []
        screen.notify = lambda message, **_: notes.append(message)  # type: ignore[method-assign]
        await press(pilot, "enter")
        await settle(pilot)
        assert "PN-20260310 closed: 3 parcels, 2 orders dispatched" in feedback(screen)
        assert dock.order("#1").status == OrderStatus.DISPATCHED
        with dock.store.read() as s:
            m = s.exec(select(Manifest)).one()
            assert m.status == ManifestStatus.CLOSED and Path(m.pdf_file).is_file()
            pdf, csv = Path(m.pdf_file), Path(m.csv_file)
        # The toast says the two files' names and their folder once.
        files = f"{pdf.name}, {csv.name} in {folder_text(pdf.parent)}"
        assert [note.splitlines()[0] for note in notes] == [f"Manifest {files}"]
        assert screen.dock is not None and screen.dock.closed
        # Loading it is over: the prompt no longer asks for parcels.
        prompt = shown_text(screen.scan_panel.prompt_line)
        assert prompt.startswith("▶ Truck has left: F2 another carrier"), prompt

        # closed: a second close and a late parcel are refused
        await press(pilot, "f10")
        assert "already closed: F6 reprints it" in feedback(screen)
        await press(pilot, "f6")
        assert "PN-20260310 reprinted (3 parcels)" in feedback(screen)


async def test_leftovers_are_listed_before_closing(dock: Dock) -> None:
    app = WmsApp(dock.store.url, terminal="DOCK-1")
    async with app.run_test(size=(40, 16)) as pilot:
        await open_dock(pilot, "S9001")
        await scan(pilot, "PN")
        await scan(pilot, dock.sscc["#1"])
        await press(pilot, "f10")
        modal = app.screen
        assert isinstance(modal, AskConfirm)
        body = str(modal._body)
        assert "2 packed parcels NOT loaded stay for tomorrow" in body
        assert "#2 1/2" in body and "#2 2/2" in body
        await press(pilot, "enter")
        await settle(pilot)
        assert dock.order("#1").status == OrderStatus.DISPATCHED
        assert dock.order("#2").status == OrderStatus.PACKED


async def test_a_picker_cannot_load(dock: Dock) -> None:
    app = WmsApp(dock.store.url, terminal="HH-1")
    async with app.run_test(size=(40, 16)) as pilot:
        screen = await open_dock(pilot, "P1001")
        await scan(pilot, "PN")
        before = dock.state()
        await scan(pilot, dock.sscc["#1"])
        assert "Ana Lindqvist may not load parcels" in feedback(screen)
        assert dock.state() == before


async def test_pick_the_carrier_from_the_list(dock: Dock) -> None:
    app = WmsApp(dock.store.url, terminal="DOCK-1")
    async with app.run_test(size=(40, 16)) as pilot:
        screen = await open_dock(pilot, "K2001")
        await scan(pilot, "NOPE")
        assert "Unknown carrier 'NOPE'" in feedback(screen)
        screen.query_one("#ho-waiting").focus()
        await pilot.press("down", "enter")  # DHL first, PN second
        assert screen.carrier == "PN"
        # F2 back to the list: the last truck's error does not stay under it.
        await scan(pilot, "NOT-A-PARCEL")
        assert "NOT-A-PARCEL" in feedback(screen)
        await press(pilot, "f2")
        assert screen.carrier is None and "NOT-A-PARCEL" not in feedback(screen)


@pytest.mark.parametrize("size", SIZES)
async def test_carrier_chosen_with_arrows_and_enter(dock: Dock, size: tuple[int, int]) -> None:
    """A handheld keeps the focus in the scan field: ↑↓ move the list, Enter takes it."""
    app = WmsApp(dock.store.url, terminal="DOCK-1")
    async with app.run_test(size=size) as pilot:
        screen = await open_dock(pilot, "K2001")
        carriers = screen.query_one("#ho-waiting", OptionList)
        first = carriers.get_option_at_index(0).id
        await press(pilot, "down")
        second = carriers.get_option_at_index(carriers.highlighted).id
        assert first != second and second is not None
        await press(pilot, "enter")  # an empty scan
        await settle(pilot)
        assert screen.carrier == second.removeprefix("carrier:")
        assert app.focused is screen.scan_field
        # With no carrier highlighted, an empty scan says what to do and chooses nothing.
        await press(pilot, "f2")
        carriers.highlighted = None
        await press(pilot, "enter")
        await settle(pilot)  # the field's Submitted is handled after the key
        assert screen.carrier is None
        assert "Scan or type the carrier's code" in feedback(screen)


async def test_times_are_on_the_apps_warehouse_clock(dock: Dock) -> None:
    """The lists show times in the zone the app read when it opened the store (the
    operator bar's), not one the screen reads again from the database."""
    app = WmsApp(dock.store.url, terminal="DOCK-1")
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_store(pilot)
        assert app.warehouse_tz == ZoneInfo("Europe/Stockholm")
        app.warehouse_tz = ZoneInfo("Asia/Seoul")  # as if the warehouse had moved
        screen = await open_dock(pilot, "K2001")
        await scan(pilot, "PN")
        await settle(pilot)
        waiting = screen.query_one("#ho-waiting", OptionList)
        shown = str(waiting.get_option_at_index(0).prompt)
        # packed at 07:30 UTC: 16:30 in Seoul (08:30 in Jönköping)
        assert "packed 16:30 Johan Öberg" in shown, shown


@pytest.mark.parametrize("answer", ["dock", "refusal"])
async def test_a_refresh_answering_after_escape_is_dropped(
    dock: Dock, monkeypatch: pytest.MonkeyPatch, answer: str
) -> None:
    """Found by the menu fuzz: a dock refresh still running when Escape closed the
    screen drew into its removed widgets (NoMatches '#ho-head') and killed the app.
    The answer is dropped now (ui/answers.py)."""
    from wms_tui.domain.errors import DomainError
    from wms_tui.services.dispatch import dock as service

    real, reading, gate = service.status_for, threading.Event(), threading.Event()

    def held(store, carrier):  # noqa: ANN001, ANN202
        reading.set()
        gate.wait(5)
        if answer == "refusal":
            raise DomainError("Carrier PN is gone")
        return real(store, carrier)

    app = WmsApp(dock.store.url, terminal="OFFICE")
    async with app.run_test(size=(40, 16)) as pilot:
        screen = await open_dock(pilot, "S9001")
        await put(pilot, "PN")
        await settle(pilot)
        monkeypatch.setattr(service, "status_for", held)
        shown, said = screen.dock, screen.feedback.text
        screen.reload()
        await until(pilot, reading.is_set, "the refresh to read")
        await pilot.press("escape")  # Pilot's press: settle() would wait for the held read
        await until(pilot, lambda: app.screen is not screen, "the screen to close")
        gate.set()
        await app.workers.wait_for_complete()
        await settle(pilot)
        assert app.is_running and not screen.is_attached
        # Neither the dock nor the refusal reached the closed screen.
        assert screen.dock is shown and screen.feedback.text == said


async def test_a_toast_on_a_handheld_takes_the_screens_width(dock: Dock) -> None:
    """The manifest's toast was 20 of 40 columns: its file names broke mid-name."""
    from textual.widgets._toast import Toast

    app = WmsApp(dock.store.url, terminal="DOCK-1")
    async with app.run_test(size=(40, 16), notifications=True) as pilot:
        screen = await open_dock(pilot, "S9001")
        screen.notify("manifest_PN-20260310_0123456789ab.pdf in …/manifests/", timeout=30)
        await until(pilot, lambda: bool(app.screen.query(Toast)), "the toast")
        await pilot.pause()
        toast = app.screen.query_one(Toast)
        assert toast.size.width >= 34  # 16 at Textual's 50 %


@pytest.mark.parametrize("size", SIZES)
async def test_an_earlier_days_open_manifest_is_shown_before_its_close(
    dock: Dock, size: tuple[int, int]
) -> None:
    """A shift loading past the warehouse's midnight: #1 went on the truck at 23:50,
    #2 at 00:10. F10 closes the earlier day's manifest first, and the screen listed
    only today's (#2): the dock confirmed a close of parcels it never showed."""
    from datetime import UTC, datetime

    from wms_tui.services.dispatch import handover

    dock.clock.at = datetime(2026, 3, 10, 22, 50, tzinfo=UTC)  # 23:50 in Stockholm
    handover.load_parcel(dock.store, dock.packer, "PN", dock.sscc["#1"])
    dock.clock.at = datetime(2026, 3, 10, 23, 10, tzinfo=UTC)  # 00:10, 11 March
    handover.load_parcel(dock.store, dock.packer, "PN", dock.sscc["#2"])
    app = WmsApp(dock.store.url, terminal="DOCK-1")
    async with app.run_test(size=size) as pilot:
        screen = await open_dock(pilot, "S9001")
        carriers = screen.query_one("#ho-waiting", OptionList)
        pn = next(
            str(carriers.get_option_at_index(i).prompt)
            for i in range(carriers.option_count)
            if carriers.get_option_at_index(i).id == "carrier:PN"
        )
        assert "2 loaded" in pn, pn  # yesterday's on the truck and today's
        await scan(pilot, "PN")
        await settle(pilot)
        assert screen.dock is not None and screen.dock.manifest_number == "PN-20260310"
        assert [p.label for p in screen.dock.loaded] == ["#1 1/1"]
        head = shown_text(screen.query_one("#ho-head"))
        assert "PN-20260310" in head and "10 Mar still open: F10 closes it" in head, head
        if size == (40, 16):
            await press(pilot, "f4")  # the handheld shows one list: the truck's
        truck = screen.query_one("#ho-loaded", OptionList)
        await until(pilot, lambda: "#1 1/1" in shown_text(truck), "the truck's list drawn")

        await press(pilot, "f10")
        assert isinstance(app.screen, AskConfirm)
        await press(pilot, "enter")
        await settle(pilot)
        assert "PN-20260310 closed: 1 parcel, 1 order dispatched" in feedback(screen)
        assert dock.order("#1").status == OrderStatus.DISPATCHED
        # Then today's, with what was loaded after midnight.
        await until(pilot, lambda: screen.dock.manifest_number == "PN-20260311", "today's")
        assert [p.label for p in screen.dock.loaded] == ["#2 1/2"]
        assert "still open" not in shown_text(screen.query_one("#ho-head"))
