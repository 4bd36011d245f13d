"""The returns desk's workflow as a service: driven without a screen, as a
floor worker at the desk would drive it through the screen."""

from __future__ import annotations

from sqlmodel import col, select

from tests.worlds import factories as f
from tests.worlds.dbstate import snapshot
from tests.worlds.returns import TEE_M_EAN, World
from wms_tui.domain.codes import rma_code
from wms_tui.domain.enums import Disposition, Resolution
from wms_tui.domain.models import Location, Product, ReturnLine
from wms_tui.services.returns.desk_flow import DeskFlow, Step, Tone


def test_a_parcel_from_its_scan_to_the_booked_return(world: World) -> None:
    flow = DeskFlow(world.store, world.receiver)
    said = flow.scan_order(rma_code(world.order_id))
    assert said.tone is Tone.OK and flow.step is Step.LINES
    flow.choose_line_by_input(TEE_M_EAN)  # one T-shirt shipped: no quantity asked
    assert flow.step is Step.REASON and flow.qty == 1
    wrong = next(i for i, r in enumerate(flow.reasons) if r.code == "WRONG_SIZE")
    flow.choose_reason(wrong)
    assert flow.step is Step.UNIT and flow.reason is not None
    assert flow.reason.code == "WRONG_SIZE"
    flow.choose_fate(Disposition.SCRAP, 1)
    assert flow.step is Step.NOTE
    flow.enter_note("")
    assert flow.step is Step.LINES and flow.booked_units() == 1
    flow.done()
    flow.choose_resolution(Resolution.REFUND)
    assert flow.step is Step.CONFIRM
    before = snapshot(world.store)
    said = flow.book()
    assert said.tone is Tone.OK and "returned" in (said.text or "")
    assert flow.step is Step.SCAN and flow.order is None
    assert snapshot(world.store) != before
    with world.store.read() as s:
        rows = s.exec(select(ReturnLine).order_by(col(ReturnLine.id))).all()
        assert [(r.qty, r.reason_code, r.disposition) for r in rows] == [(1, "WRONG_SIZE", "SCRAP")]


def test_refusals_keep_the_step_and_write_nothing(world: World) -> None:
    flow = DeskFlow(world.store, world.receiver)
    before = snapshot(world.store)
    assert flow.scan_order("NO-SUCH-ORDER").refused and flow.step is Step.SCAN
    flow.scan_order(rma_code(world.order_id))
    assert flow.done().refused  # nothing in this return yet
    assert flow.choose_line_by_input("99x").refused and flow.step is Step.LINES
    # A line number past the last: said so (it read "Unknown barcode 9").
    said = flow.choose_line_by_input("9")
    assert said.refused and flow.step is Step.LINES
    assert (
        said.text is not None
        and said.text.startswith("No line 9 on #")
        and "lines 1 to" in said.text
    )
    flow.choose_line_by_input("1")  # two mugs shipped: how many?
    assert flow.step is Step.QTY
    assert flow.enter_qty("3").refused and flow.step is Step.QTY
    assert flow.enter_qty("zero").refused
    flow.enter_qty("2")
    assert flow.choose_reason(99).refused and flow.step is Step.REASON
    # Escape, step by step, back to the first scan: nothing was booked.
    assert flow.back() is not None and flow.step is Step.QTY
    flow.back()
    assert flow.step is Step.LINES
    flow.back()
    assert flow.step is Step.SCAN
    assert flow.back() is None  # the screen closes
    assert snapshot(world.store) == before


def test_a_note_too_long_is_refused_and_the_step_stays(world: World) -> None:
    """10,000 characters pasted (or a held key) at the note went whole onto the return line."""
    flow = DeskFlow(world.store, world.receiver)
    flow.scan_order(rma_code(world.order_id))
    flow.choose_line_by_input(TEE_M_EAN)
    flow.choose_reason(0)
    flow.choose_fate(Disposition.SCRAP, 1)
    before = snapshot(world.store)
    said = flow.enter_note("N" * 10_000)
    assert said.refused and said.text == "Keep the note under 300 characters (got 10,000)"
    assert flow.step is Step.NOTE and flow.booked_units() == 0
    assert not flow.enter_note("  " + "N" * 300 + "  ").refused  # 300 once trimmed
    assert flow.step is Step.LINES and flow.booked_units() == 1
    assert snapshot(world.store) == before


def test_the_desk_names_an_example_order_and_where_a_restock_goes(world: World) -> None:
    """What the screen shows beside its steps comes from the flow: it reads no store."""
    flow = DeskFlow.open(world.store, world.receiver)
    assert flow.example == "1042"  # the world's one shipped order, without its '#'
    with world.store.unit_of_work() as uow:
        tee_m = uow.session.exec(select(Product).where(Product.sku == "TEE-M")).one()
        for code, qty in (("R-11-1-A", 9), ("A-01-3-A", 4)):
            where = uow.session.exec(select(Location).where(Location.code == code)).one()
            f.receive(uow, tee_m, where, qty)
        uow.commit()
    flow.scan_order(rma_code(world.order_id))
    flow.choose_line_by_input(TEE_M_EAN)
    flow.choose_reason(0)
    flow.choose_fate(Disposition.RESTOCK, 1)
    assert flow.step is Step.BIN
    # The pick bin first, then bulk, each with what it holds.
    assert flow.restock_bins == [("A-01-3-A", 4), ("R-11-1-A", 9)]
