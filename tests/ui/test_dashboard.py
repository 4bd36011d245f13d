"""The shift dashboard driven as a supervisor would, at 120×40 and on a 40×16 handheld."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import time
from types import SimpleNamespace

import pytest

from tests.ui.helpers import fits, open_screen, shown_text, until
from tests.ui.scanner import press, settle
from tests.worlds import factories as f
from tests.worlds.insight import NOW, Shift, build_shift
from wms_tui.domain.clock import set_clock
from wms_tui.domain.models import WmsException
from wms_tui.store import Store
from wms_tui.ui.app import WmsApp
from wms_tui.ui.screens.dashboard import DashboardScreen


@pytest.fixture
def shift(sqlite_store: Store):  # noqa: ANN201
    world = build_shift(sqlite_store)
    set_clock(lambda: NOW)
    yield world
    set_clock(None)


def flat(screen, wid: str) -> str:  # noqa: ANN001
    return " ".join(shown_text(screen.query_one(wid)).split())


async def test_wide_shows_every_panel_with_numbers_beside_the_charts(shift: Shift) -> None:
    app = WmsApp(shift.store.url, terminal="OFFICE")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_screen(pilot, "dashboard", "S9001")
        screen = app.screen
        assert isinstance(screen, DashboardScreen)
        await settle(pilot)
        assert screen.snap is not None and screen.error == ""
        summary = flat(screen, "#dash-summary")
        assert "7 open · 2 dispatched today" in summary
        assert "cycle p50 15h00 p90 22h12" in summary
        assert "pace 2 packs/h" in summary and "✗ 1 cut-off short" in summary
        assert summary.count("\n") == 0 and len(summary) < 118  # one line at 120
        stages = shown_text(screen.query_one("#dash-stages")).splitlines()
        assert stages[1].startswith("ready to pick") and stages[1].endswith(" 1")
        assert stages[2].startswith("backordered") and "█" in stages[2] and stages[2].endswith("2")
        assert stages[0].startswith("new") and "█" not in stages[0]  # zero: no bar
        trucks = shown_text(screen.query_one("#dash-trucks"))
        pn = next(line for line in trucks.splitlines() if line.startswith("PN"))
        # "PN Carrier" (once, not "PN PN Carrier"), then the cut-off and the work.
        assert pn.split()[:2] == ["PN", "Carrier"]
        # Its last order packed at 15:00 local on the pace of the overview and delays.
        assert pn.split()[2:8] == ["14:30", "2", "1", "2", "6", "15:00"]
        assert "✗ will miss, 1 order at risk" in pn
        dhl = next(line for line in trucks.splitlines() if line.startswith("DHL"))
        assert dhl.split()[2:8] == ["16:00", "1", "1", "3", "3", "15:30"] and "✓ makes it" in dhl
        assert flat(screen, "#dash-trucks-title") == (
            "Cut-offs · 2 packs/h, planned · floor: pick 2 u/h, pack 3 u/h"
        )
        assert "✓ done" in trucks
        people = flat(screen, "#dash-people")
        assert "Ana Lindqvist" in people and "1.5 (3/2h)" in people
        assert "Johan Öberg" in people and "3.0 (6/2h)" in people
        accuracy = flat(screen, "#dash-accuracy")
        # wrong scans: 2 refused + 1 undone, 500 per 1,000 units
        assert "Johan Öberg 6 2+1 (500) 1 (167) 1 (167) 833 █" in accuracy
        assert "Lena Berg 1 0+0 (0) 0 (0) 0 (0) 0" in accuracy
        assert "Bo Ek" in people and "1.5 (3/2h) 1 wrong" in people
        backlog = flat(screen, "#dash-backlog")
        assert "short pick" in backlog and "qc fail" in backlog
        flow = flat(screen, "#flow-dispatched")
        assert flow == "2 0"  # two today, none in the 13:00 hour yet
        # Every panel is on the screen at once.
        assert all(p.display for p in screen.query(".panel"))


async def test_a_handheld_shows_one_panel_at_a_time(shift: Shift) -> None:
    app = WmsApp(shift.store.url, terminal="HH-9")
    async with app.run_test(size=(40, 16)) as pilot:
        await open_screen(pilot, "dashboard", "S9001")
        screen = app.screen
        await settle(pilot)
        assert flat(screen, "#dash-summary") == "7 open · 2 out · ✗ 1 cut-off short"
        assert flat(screen, "#dash-tab") == "‹ 1/6 Orders now ›"
        shown = [p.id for p in screen.query(".panel") if p.display]
        assert shown == ["panel-stages"]
        await pilot.press("3")
        assert flat(screen, "#dash-tab") == "‹ 3/6 Cut-offs ›"
        assert [p.id for p in screen.query(".panel") if p.display] == ["panel-trucks"]
        trucks = shown_text(screen.query_one("#dash-trucks")).splitlines()
        assert trucks[0].split()[:2] == ["PN", "14:30"] and trucks[0].endswith("✗ 1 at risk")
        assert trucks[1].strip() == "2 ord · pick 1 ln/2 u · pack 6 u"
        assert all(len(line.rstrip()) <= 36 for line in trucks)
        # A busy cut-off's work line is shortened to the width, never wrapped (it once
        # left the 'u' of 'pack 16 u' alone on the next line).
        assert screen.snap is not None
        busy = replace(
            screen.snap.carriers[0], code="POSTNORD", orders=12, lines_to_pick=20,
            units_to_pick=35, units_to_pack=160, at_risk=12,
        )  # fmt: skip
        screen.show(replace(screen.snap, carriers=(busy,)))
        await pilot.pause()
        busy_lines = shown_text(screen.query_one("#dash-trucks")).splitlines()
        assert [line.strip() for line in busy_lines] == [
            "POSTNORD 14:30 ✗ 12 at risk",
            "12 ord · pick 20ln/35u · pack 160u",
        ]
        await pilot.press("4")
        people = shown_text(screen.query_one("#dash-people")).splitlines()
        # a person's name, bar and rate on one line, as wide as the handheld
        assert any(line.startswith("Ana L.") and line.endswith("1.5") for line in people)
        assert people[0] == "Pick lines/hour (lines/active hours)"
        await pilot.press("right")
        assert flat(screen, "#dash-tab") == "‹ 5/6 Pack accuracy ›"
        assert "Johan Ö. " in shown_text(screen.query_one("#dash-accuracy"))
        assert "833.3 2/1/1/1" in flat(screen, "#dash-accuracy")
        await pilot.press("right", "right")  # wraps round to the first
        assert flat(screen, "#dash-tab") == "‹ 1/6 Orders now ›"
        await pilot.press("left")
        assert flat(screen, "#dash-tab") == "‹ 6/6 Backlog ›"
        # Growing the terminal shows every panel; shrinking it again, the chosen one.
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        assert all(p.display for p in screen.query(".panel"))
        await pilot.resize_terminal(40, 16)
        await pilot.pause()
        assert [p.id for p in screen.query(".panel") if p.display] == ["panel-backlog"]


async def test_keys_answer_while_a_refresh_waits_on_the_database(
    shift: Shift, monkeypatch: pytest.MonkeyPatch
) -> None:
    from wms_tui.services.insight import dashboard as service

    real = service.dashboard
    gate, entered = threading.Event(), threading.Event()

    def slow(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        entered.set()
        gate.wait(5)
        return real(*args, **kwargs)

    monkeypatch.setattr(service, "dashboard", slow)
    app = WmsApp(shift.store.url, terminal="HH-9")
    async with app.run_test(size=(40, 16)) as pilot:
        await open_screen(pilot, "dashboard", "S9001")
        screen = app.screen
        for _ in range(100):
            if entered.is_set():
                break
            await pilot.pause(0.02)
        assert entered.is_set() and screen.snap is None
        # Pressed as a terminal does, not through press(): that settles, which waits
        # for the refresh's worker, so the key was read only once the gate's 5 s
        # ran out and the query had finished, and a screen that blocked on the
        # query passed too.
        await pilot.press("3")
        tab = "‹ 3/6 Cut-offs ›"
        await until(pilot, lambda: flat(screen, "#dash-tab") == tab, "the tab")
        assert not gate.is_set() and screen.snap is None  # the query is still waiting
        gate.set()
        await settle(pilot)
        assert screen.snap is not None
        assert "PN" in shown_text(screen.query_one("#dash-trucks"))


async def test_a_failed_refresh_says_so_and_keeps_the_screen(
    shift: Shift, monkeypatch: pytest.MonkeyPatch
) -> None:
    from wms_tui.services.insight import dashboard as service

    def broken(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        raise RuntimeError("connection lost\nsecond line")

    app = WmsApp(shift.store.url, terminal="OFFICE")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_screen(pilot, "dashboard", "S9001")
        screen = app.screen
        await settle(pilot)
        monkeypatch.setattr(service, "dashboard", broken)
        await press(pilot, "r")
        await settle(pilot)
        assert screen.error == "Refresh failed: connection lost"
        assert flat(screen, "#dash-summary") == "✗ Refresh failed: connection lost"
        assert app.screen is screen
        monkeypatch.undo()
        await press(pilot, "r")
        await settle(pilot)
        assert screen.error == "" and "7 open" in flat(screen, "#dash-summary")


async def test_an_empty_warehouse_draws_empty_charts(sqlite_store: Store) -> None:
    with sqlite_store.unit_of_work() as uow:
        f.warehouse(uow)
        f.operator(uow, "Karin Holmgren", "supervisor", badge="S9001")
        uow.commit()
    app = WmsApp(sqlite_store.url, terminal="OFFICE")
    async with app.run_test(size=(40, 16)) as pilot:
        await open_screen(pilot, "dashboard", "S9001")
        screen = app.screen
        await settle(pilot)
        assert screen.snap is not None and screen.error == ""
        assert "0 open" in flat(screen, "#dash-summary")
        for key, wid, says in (
            ("1", "#dash-stages", "new"),
            ("2", "#flow-released", "0 0"),
            ("3", "#dash-trucks", "no carriers set up"),
            ("4", "#dash-people", "nobody yet today"),
            ("5", "#dash-accuracy", "nothing packed yet today"),
            ("6", "#dash-backlog", "none open"),
        ):
            await press(pilot, key)  # on a handheld: that panel is shown
            await settle(pilot)
            assert says in flat(screen, wid)
            assert "█" not in shown_text(screen.query_one(wid))
        await pilot.resize_terminal(120, 40)
        await settle(pilot)
        assert "nothing packed yet today" in flat(screen, "#dash-accuracy")
        assert "cycle p50 – p90 –" in flat(screen, "#dash-summary")
        assert app.screen is screen


def test_the_dashboard_is_a_supervisors_entry() -> None:
    from wms_tui.ui.menu import entries_for

    assert "dashboard" in [e.id for e in entries_for({"supervisor"})]
    assert "dashboard" not in [e.id for e in entries_for({"picker", "packer", "receiver"})]


def test_a_carrier_is_named_once_in_the_cut_off_table() -> None:
    from wms_tui.ui.screens.dashboard_view import _carrier

    # Seen on the demo at 120x40: "CJ CJ Logistics", "DHL DHL Express".
    assert _carrier("CJ", "CJ Logistics") == "CJ Logistics"
    assert _carrier("DHL", "DHL Express") == "DHL Express"
    assert _carrier("POSTNORD", "PostNord") == "PostNord"
    assert _carrier("PN", "PostNord") == "PN PostNord"


async def test_wide_fits_five_carriers_and_the_open_exceptions_without_scrolling(
    shift: Shift,
) -> None:
    with shift.store.unit_of_work() as uow:
        f.carrier(uow, "CJ", cutoff=time(15, 0))
        f.carrier(uow, "USPS", cutoff=time(12, 0))
        for kind in ("MISSING_UNIT", "BACKORDER", "CANCELLED_AFTER_PACK"):
            uow.add(WmsException(kind=kind, message="open"))
        uow.commit()
    app = WmsApp(shift.store.url, terminal="OFFICE")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_screen(pilot, "dashboard", "S9001")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DashboardScreen) and screen.snap is not None
        assert len(screen.snap.carriers) == 5
        assert fits(app, "#dash-trucks", "#dash-people", "#dash-accuracy", "#dash-backlog")
        backlog = flat(screen, "#dash-backlog")
        assert "qc fail" in backlog and "cancelled after pack" in backlog


def test_pack_accuracy_keeps_every_figure_at_120_columns() -> None:
    """Four packers, Hangul names, two-digit rates: the table once cut QC "3 (38)" to
    "3 (3…" and the total to "88…" in its 56 columns."""
    from rich.console import Console

    from wms_tui.services.insight.metrics import PersonWork
    from wms_tui.ui.screens import dashboard_view as view

    def packer(name: str, units: int, refused: int, qc: int) -> PersonWork:
        return PersonWork(1, name, "pack", count=units, units=units, refused=refused, qc=qc)

    packers = (packer("Märta Sjöberg", 80, 4, 3), packer("박서연 (Seoyeon Park)", 79, 1, 1),
               packer("Johan Öberg", 76, 6, 0), packer("Emily Carter", 75, 2, 3))  # fmt: skip
    console = Console(width=56, record=True, color_system=None)
    console.print(view.accuracy(SimpleNamespace(packers=packers), 56, False))
    lines = console.export_text().splitlines()
    # only a name is cut (to 16 cells), never a figure
    assert all("…" not in line[16:] for line in lines) and all(len(line) <= 56 for line in lines)
    assert sum("…" in line for line in lines) == 1  # 박서연 (Seoyeon Park)
    marta = next(line for line in lines if line.startswith("Märta"))
    assert marta.split()[2:] == ["80", "4+0", "(50)", "3", "(38)", "0", "(0)", "88", "██"]


def test_cycle_times_read_to_the_nearest_minute() -> None:
    from wms_tui.ui.screens import dashboard_view as view

    # a simulated day's p50 of 3.8 minutes read "3m" beside the event log's 3.8
    assert [view.minutes(m) for m in (3.8, 3.4, 59.6, 134.5, None)] == [
        "4m", "3m", "1h00", "2h14", "–",
    ]  # fmt: skip
