"""The returns desk driven like a receiver with a scanner, at 40x16 and 120x40."""

from __future__ import annotations

import pytest
from sqlmodel import col, select
from textual.widgets import OptionList, Static

from tests.ui.helpers import wait_store
from tests.ui.scanner import log_in, scan
from tests.worlds import factories as f
from tests.worlds.dbstate import snapshot
from tests.worlds.returns import (
    MUG_EAN,
    TEE_L_EAN,
    TEE_M_EAN,
    World,
    add_shipped_order,
    build_world,
    stock,
)
from wms_tui.domain.codes import rma_code
from wms_tui.domain.enums import OrderStatus
from wms_tui.domain.models import Order, OrderLine, Product, ReturnLine
from wms_tui.services.inventory.stock import ledger_mismatches
from wms_tui.store import Store
from wms_tui.ui.app import WmsApp
from wms_tui.ui.screens.returns import ReturnsScreen, Step
from wms_tui.ui.widgets.feedback import Feedback

SIZES = [(40, 16), (120, 40)]


@pytest.fixture
def world(sqlite_store: Store) -> World:
    return build_world(sqlite_store)


class Desk:
    """A logged-in returns desk with a bell counter."""

    def __init__(self, app: WmsApp, pilot) -> None:
        self.app, self.pilot = app, pilot
        self.bells: list[int] = []
        app.bell = lambda: self.bells.append(1)  # type: ignore[method-assign]

    @property
    def screen(self) -> ReturnsScreen:
        screen = self.app.screen
        assert isinstance(screen, ReturnsScreen)
        return screen

    @property
    def feedback(self) -> str:
        return self.screen.query_one("#ret-feedback", Feedback).text

    @property
    def prompt(self) -> str:
        return str(self.screen.query_one("#ret-prompt", Static).render())

    def options(self) -> list[str]:
        ol = self.screen.query_one(OptionList)
        return [str(ol.get_option_at_index(i).prompt) for i in range(ol.option_count)]

    async def scan(self, code: str) -> None:
        # The scan as a scanner sends it, and one more frame for the desk's step to draw.
        await scan(self.pilot, code)
        await self.pilot.pause()

    async def press(self, *keys: str) -> None:
        await self.pilot.press(*keys)
        await self.pilot.pause()


async def open_desk(app: WmsApp, pilot, badge: str = "R3001") -> Desk:
    await wait_store(pilot)
    await log_in(pilot, badge, f.SUPERVISOR_PIN if badge.startswith("S") else "")
    assert app.actor is not None
    app.push_screen(ReturnsScreen())
    await pilot.pause()
    return Desk(app, pilot)


@pytest.mark.parametrize("size", SIZES)
async def test_full_return_restock_and_scrap_refund(world: World, size: tuple[int, int]) -> None:
    app = WmsApp(world.store.url, terminal="RET-1")
    async with app.run_test(size=size) as pilot:
        desk = await open_desk(app, pilot)
        assert desk.screen.step is Step.SCAN
        assert desk.screen.has_class("wide") == (size[0] >= 90)
        await desk.scan(rma_code(world.order_id))
        assert desk.screen.step is Step.LINES, desk.feedback
        assert "3 units may come back" in desk.feedback
        head = str(desk.screen.query_one("#ret-head", Static).render())
        assert "#1042" in head and "packed by Johan Öberg" in head
        assert "MUG-1" in desk.options()[0] and "TEE-M" in desk.options()[1]
        # Line 1 by number: two mugs, wrong item, both back to one bin.
        await desk.scan("1")
        assert desk.screen.step is Step.QTY
        assert any("picked by Ana Lindqvist" in o for o in desk.options())
        await desk.scan("2")
        assert desk.screen.step is Step.REASON
        labels = desk.options()
        wrong = next(i for i, o in enumerate(labels, 1) if o.startswith(f"{i} Wrong item sent"))
        await desk.press(str(wrong))
        assert desk.screen.step is Step.UNIT
        await desk.press("4")  # restock all 2
        assert desk.screen.step is Step.BIN
        await desk.scan("A-01-1-A")
        assert desk.screen.step is Step.NOTE, desk.feedback
        await desk.scan("seal intact")
        assert desk.screen.step is Step.LINES
        # Line 2 by scanning the T-shirt itself; one shipped, so no quantity asked.
        await desk.scan(TEE_M_EAN)
        assert desk.screen.step is Step.REASON
        await desk.press("8")
        await desk.press("s")
        await desk.scan("")
        assert desk.screen.step is Step.LINES
        assert "3 in" in desk.prompt
        await desk.press("f2")
        assert desk.screen.step is Step.RESOLVE
        await desk.press("1")  # refund
        assert desk.screen.step is Step.CONFIRM
        assert any("2× MUG-1" in o and "A-01-1-A" in o for o in desk.options())
        await desk.scan("")
        assert desk.screen.step is Step.SCAN, desk.feedback
        assert "#1042 returned: 3 units; refund" in desk.feedback
        assert desk.bells == []
    assert stock(world.store, "MUG-1", "A-01-1-A") == 2
    with world.store.read() as s:
        assert ledger_mismatches(s) == []
        order = s.get(Order, world.order_id)
        assert (order.status, order.resolution) == ("RETURNED", "REFUND")
        rows = s.exec(select(ReturnLine).order_by(col(ReturnLine.id))).all()
        assert [(r.qty, r.reason_code, r.disposition, r.note) for r in rows] == [
            (2, "WRONG_ITEM", "RESTOCK", "seal intact"),
            (1, "WRONG_SIZE", "SCRAP", ""),
        ]


@pytest.mark.parametrize("size", SIZES)
async def test_exchange_for_another_variant(world: World, size: tuple[int, int]) -> None:
    app = WmsApp(world.store.url, terminal="RET-1")
    async with app.run_test(size=size) as pilot:
        desk = await open_desk(app, pilot)
        await desk.scan("00370730253")  # tracking number from the label
        await desk.scan("2")  # TEE-M
        await desk.press("8")  # wrong size ordered
        await desk.press("r")
        await desk.scan("A-01-3-A")
        await desk.scan("")
        await desk.press("f2")
        await desk.press("2")  # exchange
        assert desk.screen.step is Step.REPLACE
        assert "TEE-M swap for?" in desk.prompt
        await desk.scan("NOPE-1")
        assert "Unknown barcode NOPE-1" in desk.feedback and len(desk.bells) == 1
        await desk.scan(TEE_L_EAN)
        assert desk.screen.step is Step.CONFIRM
        assert any("TEE-M → TEE-L" in o for o in desk.options())
        await desk.press("enter")
        assert "exchange #1042-X1 ready to pick" in desk.feedback
        await desk.scan("1042")  # the mugs are still out: the parcel can be opened again
        order = desk.screen.f.order
        assert order is not None and order.status_text == "partly returned"
        side = str(desk.screen.query_one("#ret-detail", Static).render())
        assert "by Björn Åkesson: exchange #1042-X1" in side and "1× TEE-M restock" in side
        assert desk.screen.query_one("#ret-side").display == (size[0] >= 90)
    with world.store.read() as s:
        ex = s.exec(select(Order).where(Order.name == "#1042-X1")).one()
        line = s.exec(select(OrderLine).where(OrderLine.order_id == ex.id)).one()
        assert (ex.status, line.sku, line.qty_allocated) == ("READY_TO_PICK", "TEE-L", 1)
        assert s.get(Order, world.order_id).status == "DISPATCHED"  # mugs still out


async def test_bad_scans_ring_and_change_nothing(world: World) -> None:
    app = WmsApp(world.store.url, terminal="RET-1")
    before = snapshot(world.store)
    async with app.run_test(size=(40, 16)) as pilot:
        desk = await open_desk(app, pilot)
        before = snapshot(world.store)  # after the login event
        await desk.scan("RMA-0099999")
        assert "RMA-0099999 matches no order" in desk.feedback
        await desk.scan("what")
        assert "No order, RMA or tracking number what" in desk.feedback
        assert desk.screen.step is Step.SCAN and len(desk.bells) == 2
        await desk.scan("1042")
        await desk.scan(TEE_L_EAN)
        assert "TEE-L is not on order #1042" in desk.feedback
        await desk.scan("7")  # past the last line (it said "Unknown barcode 7")
        assert "No line 7 on #1042: lines 1 to" in desk.feedback
        await desk.scan("1")
        await desk.scan("3")
        assert "Only 2 MUG-1 can come back (2 shipped)" in desk.feedback
        await desk.scan("x")
        assert "Type a number from 1 to 2" in desk.feedback
        assert desk.screen.step is Step.QTY
        await desk.scan("1")
        await desk.press("9")
        assert "No choice 9" in desk.feedback
        await desk.press("x")
        assert "No choice x" in desk.feedback
        await desk.press("1")
        await desk.press("r")
        for bad, msg in (
            ("QUAR-1", "QUAR-1 is quarantine"),
            ("Z-99", "Unknown location Z-99"),
            ("PACK-1", "PACK-1 is a pack location"),
        ):
            await desk.scan(bad)
            assert msg in desk.feedback and desk.screen.step is Step.BIN
        await desk.press("f2")  # not while a unit is open
        assert len(desk.bells) == 12
        # Back out step by step: nothing was booked.
        await desk.press("escape")
        assert desk.screen.step is Step.UNIT
        await desk.press("escape")
        assert desk.screen.step is Step.REASON
        await desk.press("escape")
        assert desk.screen.step is Step.QTY
        await desk.press("escape")
        assert desk.screen.step is Step.LINES
        await desk.press("f2")
        assert "Nothing in this return yet" in desk.feedback
        await desk.press("escape")
        assert desk.screen.step is Step.SCAN
        assert snapshot(world.store) == before
        await desk.press("escape")
        assert not isinstance(app.screen, ReturnsScreen)


async def test_returning_twice_and_never_shipped(world: World) -> None:
    with world.store.unit_of_work() as uow:
        mug = uow.session.exec(select(Product).where(Product.sku == "MUG-1")).one()
        f.order(uow, "#2001", [(mug, 1)], status=OrderStatus.READY_TO_PICK)
        uow.commit()
    app = WmsApp(world.store.url, terminal="RET-1")
    async with app.run_test(size=(40, 16)) as pilot:
        desk = await open_desk(app, pilot)
        await desk.scan("2001")
        assert "#2001 was never shipped (it is ready to pick)" in desk.feedback
        assert desk.screen.step is Step.SCAN and desk.bells == [1]
        await desk.scan("#1042")
        await desk.scan("1")
        await desk.scan("2")
        await desk.press("3")
        await desk.press("6")  # scrap all 2
        await desk.scan("")
        assert desk.screen.step is Step.LINES
        # The mug line is fully in this return: choosing it again is refused.
        await desk.scan(MUG_EAN)
        assert "All MUG-1 are already in this return" in desk.feedback
        await desk.scan("1")
        assert "already returned or in this return" in desk.feedback
        # F3 takes the last entry out again, then it is booked for real.
        await desk.press("f3")
        assert "Removed 2× MUG-1" in desk.feedback
        await desk.scan("1")
        await desk.scan("2")
        await desk.press("3")
        await desk.press("6")
        await desk.scan("")
        await desk.scan("2")
        await desk.press("3")
        await desk.press("q")
        assert "QUAR-1" in desk.prompt
        await desk.scan("")
        await desk.press("f2")
        await desk.press("3")  # store credit
        await desk.press("enter")
        assert "#1042 returned: 3 units; store credit" in desk.feedback
        bells = len(desk.bells)
        before = snapshot(world.store)
        await desk.scan("1042")
        assert "#1042 was already returned on" in desk.feedback
        assert "Björn Åkesson" in desk.feedback
        assert desk.screen.step is Step.SCAN and len(desk.bells) == bells + 1
        assert snapshot(world.store) == before
    assert stock(world.store, "TEE-M", "QUAR-1") == 1


async def test_supervisor_may_book_picker_may_not_see_it(world: World) -> None:
    from wms_tui.ui.menu import entries_for

    assert "returns" in [e.id for e in entries_for({"supervisor"})]
    assert "returns" not in [e.id for e in entries_for({"picker"})]
    app = WmsApp(world.store.url, terminal="RET-1")
    async with app.run_test(size=(40, 16)) as pilot:
        desk = await open_desk(app, pilot, badge="S9001")
        await desk.scan("1042")
        assert desk.screen.step is Step.LINES


async def test_next_parcel_scanned_while_one_is_open(world: World) -> None:
    add_shipped_order(world.store, "#1043")
    app = WmsApp(world.store.url, terminal="RET-1")
    async with app.run_test(size=(40, 16)) as pilot:
        desk = await open_desk(app, pilot)
        await desk.scan("1042")
        await desk.scan("1043")  # nothing booked yet: simply the next parcel
        assert desk.screen.f.order is not None and desk.screen.f.order.name == "#1043"
        await desk.scan("2")
        await desk.press("3")
        await desk.press("3")
        await desk.scan("")
        await desk.scan(rma_code(world.order_id))
        assert "Finish #1043 first (F2), or Esc to drop it" in desk.feedback
        assert desk.screen.f.order.name == "#1043" and len(desk.bells) == 1


async def test_an_error_does_not_outlive_the_step_it_was_about(world: World) -> None:
    """A refused line scan, then a good line number: the refusal is gone from the screen."""
    app = WmsApp(world.store.url, terminal="RET-1")
    async with app.run_test(size=(40, 16)) as pilot:
        desk = await open_desk(app, pilot)
        await desk.scan(rma_code(world.order_id))
        assert desk.screen.step is Step.LINES
        await desk.scan("NOT-ON-THIS-ORDER")
        assert desk.feedback.startswith("✗") and len(desk.bells) == 1
        await desk.scan("1")
        assert desk.screen.step is Step.QTY
        assert desk.feedback == ""


@pytest.mark.parametrize("size", SIZES)
async def test_enter_alone_chooses_no_reason(world: World, size: tuple[int, int]) -> None:
    """The reason is what reports charge a picker or packer with: only its key chooses it."""
    app = WmsApp(world.store.url, terminal="RET-1")
    async with app.run_test(size=size) as pilot:
        desk = await open_desk(app, pilot)
        await desk.scan(rma_code(world.order_id))
        await desk.scan(TEE_M_EAN)  # one shipped: straight to the reason
        assert desk.screen.step is Step.REASON
        assert desk.prompt.endswith(": key 1-8")  # it said "its key"
        assert desk.screen.query_one(OptionList).highlighted is None  # nothing preselected
        await desk.press("enter")
        await desk.press("enter")
        assert desk.screen.step is Step.REASON and desk.screen.reason is None
        assert desk.bells and "number key" in desk.feedback
        # Each reason says whose cause it is; its key chooses it.
        options = desk.options()
        assert any("Damaged in transit · carrier" in o for o in options)
        assert any("Wrong item sent · our pick" in o for o in options)
        await desk.press("1")
        assert desk.screen.step is Step.UNIT and desk.screen.reason is not None
        assert desk.prompt.endswith("TEE-M: key 1-3")


async def test_the_hint_names_an_order_that_exists(world: World) -> None:
    with world.store.unit_of_work() as uow:
        order = uow.session.get(Order, world.order_id)
        order.name = "#D2042"  # the demo's orders are D1001-D1100: "1042" is none of them
        uow.add(order)
        uow.commit()
    app = WmsApp(world.store.url, terminal="RET-1")
    async with app.run_test(size=(40, 16)) as pilot:
        desk = await open_desk(app, pilot)
        assert any("e.g. D2042" in o for o in desk.options()), desk.options()
        await desk.scan("D2042")  # what the hint says works
        assert desk.screen.step is Step.LINES, desk.feedback
