"""One rule for a receiving line's discrepancy, used by the service and the printed report."""

from __future__ import annotations

from wms_tui.domain.receiving import Discrepancy, check_line, over_tolerance
from wms_tui.printing.receiving_report import ReportLine
from wms_tui.services.receiving.deliveries import ReceiptLine


def test_check_line() -> None:
    assert check_line(10, 10).kind is None
    assert (check_line(10, 7).kind, check_line(10, 7).units) == (Discrepancy.SHORT, 3)
    assert (check_line(10, 12).kind, check_line(10, 12).text()) == (Discrepancy.OVER, "over 2")
    assert check_line(0, 4).kind is Discrepancy.UNEXPECTED  # not "over 4"
    assert check_line(0, 0).kind is None
    assert check_line(5, 0).text() == "short 5"


def test_the_screen_service_and_paper_agree() -> None:
    for expected, received in [(10, 10), (10, 7), (10, 12), (0, 4), (0, 0), (3, 0)]:
        service = ReceiptLine("S", "n", "", expected, received, 0, 0, True)
        paper = ReportLine("S", "n", "", expected, received, 0, 0)
        assert service.check == paper.check == check_line(expected, received)
        assert paper.issue == check_line(expected, received).text()


def test_over_tolerance() -> None:
    assert over_tolerance(10, 11, 10) == 0
    assert over_tolerance(10, 12, 10) == 1
    assert over_tolerance(10, 11, 0) == 1
    assert over_tolerance(0, 50, 10) == 0  # nothing expected: nothing to be over
    assert over_tolerance(4, 5, 10) == 0  # 10 % of 4, rounded up: one
    assert over_tolerance(4, 6, 10) == 1
