"""What a simulated day reports: its rounds, statuses, events, checks, and every refusal
an operator read, counted by its reason with what differs between orders made alike.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from wms_tui.services.demo.day_checks import Check


@dataclass
class DayReport:
    orders: int
    seed: int
    seconds: float = 0.0
    rounds: int = 0
    statuses: Counter = field(default_factory=Counter)
    events: Counter = field(default_factory=Counter)
    checks: list[Check] = field(default_factory=list)
    # Every refusal an operator read, by where and the reason's shape (order names,
    # counts and quoted codes made alike), with one message as it was said: 419
    # refused inbox actions in a 5,000-order day were a bare count, and a dead end
    # that shows itself only as a refusal read the same as a harmless race.
    refusals: Counter = field(default_factory=Counter)
    refusal_examples: dict[tuple[str, str], str] = field(default_factory=dict)

    def refusal_summary(self, top: int = 15) -> list[str]:
        """The refusals' reasons, most frequent first, one line each (and one for the rest)."""
        lines = []
        ranked = sorted(self.refusals.items(), key=lambda kv: (-kv[1], kv[0]))
        for (where, reason), n in ranked[:top]:
            example = self.refusal_examples[(where, reason)]
            said = "" if example == reason else f" (e.g. {example})"
            lines.append(f"{n:6,}  {where}: {reason}{said}")
        rest = ranked[top:]
        if rest:
            more = sum(n for _, n in rest)
            lines.append(f"{more:6,}  … {len(rest)} other reasons")
        return lines

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)


_QUOTED = re.compile(r"'[^']*'")
# A SKU, bin or tote code (upper case in parts joined by "-"), then anything with a digit.
_CODE = re.compile(r"#?\b[A-Z0-9]+(?:-[A-Z0-9]+)+\b")
_WITH_DIGITS = re.compile(r"#?[\w-]*\d[\w.-]*")


def refusal_reason(message: str) -> str:
    """A refusal's message with what differs between orders, codes and counts made alike:
    "Only 0 NB-DOT-OLV free … for #S1252" and "Only 2 TS-ORG-BLK-S free … for #S1311"
    are one reason."""
    line = message.splitlines()[0] if message else ""
    reason = _WITH_DIGITS.sub("N", _CODE.sub("X", _QUOTED.sub("'…'", line)))
    return reason[:100]
