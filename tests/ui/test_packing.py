"""The pack station screen, driven with the Pilot like a packer with a scanner and a scale."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import select
from textual.geometry import Region
from textual.widgets import DataTable, OptionList, Static

from tests.printing.helpers import decode_pdf, page_texts
from tests.ui.helpers import (
    bell_counter,
    feedback,
    fits,
    footer_keys,
    open_pack,
    text,
    until,
)
from tests.ui.scanner import press, scan, settle
from tests.worlds import factories as f
from tests.worlds import packing as pw
from tests.worlds.dbstate import snapshot
from wms_tui.domain.enums import OrderStatus
from wms_tui.domain.models import Order, Parcel
from wms_tui.services.packing import station as packing
from wms_tui.store import Store
from wms_tui.ui.app import WmsApp
from wms_tui.ui.screens import packing as packing_screen
from wms_tui.ui.screens.home import HomeScreen
from wms_tui.ui.screens.packing import PackScreen
from wms_tui.ui.screens.packing_text import rows_needed
from wms_tui.ui.widgets.dialogs import AskApproval, AskConfirm, AskText
from wms_tui.ui.widgets.feedback import Feedback

SIZES = [(120, 40), (40, 16)]


@pytest.fixture
def world(sqlite_store: Store, tmp_path: Path) -> pw.World:
    return pw.build(sqlite_store, label_dir=str(tmp_path / "labels"))


def table_rows(app: WmsApp, wid: str) -> list[list[str]]:
    table = app.screen.query_one(f"#{wid}", DataTable)
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


def shown_feedback(app: WmsApp) -> str:
    """The feedback's rows as drawn, joined: what fits, not what was said."""
    fb = app.screen.query_one("#pk-feedback", Feedback)
    width, height = fb.outer_size
    return " ".join(s.text.strip() for s in fb.render_lines(Region(0, 0, width, height))).strip()


def line_rows(app: WmsApp) -> list[str]:
    """The order lines as shown, one string per line."""
    return [str(w.render()) for w in app.screen.query(".pk-line")]


@pytest.mark.parametrize("size", SIZES)
async def test_a_new_packer_packs_an_order(world: pw.World, size, tmp_path: Path) -> None:
    app = WmsApp(world.store.url, terminal="PACK-1")
    bells = bell_counter(app)
    async with app.run_test(size=size) as pilot:
        screen = await open_pack(pilot)
        assert [r[0].strip() for r in table_rows(app, "pk-queue")] == ["#1042", "#1043", "#1044"]
        await scan(pilot, "T-0001")
        assert screen.view is not None and screen.view.order_name == "#1042"
        panel = "#pk-side" if size[0] >= 90 else "#pk-status"
        assert fits(app, "#pk-head", "#pk-lines-box", panel, "#pk-prompt", "#pk-scan")

        # A wrong item: bell, one line, nothing changes.
        before = snapshot(world.store)
        await scan(pilot, pw.STRANGER_EAN)
        assert bells == [1]
        assert feedback(app) == "✗ SOCK-X (Wool socks) is not in order #1042: put it aside"
        assert snapshot(world.store) == before

        await scan(pilot, pw.MUG_EAN)
        assert feedback(app) == "✓ MUG-BLU  1/2"
        assert line_rows(app)[0].startswith("•")
        await scan(pilot, pw.MUG_EAN)
        assert line_rows(app)[0].startswith("✓")  # done shows as a symbol
        assert "2/2" in line_rows(app)[0] and line_rows(app)[1].startswith("•")
        before = snapshot(world.store)
        await scan(pilot, pw.MUG_EAN)  # over-scan
        assert feedback(app) == "✗ Already 2 of 2 MUG-BLU packed: this one is extra"
        assert len(bells) == 2 and snapshot(world.store) == before
        await scan(pilot, pw.TEE_EAN)
        assert "all units scanned" in feedback(app)

        # The scale disagrees: bell, and the parcel cannot close.
        await scan(pilot, "5000 g")
        assert len(bells) == 3 and "expected" in feedback(app)
        # The way out is on screen, not cut after the handheld's second row.
        assert shown_feedback(app).endswith("re-weigh or supervisor (F11)")
        await press(pilot, "f9")
        assert len(bells) == 4 and feedback(app).startswith("✗ Cannot close #1042: Weight outside")
        # Re-weigh through F6 with the real weight.
        expected = screen.view.parcels[0].expected_g
        await press(pilot, "f6")
        assert isinstance(app.screen, AskText)
        await scan(pilot, "0")
        assert isinstance(app.screen, AskText)  # refused inside the dialog, which stays
        await scan(pilot, str(expected + 20))
        assert isinstance(app.screen, PackScreen)
        assert screen.view.parcels[0].weight_state == "ok"

        await press(pilot, "f7")
        await press(pilot, "1")
        assert screen.view.ready
        await press(pilot, "f9")
        await until(pilot, lambda: "document" in feedback(app), "documents")
        assert screen.view is None
        assert "#1042" not in [r[0].strip() for r in table_rows(app, "pk-queue")]
        fb = app.screen.query_one("#pk-feedback", Feedback)
        # The handheld's two rows hold the whole answer; the station names the files.
        assert rows_needed(feedback(app), fb.content_region.width) <= fb.content_region.height
        assert ("label_1042" in feedback(app)) == (size[0] >= 90)

    with world.store.read() as s:
        order = s.exec(select(Order).where(Order.name == "#1042")).one()
        assert order.status == OrderStatus.PACKED
        parcel = s.exec(select(Parcel).where(Parcel.order_id == order.id)).one()
        files = parcel.label_file, parcel.slip_file
        tracking, sscc = parcel.tracking_number, parcel.sscc
    folder = f.store_folder(world.store, tmp_path / "labels")
    label, slip = folder / files[0], folder / files[1]
    codes = {b.text for page in decode_pdf(label.read_bytes()) for b in page}
    assert tracking in codes and any(sscc in c for c in codes)
    assert "Packed by Johan Öberg · PACK-1" in " ".join(page_texts(slip.read_bytes()))


async def test_count_confirm_and_undo(world: pw.World) -> None:
    app = WmsApp(world.store.url, terminal="PACK-1")
    async with app.run_test(size=(40, 16)) as pilot:
        screen = await open_pack(pilot)
        await scan(pilot, "#1044")  # 8 tees
        await scan(pilot, pw.TEE_EAN)
        before = snapshot(world.store)
        await scan(pilot, "9")  # more than ordered: refused at once, no question first
        await until(pilot, lambda: "needs 8, not 9" in feedback(app), "the refusal")
        assert app.screen is screen and screen.view.lines[0].packed == 1
        assert snapshot(world.store) == before
        await scan(pilot, "8")  # the count of the line just scanned
        assert isinstance(app.screen, AskConfirm)
        await pilot.press("enter")
        await pilot.pause()
        assert screen.view.lines[0].packed == 8
        assert feedback(app).startswith("✓ counted 7× TEE-M  8/8")
        await pilot.press("f3")
        await pilot.pause()
        assert screen.view.lines[0].packed == 1
        assert feedback(app) == "Undone: 7× TEE-M, now 1/8"
        await pilot.press("f2")  # the same through the dialog, then say no
        await pilot.pause()
        await scan(pilot, "5")
        assert isinstance(app.screen, AskConfirm)
        await pilot.press("n")
        await pilot.pause()
        assert screen.view.lines[0].packed == 1 and feedback(app) == "Count not changed"


async def test_second_station_is_told_who_has_the_order(world: pw.World) -> None:
    packing.open_order(world.store, world.packer, "#1042")
    app = WmsApp(world.store.url, terminal="PACK-2")
    bells = bell_counter(app)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_pack(pilot, "K2003")
        await scan(pilot, "#1042")
        assert bells == [1]
        assert feedback(app) == ("✗ Order #1042 is open at PACK-1 by Johan Öberg (F11: take over)")
        # The key is named whole on a handheld too ("(F11: supervisor…" was cut there).
        assert rows_needed(feedback(app), 36) <= 2
        assert screen.view is None
        await pilot.press("f11")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, AskApproval)
        assert "you are one" not in str(dialog.query_one("#dlg-title", Static).render())
        before = snapshot(world.store)
        await scan(pilot, "K2001")  # not a supervisor: refused, the dialog stays
        assert app.screen is dialog
        assert dialog.query_one("#dlg-fb", Feedback).text.startswith(
            "✗ Johan Öberg is not a supervisor"
        )
        await scan(pilot, "")  # Enter alone: Emily is no supervisor either
        assert app.screen is dialog
        assert "scan a supervisor badge" in dialog.query_one("#dlg-fb", Feedback).text
        assert snapshot(world.store) == before
        await scan(pilot, "S9001")
        await scan(pilot, f.SUPERVISOR_PIN)
        await pilot.pause()
        assert screen.view is not None and screen.view.locked_terminal == "PACK-2"


async def test_the_take_over_names_the_order_not_what_was_scanned(world: pw.World) -> None:
    """Scanned by its tote (or typed without '#'), the question read 'take over T-0001'."""
    packing.open_order(world.store, world.packer, "#1042")
    app = WmsApp(world.store.url, terminal="PACK-2")
    async with app.run_test(size=(40, 16)) as pilot:
        await open_pack(pilot, "K2003")
        await scan(pilot, world.totes["#1042"])
        await pilot.press("f11")
        await pilot.pause()
        assert isinstance(app.screen, AskApproval)
        title = str(app.screen.query_one("#dlg-title", Static).render())
        assert "take over #1042" in title


async def test_scanner_control_characters_are_stripped(world: pw.World) -> None:
    app = WmsApp(world.store.url, terminal="PACK-1")
    async with app.run_test(size=(40, 16)) as pilot:
        screen = await open_pack(pilot)
        app.screen.query_one("#pk-scan").value = "T-0002\r\x1d"
        await pilot.press("enter")
        await pilot.pause()
        assert screen.view.order_name == "#1043"
        # The gift message and notes are impossible to miss.
        notes = text(app, "pk-notes")
        assert "GIFT MESSAGE: Grattis på födelsedagen, Åsa!" in notes
        assert fits(app, "#pk-notes")
        app.screen.query_one("#pk-scan").value = pw.BOOK_EAN + "\x04\r"
        await pilot.press("enter")
        await pilot.pause()
        assert screen.view.lines[0].packed == 1


async def test_quality_check_replacement_from_the_keyboard(world: pw.World) -> None:
    app = WmsApp(world.store.url, terminal="PACK-1")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_pack(pilot)
        await scan(pilot, "T-0001")
        await press(pilot, "f4")
        await scan(pilot, pw.MUG_EAN)  # the faulty unit, scanned in the dialog
        await press(pilot, "1")  # damaged
        await settle(pilot)
        await press(pilot, "1")  # replace it
        await settle(pilot)
        assert screen.view is None  # the order left the station for a replacement pick
        assert "replacement pick RPL-" in feedback(app)
    with world.store.read() as s:
        order = s.exec(select(Order).where(Order.name == "#1042")).one()
        assert order.status == OrderStatus.PICKING


@pytest.mark.parametrize("size", SIZES)
async def test_a_unit_missing_from_the_tote_sends_the_order_to_the_supervisor(
    world: pw.World, size
) -> None:
    """F4, the line's number (nothing to scan), "Not in the tote": the order leaves the
    station for the supervisor's inbox; before, only the close's refusal said so."""
    app = WmsApp(world.store.url, terminal="PACK-1")
    async with app.run_test(size=size) as pilot:
        screen = await open_pack(pilot)
        await scan(pilot, "T-0001")
        await scan(pilot, pw.MUG_EAN)
        await press(pilot, "f4")
        await scan(pilot, "1")  # line 1: the second mug is not there to scan
        await settle(pilot)
        options = app.screen.query_one("#dlg-options", OptionList)
        last = len(packing.QC_REASONS) + 1
        assert str(options.get_option_at_index(last - 1).prompt) == f"{last}  Not in the tote"
        assert fits(app, "#dlg-options")
        await press(pilot, str(last))
        await settle(pilot)
        assert screen.view is None  # back at the queue
        assert shown_feedback(app) == "MUG-BLU missing: #1042 to the supervisor; park tote T-0001"
        assert fits(app)
        assert "#1042" not in [row.name for row in screen.queue]
    assert pw.order_state(world.store, "#1042") == (OrderStatus.ON_HOLD, "")


@pytest.mark.parametrize("size", SIZES)
async def test_order_keys_are_shown_only_while_an_order_is_open(world: pw.World, size) -> None:
    """At the queue the footer offered F2 Count, F3 Undo, F4 QC… that had nothing to act on."""
    app = WmsApp(world.store.url, terminal="PACK-2")
    async with app.run_test(size=size) as pilot:
        screen = await open_pack(pilot, "K2003")
        await settle(pilot)
        order_keys = {"f2", "f3", "f4", "f5", "f6", "f7", "f8", "f9", "f12"}
        assert not order_keys & set(footer_keys(app)) and "f1" in footer_keys(app)
        before = snapshot(world.store)
        await press(pilot, "f2")  # hidden keys do nothing, not even ring
        assert screen.view is None and snapshot(world.store) == before
        await press(pilot, "f11")  # the take-over needs the order first
        assert feedback(app) == "✗ Scan the order open at another station, then F11"
        await scan(pilot, "T-0001")
        await settle(pilot)
        assert screen.view is not None
        assert {"f2", "f3", "f4"} <= set(footer_keys(app))
        await press(pilot, "f12")
        await settle(pilot)
        assert screen.view is None and not order_keys & set(footer_keys(app))


async def test_a_scan_refreshes_the_keys_only_when_an_order_opens_or_leaves(
    world: pw.World,
) -> None:
    app = WmsApp(world.store.url, terminal="PACK-1")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_pack(pilot)
        refreshed: list[int] = []
        real = screen.refresh_bindings
        screen.refresh_bindings = lambda: (refreshed.append(1), real())[1]  # type: ignore[method-assign]
        await scan(pilot, "T-0001")
        await settle(pilot)
        assert refreshed == [1] and "f9" in footer_keys(app)
        await scan(pilot, pw.MUG_EAN)
        await scan(pilot, pw.MUG_EAN)
        assert screen.view is not None and screen.view.units_packed == 2
        assert refreshed == [1]
        await press(pilot, "f12")
        await settle(pilot)
        assert screen.view is None and refreshed == [1, 1] and "f9" not in footer_keys(app)


async def test_a_handheld_that_cannot_pack_is_told_the_fix_whole(world: pw.World) -> None:
    """At 40 columns it read "HH-01 cannot close parcels: Station HH-01 has no pack
    location: ask a…": the fix was cut off."""
    app = WmsApp(world.store.url, terminal="HH-01")
    async with app.run_test(size=(40, 16)) as pilot:
        screen = await open_pack(pilot)
        before = snapshot(world.store)
        await scan(pilot, "#1042")
        assert screen.view is None and snapshot(world.store) == before
        assert shown_feedback(app) == (
            "✗ HH-01 is no pack station (no pack location): a supervisor sets one"
        )


async def test_an_item_scanned_at_the_queue_is_named_whole_on_a_handheld(
    world: pw.World,
) -> None:
    """It read "No order or tote 7350…", then "… (MUG-BLU): scan its tote or orde…"."""
    app = WmsApp(world.store.url, terminal="PACK-1")
    async with app.run_test(size=(40, 16)) as pilot:
        screen = await open_pack(pilot)
        await scan(pilot, pw.MUG_EAN)
        assert screen.view is None
        assert shown_feedback(app) == "✗ MUG-BLU is an item: scan its tote or order first"


async def test_escape_parks_the_order(world: pw.World) -> None:
    app = WmsApp(world.store.url, terminal="PACK-1")
    async with app.run_test(size=(40, 16)) as pilot:
        screen = await open_pack(pilot)
        await scan(pilot, "T-0001")
        await scan(pilot, pw.MUG_EAN)
        await press(pilot, "escape")
        assert isinstance(app.screen, AskConfirm)
        await press(pilot, "y")
        assert screen.view is None and feedback(app).startswith("✓ Order #1042 parked")
        await press(pilot, "escape")
        assert isinstance(app.screen, HomeScreen)
    with world.store.read() as s:
        assert s.exec(select(Order.status).where(Order.name == "#1042")).one() == "PICKED"


async def test_supervisor_override_carton_choice_and_reprint(world: pw.World) -> None:
    app = WmsApp(world.store.url, terminal="PACK-1")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_pack(pilot)
        await scan(pilot, "#1043")  # one cookbook, gift order
        await scan(pilot, pw.BOOK_EAN)
        await pilot.press("f5")  # the carton list: 1 = suggested, then S, M, L
        await pilot.pause()
        await pilot.press("4")
        await pilot.pause()
        assert screen.view.parcels[0].carton_code == "BOX-L"
        assert screen.view.parcels[0].carton_chosen
        await scan(pilot, "3000 g")
        assert screen.view.parcels[0].weight_state == "mismatch"
        await pilot.press("f11")
        await pilot.pause()
        await scan(pilot, "S9001")
        await scan(pilot, f.SUPERVISOR_PIN)
        await pilot.pause()
        assert screen.view.parcels[0].weight_state == "override"
        assert feedback(app) == "✓ Weight of parcel 1 accepted by Karin Holmgren"
        for n in range(len(screen.view.inserts)):
            await pilot.press("f7")
            await pilot.pause()
            await pilot.press(str(n + 1))
            await pilot.pause()
        assert screen.view.ready, screen.view.blockers
        await pilot.press("f9")
        await until(pilot, lambda: "document" in feedback(app), "documents")
        await pilot.press("f10")
        await pilot.pause()
        await pilot.press("3")  # the packing slip only
        await until(pilot, lambda: feedback(app).startswith("✓ Reprinted #1043"), "reprint")
        assert "slip_1043_" in feedback(app) and "label_" not in feedback(app)


@pytest.mark.parametrize("size", SIZES)
async def test_next_packer_at_the_bench_goes_on_with_the_order_left_there(
    world: pw.World, size
) -> None:
    # Johan opened #1042 at PACK-1, scanned a mug and went home.
    view = packing.open_order(world.store, world.packer, "#1042")
    packing.scan(world.store, world.packer, view.order_id, pw.MUG_EAN)
    app = WmsApp(world.store.url, terminal="PACK-1")
    async with app.run_test(size=size) as pilot:
        screen = await open_pack(pilot, badge="K2003")  # Emily Carter
        await until(pilot, lambda: screen.view is not None, "the order left on the bench")
        assert screen.view.order_name == "#1042"
        assert "Going on with #1042, left here by Johan Öberg" in feedback(app)
        fb = app.screen.query_one("#pk-feedback", Feedback)
        assert rows_needed(feedback(app), fb.content_region.width) <= fb.content_region.height
        assert "1/3" in text(app, "pk-head")
        await scan(pilot, pw.MUG_EAN)
        assert feedback(app).startswith("✓")
        assert screen.view.units_packed == 2


async def test_a_scan_rebuilds_only_the_rows_it_changed(world: pw.World, monkeypatch) -> None:
    import wms_tui.ui.screens.packing_render as pack_screen

    built: list[int] = []
    real = pack_screen.line_text

    def counting(ln, *args, **kwargs):
        built.append(ln.line_no)
        return real(ln, *args, **kwargs)

    monkeypatch.setattr(pack_screen, "line_text", counting)
    app = WmsApp(world.store.url, terminal="PACK-1")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_pack(pilot)
        await scan(pilot, "T-0001")  # #1042: 2 mugs, 1 tee
        await until(pilot, lambda: len(line_rows(app)) == 2, "the order's rows")
        built.clear()
        await scan(pilot, pw.MUG_EAN)
        assert built == [1]  # the tee's row is untouched
        built.clear()
        await scan(pilot, pw.TEE_EAN)
        assert sorted(built) == [1, 2]  # the mug row loses the highlight, the tee gains it
        assert screen.view.units_packed == 2
        assert "1/1" in line_rows(app)[1] and "1/2" in line_rows(app)[0]


async def test_the_first_station_is_told_once_when_its_order_is_taken_over(
    world: pw.World,
) -> None:
    """Two stations on one store: PACK-2 takes #1042 over from PACK-1."""
    first = WmsApp(world.store.url, terminal="PACK-1")
    second = WmsApp(world.store.url, terminal="PACK-2")
    async with first.run_test(size=(40, 16)) as p1, second.run_test(size=(120, 40)) as p2:
        one = await open_pack(p1)
        await scan(p1, "#1042")
        assert one.view is not None and one.view.order_name == "#1042"
        two = await open_pack(p2, "K2003")
        await scan(p2, "#1042")
        await p2.press("f11")
        await p2.pause()
        await scan(p2, "S9001")
        await scan(p2, f.SUPERVISOR_PIN)
        await p2.pause()
        assert two.view is not None and two.view.locked_terminal == "PACK-2"
        # PACK-1 scans a mug, still thinking it has the order: told once, back to the queue.
        before = snapshot(world.store)
        await scan(p1, pw.MUG_EAN)
        assert feedback(first) == (
            "✗ #1042 was taken over at PACK-2 by Emily Carter: back to the queue"
        )
        assert one.view is None
        await scan(p1, pw.MUG_EAN)
        assert "taken over" not in feedback(first) and one.view is None
        assert snapshot(world.store) == before


@pytest.mark.parametrize("size", SIZES)
async def test_many_papers_are_counted_when_their_names_do_not_fit(world: pw.World, size) -> None:
    """Three parcels and a customs paper: the station's two rows were cut mid-name."""
    from wms_tui.services.packing.documents import Documents

    app = WmsApp(world.store.url, terminal="PACK-1")
    async with app.run_test(size=size) as pilot:
        screen = await open_pack(pilot)
        done = "Order #1042 PACKED: 3 parcels, 00370000000000000017, 00370000000000000024, "
        done += "00370000000000000031"
        short = "Order #1042 PACKED: 3 parcels"
        names = [f"label_1042_2074323026d7_{n}of3.pdf" for n in (1, 2, 3)]
        names += ["slip_1042_0905a2d7bdb8.pdf", "customs_1042_0905a2d7bdb8.pdf"]
        docs = Documents(files=tuple(Path(n) for n in names), printed=("ZEBRA-1",))
        screen.say_documents(docs, done, short)
        await settle(pilot)
        shown = shown_feedback(app)
        assert "5 documents printed" in shown  # the end of the answer is on screen
        assert "#1042 PACKED: 3 parcels" in shown

        # One parcel's two papers still fit a station's rows by name.
        one = Documents(files=(Path(names[0]), Path(names[3])), printed=("ZEBRA-1",))
        screen.say_documents(
            one,
            "Order #1042 PACKED: 1 parcel, 00370000000000000017",
            "Order #1042 PACKED: 1 parcel",
        )
        await settle(pilot)
        assert (names[3] in feedback(app)) == (size[0] >= 90)


@pytest.mark.parametrize("size", SIZES)
async def test_a_label_held_in_a_stopped_queue_is_said_without_f10(
    world: pw.World, monkeypatch, size
) -> None:
    """CUPS took the label into a stopped queue: F10 would print it twice once started.

    A handheld's two rows cut the whole sentence after "queue zebra-1 is stopped: the": its
    short form keeps the order's state and how to start the queue."""
    from wms_tui.services.packing.documents import Documents

    held = (
        "label printer: queue zebra-1 is stopped: the job waits in it and prints once the"
        " queue is started (cupsenable zebra-1); printing again would print it twice"
    )
    label = (Path("label_1042_1of1.zpl"),)
    results = iter(
        [
            Documents(files=label, held=(held,), held_queues=("zebra-1",)),
            Documents(files=label, problems=("label printer: off",)),
        ]
    )
    monkeypatch.setattr(packing_screen.packing, "produce", lambda *a, **k: next(results))
    app = WmsApp(world.store.url, terminal="PACK-1")
    async with app.run_test(size=size) as pilot:
        screen = await open_pack(pilot)
        screen.make_documents(1, "Order #1042 PACKED")
        await app.workers.wait_for_complete()
        await pilot.pause()
        said, shown = feedback(app), shown_feedback(app)
        assert "F10" not in said and "Order #1042 PACKED" in shown
        # The end of the answer is on screen: the whole sentence at a station.
        assert shown.endswith(held if size[0] >= 90 else "cupsenable zebra-1")
        screen.make_documents(1, "Order #1042 PACKED")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert shown_feedback(app).endswith("label printer: off — F10 reprints")


async def test_a_line_row_not_mounted_yet_is_left_to_the_refill(world: pw.World) -> None:
    """A scan answered while an order's line rows are being mounted drew into a row
    that did not exist yet (NoMatches '#pk-line-1-1' killed the app)."""
    app = WmsApp(world.store.url, terminal="PACK-1")
    async with app.run_test(size=(40, 16)) as pilot:
        screen = await open_pack(pilot)
        await scan(pilot, "T-0001")
        assert screen.view is not None
        screen._set("pk-line-99999-1", "a row being mounted")
        assert "pk-line-99999-1" not in screen._shown  # drawn by the refill, not marked shown


async def test_a_print_never_cancels_another(world: pw.World, monkeypatch) -> None:
    """A reprint, or the next order's close, started while a close's papers still wait
    for their worker: an exclusive "pack-print" group cancelled those papers unprinted."""
    from wms_tui.services.packing.documents import Documents

    printed: list[str] = []

    def produce(_store, order_id, *_a, **_k) -> Documents:
        printed.append(f"close {order_id}")
        return Documents()

    def reprint(_store, _actor, name, **_k) -> Documents:
        printed.append(f"reprint {name}")
        return Documents()

    monkeypatch.setattr(packing_screen.packing, "produce", produce)
    monkeypatch.setattr(packing_screen.packing, "reprint", reprint)
    app = WmsApp(world.store.url, terminal="PACK-1")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_pack(pilot)
        # In one turn of the event loop: none of these workers has started yet.
        screen.make_documents(1, "Order #1042 PACKED")
        screen.make_documents(2, "Order #1043 PACKED")
        screen.reprint("#1042", "label")
        await app.workers.wait_for_complete()
        await pilot.pause()
    assert sorted(printed) == ["close 1", "close 2", "reprint #1042"]
