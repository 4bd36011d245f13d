"""The order trace screen, driven as a supervisor would at 40×16 and 120×40."""

from __future__ import annotations

import pytest
from sqlmodel import select

from tests.ui.helpers import SIZES, footer_keys, open_screen, shown_text, wait_store
from tests.ui.scanner import press, scan, settle
from tests.worlds.trace import SSCC, Traced, build_traced
from wms_tui.domain.models import Parcel
from wms_tui.store import Store
from wms_tui.ui.app import WmsApp
from wms_tui.ui.screens.lookup import LookupScreen
from wms_tui.ui.screens.order_detail import OrderScreen
from wms_tui.ui.screens.trace import TraceScreen


@pytest.fixture
def traced(sqlite_store: Store) -> Traced:
    return build_traced(sqlite_store)


@pytest.mark.parametrize("size", SIZES)
async def test_a_scanned_label_shows_the_whole_life(traced: Traced, size) -> None:  # noqa: ANN001
    app = WmsApp(traced.store.url, terminal="OFFICE")
    async with app.run_test(size=size) as pilot:
        await open_screen(pilot, "trace", "S9001")
        screen = app.screen
        assert isinstance(screen, TraceScreen)
        await scan(pilot, "00" + SSCC[1])
        await settle(pilot)
        assert screen.trace is not None and screen.trace.name == "#1042"
        assert screen.feedback.text == "✓ #1042: 29 steps, 6 to look at (!)"
        facts = shown_text(screen.query_one("#trace-facts"))
        assert "2 × MUG-1 A-01-1-A → T-0007 by Ana Lindqvist" in " ".join(facts.split())
        assert "Johan Öberg @ PACK-1: 2 scans, 0 counts, 1 undo, 1 QC" in " ".join(facts.split())
        timeline = shown_text(screen.query_one("#trace-timeline"))
        qc = " ".join(timeline.split())
        assert "! 10 Mar 09:22" in qc and "QC took out 1 × MUG-1" in qc
        if size[0] >= 120:
            assert "weight accepted by a supervisor: parcel 1" in timeline
            assert "Karin Holmgren" in timeline and "weight.override" not in timeline
        # The field still has the focus: the next scan traces the next order; keys scroll.
        assert app.focused is screen.scan_field
        await press(pilot, "pagedown", "down", "up", "pageup")
        await scan(pilot, "no-such-thing")
        await settle(pilot)
        assert screen.feedback.text == "✗ No order matches 'no-such-thing'"
        assert screen.trace.name == "#1042"  # what was shown stays
        await press(pilot, "escape")
        assert not isinstance(app.screen, TraceScreen)


@pytest.mark.parametrize("size", SIZES)
async def test_one_key_from_the_lookup_and_the_order(traced: Traced, size) -> None:  # noqa: ANN001
    app = WmsApp(traced.store.url, terminal="OFFICE")
    async with app.run_test(size=size) as pilot:
        await open_screen(pilot, "lookup", "S9001")
        assert isinstance(app.screen, LookupScreen)
        await scan(pilot, "Öberg")  # three orders: the list has the first highlighted
        lookup = app.screen
        first = lookup.hits[0].name
        await press(pilot, "f4")
        await settle(pilot)
        assert isinstance(app.screen, TraceScreen) and app.screen.trace.name == first
        await press(pilot, "escape", "f2")  # back in the list; F2 to search again
        await scan(pilot, "1042")  # one hit opens the order
        await settle(pilot)
        assert isinstance(app.screen, OrderScreen)
        await press(pilot, "t")
        await settle(pilot)
        assert isinstance(app.screen, TraceScreen) and app.screen.trace.name == "#1042"


async def test_a_picker_is_refused_in_one_line(traced: Traced) -> None:
    app = WmsApp(traced.store.url, terminal="HH-1")
    bells: list[int] = []
    app.bell = lambda: bells.append(1)  # type: ignore[method-assign]
    async with app.run_test(size=(40, 16)) as pilot:
        await wait_store(pilot)
        await scan(pilot, "P1001")
        assert "trace" not in [e.id for e in app.screen.entries]
        app.push_screen(TraceScreen("#1042"))
        await settle(pilot)
        screen = app.screen
        assert "Ana Lindqvist may not trace an order" in screen.feedback.text
        assert screen.trace is None and bells
        await press(pilot, "enter", "x", "!", "f2", "escape")  # no key crashes it


@pytest.mark.parametrize("size", SIZES)
async def test_a_picker_is_offered_no_trace_key(traced: Traced, size) -> None:  # noqa: ANN001
    """Lookup (F4) and the order screen (t) offered a picker a trace that refuses him."""
    app = WmsApp(traced.store.url, terminal="HH-1")
    async with app.run_test(size=size) as pilot:
        await open_screen(pilot, "lookup", "P1001")
        assert isinstance(app.screen, LookupScreen)
        assert "f4" not in footer_keys(app)
        await scan(pilot, "1042")
        await settle(pilot)
        assert isinstance(app.screen, OrderScreen)
        assert "t" not in footer_keys(app)
        await press(pilot, "t")
        assert isinstance(app.screen, OrderScreen)


async def test_a_parcel_still_at_the_station_says_so(sqlite_store: Store, tmp_path) -> None:  # noqa: ANN001
    """An order being packed read "Parcel 1/1  ? kg PN Carrier"."""
    from tests.worlds import packing as pw
    from wms_tui.services.packing import station as packing

    world = pw.build(sqlite_store, label_dir=str(tmp_path / "labels"))
    oid = pw.open_1042(world).order_id
    packing.scan(sqlite_store, world.packer, oid, pw.MUG_EAN)
    app = WmsApp(sqlite_store.url, terminal="OFFICE")
    async with app.run_test(size=(40, 16)) as pilot:
        await open_screen(pilot, "trace", "S9001")
        screen = app.screen
        await scan(pilot, "#1042")
        await settle(pilot)
        facts = " ".join(shown_text(screen.query_one("#trace-facts")).split())
        assert "Parcel 1/1 open, no label yet, not weighed," in facts
        assert "? kg" not in facts


async def test_a_parcel_closed_after_a_take_over_names_who_closed_it(traced: Traced) -> None:
    """A simulated day's take-over: Johan scanned both units at PACK-1, Märta took the
    order over at PACK-4 and closed the parcel without a scan; the facts named Johan
    alone ("Packed Johan Öberg @ PACK-1: 2 scans") and the parcel no one."""
    with traced.store.unit_of_work() as uow:
        for parcel in uow.session.exec(select(Parcel)).all():
            if parcel.seq == 1:
                parcel.packed_by_name, parcel.terminal = "Märta Sjöberg", "PACK-4"
                uow.add(parcel)
        uow.commit()
    app = WmsApp(traced.store.url, terminal="OFFICE")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_screen(pilot, "trace", "S9001")
        await scan(pilot, "00" + SSCC[1])
        await settle(pilot)
        facts = " ".join(shown_text(app.screen.query_one("#trace-facts")).split())
        assert "Parcel 1/2" in facts and ", closed by Märta Sjöberg @ PACK-4" in facts
        # Lena scanned at PACK-2 and closed parcel 2 there: said once, in "Packed".
        assert "closed by Lena Berg" not in facts and "Lena Berg @ PACK-2" in facts
