"""Exceptions inbox, driven like a supervisor with a keyboard, at 40x16 and 120x40."""

from __future__ import annotations

import pytest
from sqlmodel import select
from textual.widgets import DataTable, Static

from tests.ui.helpers import shown_text, until, wait_store
from tests.ui.scanner import log_in, scan
from tests.worlds import factories as f
from tests.worlds import packing as pw
from tests.worlds.dbstate import snapshot
from tests.worlds.exceptions import build_inbox
from wms_tui.domain.enums import OrderStatus
from wms_tui.domain.models import Order
from wms_tui.services.intake import order_admin
from wms_tui.services.intake.release import release
from wms_tui.store import Store
from wms_tui.ui.app import WmsApp
from wms_tui.ui.screens.cycle_count import CycleCountScreen
from wms_tui.ui.screens.exceptions import ExceptionsScreen
from wms_tui.ui.screens.home import HomeScreen
from wms_tui.ui.widgets.dialogs import AskText
from wms_tui.ui.widgets.feedback import Feedback
from wms_tui.ui.widgets.fitting_footer import FittingFooter

SIZES = [(40, 16), (120, 40)]


@pytest.fixture
def inbox(sqlite_store: Store, tmp_path) -> Store:
    build_inbox(sqlite_store, label_dir=str(tmp_path / "labels"))
    return sqlite_store


async def settle(pilot) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def open_inbox(pilot) -> ExceptionsScreen:
    await wait_store(pilot)
    await log_in(pilot, "S9001", f.SUPERVISOR_PIN)
    home = pilot.app.screen
    assert isinstance(home, HomeScreen)
    index = [e.id for e in home.entries].index("exceptions")
    await pilot.press("1234567890"[index])
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ExceptionsScreen)
    return screen


def rows(screen: ExceptionsScreen) -> list[tuple[str, str]]:
    table = screen.query_one("#exc-table", DataTable)
    return [
        (str(table.get_row_at(i)[0]), str(table.get_row_at(i)[1])) for i in range(table.row_count)
    ]


def footer_keys(screen) -> list[str]:
    return [k.description for k in screen.query_one(FittingFooter).query("FooterKey")]


def status(store: Store, name: str) -> OrderStatus:
    with store.read() as s:
        return OrderStatus(s.exec(select(Order).where(Order.name == name)).one().status)


def new_app(store: Store, bells: list | None = None) -> WmsApp:
    app = WmsApp(store.url, terminal="OFFICE", release_every=None)
    if bells is not None:
        app.bell = lambda: bells.append(1)  # type: ignore[method-assign]
    return app


@pytest.mark.parametrize("size", SIZES)
async def test_the_inbox_lists_the_most_urgent_first_with_its_keys(
    inbox: Store, size: tuple[int, int]
) -> None:
    app = new_app(inbox)
    async with app.run_test(size=size) as pilot:
        screen = await open_inbox(pilot)
        # A handheld's column holds the order whole; its bin is in the detail.
        short_pick = "#1042 · A-01-1-A" if size[0] > 40 else "#1042"
        assert rows(screen) == [
            ("Short pick", short_pick),
            ("Cancelled", "#1044"),
            ("Backorder", "#2001"),
            ("Receiving", "PO-77"),
        ]
        head = str(screen.query_one("#exc-head", Static).render())
        assert head == "4 open exceptions"
        detail = str(screen.query_one("#exc-detail", Static).render())
        assert detail.splitlines()[0].startswith("1 × MUG-BLU short at A-01-1-A")
        assert "Ana Lindqvist at HH-01" in detail
        # The status is the order's, beside it, not after the bin ("A-01-1-A (picked)").
        assert " ".join(detail.split()).count("#1042 (picked) · A-01-1-A · Ana") == 1
        assert detail.splitlines()[-1] == "F4 Cancel F5 Count F7 Ack"
        # As drawn: a handheld's three rows cut the terminal and the keys after a long cause.
        shown = " ".join(shown_text(screen.query_one("#exc-detail", Static)).split())
        assert "Ana Lindqvist at HH-01" in shown and shown.endswith("F4 Cancel F5 Count F7 Ack")
        table = screen.query_one("#exc-table", DataTable)
        if size[0] == 40:
            assert table.region.right <= 40 and len(table.columns) == 3
            assert footer_keys(screen)[:2] == ["Cancel", "Count"]
        else:
            assert [str(c.label) for c in table.columns.values()][-1] == "Cause"
            assert footer_keys(screen) == ["Cancel", "Count", "Ack", "Refresh"]
        # Down to the backorder: its own keys, and a key it has not does nothing.
        await pilot.press("down", "down")
        detail = str(screen.query_one("#exc-detail", Static).render())
        assert detail.splitlines()[-1] == "F2 Retry F3 Release F4 Cancel"
        before = snapshot(inbox)
        await pilot.press("f6", "f7", "f5", "x", "enter", "space")
        await settle(pilot)
        assert snapshot(inbox) == before and app.screen is screen


async def listed(pilot, screen, kinds: list[str]) -> None:  # noqa: ANN001
    """Wait for the list to show ``kinds``: it follows an action in a second worker
    (the reload the answer starts), which a settle() after the first can miss."""
    await until(pilot, lambda: [k for k, _ in rows(screen)] == kinds, f"the list {kinds}")


@pytest.mark.parametrize("size", SIZES)
async def test_each_action_is_one_key_and_the_list_follows(
    inbox: Store, size: tuple[int, int]
) -> None:
    bells: list[int] = []
    app = new_app(inbox, bells)
    async with app.run_test(size=size) as pilot:
        screen = await open_inbox(pilot)
        # The cancelled order's units go back to their bins: the row leaves the list.
        await pilot.press("down", "f6")
        await settle(pilot)
        assert screen.query_one(Feedback).text == "✓ 8 units of #1044 back to their bins"
        await listed(pilot, screen, ["Short pick", "Backorder", "Receiving"])
        # Retry the backorder: still short, one line, nothing changed.
        await pilot.press("down", "f2")
        await settle(pilot)
        assert screen.query_one(Feedback).text.startswith("✗ #2001 is still short: LAMP short 5")
        assert bells
        # Cancel asks a reason; Esc changes its mind, Enter with no reason is refused.
        await pilot.press("f4")
        await settle(pilot)
        assert isinstance(app.screen, AskText)
        await pilot.press("enter")
        assert isinstance(app.screen, AskText)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen and status(inbox, "#2001") is OrderStatus.BACKORDERED
        await pilot.press("f4")
        await settle(pilot)
        await pilot.press(*"customer asked", "enter")
        await settle(pilot)
        assert screen.query_one(Feedback).text == "✓ #2001 cancelled"
        assert status(inbox, "#2001") is OrderStatus.CANCELLED
        # Acknowledge the delivery report with a note.
        await listed(pilot, screen, ["Short pick", "Receiving"])
        await pilot.press("down", "f7")
        await settle(pilot)
        assert isinstance(app.screen, AskText)
        await pilot.press(*"supplier credits 1", "enter")
        await settle(pilot)
        assert screen.query_one(Feedback).text == "✓ Closed: supplier credits 1"
        await listed(pilot, screen, ["Short pick"])


@pytest.mark.parametrize("size", SIZES)
async def test_count_the_bin_opens_the_count_and_the_approval_closes_the_short_pick(
    inbox: Store, size: tuple[int, int]
) -> None:
    app = new_app(inbox)
    async with app.run_test(size=size) as pilot:
        screen = await open_inbox(pilot)
        await pilot.press("f5")
        await settle(pilot)
        count = app.screen
        assert isinstance(count, CycleCountScreen) and count.bin is not None
        assert count.bin.bin == "A-01-1-A"
        from wms_tui.services.inventory import cycle_count as cc

        actor = app.actor
        assert actor is not None
        # The count itself is the cycle count screen's (tested there); its approval:
        cc.approve_count(inbox, actor, "A-01-1-A", {"MUG-BLU": 58})
        count.dismiss()
        await settle(pilot)
        assert app.screen is screen
        assert "Short pick" not in [k for k, _ in rows(screen)]


async def test_a_picker_does_not_see_the_inbox(inbox: Store) -> None:
    with inbox.unit_of_work() as uow:
        f.operator(uow, "Ana Lindqvist", "picker", badge="P1001")
        uow.commit()
    app = new_app(inbox)
    async with app.run_test(size=(40, 16)) as pilot:
        await wait_store(pilot)
        await scan(pilot, "P1001")
        assert "exceptions" not in [e.id for e in app.screen.entries]


@pytest.mark.parametrize("size", SIZES)
async def test_a_payment_hold_is_approved_with_f9_and_leaves_the_list(
    sqlite_store: Store, tmp_path, size: tuple[int, int]
) -> None:
    pw.build(sqlite_store, label_dir=str(tmp_path / "labels"))
    with sqlite_store.unit_of_work() as uow:
        lamp = f.product(uow, "LAMP")
        f.receive(uow, lamp, f.location(uow, "A-09-1-A"), 5)
        f.order(uow, "#3001", [(lamp, 1)], financial_status="pending")
        uow.commit()
    release(sqlite_store)
    app = new_app(sqlite_store)
    async with app.run_test(size=size) as pilot:
        screen = await open_inbox(pilot)
        assert rows(screen) == [("Payment", "#3001")]
        detail = str(screen.query_one("#exc-detail", Static).render())
        assert detail.splitlines()[-1] == "F4 Cancel F9 Approve"
        before = snapshot(sqlite_store)
        await pilot.press("f10", "f2", "f7")  # keys of other exceptions do nothing
        await settle(pilot)
        assert snapshot(sqlite_store) == before and app.screen is screen
        await pilot.press("f9")
        await settle(pilot)
        assert screen.query_one(Feedback).text == "✓ #3001 ready to pick (hold lifted)"
        assert rows(screen) == [] and status(sqlite_store, "#3001") is OrderStatus.READY_TO_PICK


@pytest.mark.parametrize("size", SIZES)
async def test_f11_asks_for_a_re_pick_of_a_short_shipped_unit(
    sqlite_store: Store, tmp_path, size: tuple[int, int]
) -> None:
    from wms_tui.services.packing import station as packing

    world = pw.build(sqlite_store, label_dir=str(tmp_path / "labels"))
    oid = pw.open_1042(world).order_id
    packing.qc_fail(
        sqlite_store, world.packer, oid, 1, "damaged", replace=False, approver=f.boss("S9001")
    )
    app = new_app(sqlite_store)
    async with app.run_test(size=size) as pilot:
        screen = await open_inbox(pilot)
        assert [k for k, _ in rows(screen)] == ["QC fail"]
        detail = str(screen.query_one("#exc-detail", Static).render())
        assert detail.splitlines()[-1] == "F4 Cancel F7 Ack F11 Re-pick"
        before = snapshot(sqlite_store)
        await pilot.press("f12", "f6", "f2")  # keys of other exceptions do nothing
        await settle(pilot)
        assert snapshot(sqlite_store) == before and app.screen is screen
        await pilot.press("f11")
        await settle(pilot)
        assert screen.query_one(Feedback).text == (
            f"✓ #1042: re-pick RPL-{oid}-1 for 1 unit into tote T-0001"
        )
        assert status(sqlite_store, "#1042") is OrderStatus.PICKING
        # Still open until the order is packed, and no second re-pick on offer.
        detail = str(screen.query_one("#exc-detail", Static).render())
        assert detail.splitlines()[-1] == "F4 Cancel F7 Ack"


@pytest.mark.parametrize("size", SIZES)
async def test_f1_ships_an_order_without_the_unit_missing_from_its_tote(
    sqlite_store: Store, tmp_path, size: tuple[int, int]
) -> None:
    from wms_tui.services.packing import station as packing

    world = pw.build(sqlite_store, label_dir=str(tmp_path / "labels"))
    oid = pw.open_1042(world).order_id
    packing.scan(sqlite_store, world.packer, oid, pw.MUG_EAN)
    packing.report_missing(sqlite_store, world.packer, oid, 1)
    app = new_app(sqlite_store)
    async with app.run_test(size=size) as pilot:
        screen = await open_inbox(pilot)
        assert [k for k, _ in rows(screen)] == ["Missing unit"]
        detail = str(screen.query_one("#exc-detail", Static).render())
        # The mugs' only bin waits for its count: no F11 Re-pick, and the line says why.
        assert detail.splitlines()[-1] == (
            "F4 Cancel F5 Count F1 Ship short · No re-pick: 0 MUG-BLU free, 1 needed"
        )
        assert "Re-pick" not in footer_keys(screen)
        before = snapshot(sqlite_store)
        await pilot.press("f11")
        await settle(pilot)
        assert snapshot(sqlite_store) == before and app.screen is screen
        await pilot.press("f1")
        await settle(pilot)
        assert screen.query_one(Feedback).text == (
            "✓ #1042 ships without the missing unit: back in the pack queue"
        )
        assert status(sqlite_store, "#1042") is OrderStatus.PICKED

        # Decided: what is left is the count of the bin the mug was picked from.
        def count_left() -> bool:
            text = str(screen.query_one("#exc-detail", Static).render())
            return text.splitlines()[-1] == "F5 Count"

        await until(pilot, count_left)


async def test_a_handheld_shows_the_kind_whole(sqlite_store: Store, tmp_path) -> None:
    """At 40 columns the kind read "Missing un…"."""
    from wms_tui.services.packing import station as packing

    world = pw.build(sqlite_store, label_dir=str(tmp_path / "labels"))
    oid = pw.open_1042(world).order_id
    packing.report_missing(sqlite_store, world.packer, oid, 1)
    app = new_app(sqlite_store)
    async with app.run_test(size=(40, 16)) as pilot:
        screen = await open_inbox(pilot)
        table = screen.query_one("#exc-table", DataTable)
        drawn = [table.render_line(y).text.split() for y in range(table.size.height)]
        assert ["Missing", "unit", "#1042", "0m"] in drawn


@pytest.mark.parametrize("size", SIZES)
async def test_f12_unpacks_a_parcel_stopped_after_packing(
    sqlite_store: Store, tmp_path, size: tuple[int, int]
) -> None:
    from wms_tui.services.packing import close
    from wms_tui.services.packing import station as packing

    world = pw.build(sqlite_store, label_dir=str(tmp_path / "labels"))
    oid = packing.open_order(sqlite_store, world.packer, world.totes["#1043"]).order_id
    view = packing.scan(sqlite_store, world.packer, oid, pw.BOOK_EAN)
    close.close_order(sqlite_store, world.packer, pw.finish(world, view).order_id)
    order_admin.cancel_order(sqlite_store, world.supervisor, oid, "customer changed her mind")
    app = new_app(sqlite_store)
    async with app.run_test(size=size) as pilot:
        screen = await open_inbox(pilot)
        assert [k for k, _ in rows(screen)] == ["Stop parcel"]
        detail = str(screen.query_one("#exc-detail", Static).render())
        assert detail.splitlines()[-1] == "F12 Restock"
        before = snapshot(sqlite_store)
        await pilot.press("f7", "f11")
        await settle(pilot)
        assert snapshot(sqlite_store) == before and app.screen is screen
        await pilot.press("f12")
        await settle(pilot)
        assert screen.query_one(Feedback).text == "✓ 1 unit of #1043 back to A-01-2-A; parcel void"
        assert rows(screen) == []


async def test_widened_from_a_handheld_the_inbox_shows_every_column(inbox: Store) -> None:
    """An SSH window dragged wider: the cause and who raised it come in. They stayed out,
    because the first Resize of the new size came before the ``wide`` class and the
    second was taken for the same width."""
    app = new_app(inbox)
    async with app.run_test(size=(40, 16)) as pilot:
        screen = await open_inbox(pilot)
        table = screen.query_one("#exc-table", DataTable)
        assert "cause" not in table.columns
        await pilot.resize_terminal(120, 40)
        await settle(pilot)
        assert "Raised by" in table.columns and "cause" in table.columns
        assert rows(screen)  # refilled under the new columns


@pytest.mark.parametrize("size", SIZES)
async def test_a_stopped_parcel_on_the_truck_names_the_dock_until_it_is_taken_out(
    sqlite_store: Store, tmp_path, size: tuple[int, int]
) -> None:
    """F12 Restock was offered for a parcel still loaded at the dock and always
    refused ("take it out at the dock first")."""
    from wms_tui.services.dispatch import handover
    from wms_tui.services.packing import close
    from wms_tui.services.packing import station as packing

    world = pw.build(sqlite_store, label_dir=str(tmp_path / "labels"))
    oid = packing.open_order(sqlite_store, world.packer, world.totes["#1043"]).order_id
    view = packing.scan(sqlite_store, world.packer, oid, pw.BOOK_EAN)
    closed = close.close_order(sqlite_store, world.packer, pw.finish(world, view).order_id)
    sscc = closed.parcels[0].sscc
    handover.load_parcel(sqlite_store, world.supervisor, "PN", sscc)
    order_admin.cancel_order(sqlite_store, world.supervisor, oid, "customer changed her mind")
    app = new_app(sqlite_store)
    async with app.run_test(size=size) as pilot:
        screen = await open_inbox(pilot)
        assert [k for k, _ in rows(screen)] == ["Stop parcel"]
        detail = str(screen.query_one("#exc-detail", Static).render())
        assert detail.splitlines()[-1] == f"Dock: take parcel {sscc} off the truck (Hand-over F8)"
        assert footer_keys(screen) == ["Refresh"]
        before = snapshot(sqlite_store)
        await pilot.press("f12", "f7")
        await settle(pilot)
        assert snapshot(sqlite_store) == before and app.screen is screen
        assert screen.query_one(Feedback).text == ""
        # Taken off the truck at the dock: the unpacking is on offer at the next refresh.
        handover.take_out(sqlite_store, world.supervisor, "PN", sscc)
        await pilot.press("f8")

        def restock_offered() -> bool:
            text = str(screen.query_one("#exc-detail", Static).render())
            return text.splitlines()[-1] == "F12 Restock"

        await until(pilot, restock_offered)
        await pilot.press("f12")
        await settle(pilot)
        assert screen.query_one(Feedback).text == "✓ 1 unit of #1043 back to A-01-2-A; parcel void"
