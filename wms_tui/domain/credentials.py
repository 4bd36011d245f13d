"""Who someone says they are: a badge identifies, a PIN authenticates.

Plain values, no database: screens and commands build a :class:`Credential`
from what was typed and hand it to a service, which checks it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

PIN_MIN, PIN_MAX = 4, 12


@dataclass(frozen=True)
class Credential:
    badge: str
    # Never shown: repr=False keeps it out of tracebacks and logs.
    pin: str = field(default="", repr=False)


def pin_problem(pin: str) -> str | None:
    """Why ``pin`` cannot be a PIN (4-12 digits 0-9, as a keypad types them), or None."""
    if not (pin.isascii() and pin.isdigit()):
        return "A PIN is digits 0-9 only"
    if not PIN_MIN <= len(pin) <= PIN_MAX:
        return f"A PIN has {PIN_MIN} to {PIN_MAX} digits"
    return None
