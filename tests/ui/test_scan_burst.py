"""Two codes that reach the app in one read are two scans (issue #17).

Over SSH or a browser a scanner's burst often arrives in one packet:
``"A-01-2-A\\r<EAN>\\r"``. These tests feed such bursts without waiting between
the keys, as an LF-terminated burst, as a bracketed paste and Tab-terminated
when the scanners are set up that way. ``tests/serve/test_ssh.py`` sends the
same burst as raw bytes through a real pty.
"""

from __future__ import annotations

import pytest
from textual import events
from textual.app import ComposeResult
from textual.widgets import Input

from tests.ui.helpers import feedback, open_menu_entry, open_pick, sign_in, text, wait_store
from tests.ui.scanner import burst, scan
from tests.worlds.dbstate import snapshot
from tests.worlds.picking import BARCODES
from wms_tui.domain.scans import split_scans
from wms_tui.services.core import settings
from wms_tui.store import Store
from wms_tui.ui.app import WmsApp
from wms_tui.ui.scan_keys import ScanKeysApp
from wms_tui.ui.screens.picking import PickScreen
from wms_tui.ui.widgets.dialogs import AskConfirm
from wms_tui.ui.widgets.scan_input import BatchedInput
from wms_tui.ui.widgets.steady import SteadyScanInput

SIZES = [(40, 16), (120, 40)]


def test_split_scans() -> None:
    assert split_scans("7350053001299\rHELLO1\r") == ["7350053001299", "HELLO1", ""]
    assert split_scans("A\r\nB\nC") == ["A", "B", "C"]
    assert split_scans("A\tB\r") == ["A\tB", ""]
    assert split_scans("A\tB\r", tab=True) == ["A", "B", ""]
    assert split_scans("") == [""]


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("end", ["enter", "ctrl+j"])
async def test_bin_and_item_in_one_burst_are_two_scans(
    floor: Store, size: tuple[int, int], end: str
) -> None:
    app = WmsApp(floor.url, terminal="HH-07")
    async with app.run_test(size=size) as pilot:
        await open_pick(pilot)
        burst(app, [*"A-01-2-A", end, *BARCODES["MUG-RED"], end])
        await pilot.pause()
        await pilot.pause()
        assert feedback(app) == "✓ 1 × MUG-RED picked, 2 more"
        assert text(app, "pick-sku") == "MUG-RED  × 2 more"
        assert app.screen.scan_field.value == ""


async def test_a_pasted_burst_is_split_and_a_trailing_part_waits(floor: Store) -> None:
    app = WmsApp(floor.url, terminal="HH-07")
    async with app.run_test(size=(40, 16)) as pilot:
        screen = await open_pick(pilot)
        screen.scan_field.post_message(events.Paste(f"A-01-2-A\r\n{BARCODES['MUG-RED']}\rT-00"))
        await pilot.pause()
        await pilot.pause()
        assert feedback(app) == "✓ 1 × MUG-RED picked, 2 more"
        assert screen.scan_field.value == "T-00"


async def test_tab_ends_a_scan_only_when_configured(floor: Store) -> None:
    app = WmsApp(floor.url, terminal="HH-07")
    async with app.run_test(size=(40, 16)) as pilot:
        screen = await open_pick(pilot)
        before = snapshot(floor)
        burst(app, [*"A-01-2-A", "tab"])
        await pilot.pause()
        # Off (the default): Tab is not a scan; nothing was scanned or changed.
        assert text(app, "pick-prompt") == "▶ Scan bin A-01-2-A"
        assert snapshot(floor) == before
    with floor.unit_of_work() as uow:
        settings.put(uow.session, "scanner_tab_submits", "1")
        uow.commit()
    app = WmsApp(floor.url, terminal="HH-07")
    async with app.run_test(size=(40, 16)) as pilot:
        # The task the app above left claimed is offered at login: take it.
        await wait_store(pilot)
        await scan(pilot, "P1001")
        assert isinstance(app.screen, AskConfirm)
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, PickScreen)
        burst(app, [*"A-01-2-A", "tab", *BARCODES["MUG-RED"], "tab"])
        await pilot.pause()
        await pilot.pause()
        assert feedback(app) == "✓ 1 × MUG-RED picked, 2 more"
        assert screen.scan_field.value == ""


@pytest.mark.parametrize("size", SIZES)
async def test_ten_thousand_keys_go_into_the_field_as_one_insert(
    floor: Store, size: tuple[int, int]
) -> None:
    """A stuck key: Input put each of 10,000 keys in the field on its own (~20 s frozen)."""
    app = WmsApp(floor.url, terminal="HH-07")
    async with app.run_test(size=size) as pilot:
        screen = await open_pick(pilot)
        field = screen.scan_field
        inserts: list[str] = []
        real_insert = field.insert_text_at_cursor

        def counted(text: str) -> None:
            inserts.append(text)
            real_insert(text)

        field.insert_text_at_cursor = counted  # type: ignore[method-assign]
        before = snapshot(floor)
        burst(app, ["x"] * 10_000)
        await pilot.pause()
        assert inserts == ["x" * 10_000] and field.value == "x" * 10_000
        burst(app, ["enter"])
        await pilot.pause()
        await pilot.pause()
        assert feedback(app).startswith("✗ Unknown code xxxxxxxxxxxxxxxxxxxxxxxx…")
        assert field.value == "" and snapshot(floor) == before
        # A key that edits acts on every key typed before it.
        burst(app, [*"A-01-2-Z"])
        await pilot.press("backspace")
        burst(app, ["A", "enter"])
        await pilot.pause()
        await pilot.pause()
        assert inserts[1:] == ["A-01-2-Z", "A"]
        assert text(app, "pick-prompt").startswith("▶ Scan MUG-RED"), feedback(app)


async def test_a_burst_longer_than_the_badge_field_fills_it_and_rings_once(floor: Store) -> None:
    app = WmsApp(floor.url, terminal="HH-07")
    bells: list[int] = []
    app.bell = lambda: bells.append(1)  # type: ignore[method-assign]
    async with app.run_test(size=(40, 16)) as pilot:
        await wait_store(pilot)
        badge = app.screen.query_one("#badge")
        burst(app, ["x"] * 100)
        await pilot.pause()
        assert badge.value == "x" * 64 and bells == [1]


@pytest.mark.parametrize("size", SIZES)
async def test_a_key_flood_into_the_stock_filter_goes_in_as_one_insert(
    floor: Store, size: tuple[int, int]
) -> None:
    app = WmsApp(floor.url, terminal="HH-07")
    async with app.run_test(size=size) as pilot:
        await sign_in(pilot, "S9001")
        await open_menu_entry(pilot, "stock")
        field = app.screen.query_one("#stk-filter", BatchedInput)
        inserts: list[str] = []
        real_insert = field.insert_text_at_cursor
        field.insert_text_at_cursor = lambda t: (inserts.append(t), real_insert(t))[1]  # type: ignore[method-assign]
        burst(app, ["x"] * 5_000)
        await pilot.pause()
        assert inserts == ["x" * 5_000] and field.value == "x" * 5_000
        field.value = ""
        burst(app, [*"MUG", "enter"])
        await pilot.pause()
        await pilot.pause()
        assert field.value == "MUG" and inserts[1:] == ["MUG"]


class _Field(ScanKeysApp):
    """One scan field, recording what it holds and what it submits."""

    def __init__(self) -> None:
        super().__init__()
        self.held: list[str] = []
        self.submitted: list[str] = []

    def compose(self) -> ComposeResult:
        held = self.held

        class Recording(SteadyScanInput):
            def _watch_value(self, value: str) -> None:
                held.append(value)
                super()._watch_value(value)

        yield Recording(id="scan")

    def on_mount(self) -> None:
        self.query_one("#scan").focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.submitted.append(event.value)


async def test_a_scanned_code_is_submitted_without_the_field_ever_holding_it() -> None:
    """A burst typed into an empty field and ended by Enter goes straight from the keys
    to Submitted: the field used to take the code and then clear it, two redraws of the
    field and its watchers for every scan."""
    app = _Field()
    async with app.run_test() as pilot:
        await pilot.pause()
        burst(app, [*"4006381333931", "enter", *"A-01-2-A", "enter"])
        await pilot.pause()
        await pilot.pause()
        assert app.submitted == ["4006381333931", "A-01-2-A"]
        assert app.held == []


async def test_keys_of_a_burst_land_in_the_order_typed() -> None:
    """Printable keys go into the field from the app's handler; what was queued for the
    field before them (a paste, Enter) is still handled first."""
    app = _Field()
    async with app.run_test() as pilot:
        await pilot.pause()
        # Handled by the app one after the other before the field runs at all.
        for event in (events.Paste("XY"), events.Key("Z", "Z"), events.Key("enter", "\r")):
            await app.on_event(event)
        burst(app, [*"AB"])
        await pilot.press("backspace")
        burst(app, ["C", "enter"])
        await pilot.pause()
        await pilot.pause()
        assert app.submitted == ["XYZ", "AC"]
        field = app.query_one("#scan", SteadyScanInput)
        burst(app, [*"12"])
        await pilot.pause()
        assert field.value == "12" and field._queued == 0  # a person typing sees each key
