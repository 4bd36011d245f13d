"""The receiving rules, in one place: a line's discrepancy and the over-receipt
tolerance. The receiving service, its close-out exception and the printed
discrepancy report all ask here, so they cannot disagree about a line.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

# The most units one delivery line may expect (an ASN row) or receive (all its
# counts together): a keyed 100000010 is a slip of the finger, not a delivery, and
# a stock row must stay far from a 32-bit column's limit on PostgreSQL.
MAX_LINE_UNITS = 1_000_000


class Discrepancy(StrEnum):
    SHORT = "short"
    OVER = "over"
    UNEXPECTED = "unexpected"


@dataclass(frozen=True)
class LineCheck:
    """What a line's counts say: ``kind`` is None when it arrived as expected."""

    kind: Discrepancy | None
    units: int  # how many short, over or unexpected

    def text(self) -> str:
        if self.kind is None:
            return ""
        if self.kind is Discrepancy.UNEXPECTED:
            return "unexpected"
        return f"{self.kind.value} {self.units}"


def check_line(expected: int, received: int, *, blind: bool = False) -> LineCheck:
    """A line expected ``expected`` units, ``received`` arrived (damaged ones too:
    they arrived). Nothing expected and something arrived is *unexpected*, not
    over -- except on a blind receipt, which expected nothing: its lines are what
    arrived, not surprises."""
    if blind and expected == 0:
        return LineCheck(None, 0)
    if expected == 0:
        return LineCheck(Discrepancy.UNEXPECTED, received) if received else LineCheck(None, 0)
    if received < expected:
        return LineCheck(Discrepancy.SHORT, expected - received)
    if received > expected:
        return LineCheck(Discrepancy.OVER, received - expected)
    return LineCheck(None, 0)


def over_tolerance(expected: int, received_after: int, tolerance_pct: int) -> int:
    """Units beyond the tolerated over-receipt after a scan (0: within it).

    ``tolerance_pct`` of the expected quantity (rounded up) may arrive on top
    without a question (suppliers round up to full cases); more must be confirmed. A line
    nobody expected (a blind receipt, an extra SKU) has no tolerance to exceed.
    """
    if expected <= 0:
        return 0
    # Rounded up: 10 % of 4 units still lets one extra in.
    allowed = expected + -(-expected * max(tolerance_pct, 0) // 100)
    return max(received_after - allowed, 0)
