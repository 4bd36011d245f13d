"""Return reports against constructed data: every number is worked out by hand."""

from __future__ import annotations

import csv
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlmodel import col, select

from tests.worlds import factories as f
from wms_tui.domain.clock import set_clock
from wms_tui.domain.enums import LocationKind, MovementReason, OrderStatus
from wms_tui.domain.errors import DomainError
from wms_tui.domain.models import Event, OrderLine, PackScan, StockMovement
from wms_tui.services.returns import desk as returns
from wms_tui.services.returns import report_csv
from wms_tui.services.returns import reports as return_reports
from wms_tui.services.returns.desk import ReturnRequest, ReturnUnit
from wms_tui.services.returns.reports import Row
from wms_tui.services.setup.reference_data import seed_reference_data
from wms_tui.store import Store


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2024, 3, day, hour, minute, tzinfo=UTC)


@pytest.fixture
def booked(empty_store: Store) -> Store:
    """Three orders returned on three days (Stockholm time), as in the docstring table.

    #A packed by Johan (parcel), picked by Ana (pick events)
    #B packed by Emily (pack scans), picked by Oliver (PICKED ledger rows)
    #C no records of who picked or packed

    day 4  #A  MUG-1 x2 WRONG_ITEM (c)    TEE-M x1 CHANGED_MIND
    day 5  #B  MUG-1 x1 DAMAGED_PACKING (c), MUG-1 x1 WRONG_SIZE
    day 6  #C  TEE-M x2 LATE (c)    (booked 23:30 UTC on the 5th = 00:30 on the 6th in Stockholm)
    """
    store = empty_store
    set_clock(lambda: at(1, 9))
    with store.unit_of_work() as uow:
        f.warehouse(uow)  # Europe/Stockholm
        seed_reference_data(uow)
        bin_ = f.location(uow, "A-01-1-A")
        tote = f.location(uow, "T-0001", LocationKind.TOTE, zone="T")
        mug = f.product(uow, "MUG-1", name="Mugg")
        tee = f.product(uow, "TEE-M", name="T-shirt M")
        f.receive(uow, mug, bin_, 3)
        receiver = f.operator(uow, "Björn", "receiver")
        ana = f.operator(uow, "Ana", "picker")
        oliver = f.operator(uow, "Oliver", "picker")
        johan = f.operator(uow, "Johan", "packer")
        emily = f.operator(uow, "Emily", "packer")
        orders = {}
        for name, lines in (("#A", [(mug, 2), (tee, 1)]), ("#B", [(mug, 3)]), ("#C", [(tee, 2)])):
            o = f.order(uow, name, lines, status=OrderStatus.DISPATCHED)
            orders[name] = (
                o,
                uow.session.exec(
                    select(OrderLine)
                    .where(OrderLine.order_id == o.id)
                    .order_by(col(OrderLine.line_no))
                ).all(),
            )
        a, a_lines = orders["#A"]
        f.parcel(uow, a, packed_by_name="Johan", packed_by_id=johan.operator_id)
        for ln in a_lines:
            uow.add(
                Event(
                    kind="pick.confirm",
                    operator_id=ana.operator_id,
                    operator_name="Ana",
                    order_id=a.id,
                    order_name=a.name,
                    sku=ln.sku,
                    qty=ln.quantity,
                )
            )
            # A short-pick event names someone who did not handle the unit.
            uow.add(
                Event(
                    kind="pick.short",
                    operator_name="Oliver",
                    order_id=a.id,
                    sku=ln.sku,
                    qty=0,
                )
            )
        b, (b_line,) = orders["#B"]
        uow.add(
            StockMovement(
                product_id=mug.id,
                from_location_id=bin_.id,
                to_location_id=tote.id,
                qty=3,
                reason=MovementReason.PICKED,
                operator_id=oliver.operator_id,
                order_id=b.id,
            )
        )
        uow.add(
            PackScan(order_id=b.id, order_line_id=b_line.id, qty=3, operator_id=emily.operator_id)
        )
        # An undone scan by Johan nets to zero: not his parcel.
        uow.add(
            PackScan(order_id=b.id, order_line_id=b_line.id, qty=1, operator_id=johan.operator_id)
        )
        uow.add(
            PackScan(order_id=b.id, order_line_id=b_line.id, qty=-1, operator_id=johan.operator_id)
        )
        uow.commit()
        c, (c_line,) = orders["#C"]
        ids = (a.id, a_lines[0].id, a_lines[1].id, b.id, b_line.id, c.id, c_line.id)
    a_id, a_mug, a_tee, b_id, b_mug, c_id, c_tee = ids

    def book(when: datetime, order_id: int, units: list[ReturnUnit], res: str = "REFUND") -> None:
        set_clock(lambda: when)
        returns.register_return(store, receiver, ReturnRequest(order_id, units, res))

    book(
        at(4, 10),
        a_id,
        [
            ReturnUnit(a_mug, "WRONG_ITEM", "SCRAP", qty=2),
            ReturnUnit(a_tee, "CHANGED_MIND", "RESTOCK", "A-01-1-A"),
        ],
    )
    book(
        at(5, 12),
        b_id,
        [
            ReturnUnit(b_mug, "DAMAGED_PACKING", "SCRAP"),
            ReturnUnit(b_mug, "WRONG_SIZE", "RESTOCK", "A-01-1-A"),
        ],
        "EXCHANGE",
    )
    book(at(5, 23, 30), c_id, [ReturnUnit(c_tee, "LATE", "SCRAP", qty=2)], "STORE_CREDIT")
    set_clock(None)
    return store


def table(rows: tuple[Row, ...]) -> list[tuple[str, int, int]]:
    return [(r.label, r.returns, r.units) for r in rows]


def test_all_time_numbers(booked: Store) -> None:
    r = return_reports.build_report(booked)
    # Ours: 2 wrong items (our pick) and 1 damaged by packing; "late" is the carrier's.
    assert (r.receipts, r.units, r.controllable_units) == (3, 7, 3)
    assert table(r.by_reason) == [
        ("Late delivery", 1, 2),
        ("Wrong item sent", 1, 2),
        ("Changed mind", 1, 1),
        ("Damaged by packing", 1, 1),
        ("Wrong size ordered", 1, 1),
    ]
    assert [r.controllable for r in r.by_reason] == [False, True, False, True, False]
    assert table(r.by_cause) == [
        ("Customer", 2, 2),
        ("Carrier", 1, 2),
        ("Our pick", 1, 2),
        ("Our pack", 1, 1),
    ]
    assert [(x.key, x.units, x.controllable_units) for x in r.by_sku] == [
        ("MUG-1", 4, 3),
        ("TEE-M", 3, 0),
    ]
    # Each person answers for their own causes only: Ana picked #A's wrong mugs,
    # Emily packed #B's damaged one. Johan packed #A (a picking error) and #C
    # came back late (the carrier's): neither is charged to anyone on the floor.
    assert table(r.by_packer) == [("Emily", 1, 1)]
    assert table(r.by_picker) == [("Ana", 1, 2)]
    assert (r.pick_units, r.pack_units) == (2, 1)
    assert r.period == "all time"
    assert len(r.details) == 5
    d = r.details[0]
    assert (d.order, d.sku, d.qty, d.reason_code, d.controllable, d.disposition) == (
        "#A",
        "MUG-1",
        2,
        "WRONG_ITEM",
        True,
        "SCRAP",
    )
    assert (d.received_by, d.picked_by, d.packed_by) == ("Björn", "Ana", "Johan")
    assert r.details[2].exchange_order == "#B-X1" and r.details[2].resolution == "EXCHANGE"
    assert r.details[1].location == "A-01-1-A"


def test_period_uses_warehouse_days(booked: Store) -> None:
    day5 = return_reports.build_report(booked, date(2024, 3, 5), date(2024, 3, 5))
    assert (day5.receipts, day5.units, day5.controllable_units) == (1, 2, 1)
    assert day5.period == "2024-03-05"
    day6 = return_reports.build_report(booked, date(2024, 3, 6), None)
    assert table(day6.by_reason) == [("Late delivery", 1, 2)]
    assert day6.period == "2024-03-06 to today"
    empty = return_reports.build_report(booked, date(2024, 4, 1), date(2024, 4, 30))
    assert (empty.units, empty.by_reason, empty.by_packer) == (0, (), ())
    with pytest.raises(DomainError, match="starts .* after it ends"):
        return_reports.build_report(booked, date(2024, 3, 6), date(2024, 3, 5))


def test_csv_summary_and_lines(booked: Store, tmp_path: Path) -> None:
    report = return_reports.build_report(booked)
    out = tmp_path / "sub" / "returns.csv"
    assert report_csv.write_csv(report, out) == 2 + 5 + 4 + 2 + 1 + 1
    with out.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    by = {(r["section"], r["key"]): r for r in rows}
    assert by[("summary", "total")]["units"] == "7"
    assert by[("reason", "WRONG_ITEM")]["controllable"] == "yes"
    assert by[("reason", "WRONG_ITEM")]["share_pct"] == "28.6"
    assert by[("cause", "CARRIER")]["units"] == "2"
    assert by[("cause", "CARRIER")]["controllable"] == "no"
    assert by[("sku", "MUG-1")]["units"] == "4"
    # People: a share of the units back for their own cause only.
    assert by[("packer", "Emily")]["share_pct"] == "100.0"
    assert by[("picker", "Ana")]["units"] == "2"
    assert ("packer", "Johan") not in by and ("picker", "Oliver") not in by
    lines = tmp_path / "lines.csv"
    assert report_csv.write_csv(report, lines, lines=True) == 5
    with lines.open(encoding="utf-8-sig", newline="") as fh:
        detail = list(csv.DictReader(fh))
    assert detail[0]["rma"].startswith("RMA-") and detail[0]["packed_by"] == "Johan"
    assert detail[0]["cause"] == "pick"
    assert detail[0]["received_at"].startswith("2024-03-04T11:00:00+01:00")
    assert not list(tmp_path.rglob("*.part"))


def test_csv_text_from_customers_and_staff_cannot_run_as_a_formula(
    booked: Store, tmp_path: Path
) -> None:
    import dataclasses

    report = return_reports.build_report(booked)
    evil = dataclasses.replace(report.details[0], name='=HYPERLINK("http://x.test","Mug")')
    report = dataclasses.replace(
        report,
        by_packer=(Row("+Johan", "@Johan", 1, 1),),
        details=(evil, *report.details[1:]),
    )
    out = tmp_path / "summary.csv"
    report_csv.write_csv(report, out)
    with out.open(encoding="utf-8-sig", newline="") as fh:
        packer = [r for r in csv.DictReader(fh) if r["section"] == "packer"]
    assert (packer[0]["key"], packer[0]["label"]) == ("'+Johan", "'@Johan")
    lines = tmp_path / "lines.csv"
    report_csv.write_csv(report, lines, lines=True)
    with lines.open(encoding="utf-8-sig", newline="") as fh:
        first = next(csv.DictReader(fh))
    assert first["name"] == '\'=HYPERLINK("http://x.test","Mug")'
