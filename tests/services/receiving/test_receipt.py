"""Receiving: scans, cases, damaged units, unknown barcodes, closing with discrepancies."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from sqlmodel import select

from tests.worlds import factories as f
from tests.worlds.receiving import (
    CASE_QTY,
    MUG_CASE,
    MUG_EAN,
    TEE_EAN,
    World,
    qty_at,
    snapshot,
)
from wms_tui.domain.clock import set_clock
from wms_tui.domain.enums import DeliveryStatus
from wms_tui.domain.errors import Conflict, DomainError, NotFound, PermissionDenied
from wms_tui.domain.models import Delivery, Event, StockMovement, WmsException
from wms_tui.services.core import settings
from wms_tui.services.inventory.stock import ledger_mismatches
from wms_tui.services.receiving import barcode_links, closing, deliveries, receipt_undo
from wms_tui.services.receiving import receipt as rcv
from wms_tui.store import Store


def test_unit_and_case_scans_land_in_receiving(empty_store: Store, world: World) -> None:
    a = world.receiver
    first = rcv.receive_scan(empty_store, a, "PO-1", TEE_EAN)
    assert (first.sku, first.qty, first.location, first.damaged) == ("TEE", 1, "RCV-1", False)
    assert first.receipt.status is DeliveryStatus.RECEIVING
    case = rcv.receive_scan(empty_store, a, "PO-1", MUG_CASE)
    assert case.qty == CASE_QTY
    keyed = rcv.receive_scan(empty_store, a, "po-1", TEE_EAN, count=7)  # typed in lower case
    assert keyed.qty == 7 and keyed.line.received == 8 and keyed.line.expected == 10
    assert qty_at(empty_store, "TEE", "RCV-1") == 8
    assert qty_at(empty_store, "MUG", "RCV-1") == CASE_QTY
    with empty_store.read() as s:
        moves = s.exec(select(StockMovement).where(StockMovement.reference == "PO-1")).all()
        assert [(m.reason, m.qty, m.terminal) for m in moves] == [
            ("RECEIVED", 1, "RCV-1"),
            ("RECEIVED", 6, "RCV-1"),
            ("RECEIVED", 7, "RCV-1"),
        ]
        assert all(m.operator_id == a.operator_id for m in moves)
        status = s.exec(select(Event).where(Event.kind == "delivery.status")).one()
        assert (status.from_state, status.to_state) == ("EXPECTED", "RECEIVING")
        assert ledger_mismatches(s) == []


def test_case_code_with_keyed_count_multiplies(empty_store: Store, world: World) -> None:
    res = rcv.receive_scan(empty_store, world.receiver, "PO-1", MUG_CASE, count=2)
    assert res.qty == 2 * CASE_QTY and res.line.received == 12 and res.line.diff == 0


def test_units_go_to_the_stations_receiving_location(empty_store: Store, world: World) -> None:
    at_rcv2 = rcv.receive_scan(
        empty_store, replace(world.receiver, terminal="RCV-2"), "PO-1", TEE_EAN
    )
    assert at_rcv2.location == "RCV-2"
    handheld = world.supervisor  # terminal HH-1: no station, falls back to the first RCV
    assert rcv.receive_scan(empty_store, handheld, "PO-1", TEE_EAN).location == "RCV-1"


def test_damaged_units_go_to_quarantine_with_their_reason(empty_store: Store, world: World) -> None:
    res = rcv.receive_scan(
        empty_store, world.receiver, "PO-1", MUG_EAN, count=3, damaged_reason="Crushed or broken"
    )
    assert res.damaged and res.location == "QUAR-1"
    line = res.line
    assert (line.received, line.damaged, line.good, line.to_put_away) == (3, 3, 0, 0)
    assert qty_at(empty_store, "MUG", "QUAR-1") == 3
    assert qty_at(empty_store, "MUG", "RCV-1") == 0
    with empty_store.read() as s:
        mv = s.exec(select(StockMovement).where(StockMovement.reason == "QUARANTINED")).one()
        assert mv.from_location_id is None and mv.reference == "PO-1"
        ev = s.exec(select(Event).where(Event.kind == "receiving.damaged")).one()
        assert (ev.sku, ev.qty, ev.delivery_ref, ev.detail) == (
            "MUG",
            3,
            "PO-1",
            "Crushed or broken",
        )
        assert ev.operator_name == "Björn Åkesson" and ev.terminal == "RCV-1"


def test_unexpected_sku_gets_its_own_line(empty_store: Store, world: World) -> None:
    with empty_store.unit_of_work() as uow:
        from tests.worlds import factories as f

        f.product(uow, "SOCK", barcode="4006381333931")
        uow.commit()
    res = rcv.receive_scan(empty_store, world.receiver, "PO-1", "4006381333931")
    assert res.unexpected and res.line.expected == 0 and res.line.unexpected
    again = rcv.receive_scan(empty_store, world.receiver, "PO-1", "4006381333931")
    assert again.unexpected and again.line.received == 2


def test_blind_receipts_get_their_own_references(empty_store: Store, world: World) -> None:
    set_clock(lambda: datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    one = rcv.start_blind_receipt(empty_store, world.receiver, supplier="Walk-in")
    two = rcv.start_blind_receipt(empty_store, world.receiver)
    assert (one.reference, two.reference) == ("BLIND-20260302-001", "BLIND-20260302-002")
    assert one.blind and one.status is DeliveryStatus.RECEIVING and one.lines == ()
    res = rcv.receive_scan(empty_store, world.receiver, one.reference, TEE_EAN, count=4)
    assert res.receipt.received_units == 4 and res.receipt.supplier == "Walk-in"
    # Nothing was expected, so nothing is a surprise: no "NOT EXPECTED" and no bell.
    assert not res.unexpected and not res.line.unexpected


BAD_SCANS = [
    ("0000000000000", 1, rcv.UnknownBarcode, "Unknown barcode 0000000000000"),
    (TEE_EAN, 0, DomainError, "Count must be at least 1 (got 0)"),
    (TEE_EAN, -3, DomainError, "Count must be at least 1 (got -3)"),
    ("  ", 1, DomainError, "Scan a barcode"),
]


def test_bad_scans_change_nothing(empty_store: Store, world: World) -> None:
    before = snapshot(empty_store)
    for code, count, error, message in BAD_SCANS:
        with pytest.raises(error, match=re.escape(message)):
            rcv.receive_scan(empty_store, world.receiver, "PO-1", code, count=count)
        assert snapshot(empty_store) == before, code


def test_unknown_delivery_and_empty_reason_are_refused(empty_store: Store, world: World) -> None:
    before = snapshot(empty_store)
    with pytest.raises(NotFound, match="No delivery PO-404"):
        rcv.receive_scan(empty_store, world.receiver, "PO-404", TEE_EAN)
    with pytest.raises(DomainError, match="reason"):
        rcv.receive_scan(empty_store, world.receiver, "PO-1", TEE_EAN, damaged_reason="  ")
    assert snapshot(empty_store) == before


def test_counts_above_the_sanity_limit_need_confirmation(empty_store: Store, world: World) -> None:
    with empty_store.unit_of_work() as uow:
        settings.put(uow.session, "receiving_sanity_limit", "20")
        uow.commit()
    before = snapshot(empty_store)
    with pytest.raises(rcv.NeedsConfirmation, match=r"21 × TEE is more than 20 at once"):
        rcv.receive_scan(empty_store, world.receiver, "PO-1", TEE_EAN, count=21)
    # A case code counts units, not scans: 4 cases of 6 are 24 units.
    with pytest.raises(rcv.NeedsConfirmation, match="24 × MUG"):
        rcv.receive_scan(empty_store, world.receiver, "PO-1", MUG_CASE, count=4)
    assert snapshot(empty_store) == before
    res = rcv.receive_scan(empty_store, world.receiver, "PO-1", TEE_EAN, count=21, confirmed=True)
    assert res.line.received == 21 and res.line.diff == 11


def test_a_count_beyond_any_delivery_is_refused_even_when_confirmed(
    empty_store: Store, world: World
) -> None:
    # 100000010 keyed for 10: the sanity question would let a tired "y" through.
    before = snapshot(empty_store)
    with pytest.raises(DomainError, match=r"^100,000,010 × TEE is more than 1,000,000 at once"):
        rcv.receive_scan(empty_store, world.receiver, "PO-1", TEE_EAN, count=100_000_010)
    with pytest.raises(DomainError, match=r"^1,000,002 × MUG is more than 1,000,000"):
        rcv.receive_scan(
            empty_store, world.receiver, "PO-1", MUG_CASE, count=166_667, confirmed=True
        )
    assert snapshot(empty_store) == before
    # The bound holds for a line's counts together, not only for one count.
    rcv.receive_scan(empty_store, world.receiver, "PO-1", TEE_EAN, count=999_999, confirmed=True)
    before = snapshot(empty_store)
    with pytest.raises(DomainError, match=r"^TEE: 1,000,001 on PO-1 would be more than 1,000,000"):
        rcv.receive_scan(empty_store, world.receiver, "PO-1", TEE_EAN, count=2, confirmed=True)
    assert snapshot(empty_store) == before


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("100000010", r"^Count must be at most 1,000,000 \(got 100,000,010\)$"),
        ("0", r"^Count must be at least 1 \(got 0\)$"),
        ("12x", r"^Count must be a whole number \(got 12x\)$"),
        ("²", r"^Count must be a whole number \(got ²\)$"),
        # A whole number too long to read is too large, not "not a whole number".
        ("9" * 23, r"^Count must be at most 1,000,000 \(got 9999999999…\)$"),
    ],
)
def test_a_keyed_count_is_refused_in_one_line(typed: str, message: str) -> None:
    with pytest.raises(DomainError, match=message):
        rcv.parse_count(typed)
    assert rcv.parse_count("1000000") == 1_000_000


def test_only_receivers_and_supervisors_receive(empty_store: Store, world: World) -> None:
    before = snapshot(empty_store)
    with pytest.raises(PermissionDenied, match="Ana Lindqvist may not receive"):
        rcv.receive_scan(empty_store, world.picker, "PO-1", TEE_EAN)
    with pytest.raises(PermissionDenied):
        rcv.start_blind_receipt(empty_store, world.picker)
    assert snapshot(empty_store) == before


def test_close_reports_short_over_unexpected_and_damaged(empty_store: Store, world: World) -> None:
    a = world.receiver
    with pytest.raises(DomainError, match="Nothing received on PO-1"):
        closing.close_preview(empty_store, a, "PO-1")
    rcv.receive_scan(empty_store, a, "PO-1", TEE_EAN, count=8)  # 10 expected: short 2
    rcv.receive_scan(empty_store, a, "PO-1", MUG_CASE, count=2)  # 12 of 12 ...
    rcv.receive_scan(empty_store, a, "PO-1", MUG_EAN, damaged_reason="Wet or stained")  # ... +1
    preview = closing.close_preview(empty_store, a, "PO-1")
    assert [ln.sku for ln in preview.short] == ["PRINT", "TEE"]
    assert [ln.sku for ln in preview.over] == ["MUG"]
    assert [(ln.sku, ln.damaged) for ln in preview.damaged] == [("MUG", 1)]
    assert preview.summary() == "2 short, 1 over, 1 damaged"
    receipt, found = closing.close_receipt(empty_store, a, "PO-1")
    assert receipt.is_closed and receipt.closed_by == "Björn Åkesson" and found == preview
    with empty_store.read() as s:
        d = s.exec(select(Delivery)).one()
        assert d.status == DeliveryStatus.CLOSED and d.closed_at is not None
        exc = s.exec(select(WmsException)).one()
        assert exc.kind == "RECEIVING" and "PO-1: 2 short, 1 over, 1 damaged" in exc.message
    # Frozen: no more scans, no second close, and nothing changes trying.
    before = snapshot(empty_store)
    with pytest.raises(Conflict, match="PO-1 was closed on .* by Björn Åkesson"):
        rcv.receive_scan(empty_store, a, "PO-1", TEE_EAN)
    with pytest.raises(Conflict, match="closed"):
        rcv.start_receipt(empty_store, a, "PO-1")
    with pytest.raises(Conflict, match="closed"):
        closing.close_receipt(empty_store, a, "PO-1")
    assert snapshot(empty_store) == before


def test_clean_close_raises_no_exception(empty_store: Store, world: World) -> None:
    a = world.receiver
    blind = rcv.start_blind_receipt(empty_store, a)
    rcv.receive_scan(empty_store, a, blind.reference, TEE_EAN)
    _, found = closing.close_receipt(empty_store, a, blind.reference)
    # A blind receipt expected nothing, so nothing on it is "unexpected" (it used to
    # raise a supervisor exception listing every line it was never expected to have).
    assert found.unexpected == () and found.clean
    # ...and it claims no comparison it could not make.
    assert found.summary() == "blind: 1 unit of 1 product counted"
    with empty_store.read() as s:
        closed = s.exec(select(Event).where(Event.delivery_ref == blind.reference)).all()
        assert [e.detail for e in closed if e.to_state == "CLOSED"] == [
            f"{blind.reference}: blind: 1 unit of 1 product counted"
        ]
    rcv.receive_scan(empty_store, a, "PO-1", TEE_EAN, count=10)
    rcv.receive_scan(empty_store, a, "PO-1", MUG_EAN, count=12)
    rcv.receive_scan(empty_store, a, "PO-1", "PRINT", count=4)  # no barcode: typed SKU
    _, found = closing.close_receipt(empty_store, a, "PO-1")
    assert found.clean and found.summary() == "no discrepancies"
    with empty_store.read() as s:
        assert s.exec(select(WmsException)).all() == []


def test_supervisor_badge_links_an_unknown_barcode(empty_store: Store, world: World) -> None:
    a = world.receiver
    with pytest.raises(rcv.UnknownBarcode):
        rcv.receive_scan(empty_store, a, "PO-1", "2000000000015")
    # An unknown badge is a failed log-in: refused, and logged (that is all it changes).
    with pytest.raises(NotFound, match="Unknown badge NOPE"):
        barcode_links.link_barcode(
            empty_store, a, "2000000000015", "PRINT", approver=f.boss("NOPE")
        )
    with empty_store.read() as s:
        assert s.exec(select(Event.detail).where(Event.kind == "auth.failed")).all() == [
            "unknown badge NOPE"
        ]
    before = snapshot(empty_store)
    with pytest.raises(PermissionDenied, match="A supervisor must approve linking a barcode"):
        barcode_links.link_barcode(empty_store, a, "2000000000015", "PRINT")
    with pytest.raises(PermissionDenied, match="Björn Åkesson is not a supervisor"):
        barcode_links.link_barcode(
            empty_store, a, "2000000000015", "PRINT", approver=f.boss("R3001")
        )
    with pytest.raises(NotFound, match="Unknown SKU NOPE"):
        barcode_links.link_barcode(
            empty_store, a, "2000000000015", "NOPE", approver=f.boss("S9001")
        )
    with pytest.raises(Conflict, match=f"{TEE_EAN} is already linked to TEE"):
        barcode_links.link_barcode(empty_store, a, TEE_EAN, "PRINT", approver=f.boss("S9001"))
    with pytest.raises(Conflict, match="is the SKU of"):
        barcode_links.link_barcode(empty_store, a, "MUG", "PRINT", approver=f.boss("S9001"))
    assert snapshot(empty_store) == before
    linked = barcode_links.link_barcode(
        empty_store, a, "2000000000015", "PRINT", approver=f.boss("S9001")
    )
    assert (linked.sku, linked.authorised_by) == ("PRINT", "Karin Holmgren")
    res = rcv.receive_scan(empty_store, a, "PO-1", "2000000000015")
    assert res.sku == "PRINT" and res.line.received == 1
    with empty_store.read() as s:
        ev = s.exec(select(Event).where(Event.kind == "barcode.linked")).one()
        assert ev.operator_name == "Karin Holmgren" and ev.terminal == "RCV-1"
        assert "for Björn Åkesson" in ev.detail
    # A supervisor on their own handheld needs no second badge.
    barcode_links.link_barcode(empty_store, world.supervisor, "2000000000022", "TEE")
    assert rcv.identify(empty_store, "2000000000022")[0] == "TEE"


def test_open_deliveries_and_parse_count(empty_store: Store, world: World) -> None:
    [d] = deliveries.open_deliveries(empty_store)
    assert (d.reference, d.skus, d.expected_units, d.received_units) == ("PO-1", 3, 26, 0)
    assert rcv.parse_count(" 24 ") == 24
    for bad, msg in (("", "Key a count"), ("x2", "whole number"), ("0", "at least 1")):
        with pytest.raises(DomainError, match=msg):
            rcv.parse_count(bad)


def test_two_terminals_receiving_one_delivery_take_turns(empty_store: Store, world: World) -> None:
    """The first scan of an unexpected SKU creates its line; two terminals racing must not
    both create it (PostgreSQL) or lose a unit."""
    from concurrent.futures import ThreadPoolExecutor

    with empty_store.unit_of_work() as uow:
        from tests.worlds import factories as f

        f.product(uow, "SOCK", barcode="4006381333931")
        uow.commit()
    terminals = [replace(world.receiver, terminal=t) for t in ("RCV-1", "RCV-2")]

    def scans(actor) -> int:
        for _ in range(15):
            rcv.receive_scan(empty_store, actor, "PO-1", "4006381333931")
        return 15

    with ThreadPoolExecutor(max_workers=2) as pool:
        assert sum(pool.map(scans, terminals)) == 30
    line = deliveries.get_receipt(empty_store, "PO-1").line("SOCK")
    assert line is not None and line.received == 30
    assert qty_at(empty_store, "SOCK", "RCV-1") + qty_at(empty_store, "SOCK", "RCV-2") == 30
    with empty_store.read() as s:
        assert ledger_mismatches(s) == []


def test_over_receipt_beyond_the_tolerance_asks_first(empty_store: Store, world: World) -> None:
    """10 TEE expected, tolerance 10 %: the 11th is taken, the 12th asks."""
    a = world.receiver
    rcv.receive_scan(empty_store, a, "PO-1", TEE_EAN, count=11)
    before = snapshot(empty_store)
    with pytest.raises(rcv.NeedsConfirmation, match=r"TEE: 12 of 10 expected on PO-1, 2 over"):
        rcv.receive_scan(empty_store, a, "PO-1", TEE_EAN)
    assert snapshot(empty_store) == before
    assert rcv.receive_scan(empty_store, a, "PO-1", TEE_EAN, confirmed=True).line.received == 12
    with empty_store.unit_of_work() as uow:
        settings.put(uow.session, "receiving_over_tolerance_pct", "0")
        uow.commit()
    rcv.receive_scan(empty_store, a, "PO-1", MUG_CASE, count=2)  # 12 of 12: no question
    with pytest.raises(rcv.NeedsConfirmation, match="MUG: 13 of 12"):
        rcv.receive_scan(empty_store, a, "PO-1", MUG_EAN)
    # A blind receipt expects nothing, so nothing is "over" there.
    blind = rcv.start_blind_receipt(empty_store, a)
    assert rcv.receive_scan(empty_store, a, blind.reference, TEE_EAN, count=30).qty == 30


def test_undo_takes_back_this_terminals_last_scan(empty_store: Store, world: World) -> None:
    a = world.receiver  # at RCV-1
    other = replace(a, terminal="RCV-2")
    rcv.receive_scan(empty_store, a, "PO-1", TEE_EAN, count=3)
    rcv.receive_scan(empty_store, a, "PO-1", MUG_EAN, damaged_reason="Wet or stained")
    rcv.receive_scan(empty_store, other, "PO-1", TEE_EAN, count=2)  # the other terminal's
    undone = receipt_undo.undo_last_scan(empty_store, a, "PO-1")  # RCV-1's last: the damaged mug
    assert (undone.sku, undone.qty, undone.damaged) == ("MUG", 1, True)
    assert undone.message == "Undone: 1 × damaged MUG taken off PO-1"
    mug = undone.receipt.line("MUG")
    assert mug is not None and (mug.received, mug.damaged) == (0, 0)
    assert qty_at(empty_store, "MUG", "QUAR-1") == 0
    undone = receipt_undo.undo_last_scan(empty_store, a, "PO-1")  # then its 3 tees
    assert (undone.sku, undone.qty) == ("TEE", 3)
    assert undone.receipt.line("TEE").received == 2  # RCV-2's two stay
    assert qty_at(empty_store, "TEE", "RCV-1") == 0 and qty_at(empty_store, "TEE", "RCV-2") == 2
    before = snapshot(empty_store)
    with pytest.raises(DomainError, match="Nothing scanned on PO-1 at RCV-1 to undo"):
        receipt_undo.undo_last_scan(empty_store, a, "PO-1")
    with pytest.raises(PermissionDenied):
        receipt_undo.undo_last_scan(empty_store, world.picker, "PO-1")
    assert snapshot(empty_store) == before
    with empty_store.read() as s:
        undos = s.exec(select(Event).where(Event.kind == "receiving.undo")).all()
        assert [(e.sku, e.qty, e.terminal, e.operator_name) for e in undos] == [
            ("MUG", 1, "RCV-1", "Björn Åkesson"),
            ("TEE", 3, "RCV-1", "Björn Åkesson"),
        ]
        assert ledger_mismatches(s) == []
    # The damage undone is not on the discrepancy report either.
    from wms_tui.services.receiving.documents import report_data

    with empty_store.read() as s:
        d = s.exec(select(Delivery).where(Delivery.reference == "PO-1")).one()
        assert report_data(s, d).damages == []


def test_undo_refuses_units_already_put_away(empty_store: Store, world: World) -> None:
    from wms_tui.services.receiving import putaway

    a = world.receiver
    rcv.receive_scan(empty_store, a, "PO-1", TEE_EAN, count=2)
    putaway.put_away(
        empty_store, a, reference="PO-1", product_code=TEE_EAN, bin_code="A-01-1-A", qty=2
    )
    before = snapshot(empty_store)
    with pytest.raises(DomainError, match="2 × TEE already put away: undo refused"):
        receipt_undo.undo_last_scan(empty_store, a, "PO-1")
    assert snapshot(empty_store) == before


def test_two_terminals_count_into_the_same_lines(empty_store: Store, world: World) -> None:
    """Each terminal's view after its scan holds the other's counts too, and the
    header's totals are the sums of the lines."""
    one, two = world.receiver, replace(world.receiver, terminal="RCV-2")
    rcv.receive_scan(empty_store, one, "PO-1", TEE_EAN, count=4)
    seen = rcv.receive_scan(empty_store, two, "PO-1", TEE_EAN, count=3).receipt
    assert seen.line("TEE").received == 7
    assert deliveries.get_receipt(empty_store, "PO-1") == seen
    assert seen.received_units == sum(ln.received for ln in seen.lines) == 7
    assert seen.expected_units == sum(ln.expected for ln in seen.lines) == 26
    [summary] = deliveries.open_deliveries(empty_store)
    assert (summary.received_units, summary.expected_units) == (7, 26)


def test_a_scan_given_the_shown_receipt_answers_as_a_full_read(
    empty_store: Store, world: World
) -> None:
    """The screen passes the receipt it shows; the answer is that receipt with the counts
    read under the delivery's lock (the other terminal's too), equal to a fresh read, and
    the receipt is not read again after the write. A line the shown receipt lacks (an
    unexpected SKU another terminal scanned) makes the answer a whole read."""
    from sqlalchemy import event as sa_event

    one, two = world.receiver, replace(world.receiver, terminal="RCV-2")
    with empty_store.unit_of_work() as uow:
        f.product(uow, "SOCK", barcode="4006381333931")
        uow.commit()
    shown = rcv.start_receipt(empty_store, one, "PO-1")
    seen: list[str] = []
    sa_event.listen(empty_store.engine, "before_cursor_execute", lambda *a: seen.append(a[2]))
    shown = rcv.receive_scan(empty_store, one, "PO-1", TEE_EAN, known=shown).receipt
    assert not [q for q in seen if "JOIN product" in q and "FROM deliveryline" in q], seen
    assert shown == deliveries.get_receipt(empty_store, "PO-1")
    rcv.receive_scan(empty_store, two, "PO-1", MUG_EAN, count=5)
    shown = rcv.receive_scan(
        empty_store, one, "PO-1", MUG_EAN, damaged_reason="Wet or stained", known=shown
    ).receipt
    assert shown == deliveries.get_receipt(empty_store, "PO-1")
    assert (shown.line("MUG").received, shown.line("MUG").damaged) == (6, 1)
    rcv.receive_scan(empty_store, two, "PO-1", "4006381333931")  # a line the shown lacks
    res = rcv.receive_scan(empty_store, one, "PO-1", TEE_EAN, known=shown)
    assert res.receipt == deliveries.get_receipt(empty_store, "PO-1")
    assert res.receipt.line("SOCK") is not None and res.line.received == 2
    # the periodic refresh reads counts over the shown receipt the same way
    rcv.receive_scan(empty_store, two, "PO-1", TEE_EAN, count=3)
    fresh = deliveries.get_receipt(empty_store, "PO-1", known=res.receipt)
    assert fresh == deliveries.get_receipt(empty_store, "PO-1") and fresh.line("TEE").received == 5
    with empty_store.read() as s:
        assert ledger_mismatches(s) == []
