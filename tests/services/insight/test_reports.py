"""``wms report`` data on the hand-built shift (tests/worlds/insight.py), bad input, files."""

from __future__ import annotations

from datetime import date

import pytest

from tests.worlds.insight import NOW, Shift, build_shift
from wms_tui.domain.clock import set_clock
from wms_tui.domain.errors import DomainError, PermissionDenied
from wms_tui.printing.insight_report import ReportDoc, TableData
from wms_tui.services.insight import reports
from wms_tui.store import Store

D9, D10 = date(2026, 3, 9), date(2026, 3, 10)


@pytest.fixture
def shift(empty_store: Store):  # noqa: ANN201
    world = build_shift(empty_store)
    set_clock(lambda: NOW)
    yield world
    set_clock(None)


def table(doc: ReportDoc, title: str) -> TableData:
    return next(t for t in doc.tables if t.title == title)


def test_the_shift_report_counts_each_day(shift: Shift) -> None:
    doc = reports.build(shift.store, shift.boss, "shift", D9, D10)
    assert doc.period == "2026-03-09 to 2026-03-10" and doc.warehouse == "Test DC"
    days = table(doc, "Days").rows
    # day, released, picked, packed, dispatched, pick lines, pack units, p50 h, p90 h
    assert days[0] == ("2026-03-09", 0, 0, 0, 1, 0, 0, 8.0, 8.0)  # #I: 07:00 -> 15:00
    assert days[1] == ("2026-03-10", 3, 3, 2, 2, 6, 7, 15.0, 22.2)
    assert table(doc, "Exceptions raised").rows == (("SHORT_PICK", 2), ("BACKORDER", 1),
                                                    ("QC_FAIL", 1))  # fmt: skip
    assert "3 orders dispatched" in doc.notes[0] and "over 3 orders" in doc.notes[0]


def test_the_people_report_rates_and_accuracy(shift: Shift) -> None:
    doc = reports.build(shift.store, shift.boss, "people", D10, D10)
    # picker, lines, units, active hours, lines/hour, refused, refused per 1,000 units
    assert table(doc, "Pickers").rows == (
        ("Ana Lindqvist", 3, 5, 2, 1.5, 0, 0.0), ("Bo Ek", 3, 4, 2, 1.5, 1, 250.0),
    )  # fmt: skip
    johan, lena = table(doc, "Packers").rows
    # units, hours, rate; refused, undone, QC, returns
    assert johan == ("Johan Öberg", 6, 2, 3.0, 2, 1, 1, 1)
    assert lena == ("Lena Berg", 1, 1, 1.0, 0, 0, 0, 0)
    # each per 1,000 units, and in all
    assert table(doc, "Pack errors per 1,000 units").rows == (
        ("Johan Öberg", 333.3, 166.7, 166.7, 166.7, 833.3),
        ("Lena Berg", 0.0, 0.0, 0.0, 0.0, 0.0),
    )
    only = reports.build(shift.store, shift.boss, "people", D10, D10, person="p1001")
    assert table(only, "Pickers").rows == (("Ana Lindqvist", 3, 5, 2, 1.5, 0, 0.0),)
    assert table(only, "Packers").rows == ()
    # The return booked on 9 March is charged on the 9th, with no units packed that day.
    ninth = reports.build(shift.store, shift.boss, "people", D9, D9)
    assert table(ninth, "Packers").rows == (("Johan Öberg", 0, 0, 0.0, 0, 0, 0, 1),)


def test_the_carriers_report_on_time_and_per_day(shift: Shift) -> None:
    doc = reports.build(shift.store, shift.boss, "carriers", D9, D10)
    rows = {r[0]: r for r in table(doc, "Carriers").rows}
    assert rows["PN"] == ("PN", "PN Carrier", 3, 3, 0, 100.0)
    assert rows["DHL"] == ("DHL", "DHL Carrier", 0, 0, 0, None)  # no division by zero
    assert table(doc, "Per day").rows == (("2026-03-09", 0, 1, 0), ("2026-03-10", 0, 2, 0))
    one = reports.build(shift.store, shift.boss, "carriers", D9, D10, carrier=" pn ")
    assert [r[0] for r in table(one, "Carriers").rows] == ["PN"]


def test_the_returns_report_splits_controllable_and_names_the_packer(shift: Shift) -> None:
    doc = reports.build(shift.store, shift.boss, "returns", D10, D10)
    assert table(doc, "Controllable or not").rows == (("yes", 1), ("no", 1))
    assert set(table(doc, "By cause").rows) == {("Our pack", "yes", 1, 1), ("Customer", "no", 1, 1)}
    assert table(doc, "By packer").rows == (("Johan Öberg", 1, 1),)
    assert {r[0]: r[3] for r in table(doc, "By product").rows} == {"TEE-1": 1, "MUG-1": 1}


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        (D10, D9, "The period starts (2026-03-10) after it ends (2026-03-09)"),
        (
            date(2024, 1, 1),
            D10,
            "A report covers at most 366 days; 2024-01-01 to 2026-03-10 is 800 days",
        ),  # fmt: skip
        (date(1900, 1, 1), D10, "1900-01-01 is outside the years 2000-2100"),
        (D10, date(9999, 1, 1), "9999-01-01 is outside the years 2000-2100"),
        (date(2026, 3, 11), date(2026, 3, 12), "The period starts (2026-03-11) after today"),
    ],
)
def test_absurd_periods_are_refused_in_one_line(start, end, message) -> None:  # noqa: ANN001
    with pytest.raises(DomainError) as err:
        reports.check_period(start, end, today=D10)
    assert str(err.value).startswith(message) and "\n" not in str(err.value)
    reports.check_period(date(2025, 3, 10), D10, today=D10)  # 366 days: fine


def test_bad_input_is_refused_in_one_line(shift: Shift) -> None:
    for kind, start, extra, message in (
        ("shift", date(2026, 3, 11), {}, "The period starts (2026-03-11) after today (2026-03-10)"),
        ("weekly", D10, {}, "Unknown report 'weekly': shift, people, carriers, returns"),
        ("people", D10, {"person": "Nobody"}, "No person with badge or name 'Nobody'"),
        ("people", D10, {"person": " "}, "--person needs a badge or a name"),
        ("carriers", D10, {"carrier": "XYZ"}, "No carrier 'XYZ': known are DHL, PN, UPS"),
        ("shift", D10, {"carrier": "PN"}, "--carrier is for the carriers report"),
        ("carriers", D10, {"person": "Bo Ek"}, "--person is for the people report"),
    ):
        with pytest.raises(DomainError) as err:
            reports.build(shift.store, shift.boss, kind, start, None, **extra)
        assert str(err.value) == message


def test_only_a_supervisor_makes_reports(shift: Shift) -> None:
    with pytest.raises(PermissionDenied, match="Ana Lindqvist may not make reports"):
        reports.build(shift.store, shift.picker, "returns", D10, D10)


def test_the_default_period_is_today(shift: Shift) -> None:
    doc = reports.build(shift.store, shift.boss, "shift", None, None)
    assert doc.period == "2026-03-10"
