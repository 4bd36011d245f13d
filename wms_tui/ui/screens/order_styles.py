"""What the orders list and one order's work view share: a status's colour, the width
from which both show their wide layout."""

from __future__ import annotations

WIDE = 80

STATUS_STYLE = {
    "ON_HOLD": "bold yellow",
    "BACKORDERED": "magenta",
    "NEW": "cyan",
    "READY_TO_PICK": "green",
    "CANCELLED": "dim",
    "DISPATCHED": "dim",
    "RETURNED": "dim",
}
