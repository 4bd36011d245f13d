"""Codes printed on paper and scanned back: RMA numbers, task and tote codes."""

from __future__ import annotations

import re

_RMA = re.compile(r"^RMA-?(\d{1,10})$", re.IGNORECASE)


def rma_code(order_id: int) -> str:
    """The return authorisation printed as a barcode on the packing slip.

    Built from the order's id, not its shop name, because shop names may hold
    spaces, Hangul or slashes that a Code 128 scanner round-trips badly.
    """
    return f"RMA-{order_id:07d}"


def parse_rma(code: str) -> int | None:
    """Order id from a scanned RMA code, or None if it is not one."""
    m = _RMA.match(code.strip())
    return int(m.group(1)) if m else None
